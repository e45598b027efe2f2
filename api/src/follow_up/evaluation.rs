//! The satisfaction questionnaire, the participant's report, and the mobility's evaluation.

use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::participants;
use chrono::{DateTime, Utc};
use entity::enums::{MeetingKind, ParticipantStatus, ReportStatus};
use entity::{
    meeting, meeting_attendance, mobility, participant, participant_report, questionnaire,
    questionnaire_response,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
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

pub fn default_questions() -> Vec<Question> {
    let q = |key: &str, text: &str, kind, options: &[&str]| Question {
        key: key.into(),
        text: text.into(),
        kind,
        options: options.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        q(
            "overall",
            "Kako ste na splošno zadovoljni z mobilnostjo?",
            QuestionKind::Scale,
            &[],
        ),
        q(
            "programme",
            "Kako ocenjujete program pri organizaciji gostiteljici?",
            QuestionKind::Scale,
            &[],
        ),
        q(
            "preparation",
            "Kako ocenjujete pripravo na mobilnost (srečanja, gradiva, jezikovna podpora)?",
            QuestionKind::Scale,
            &[],
        ),
        q(
            "goals",
            "V kolikšni meri ste dosegli cilje mobilnosti?",
            QuestionKind::Scale,
            &[],
        ),
        q(
            "recommend",
            "Ali bi mobilnost priporočili sodelavcem?",
            QuestionKind::SingleChoice,
            &["da", "morda", "ne"],
        ),
        q(
            "best",
            "Kaj je bilo za vas najbolj dragoceno?",
            QuestionKind::FreeText,
            &[],
        ),
        q("improve", "Kaj bi izboljšali?", QuestionKind::FreeText, &[]),
    ]
}

pub async fn questions(db: &impl ConnectionTrait, mobility_id: Uuid) -> ApiResult<Vec<Question>> {
    mobility::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    Ok(
        match questionnaire::Entity::find_by_id(mobility_id)
            .one(db)
            .await?
        {
            Some(q) => serde_json::from_value(q.questions).map_err(ApiError::internal)?,
            None => default_questions(),
        },
    )
}

pub async fn set_questions(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    qs: Vec<Question>,
) -> ApiResult<Vec<Question>> {
    if !user.is_staff() {
        return Err(ApiError::forbidden(
            "Only coordinators set the questionnaire.",
        ));
    }
    let txn = begin_write(db).await?;
    mobility::Entity::find_by_id(mobility_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    let participants: Vec<Uuid> = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if questionnaire_response::Entity::find()
        .filter(questionnaire_response::Column::ParticipantId.is_in(participants))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "questionnaire.locked",
            "Responses exist: the questions can no longer change.",
        ));
    }
    questionnaire::Entity::delete_by_id(mobility_id)
        .exec(&txn)
        .await?;
    questionnaire::ActiveModel {
        mobility_id: Set(mobility_id),
        questions: Set(serde_json::to_value(&qs).map_err(ApiError::internal)?),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "questionnaire",
        mobility_id,
        &["questions".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(qs)
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answers": {"overall": 5, "recommend": "da", "best": "Delavnica DTFL."}}))]
pub struct ResponseRequest {
    /// Per question key: 1–5 for scale questions, one of the options, or text.
    pub answers: BTreeMap<String, serde_json::Value>,
}

/// Whether the mobility is over for this participant: they came back, or it has ended.
pub async fn mobility_over(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    p: &participant::Model,
) -> ApiResult<bool> {
    if p.returned_at.is_some() {
        return Ok(true);
    }
    let m = mobility::Entity::find_by_id(p.mobility_id).one(db).await?;
    let today = crate::clock::today(clock);
    Ok(m.and_then(|m| m.end_date).is_some_and(|end| today > end))
}

pub async fn respond(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: ResponseRequest,
) -> ApiResult<questionnaire_response::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !participants::access::is_self(user, &p) {
        return Err(ApiError::forbidden(
            "Only the participant answers their questionnaire.",
        ));
    }
    if p.status == ParticipantStatus::Withdrawn || !mobility_over(&txn, clock, &p).await? {
        return Err(ApiError::conflict(
            "questionnaire.not_open",
            "The questionnaire opens when the mobility has ended.",
        ));
    }
    if questionnaire_response::Entity::find_by_id(p.id)
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "questionnaire.already_answered",
            "There is one response per participant, and it is in.",
        ));
    }
    let qs = questions(&txn, p.mobility_id).await?;
    let mut errors = Vec::new();
    for q in &qs {
        let field = format!("answers.{}", q.key);
        match (q.kind, r.answers.get(&q.key)) {
            (_, None) => errors.push(FieldError::new(field, "required", "is required")),
            (QuestionKind::Scale, Some(v)) if !v.as_i64().is_some_and(|n| (1..=5).contains(&n)) => {
                errors.push(FieldError::new(
                    field,
                    "range",
                    "a whole number from 1 to 5",
                ))
            }
            (QuestionKind::SingleChoice, Some(v))
                if !v.as_str().is_some_and(|s| q.options.iter().any(|o| o == s)) =>
            {
                errors.push(FieldError::new(
                    field,
                    "choice",
                    format!("one of: {}", q.options.join(", ")),
                ))
            }
            (QuestionKind::FreeText, Some(v)) if !v.is_string() => {
                errors.push(FieldError::new(field, "text", "a text"))
            }
            _ => {}
        }
    }
    for k in r.answers.keys() {
        if !qs.iter().any(|q| &q.key == k) {
            errors.push(FieldError::new(
                format!("answers.{k}"),
                "unknown",
                "not a question of this questionnaire",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let m = questionnaire_response::ActiveModel {
        participant_id: Set(p.id),
        answers: Set(serde_json::to_value(&r.answers).map_err(ApiError::internal)?),
        submitted_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "questionnaire_response",
        p.id,
        &[],
    )
    .await?;
    participants::lifecycle::refresh_completion(&txn, clock, p.id).await?;
    txn.commit().await?;
    Ok(m)
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

pub async fn results(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
) -> ApiResult<QuestionnaireResults> {
    let qs = questions(db, mobility_id).await?;
    let ps: Vec<participant::Model> = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .order_by_asc(participant::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = ps.iter().map(|p| p.id).collect();
    let mut responses = questionnaire_response::Entity::find()
        .filter(questionnaire_response::Column::ParticipantId.is_in(ids))
        .all(db)
        .await?;
    // Free texts are shown without any order that would point to a person.
    responses.sort_by_key(|r| r.answers.to_string());
    let answers: Vec<BTreeMap<String, serde_json::Value>> = responses
        .iter()
        .map(|r| serde_json::from_value(r.answers.clone()).unwrap_or_default())
        .collect();
    let questions = qs
        .iter()
        .map(|q| {
            let values: Vec<&serde_json::Value> =
                answers.iter().filter_map(|a| a.get(&q.key)).collect();
            let mut distribution = BTreeMap::new();
            let mut texts = Vec::new();
            let mut mean = None;
            match q.kind {
                QuestionKind::Scale => {
                    let nums: Vec<i64> = values.iter().filter_map(|v| v.as_i64()).collect();
                    for n in &nums {
                        *distribution.entry(n.to_string()).or_insert(0) += 1;
                    }
                    if !nums.is_empty() {
                        mean = Some(
                            (nums.iter().sum::<i64>() as f64 / nums.len() as f64 * 100.0).round()
                                / 100.0,
                        );
                    }
                }
                QuestionKind::SingleChoice => {
                    for v in values.iter().filter_map(|v| v.as_str()) {
                        *distribution.entry(v.to_string()).or_insert(0) += 1;
                    }
                }
                QuestionKind::FreeText => {
                    texts = values
                        .iter()
                        .filter_map(|v| v.as_str())
                        .map(str::to_string)
                        .filter(|t| !t.trim().is_empty())
                        .collect()
                }
            }
            QuestionResult {
                key: q.key.clone(),
                text: q.text.clone(),
                kind: q.kind,
                responses: values.len() as u32,
                mean,
                distribution,
                texts,
            }
        })
        .collect();
    let completion = ps
        .iter()
        .map(|p| Completion {
            participant_id: p.id,
            answered: responses.iter().any(|r| r.participant_id == p.id),
        })
        .collect();
    Ok(QuestionnaireResults {
        mobility_id,
        participants: ps.len() as u32,
        responses: responses.len() as u32,
        questions,
        completion,
    })
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

pub async fn report(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant_report::Model> {
    let p = participants::access::visible(db, user, participant_id).await?;
    if !(user.is_staff() || participants::access::is_self(user, &p)) {
        return Err(ApiError::not_found("report"));
    }
    participant_report::Entity::find_by_id(participant_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))
}

pub async fn put_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: ReportRequest,
) -> ApiResult<participant_report::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !participants::access::is_self(user, &p) {
        return Err(ApiError::forbidden("The participant writes their report."));
    }
    if !mobility_over(&txn, clock, &p).await? {
        return Err(ApiError::conflict(
            "report.not_open",
            "The report is written after the mobility.",
        ));
    }
    let existing = participant_report::Entity::find_by_id(p.id)
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|e| e.status == ReportStatus::Submitted)
    {
        return Err(ApiError::conflict(
            "report.submitted",
            "The report is submitted and can no longer change.",
        ));
    }
    participant_report::Entity::delete_by_id(p.id)
        .exec(&txn)
        .await?;
    let m = participant_report::ActiveModel {
        participant_id: Set(p.id),
        goals_achieved: Set(r.goals_achieved),
        results: Set(r.results),
        impacts: Set(r.impacts),
        new_ideas: Set(r.new_ideas),
        transfer_possibilities: Set(r.transfer_possibilities),
        report: Set(r.report),
        status: Set(ReportStatus::Draft),
        submitted_at: Set(None),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        if existing.is_some() {
            "update"
        } else {
            "create"
        },
        "participant_report",
        p.id,
        &["findings".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn submit_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant_report::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !participants::access::is_self(user, &p) {
        return Err(ApiError::forbidden("The participant submits their report."));
    }
    let r = participant_report::Entity::find_by_id(p.id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))?;
    if r.status == ReportStatus::Submitted {
        return Err(ApiError::conflict(
            "report.submitted",
            "The report is already submitted.",
        ));
    }
    let mut am: participant_report::ActiveModel = r.into();
    am.status = Set(ReportStatus::Submitted);
    am.submitted_at = Set(Some(clock.now()));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "submit",
        "participant_report",
        p.id,
        &["status".into()],
    )
    .await?;
    participants::lifecycle::refresh_completion(&txn, clock, p.id).await?;
    txn.commit().await?;
    Ok(m)
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

pub async fn evaluation(db: &DatabaseConnection, mobility_id: Uuid) -> ApiResult<EvaluationDto> {
    let questionnaire = results(db, mobility_id).await?;
    let ids: Vec<Uuid> = questionnaire
        .completion
        .iter()
        .map(|c| c.participant_id)
        .collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::MobilityId.eq(mobility_id))
        .filter(meeting::Column::Kind.eq(MeetingKind::Evaluation))
        .order_by_asc(meeting::Column::StartsAt)
        .all(db)
        .await?;
    let mut oral = Vec::new();
    for m in meetings {
        let attended = meeting_attendance::Entity::find()
            .filter(meeting_attendance::Column::MeetingId.eq(m.id))
            .filter(meeting_attendance::Column::Attended.eq(true))
            .all(db)
            .await?
            .len() as u32;
        oral.push(OralEvaluation {
            meeting_id: m.id,
            starts_at: m.starts_at,
            attended,
        });
    }
    let reports = participant_report::Entity::find()
        .filter(participant_report::Column::ParticipantId.is_in(ids))
        .order_by_asc(participant_report::Column::ParticipantId)
        .all(db)
        .await?;
    let reports_submitted = reports
        .iter()
        .filter(|r| r.status == ReportStatus::Submitted)
        .count() as u32;
    let findings = reports
        .into_iter()
        .map(|r| Findings {
            participant_id: r.participant_id,
            status: r.status,
            goals_achieved: r.goals_achieved,
            results: r.results,
            impacts: r.impacts,
            new_ideas: r.new_ideas,
            transfer_possibilities: r.transfer_possibilities,
        })
        .collect();
    Ok(EvaluationDto {
        mobility_id,
        questionnaire,
        oral_evaluations: oral,
        reports_submitted,
        findings,
    })
}
