//! Adoption of new practice over HTTP.

use super::dto::{AdoptionDto, CreateAdoptionRequest, UpdateAdoptionRequest};
use super::service;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const P: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AdoptionQuery {
    mobility_id: Option<Uuid>,
    /// Sort by `status`, `adopted_on`, `created_at`, `updated_at`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(status|adopted_on|created_at|updated_at)$",
        example = "-updated_at"
    )]
    sort: Option<String>,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_adoptions)
        .service(create_adoption)
        .service(get_adoption)
        .service(update_adoption);
}

/// New practice in the libraries, as far as the caller may see it.
///
/// Admins, coordinators and accountants see all; `library` and `participant` users those of
/// their own library; committee and host users get an empty page. Returns each library's new
/// practice per mobility (method `dtfl` or `good_practice`, description, plan steps with due
/// dates, status `planned`, `piloted`, `adopted`, adoption date and first regular activity),
/// filterable by `mobility_id` and `updated_since`, sortable.
#[utoipa::path(tag = "after", operation_id = "listPracticeAdoptions", params(AdoptionQuery, PageParams, UpdatedSince), security(("bearer" = [])), responses((status = 200, description = "Adoptions", body = Page<AdoptionDto>)))]
#[get("/practice-adoptions")]
async fn list_adoptions(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<AdoptionQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut fetched = service::list(
        &state.db,
        &user,
        q.mobility_id,
        q.sort.as_deref(),
        since.into_inner(),
        page,
    )
    .await?;
    let items = fetched.take_items();
    Ok(HttpResponse::Ok()
        .json(fetched.with_items(items.into_iter().map(AdoptionDto::from).collect())))
}

/// Record the library's new practice and its plan (one per library per mobility).
///
/// A `library` user for its own library; admins and coordinators name `library_id`; other roles
/// get 403. Records the practice as `planned` with method, description and plan, writes an
/// audit entry and re-checks the library's participants' obligations (practice plan met). Blank
/// description 422; no active participant of the library in the mobility 422
/// `practice.library_not_participating`; a second one per library and mobility 409
/// `practice.duplicate`.
#[utoipa::path(tag = "after", operation_id = "createPracticeAdoption", request_body = CreateAdoptionRequest, security(("bearer" = [])),
    responses((status = 201, description = "Planned", body = AdoptionDto), (status = 403, description = "Not a library or coordinator", body = Problem, content_type = P), (status = 409, description = "`practice.duplicate`", body = Problem, content_type = P), (status = 422, description = "`practice.library_not_participating`, invalid fields", body = Problem, content_type = P)))]
#[post("/practice-adoptions")]
async fn create_adoption(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<CreateAdoptionRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::create(&state.db, state.clock.as_ref(), &user, body.into_inner()).await?;
    let location = format!("/practice-adoptions/{}", m.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            etag(m.id, m.updated_at),
            &AdoptionDto::from(m),
        ),
        location,
    ))
}

/// Get a practice adoption.
///
/// Admins, coordinators and accountants; users of the library and participant users belonging
/// to it; others get 404 `practice_adoption.not_found`. Returns the practice adoption with
/// method, description, plan, status, adoption date, first regular activity and an `ETag`.
#[utoipa::path(tag = "after", operation_id = "getPracticeAdoption", params(("id" = Uuid, Path, description = "Adoption id")), security(("bearer" = [])),
    responses((status = 200, description = "The adoption", body = AdoptionDto), (status = 404, description = "Not visible (`practice_adoption.not_found`)", body = Problem, content_type = P)))]
#[get("/practice-adoptions/{id}")]
async fn get_adoption(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = service::visible(&state.db, &user, *id).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &AdoptionDto::from(m),
    ))
}

/// Move a practice forward: planned -> piloted -> adopted (with `adopted_on` and the first
/// regular activity).
///
/// The library's `library` users, coordinators and admins (participant and accountant viewers
/// get 403, others 404). Changes description or plan and moves the status forward only
/// (`planned` → `piloted` → `adopted`, skipping allowed); audited, and obligations are
/// re-checked. Going back is 409 `practice.invalid_transition`; `adopted` needs `adopted_on`
/// (not in the future) and `first_regular_activity` (422); stale `If-Match` 412.
#[utoipa::path(tag = "after", operation_id = "updatePracticeAdoption", params(("id" = Uuid, Path, description = "Adoption id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), request_body = UpdateAdoptionRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = AdoptionDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Backwards (`practice.invalid_transition`)", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P), (status = 422, description = "`adopted` without its date or first activity", body = Problem, content_type = P)))]
#[patch("/practice-adoptions/{id}")]
async fn update_adoption(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateAdoptionRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::update(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
        |m| if_match.check(&etag(m.id, m.updated_at)),
    )
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &AdoptionDto::from(m),
    ))
}
