//! The evaluation's bodies and responses: the questionnaire and its answers, the
//! participant's report, and the mobility's evaluation.

use chrono::{DateTime, Utc};
use entity::enums::ReportStatus;
use entity::participant_report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 to 5.
    Scale,
    SingleChoice,
    FreeText,
}

/// A mobility's satisfaction questionnaire.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireDto {
    pub mobility_id: Uuid,
    #[schema(max_items = 100)]
    pub questions: Vec<Question>,
}

/// The questions that replace a questionnaire's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRequest {
    #[schema(min_items = 1, max_items = 100)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Question {
    #[validate(length(min = 1, max = 40))]
    #[schema(min_length = 1, max_length = 40)]
    pub key: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub text: String,
    pub kind: QuestionKind,
    /// For `single_choice`.
    #[serde(default)]
    pub options: Vec<String>,
}

/// Each question's own rules, unique keys, and at least two options for a single choice;
/// errors name the question (`questions[2].key`).
impl Validate for QuestionnaireRequest {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};
        let error = |code: &'static str, message: &'static str| {
            ValidationError::new(code).with_message(message.into())
        };
        let mut errors = ValidationErrors::new();
        if self.questions.is_empty() {
            errors.add("questions", error("required", "at least one question"));
        }
        let mut keys = std::collections::HashSet::new();
        let mut items = std::collections::BTreeMap::new();
        for (i, q) in self.questions.iter().enumerate() {
            let mut own = q.validate().err().unwrap_or_default();
            if !keys.insert(q.key.as_str()) {
                own.add("key", error("duplicate", "keys must be unique"));
            }
            if q.kind == QuestionKind::SingleChoice && q.options.len() < 2 {
                own.add(
                    "options",
                    error(
                        "required",
                        "a single-choice question needs at least two options",
                    ),
                );
            }
            if !own.is_empty() {
                items.insert(i, Box::new(own));
            }
        }
        if !items.is_empty() {
            errors
                .errors_mut()
                .insert("questions".into(), ValidationErrorsKind::List(items));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": {"overall": 5, "recommend": "da", "best": "Delavnica DTFL."}}))]
pub struct ResponseRequest {
    /// Per question key: 1–5 for scale questions, one of the options, or text.
    pub answers: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResult {
    pub key: String,
    pub text: String,
    pub kind: QuestionKind,
    pub responses: u32,
    /// Scale questions: the mean, to two decimals.
    pub mean: Option<f64>,
    /// Scale (by value 1–5) and single-choice (by option) counts.
    pub distribution: BTreeMap<String, u32>,
    /// Free-text answers, without names, in no particular order.
    pub texts: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Completion {
    pub participant_id: Uuid,
    pub answered: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireResults {
    pub mobility_id: Uuid,
    pub participants: u32,
    pub responses: u32,
    pub questions: Vec<QuestionResult>,
    pub completion: Vec<Completion>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub goals_achieved: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub results: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub impacts: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub new_ideas: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub transfer_possibilities: String,
    /// The mobility report itself, if written here.
    #[validate(length(max = 100000))]
    #[schema(max_length = 100000)]
    pub report: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub participant_id: Uuid,
    pub goals_achieved: String,
    pub results: String,
    pub impacts: String,
    pub new_ideas: String,
    pub transfer_possibilities: String,
    pub report: Option<String>,
    pub status: ReportStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<participant_report::Model> for ReportDto {
    fn from(m: participant_report::Model) -> Self {
        Self {
            participant_id: m.participant_id,
            goals_achieved: m.goals_achieved,
            results: m.results,
            impacts: m.impacts,
            new_ideas: m.new_ideas,
            transfer_possibilities: m.transfer_possibilities,
            report: m.report,
            status: m.status,
            submitted_at: m.submitted_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OralEvaluation {
    pub meeting_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub attended: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Findings {
    pub participant_id: Uuid,
    pub status: ReportStatus,
    pub goals_achieved: String,
    pub results: String,
    pub impacts: String,
    pub new_ideas: String,
    pub transfer_possibilities: String,
}

/// The mobility report: questionnaire aggregates, the oral evaluation, all findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDto {
    pub mobility_id: Uuid,
    pub questionnaire: QuestionnaireResults,
    pub oral_evaluations: Vec<OralEvaluation>,
    pub reports_submitted: u32,
    pub findings: Vec<Findings>,
}
