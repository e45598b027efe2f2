//! Who may see and change which applications. Objects a caller may not see are 404.

use crate::http::AuthUser;
use entity::application;
use entity::enums::{ApplicationStatus, Role};

/// Statuses the committee sees: applications that were submitted.
pub const COMMITTEE_VISIBLE: &[ApplicationStatus] = &[
    ApplicationStatus::Submitted,
    ApplicationStatus::Selected,
    ApplicationStatus::Reserve,
    ApplicationStatus::Rejected,
];

/// Whether the application names `user` as its applicant.
pub fn names(user: &AuthUser, app: &application::Model) -> bool {
    app.applicant_email.eq_ignore_ascii_case(&user.email)
}

pub fn can_see(user: &AuthUser, app: &application::Model) -> bool {
    match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Library => user.organisation_id == Some(app.library_id),
        Role::Participant => names(user, app),
        Role::Committee => COMMITTEE_VISIBLE.contains(&app.status),
        Role::Host | Role::Accountant => false,
    }
}

/// Edit, delete, upload documents: the library's own users and coordinators.
pub fn can_edit(user: &AuthUser, app: &application::Model) -> bool {
    match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Library => user.organisation_id == Some(app.library_id),
        _ => false,
    }
}

/// Upload documents: editors, and the participant the application names.
pub fn can_upload(user: &AuthUser, app: &application::Model) -> bool {
    can_edit(user, app) || (user.role == Role::Participant && names(user, app))
}

/// The fewer-opportunities note: coordinators and admins only.
pub fn sees_note(user: &AuthUser) -> bool {
    user.is_staff()
}
