//! Who may see and manage which users.

use crate::http::AuthUser;
use entity::enums::Role;

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
