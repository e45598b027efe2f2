//! Whose library's records a caller may see and change: the one scope shared by the records a
//! library keeps after the mobility (workshops, digital stories, new practice).
//!
//! [`LibraryScope::of`] answers "which libraries' records are mine to see?" once per caller;
//! [`sees_library_records`] asks it for one record, and each capability turns the same scope
//! into its list's SQL condition in its own `policy.rs`, so a list and a single read cannot
//! disagree.

use crate::http::{ApiError, ApiResult, AuthUser};
use entity::enums::Role;
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
