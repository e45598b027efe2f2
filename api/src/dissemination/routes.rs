//! Knowledge sharing (dissemination) over HTTP.

use super::dto::{DisseminationDto, DisseminationRequest, UpdateDisseminationRequest};
use super::service;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::{Sort, UpdatedSince};
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const P: &str = "application/problem+json";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_dissemination)
        .service(create_dissemination)
        .service(get_dissemination)
        .service(update_dissemination)
        .service(delete_dissemination)
        .service(dissemination_evidence);
}

/// A participant's knowledge sharing.
///
/// Whoever may see the participant: admins, coordinators, accountants, the participant, their
/// library's users and the host's users; others get 404 `participant.not_found`. Returns the
/// knowledge-sharing items the participant belongs to, joint items included, each with all its
/// participant ids and evidence hash, ordered by date (or `sort`), filterable by
/// `updated_since`.
#[utoipa::path(tag = "after", operation_id = "listDissemination", params(("id" = Uuid, Path, description = "Participant id"), DisseminationQuery, PageParams, UpdatedSince), security(("bearer" = [])),
    responses((status = 200, description = "Items by date", body = Page<DisseminationDto>), (status = 404, description = "Not visible", body = Problem, content_type = P)))]
#[get("/participants/{id}/dissemination")]
async fn list_dissemination(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<DisseminationQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut items = service::list(&state.db, &user, *id).await?;
    items.retain(|i| since.updated_since.is_none_or(|s| i.updated_at >= s));
    Sort::sort_items(
        &mut items,
        q.sort.as_deref(),
        &[
            ("date", |a, b| a.date.cmp(&b.date)),
            ("created_at", |a, b| a.created_at.cmp(&b.created_at)),
            ("updated_at", |a, b| a.updated_at.cmp(&b.updated_at)),
        ],
    )?;
    let mut items = page.page_of(items, |i| i.id);
    let out = service::dtos(&state.db, items.take_items()).await?;
    Ok(HttpResponse::Ok().json(items.with_items(out)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DisseminationQuery {
    /// Sort by `date`, `created_at`, `updated_at`; `-` first for descending (default `date`).
    #[param(pattern = "^-?(date|created_at|updated_at)$", example = "-date")]
    sort: Option<String>,
}

/// Record knowledge sharing (the participant, their library, coordinators). Social-media
/// posts count as during the mobility when dated within its dates.
///
/// The participant, `library` users of their library, coordinators and admins (other viewers
/// get 403). Records a presentation, publication or social-media post, optionally shared with
/// co-authors of the same mobility (staff may add any participant), writes an audit entry and
/// re-checks each linked participant's obligations; posts count as during the mobility only
/// when dated within its dates. Bad title (1–500), non-http(s) URL or negative audience: 422.
#[utoipa::path(tag = "after", operation_id = "createDissemination", params(("id" = Uuid, Path, description = "Participant id")), request_body = DisseminationRequest, security(("bearer" = [])),
    responses((status = 201, description = "Recorded", body = DisseminationDto), (status = 403, description = "May not record for this participant", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 422, description = "Invalid fields; a URL that is not http(s)", body = Problem, content_type = P)))]
#[post("/participants/{id}/dissemination")]
async fn create_dissemination(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<DisseminationRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::create(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    let tag = etag(m.id, m.updated_at);
    let location = format!("/dissemination/{}", m.id);
    Ok(crate::http::created(
        json_with_etag(StatusCode::CREATED, tag, &service::dto(&state.db, m).await?),
        location,
    ))
}

/// Get a knowledge-sharing item.
///
/// Visible when the caller may see at least one of the item's participants (admins,
/// coordinators, accountants, the participants, their libraries, the host's users); otherwise
/// 404 `dissemination.not_found`. Returns the item with kind, date, title, URL, channel,
/// audience, all participant ids, the evidence hash and an `ETag`.
#[utoipa::path(tag = "after", operation_id = "getDissemination", params(("id" = Uuid, Path, description = "Item id")), security(("bearer" = [])),
    responses((status = 200, description = "The item", body = DisseminationDto), (status = 404, description = "Not visible (`dissemination.not_found`)", body = Problem, content_type = P)))]
