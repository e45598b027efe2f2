//! Who may see and change digital stories: one place for the checks on one story and the
//! scope of the list, both from the libraries' shared scope (`organisations::scope`) applied
//! to the story's workshop. A story the caller may not see is 404, not 403.
//!
//! | operation | who |
//! | --- | --- |
//! | list stories | admins, coordinators, accountants all; `library` and `participant` users their library's; others none ([`list_scope`]) |
//! | read a story, its Kamra package | admins, coordinators, accountants; the workshop library's users and participants ([`sees`]) |
//! | start a story from a workshop | whoever sees the workshop ([`sees_workshop`]) and writes the library's stories ([`may_write`]) |
//! | change, add media, submit, publish | coordinators and admins, the library's `library` users and its participants ([`may_change`], [`may_submit`], [`may_publish`]) |

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::organisations::scope::{LibraryScope, sees_library_records, staff_or_library};
use entity::enums::Role;
use entity::{digital_story, workshop};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

/// Writing the stories of a workshop's library: coordinators and admins, the library's
/// `library` users and its participants (not the accountant).
fn may_edit(user: &AuthUser, w: &workshop::Model) -> bool {
    staff_or_library(user, w.library_id)
        || (user.role == Role::Participant && user.organisation_id == Some(w.library_id))
}

/// The workshop a new story comes from: admins, coordinators, accountants, and the library's
/// users and participants see it; to anyone else it does not exist (404 `workshop.not_found`).
pub fn sees_workshop(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if sees_library_records(user, w.library_id) {
        Ok(())
    } else {
        Err(ApiError::not_found("workshop"))
    }
}

/// Starting a story from workshop `w`: whoever writes its library's stories.
pub fn may_write(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if may_edit(user, w) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The library, its participants and coordinators write digital stories.",
        ))
    }
}

/// Reading a story of workshop `w`: admins, coordinators, accountants, and the library's own
/// users and participants; to anyone else it does not exist (404 `digital_story.not_found`).
pub fn sees(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if sees_library_records(user, w.library_id) {
        Ok(())
    } else {
        Err(ApiError::not_found("digital_story"))
    }
}

/// The stories in the caller's list, as a condition on `digital_story` rows (the same scope
/// as [`sees`]); `None` when the caller sees none at all (committee, hosts, users without a
/// library).
pub fn list_scope(user: &AuthUser) -> Option<Condition> {
    match LibraryScope::of(user) {
        LibraryScope::All => Some(Condition::all()),
        LibraryScope::One(library) => Some(
            Condition::all().add(
                digital_story::Column::WorkshopId.in_subquery(
                    Query::select()
                        .column(workshop::Column::Id)
                        .from(workshop::Entity)
                        .and_where(workshop::Column::LibraryId.eq(library))
                        .to_owned(),
                ),
            ),
        ),
        LibraryScope::Nothing => None,
    }
}

/// Changing a story or its media: whoever writes its library's stories.
pub fn may_change(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if may_edit(user, w) {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not change this story."))
    }
}

/// Submitting a story for publication: whoever writes its library's stories.
pub fn may_submit(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if may_edit(user, w) {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not submit this story."))
    }
}

/// Marking a story published on Kamra: whoever writes its library's stories.
pub fn may_publish(user: &AuthUser, w: &workshop::Model) -> ApiResult<()> {
    if may_edit(user, w) {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not publish this story."))
    }
}
