//! Who may see and change which applications. Objects a caller may not see are 404; an
//! application a caller sees but may not change is 403.
//!
//! Admins and coordinators see and change every application; a `library` user its library's;
//! the participant an application names sees it, uploads documents, signs as the participant
//! and withdraws it; the committee sees submitted ones; hosts and the accountant none.

use crate::http::{ApiError, ApiResult, AuthUser};
use entity::application;
use entity::enums::{ApplicationStatus, ReceivedVia, Role, SignerRole};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr};
use uuid::Uuid;

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

/// Whether `user` sees `app` (the single-object rule; [`list_condition`] is the same for lists).
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

/// The applications a list shows `user`: the same rule as [`can_see`], as SQL. Hosts and the
/// accountant get 403 (applications are not shown to them).
pub fn list_condition(user: &AuthUser) -> ApiResult<Condition> {
    Ok(match user.role {
        Role::Admin | Role::Coordinator => Condition::all(),
        Role::Library => match user.organisation_id {
            Some(org) => Condition::all().add(application::Column::LibraryId.eq(org)),
            None => Condition::all().add(Expr::val(false)),
        },
        Role::Participant => {
            Condition::all().add(application::Column::ApplicantEmail.eq(user.email.to_lowercase()))
        }
        Role::Committee => Condition::all()
            .add(application::Column::Status.is_in(COMMITTEE_VISIBLE.iter().copied())),
        Role::Host | Role::Accountant => {
            return Err(ApiError::forbidden(
                "Applications are not shown to this role.",
            ));
        }
    })
}

/// The library a new application is for: a `library` user's own (naming another is 403);
/// the one coordinators and admins name (required). Other roles do not create applications.
pub fn library_for_new(user: &AuthUser, given: Option<Uuid>) -> ApiResult<Uuid> {
    match (user.role, given) {
        (Role::Library, given) => {
            let own = user
                .organisation_id
                .ok_or_else(|| ApiError::forbidden("Your account has no library."))?;
            if given.is_some_and(|g| g != own) {
                return Err(ApiError::forbidden("A library applies for itself only."));
            }
            Ok(own)
        }
        (Role::Admin | Role::Coordinator, Some(l)) => Ok(l),
        (Role::Admin | Role::Coordinator, None) => Err(ApiError::invalid_field(
            "library_id",
            "required",
            "is required",
        )),
        _ => Err(ApiError::forbidden(
            "Only member libraries and coordinators create applications.",
        )),
    }
}

/// Recording an application received by e-mail, or changing how one was received:
/// coordinators and admins.
pub fn may_record_receipt(user: &AuthUser, via: ReceivedVia, message: &str) -> ApiResult<()> {
    if via == ReceivedVia::Email && !user.is_staff() {
        Err(ApiError::forbidden(message.to_string()))
    } else {
        Ok(())
    }
}

/// Changing how an application was received (`received_via`, `received_at`): coordinators and
/// admins.
pub fn may_change_receipt(user: &AuthUser) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only coordinators change how an application was received.",
        ))
    }
}

/// Changing, deleting or submitting (`verb`) an application: [`can_edit`].
pub fn may_edit(user: &AuthUser, app: &application::Model, verb: &str) -> ApiResult<()> {
    if can_edit(user, app) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "You may not {verb} this application."
        )))
    }
}

/// Adding a document: [`can_upload`].
pub fn may_upload(user: &AuthUser, app: &application::Model) -> ApiResult<()> {
    if can_upload(user, app) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "You may not add documents to this application.",
        ))
    }
}

/// Recording a signature: editors for either signer; the participant the application names
/// for their own.
pub fn may_sign(user: &AuthUser, app: &application::Model, signer: SignerRole) -> ApiResult<()> {
    if can_edit(user, app)
        || (user.role == Role::Participant && names(user, app) && signer == SignerRole::Participant)
    {
        Ok(())
    } else {
        Err(ApiError::forbidden("You may not record this signature."))
    }
}

/// Withdrawing: editors, and the participant the application names.
pub fn may_withdraw(user: &AuthUser, app: &application::Model) -> ApiResult<()> {
    if can_edit(user, app) || (user.role == Role::Participant && names(user, app)) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "You may not withdraw this application.",
        ))
    }
}
