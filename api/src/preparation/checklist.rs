//! The preparation checklist: the tasks each participant has before departure, made from the
//! mobility's track. Only rows here; what the tasks mean for the participant's status is
//! `participants::lifecycle`.

use crate::http::ApiResult;
use chrono::Utc;
use entity::enums::FollowUp;
use entity::preparation_task;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
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

/// A participant's tasks, in checklist order.
pub async fn tasks_of(
    db: &impl ConnectionTrait,
    participant_id: Uuid,
) -> ApiResult<Vec<preparation_task::Model>> {
    Ok(preparation_task::Entity::find()
        .filter(preparation_task::Column::ParticipantId.eq(participant_id))
        .order_by_asc(preparation_task::Column::Position)
        .all(db)
        .await?)
}

/// Mark the task `key` done (or not done) by `by`, if that changes it.
pub async fn set_done(
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
    Ok(())
}
