use super::EventType;
use super::service::{self, After};
use crate::http::error::FieldError;
use crate::http::{ApiError, ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_events);
}

/// Most events one answer holds.
pub const MAX_LIMIT: u64 = 500;

/// One change, as the feed and webhooks carry it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub id: Uuid,
    /// Send as `after` to continue from this event.
    #[schema(example = "1042")]
    pub cursor: String,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub occurred_at: DateTime<Utc>,
    #[schema(example = "application")]
    pub object_type: String,
    pub object_id: Uuid,
    pub project_id: Option<Uuid>,
    /// Fields every reader of the object may see (ids, statuses, dates); fetch the object
    /// for the rest.
    #[schema(value_type = Object, example = json!({"status": "submitted", "mobility_id": "0190b5f4-1c1e-7b8a-9c3d-2f4e5a6b7c8d"}))]
    pub data: serde_json::Value,
}

impl From<entity::event::Model> for EventDto {
    fn from(m: entity::event::Model) -> Self {
        Self {
            id: m.id,
            cursor: m.seq.to_string(),
            event_type: EventType::parse(&m.event_type).unwrap_or(EventType::ApplicationUpdated),
            occurred_at: m.occurred_at,
            object_type: m.object_type,
            object_id: m.object_id,
            project_id: m.project_id,
            data: m.data,
        }
    }
}

/// A page of the event feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventDto>,
    /// Send as `after` next time (also when `items` is empty).
    #[schema(example = "1042")]
    pub next_cursor: String,
    /// More events are waiting: ask again at once.
    pub has_more: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// A cursor from an earlier answer (`next_cursor`, or an event's `cursor`); `now` answers
    /// only the current head; absent: from the oldest event kept.
    #[param(example = "1042", pattern = "^(now|[0-9]{1,18})$")]
    pub after: Option<String>,
    /// Comma-separated event types to include (default: all).
    #[param(example = "application.submitted,participant.selected")]
    pub types: Option<String>,
    /// Most events to answer (1 to 500; default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The changes the caller may see, in commit order, from a cursor.
///
/// Any signed-in user. Answers the events after `after`, oldest first, filtered to what the
/// caller may see (admins and coordinators: all; others: public events and those about the
/// objects they may read), with `next_cursor` to send next time: a script that keeps it never
/// misses or repeats an event. `after=now` answers only the current head, for a script that
/// starts from a fresh list sync. An event carries ids, statuses and dates only; fetch the
/// object for the rest. Events are kept for `MOBILITY_EVENT_RETENTION_DAYS` days (default 90);
/// a cursor older than that is 410 `events.cursor_expired`.
#[utoipa::path(
    tag = "events", operation_id = "listEvents",
    params(EventQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Events after the cursor", body = EventPage),
        (status = 410, description = "The cursor is older than the events kept (`events.cursor_expired`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/events")]
async fn list_events(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<EventQuery>,
) -> ApiResult<HttpResponse> {
    let after = After::parse(q.after.as_deref())?;
    let types = parse_types(q.types.as_deref())?;
    let limit = match q.limit {
        None => 100,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(ApiError::invalid_query(vec![FieldError::new(
                "limit",
                "range",
                "`limit` is between 1 and 500.",
            )]));
        }
    };
    let page = service::feed(&state.db, &user, after, &types, limit).await?;
    Ok(HttpResponse::Ok().json(EventPage {
        items: page.items.into_iter().map(EventDto::from).collect(),
        next_cursor: page.next_cursor.to_string(),
        has_more: page.has_more,
    }))
}

/// `types=a,b`: each a known event type.
pub fn parse_types(value: Option<&str>) -> ApiResult<Vec<EventType>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|name| {
            EventType::parse(name).ok_or_else(|| {
                ApiError::invalid_query(vec![FieldError::new(
                    "types",
                    "unknown",
                    format!(
                        "Unknown event type `{}`.",
                        crate::http::error::clip(name, 64)
                    ),
                )])
            })
        })
        .collect()
}
