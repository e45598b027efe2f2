//! One error type for the whole API, rendered as RFC 9457 `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

pub type ApiResult<T> = Result<T, ApiError>;

/// A problem echoes what the caller sent only so far: its `detail`, field names and messages
/// are cut at these lengths (in characters), and it lists at most so many fields.
pub const MAX_DETAIL: usize = 2000;
pub const MAX_FIELD: usize = 200;
pub const MAX_MESSAGE: usize = 500;
pub const MAX_FIELD_ERRORS: usize = 100;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The field's name as sent, dotted for nested fields (`applicant.email`).
    #[schema(example = "email", max_length = 201)]
    pub field: String,
    /// A stable machine code for what is wrong with it.
    #[schema(example = "email")]
    pub code: String,
    #[schema(example = "must be a valid e-mail address", max_length = 501)]
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An error, as every endpoint returns it (RFC 9457 problem details).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:problem:mobility:validation.failed",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "The request has invalid fields.",
    "code": "validation.failed",
    "errors": [{"field": "email", "code": "email", "message": "must be a valid e-mail address"}]
}))]
pub struct Problem {
    /// `urn:problem:mobility:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The HTTP reason phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, for a person.
    #[schema(max_length = 2001)]
    pub detail: String,
    /// Stable machine-readable code, e.g. `auth.invalid_credentials`.
    pub code: String,
    /// Present on validation errors: one entry per invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(max_items = 100)]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub allow: Option<String>,
    pub retry_after: Option<u64>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
            allow: None,
            retry_after: None,
        }
    }
    /// The same error with a `Retry-After` header (seconds): for 429 and 503.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "auth.forbidden", detail)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("{what}.not_found"),
            format!("No such {what}."),
        )
    }
    /// A "not found" from a lookup this one depends on, renamed to `what` (a task of a
    /// participant the caller may not see is a task that does not exist for them); every other
    /// error, a database failure above all, passes through unchanged.
    pub fn or_not_found(self, what: &str) -> Self {
        if self.status == StatusCode::NOT_FOUND {
            Self::not_found(what)
        } else {
            self
        }
    }
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }
    /// 422 with one invalid field.
    pub fn invalid_field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }
    /// 422 with the invalid fields, in field order.
    pub fn validation(mut errors: Vec<FieldError>) -> Self {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            "The request has invalid fields.",
        );
        e.errors = errors;
        e
    }
    pub fn invalid_query(errors: Vec<FieldError>) -> Self {
        let mut e = Self::bad_request("request.invalid_query", "The query string is invalid.");
        e.errors = errors;
        e
    }
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "request.precondition_failed",
            "The resource has changed since it was read (If-Match does not match its ETag); read it again.",
        )
    }
    /// A server-side failure: the cause is logged, the client gets no internals.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "An internal error occurred; it has been logged with this request's id.",
        )
    }
    pub fn problem(&self) -> Problem {
        Problem {
            type_: format!("urn:problem:mobility:{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: clip(&self.detail, MAX_DETAIL),
            code: self.code.to_string(),
            errors: self
                .errors
                .iter()
                .take(MAX_FIELD_ERRORS)
                .map(|e| FieldError {
                    field: clip(&e.field, MAX_FIELD),
                    code: e.code.clone(),
                    message: clip(&e.message, MAX_MESSAGE),
                })
                .collect(),
        }
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        if self.status == StatusCode::UNAUTHORIZED {
            let value = if self.code == "auth.missing_token" {
                "Bearer realm=\"mobility\"".to_string()
            } else {
                format!(
                    "Bearer realm=\"mobility\", error=\"invalid_token\", error_description=\"{}\"",
                    self.code
                )
            };
            res.insert_header((header::WWW_AUTHENTICATE, value));
        }
        if let Some(allow) = &self.allow {
            res.insert_header((header::ALLOW, allow.clone()));
        }
        if let Some(seconds) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::conflict(
                "resource.duplicate",
                "A record with the same unique values already exists.",
            ),
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => Self::conflict(
                "resource.in_use",
                "The record refers to, or is referred to by, another record that prevents this change.",
            ),
            // SQLite reports ON DELETE RESTRICT as a trigger constraint (extended code 1811).
            _ if err.to_string().contains("FOREIGN KEY constraint failed") => Self::conflict(
                "resource.in_use",
                "The record refers to, or is referred to by, another record that prevents this change.",
            ),
            _ => Self::internal(err),
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errs: validator::ValidationErrors) -> Self {
        Self::validation(flatten_validation(&errs, ""))
    }
}

fn flatten_validation(errs: &validator::ValidationErrors, prefix: &str) -> Vec<FieldError> {
    use validator::ValidationErrorsKind;
    let mut out = Vec::new();
    for (field, kind) in errs.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| default_message(&e.code, e));
                    out.push(FieldError::new(name.clone(), e.code.to_string(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => out.extend(flatten_validation(inner, &name)),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    out.extend(flatten_validation(inner, &format!("{name}[{i}]")));
                }
            }
        }
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    // One error per field: an empty value would otherwise be reported as both too short and blank.
    out.dedup_by(|a, b| a.field == b.field);
    out
}

fn default_message(code: &str, e: &validator::ValidationError) -> String {
    let p = |k: &str| e.params.get(k).map(|v| v.to_string());
    match code {
        "email" => "must be a valid e-mail address".into(),
        "url" => "must be a valid URL".into(),
        "length" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "invalid length".into(),
        },
        "range" => match (p("min"), p("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "out of range".into(),
        },
        other => format!("invalid ({other})"),
    }
}

impl Problem {
    /// `detail`, followed by the invalid fields, for the command line.
    pub fn detail_with_fields(&self) -> String {
        let mut s = self.detail.clone();
        for e in &self.errors {
            s.push_str(&format!("\n  {}: {}", e.field, e.message));
        }
        s
    }
}

/// At most `max` characters of a value the caller sent, for echoing it in a problem.
pub fn clip(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        let mut s: String = value.chars().take(max).collect();
        s.push('…');
        s
    }
}
