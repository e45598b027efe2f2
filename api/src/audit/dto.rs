use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One audit-log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// The user who acted; null for the system (start-up, command line).
    pub actor_id: Option<Uuid>,
    #[schema(example = "coordinator@zdruzenje-knjiznic.si")]
    pub actor_email: Option<String>,
    /// `create`, `update`, `delete`, `login`, or an action such as `publish`.
    #[schema(example = "update")]
    pub action: String,
    #[schema(example = "call")]
    pub object_type: String,
    pub object_id: Option<String>,
    /// Names of the fields that changed; values are not kept here.
    #[schema(example = json!(["deadline", "title"]))]
    pub changed_fields: Vec<String>,
    pub request_id: Option<String>,
}

impl From<entity::audit_log::Model> for AuditEntry {
    fn from(m: entity::audit_log::Model) -> Self {
        Self {
            id: m.id,
            occurred_at: m.occurred_at,
            actor_id: m.actor_id,
            actor_email: m.actor_email,
            action: m.action,
            object_type: m.object_type,
            object_id: m.object_id,
            changed_fields: serde_json::from_value(m.changed_fields).unwrap_or_default(),
            request_id: m.request_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `user`, `organisation`, `project`, `mobility`, `call`.
    #[param(max_length = 200)]
    pub object_type: Option<String>,
    #[param(max_length = 200)]
    pub object_id: Option<String>,
    pub actor_id: Option<Uuid>,
    #[param(max_length = 200)]
    pub action: Option<String>,
    /// Sort by `occurred_at`; `-` first for descending (default `-occurred_at`).
    #[param(pattern = "^-?(occurred_at)$", example = "-occurred_at")]
    pub sort: Option<String>,
}
