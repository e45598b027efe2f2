use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::ApplicationStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CommitteeRequest {
    /// Users of role `committee`, or project-team members with the function `committee_member`.
    pub user_ids: Vec<Uuid>,
}

/// A call's selection committee.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeDto {
    pub call_id: Uuid,
    #[schema(max_items = 100)]
    pub members: Vec<CommitteeMemberDto>,
}

/// A call's selection criteria, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriteriaDto {
    pub call_id: Uuid,
    #[schema(max_items = 20)]
    pub criteria: Vec<CriterionDto>,
}

/// The criteria that replace a call's criteria.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"criteria": [{"key": "motivation", "title": "Motivacija", "max_points": 10, "weight": 3}, {"key": "transfer", "title": "Prenos v delo knjižnice", "max_points": 10, "weight": 2}]}))]
pub struct CriteriaRequest {
    #[schema(min_items = 1, max_items = 20)]
    pub criteria: Vec<CriterionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitteeMemberDto {
    pub user_id: Uuid,
    pub full_name: String,
    pub email: String,
    pub organisation_id: Option<Uuid>,
}

/// One selection criterion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CriterionDto {
    /// Lower-case letters, digits and `_`.
    #[validate(length(min = 1, max = 40), custom(function = criterion_key))]
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    #[schema(example = "motivation")]
    pub key: String,
    /// Not blank.
    #[validate(length(min = 1, max = 200), custom(function = crate::http::checks::not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    #[schema(example = "Motivation and fit with the mobility's goals")]
    pub title: String,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    #[schema(example = 10)]
    pub max_points: i32,
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    #[schema(example = 3)]
    pub weight: i32,
}

fn criterion_key(key: &str) -> Result<(), validator::ValidationError> {
    if key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("key_format");
        e.message = Some("only lower-case letters, digits and _".into());
        Err(e)
    }
}

/// How fewer opportunities and the quorum work in a call's selection.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SelectionSettingsDto {
    /// Scores each application needs; null: every committee member without a conflict.
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub quorum: Option<i32>,
    /// Points added to the weighted total of applicants with fewer opportunities.
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    #[schema(example = 0)]
    pub fewer_opportunities_bonus: i32,
    /// Among equal totals, applicants with fewer opportunities come first.
    #[schema(example = true)]
    pub fewer_opportunities_first_in_ties: bool,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scores": {"motivation": 8, "relevance": 7, "transfer": 9, "language": 4}, "comment": "Jasen načrt prenosa."}))]
pub struct ScoreRequest {
    /// Points per criterion key; every criterion, each within 0..max_points.
    pub scores: BTreeMap<String, i32>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreDto {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub scores: BTreeMap<String, i32>,
    pub comment: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConflictRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictDto {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub reason: Option<String>,
    pub declared_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionAverage {
    pub key: String,
    pub average: f64,
}

/// One application's place in the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingEntry {
    pub rank: u32,
    pub application_id: Uuid,
    pub library_id: Uuid,
    #[schema(example = "Mestna knjižnica Kranj")]
    pub library_name: String,
    pub applicant_full_name: String,
    pub fewer_opportunities: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    pub averages: Vec<CriterionAverage>,
    /// Σ weight × average, plus the fewer-opportunities bonus where it applies.
    pub weighted_total: f64,
    pub bonus: i32,
    pub score_count: u32,
    /// Scores this application needs.
    pub quorum: u32,
    pub status: ApplicationStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RankingDto {
    pub mobility_id: Uuid,
    pub call_id: Uuid,
    pub places: i32,
    pub reserve_places: i32,
    /// Whether every submitted application has its quorum of scores.
    pub complete: bool,
    pub finalised: bool,
    pub entries: Vec<RankingEntry>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallParam {
    /// Needed only when several calls cover the mobility.
    pub call_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"justification": "Izbranih je deset najbolje ocenjenih prijav; pri enakem številu točk je imela prednost prijava z manj priložnostmi."}))]
pub struct FinaliseRequest {
    #[validate(length(min = 10, max = 20000))]
    #[schema(min_length = 10, max_length = 20000)]
    pub justification: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    pub mobility_id: Uuid,
    pub call_id: Uuid,
    pub finalised_by: Uuid,
    pub finalised_at: DateTime<Utc>,
    pub justification: String,
    /// The call's selection was due earlier than this decision.
    pub after_selection_due: bool,
    pub selection_due: Option<NaiveDate>,
    pub selected: Vec<Uuid>,
    /// In reserve order.
    pub reserve: Vec<Uuid>,
    pub rejected: Vec<Uuid>,
    /// The participants made from the selected applications, with their names and libraries
    /// (in the selection record: as they are now, reserves promoted since included).
    pub participants: Vec<crate::participants::dto::NamedParticipant>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordScore {
    pub application_id: Uuid,
    pub member_id: Uuid,
    pub member_name: String,
    pub scores: BTreeMap<String, i32>,
    pub comment: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Everything an auditor asks about a mobility's selection.
#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionRecord {
    pub mobility_id: Uuid,
    pub mobility_code: String,
    pub call_id: Uuid,
    pub call_title: String,
    pub deadline: NaiveDate,
    pub selection_due: Option<NaiveDate>,
    pub committee: Vec<CommitteeMemberDto>,
    pub criteria: Vec<CriterionDto>,
    pub settings: SelectionSettingsDto,
    pub scores: Vec<RecordScore>,
    pub conflicts: Vec<ConflictDto>,
    pub ranking: Vec<RankingEntry>,
    /// Null until the selection is final.
    pub decision: Option<DecisionDto>,
}
