//! Who may see and manage organisations.
//!
//! | operation | who |
//! | --- | --- |
//! | list and read organisations | every signed-in user; contact details only to admins, coordinators and the organisation's own users ([`shows_contacts`]) |
//! | create, import, change | admins and coordinators (`http::Staff`, before the body) |
//!
//! Whose library's records (workshops, stories, new practice) a caller sees is `scope.rs`.

use crate::http::AuthUser;
use uuid::Uuid;

/// An organisation's contact details: admins, coordinators and its own users.
pub fn shows_contacts(user: &AuthUser, org_id: Uuid) -> bool {
    user.is_staff() || user.organisation_id == Some(org_id)
}
