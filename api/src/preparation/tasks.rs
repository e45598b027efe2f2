//! Each participant's preparation checklist, made from the mobility's track.

use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::selection::service::participant_visible;
use chrono::{DateTime, Utc};
use entity::enums::{FollowUp, ParticipantStatus, Role};
use entity::{participant, preparation_task};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub const STUDY_DTFL: &str = "study_dtfl_toolkit";
pub const COORDINATOR_MEETING: &str = "coordinator_meeting";
pub const LANGUAGE_SUPPORT: &str = "language_support";
pub const HOST_MEETING: &str = "host_meeting";
pub const SIGN_AGREEMENTS: &str = "sign_agreements";
pub const TRAVEL_DETAILS: &str = "travel_details";

/// (key, title, closes itself)
pub fn checklist(track: FollowUp) -> Vec<(&'static str, &'static str, bool)> {
    let mut out = Vec::new();
    if track == FollowUp::DtflWorkshop {
        out.push((
            STUDY_DTFL,
            "Study the Design Thinking for Libraries toolkit (free online)",
            false,
        ));
    }
    out.extend([
        (
            COORDINATOR_MEETING,
            "Preparatory online meeting with the coordinator",
            true,
        ),
        (LANGUAGE_SUPPORT, "Online language support", false),
        (
            HOST_MEETING,
            "Online meeting with the host organisation, one month before departure",
            true,
        ),
        (
            SIGN_AGREEMENTS,
            "Sign the grant agreement and the learning agreement",
            true,
        ),
        (TRAVEL_DETAILS, "Give your travel details", true),
    ]);
    out
}

/// Create the checklist of a new participant (inside the caller's transaction).
pub async fn create_for(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
    track: FollowUp,
) -> ApiResult<()> {
    let now = Utc::now();
    for (i, (key, title, automatic)) in checklist(track).into_iter().enumerate() {
        preparation_task::ActiveModel {
            id: Set(Uuid::now_v7()),
            participant_id: Set(participant_id),
            key: Set(key.into()),
            title: Set(title.into()),
            automatic: Set(automatic),
            position: Set(i as i32),
            done_at: Set(None),
            done_by: Set(None),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Participant status from the checklist: all done -> prepared; agreements signed ->
/// contracted; otherwise selected. Later statuses (travelled, ...) and withdrawal are kept.
pub async fn recompute_status(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
    agreements_signed: bool,
) -> ApiResult<()> {
    let Some(p) = participant::Entity::find_by_id(participant_id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if !matches!(
        p.status,
        ParticipantStatus::Selected | ParticipantStatus::Contracted | ParticipantStatus::Prepared
    ) {
        return Ok(());
    }
    let tasks = preparation_task::Entity::find()
        .filter(preparation_task::Column::ParticipantId.eq(participant_id))
        .all(db)
        .await?;
    let status = if !tasks.is_empty() && tasks.iter().all(|t| t.done_at.is_some()) {
        ParticipantStatus::Prepared
    } else if agreements_signed {
        ParticipantStatus::Contracted
    } else {
        ParticipantStatus::Selected
    };
    if status != p.status {
        let mut am: participant::ActiveModel = p.into();
        am.status = Set(status);
        am.updated_at = Set(Utc::now());
        am.update(db).await?;
    }
    Ok(())
}

/// Close (or reopen) an automatic task because the system saw it done (or undone).
pub async fn set_automatic(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
    key: &str,
    done: bool,
    by: Option<Uuid>,
) -> ApiResult<()> {
    if let Some(t) = preparation_task::Entity::find()
        .filter(preparation_task::Column::ParticipantId.eq(participant_id))
        .filter(preparation_task::Column::Key.eq(key))
        .one(db)
        .await?
        && t.done_at.is_some() != done
    {
        let mut am: preparation_task::ActiveModel = t.into();
        am.done_at = Set(if done { Some(Utc::now()) } else { None });
        am.done_by = Set(if done { by } else { None });
        am.updated_at = Set(Utc::now());
        am.update(db).await?;
    }
    let signed = preparation_task::Entity::find()
        .filter(preparation_task::Column::ParticipantId.eq(participant_id))
        .filter(preparation_task::Column::Key.eq(SIGN_AGREEMENTS))
        .one(db)
        .await?
        .is_some_and(|t| t.done_at.is_some());
    recompute_status(db, participant_id, signed).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub id: Uuid,
    pub participant_id: Uuid,
    #[schema(example = "language_support")]
    pub key: String,
    pub title: String,
    /// Closed by the system (meeting attendance, signatures, travel details given).
    pub automatic: bool,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl From<preparation_task::Model> for TaskDto {
    fn from(t: preparation_task::Model) -> Self {
        Self {
            id: t.id,
            participant_id: t.participant_id,
            key: t.key,
            title: t.title,
            automatic: t.automatic,
            done: t.done_at.is_some(),
            done_at: t.done_at,
            done_by: t.done_by,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskRequest {
    pub done: bool,
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<preparation_task::Model>> {
    participant_visible(db, user, participant_id).await?;
    Ok(preparation_task::Entity::find()
        .filter(preparation_task::Column::ParticipantId.eq(participant_id))
        .order_by_asc(preparation_task::Column::Position)
        .all(db)
        .await?)
}

/// The participant or a coordinator closes (or reopens) a task the system cannot see done.
pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    done: bool,
    check_etag: impl FnOnce(&preparation_task::Model) -> ApiResult<()>,
) -> ApiResult<preparation_task::Model> {
    let txn = begin_write(db).await?;
    let t = preparation_task::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("task"))?;
    let p = participant_visible(&txn, user, t.participant_id)
        .await
        .map_err(|_| ApiError::not_found("task"))?;
    let own = user.role == Role::Participant
        && (p.user_id == Some(user.id) || p.email.eq_ignore_ascii_case(&user.email));
    if !(user.is_staff() || own) {
        return Err(ApiError::forbidden(
            "Only the participant or a coordinator closes preparation tasks.",
        ));
    }
    check_etag(&t)?;
    if t.automatic {
        return Err(ApiError::conflict(
            "task.automatic",
            "This task closes itself when the system sees it done.",
        ));
    }
    let mut am: preparation_task::ActiveModel = t.clone().into();
    if done != t.done_at.is_some() {
        am.done_at = Set(if done { Some(Utc::now()) } else { None });
        am.done_by = Set(if done { Some(user.id) } else { None });
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let signed = preparation_task::Entity::find()
        .filter(preparation_task::Column::ParticipantId.eq(p.id))
        .filter(preparation_task::Column::Key.eq(SIGN_AGREEMENTS))
        .one(&txn)
        .await?
        .is_some_and(|t| t.done_at.is_some());
    recompute_status(&txn, p.id, signed).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        if done { "complete" } else { "reopen" },
        "preparation_task",
        id,
        &["done".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