#[get("/dissemination/{id}")]
async fn get_dissemination(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (m, _) = service::visible(&state.db, &user, *id).await?;
    let tag = etag(m.id, m.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &service::dto(&state.db, m).await?,
    ))
}

/// Change a knowledge-sharing item.
///
/// Callers who may record for one of the item's participants: that participant, their library's
/// `library` users, coordinators and admins; other viewers get 403, the rest 404
/// `dissemination.not_found`. Changes kind, date, title, URL, channel or audience (null clears
/// the last three), but not the participant list; writes an audit entry and re-checks every
/// linked participant's obligations. Invalid title, URL or audience is 422; a stale `If-Match`
/// is 412.
#[utoipa::path(tag = "after", operation_id = "updateDissemination", params(("id" = Uuid, Path, description = "Item id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), request_body = UpdateDisseminationRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = DisseminationDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P), (status = 422, description = "Invalid fields", body = Problem, content_type = P)))]
#[patch("/dissemination/{id}")]
async fn update_dissemination(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateDisseminationRequest>,
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
    let tag = etag(m.id, m.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &service::dto(&state.db, m).await?,
    ))
}

/// Delete a knowledge-sharing item.
///
/// Callers who may record for one of the item's participants (that participant, their library's
/// users, coordinators, admins); other viewers get 403, the rest 404 `dissemination.not_found`.
/// Deletes the item for every participant it belongs to, writes an audit entry and re-checks
/// their obligations, so a `completed` participant can fall back to `travelled`. With
/// `If-Match`, a stale ETag is 412 `request.precondition_failed` and nothing is deleted.
#[utoipa::path(tag = "after", operation_id = "deleteDissemination", params(("id" = Uuid, Path, description = "Item id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), (status = 403, description = "May not delete it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P)))]
#[delete("/dissemination/{id}")]
async fn delete_dissemination(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, state.clock.as_ref(), &user, *id, |m| {
        if_match.check(&etag(m.id, m.updated_at))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Attach evidence (PDF, image or audio; a part named `file`) to a knowledge-sharing item.
///
/// Callers who may record for one of the item's participants (that participant, their library's
/// users, coordinators, admins); other viewers get 403, the rest 404. Stores the file (part
/// `file`) as the item's evidence, replacing any earlier one, with an audit entry. Only PDF,
/// JPEG, PNG, MP3, OGG or WAV by content (415 `document.unsupported_type`); too large 413
/// `document.too_large`; no part 422 `document.file_missing`.
#[utoipa::path(tag = "after", operation_id = "uploadDisseminationEvidence", params(("id" = Uuid, Path, description = "Item id")), request_body(content = crate::http::upload::FileUpload, content_type = "multipart/form-data", description = "A part named `file`"), security(("bearer" = [])),
    responses((status = 200, description = "Attached", body = DisseminationDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 413, description = "Too large", body = Problem, content_type = P), (status = 415, description = "Not a PDF, JPEG, PNG, MP3, OGG or WAV (`document.unsupported_type`)", body = Problem, content_type = P), (status = 422, description = "No part named `file` (`document.file_missing`); a PDF that needs too much work to read (`document.too_complex`)", body = Problem, content_type = P), (status = 503, description = "Busy with other heavy requests (`service.busy`), with `Retry-After`", body = Problem, content_type = P)))]
#[post("/dissemination/{id}/evidence")]
async fn dissemination_evidence(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::visible(&state.db, &user, *id).await?;
    let (name, bytes) =
        crate::http::upload::read_file(&req, payload, state.settings.upload_max_bytes).await?;
    let m =
        service::add_evidence(&state.db, state.blobs.as_ref(), &user, *id, &name, bytes).await?;
    Ok(HttpResponse::Ok().json(service::dto(&state.db, m).await?))
}
