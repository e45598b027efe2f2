//! Who may see and change the preparation: meetings, calendars, tasks, travel details.
//!
//! A mobility's meetings and calendar are seen by admins, coordinators and the accountant, the
//! host's users, and the libraries and participants taking part; `internal` meetings are
//! written into calendars only for admins and coordinators. Coordinators and admins schedule,
//! change and take attendance. A manual task is closed by the participant or a coordinator.
//! Travel details are the participant's own and the coordinators' (everyone else: 404).

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use entity::enums::MeetingKind;
use entity::{mobility, participant};
use sea_orm::ConnectionTrait;

/// Who sees a mobility's meetings and calendar: those who take part in it
/// (`mobilities::policy::takes_part`: staff, the accountant, the host, and the libraries and
/// participants taking part; not the committee).
pub async fn sees_meetings_of(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    m: &mobility::Model,
) -> ApiResult<bool> {
    crate::mobilities::policy::takes_part(db, user, m).await
}

/// Whether a meeting of this kind goes into the caller's mobility calendar: `internal` ones
/// only for admins and coordinators.
pub fn calendar_shows(user: &AuthUser, kind: MeetingKind) -> bool {
    user.is_staff() || kind != MeetingKind::Internal
}

/// Scheduling, changing or taking attendance of meetings (`what`, e.g. "schedule meetings"):
/// admins and coordinators.
pub fn may_manage_meetings(user: &AuthUser, what: &str) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!("Only coordinators {what}.")))
    }
}

/// Closing or reopening a manual task of `p`: the participant themself, admins, coordinators.
pub fn may_close_task(user: &AuthUser, p: &participant::Model) -> ApiResult<()> {
    if user.is_staff() || participants::access::is_self(user, p) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only the participant or a coordinator closes preparation tasks.",
        ))
    }
}

/// Reading and writing `p`'s travel details: the participant, admins and coordinators.
pub fn sees_travel_details(user: &AuthUser, p: &participant::Model) -> bool {
    user.is_staff() || participants::access::is_self(user, p)
}

/// A calendar feed is its owner's: another user's is 404 `calendar_feed.not_found`.
pub fn owns_feed(user: &AuthUser, feed: &entity::calendar_feed::Model) -> ApiResult<()> {
    if feed.user_id == user.id {
        Ok(())
    } else {
        Err(ApiError::not_found("calendar_feed"))
    }
}
