//! Local workshops for older adults over HTTP.

use super::dto::{
    CreateWorkshopRequest, UpdateWorkshopRequest, WorkshopDto, WorkshopQuery, WorkshopReport,
};
use super::service;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use uuid::Uuid;

const P: &str = "application/problem+json";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_workshops)
        .service(create_workshop)
        .service(get_workshop)
        .service(update_workshop)
        .service(put_workshop_report)
        .service(put_plan_document)
        .service(get_plan_document);
}

/// Local workshops, as far as the caller may see them.
///
/// Admins, coordinators and accountants see all workshops; `library` and `participant` users
/// those of their own organisation; committee and host users get 403. Returns a page of
/// workshops with status (`planned`, `held`, `reported`), dates, facilitators, anonymous
/// attendee figures and report, filterable by mobility, library, status and `updated_since`,
/// oldest first unless `sort` says otherwise.
#[utoipa::path(tag = "after", operation_id = "listWorkshops", params(WorkshopQuery, PageParams, UpdatedSince), security(("bearer" = [])),
    responses((status = 200, description = "Workshops", body = Page<WorkshopDto>), (status = 403, description = "Hosts see none", body = Problem, content_type = P)))]
#[get("/workshops")]
async fn list_workshops(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<WorkshopQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    Ok(
        HttpResponse::Ok()
            .json(service::list(&state.db, &user, q, since.into_inner(), page).await?),
    )
}

/// Plan the library's workshop for a mobility (one per library per mobility; its kind
/// follows the mobility's track).
///
/// A `library` user for its own library; admins and coordinators name `library_id`; other roles
/// get 403. Creates it `planned`, its kind from the mobility's track (`dtfl_needs` or
/// `cultural_heritage`), audited. Refused: library without an active participant in the
/// mobility (422 `workshop.library_not_participating`), facilitators not its active
/// participants there or unknown mobility (422), a second one per library and mobility (409
/// `workshop.duplicate`).
#[utoipa::path(tag = "after", operation_id = "createWorkshop", request_body = CreateWorkshopRequest, security(("bearer" = [])),
    responses((status = 201, description = "Planned", body = WorkshopDto), (status = 403, description = "Not a library or coordinator", body = Problem, content_type = P), (status = 409, description = "The library already has one (`workshop.duplicate`)", body = Problem, content_type = P), (status = 422, description = "`workshop.library_not_participating`, facilitators who are not its participants", body = Problem, content_type = P)))]
#[post("/workshops")]
async fn create_workshop(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<CreateWorkshopRequest>,
) -> ApiResult<HttpResponse> {
    let w = service::create(&state.db, &user, body.into_inner()).await?;
    let location = format!("/workshops/{}", w.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            etag(w.id, w.updated_at),
            &WorkshopDto::from(w),
        ),
        location,
    ))
}

/// Get a workshop.
///
/// Admins, coordinators and accountants; users of the workshop's library and participant users
/// belonging to that library; committee, host and other users get 404 `workshop.not_found`.
/// Returns the workshop with its kind, status, planned content and document hash, dates,
/// facilitators, attendee count and anonymous profile, report and an `ETag`.
#[utoipa::path(tag = "after", operation_id = "getWorkshop", params(("id" = Uuid, Path, description = "Workshop id")), security(("bearer" = [])),
    responses((status = 200, description = "The workshop", body = WorkshopDto), (status = 404, description = "Not visible (`workshop.not_found`)", body = Problem, content_type = P)))]
#[get("/workshops/{id}")]
async fn get_workshop(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let w = service::visible(&state.db, &user, *id).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(w.id, w.updated_at),
        &WorkshopDto::from(w),
    ))
}

