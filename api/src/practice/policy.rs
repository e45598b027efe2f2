//! Who may see and change a library's new practice: one place for the checks on one adoption
//! and the scope of the list, both from the libraries' shared scope (`organisations::scope`).
//! An adoption the caller may not see is 404, not 403.
//!
//! | operation | who |
//! | --- | --- |
//! | list adoptions | admins, coordinators, accountants all; `library` and `participant` users their library's; others none ([`list_scope`]) |
//! | read an adoption | admins, coordinators, accountants; the library's users and participants ([`sees`]) |
//! | record new practice | a `library` user for its own library; coordinators and admins for the library they name ([`library_of_new`]) |
//! | change it, move it forward | the library's `library` users, coordinators and admins ([`may_change`]) |

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::organisations::scope::{
    LibraryScope, library_for, sees_library_records, staff_or_library,
};
use entity::practice_adoption;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

/// The library new practice is recorded for: a `library` user's own; the one coordinators and
/// admins name; anyone else 403.
pub fn library_of_new(user: &AuthUser, given: Option<Uuid>) -> ApiResult<Uuid> {
    library_for(
        user,
        given,
        "Libraries and coordinators record new practice.",
    )
}

/// Reading an adoption: admins, coordinators, accountants, and the library's own users and
/// participants; to anyone else it does not exist (404 `practice_adoption.not_found`).
pub fn sees(user: &AuthUser, m: &practice_adoption::Model) -> ApiResult<()> {
    if sees_library_records(user, m.library_id) {
        Ok(())
    } else {
        Err(ApiError::not_found("practice_adoption"))
    }
}

/// The adoptions in the caller's list, as a condition on `practice_adoption` rows (the same
/// scope as [`sees`]).
pub fn list_scope(user: &AuthUser) -> Condition {
    match LibraryScope::of(user) {
        LibraryScope::All => Condition::all(),
        LibraryScope::One(library) => {
            Condition::all().add(practice_adoption::Column::LibraryId.eq(library))
        }
        // The primary key is never null: no row.
        LibraryScope::Nothing => Condition::all().add(practice_adoption::Column::Id.is_null()),
    }
}

/// Changing an adoption or moving it forward: the library's `library` users, coordinators and
/// admins.
pub fn may_change(user: &AuthUser, m: &practice_adoption::Model) -> ApiResult<()> {
    if staff_or_library(user, m.library_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The library and coordinators record new practice.",
        ))
    }
}
