//! Problem responses for requests that never reach a handler: unknown routes, wrong methods,
//! and bodies, queries or paths that cannot be parsed.

use crate::http::{ApiError, FieldError};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

/// The known route templates, their methods and each operation's documented query
/// parameters, from the OpenAPI document: so that a request for a known path with another
/// method gets 405 rather than 404, and a query parameter the document does not name is a 400.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
}

#[derive(Debug, Clone)]
struct Route {
    segments: Vec<String>,
    /// Method (upper case) and its query parameters.
    operations: Vec<(String, Vec<QueryParam>)>,
}

impl Route {
    fn matches(&self, parts: &[&str]) -> bool {
        self.segments.len() == parts.len()
            && self
                .segments
                .iter()
                .zip(parts)
                .all(|(s, p)| segment_matches(s, p))
    }
    /// How many segments are literal: the most literal template is the one a path means.
    fn literal_segments(&self) -> usize {
        self.segments.iter().filter(|s| !s.contains('{')).count()
    }
}

/// What the route table says of one request.
#[derive(Debug, PartialEq)]
pub enum RouteCheck {
    /// No template matches: the router answers (404).
    Unknown,
    /// The path is known but not with this method.
    MethodNotAllowed(Vec<String>),
    /// Known, with the query parameters the operation documents.
    Known(Vec<QueryParam>),
}

/// A query parameter as the document states it: its name and the longest value it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryParam {
    pub name: String,
    pub max_length: Option<usize>,
}

impl RouteTable {
    pub fn from_openapi(api: &serde_json::Value) -> Self {
        let mut table = RouteTable::default();
        if let Some(paths) = api.get("paths").and_then(|p| p.as_object()) {
            for (path, item) in paths {
                let operations = item
                    .as_object()
                    .map(|ops| {
                        ops.iter()
                            .filter(|(k, _)| {
                                matches!(k.as_str(), "get" | "post" | "put" | "patch" | "delete")
                            })
                            .map(|(k, op)| (k.to_uppercase(), query_names(op)))
                            .collect()
                    })
                    .unwrap_or_default();
                table.add(path, operations);
            }
        }
        for path in ["/health/live", "/health/ready", "/api/v1/openapi.json"] {
            table.add(path, vec![("GET".into(), Vec::new())]);
        }
        table
    }

    fn add(&mut self, path: &str, operations: Vec<(String, Vec<QueryParam>)>) {
        let segments = path
            .trim_matches('/')
            .split('/')
            .map(str::to_string)
            .collect();
        self.routes.push(Route {
            segments,
            operations,
        });
    }

    /// The methods allowed on `path`: those of the templates it means (the most literal ones).
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        if path.len() > 1 && path.ends_with('/') {
            // `/users/` is not `/users`: no route.
            return None;
        }
        match self.check("", path) {
            RouteCheck::MethodNotAllowed(methods) => Some(methods),
            _ => None,
        }
    }

    /// The operation `method path` means: the template with the most literal segments wins,
    /// so `PATCH /organisations/import` is a 405 of the import route, not a bad id for
    /// `/organisations/{id}`.
    pub fn check(&self, method: &str, path: &str) -> RouteCheck {
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let parts: Vec<&str> = decoded.trim_matches('/').split('/').collect();
        let Some(best) = self
            .routes
            .iter()
            .filter(|r| r.matches(&parts))
            .map(Route::literal_segments)
            .max()
        else {
            return RouteCheck::Unknown;
        };
        let candidates: Vec<&Route> = self
            .routes
            .iter()
            .filter(|r| r.matches(&parts) && r.literal_segments() == best)
            .collect();
        for route in &candidates {
            if let Some((_, params)) = route.operations.iter().find(|(m, _)| m == method) {
                return RouteCheck::Known(params.clone());
            }
        }
        let mut methods: Vec<String> = candidates
            .iter()
            .flat_map(|r| r.operations.iter().map(|(m, _)| m.clone()))
            .collect();
        methods.sort();
        methods.dedup();
        RouteCheck::MethodNotAllowed(methods)
    }
}

/// A template segment (`users`, `{id}`, `{name}.csv`) against a path segment: literal text
/// around a placeholder must be there, and the placeholder takes at least one character.
fn segment_matches(template: &str, part: &str) -> bool {
    match (template.find('{'), template.rfind('}')) {
        (Some(open), Some(close)) if open < close => {
            let (prefix, suffix) = (&template[..open], &template[close + 1..]);
            part.len() > prefix.len() + suffix.len()
                && part.starts_with(prefix)
                && part.ends_with(suffix)
        }
        _ => template == part,
    }
}