/// Change a workshop. With `held_on` (not in the future) and `attendees_count` it is `held`.
/// Attendees are anonymous figures only.
///
/// The library's `library` users, coordinators and admins (participant viewers get 403, others
/// 404). Changes title, plan, facilitators, `held_on`, attendee count and anonymous profile;
/// with `held_on` and a count a `planned` workshop becomes `held`; audited, and the library's
/// participants' obligations are re-checked. Refused (422): future `held_on`, `held_on` without
/// a count, a count outside 0–10,000, profile figures above the count; stale `If-Match` 412.
#[utoipa::path(tag = "after", operation_id = "updateWorkshop", params(("id" = Uuid, Path, description = "Workshop id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), request_body = UpdateWorkshopRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = WorkshopDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P), (status = 422, description = "A future date, no count, figures above the count", body = Problem, content_type = P)))]
#[patch("/workshops/{id}")]
async fn update_workshop(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateWorkshopRequest>,
) -> ApiResult<HttpResponse> {
    let w = service::update(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
        |w| if_match.check(&etag(w.id, w.updated_at)),
    )
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(w.id, w.updated_at),
        &WorkshopDto::from(w),
    ))
}

/// Report a held workshop: the learning needs found (DTFL), or the topics and materials
/// collected (heritage).
///
/// The library's `library` users, coordinators and admins (participant viewers get 403, others
/// 404). Stores or replaces the report and sets `reported`: a DTFL workshop needs at least one
/// learning need raised by 1 up to the attendee count, a heritage one at least one topic (422).
/// A workshop still `planned` is 409 `workshop.not_held`. Audited; the library's participants'
/// obligations are re-checked.
#[utoipa::path(tag = "after", operation_id = "putWorkshopReport", params(("id" = Uuid, Path, description = "Workshop id")), request_body = WorkshopReport, security(("bearer" = [])),
    responses((status = 200, description = "Reported", body = WorkshopDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Not held yet (`workshop.not_held`)", body = Problem, content_type = P), (status = 422, description = "No learning needs (DTFL) or topics (heritage)", body = Problem, content_type = P)))]
#[put("/workshops/{id}/report")]
async fn put_workshop_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<WorkshopReport>,
) -> ApiResult<HttpResponse> {
    let w = service::put_report(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}

/// Upload the workshop's planned content as a PDF (a part named `file`).
///
/// The library's `library` users, coordinators and admins (participant viewers get 403, others
/// 404 `workshop.not_found`). Stores the PDF (part `file`) as the planned-content document,
/// replacing any earlier one, sets `planned_content_document_sha256` and writes an audit entry,
/// in any status. Not a PDF by content: 415 `document.not_pdf`; over the limit 413
/// `document.too_large`; no part 422 `document.file_missing`.
#[utoipa::path(tag = "after", operation_id = "putWorkshopPlanDocument", params(("id" = Uuid, Path, description = "Workshop id")), request_body(content = crate::http::upload::FileUpload, content_type = "multipart/form-data", description = "A part named `file` with the PDF"), security(("bearer" = [])),
    responses((status = 200, description = "Attached", body = WorkshopDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 413, description = "Too large", body = Problem, content_type = P), (status = 415, description = "Not a PDF (`document.not_pdf`)", body = Problem, content_type = P), (status = 422, description = "No part named `file`; a PDF that needs too much work to read (`document.too_complex`)", body = Problem, content_type = P), (status = 503, description = "Busy with other heavy requests (`service.busy`), with `Retry-After`", body = Problem, content_type = P)))]
#[put("/workshops/{id}/planned-content")]
async fn put_plan_document(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::visible(&state.db, &user, *id).await?;
    let (_, bytes) =
        crate::http::upload::read_file(&req, payload, state.settings.upload_max_bytes).await?;
    let w = service::put_plan_document(&state.db, state.blobs.as_ref(), &user, *id, bytes).await?;
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}

/// Download the workshop's planned content document.
///
/// Whoever may see the workshop: admins, coordinators, accountants, the library's users and its
/// participant users; others get 404 `workshop.not_found`. Returns the planned-content PDF as
/// an attachment named `workshop-plan.pdf`. Without an uploaded document it is 404
/// `planned_content.not_found`.
#[utoipa::path(tag = "after", operation_id = "getWorkshopPlanDocument", params(("id" = Uuid, Path, description = "Workshop id")), security(("bearer" = [])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>), (status = 404, description = "None, or not visible (`planned_content.not_found`)", body = Problem, content_type = P)))]
#[get("/workshops/{id}/planned-content")]
async fn get_plan_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let bytes = service::plan_document(&state.db, state.blobs.as_ref(), &user, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"workshop-plan.pdf\"",
        ))
        .body(bytes))
}
