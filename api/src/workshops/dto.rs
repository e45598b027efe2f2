//! The workshops' bodies, responses and list query. Attendees are counted, never named.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{WorkshopKind, WorkshopStatus};
use entity::workshop;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// Anonymous figures about the attendees. Each count is at most the number of attendees.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AttendeesProfile {
    pub age_60_69: Option<i32>,
    pub age_70_79: Option<i32>,
    pub age_80_plus: Option<i32>,
    pub retired: Option<i32>,
    /// In the library for the first time.
    pub first_time_in_library: Option<i32>,
}

/// A learning need found in a DTFL workshop.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LearningNeed {
    #[schema(
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub need: String,
    pub description: Option<String>,
    /// How many attendees raised it.
    pub raised_by: i32,
}

/// The workshop's report: learning needs (DTFL), or topics and materials (heritage).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Validate)]
#[serde(deny_unknown_fields)]
pub struct WorkshopReport {
    #[serde(default)]
    pub learning_needs: Vec<LearningNeed>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub materials_collected: Vec<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkshopDto {
    pub id: Uuid,
    pub library_id: Uuid,
    pub mobility_id: Uuid,
    pub kind: WorkshopKind,
    pub title: String,
    pub planned_content: Option<String>,
    /// SHA-256 of the uploaded plan document (`GET /workshops/{id}/planned-content`), if any.
    pub planned_content_document_sha256: Option<String>,
    pub planned_on: Option<NaiveDate>,
    pub held_on: Option<NaiveDate>,
    /// Participants who led it.
    pub facilitators: Vec<Uuid>,
    pub attendees_count: Option<i32>,
    pub attendees_profile: Option<AttendeesProfile>,
    pub report: Option<WorkshopReport>,
    pub status: WorkshopStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<workshop::Model> for WorkshopDto {
    fn from(m: workshop::Model) -> Self {
        Self {
            id: m.id,
            library_id: m.library_id,
            mobility_id: m.mobility_id,
            kind: m.kind,
            title: m.title,
            planned_content: m.planned_content,
            planned_content_document_sha256: m.planned_content_sha256,
            planned_on: m.planned_on,
            held_on: m.held_on,
            facilitators: serde_json::from_value(m.facilitators).unwrap_or_default(),
            attendees_count: m.attendees_count,
            attendees_profile: m
                .attendees_profile
                .and_then(|v| serde_json::from_value(v).ok()),
            report: m.report.and_then(|v| serde_json::from_value(v).ok()),
            status: m.status,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mobility_id": "0190f1c2-0000-7000-8000-000000000001", "title": "Kaj bi se radi naučili?", "planned_on": "2026-05-20", "planned_content": "Delavnica po metodi DTFL za starejše odrasle."}))]
pub struct CreateWorkshopRequest {
    pub mobility_id: Uuid,
    /// A `library` user's own library by default; coordinators name it.
    pub library_id: Option<Uuid>,
    #[schema(
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    pub planned_content: Option<String>,
    pub planned_on: Option<NaiveDate>,
    /// Participant ids of this library and mobility.
    #[serde(default)]
    pub facilitators: Vec<Uuid>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkshopRequest {
    pub title: Option<String>,
    pub planned_content: Option<String>,
    pub planned_on: Option<NaiveDate>,
    pub facilitators: Option<Vec<Uuid>>,
    /// With a date not in the future and an attendees count, the workshop is `held`.
    pub held_on: Option<NaiveDate>,
    /// How many attended: at least one (a workshop nobody came to was not held).
    #[schema(minimum = 1, maximum = 10000)]
    pub attendees_count: Option<i32>,
    pub attendees_profile: Option<AttendeesProfile>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkshopQuery {
    pub mobility_id: Option<Uuid>,
    pub library_id: Option<Uuid>,
    pub status: Option<WorkshopStatus>,
    /// Sort by `held_on`, `status`, `created_at`, `updated_at`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(held_on|status|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}
