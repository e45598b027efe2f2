use crate::http::checks::{country_code, not_blank};
use crate::http::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{ActivityType, FollowUp, MobilityStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// An organisation visited during the mobility besides the host.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct VisitDto {
    pub organisation_id: Uuid,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    #[schema(example = "regional digitisation centre")]
    pub description: Option<String>,
}

/// A mobility activity: a group of participants staying with a host organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MobilityDto {
    pub id: Uuid,
    pub project_id: Uuid,
    #[schema(example = "JS1")]
    pub code: String,
    #[schema(example = "Sledenje na delovnem mestu 1")]
    pub title: String,
    #[schema(example = "Job shadowing 1")]
    pub title_en: Option<String>,
    pub activity_type: ActivityType,
    pub host_organisation_id: Uuid,
    #[schema(example = "Aarhus")]
    pub city: String,
    #[schema(example = "DK")]
    pub country: String,
    /// The planned period as announced, before exact dates are fixed.
    #[schema(example = "last week of March 2026")]
    pub planned_period: Option<String>,
    /// The window the mobility is planned to fall in.
    pub window_start: Option<NaiveDate>,
    pub window_end: Option<NaiveDate>,
    /// Exact dates, once fixed.
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Why the dates fall outside the announced window, as a coordinator confirmed them.
    #[schema(example = "The host can receive the group only in early June.")]
    pub outside_window_reason: Option<String>,
    #[schema(example = 3)]
    pub programme_days: i32,
    #[schema(example = 2)]
    pub travel_days: i32,
    #[schema(example = 10)]
    pub places: i32,
    /// How many applicants are kept in reserve after the selection.
    #[schema(example = 3)]
    pub reserve_places: i32,
    /// One-way distance from the EU distance calculator.
    pub distance_km: Option<i32>,
    pub green_travel: bool,
    pub follow_up: FollowUp,
    pub goals: Vec<String>,
    /// The (preliminary) programme items.
    pub programme: Vec<String>,
    pub visited_organisations: Vec<VisitDto>,
    /// `planned` or `confirmed` until the first day, `in_progress` from it, `completed` after
    /// the last (in Ljubljana's time), whatever was stored; `cancelled` when cancelled.
    pub status: MobilityStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "JS3", "title": "Sledenje na delovnem mestu 3", "activity_type": "job_shadowing", "host_organisation_id": "0190f1c2-0000-7000-8000-000000000001", "city": "Aarhus", "country": "DK", "programme_days": 3, "travel_days": 2, "places": 10, "follow_up": "dtfl_workshop", "goals": ["..."], "programme": ["..."]}))]
pub struct CreateMobilityRequest {
    #[validate(length(min = 1, max = 50), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub code: String,
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub title_en: Option<String>,
    pub activity_type: ActivityType,
    /// An organisation of kind `host` or `partner`.
    pub host_organisation_id: Uuid,
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub city: String,
    #[validate(custom(function = country_code))]
    #[schema(pattern = "^[A-Z]{2}$", max_length = 2)]
    pub country: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub planned_period: Option<String>,
    pub window_start: Option<NaiveDate>,
    pub window_end: Option<NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60)]
    pub programme_days: i32,
    #[validate(range(min = 0, max = 6))]
    #[schema(minimum = 0, maximum = 6)]
    pub travel_days: i32,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub places: i32,
    /// Default 3.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub reserve_places: Option<i32>,
    #[validate(range(min = 0, max = 40000))]
    #[schema(minimum = 0, maximum = 40000)]
    pub distance_km: Option<i32>,
    #[serde(default)]
    pub green_travel: bool,
    pub follow_up: FollowUp,
    #[serde(default)]
    pub goals: Vec<String>,
    #[serde(default)]
    pub programme: Vec<String>,
    #[serde(default)]
    #[validate(nested)]
    pub visited_organisations: Vec<VisitDto>,
    /// Default `planned`. `planned`, `confirmed` or `cancelled`: `in_progress` and `completed`
    /// follow from the dates.
    pub status: Option<MobilityStatus>,
    /// Confirms dates outside the announced window (`window_start`–`window_end`) and says
    /// why; required then, kept on the mobility, in the audit log and in the
    /// `mobility.rescheduled` event.
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub outside_window_reason: Option<String>,
}

/// Only the fields that change; `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMobilityRequest {
    #[validate(length(min = 1, max = 50), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub code: Option<String>,
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title_en: Option<Option<String>>,
    pub activity_type: Option<ActivityType>,
    pub host_organisation_id: Option<Uuid>,
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub city: Option<String>,
    #[validate(custom(function = country_code))]
    #[schema(pattern = "^[A-Z]{2}$", max_length = 2)]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub planned_period: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub window_start: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub window_end: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub end_date: Option<Option<NaiveDate>>,
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60)]
    pub programme_days: Option<i32>,
    #[validate(range(min = 0, max = 6))]
    #[schema(minimum = 0, maximum = 6)]
    pub travel_days: Option<i32>,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub places: Option<i32>,
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub reserve_places: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub distance_km: Option<Option<i32>>,
    pub green_travel: Option<bool>,
    pub follow_up: Option<FollowUp>,
    pub goals: Option<Vec<String>>,
    pub programme: Option<Vec<String>>,
    /// Replaces the whole list.
    #[validate(nested)]
    pub visited_organisations: Option<Vec<VisitDto>>,
    /// `planned`, `confirmed` or `cancelled` (and back from `cancelled`): `in_progress` and
    /// `completed` follow from the dates.
    pub status: Option<MobilityStatus>,
    /// Confirms dates outside the announced window (`window_start`–`window_end`) and says
    /// why; required then, kept on the mobility, in the audit log and in the
    /// `mobility.rescheduled` event.
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub outside_window_reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MobilityQuery {
    pub status: Option<MobilityStatus>,
    #[param(max_length = 200, example = "DK")]
    pub country: Option<String>,
    pub follow_up: Option<FollowUp>,
    /// Sort by `code`, `start_date`, `country`, `created_at`, `updated_at`; `-` first for descending (default `start_date`).
    #[param(
        pattern = "^-?(code|start_date|country|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}
