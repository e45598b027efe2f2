use crate::http::checks::not_blank;
use crate::http::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::CallStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// A call for applications covering one or more mobilities.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallDto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub mobility_ids: Vec<Uuid>,
    #[schema(example = "Vabilo k prijavi za udeležbo na mobilnosti")]
    pub title: String,
    /// First day the call is published.
    #[schema(example = "2025-10-13")]
    pub published_from: NaiveDate,
    /// Last day for applications, inclusive, in the project's time zone (Europe/Ljubljana).
    #[schema(example = "2025-11-07")]
    pub deadline: NaiveDate,
    /// When the selection is to be finished.
    #[schema(example = "2025-11-30")]
    pub selection_due: Option<NaiveDate>,
    /// Where applications are sent by e-mail.
    pub submission_email: Option<String>,
    pub info_url: Option<String>,
    pub status: CallStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Vabilo k prijavi 2026", "published_from": "2026-10-12", "deadline": "2026-11-06", "selection_due": "2026-11-30", "mobility_ids": ["0190f1c2-0000-7000-8000-000000000001"]}))]
pub struct CreateCallRequest {
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    pub published_from: NaiveDate,
    pub deadline: NaiveDate,
    pub selection_due: Option<NaiveDate>,
    /// Mobilities of the same project.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub mobility_ids: Vec<Uuid>,
    #[validate(email)]
    #[schema(format = Email, max_length = 254)]
    pub submission_email: Option<String>,
    #[validate(custom(function = "crate::http::checks::web_url"), length(max = 2048))]
    #[schema(
        max_length = 2048,
        pattern = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub info_url: Option<String>,
}

/// Only the fields that change. A draft can change everything; an open call everything but
/// its mobilities; a closed call nothing.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateCallRequest {
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: Option<String>,
    pub published_from: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub selection_due: Option<Option<NaiveDate>>,
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50)]
    pub mobility_ids: Option<Vec<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub submission_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub info_url: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    /// Anonymous callers and non-staff see `open` and `closed` calls only.
    pub status: Option<CallStatus>,
    pub mobility_id: Option<Uuid>,
    /// Sort by `title`, `published_from`, `deadline`, `created_at`, `updated_at`; `-` first for descending (default `published_from`).
    #[param(
        pattern = "^-?(title|published_from|deadline|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}
