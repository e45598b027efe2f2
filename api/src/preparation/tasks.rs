//! Each participant's preparation checklist, made from the mobility's track.

use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants::{access, lifecycle};
use chrono::{DateTime, Utc};
use entity::preparation_task;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

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

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateTaskRequest {
    pub done: bool,
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<preparation_task::Model>> {
    access::visible(db, user, participant_id).await?;
    super::checklist::tasks_of(db, participant_id).await
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
    let p = access::visible(&txn, user, t.participant_id)
        .await
        .map_err(|e| e.or_not_found("task"))?;
    super::policy::may_close_task(user, &p)?;
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
    lifecycle::refresh_preparation(&txn, p.id).await?;
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
