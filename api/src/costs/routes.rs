use super::dto::{CostDto, CreateCostRequest, UpdateCostRequest};
use super::service;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::{Page, PageParams, Sort, UpdatedSince};
use crate::http::{ApiResult, AuthUser, IfMatch, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_costs)
        .service(create_cost)
        .service(get_cost)
        .service(update_cost)
        .service(delete_cost);
}

/// A participant's costs (the accountant, coordinators; the participant and their library read).
///
/// Admins, coordinators and accountants for any participant; the participant themself and their
/// library's users read their own; host users who can see the participant get 403, and callers
/// who cannot see it 404 `participant.not_found`. Returns the participant's costs (kind, amount
/// as exact decimal string and cents, currency, who pays, reimbursable, paid date), oldest
/// first or sorted by `paid_on`/`amount`/`created_at`, filterable by `updated_since`.
#[utoipa::path(
    tag = "costs", operation_id = "listCosts",
    params(("id" = Uuid, Path, description = "Participant id"), CostQuery, PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Costs, oldest first", body = Page<CostDto>),
        (status = 403, description = "A role that does not see costs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such participant, or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/costs")]
async fn list_costs(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<CostQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut items: Vec<CostDto> = service::list(&state.db, &user, *id)
        .await?
        .into_iter()
        .map(CostDto::from)
        .filter(|c| since.updated_since.is_none_or(|s| c.updated_at >= s))
        .collect();
    Sort::sort_items(
        &mut items,
        q.sort.as_deref(),
        &[
            ("paid_on", |a, b| a.paid_on.cmp(&b.paid_on)),
            ("amount", |a, b| a.amount_cents.cmp(&b.amount_cents)),
            ("created_at", |a, b| a.created_at.cmp(&b.created_at)),
        ],
    )?;
    Ok(HttpResponse::Ok().json(page.page_of(items, |c| c.id)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CostQuery {
    /// Sort by `paid_on`, `amount`, `created_at`; `-` first for descending (default `created_at`).
    #[param(pattern = "^-?(paid_on|amount|created_at)$", example = "-amount")]
    sort: Option<String>,
}

/// Record a cost (the accountant, coordinators).
///
/// The project pays return flights, accommodation and insurance directly; the employer pays
/// daily allowances, airport transfers and local transport, never reimbursed (422 if marked so).
///
/// Admins, coordinators and accountants only (other viewers get 403, the rest 404). Records a
/// cost (flight, accommodation, insurance, daily allowance, airport transfer, local transport,
/// other) paid by `project` or `employer`, in EUR unless another ISO 4217 code is given, with
/// an audit entry. The amount must be a non-negative decimal string with at most two decimals,
/// and an employer cost cannot be `reimbursable` (422 `validation.failed`).
#[utoipa::path(
    tag = "costs", operation_id = "createCost",
    params(("id" = Uuid, Path, description = "Participant id")),
    request_body = CreateCostRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = CostDto),
        (status = 403, description = "Not the accountant or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such participant", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid amount or currency; an employer cost marked reimbursable (`employer_not_reimbursable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/participants/{id}/costs")]
async fn create_cost(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateCostRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::create(&state.db, &user, *id, body.into_inner()).await?;
    let location = format!("/costs/{}", m.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            etag(m.id, m.updated_at),
            &CostDto::from(m),
        ),
        location,
    ))
}

/// Get a cost.
///
/// Admins, coordinators and accountants; the participant and their library's users for the
/// participant's own costs. Hosts, committee users and anyone who cannot see the participant
/// get 404 `cost.not_found`. Returns the cost with an `ETag` for `If-Match`.
#[utoipa::path(
    tag = "costs", operation_id = "getCost",
    params(("id" = Uuid, Path, description = "Cost id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cost", body = CostDto, headers(("ETag" = String))),
        (status = 404, description = "No such cost, or not visible (`cost.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/costs/{id}")]
async fn get_cost(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = service::visible(&state.db, &user, *id).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &CostDto::from(m),
    ))
}

/// Change a cost (the accountant, coordinators).
///
/// Admins, coordinators and accountants only (the participant and library get 403, others 404
/// `cost.not_found`). Changes only the fields sent (send null to clear description or paid
/// date) and writes an audit entry listing the changed fields. The same rules as on creation
/// apply to the result: a valid amount and currency, and no reimbursable employer cost (422); a
/// stale `If-Match` is 412.
#[utoipa::path(
    tag = "costs", operation_id = "updateCost",
    params(("id" = Uuid, Path, description = "Cost id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateCostRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = CostDto),
        (status = 403, description = "Not the accountant or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/costs/{id}")]
async fn update_cost(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateCostRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::update(&state.db, &user, *id, body.into_inner(), |c| {
        if_match.check(&etag(c.id, c.updated_at))
    })
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &CostDto::from(m),
    ))
}

/// Delete a cost (the accountant, coordinators).
///
/// Admins, coordinators and accountants only (the participant and library get 403, others 404
/// `cost.not_found`). Deletes the cost for good and writes a `delete` audit entry; the project
/// budget's actual figures change accordingly. A stale `If-Match` is 412
/// `request.precondition_failed`.
#[utoipa::path(
    tag = "costs", operation_id = "deleteCost",
    params(("id" = Uuid, Path, description = "Cost id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the accountant or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/costs/{id}")]
async fn delete_cost(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &user, *id, |c| {
        if_match.check(&etag(c.id, c.updated_at))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
