//! Who sees a participant, and who is the participant.
//!
//! One [`Scope`] per caller answers both questions a reader asks: "may I open this record?"
//! ([`Scope::admits`], for single reads and writes) and "which records are in my list?"
//! ([`Scope::condition`], for SQL). Both come from the same match on the caller's role, so a
//! single read and a list cannot disagree.
//!
//! [`require_taking_part`]: whether a library takes part in a mobility (has a participant in
//! it), which the libraries' own records after the mobility (workshops, new practice) need.

use crate::http::{ApiError, ApiResult, AuthUser};
use entity::enums::Role;
use entity::{mobility, participant};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// Which participants a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Admins, coordinators and the accountant: every participant.
    All,
    /// A `library` user: the participants of their library.
    Library(Uuid),
    /// A `participant` user: the participant records linked to their account or made for their
    /// e-mail address (before an account is linked).
    Person { user_id: Uuid, email: String },
    /// A `host` user: the participants of the mobilities their organisation hosts.
    HostedBy(Uuid),
    /// The committee decides on applications; what participants do afterwards is not theirs.
    Nothing,
}

impl Scope {
    pub fn of(user: &AuthUser) -> Self {
        match user.role {
            Role::Admin | Role::Coordinator | Role::Accountant => Scope::All,
            Role::Committee => Scope::Nothing,
            Role::Library => user.organisation_id.map_or(Scope::Nothing, Scope::Library),
            Role::Participant => Scope::Person {
                user_id: user.id,
                email: user.email.to_lowercase(),
            },
            Role::Host => user.organisation_id.map_or(Scope::Nothing, Scope::HostedBy),
        }
    }

    /// Whether the scope holds `p`, whose mobility is hosted by `host_of`.
    pub fn admits(&self, p: &participant::Model, host_of: Option<Uuid>) -> bool {
        match self {
            Scope::All => true,
            Scope::Library(id) => p.library_id == *id,
            Scope::Person { user_id, email } => {
                p.user_id == Some(*user_id) || p.email.eq_ignore_ascii_case(email)
            }
            Scope::HostedBy(org) => host_of == Some(*org),
            Scope::Nothing => false,
        }
    }

    /// The same rule as a condition on `participant` rows.
    pub fn condition(&self) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::Library(id) => Condition::all().add(participant::Column::LibraryId.eq(*id)),
            Scope::Person { user_id, email } => Condition::any()
                .add(participant::Column::UserId.eq(*user_id))
                .add(participant::Column::Email.eq(email.clone())),
            Scope::HostedBy(org) => Condition::all().add(
                participant::Column::MobilityId.in_subquery(
                    Query::select()
                        .column(mobility::Column::Id)
                        .from(mobility::Entity)
                        .and_where(mobility::Column::HostOrganisationId.eq(*org))
                        .to_owned(),
                ),
            ),
            // The primary key is never null: no row.
            Scope::Nothing => Condition::all().add(participant::Column::Id.is_null()),
        }
    }
}

/// Whether the caller may see `p` (whose mobility is hosted by `host_of`).
pub fn can_see(user: &AuthUser, p: &participant::Model, host_of: Option<Uuid>) -> bool {
    Scope::of(user).admits(p, host_of)
}

/// The caller is the participant themself (a `participant` user linked to the record or with
/// its e-mail address).
pub fn is_self(user: &AuthUser, p: &participant::Model) -> bool {
    user.role == Role::Participant && Scope::of(user).admits(p, None)
}

/// The participant's library: a `library` user of `p`'s library.
pub fn is_own_library(user: &AuthUser, p: &participant::Model) -> bool {
    user.role == Role::Library && user.organisation_id == Some(p.library_id)
}

/// The participant, if the caller may see them; 404 `participant.not_found` otherwise (a
/// record the caller may not see does not exist for them).
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<participant::Model> {
    let p = participant::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("participant"))?;
    let scope = Scope::of(user);
    let host = match scope {
        Scope::HostedBy(_) => mobility::Entity::find_by_id(p.mobility_id)
            .one(db)
            .await?
            .map(|m| m.host_organisation_id),
        _ => None,
    };
    if scope.admits(&p, host) {
        Ok(p)
    } else {
        Err(ApiError::not_found("participant"))
    }
}

