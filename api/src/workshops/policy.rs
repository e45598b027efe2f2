//! Who may see and change workshops: one place for the checks on one workshop and the scope
//! of the list, both from the libraries' shared scope (`organisations::scope`). A workshop the
//! caller may not see is 404, not 403.
//!
//! | operation | who |
//! | --- | --- |
//! | list workshops | admins, coordinators, accountants all; `library` and `participant` users their library's; committee and hosts 403 ([`list_scope`]) |
//! | read a workshop, its plan document | admins, coordinators, accountants; the library's users and participants ([`sees`]) |
//! | plan a workshop | a `library` user for its own library; coordinators and admins for the library they name ([`library_of_new`]) |
//! | change, report, attach the plan | the library's `library` users, coordinators and admins ([`may_change`], [`may_report`], [`may_plan`]) |

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::organisations::scope::{library_for, sees_library_records, staff_or_library};
use entity::enums::Role;
use entity::workshop;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

/// The library a new workshop is planned for: a `library` user's own; the one coordinators
/// and admins name; anyone else 403.
pub fn library_of_new(user: &AuthUser, given: Option<Uuid>) -> ApiResult<Uuid> {
    library_for(user, given, "Libraries and coordinators plan workshops.")
}

/// Reading a workshop: admins, coordinators, accountants, and the library's own users and
/// participants; to anyone else it does not exist (404 `workshop.not_found`).
pub fn sees(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if sees_library_records(user, w.library_id) {
        Ok(())
    } else {
        Err(ApiError::not_found("workshop"))
    }
}

/// The workshops in the caller's list, as a condition on `workshop` rows: admins, coordinators
/// and accountants all; `library` and `participant` users their own library's; committee and
/// host users may not list them (403).
pub fn list_scope(user: &AuthUser) -> ApiResult<Condition> {
    match user.role {
        Role::Admin | Role::Coordinator | Role::Accountant => Ok(Condition::all()),
        Role::Library | Role::Participant => Ok(Condition::all()
            .add(workshop::Column::LibraryId.eq(user.organisation_id.unwrap_or_default()))),
        Role::Committee | Role::Host => {
            Err(ApiError::forbidden("Workshops are the libraries' own."))
        }
    }
}

/// Changing a workshop (plan, held, attendees): the library's `library` users, coordinators
/// and admins.
pub fn may_change(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if staff_or_library(user, w.library_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The library and coordinators change workshops.",
        ))
    }
}

/// Reporting a held workshop: the library's `library` users, coordinators and admins.
pub fn may_report(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if staff_or_library(user, w.library_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The library and coordinators report workshops.",
        ))
    }
}

/// Attaching the planned content as a document: the library's `library` users, coordinators
/// and admins.
pub fn may_plan(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if staff_or_library(user, w.library_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The library and coordinators plan workshops.",
        ))
    }
}
