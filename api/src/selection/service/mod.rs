//! Selection: the rules and the database work.

use super::dto::*;
use super::policy;
use super::ranking::{self, Candidate, Criterion, Rules};
use crate::applications::history::record_status;
use crate::applications::service::after_deadline;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::notifications::outcome::{Outcome, notify_outcome};
use crate::participants::lifecycle;
use chrono::Utc;
use chrono_tz::Tz;
use entity::enums::{ApplicationStatus, CallStatus, Role, TeamFunction};
use entity::{
    application, application_score, call, call_committee_member, call_mobility,
    conflict_of_interest, mobility, mobility_selection, project_team_member, selection_criterion,
    selection_settings, user,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// The criteria a call starts with until a coordinator sets its own.
pub fn default_criteria() -> Vec<CriterionDto> {
    let c = |key: &str, title: &str, max_points, weight| CriterionDto {
        key: key.into(),
        title: title.into(),
        max_points,
        weight,
    };
    vec![
        c(
            "motivation",
            "Motivation and fit with the mobility's goals",
            10,
            3,
        ),
        c(
            "relevance",
            "Relevance of the applicant's work in adult education",
            10,
            2,
        ),
        c("transfer", "Plan to use and pass on what is learned", 10, 3),
        c("language", "Language skills for the programme", 5, 1),
    ]
}

pub fn default_settings() -> SelectionSettingsDto {
    SelectionSettingsDto {
        quorum: None,
        fewer_opportunities_bonus: 0,
        fewer_opportunities_first_in_ties: true,
    }
}

async fn get_call(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<call::Model> {
    call::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))
}

async fn project_tz(db: &impl ConnectionTrait, project_id: Uuid) -> ApiResult<Tz> {
    crate::projects::service::timezone(db, project_id).await
}

/// Whether any score exists for the call's applications: criteria and settings are then fixed.
async fn scoring_started(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<bool> {
    let ids: Vec<Uuid> = application::Entity::find()
        .filter(application::Column::CallId.eq(call_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    Ok(application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.is_in(ids))
        .count(db)
        .await?
        > 0)
}

fn criteria_locked() -> ApiError {
    ApiError::conflict(
        "selection.criteria_locked",
        "Scoring has started: the criteria and settings can no longer change.",
    )
}

async fn any_final(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<bool> {
    Ok(mobility_selection::Entity::find()
        .filter(mobility_selection::Column::CallId.eq(call_id))
        .count(db)
        .await?
        > 0)
}

mod committee;
mod compute;
mod criteria;
mod decision;
mod record;
mod scoring;
pub use committee::*;
pub use compute::*;
pub use criteria::*;
pub use decision::*;
pub use record::*;
pub use scoring::*;
