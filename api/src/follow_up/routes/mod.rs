//! The follow-up over HTTP: one file of handlers per capability.

use super::dissemination::{DisseminationDto, DisseminationRequest, UpdateDisseminationRequest};
use super::evaluation::{
    EvaluationDto, QuestionnaireDto, QuestionnaireRequest, QuestionnaireResults, ReportDto,
    ReportRequest, ResponseRequest,
};
use super::exports::{self, IndicatorsDto};
use super::obligations::{DeadlineRule, ObligationsDto, ProgressDto};
use super::practice::{AdoptionDto, CreateAdoptionRequest, UpdateAdoptionRequest};
use super::stories::{
    CreateStoryRequest, MediaDto, PublishRequest, StoryDto, UpdateMediaRequest, UpdateStoryRequest,
};
use super::workshops::{
    CreateWorkshopRequest, UpdateWorkshopRequest, WorkshopDto, WorkshopQuery, WorkshopReport,
};
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::{Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use entity::enums::StoryStatus;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const P: &str = "application/problem+json";

/// 404 `mobility.not_found` unless the mobility exists.
async fn mobility_exists(state: &AppState, id: Uuid) -> ApiResult<()> {
    entity::mobility::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    Ok(())
}
use sea_orm::EntityTrait;

mod dissemination;
mod evaluation;
mod obligations;
mod practice;
mod stories;
mod workshops;

/// Every follow-up route, capability by capability.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    evaluation::configure(cfg);
    dissemination::configure(cfg);
    workshops::configure(cfg);
    stories::configure(cfg);
    practice::configure(cfg);
    obligations::configure(cfg);
}
