//! `/api/v1/projects/{id}/shared-documents` and `/api/v1/shared-documents/{id}`.

use super::dto::{
    SharedDocumentDto, SharedDocumentFilter, SharedDocumentForm, SharedDocumentRequest,
    SharedLinkRequest, SharedLinkVersionRequest, SharedVersionForm, SharedVersionRequest,
    VersionQuery,
};
use super::service::{self, Content};
use crate::http::upload::read_json_or_form;
use crate::http::{ApiError, ApiResult, AuthUser, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use uuid::Uuid;

const P: &str = "application/problem+json";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_shared_document)
        .service(list_shared_documents)
        .service(get_shared_document)
        .service(add_shared_document_version)
        .service(shared_document_content)
        .service(delete_shared_document);
}

/// The body (JSON, or a form with the same fields) and the content it names: its file
/// (checked and stored) or its link (`url` of the body, taken out); exactly one.
async fn read_body<T>(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    fields: &[&str],
    url: impl FnOnce(&mut T) -> Option<String>,
) -> actix_web::Result<(T, Content)>
where
    T: serde::de::DeserializeOwned + validator::Validate + std::fmt::Debug + 'static,
{
    let (mut body, file) =
        read_json_or_form::<T>(req, payload, state.settings.upload_max_bytes, fields).await?;
    let content = match (url(&mut body), file) {
        (Some(url), None) => Content::Link(url),
        (None, Some((name, bytes))) => {
            service::store_file(state.blobs.as_ref(), &name, bytes).await?
        }
        _ => {
            return Err(ApiError::unprocessable(
                "shared_document.file_or_link",
                "A version is either a file (a form part named `file`) or a link (`url`): exactly one of them.",
            )
            .into());
        }
    };
    Ok((body, content))
}

fn created(d: SharedDocumentDto) -> HttpResponse {
    let location = format!("/shared-documents/{}", d.id);
    crate::http::created(HttpResponse::Created().json(d), location)
}

/// Share a document with the project's or a mobility's participants and hosts.
///
/// Coordinators and admins (others get 403). As JSON, a link (`url`, e.g. the public DTFL
/// handbook); as `multipart/form-data`, the same fields as text parts and the file in a part
/// named `file`: a PDF, Word, Excel, PowerPoint or OpenDocument file, a PNG or a JPEG, checked
/// by its content. It becomes version 1. With `mobility_id` only that mobility's participants
/// (and their libraries) and its host see it; without, everyone taking part in any of the
/// project's mobilities. Listed in their `/me/overview`. Audited.
#[utoipa::path(
    tag = "preparation", operation_id = "createSharedDocument",
    params(("id" = Uuid, Path, description = "Project id")),
    request_body(content(
        (SharedLinkRequest = "application/json"),
        (SharedDocumentForm = "multipart/form-data"),
    ), description = "A link as JSON, or a file as a form"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Shared", body = SharedDocumentDto),
        (status = 400, description = "A form with a part it does not take, or fields that do not read", body = Problem, content_type = P),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = P),
        (status = 404, description = "No such project", body = Problem, content_type = P),
        (status = 413, description = "Too large", body = Problem, content_type = P),
        (status = 415, description = "Neither JSON nor a form, or a file of another type (`document.unsupported_type`)", body = Problem, content_type = P),
        (status = 422, description = "Invalid fields (`mobility_id` of another project), neither or both of file and link (`shared_document.file_or_link`), a PDF too complex to read", body = Problem, content_type = P),
        (status = 503, description = "Busy reading other uploads (`service.busy`), with `Retry-After`", body = Problem, content_type = P),
    )
)]
#[post("/projects/{id}/shared-documents")]
async fn create_shared_document(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> actix_web::Result<HttpResponse> {
    // Checked before the body is read: nobody else uploads a file to be refused.
    crate::projects::service::get_model(&state.db, *id).await?;
    user.require(&[entity::enums::Role::Coordinator])?;
    let (body, content) = read_body::<SharedDocumentRequest>(
        &req,
        payload,
        &state,
        &[
            "title",
            "category",
            "mobility_id",
            "description",
            "url",
            "note",
        ],
        |b| b.url.take(),
    )
    .await?;
    let d = service::create(&state.db, &user, *id, body, content).await?;
    Ok(created(d))
}

/// The project's shared documents the caller sees.
///
/// Coordinators, admins and accountants see all; a participant those of the project and of
/// the mobilities they take part in; a host user those of the mobilities its organisation
/// hosts; a library user those of its participants' mobilities; others none. Newest change
/// first, each with every version (newest first).
#[utoipa::path(
    tag = "preparation", operation_id = "listSharedDocuments",
    params(("id" = Uuid, Path, description = "Project id"), SharedDocumentFilter, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Shared documents", body = Page<SharedDocumentDto>),
        (status = 404, description = "No such project", body = Problem, content_type = P),
    )
)]
#[get("/projects/{id}/shared-documents")]
async fn list_shared_documents(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    filter: web::Query<SharedDocumentFilter>,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let docs = service::list(&state.db, &user, *id, filter.mobility_id).await?;
    Ok(HttpResponse::Ok().json(page.page_of(docs, |d| d.id)))
}

