//! `GET` and `PUT /api/v1/participants/{id}/sustainability`.

use super::service::{self, SustainabilityDto, SustainabilityRequest};
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, put, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_sustainability).service(put_sustainability);
}

/// A participant's sustainability record.
///
/// Whoever sees the participant (the participant, their library, the host, admins,
/// coordinators, accountants; else 404 `participant.not_found`). How they travelled (and
/// whether that counts as green travel: train, bus, car sharing), whether they used local
/// public transport and local food providers, and whether the mobility was planned online.
/// 404 `sustainability.not_found` until it is recorded.
#[utoipa::path(
    tag = "after", operation_id = "getSustainability",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", body = SustainabilityDto),
        (status = 404, description = "Not visible, or nothing recorded yet (`sustainability.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/sustainability")]
async fn get_sustainability(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::get(&state.db, &user, *id).await?))
}

/// Record how the mobility was made sustainable (replaces the record).
///
/// The participant themself, admins and coordinators (others who see the participant get
/// 403, the rest 404). The project's indicators count the participants who travelled green,
/// used local public transport and local food, and planned online. Audited.
#[utoipa::path(
    tag = "after", operation_id = "putSustainability",
    params(("id" = Uuid, Path, description = "Participant id")),
    request_body = SustainabilityRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", body = SustainabilityDto),
        (status = 403, description = "Neither the participant nor a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/participants/{id}/sustainability")]
async fn put_sustainability(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<SustainabilityRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::put(&state.db, &user, *id, body.into_inner()).await?))
}
