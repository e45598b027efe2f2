//! The request id: the one a client sends in `X-Request-Id` when it is a sane token, otherwise
//! a new UUID. It is on every log line of the request (the root span's `request_id`) and in
//! the response's `X-Request-Id`, so a client, a proxy and the server name a request the same
//! way.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

/// The header that carries it, both ways.
pub const HEADER: &str = "x-request-id";

/// The longest incoming id that is kept.
const MAX_LEN: usize = 128;

/// The id of the request being served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A sane id: 1 to 128 characters of letters, digits and `-_.:/+=@`, so it cannot break a log
/// line or a header.
pub fn is_sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=@".contains(&b))
}

/// The incoming id if sane, else a new one.
pub fn of(req: &ServiceRequest) -> RequestId {
    req.headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| is_sane(v))
        .map(|v| RequestId(v.to_string()))
        .unwrap_or_else(|| RequestId(uuid::Uuid::now_v7().to_string()))
}

/// Put the id on the request (before the tracing middleware opens its span).
pub fn assign(req: &ServiceRequest) {
    let id = of(req);
    req.extensions_mut().insert(id);
}

/// Echo the id in the response.
pub fn echo<B>(res: &mut ServiceResponse<B>) {
    let id = res.request().extensions().get::<RequestId>().cloned();
    if let Some(id) = id
        && let Ok(v) = HeaderValue::from_str(&id.0)
    {
        res.headers_mut().insert(HeaderName::from_static(HEADER), v);
    }
}

/// The request's id, from its extensions.
pub fn get(req: &actix_web::HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.0.clone())
}

/// The root span of a request: method, route, target and status, with the request id above
/// (not tracing-actix-web's own, which is always a fresh UUID).
pub struct Spans;

impl RootSpanBuilder for Spans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.uri().path(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            request_id = %id,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::is_sane;

    #[test]
    fn sane_ids_are_short_tokens_without_spaces_or_controls() {
        assert!(is_sane("3f2c9a4e-1b2d-4c5e-8f90-123456789abc"));
        assert!(is_sane("lib-system:job/42"));
        assert!(!is_sane(""));
        assert!(!is_sane("two words"));
        assert!(!is_sane("line\nbreak"));
        assert!(!is_sane("<script>"));
        assert!(!is_sane(&"a".repeat(129)));
    }
}
