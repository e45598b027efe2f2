//! Who may take part in selection.
//!
//! The committee's work is for coordinators, admins and `committee` users; scoring an
//! application and declaring a conflict are for members of its call's committee who may see
//! it (others who see it: 403 `selection.not_committee_member`; the rest 404); a member with a
//! conflict of interest does not score (403 `selection.conflict_of_interest`). The ranking is
//! for coordinators and admins, and for members of the call's committee once they have scored
//! everything they can (403 `selection.scoring_incomplete` before).

use crate::http::{ApiError, ApiResult, AuthUser, Gate};
use actix_web::http::StatusCode;
use entity::application;
use entity::enums::Role;
use uuid::Uuid;

/// The committee's work (committee, criteria, settings as read): coordinators, admins and any
/// `committee` user.
pub struct StaffOrCommittee;
impl Gate for StaffOrCommittee {
    const ROLES: &'static [Role] = &[Role::Coordinator, Role::Committee];
}

/// Scoring or declaring on `app`: a member of its call's `committee` who sees it.
pub fn may_score(user: &AuthUser, app: &application::Model, committee: &[Uuid]) -> ApiResult<()> {
    if !crate::applications::policy::can_see(user, app) {
        return Err(ApiError::not_found("application"));
    }
    if !committee.contains(&user.id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "selection.not_committee_member",
            "Only members of this call's committee score its applications.",
        ));
    }
    Ok(())
}

/// A member with a conflict of interest (their own library's application, or declared).
pub fn conflict_of_interest() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "selection.conflict_of_interest",
        "You have a conflict of interest with this application (your own library, or declared).",
    )
}

/// Opening a ranking at all: coordinators, admins and `committee` users.
pub fn may_open_ranking(user: &AuthUser) -> ApiResult<()> {
    if matches!(user.role, Role::Admin | Role::Coordinator | Role::Committee) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "The ranking is for the committee and the coordinators.",
        ))
    }
}

/// A committee user sees a call's ranking if they sit on its `committee` and have scored
/// everything they can (`scored_all`); coordinators and admins always.
pub fn ranking_shown(user: &AuthUser, committee: &[Uuid], scored_all: bool) -> ApiResult<()> {
    if user.is_staff() {
        return Ok(());
    }
    if !committee.contains(&user.id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "selection.not_committee_member",
            "Only members of this call's committee see its ranking.",
        ));
    }
    if !scored_all {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "selection.scoring_incomplete",
            "Score every application you can score first; then the ranking is shown.",
        ));
    }
    Ok(())
}