/// A shared document with every version.
///
/// Whoever sees it (see `listSharedDocuments`); others get 404 `shared_document.not_found`.
#[utoipa::path(
    tag = "preparation", operation_id = "getSharedDocument",
    params(("id" = Uuid, Path, description = "Shared document id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The document", body = SharedDocumentDto),
        (status = 404, description = "Not visible", body = Problem, content_type = P),
    )
)]
#[get("/shared-documents/{id}")]
async fn get_shared_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::get(&state.db, &user, *id).await?))
}

/// Add a version (a new programme, a corrected template).
///
/// Coordinators and admins (others who see it get 403). A link as JSON, or a file as a form
/// (a part named `file`, an optional `note`), as when sharing it. It becomes the current
/// version; earlier ones stay readable. Audited.
#[utoipa::path(
    tag = "preparation", operation_id = "addSharedDocumentVersion",
    params(("id" = Uuid, Path, description = "Shared document id")),
    request_body(content(
        (SharedLinkVersionRequest = "application/json"),
        (SharedVersionForm = "multipart/form-data"),
    ), description = "A link as JSON, or a file as a form"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The document with its new version", body = SharedDocumentDto),
        (status = 400, description = "A form with a part it does not take", body = Problem, content_type = P),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = P),
        (status = 404, description = "Not visible", body = Problem, content_type = P),
        (status = 413, description = "Too large", body = Problem, content_type = P),
        (status = 415, description = "Neither JSON nor a form, or a file of another type (`document.unsupported_type`)", body = Problem, content_type = P),
        (status = 422, description = "Invalid fields, neither or both of file and link (`shared_document.file_or_link`), a PDF too complex to read", body = Problem, content_type = P),
        (status = 503, description = "Busy reading other uploads (`service.busy`), with `Retry-After`", body = Problem, content_type = P),
    )
)]
#[post("/shared-documents/{id}/versions")]
async fn add_shared_document_version(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> actix_web::Result<HttpResponse> {
    // Checked before the body is read: nobody else uploads a file to be refused.
    service::visible(&state.db, &user, *id).await?;
    user.require(&[entity::enums::Role::Coordinator])?;
    let (body, content) =
        read_body::<SharedVersionRequest>(&req, payload, &state, &["url", "note"], |b| {
            b.url.take()
        })
        .await?;
    let d = service::add_version(&state.db, &user, *id, body, content).await?;
    Ok(created(d))
}

/// Download a file version (the current one unless `version` names another).
///
/// Whoever sees the document. Sent as an attachment with its stored type and its SHA-256 as
/// `ETag`. A link version has nothing to download: 409 `shared_document.link` with the link.
#[utoipa::path(
    tag = "preparation", operation_id = "getSharedDocumentContent",
    params(("id" = Uuid, Path, description = "Shared document id"), VersionQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file, with the type it was recognised as", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (Vec<u8> = "application/vnd.oasis.opendocument.text"),
            (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"),
            (Vec<u8> = "application/vnd.oasis.opendocument.presentation"),
        )),
        (status = 404, description = "Not visible, or no such version (`shared_document_version.not_found`)", body = Problem, content_type = P),
        (status = 409, description = "A link version (`shared_document.link`)", body = Problem, content_type = P),
    )
)]
#[get("/shared-documents/{id}/content")]
async fn shared_document_content(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let (v, bytes) =
        service::content(&state.db, state.blobs.as_ref(), &user, *id, q.version).await?;
    Ok(HttpResponse::Ok()
        .content_type(
            v.content_type
                .unwrap_or_else(|| "application/octet-stream".into()),
        )
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                v.filename.unwrap_or_else(|| "document".into())
            ),
        ))
        .insert_header((
            header::ETAG,
            format!("\"{}\"", v.sha256.unwrap_or_default()),
        ))
        .body(bytes))
}

/// Stop sharing a document, with all its versions.
///
/// Coordinators and admins (others who see it get 403). Audited.
#[utoipa::path(
    tag = "preparation", operation_id = "deleteSharedDocument",
    params(("id" = Uuid, Path, description = "Shared document id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "No longer shared"),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = P),
        (status = 404, description = "Not visible", body = Problem, content_type = P),
    )
)]
#[delete("/shared-documents/{id}")]
async fn delete_shared_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &user, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
