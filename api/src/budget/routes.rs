use super::rates::RateSet;
use super::service::{self, BudgetDto};
use crate::audit::Actor;
use crate::http::{ApiResult, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, put, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_rates)
        .service(put_rates)
        .service(get_budget);
}

/// The Erasmus+ unit-cost rates of a call year (admins, coordinators, the accountant).
///
/// Admins, coordinators and accountants only (403 otherwise). Returns the unit-cost rates
/// stored for the call year: travel distance bands (standard and green), receiving-country
/// groups, individual support per day by group, organisational and inclusion support per
/// participant, as EUR strings or null where unknown. 2024–2026 are seeded with the guide's
/// travel bands and DK 1, LT 3 only; a year without rates is 404 `unit_cost_rates.not_found`.
#[utoipa::path(
    tag = "budget", operation_id = "getUnitCostRates",
    params(("call_year" = i32, Path, minimum = 2014, maximum = 2100, description = "Call year, e.g. 2025")),
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
    _user: crate::http::Gated<super::policy::BudgetReaders>,
    year: web::Path<i32>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::rates(&state.db, *year).await?))
}

/// Set the unit-cost rates of a call year (replaces them). Enter only rates you have from
/// the programme guide or the National Agency; leave the others null.
///
/// Admins, coordinators and accountants only. Replaces the whole rate set of the call year
/// (2014–2100, else 400 `request.invalid_path`) with a `create` or `update` audit entry;
/// budgets use it at once. Enter only rates from the programme guide or the National Agency,
/// others null. Amounts that are not decimal strings with two decimals at most, overlapping or
/// unordered bands, bad country codes or groups outside 1–3 are 422 `validation.failed`.
#[utoipa::path(
    tag = "budget", operation_id = "putUnitCostRates",
    params(("call_year" = i32, Path, minimum = 2014, maximum = 2100, description = "Call year, e.g. 2025")),
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
    user: crate::http::Gated<super::policy::BudgetReaders>,
    year: web::Path<i32>,
    body: crate::http::Json<RateSet>,
) -> ApiResult<HttpResponse> {
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
///
/// Admins, coordinators and accountants only. Per mobility and in total: the unit-cost grant
/// (travel band, individual support × funded days, organisational and inclusion support, times
/// participants) beside actual project and employer spending, with the rates of the project's
/// call year. Counts participants once the selection is final, places before; a missing rate or
/// input is listed in `missing_rates` and its part is null, never zero. Unknown project: 404
/// `project.not_found`.
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
    _user: crate::http::Gated<super::policy::BudgetReaders>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::budget(&state.db, *id).await?))
}
