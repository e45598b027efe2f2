use crate::events::EventType;
use crate::http::checks::not_blank;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A new webhook endpoint.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://knjiznica.example.org/hooks/mobility", "event_types": ["application.submitted", "participant.selected"], "description": "COBISS sync"}))]
pub struct WebhookRequest {
    /// Where events are sent (`http` or `https`; not an internal address).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: String,
    /// The event types to send; absent or empty: every type.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub event_types: Vec<String>,
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub description: Option<String>,
}

/// A change to an endpoint: what is sent is changed; what is left out stays.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct WebhookUpdate {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: Option<String>,
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub event_types: Option<Vec<String>>,
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub description: Option<String>,
    /// `false` pauses deliveries (events keep queueing for the endpoint while it is paused
    /// only if it is switched on again before they pass their retention).
    pub active: Option<bool>,
}

/// A webhook endpoint (its secret is never shown again).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDto {
    pub id: Uuid,
    pub url: String,
    /// Empty: every type.
    pub event_types: Vec<EventType>,
    pub description: Option<String>,
    pub active: bool,
    /// Who registered it: it receives the events this user may see.
    pub owner_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewWebhookDto {
    #[serde(flatten)]
    pub endpoint: WebhookDto,
    /// Verify each request's `webhook-signature` with it (Standard Webhooks).
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Queued or waiting for its next attempt.
    Pending,
    /// Answered with a 2xx.
    Delivered,
    /// Every attempt failed (retried for about a day).
    Failed,
}

/// One event sent (or to be sent) to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: Uuid,
    /// The event's id, also the `webhook-id` header (the same on every attempt).
    pub event_id: Uuid,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// The HTTP status of the last attempt, if it was answered.
    pub response_status: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<entity::webhook_delivery::Model> for DeliveryDto {
    fn from(d: entity::webhook_delivery::Model) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: EventType::parse(&d.event_type).unwrap_or(EventType::ApplicationUpdated),
            status: match d.status.as_str() {
                "delivered" => DeliveryStatus::Delivered,
                "failed" => DeliveryStatus::Failed,
                _ => DeliveryStatus::Pending,
            },
            attempts: d.attempts,
            response_status: d.response_status,
            last_error: d.last_error,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            delivered_at: d.delivered_at,
        }
    }
}

impl From<entity::webhook_endpoint::Model> for WebhookDto {
    fn from(e: entity::webhook_endpoint::Model) -> Self {
        Self {
            id: e.id,
            url: e.url,
            event_types: serde_json::from_value::<Vec<String>>(e.event_types)
                .unwrap_or_default()
                .iter()
                .filter_map(|t| EventType::parse(t))
                .collect(),
            description: e.description,
            active: e.active,
            owner_id: e.owner_id,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}
