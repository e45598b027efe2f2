//! Who may record what after the mobility.

use crate::http::AuthUser;
use entity::enums::Role;
use entity::participant;
use uuid::Uuid;

/// The participant themself.
pub fn is_participant(user: &AuthUser, p: &participant::Model) -> bool {
    user.role == Role::Participant
        && (p.user_id == Some(user.id) || p.email.eq_ignore_ascii_case(&user.email))
}

/// Coordinators, admins, or a `library` user of `library_id`.
pub fn staff_or_library(user: &AuthUser, library_id: Uuid) -> bool {
    user.is_staff() || (user.role == Role::Library && user.organisation_id == Some(library_id))
}
