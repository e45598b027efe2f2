//! The durable queue: events are handed to each active endpoint (what its owner may see, of
//! its types) as `pending` deliveries, then sent, retried with backoff for about a day, and
//! kept as a log. Everything is in the database, so a restart loses nothing; an attempt is
//! claimed with a conditional update, so two instances never send the same attempt.

use super::address;
use super::signing::sign;
use crate::events::EventType;
use crate::events::routes::EventDto;
use crate::events::service::{After, feed};
use crate::http::{ApiError, ApiResult, AuthUser};
use chrono::{DateTime, Duration, Utc};
use entity::{user, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// Waits after the 1st, 2nd, ... failed attempt (Standard Webhooks' schedule): eight attempts
/// over about a day, then `failed`.
pub const BACKOFF_SECONDS: &[i64] = &[5, 300, 1800, 7200, 18000, 36000, 36000];

/// How long a claimed attempt is reserved for the instance sending it.
const LEASE_SECONDS: i64 = 120;

/// Most deliveries sent per round.
const BATCH: u64 = 50;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub queued: usize,
    pub delivered: usize,
    pub failed_attempts: usize,
}

/// Queue new events for every endpoint, then send what is due at `now`.
pub async fn run(
    db: &DatabaseConnection,
    allow_private: bool,
    now: DateTime<Utc>,
) -> ApiResult<Round> {
    let queued = fan_out(db, now).await?;
    let (delivered, failed_attempts) = send_due(db, allow_private, now).await?;
    Ok(Round {
        queued,
        delivered,
        failed_attempts,
    })
}

/// The body of a delivery: `type`, `timestamp` and the event as `data`.
fn payload(e: EventDto) -> String {
    serde_json::json!({
        "type": e.event_type,
        "timestamp": e.occurred_at,
        "data": e,
    })
    .to_string()
}

/// Hand each active endpoint the events after its cursor that its owner may see.
async fn fan_out(db: &DatabaseConnection, now: DateTime<Utc>) -> ApiResult<usize> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Active.eq(true))
        .all(db)
        .await?;
    let mut queued = 0;
    for ep in endpoints {
        let Some(owner) = user::Entity::find_by_id(ep.owner_id)
            .one(db)
            .await?
            .filter(|u| u.active)
        else {
            continue;
        };
        let viewer = AuthUser::from(&owner);
        let types: Vec<EventType> = serde_json::from_value::<Vec<String>>(ep.event_types.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|t| EventType::parse(t))
            .collect();
        let mut cursor = ep.cursor;
        loop {
            let page = match feed(db, &viewer, After::Seq(cursor), &types, 200).await {
                Ok(p) => p,
                Err(e) if e.code == "events.cursor_expired" => {
                    tracing::warn!(endpoint = %ep.id, "webhook endpoint fell behind the event retention; continuing from now");
                    feed(db, &viewer, After::Now, &types, 1).await?
                }
                Err(e) => return Err(e),
            };
            if page.next_cursor == cursor {
                break;
            }
            let txn = crate::db::begin_write(db).await?;
            // Move the cursor only from where this round read it: another instance that
            // already moved it wins, and this round's rows roll back.
            let moved = webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::Cursor,
                    Expr::value(page.next_cursor),
                )
                .filter(webhook_endpoint::Column::Id.eq(ep.id))
                .filter(webhook_endpoint::Column::Cursor.eq(cursor))
                .exec(&txn)
                .await?
                .rows_affected;
            if moved == 0 {
                break;
            }
            let n = page.items.len();
            let rows: Vec<webhook_delivery::ActiveModel> = page
                .items
                .into_iter()
                .map(|e| {
                    let request_id = e.request_id.clone();
                    let dto = EventDto::from(e);
                    webhook_delivery::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        endpoint_id: Set(ep.id),
                        event_id: Set(dto.id),
                        event_type: Set(dto.event_type.name().to_string()),
                        payload: Set(payload(dto)),
                        request_id: Set(request_id),
                        status: Set("pending".into()),
                        attempts: Set(0),
                        next_attempt_at: Set(Some(now)),
                        last_attempt_at: Set(None),
                        response_status: Set(None),
                        last_error: Set(None),
                        created_at: Set(Utc::now()),
                        delivered_at: Set(None),
                    }
                })
                .collect();
            if !rows.is_empty() {
                webhook_delivery::Entity::insert_many(rows)
                    .exec_without_returning(&txn)
                    .await?;
            }
            txn.commit().await?;
            queued += n;
            cursor = page.next_cursor;
            if !page.has_more {
                break;
            }
        }
    }
    Ok(queued)
}

/// Send the deliveries due at `now` (of active endpoints), at once.
async fn send_due(
    db: &DatabaseConnection,
    allow_private: bool,
    now: DateTime<Utc>,
) -> ApiResult<(usize, usize)> {
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(BATCH)
        .all(db)
        .await?;
    let attempts = due.into_iter().map(|d| attempt(db, allow_private, now, d));
    let results = futures_util::future::join_all(attempts).await;
    let mut delivered = 0;
    let mut failed = 0;
    for r in results {
        match r? {
            Some(true) => delivered += 1,
            Some(false) => failed += 1,
            None => {}
        }
    }
    Ok((delivered, failed))
}

