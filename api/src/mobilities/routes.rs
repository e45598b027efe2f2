use super::dto::{CreateMobilityRequest, MobilityDto, MobilityQuery, UpdateMobilityRequest};
use super::service;
use crate::audit::Actor;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_mobilities)
        .service(create_mobility)
        .service(get_mobility)
        .service(update_mobility);
}

fn respond(status: StatusCode, d: MobilityDto) -> HttpResponse {
    json_with_etag(status, etag(d.id, d.updated_at), &d)
}

/// List a project's mobilities. Public.
///
/// Public: no token needed. Returns a page of the project's mobilities ordered by code, with
/// host, visited organisations, dates, places, reserve places, follow-up track, goals and
/// programme, filterable by status and `updated_since`. An unknown project is 404
/// `project.not_found`.
#[utoipa::path(
    tag = "mobilities",
    operation_id = "listMobilities",
    params(("id" = Uuid, Path, description = "Project id"), MobilityQuery, PageParams, UpdatedSince),
    responses(
        (status = 200, description = "A page of mobilities, by code", body = Page<MobilityDto>),
        (status = 404, description = "No such project (`project.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/mobilities")]
async fn list_mobilities(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    q: web::Query<MobilityQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    let today = crate::clock::today(state.clock.as_ref());
    Ok(HttpResponse::Ok()
        .json(service::list(&state.db, *id, q, since.into_inner(), page, today).await?))
}

/// Add a mobility to a project. Admins and coordinators.
///
/// Admins and coordinators only. Adds a mobility to the project with its host, visited
/// organisations, planned window and dates, places (reserve places default to 3) and follow-up
/// track; the status defaults to `planned` and a `create` audit entry is written. The host must
/// be an organisation of kind host or partner, visited organisations must exist once each,
/// dates must be in order, dates outside the window need `outside_window_reason`, and `status`
/// is `planned`, `confirmed` or `cancelled` (422); a code used in the project is 409
/// `mobility.code_taken`. The status read back follows the dates (see the mobility).
#[utoipa::path(
    tag = "mobilities",
    operation_id = "createMobility",
    params(("id" = Uuid, Path, description = "Project id")),
    request_body = CreateMobilityRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = MobilityDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used in the project (`mobility.code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; host not a host or partner; dates out of order", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/mobilities")]
async fn create_mobility(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateMobilityRequest>,
) -> ApiResult<HttpResponse> {
    let today = crate::clock::today(state.clock.as_ref());
    let d = service::create(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner(),
        today,
    )
    .await?;
    let location = format!("/mobilities/{}", d.id);
    Ok(crate::http::created(
        respond(StatusCode::CREATED, d),
        location,
    ))
}

/// Get a mobility. Public.
///
/// Public: no token needed. Returns one mobility with host, visited organisations, dates,
/// places, reserve places, follow-up track, goals and programme, and an `ETag` for `If-Match`.
/// An unknown id is 404 `mobility.not_found`.
#[utoipa::path(
    tag = "mobilities",
    operation_id = "getMobility",
    params(("id" = Uuid, Path, description = "Mobility id")),
    responses(
        (status = 200, description = "The mobility", body = MobilityDto, headers(("ETag" = String))),
        (status = 404, description = "No such mobility (`mobility.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}")]
async fn get_mobility(state: web::Data<AppState>, id: web::Path<Uuid>) -> ApiResult<HttpResponse> {
    let today = crate::clock::today(state.clock.as_ref());
    Ok(respond(
        StatusCode::OK,
        service::get(&state.db, *id, today).await?,
    ))
}

/// Change a mobility. Admins and coordinators.
///
/// Admins and coordinators only. Changes the fields sent; `visited_organisations` replaces the
/// list; an audit entry lists changes. Dates, places and status stay changeable after
/// selection or departure. `status` takes `planned`, `confirmed` or `cancelled` (also back from
/// `cancelled`); `in_progress` and `completed` follow from the dates (422 `follows_dates`).
/// Dates outside the announced window (`window_start`–`window_end`) need
/// `outside_window_reason`, which confirms them and is kept (422 `outside_window` on the date
/// without it; `not_outside` with a reason for dates within the window). Changed dates raise a
/// `mobility.rescheduled` event. Refused: a host that is not a host or partner, an unknown
/// visited organisation or dates out of order (422), a code used (409 `mobility.code_taken`),
/// stale `If-Match` (412).
#[utoipa::path(
    tag = "mobilities",
    operation_id = "updateMobility",
    params(
        ("id" = Uuid, Path, description = "Mobility id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since"),
    ),
    request_body = UpdateMobilityRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = MobilityDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Code already used", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/mobilities/{id}")]
async fn update_mobility(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateMobilityRequest>,
) -> ApiResult<HttpResponse> {
    let d = service::update(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner(),
        |cur| if_match.check(&etag(cur.id, cur.updated_at)),
        crate::clock::today(state.clock.as_ref()),
    )
    .await?;
    Ok(respond(StatusCode::OK, d))
}
