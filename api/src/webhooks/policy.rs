//! Who may register webhooks, and whose they may manage.
//!
//! Admins, coordinators and library users register endpoints; an endpoint receives the events
//! its owner may see in the event feed (a library user: its own library's and public ones).
//! Each manages their own endpoints; admins manage every endpoint. Anyone else's endpoint is
//! 404 `webhook.not_found`.

use crate::http::{ApiError, ApiResult, AuthUser};
use entity::enums::Role;
use entity::webhook_endpoint;

pub fn may_register(user: &AuthUser) -> ApiResult<()> {
    match user.role {
        Role::Admin | Role::Coordinator => Ok(()),
        Role::Library if user.organisation_id.is_some() => Ok(()),
        _ => Err(ApiError::forbidden(
            "Webhooks are for admins, coordinators and member libraries.",
        )),
    }
}

/// Whether `user` manages `e` (reads, changes, deletes it, sees and redelivers its
/// deliveries).
pub fn manages(user: &AuthUser, e: &webhook_endpoint::Model) -> bool {
    user.is_admin() || e.owner_id == user.id
}