/// One attempt: claimed, sent, recorded. `None` when another instance claimed it or its
/// endpoint is paused; otherwise whether it was delivered.
async fn attempt(
    db: &DatabaseConnection,
    allow_private: bool,
    now: DateTime<Utc>,
    d: webhook_delivery::Model,
) -> ApiResult<Option<bool>> {
    let Some(ep) = webhook_endpoint::Entity::find_by_id(d.endpoint_id)
        .one(db)
        .await?
        .filter(|e| e.active)
    else {
        return Ok(None);
    };
    let claimed = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::value(d.attempts + 1),
        )
        .col_expr(webhook_delivery::Column::LastAttemptAt, Expr::value(now))
        .col_expr(
            webhook_delivery::Column::NextAttemptAt,
            Expr::value(now + Duration::seconds(LEASE_SECONDS)),
        )
        .filter(webhook_delivery::Column::Id.eq(d.id))
        .filter(webhook_delivery::Column::Status.eq("pending"))
        .filter(webhook_delivery::Column::Attempts.eq(d.attempts))
        .exec(db)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Ok(None);
    }
    let attempts = d.attempts + 1;
    let outcome = send(&ep, &d, allow_private).await;
    let mut am: webhook_delivery::ActiveModel = d.into();
    am.attempts = Set(attempts);
    am.last_attempt_at = Set(Some(now));
    let ok = match outcome {
        Ok(status) if (200..300).contains(&status) => {
            am.status = Set("delivered".into());
            am.response_status = Set(Some(status as i32));
            am.last_error = Set(None);
            am.next_attempt_at = Set(None);
            am.delivered_at = Set(Some(Utc::now()));
            true
        }
        failure => {
            let (status, error) = match failure {
                Ok(status) => (Some(status as i32), format!("answered {status}")),
                Err(e) => (None, e),
            };
            am.response_status = Set(status);
            am.last_error = Set(Some(crate::http::error::clip(&error, 480)));
            match BACKOFF_SECONDS.get(attempts as usize - 1) {
                Some(wait) => am.next_attempt_at = Set(Some(now + Duration::seconds(*wait))),
                None => {
                    am.status = Set("failed".into());
                    am.next_attempt_at = Set(None);
                }
            }
            false
        }
    };
    webhook_delivery::Entity::update(am).exec(db).await?;
    Ok(Some(ok))
}

/// POST the delivery; the HTTP status, or why there is none.
async fn send(
    ep: &webhook_endpoint::Model,
    d: &webhook_delivery::Model,
    allow_private: bool,
) -> Result<u16, String> {
    let url = url::Url::parse(&ep.url).map_err(|e| format!("invalid URL: {e}"))?;
    // Resolved and checked now, and the request pinned to those addresses: a name that
    // resolves to an internal address is not followed there.
    let addrs = address::resolve(&url, allow_private).await?;
    let mut client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("mobility-webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(url::Host::Domain(host)) = url.host() {
        client = client.resolve_to_addrs(host, &addrs);
    }
    let client = client.build().map_err(|e| e.to_string())?;
    let id = d.event_id.to_string();
    let timestamp = Utc::now().timestamp();
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            sign(&ep.secret, &id, timestamp, &d.payload),
        );
    if let Some(rid) = &d.request_id {
        req = req.header("x-request-id", rid);
    }
    let res = req
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| format!("not delivered: {e}"))?;
    Ok(res.status().as_u16())
}

/// An endpoint's deliveries, newest first.
pub async fn list(
    db: &DatabaseConnection,
    endpoint_id: Uuid,
) -> ApiResult<Vec<webhook_delivery::Model>> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .all(db)
        .await?)
}

/// Queue a delivery again, as a new delivery of the same message (same `webhook-id`), due now.
pub async fn redeliver(
    db: &DatabaseConnection,
    actor: &crate::audit::Actor,
    endpoint_id: Uuid,
    delivery_id: Uuid,
) -> ApiResult<webhook_delivery::Model> {
    let txn = crate::db::begin_write(db).await?;
    let d = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(&txn)
        .await?
        .filter(|d| d.endpoint_id == endpoint_id)
        .ok_or_else(|| ApiError::not_found("delivery"))?;
    let now = Utc::now();
    let again = webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint_id),
        event_id: Set(d.event_id),
        event_type: Set(d.event_type),
        payload: Set(d.payload),
        request_id: Set(d.request_id),
        status: Set("pending".into()),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_attempt_at: Set(None),
        response_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    };
    let m = webhook_delivery::Entity::insert(again)
        .exec_with_returning(&txn)
        .await?;
    crate::audit::record(
        &txn,
        actor,
        "redeliver",
        "webhook",
        endpoint_id,
        &["deliveries".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
