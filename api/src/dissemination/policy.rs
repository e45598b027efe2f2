//! Who may see and change knowledge sharing: one place for the checks on one item and the
//! scope of a list. An item the caller may not see is 404, not 403.
//!
//! | operation | who |
//! | --- | --- |
//! | list a participant's items | whoever sees the participant ([`sees_list_of`]) |
//! | read an item | whoever sees one of its participants ([`scope`], [`sees`]) |
//! | record an item for a participant | the participant, their library, coordinators and admins ([`may_create`]) |
//! | name co-authors | participants of the same mobility; coordinators and admins any ([`may_link`]) |
//! | change, delete an item, attach evidence | whoever may record for one of its participants ([`may_change`], [`may_delete`]) |

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::organisations::scope::staff_or_library;
use crate::participants::access::{self, is_self};
use entity::participant;
use sea_orm::{Condition, ConnectionTrait};
use uuid::Uuid;

/// Recording knowledge sharing for `p`: the participant themself, `library` users of their
/// library, coordinators and admins.
pub fn may_record(user: &AuthUser, p: &participant::Model) -> bool {
    is_self(user, p) || staff_or_library(user, p.library_id)
}

/// A new item for `p`: whoever may record for them ([`may_record`]).
pub fn may_create(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if may_record(user, p) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The participant, their library or a coordinator records knowledge sharing.",
        ))
    }
}

/// A co-author `other` of an item recorded for `p`: a participant of the same mobility (the
/// items are agreed among them); coordinators and admins may name any participant.
pub fn may_link(user: &AuthUser, p: &participant::Model, other: &participant::Model) -> bool {
    other.mobility_id == p.mobility_id || user.is_staff()
}

/// A participant's list of items: whoever sees the participant (404 `participant.not_found`
/// otherwise).
pub async fn sees_list_of(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<()> {
    access::visible(db, user, participant_id).await?;
    Ok(())
}

/// The participants whose items the caller sees, as a condition on `participant` rows: an
/// item is seen by whoever sees one of its participants (`participants::access::Scope`).
pub fn scope(user: &AuthUser) -> Condition {
    access::Scope::of(user).condition()
}

/// Reading an item, given those of its participants the caller sees ([`scope`]): at least
/// one; otherwise 404 `dissemination.not_found`.
pub fn sees(seen: &[participant::Model]) -> ApiResult<()> {
    if seen.is_empty() {
        Err(ApiError::not_found("dissemination"))
    } else {
        Ok(())
    }
}

/// Changing an item (or attaching its evidence): whoever may record for one of the
/// participants the caller sees ([`may_record`]).
pub fn may_change(user: &AuthUser, seen: &[participant::Model]) -> ApiResult<()> {
    if seen.iter().any(|p| may_record(user, p)) {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not change this item."))
    }
}

/// Deleting an item: whoever may record for one of the participants the caller sees
/// ([`may_record`]).
pub fn may_delete(user: &AuthUser, seen: &[participant::Model]) -> ApiResult<()> {
    if seen.iter().any(|p| may_record(user, p)) {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not delete this item."))
    }
}
