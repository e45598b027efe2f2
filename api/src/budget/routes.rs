use super::rates::RateSet;
use super::service::{self, BudgetDto};
use crate::audit::Actor;
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, put, web};
use entity::enums::Role;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_rates)
        .service(put_rates)
        .service(get_budget);
}

const BUDGET_ROLES: &[Role] = &[Role::Coordinator, Role::Accountant];

/// The Erasmus+ unit-cost rates of a call year (admins, coordinators, the accountant).
#[utoipa::path(
    tag = "budget", operation_id = "getUnitCostRates",
    params(("call_year" = i32, Path, description = "Call year, e.g. 2025")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rates", body = RateSet),
        (status = 403, description = "Not an admin, coordinator or accountant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No rates for this year (`unit_cost_rates.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/unit-cost-rates/{call_year}")]
async fn get_rates(
    state: web::Data<AppState>,
    user: AuthUser,
    year: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    user.require(BUDGET_ROLES)?;
    Ok(HttpResponse::Ok().json(service::rates(&state.db, *year).await?))
}

/// Set the unit-cost rates of a call year (replaces them). Enter only rates you have from
/// the programme guide or the National Agency; leave the others null.
#[utoipa::path(
    tag = "budget", operation_id = "putUnitCostRates",
    params(("call_year" = i32, Path, description = "Call year, e.g. 2025")),
    request_body = RateSet,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rates", body = RateSet),
        (status = 403, description = "Not an admin, coordinator or accountant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad amounts, overlapping bands, unknown groups", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/unit-cost-rates/{call_year}")]
async fn put_rates(
    state: web::Data<AppState>,
    user: AuthUser,
    year: web::Path<i32>,
    body: crate::http::Json<RateSet>,
) -> ApiResult<HttpResponse> {
    user.require(BUDGET_ROLES)?;
    Ok(HttpResponse::Ok()
        .json(service::put_rates(&state.db, &Actor::from(&user), *year, body.into_inner()).await?))
}

/// The project's unit-cost grant per mobility beside its real spending.
///
/// Travel = band(distance, green or not) × participants; individual support = daily rate of
/// the receiving country's group × (programme days + funded travel days, at most 2, or 6 with
/// green travel) × participants; organisational support × participants; inclusion support ×
/// participants with fewer opportunities. A rate or input that is missing is listed in
/// `missing_rates` and its component is null, never zero.
#[utoipa::path(
    tag = "budget", operation_id = "getBudget",
    params(("id" = Uuid, Path, description = "Project id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The budget", body = BudgetDto),
        (status = 403, description = "Not an admin, coordinator or accountant", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/budget")]
async fn get_budget(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require(BUDGET_ROLES)?;
    Ok(HttpResponse::Ok().json(service::budget(&state.db, *id).await?))
}
