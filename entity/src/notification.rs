#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub recipient_email: String,
    pub recipient_user_id: Option<Uuid>,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub status: NotificationStatus,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// Sending attempts so far.
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// The `Message-ID` it was sent with.
    pub message_id: Option<String>,
    /// `sl` or `en`.
    pub language: String,
    /// `false` for reminders, which the recipient may switch off.
    pub mandatory: bool,
    /// A reminder is queued once per key.
    #[sea_orm(unique)]
    pub dedup_key: Option<String>,
    pub request_id: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
