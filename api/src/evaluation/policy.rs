//! Who may do what in the evaluation: one place for the role gates and the checks on one
//! questionnaire or report. A record the caller may not see is 404, not 403.
//!
//! | operation | who |
//! | --- | --- |
//! | read a mobility's questionnaire | those who take part in the mobility ([`sees_questionnaire`]) |
//! | set the questionnaire | coordinators and admins (the `http::Staff` gate, and [`may_set_questionnaire`]) |
//! | questionnaire aggregates, the mobility's evaluation | coordinators and admins (the `http::Staff` gate) |
//! | answer the questionnaire | the participant themself ([`may_answer`]) |
//! | read a report | the participant themself, coordinators and admins ([`may_read_report`]) |
//! | write, submit a report | the participant themself ([`may_write_report`], [`may_submit_report`]) |
//!
//! Who sees a participant at all is `participants::access`; the service asks it first.

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants::access::is_self;
use entity::{mobility, participant};
use sea_orm::ConnectionTrait;

/// Reading a mobility's questionnaire: those who take part in the mobility
/// (`mobilities::policy::takes_part`: admins, coordinators, accountants, the host's users, and
/// libraries and participants with a participant in it); to anyone else it does not exist (404
/// `mobility.not_found`).
pub async fn sees_questionnaire(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    m: &mobility::Model,
) -> ApiResult<()> {
    if crate::mobilities::policy::takes_part(db, user, m).await? {
        Ok(())
    } else {
        Err(ApiError::not_found("mobility"))
    }
}

/// Setting the questionnaire's questions: coordinators and admins.
pub fn may_set_questionnaire(user: &AuthUser) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only coordinators set the questionnaire.",
        ))
    }
}

/// Answering the questionnaire: the participant themself.
pub fn may_answer(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if is_self(user, p) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the participant answers their questionnaire.",
        ))
    }
}

/// Reading a participant's report: the participant themself, coordinators and admins; other
/// viewers of the participant get 404 `report.not_found`.
pub fn may_read_report(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if user.is_staff() || is_self(user, p) {
        Ok(())
    } else {
        Err(ApiError::not_found("report"))
    }
}

/// Writing the report: the participant themself.
pub fn may_write_report(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if is_self(user, p) {
        Ok(())
    } else {
        Err(ApiError::forbidden("The participant writes their report."))
    }
}

/// Submitting the report: the participant themself.
pub fn may_submit_report(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if is_self(user, p) {
        Ok(())
    } else {
        Err(ApiError::forbidden("The participant submits their report."))
    }
}
