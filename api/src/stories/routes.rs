//! Digital stories for the Kamra portal over HTTP.

use super::dto::{
    CreateStoryRequest, MediaDto, MediaUpload, PublishRequest, StoryDto, UpdateMediaRequest,
    UpdateStoryRequest,
};
use super::service;
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiError, ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use entity::enums::StoryStatus;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const P: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct StoryQuery {
    status: Option<StoryStatus>,
    /// Sort by `title`, `status`, `created_at`, `updated_at`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(title|status|created_at|updated_at)$",
        example = "-updated_at"
    )]
    sort: Option<String>,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_stories)
        .service(create_story)
        .service(get_story)
        .service(update_story)
        .service(add_story_media)
        .service(update_story_media)
        .service(submit_story)
        .service(publish_story)
        .service(kamra_package);
}

/// Digital stories, as far as the caller may see them.
///
/// Admins, coordinators and accountants see every story; `library` and `participant` users
/// those from their own library's workshops; committee and host users get an empty page.
/// Returns stories with workshop, library, text, contributors, media and status (`draft`,
/// `submitted`, `published` with `kamra_url`), filterable by status and `updated_since`, oldest
/// first unless `sort` says otherwise.
#[utoipa::path(tag = "after", operation_id = "listDigitalStories", params(StoryQuery, PageParams, UpdatedSince), security(("bearer" = [])), responses((status = 200, description = "Stories", body = Page<StoryDto>)))]
#[get("/digital-stories")]
async fn list_stories(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<StoryQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut items = service::list(
        &state.db,
        &user,
        q.status,
        q.sort.as_deref(),
        since.into_inner(),
        page,
    )
    .await?;
    let out = service::dtos(&state.db, items.take_items()).await?;
    Ok(HttpResponse::Ok().json(items.with_items(out)))
}

/// Start a digital story from a cultural-heritage workshop.
///
/// Admins, coordinators, and the workshop library's `library` and `participant` users
/// (accountants get 403; callers who cannot see the workshop 404 `workshop.not_found`). Starts
/// a `draft` story with text, language, subjects and named contributors with consent and
/// licence; audited. The workshop must be a cultural-heritage one (422
/// `story.not_heritage_workshop`); title 1–300 characters, a summary and an ISO 639-1 language
/// are required (422).
#[utoipa::path(tag = "after", operation_id = "createDigitalStory", request_body = CreateStoryRequest, security(("bearer" = [])),
    responses((status = 201, description = "Created as a draft", body = StoryDto), (status = 403, description = "Not the library, its participants or a coordinator", body = Problem, content_type = P), (status = 404, description = "No such workshop", body = Problem, content_type = P), (status = 422, description = "Not a heritage workshop (`story.not_heritage_workshop`); invalid fields", body = Problem, content_type = P)))]
#[post("/digital-stories")]
async fn create_story(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<CreateStoryRequest>,
) -> ApiResult<HttpResponse> {
    let s = service::create(&state.db, &user, body.into_inner()).await?;
    let tag = etag(s.id, s.updated_at);
    let location = format!("/digital-stories/{}", s.id);
    Ok(crate::http::created(
        json_with_etag(StatusCode::CREATED, tag, &service::dto(&state.db, s).await?),
        location,
    ))
}

/// Get a digital story.
///
/// Admins, coordinators, accountants, and the library's `library` and participant users of the
/// story's workshop; others get 404 `digital_story.not_found`. Returns the story with its
/// library, contributors (with consent and licence), media items, status, `kamra_url` once
/// published, and an `ETag`.
#[utoipa::path(tag = "after", operation_id = "getDigitalStory", params(("id" = Uuid, Path, description = "Story id")), security(("bearer" = [])),
    responses((status = 200, description = "The story", body = StoryDto), (status = 404, description = "Not visible (`digital_story.not_found`)", body = Problem, content_type = P)))]
#[get("/digital-stories/{id}")]
async fn get_story(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (s, _) = service::visible(&state.db, &user, *id).await?;
    let tag = etag(s.id, s.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &service::dto(&state.db, s).await?,
    ))
}