fn query_names(op: &serde_json::Value) -> Vec<QueryParam> {
    op.get("parameters")
        .and_then(|p| p.as_array())
        .map(|params| {
            params
                .iter()
                .filter(|p| p.get("in").and_then(|i| i.as_str()) == Some("query"))
                .filter_map(|p| {
                    Some(QueryParam {
                        name: p.get("name")?.as_str()?.to_string(),
                        max_length: p["schema"]["maxLength"].as_u64().map(|m| m as usize),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A request the document does not describe is refused before any handler runs: a method the
/// path does not have (405 with `Allow`) or a query parameter the operation does not name
/// (400 `request.unknown_parameter`, naming it).
pub fn check_request(
    routes: &RouteTable,
    req: &actix_web::dev::ServiceRequest,
) -> Option<ApiError> {
    match routes.check(req.method().as_str(), req.path()) {
        RouteCheck::Unknown => None,
        RouteCheck::MethodNotAllowed(methods) => {
            if req.method() == actix_web::http::Method::OPTIONS {
                return None;
            }
            Some(method_not_allowed(req.method().as_str(), methods))
        }
        RouteCheck::Known(params) => {
            let pairs = form_urlencoded_pairs(req.query_string());
            let mut unknown: Vec<String> = Vec::new();
            for (name, _) in &pairs {
                if !params.iter().any(|p| p.name == *name) && !unknown.contains(name) {
                    unknown.push(name.clone());
                }
            }
            if !unknown.is_empty() {
                let unknown: Vec<String> =
                    unknown.iter().map(|u| super::error::clip(u, 100)).collect();
                let mut err = ApiError::bad_request(
                    "request.unknown_parameter",
                    format!(
                        "Unknown query parameter{} {}; this operation takes {}.",
                        if unknown.len() == 1 { "" } else { "s" },
                        unknown
                            .iter()
                            .map(|u| format!("`{u}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if params.is_empty() {
                            "none".to_string()
                        } else {
                            params
                                .iter()
                                .map(|p| format!("`{}`", p.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                );
                err.errors = unknown
                    .into_iter()
                    .map(|u| FieldError::new(u, "unknown", "not a parameter of this operation"))
                    .collect();
                return Some(err);
            }
            // The lengths the document states hold for every query parameter.
            let too_long: Vec<FieldError> = pairs
                .iter()
                .filter_map(|(name, value)| {
                    let max = params.iter().find(|p| p.name == *name)?.max_length?;
                    (value.chars().count() > max).then(|| {
                        FieldError::new(name.clone(), "length", format!("at most {max} characters"))
                    })
                })
                .collect();
            // The one text policy holds for query parameters as for bodies.
            let mut refused = too_long;
            refused.extend(pairs.iter().filter_map(|(name, value)| {
                let (code, message) = crate::http::checks::nul_character(value)?;
                Some(FieldError::new(name.clone(), code, message))
            }));
            (!refused.is_empty()).then(|| ApiError::invalid_query(refused))
        }
    }
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).unwrap_or_default()
}

fn method_not_allowed(method: &str, methods: Vec<String>) -> ApiError {
    let mut err = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "request.method_not_allowed",
        format!(
            "{} is not allowed here; allowed: {}.",
            method,
            methods.join(", ")
        ),
    );
    err.allow = Some(methods.join(", "));
    err
}

/// The application's default service.
pub async fn not_found(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    if let Some(methods) = routes.allowed(req.path()) {
        return method_not_allowed(req.method().as_str(), methods).error_response();
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
        JsonPayloadError::Deserialize(e) => invalid_json(e),
        other => ApiError::bad_request(
            "request.invalid_json",
            format!("The JSON body could not be read: {other}"),
        ),
    };
    api.into()
}

/// 400 `request.invalid_json` for a body that is JSON but not the request's shape.
pub fn invalid_json(e: &serde_json::Error) -> ApiError {
    let mut api = ApiError::bad_request(
        "request.invalid_json",
        format!("The JSON body is invalid: {e}"),
    );
    if e.is_data() {
        api.errors = field_of_serde_error(&e.to_string());
    }
    api
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
        let ops = |ms: &[&str]| ms.iter().map(|m| (m.to_string(), Vec::new())).collect();
        t.add("/api/v1/users/{id}", ops(&["GET", "PATCH"]));
        t.add("/api/v1/users", ops(&["GET", "POST"]));
        t.add("/api/v1/users/import", ops(&["POST"]));
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
        // The literal template wins over the placeholder.
        assert_eq!(
            t.check("PATCH", "/api/v1/users/import"),
            RouteCheck::MethodNotAllowed(vec!["POST".into()])
        );
        assert_eq!(
            t.check("PATCH", "/api/v1/users/abc"),
            RouteCheck::Known(vec![])
        );
        assert_eq!(t.check("GET", "/api/v1/nothing"), RouteCheck::Unknown);
    }
}
