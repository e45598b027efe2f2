//! Who may record what after the mobility.

use crate::http::{ApiError, ApiResult, AuthUser};
use entity::enums::{ParticipantStatus, Role};
use entity::participant;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// Coordinators, admins, or a `library` user of `library_id`.
pub fn staff_or_library(user: &AuthUser, library_id: Uuid) -> bool {
    user.is_staff() || (user.role == Role::Library && user.organisation_id == Some(library_id))
}

/// Whose library records (workshops, stories, new practice) a caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryScope {
    /// Coordinators, admins and the accountant.
    All,
    /// The library's own users and participants.
    One(Uuid),
    /// Committee and hosts, and users without a library.
    Nothing,
}

impl LibraryScope {
    pub fn of(user: &AuthUser) -> Self {
        match user.role {
            Role::Admin | Role::Coordinator | Role::Accountant => LibraryScope::All,
            Role::Library | Role::Participant => user
                .organisation_id
                .map_or(LibraryScope::Nothing, LibraryScope::One),
            Role::Committee | Role::Host => LibraryScope::Nothing,
        }
    }

    pub fn admits(&self, library_id: Uuid) -> bool {
        match self {
            LibraryScope::All => true,
            LibraryScope::One(id) => *id == library_id,
            LibraryScope::Nothing => false,
        }
    }
}

/// Who sees a library's records (workshops, stories, new practice): coordinators, admins and
/// the accountant, and the library's own users and participants.
pub fn sees_library_records(user: &AuthUser, library_id: Uuid) -> bool {
    LibraryScope::of(user).admits(library_id)
}

/// The library a new record belongs to: a `library` user's own; the one staff name.
pub fn library_for(user: &AuthUser, given: Option<Uuid>, forbidden: &str) -> ApiResult<Uuid> {
    match (user.role, given) {
        (Role::Library, _) => user
            .organisation_id
            .ok_or_else(|| ApiError::forbidden("Your account has no library.")),
        (_, Some(l)) if user.is_staff() => Ok(l),
        (_, None) if user.is_staff() => Err(ApiError::invalid_field(
            "library_id",
            "required",
            "is required",
        )),
        _ => Err(ApiError::forbidden(forbidden.to_string())),
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
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
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
