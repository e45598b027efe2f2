//! Problem responses for requests that never reach a handler: unknown routes, wrong methods,
//! and bodies, queries or paths that cannot be parsed.

use crate::http::{ApiError, FieldError};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// The known route templates and their methods, from the OpenAPI document, so that a request
/// for a known path with another method gets 405 rather than 404.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl RouteTable {
    pub fn from_openapi(api: &utoipa::openapi::OpenApi) -> Self {
        let mut table = RouteTable::default();
        let value = serde_json::to_value(&api.paths).unwrap_or_default();
        if let Some(paths) = value
            .get("paths")
            .and_then(|p| p.as_object())
            .or(value.as_object())
        {
            for (path, item) in paths {
                let methods: Vec<String> = item
                    .as_object()
                    .map(|ops| {
                        ops.keys()
                            .filter(|k| {
                                matches!(k.as_str(), "get" | "post" | "put" | "patch" | "delete")
                            })
                            .map(|k| k.to_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                table.add(path, methods);
            }
        }
        for path in ["/health/live", "/health/ready", "/api/v1/openapi.json"] {
            table.add(path, vec!["GET".into()]);
        }
        table
    }

    fn add(&mut self, path: &str, methods: Vec<String>) {
        let segments = path
            .trim_matches('/')
            .split('/')
            .map(str::to_string)
            .collect();
        self.routes.push((segments, methods));
    }

    /// The methods allowed on `path`, if any template matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed: Vec<String> = Vec::new();
        for (segments, methods) in &self.routes {
            if segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| {
                    (s.starts_with('{') && s.ends_with('}') && !p.is_empty()) || s == p
                })
            {
                allowed.extend(methods.iter().cloned());
            }
        }
        if allowed.is_empty() {
            None
        } else {
            allowed.sort();
            allowed.dedup();
            Some(allowed)
        }
    }
}

/// The application's default service.
pub async fn not_found(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    if let Some(methods) = routes.allowed(req.path()) {
        let mut err = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "request.method_not_allowed",
            format!(
                "{} is not allowed here; allowed: {}.",
                req.method(),
                methods.join(", ")
            ),
        );
        err.allow = Some(methods.join(", "));
        return err.error_response();
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        "request.route_not_found",
        format!(
            "There is no route {} {}; see /docs.",
            req.method(),
            req.path()
        ),
    )
    .error_response()
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "request.unsupported_media_type",
            "The body must be JSON with `Content-Type: application/json`.",
        ),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request.too_large",
                "The JSON body is too large.",
            )
        }
        JsonPayloadError::Deserialize(e) => {
            let mut api = ApiError::bad_request(
                "request.invalid_json",
                format!("The JSON body is invalid: {e}"),
            );
            if e.is_data() {
                api.errors = field_of_serde_error(&e.to_string());
            }
            api
        }
        other => ApiError::bad_request(
            "request.invalid_json",
            format!("The JSON body could not be read: {other}"),
        ),
    };
    api.into()
}

/// serde messages name the field as "missing field `x`" or "unknown field `x`".
fn field_of_serde_error(msg: &str) -> Vec<FieldError> {
    let field = msg.split('`').nth(1).map(str::to_string);
    let code = if msg.starts_with("missing field") {
        "required"
    } else if msg.starts_with("unknown field") {
        "unknown"
    } else {
        "invalid"
    };
    match field {
        Some(f) if code != "invalid" => vec![FieldError::new(
            f,
            code,
            msg.split(" at line").next().unwrap_or(msg),
        )],
        _ => Vec::new(),
    }
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "request.invalid_query",
        format!("The query string is invalid: {err}"),
    )
    .into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request(
        "request.invalid_path",
        format!("The path is invalid: {err}"),
    )
    .into()
}

/// Last line of defence: any error response that is not already problem+json (one produced
/// by actix itself, e.g. an oversized body) is rewritten into one.
pub fn problemize<B: actix_web::body::MessageBody + 'static>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let is_problem = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(super::error::PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (code, detail) = match status.as_u16() {
        400 => ("request.invalid", "The request could not be read."),
        401 => ("auth.missing_token", "Authentication is needed."),
        404 => ("request.route_not_found", "Not found."),
        405 => ("request.method_not_allowed", "Method not allowed."),
        408 => ("request.timeout", "The request took too long to arrive."),
        413 => ("request.too_large", "The request body is too large."),
        415 => ("request.unsupported_media_type", "Unsupported media type."),
        s if s >= 500 => (
            "internal",
            "An internal error occurred; it has been logged with this request's id.",
        ),
        _ => ("request.error", "The request failed."),
    };
    let (req, _) = res.into_parts();
    let response = ApiError::new(status, code, detail).error_response();
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_table_matches_templates() {
        let mut t = RouteTable::default();
        t.add("/api/v1/users/{id}", vec!["GET".into(), "PATCH".into()]);
        t.add("/api/v1/users", vec!["GET".into(), "POST".into()]);
        assert_eq!(
            t.allowed("/api/v1/users/abc"),
            Some(vec!["GET".into(), "PATCH".into()])
        );
        assert_eq!(
            t.allowed("/api/v1/users"),
            Some(vec!["GET".into(), "POST".into()])
        );
        assert_eq!(t.allowed("/api/v1/nothing"), None);
        assert_eq!(t.allowed("/api/v1/users/abc/def"), None);
    }
}