/// Refuse (422 `<what>.library_not_participating`) a library without an active participant
/// in the mobility.
pub async fn require_taking_part(
    db: &impl ConnectionTrait,
    library_id: Uuid,
    mobility_id: Uuid,
    code: &'static str,
) -> ApiResult<()> {
    let n = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .filter(participant::Column::LibraryId.eq(library_id))
        .filter(participant::Column::Status.ne(entity::enums::ParticipantStatus::Withdrawn))
        .count(db)
        .await?;
    if n > 0 {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            code,
            "The library has no participant in this mobility.",
        ))
    }
}

/// The scope of a mobility's participant list: committee users may not list participants,
/// and a host user only those of mobilities their organisation hosts (403 otherwise).
pub fn list_scope(user: &AuthUser, host_of_mobility: Uuid) -> ApiResult<Scope> {
    let scope = Scope::of(user);
    match &scope {
        Scope::Nothing if user.role == Role::Committee => Err(ApiError::forbidden(
            "Participants are not shown to the committee.",
        )),
        Scope::HostedBy(org) if *org != host_of_mobility => Err(ApiError::forbidden(
            "Only the host of this mobility sees its participants.",
        )),
        _ => Ok(scope),
    }
}

/// Changing a participant (linking their account): admins and coordinators.
pub fn may_change(user: &AuthUser) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only coordinators change participants.",
        ))
    }
}

/// Withdrawing `p`: the participant themself, their library, admins and coordinators.
pub fn may_withdraw(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if user.is_staff() || is_own_library(user, p) || is_self(user, p) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the participant, their library or a coordinator withdraws a participant.",
        ))
    }
}

/// Who reads why a participant withdrew: those who may withdraw them (the participant, their
/// library, coordinators). Hosts, the committee and the accountant see that and when, not why.
pub fn may_read_withdrawal_reason(user: &AuthUser, p: &participant::Model) -> bool {
    user.is_staff() || is_own_library(user, p) || is_self(user, p)
}

/// Recording the return from the mobility: admins and coordinators.
pub fn may_record_return(user: &AuthUser) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Coordinators record the return."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use entity::enums::ParticipantStatus;

    fn user(role: Role, org: Option<Uuid>) -> AuthUser {
        AuthUser {
            id: Uuid::now_v7(),
            email: "Petra.Bizjak@example.org".into(),
            full_name: "Petra Bizjak".into(),
            role,
            organisation_id: org,
            request_id: None,
            session: None,
        }
    }

    fn participant(library: Uuid, user_id: Option<Uuid>, email: &str) -> participant::Model {
        participant::Model {
            id: Uuid::now_v7(),
            mobility_id: Uuid::now_v7(),
            application_id: Uuid::now_v7(),
            library_id: library,
            user_id,
            full_name: "Petra Bizjak".into(),
            email: email.into(),
            status: ParticipantStatus::Selected,
            reserve_rank: None,
            returned_at: None,
            early_return_reason: None,
            withdrawn_at: None,
            withdrawal_reason: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_participant_is_themself_by_account_or_by_e_mail() {
        let u = user(Role::Participant, None);
        let lib = Uuid::now_v7();
        assert!(is_self(
            &u,
            &participant(lib, Some(u.id), "other@example.org")
        ));
        assert!(is_self(
            &u,
            &participant(lib, None, "petra.bizjak@example.org")
        ));
        assert!(!is_self(
            &u,
            &participant(lib, Some(Uuid::now_v7()), "x@example.org")
        ));
        let coordinator = user(Role::Coordinator, None);
        assert!(!is_self(
            &coordinator,
            &participant(lib, Some(coordinator.id), "x@y.org")
        ));
    }

    #[test]
    fn scopes_follow_roles() {
        let lib = Uuid::now_v7();
        let host = Uuid::now_v7();
        let p = participant(lib, None, "a@example.org");
        assert!(can_see(&user(Role::Accountant, None), &p, None));
        assert!(!can_see(&user(Role::Committee, None), &p, None));
        assert!(can_see(&user(Role::Library, Some(lib)), &p, None));
        assert!(!can_see(
            &user(Role::Library, Some(Uuid::now_v7())),
            &p,
            None
        ));
        assert!(!can_see(&user(Role::Library, None), &p, None));
        assert!(can_see(&user(Role::Host, Some(host)), &p, Some(host)));
        assert!(!can_see(
            &user(Role::Host, Some(host)),
            &p,
            Some(Uuid::now_v7())
        ));
        assert!(!can_see(&user(Role::Host, None), &p, None));
    }
}
