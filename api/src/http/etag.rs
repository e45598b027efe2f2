//! Strong ETags derived from a record's identity and last change, and `If-Match` checks.

use crate::http::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};
use uuid::Uuid;

/// The ETag of a record: changes whenever `updated_at` does.
pub fn etag(id: Uuid, updated_at: DateTime<Utc>) -> String {
    let mut h = Sha256::new();
    h.update(id.as_bytes());
    h.update(updated_at.timestamp_micros().to_be_bytes());
    let digest = h.finalize();
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// The longest `If-Match` read (a few entity tags); the document states it.
pub const MAX_IF_MATCH: usize = 200;

/// The `If-Match` header, if any.
#[derive(Debug, Clone, Default)]
pub struct IfMatch(pub Option<String>);

impl IfMatch {
    /// Ok when no `If-Match` was sent, when it is `*`, or when it lists `current`; else 412.
    pub fn check(&self, current: &str) -> Result<(), ApiError> {
        let Some(value) = &self.0 else { return Ok(()) };
        let matches = value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag == current || tag.strip_prefix("W/") == Some(current));
        if matches {
            Ok(())
        } else {
            Err(ApiError::precondition_failed())
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.headers().get(header::IF_MATCH) {
            None => Ok(IfMatch(None)),
            Some(v) if v.len() > MAX_IF_MATCH => Err(ApiError::bad_request(
                "request.invalid_header",
                format!("If-Match is longer than {MAX_IF_MATCH} characters."),
            )),
            Some(v) => v
                .to_str()
                .map(|s| IfMatch(Some(s.to_string())))
                .map_err(|_| {
                    ApiError::bad_request("request.invalid_header", "If-Match is not valid text.")
                }),
        })
    }
}

/// A JSON response carrying the record's ETag.
pub fn json_with_etag(
    status: actix_web::http::StatusCode,
    etag_value: String,
    body: &impl serde::Serialize,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .insert_header((header::ETAG, etag_value))
        .json(body)
}