/// Change a digital story (a submitted one goes back to draft).
///
/// Admins, coordinators, and the library's `library` and participant users (accountants get
/// 403, others 404 `digital_story.not_found`). Changes only the fields sent (`contributors` and
/// `subjects` replace the lists) and writes an audit entry; a `submitted` story goes back to
/// `draft` to be checked again. A published story is 409 `story.published`; an empty title or
/// summary or a bad language code is 422; a stale `If-Match` is 412.
#[utoipa::path(tag = "after", operation_id = "updateDigitalStory", params(("id" = Uuid, Path, description = "Story id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), request_body = UpdateStoryRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = StoryDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Published (`story.published`)", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P), (status = 422, description = "Invalid fields", body = Problem, content_type = P)))]
#[patch("/digital-stories/{id}")]
async fn update_story(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateStoryRequest>,
) -> ApiResult<HttpResponse> {
    let s = service::update(&state.db, &user, *id, body.into_inner(), |s| {
        if_match.check(&etag(s.id, s.updated_at))
    })
    .await?;
    let tag = etag(s.id, s.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &service::dto(&state.db, s).await?,
    ))
}

/// Add a media item: a part named `file` (image, audio or PDF, checked by content) and text
/// parts `caption`, `creator`, `licence`.
///
/// Admins, coordinators, and the library's `library` and participant users (accountants 403,
/// others 404). Stores a file (part `file`: JPEG, PNG, MP3, OGG, WAV or PDF by content) with
/// optional `caption`, `creator`, `licence`, audits it and sends a `submitted` story back to
/// `draft`. Refused: published 409 `story.published`, other types 415
/// `document.unsupported_type`, too large 413 `document.too_large`, no file 422
/// `document.file_missing`.
#[utoipa::path(tag = "after", operation_id = "addDigitalStoryMedia", params(("id" = Uuid, Path, description = "Story id")), request_body(content = crate::http::upload::MediaUploadForm, content_type = "multipart/form-data", description = "`file`, `caption`, `creator`, `licence`"), security(("bearer" = [])),
    responses((status = 201, description = "Added", body = MediaDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Published", body = Problem, content_type = P), (status = 413, description = "Too large", body = Problem, content_type = P), (status = 415, description = "Not an image, audio or PDF (`document.unsupported_type`)", body = Problem, content_type = P), (status = 422, description = "No part named `file`; a PDF that needs too much work to read (`document.too_complex`)", body = Problem, content_type = P), (status = 503, description = "Busy with other heavy requests (`service.busy`), with `Retry-After`", body = Problem, content_type = P)))]
#[post("/digital-stories/{id}/media")]
async fn add_story_media(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::visible(&state.db, &user, *id).await?;
    let (file, mut fields) = crate::http::upload::read_form(
        &req,
        payload,
        state.settings.upload_max_bytes,
        &["caption", "creator", "licence"],
    )
    .await?;
    let (filename, bytes) = file.ok_or_else(|| {
        ApiError::unprocessable(
            "document.file_missing",
            "The body has no part named `file`.",
        )
    })?;
    let mut errors = Vec::new();
    for (field, max) in [("caption", 2000), ("creator", 300), ("licence", 100)] {
        if fields.get(field).is_some_and(|v| v.chars().count() > max) {
            errors.push(crate::http::FieldError::new(
                field,
                "length",
                format!("at most {max} characters"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let u = MediaUpload {
        filename,
        bytes,
        caption: fields.remove("caption"),
        creator: fields.remove("creator"),
        licence: fields.remove("licence"),
    };
    let m = service::add_media(&state.db, state.blobs.as_ref(), &user, *id, u).await?;
    let location = format!("/digital-stories/{}/media/{}", *id, m.id);
    Ok(crate::http::created(
        HttpResponse::Created().json(MediaDto::from(m)),
        location,
    ))
}

/// Change a media item's caption, creator or licence.
///
/// Admins, coordinators, and the library's `library` and participant users (accountants get
/// 403, others 404 `digital_story.not_found`). Changes a media item's caption, creator or
/// licence (an empty string clears it) and writes an audit entry; unlike other story edits it
/// leaves a `submitted` story submitted. A published story is 409 `story.published`; a media id
/// not of this story is 404 `media.not_found`.
#[utoipa::path(tag = "after", operation_id = "updateDigitalStoryMedia", params(("id" = Uuid, Path, description = "Story id"), ("media_id" = Uuid, Path, description = "Media id")), request_body = UpdateMediaRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = MediaDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible (`media.not_found`)", body = Problem, content_type = P), (status = 409, description = "Published", body = Problem, content_type = P)))]
#[patch("/digital-stories/{id}/media/{media_id}")]
async fn update_story_media(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    body: crate::http::Json<UpdateMediaRequest>,
) -> ApiResult<HttpResponse> {
    let (id, media_id) = path.into_inner();
    Ok(HttpResponse::Ok().json(MediaDto::from(
        service::update_media(&state.db, &user, id, media_id, body.into_inner()).await?,
    )))
}

/// Submit a story for publication: every named contributor needs consent (date, scope) and
/// a licence, every media item a licence.
///
/// Admins, coordinators, and the library's `library` and participant users (accountants get
/// 403, others 404). Moves a `draft` to `submitted` and writes an audit entry. Every named
/// contributor needs a consent date, consent scope and licence (422 `story.consent_missing`,
/// naming them) and every media item a licence (422 `story.media_licence_missing`); a story
/// that is not a draft is 409 `story.invalid_transition`.
#[utoipa::path(tag = "after", operation_id = "submitDigitalStory", params(("id" = Uuid, Path, description = "Story id")), security(("bearer" = [])),
    responses((status = 200, description = "Submitted", body = StoryDto), (status = 403, description = "May not submit it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Not a draft (`story.invalid_transition`)", body = Problem, content_type = P), (status = 422, description = "`story.consent_missing`, `story.media_licence_missing`", body = Problem, content_type = P)))]
#[post("/digital-stories/{id}/submit")]
async fn submit_story(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let s = service::submit(&state.db, &user, *id).await?;
    Ok(HttpResponse::Ok().json(service::dto(&state.db, s).await?))
}

/// Mark a submitted story published, with its https address on kamra.si.
///
/// Admins, coordinators, and the library's `library` and participant users (accountants 403,
/// others 404). Marks the submitted story `published` with its `kamra_url`, writes an audit
/// entry and re-checks the library's participants' obligations (digital story met); it can then
/// no longer change. The URL must be https on kamra.si or a subdomain (422); a story that is
/// not `submitted` is 409 `story.invalid_transition`.
#[utoipa::path(tag = "after", operation_id = "publishDigitalStory", params(("id" = Uuid, Path, description = "Story id")), request_body = PublishRequest, security(("bearer" = [])),
    responses((status = 200, description = "Published", body = StoryDto), (status = 403, description = "May not publish it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Not submitted (`story.invalid_transition`)", body = Problem, content_type = P), (status = 422, description = "Not an https URL on kamra.si", body = Problem, content_type = P)))]
#[post("/digital-stories/{id}/publish")]
async fn publish_story(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<PublishRequest>,
) -> ApiResult<HttpResponse> {
    let s = service::publish(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner().kamra_url,
    )
    .await?;
    Ok(HttpResponse::Ok().json(service::dto(&state.db, s).await?))
}

/// The hand-over package for Kamra: a ZIP with the media, `story.json` and `dublin-core.xml`.
///
/// Whoever may see the story: admins, coordinators, accountants, and the library's `library`
/// and participant users; others get 404 `digital_story.not_found`. Returns a ZIP for hand-over
/// to Kamra with `story.json`, `dublin-core.xml` (title, summary, the library as creator,
/// contributors, subjects, place and period, licences as rights, the Kamra URL or a `urn:uuid`
/// identifier) and every media file, for a story in any status. Nothing changes.
#[utoipa::path(tag = "after", operation_id = "getKamraPackage", params(("id" = Uuid, Path, description = "Story id")), security(("bearer" = [])),
    responses((status = 200, description = "The ZIP", content_type = "application/zip", body = Vec<u8>), (status = 404, description = "Not visible", body = Problem, content_type = P)))]
#[get("/digital-stories/{id}/kamra-package")]
async fn kamra_package(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (d, bytes) = service::kamra_package(&state.db, state.blobs.as_ref(), &user, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"kamra-{}.zip\"", d.id),
        ))
        .body(bytes))
}
