//! `Idempotency-Key` on `POST`: a retried create returns the first response instead of
//! creating twice.
//!
//! A signed-in caller's `POST /api/v1/...` with an `Idempotency-Key` (1 to 255 printable ASCII
//! characters) is recorded per user and key before it runs. Within 24 hours, the same key:
//! - with the same request (method, path, query, content type and body): the first response
//!   again (status, body, `Location`, `ETag`, `Content-Type`), marked `Idempotent-Replayed:
//!   true`;
//! - with another request: 422 `idempotency.key_reused`;
//! - while the first is still running: 409 `idempotency.in_progress` (with `Retry-After`).
//!
//! A first response of 5xx is not kept, so the retry runs again. The record is in the database,
//! so it holds across restarts and across instances. Requests without a valid bearer token pass
//! through untouched (they are refused by the operation itself).

use crate::http::ApiError;
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use chrono::{Duration, Utc};
use entity::idempotency_key;
use futures_util::StreamExt;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// How long a key is remembered.
pub const TTL_HOURS: i64 = 24;
/// The response headers a replay repeats.
const KEPT_HEADERS: &[&str] = &["location", "etag", "content-type", "content-disposition"];

/// A usable key: 1 to 255 printable ASCII characters.
pub fn is_valid(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// The middleware (`actix_web::middleware::from_fn`).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = match req.headers().get(HEADER) {
        Some(v) if req.method() == Method::POST && req.path().starts_with("/api/v1/") => v
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| is_valid(k))
            .map(str::to_string)
            .ok_or(()),
        _ => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
    };
    let key = match key {
        Ok(k) => k,
        Err(()) => {
            return Ok(refuse(
                req,
                ApiError::bad_request(
                    "request.invalid_header",
                    "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                ),
            ));
        }
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Some(user_id) = caller(&req, &state).await else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };

    // The body, read once to hash it and handed on unchanged.
    let limit = state
        .settings
        .upload_max_bytes
        .max(super::MAX_RAW_BODY_BYTES)
        + 64 * 1024;
    let mut body = web::BytesMut::new();
    let mut payload = req.take_payload();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Ok(refuse(
                req,
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request.too_large",
                    "The body is larger than the operation accepts.",
                ),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let hash = request_hash(&req, &body);
    req.set_payload(Payload::from(body));

    match claim(&state, user_id, &key, &hash).await {
        Ok(Claim::Mine) => {}
        Ok(Claim::Replay(row)) => return Ok(replay(req, row)),
        Ok(Claim::Refused(e)) => return Ok(refuse(req, e)),
        Err(e) => return Ok(refuse(req, e)),
    }

    let res = match next.call(req).await {
        Ok(res) => res,
        Err(e) => {
            forget(&state, user_id, &key).await;
            return Err(e);
        }
    };
    if res.status().is_server_error() {
        forget(&state, user_id, &key).await;
        return Ok(res.map_into_boxed_body());
    }
    let (http, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(b) => b,
        Err(_) => {
            forget(&state, user_id, &key).await;
            return Ok(ServiceResponse::new(
                http,
                ApiError::internal("the response could not be read").error_response(),
            ));
        }
    };
    let headers: serde_json::Map<String, serde_json::Value> = KEPT_HEADERS
        .iter()
        .filter_map(|h| {
            head.headers()
                .get(*h)
                .and_then(|v| v.to_str().ok())
                .map(|v| (h.to_string(), serde_json::Value::from(v)))
        })
        .collect();
    let done = idempotency_key::ActiveModel {
        user_id: Set(user_id),
        key: Set(key.clone()),
        state: Set("done".into()),
        response_status: Set(Some(i32::from(head.status().as_u16()))),
        response_headers: Set(Some(serde_json::Value::Object(headers).to_string())),
        response_body: Set(Some(bytes.to_vec())),
        ..Default::default()
    };
    if let Err(e) = done.update(&state.db).await {
        tracing::warn!(error = %e, "idempotency: the response could not be kept");
        forget(&state, user_id, &key).await;
    }
    Ok(ServiceResponse::new(
        http,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// The signed-in user, from a valid bearer token (an access token or an API token).
async fn caller(req: &ServiceRequest, state: &AppState) -> Option<Uuid> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    if crate::api_tokens::service::is_api_token(token) {
        return crate::api_tokens::service::user_for(&state.db, token, chrono::Utc::now())
            .await
            .ok()
            .flatten();
    }
    state.tokens.verify(token).ok().map(|c| c.sub)
}

fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    hash_of(
        req.method().as_str(),
        req.path(),
        req.query_string(),
        req.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
        body,
    )
}

/// What makes two requests the same: method, path, query, content type and body (hex SHA-256).
pub fn hash_of(method: &str, path: &str, query: &str, content_type: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    for part in [method, path, query, content_type] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(body);
    hex::encode(h.finalize())
}

enum Claim {
    /// The key is this request's to run.
    Mine,
    /// A finished first request with the same body.
    Replay(idempotency_key::Model),
    Refused(ApiError),
}

/// Record the key as running, or say why not: a replay, another body, still running. A key
/// older than 24 hours is forgotten first.
async fn claim(state: &AppState, user_id: Uuid, key: &str, hash: &str) -> Result<Claim, ApiError> {
    let cutoff = Utc::now() - Duration::hours(TTL_HOURS);
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::CreatedAt.lt(cutoff))
        .exec(&state.db)
        .await?;
    let running = idempotency_key::ActiveModel {
        user_id: Set(user_id),
        key: Set(key.to_string()),
        request_hash: Set(hash.to_string()),
        state: Set("running".into()),
        response_status: Set(None),
        response_headers: Set(None),
        response_body: Set(None),
        created_at: Set(Utc::now()),
    };
    match running.insert(&state.db).await.map_err(ApiError::from) {
        Ok(_) => return Ok(Claim::Mine),
        Err(e) if e.code == "resource.duplicate" => {}
        Err(e) => return Err(e),
    }
    let Some(row) = idempotency_key::Entity::find_by_id((user_id, key.to_string()))
        .one(&state.db)
        .await?
    else {
        // Forgotten in between (its first request failed): the retry runs.
        return Box::pin(claim(state, user_id, key, hash)).await;
    };
    Ok(if row.request_hash != hash {
        Claim::Refused(ApiError::unprocessable(
            "idempotency.key_reused",
            "This Idempotency-Key was used for another request; use a new key for a new request.",
        ))
    } else if row.state != "done" {
        Claim::Refused(ApiError::conflict(
            "idempotency.in_progress",
            "A request with this Idempotency-Key is still running; retry in a moment.",
        ))
    } else {
        Claim::Replay(row)
    })
}

/// Drop the key after a failed first request, so a retry runs again.
async fn forget(state: &AppState, user_id: Uuid, key: &str) {
    if let Err(e) = idempotency_key::Entity::delete_by_id((user_id, key.to_string()))
        .exec(&state.db)
        .await
    {
        tracing::warn!(error = %e, "idempotency: a failed request's key could not be dropped");
    }
}

fn replay(req: ServiceRequest, row: idempotency_key::Model) -> ServiceResponse<BoxBody> {
    let status = row
        .response_status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    let headers: serde_json::Map<String, serde_json::Value> = row
        .response_headers
        .as_deref()
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default();
    for (name, value) in headers {
        if let (Ok(n), Some(Ok(v))) = (
            HeaderName::try_from(name.as_str()),
            value.as_str().map(HeaderValue::from_str),
        ) {
            res.insert_header((n, v));
        }
    }
    res.insert_header(("idempotent-replayed", "true"));
    req.into_response(res.body(row.response_body.unwrap_or_default()))
}

fn refuse(req: ServiceRequest, e: ApiError) -> ServiceResponse<BoxBody> {
    let mut res = e.error_response();
    if e.code == "idempotency.in_progress" {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    req.into_response(res)
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn keys_are_short_printable_ascii() {
        assert!(is_valid("3f2c9a4e-1b2d-4c5e-8f90-123456789abc"));
        assert!(is_valid("sync:2026-03-01:meeting/7"));
        assert!(!is_valid(""));
        assert!(!is_valid("with space"));
        assert!(!is_valid("čšž"));
        assert!(!is_valid(&"k".repeat(256)));
    }
}
