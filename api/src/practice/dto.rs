//! New practice's bodies and responses.

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::AdoptionStatus;
use entity::practice_adoption;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Design Thinking for Libraries.
    Dtfl,
    /// A good practice taken from the Lithuanian libraries.
    GoodPractice,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    pub step: String,
    pub due: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mobility_id": "0190f1c2-0000-7000-8000-000000000001", "method": "dtfl", "description": "Delavnice DTFL za starejše enkrat na mesec.", "plan": [{"step": "Usposabljanje sodelavcev", "due": "2026-09-30"}]}))]
pub struct CreateAdoptionRequest {
    pub mobility_id: Uuid,
    /// A `library` user's own library by default; coordinators name it.
    pub library_id: Option<Uuid>,
    pub method: Method,
    #[schema(
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub description: String,
    #[serde(default)]
    pub plan: Vec<PlanStep>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateAdoptionRequest {
    pub description: Option<String>,
    pub plan: Option<Vec<PlanStep>>,
    /// Forward only: planned -> piloted -> adopted.
    pub status: Option<AdoptionStatus>,
    /// Needed for `adopted`.
    pub adopted_on: Option<NaiveDate>,
    /// Needed for `adopted`: the first regular activity.
    pub first_regular_activity: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdoptionDto {
    pub id: Uuid,
    pub library_id: Uuid,
    pub mobility_id: Uuid,
    pub method: Method,
    pub description: String,
    pub plan: Vec<PlanStep>,
    pub status: AdoptionStatus,
    pub adopted_on: Option<NaiveDate>,
    pub first_regular_activity: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<practice_adoption::Model> for AdoptionDto {
    fn from(m: practice_adoption::Model) -> Self {
        Self {
            id: m.id,
            library_id: m.library_id,
            mobility_id: m.mobility_id,
            method: serde_json::from_value(serde_json::Value::String(m.method))
                .unwrap_or(Method::Dtfl),
            description: m.description,
            plan: serde_json::from_value(m.plan).unwrap_or_default(),
            status: m.status,
            adopted_on: m.adopted_on,
            first_regular_activity: m.first_regular_activity,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}
