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

mod reports;
mod responses;
mod summary;
pub use reports::*;
pub use responses::*;
pub use summary::*;
