//! Who may see and manage which users.
//!
//! Admins manage every user; coordinators the people of member libraries and hosts (library,
//! participant, host users); everyone sees and changes their own account (not its role,
//! e-mail without the password, organisation or active flag). A user the caller may not see is
//! 404; one they see but may not change in that way is 403.

use crate::http::{ApiError, ApiResult, AuthUser};
use entity::enums::Role;
use entity::user;

/// Roles a coordinator manages: the people of member libraries and host organisations.
pub const COORDINATOR_MANAGED: &[Role] = &[Role::Library, Role::Participant, Role::Host];

/// Whether `caller` may see and manage users of `target` role.
pub fn can_manage(caller: &AuthUser, target: Role) -> bool {
    match caller.role {
        Role::Admin => true,
        Role::Coordinator => COORDINATOR_MANAGED.contains(&target),
        _ => false,
    }
}

/// Roles whose users `caller` may list; `None` means every role.
pub fn listable_roles(caller: &AuthUser) -> Option<&'static [Role]> {
    match caller.role {
        Role::Admin => None,
        Role::Coordinator => Some(COORDINATOR_MANAGED),
        _ => Some(&[]),
    }
}

/// The user, if `caller` may see them: themselves, or one they manage; otherwise 404.
pub fn visible(caller: &AuthUser, m: user::Model) -> ApiResult<user::Model> {
    if m.id == caller.id || can_manage(caller, m.role) {
        Ok(m)
    } else {
        Err(ApiError::not_found("user"))
    }
}

/// Creating a user of `role`.
pub fn may_create(caller: &AuthUser, role: Role) -> ApiResult<()> {
    if can_manage(caller, role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "You may not create `{role}` users."
        )))
    }
}

/// Deleting `target`: those who manage them, and users themselves (the service then refuses
/// a self-deletion with `user.self_change`).
pub fn may_delete(caller: &AuthUser, target: &user::Model) -> ApiResult<()> {
    if can_manage(caller, target.role) || target.id == caller.id {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not delete this user."))
    }
}

/// What a caller may change of a user they see.
pub struct UpdateRights {
    /// Admin or coordinator managing this user.
    pub manage: bool,
    /// Roles the caller may assign; `None`: every role.
    pub assignable: Option<&'static [Role]>,
    /// The caller's own login, when they change their own account: a password change ends
    /// every other login, not the one it was made from.
    pub own_session: Option<uuid::Uuid>,
}

impl UpdateRights {
    pub fn of(caller: &AuthUser, target: &user::Model) -> Self {
        UpdateRights {
            manage: can_manage(caller, target.role),
            assignable: if caller.is_admin() {
                None
            } else {
                Some(COORDINATOR_MANAGED)
            },
            own_session: (caller.id == target.id).then_some(caller.session).flatten(),
        }
    }

    /// E-mail, role, organisation and the active flag are changed by those who manage.
    pub fn may_change_account(&self) -> ApiResult<()> {
        if self.manage {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "Only admins and coordinators change e-mail, role, organisation or active.",
            ))
        }
    }

    /// Giving a user `role`.
    pub fn may_assign(&self, role: Role) -> ApiResult<()> {
        match self.assignable {
            Some(allowed) if !allowed.contains(&role) => Err(ApiError::forbidden(format!(
                "You may not give users the role `{role}`."
            ))),
            _ => Ok(()),
        }
    }
}
