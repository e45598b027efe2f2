use super::dto::{CallDto, CallQuery, CreateCallRequest, UpdateCallRequest};
use super::service;
use crate::audit::Actor;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, IfMatch, MaybeAuthUser, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use entity::enums::CallStatus;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_calls)
        .service(create_call)
        .service(get_call)
        .service(update_call)
        .service(publish_call)
        .service(close_call);
}

fn respond(status: StatusCode, d: CallDto) -> HttpResponse {
    json_with_etag(status, etag(d.id, d.updated_at), &d)
}

fn sees_drafts(user: &MaybeAuthUser) -> bool {
    super::policy::sees_drafts(user.0.as_ref())
}

/// List a project's calls. Public for open and closed calls; drafts for admins and coordinators.
///
/// Public for `open` and `closed` calls; drafts appear only when the bearer is an admin or
/// coordinator (a token is optional, but if sent it must be valid). Returns a page of the
/// project's calls with their mobility ids, ordered by `published_from`, filterable by status,
/// `mobility_id` and `updated_since`. An unknown project is 404 `project.not_found`.
#[utoipa::path(
    tag = "calls",
    operation_id = "listCalls",
    params(("id" = Uuid, Path, description = "Project id"), CallQuery, PageParams, UpdatedSince),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of calls, by publication date", body = Page<CallDto>),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/projects/{id}/calls")]
async fn list_calls(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
    q: web::Query<CallQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    let drafts = sees_drafts(&user);
    Ok(HttpResponse::Ok()
        .json(service::list(&state.db, *id, q, drafts, since.into_inner(), page).await?))
}

/// Create a call (as a draft). Admins and coordinators.
///
/// Admins and coordinators only. Creates the call as a `draft` for the given mobilities of this
/// project, with its publication date, inclusive deadline (Europe/Ljubljana), optional
/// selection due date, submission e-mail and info URL, and writes a `create` audit entry. A
/// deadline before `published_from`, a `selection_due` before the deadline or a mobility of
/// another project is 422; a title already used in the project is 409 `call.title_taken`.
#[utoipa::path(
    tag = "calls",
    operation_id = "createCall",
    params(("id" = Uuid, Path, description = "Project id")),
    request_body = CreateCallRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created as a draft", body = CallDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Title already used in the project (`call.title_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; dates out of order; a mobility of another project", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/projects/{id}/calls")]
async fn create_call(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateCallRequest>,
) -> ApiResult<HttpResponse> {
    let d = service::create(&state.db, &Actor::from(&user), *id, body.into_inner()).await?;
    let location = format!("/calls/{}", d.id);
    Ok(crate::http::created(
        respond(StatusCode::CREATED, d),
        location,
    ))
}

/// Get a call. Public unless it is a draft.
///
/// Public unless the call is a draft: drafts are shown only to admins and coordinators and are
/// 404 `call.not_found` to everyone else. Returns the call with its mobility ids, status,
/// publication and closing times and an `ETag` for `If-Match`.
#[utoipa::path(
    tag = "calls",
    operation_id = "getCall",
    params(("id" = Uuid, Path, description = "Call id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The call", body = CallDto, headers(("ETag" = String))),
        (status = 404, description = "No such call, or a draft the caller may not see (`call.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calls/{id}")]
async fn get_call(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(respond(
        StatusCode::OK,
        service::get(&state.db, *id, sees_drafts(&user)).await?,
    ))
}

/// Change a call. Admins and coordinators.
///
/// Admins and coordinators only. Changes only the fields sent and writes an `update` audit
/// entry; dates, including the deadline, stay changeable while the call is open. A closed call
/// is 409 `call.closed`; changing `mobility_ids` once published is 409 `call.not_draft`; dates
/// out of order or a mobility of another project are 422; a title taken is 409
/// `call.title_taken`; a stale `If-Match` is 412.
#[utoipa::path(
    tag = "calls",
    operation_id = "updateCall",
    params(
        ("id" = Uuid, Path, description = "Call id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since"),
    ),
    request_body = UpdateCallRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = CallDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed (`call.closed`), mobilities of a published call (`call.not_draft`), title taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/calls/{id}")]
async fn update_call(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateCallRequest>,
) -> ApiResult<HttpResponse> {
    let d = service::update(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner(),
        |cur| if_match.check(&etag(cur.id, cur.updated_at)),
    )
    .await?;
    Ok(respond(StatusCode::OK, d))
}

/// Publish a draft call: it becomes `open`. Admins and coordinators.
///
/// Admins and coordinators only. Moves a `draft` call to `open`, stamps `published_at` and
/// writes a `publish` audit entry; from then on member libraries can apply, up to the deadline.
/// Only a draft can be published (409 `call.invalid_transition`), and it needs at least one
/// mobility (422 `call.no_mobilities`); an unknown id is 404 `call.not_found`.
#[utoipa::path(
    tag = "calls",
    operation_id = "publishCall",
    params(("id" = Uuid, Path, description = "Call id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Open", body = CallDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`call.invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No mobilities (`call.no_mobilities`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/calls/{id}/publish")]
async fn publish_call(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let d = service::transition(&state.db, &Actor::from(&user), *id, CallStatus::Open).await?;
    Ok(respond(StatusCode::OK, d))
}

/// Close an open call. Admins and coordinators.
///
/// Admins and coordinators only. Moves an `open` call to `closed`, stamps `closed_at` and
/// writes a `close` audit entry; no new applications, submissions or call changes are accepted
/// after that. Only an open call can be closed (409 `call.invalid_transition`); an unknown id
/// is 404 `call.not_found`.
#[utoipa::path(
    tag = "calls",
    operation_id = "closeCall",
    params(("id" = Uuid, Path, description = "Call id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Closed", body = CallDto),
        (status = 403, description = "Not an admin or coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open (`call.invalid_transition`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/calls/{id}/close")]
async fn close_call(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let d = service::transition(&state.db, &Actor::from(&user), *id, CallStatus::Closed).await?;
    Ok(respond(StatusCode::OK, d))
}
