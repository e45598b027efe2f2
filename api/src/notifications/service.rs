use crate::http::pagination::{PageRequest, Sort};
use crate::http::{ApiResult, Page};
use chrono::{DateTime, Utc};
use entity::enums::NotificationStatus;
use entity::notification;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An `.ics` (or other) file sent with a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub content: String,
}

pub struct Message<'a> {
    pub recipient_email: &'a str,
    pub recipient_user_id: Option<Uuid>,
    pub kind: &'a str,
    pub subject: String,
    pub body: String,
    pub object_type: &'a str,
    pub object_id: Uuid,
    pub language: &'a str,
    pub mandatory: bool,
    pub dedup_key: Option<String>,
    pub request_id: Option<String>,
    pub attachment: Option<Attachment>,
}

/// Queue a message, inside the caller's transaction; one with a `dedup_key` already queued
/// is not queued again. Whether it was queued.
pub async fn queue(db: &impl ConnectionTrait, m: Message<'_>) -> ApiResult<bool> {
    let (attachment_name, attachment_type, attachment) = match m.attachment {
        Some(a) => (Some(a.name), Some(a.content_type), Some(a.content)),
        None => (None, None, None),
    };
    let once = m.dedup_key.is_some();
    let row = notification::ActiveModel {
        id: Set(Uuid::now_v7()),
        recipient_email: Set(m.recipient_email.to_lowercase()),
        recipient_user_id: Set(m.recipient_user_id),
        kind: Set(m.kind.into()),
        subject: Set(m.subject),
        body: Set(m.body),
        object_type: Set(Some(m.object_type.into())),
        object_id: Set(Some(m.object_id.to_string())),
        status: Set(NotificationStatus::Queued),
        created_at: Set(Utc::now()),
        sent_at: Set(None),
        attempts: Set(0),
        next_attempt_at: Set(None),
        last_error: Set(None),
        message_id: Set(None),
        language: Set(m.language.into()),
        mandatory: Set(m.mandatory),
        dedup_key: Set(m.dedup_key),
        request_id: Set(m.request_id),
        attachment_name: Set(attachment_name),
        attachment_type: Set(attachment_type),
        attachment: Set(attachment),
    };
    let mut insert = notification::Entity::insert(row);
    if once {
        insert = insert.on_conflict(
            sea_orm::sea_query::OnConflict::column(notification::Column::DedupKey)
                .do_nothing()
                .to_owned(),
        );
    }
    Ok(insert.exec_without_returning(db).await? > 0)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: Uuid,
    pub recipient_email: String,
    pub recipient_user_id: Option<Uuid>,
    /// e.g. `selection.selected`, `selection.reserve`, `selection.rejected`, `selection.promoted`.
    #[schema(example = "selection.selected")]
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub status: NotificationStatus,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// `sl` or `en`.
    #[schema(example = "sl")]
    pub language: String,
    /// `false` for reminders, which the recipient may switch off.
    pub mandatory: bool,
    /// Sending attempts so far (SMTP).
    pub attempts: i32,
    /// When it is tried again, while queued after a failed attempt.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The `Message-ID` it was sent with.
    pub message_id: Option<String>,
    /// The name of the attached file (a meeting invitation's `.ics`).
    pub attachment_name: Option<String>,
}

impl From<notification::Model> for NotificationDto {
    fn from(m: notification::Model) -> Self {
        Self {
            id: m.id,
            recipient_email: m.recipient_email,
            recipient_user_id: m.recipient_user_id,
            kind: m.kind,
            subject: m.subject,
            body: m.body,
            object_type: m.object_type,
            object_id: m.object_id,
            status: m.status,
            created_at: m.created_at,
            sent_at: m.sent_at,
            language: m.language,
            mandatory: m.mandatory,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            message_id: m.message_id,
            attachment_name: m.attachment_name,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    pub status: Option<NotificationStatus>,
    #[param(max_length = 200)]
    pub kind: Option<String>,
    #[param(max_length = 200)]
    pub recipient_email: Option<String>,
    #[param(max_length = 200)]
    pub object_id: Option<String>,
    /// Sort by `created_at`, `recipient_email`, `status`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(created_at|recipient_email|status)$",
        example = "-status"
    )]
    pub sort: Option<String>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    q: OutboxQuery,
    page: PageRequest,
) -> ApiResult<Page<NotificationDto>> {
    let mut query = notification::Entity::find();
    if let Some(s) = q.status {
        query = query.filter(notification::Column::Status.eq(s));
    }
    if let Some(k) = q.kind {
        query = query.filter(notification::Column::Kind.eq(k));
    }
    if let Some(r) = q.recipient_email {
        query = query.filter(notification::Column::RecipientEmail.eq(r.to_lowercase()));
    }
    if let Some(o) = q.object_id {
        query = query.filter(notification::Column::ObjectId.eq(o));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("created_at", notification::Column::CreatedAt),
            ("recipient_email", notification::Column::RecipientEmail),
            ("status", notification::Column::Status),
        ],
        &[(notification::Column::CreatedAt, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, notification::Column::Id, |m| m.id)
        .await?;
    let items = fetched.take_items();
    Ok(fetched.with_items(items.into_iter().map(NotificationDto::from).collect()))
}
