//! The history of an application's status: one row per change, with who and why.

use crate::audit::Actor;
use crate::http::ApiResult;
use chrono::{DateTime, Utc};
use entity::application_status_change;
use entity::enums::ApplicationStatus;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};
use uuid::Uuid;

/// Record a change of status (inside the caller's transaction).
pub async fn record_status(
    db: &impl ConnectionTrait,
    app_id: Uuid,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    actor: &Actor,
    note: Option<String>,
    at: DateTime<Utc>,
) -> ApiResult<()> {
    application_status_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(app_id),
        from_status: Set(from),
        to_status: Set(to),
        actor_id: Set(actor.id),
        note: Set(note),
        occurred_at: Set(at),
    }
    .insert(db)
    .await?;
    Ok(())
}
