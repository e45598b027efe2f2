use super::service::{self, CostDto, CreateCostRequest, UpdateCostRequest};
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
