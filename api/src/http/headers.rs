//! Headers every response carries for the browser's sake: `X-Content-Type-Options: nosniff`
//! everywhere (a download is never re-read as another type); `Cache-Control: no-store` on
//! every answer to a request with credentials (personal data stays out of shared and browser
//! caches) unless the handler set its own; a content security policy on Swagger UI (`/docs`)
//! that loads only its own files and may not be framed, and `frame-ancestors 'none'` on
//! everything else.

use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderMap, HeaderValue, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};

/// Swagger UI's policy: its own scripts and styles (it injects inline styles), images from
/// itself and `data:` URLs, calls to this server only, never inside a frame.
pub const DOCS_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Everything else is data, never a page to frame.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Whether a request carries credentials: a bearer token, or a calendar feed's secret path.
pub fn with_credentials(req: &actix_web::dev::ServiceRequest) -> bool {
    req.headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
        || req.path().starts_with("/calendar/")
}

/// Add the headers to a response to a request for `path` that carried credentials or not.
pub fn apply(headers: &mut HeaderMap, path: &str, with_credentials: bool) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let policy = if path == "/docs" || path.starts_with("/docs/") {
        DOCS_POLICY
    } else {
        API_POLICY
    };
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    if with_credentials && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
