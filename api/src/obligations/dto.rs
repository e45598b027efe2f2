//! The obligations' bodies and responses: deadlines, a participant's obligations, a
//! mobility's progress, and the project's indicators.

use chrono::NaiveDate;
use entity::enums::ParticipantStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// When an obligation is due: a number of days after the return, or a date.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    /// Days after the return (0 to 730).
    #[schema(minimum = 0, maximum = 730)]
    pub days_after_return: Option<i64>,
    pub date: Option<NaiveDate>,
}

/// A mobility's own deadline rules, by obligation (the body of `PUT .../obligation-deadlines`).
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct DeadlineRules(pub BTreeMap<String, DeadlineRule>);

/// No rule of its own: whether each obligation belongs to the mobility's track and each rule
/// gives exactly one of `days_after_return` (0 to 730) or a `date` are checked together by
/// [`super::service::set_deadlines`], which has the mobility, so that one answer names every
/// wrong key.
impl validator::Validate for DeadlineRules {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ObligationStatus {
    Met,
    Pending,
    Overdue,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordRef {
    /// e.g. `questionnaire_response`, `participant_report`, `dissemination`, `workshop`, `digital_story`, `practice_adoption`, `meeting`.
    pub object_type: String,
    pub id: Uuid,
}

/// A participant's obligations after the mobility.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObligationsDto {
    pub participant_id: Uuid,
    #[schema(max_items = 50)]
    pub obligations: Vec<ObligationDto>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObligationDto {
    #[schema(example = "report")]
    pub key: String,
    pub title: String,
    pub status: ObligationStatus,
    pub due: Option<NaiveDate>,
    /// The records that meet it.
    pub records: Vec<RecordRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantProgress {
    pub participant_id: Uuid,
    pub full_name: String,
    pub library_id: Uuid,
    pub status: ParticipantStatus,
    pub met: u32,
    pub pending: u32,
    pub overdue: u32,
    pub obligations: Vec<ObligationDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressDto {
    pub mobility_id: Uuid,
    pub participants: Vec<ParticipantProgress>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Indicator {
    #[schema(example = "workshops_held")]
    pub key: String,
    pub value: i64,
    /// The project's target, where the project description sets one.
    pub target: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsDto {
    pub project_id: Uuid,
    pub indicators: Vec<Indicator>,
}
