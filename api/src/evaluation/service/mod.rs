//! The evaluation's database work: the questionnaire (here), the answers and their aggregates
//! (`responses`), the participant's report (`reports`), and the mobility's evaluation
//! (`summary`). Who may do what is asked of `super::policy`.

use super::dto::{
    Completion, EvaluationDto, Findings, OralEvaluation, Question, QuestionKind, QuestionResult,
    QuestionnaireResults, ReportRequest, ResponseRequest,
};
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::participants;
use chrono::Utc;
use entity::enums::{MeetingKind, ParticipantStatus, ReportStatus};
use entity::{
    meeting, meeting_attendance, mobility, participant, participant_report, questionnaire,
    questionnaire_response,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;
use uuid::Uuid;

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

/// The questionnaire of a mobility the caller sees ([`policy::sees_questionnaire`]).
pub async fn visible_questions(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
) -> ApiResult<Vec<Question>> {
    let m = crate::mobilities::service::get_model(db, mobility_id).await?;
    policy::sees_questionnaire(db, user, &m).await?;
    questions(db, mobility_id).await
}

pub async fn set_questions(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    qs: Vec<Question>,
) -> ApiResult<Vec<Question>> {
    policy::may_set_questionnaire(user)?;
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
