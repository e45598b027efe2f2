//! Cross-origin requests from browser frontends (actix-cors), off unless origins are
//! configured (`MOBILITY_CORS_ORIGINS`).
//!
//! Preflights are answered for the configured origins; requests may send `Authorization`,
//! `Content-Type`, `If-Match`, `Idempotency-Key` and `X-Request-Id`, and scripts may read
//! `ETag`, `Location`, `Content-Disposition`, `Retry-After` and `X-Request-Id`. No cookies are
//! involved (the API takes bearer tokens), so credentials are not allowed.

use actix_cors::Cors;
use actix_web::http::{Method, header};

/// Request headers a frontend may send.
pub const ALLOWED_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "accept",
    "if-match",
    "idempotency-key",
    "x-request-id",
];

/// Response headers a frontend may read (beyond the CORS-safelisted ones).
pub const EXPOSED_HEADERS: &[&str] = &[
    "etag",
    "location",
    "content-disposition",
    "retry-after",
    "x-request-id",
];

/// The CORS middleware for `origins` (`*`: any origin). With no origins it allows none; the
/// server then does not install it at all.
pub fn middleware(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers(
            ALLOWED_HEADERS
                .iter()
                .map(|h| header::HeaderName::from_static(h)),
        )
        .expose_headers(
            EXPOSED_HEADERS
                .iter()
                .map(|h| header::HeaderName::from_static(h)),
        )
        .max_age(3600);
    for o in origins {
        cors = if o == "*" {
            cors.allow_any_origin().send_wildcard()
        } else {
            cors.allowed_origin(o)
        };
    }
    cors
}

/// A refusal by the CORS middleware (a preflight from an origin, or for a method or header, it
/// does not allow) as a problem document: 403 `request.origin_not_allowed`. Other errors:
/// `None`.
pub fn problem(e: &actix_web::Error) -> Option<crate::http::ApiError> {
    e.as_error::<actix_cors::CorsError>().map(|c| {
        crate::http::ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "request.origin_not_allowed",
            format!("Cross-origin request refused: {c}."),
        )
    })
}

/// Whether `origin` is a browser origin: `http(s)://host[:port]`, nothing after, or `*`.
pub fn is_origin(origin: &str) -> bool {
    if origin == "*" {
        return true;
    }
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && !rest.contains(['/', '?', '#', '@', ' '])
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::is_origin;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert!(is_origin("http://localhost:5173"));
        assert!(is_origin("https://knjiznice.si"));
        assert!(is_origin("*"));
        assert!(!is_origin("localhost:5173"));
        assert!(!is_origin("https://knjiznice.si/"));
        assert!(!is_origin("https://knjiznice.si/app"));
        assert!(!is_origin("ftp://knjiznice.si"));
        assert!(!is_origin("https://"));
    }
}
