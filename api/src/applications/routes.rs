use super::dto::{
    ApplicationDto, ApplicationQuery, CreateApplicationRequest, CreateSignatureRequest,
    DocumentDto, ExportQuery, SignatureDto, UpdateApplicationRequest, WithdrawRequest,
};
use super::{policy, service};
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::UpdatedSince;
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_application)
        .service(list_applications)
        .service(export_applications)
        .service(get_application)
        .service(update_application)
        .service(delete_application)
        .service(submit_application)
        .service(withdraw_application)
        .service(upload_document)
        .service(list_documents)
        .service(download_document)
        .service(create_signature)
        .service(list_signatures);
}

pub(super) async fn respond(
    state: &AppState,
    user: &AuthUser,
    status: StatusCode,
    m: entity::application::Model,
) -> ApiResult<HttpResponse> {
    let tag = etag(m.id, m.updated_at);
    let d = service::dto(&state.db, m, policy::sees_note(user)).await?;
    Ok(json_with_etag(status, tag, &d))
}

/// Open an application for one of the call's mobilities (as a draft).
///
/// A `library` user applies for their own library; coordinators for any member library, and
/// may record an application that arrived by e-mail (`received_via: email` with
/// `received_at`, which then counts for the deadline). One application per member library
/// per mobility (withdrawn ones aside). The call must be open and its deadline (a whole day,
/// inclusive, in the project's time zone) not passed.
///
/// A `library` user for its own library; admins and coordinators for any member library
/// (`library_id`), and only they record e-mailed ones (`received_via: email`, past
/// `received_at` counting for the deadline). Creates a `draft` with `content_sha256`, history
/// and audit entries. Refused: `application.call_not_open`, `application.deadline_passed`,
/// `application.not_member_library`, `application.mobility_not_in_call`,
/// `application.duplicate` (one active per library and mobility).
#[utoipa::path(
    tag = "applications",
    operation_id = "createApplication",
    params(("id" = Uuid, Path, description = "Call id")),
    request_body = CreateApplicationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created as a draft", body = ApplicationDto),
        (status = 403, description = "Not a library user or coordinator; e-mail receipt by a non-coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call (`call.not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The library already applied for this mobility (`application.duplicate`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `application.call_not_open`, `application.deadline_passed`, `application.not_member_library`, `application.mobility_not_in_call`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/calls/{id}/applications")]
async fn create_application(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateApplicationRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::create(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    let location = format!("/applications/{}", m.id);
    respond(&state, &user, StatusCode::CREATED, m)
        .await
        .map(|r| crate::http::created(r, location))
}

/// List the applications the caller may see.
///
/// Coordinators see all; a library its own; a participant the ones naming them; committee
/// members submitted ones only. Hosts and accountants see none (403).
///
/// Admins and coordinators see all; a `library` user its library's; a `participant` those
/// naming their e-mail; `committee` users every submitted one (`submitted`, `selected`,
/// `reserve`, `rejected`, any call); `host` and `accountant` get 403. Returns a page with
/// status histories, oldest first, filterable by call, mobility, library, status,
/// `received_via`, `fewer_opportunities`, `updated_since`; `fewer_opportunities_note` only for
/// admins and coordinators.
#[utoipa::path(
    tag = "applications",
    operation_id = "listApplications",
    params(ApplicationQuery, PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of applications, oldest first", body = Page<ApplicationDto>),
        (status = 403, description = "A role that sees no applications", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications")]
async fn list_applications(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ApplicationQuery>,
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

/// Export a call's applications as CSV (coordinators).
///
/// UTF-8 with a byte-order mark, `;` (default) or `,` separated, one row per application.
/// The fewer-opportunities note is included only with `include_fewer_opportunities_note=true`.
///
/// Admins and coordinators only. Returns every application of the call, in any status (drafts
/// and withdrawn ones included), as a UTF-8 CSV with a byte-order mark, `;` or `,` separated,
/// one row per application with mobility code, library name, applicant, flags, status and
/// timestamps. The fewer-opportunities note column is added only with
/// `include_fewer_opportunities_note=true`. An unknown call is 404 `call.not_found`.
#[utoipa::path(
    tag = "applications",
    operation_id = "exportApplicationsCsv",
    params(("id" = Uuid, Path, description = "Call id"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calls/{id}/applications.csv")]
async fn export_applications(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    q: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let delimiter = q.delimiter.unwrap_or_default();
    let bytes = service::export_csv(
        &state.db,
        *id,
        delimiter,
        q.include_fewer_opportunities_note,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"applications-{}.csv\"", *id),
        ))
        .body(bytes))
}

/// Get an application.
///
/// Visible to admins and coordinators, the applying library's users, the participant whose
/// e-mail it names, and committee users once it has been submitted; others (hosts, accountants,
/// other libraries) get 404 `application.not_found`. Returns the application with its full
/// status history and an `ETag`; the `fewer_opportunities_note` is shown only to admins and
/// coordinators.
#[utoipa::path(
    tag = "applications",
    operation_id = "getApplication",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application with its status history", body = ApplicationDto, headers(("ETag" = String))),
        (status = 404, description = "No such application, or not visible to the caller (`application.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}")]
async fn get_application(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = service::visible(&state.db, &user, *id).await?;
    respond(&state, &user, StatusCode::OK, m).await
}

/// Change a draft application.
///
/// Any change of content gives a new `content_sha256` and voids the signatures given so far.
///
/// The applying library's users, coordinators and admins; only the latter two change
/// `received_via`/`received_at`; callers who cannot see it get 404. Changes the fields sent; a
/// content change gives a new `content_sha256`, voids every valid signature and is audited (an
/// unchanged body changes nothing). Refused when not a draft (409 `application.locked`), on a
/// stale `If-Match` (412) and for invalid fields or e-mail receipt data (422).
#[utoipa::path(
    tag = "applications",
    operation_id = "updateApplication",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since"),
    ),
    request_body = UpdateApplicationRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = ApplicationDto),
        (status = 403, description = "Not the library's user or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft any more (`application.locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/applications/{id}")]
async fn update_application(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateApplicationRequest>,
) -> ApiResult<HttpResponse> {
    let m = service::update(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
        |cur| if_match.check(&etag(cur.id, cur.updated_at)),
    )
    .await?;
    respond(&state, &user, StatusCode::OK, m).await
}

/// Delete a draft application.
///
/// The applying library's users, coordinators and admins; the named participant gets 403 and
/// callers who cannot see it 404. Deletes the draft with its signatures, documents and status
/// history, and writes a `delete` audit entry; the library may then apply again. Only a draft
/// can be deleted (409 `application.locked`); a stale `If-Match` is 412
/// `request.precondition_failed`.
#[utoipa::path(
    tag = "applications",
    operation_id = "deleteApplication",
    params(
        ("id" = Uuid, Path, description = "Application id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Not the library's user or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`application.locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/applications/{id}")]
async fn delete_application(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    service::delete(&state.db, &user, *id, |cur| {
        if_match.check(&etag(cur.id, cur.updated_at))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Submit a draft: it is then locked.
///
/// Needs an open call, the deadline not passed (for e-mail applications: they arrived in
/// time), and both signatures, the participant's and the library director's, valid for the
/// current content.
///
/// The applying library's users, coordinators and admins (not the participant). Moves the draft
/// to `submitted` with `submitted_at` (for e-mailed ones `received_at`), adds history and audit
/// entries, and locks it. Refused: not a draft (409 `application.locked`),
/// `application.call_not_open`, `application.deadline_passed`, and
/// `application.participant_signature_missing` or `application.director_signature_missing` when
/// no valid signature covers the current `content_sha256`.
#[utoipa::path(
    tag = "applications",
    operation_id = "submitApplication",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted", body = ApplicationDto),
        (status = 403, description = "Not the library's user or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`application.locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`application.call_not_open`, `application.deadline_passed`, `application.participant_signature_missing`, `application.director_signature_missing`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/submit")]
async fn submit_application(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = service::submit(&state.db, state.clock.as_ref(), &user, *id).await?;
    respond(&state, &user, StatusCode::OK, m).await
}

/// Withdraw an application (draft, submitted or reserve), freeing the library's place.
///
/// The applying library's users, the participant it names, coordinators and admins. Sets
/// `withdrawn` with `withdrawn_at` and the optional reason, audited, freeing the library's
/// place to apply again. `draft` and `submitted` ones can be withdrawn, also after the
/// deadline during scoring, and a `reserve` steps back from the reserve list (it is never
/// promoted then; the reserves after it move up). A `selected` application is withdrawn as its
/// participant (`POST /participants/{id}/withdraw`); a `rejected` or already withdrawn one is
/// 409 `application.withdraw_not_allowed`.
#[utoipa::path(
    tag = "applications",
    operation_id = "withdrawApplication",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body(content = Option<WithdrawRequest>, description = "Optional reason"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = ApplicationDto),
        (status = 403, description = "Not the library, the named participant or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Selected, rejected or already withdrawn (`application.withdraw_not_allowed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/withdraw")]
async fn withdraw_application(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::OptionalJson<WithdrawRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.0.and_then(|b| b.reason);
    let m = service::withdraw(&state.db, state.clock.as_ref(), &user, *id, reason).await?;
    respond(&state, &user, StatusCode::OK, m).await
}

fn disposition(filename: &str) -> ContentDisposition {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: filename.as_bytes().to_vec(),
            }),
        ],
    }
}

/// Upload a PDF (the signed scan, or a digitally signed PDF) to a draft application.
///
/// `multipart/form-data` with one file part named `file`. Only PDFs are accepted, checked by
/// content; the size limit is `MOBILITY_UPLOAD_MAX_BYTES` (default 10 MiB). The same bytes
/// uploaded again return the existing document (200).
///
/// The applying library's users, coordinators, admins and the named participant; other viewers
/// get 403, the rest 404. Stores a PDF (part `file`, checked by content, up to
/// `MOBILITY_UPLOAD_MAX_BYTES`, default 10 MiB), noting any digital signature, with an audit
/// entry; the same bytes again return the existing document (200). Refused: not a draft (409
/// `application.locked`), `document.not_pdf` (415), `document.too_large` (413),
/// `document.file_missing` (422).
#[utoipa::path(
    tag = "applications",
    operation_id = "uploadApplicationDocument",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body(content = crate::http::upload::FileUpload, content_type = "multipart/form-data", description = "A part named `file` with the PDF"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = DocumentDto),
        (status = 200, description = "These bytes were already uploaded to this application", body = DocumentDto),
        (status = 403, description = "May not upload here", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`application.locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the size limit (`document.too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF (`document.not_pdf`) or not multipart", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No part named `file` (`document.file_missing`); a PDF that needs too much work to read (`document.too_complex`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy with other heavy requests (`service.busy`), with `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/documents")]
async fn upload_document(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    // Authorise before reading the body.
    let app = service::visible(&state.db, &user, *id).await?;
    policy::may_upload(&user, &app)?;
    let (filename, bytes) =
        crate::http::upload::read_file(&req, payload, state.settings.upload_max_bytes).await?;
    let (doc, created) = service::add_document(
        &state.db,
        state.blobs.as_ref(),
        &user,
        *id,
        &filename,
        bytes,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/documents/{}", doc.id);
    Ok(crate::http::created(
        HttpResponse::build(status).json(DocumentDto::from(doc)),
        location,
    ))
}

/// List an application's documents.
///
/// Anyone who may see the application: admins, coordinators, the applying library, the named
/// participant, and committee users once submitted; others get 404 `application.not_found`.
/// Returns a page of its uploaded PDFs, oldest first, each with file name, size and SHA-256;
/// nothing is changed.
#[utoipa::path(
    tag = "applications",
    operation_id = "listApplicationDocuments",
    params(("id" = Uuid, Path, description = "Application id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Documents, oldest first", body = Page<DocumentDto>),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}/documents")]
async fn list_documents(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let docs = service::documents(&state.db, &user, *id).await?;
    let docs = docs.into_iter().map(DocumentDto::from).collect();
    Ok(HttpResponse::Ok().json(page.page_of(docs, |d| d.id)))
}

/// Download a document, for whoever may see its application.
///
/// Anyone who may see the document's application (admins, coordinators, the applying library,
/// the named participant, committee users once submitted); everyone else gets 404
/// `document.not_found`, as does an unknown id. Returns the stored bytes with their content
/// type, a `Content-Disposition: attachment` file name and the SHA-256 as `ETag`.
#[utoipa::path(
    tag = "applications",
    operation_id = "downloadDocument",
    params(("id" = Uuid, Path, description = "Document id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such document, or not visible (`document.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}")]
async fn download_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (doc, bytes) =
        service::document_content(&state.db, state.blobs.as_ref(), &user, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type(doc.content_type.clone())
        .insert_header(disposition(&doc.filename))
        .insert_header((header::ETAG, format!("\"{}\"", doc.sha256)))
        .body(bytes))
}

/// Record a signature of the application's current content.
///
/// `participant` and `library_director` are both needed to submit. A `scanned_handwritten`
/// signature needs the uploaded scan (one scan may carry both); a `qualified_electronic` one
/// an uploaded PDF with a verified digital signature whose certificate names `signer_name`
/// (ignoring case, diacritics, word order and titles), a different signature in the PDF for
/// each of the two signers. A new signature for a role replaces
/// the earlier one; changing the application voids them all.
///
/// The applying library's users, coordinators and admins record either role; the named
/// participant only its own `participant` signature (else 403). It binds the current
/// `content_sha256`, voids that role's earlier valid signature and is audited. Refused: not a
/// draft (409 `application.locked`), no document (422 `signature.document_required`),
/// `qualified_electronic` on an unsigned PDF (422 `signature.not_digitally_signed`), without a
/// verified signature naming the signer (422 `signature.signer_mismatch`) or with only the one
/// standing for the other signer (422 `signature.same_pdf_signature`), future
/// `signed_at` or a foreign document (422).
#[utoipa::path(
    tag = "applications",
    operation_id = "createApplicationSignature",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = CreateSignatureRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = SignatureDto),
        (status = 403, description = "May not record this signature", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`application.locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`signature.document_required`, `signature.not_digitally_signed`, `signature.signer_mismatch`, `signature.same_pdf_signature`, invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/signatures")]
async fn create_signature(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateSignatureRequest>,
) -> ApiResult<HttpResponse> {
    let s = service::add_signature(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    let location = format!("/applications/{}/signatures", *id);
    Ok(crate::http::created(
        HttpResponse::Created().json(s),
        location,
    ))
}

/// List an application's signatures, void ones included (the history).
///
/// Anyone who may see the application (admins, coordinators, the applying library, the named
/// participant, committee users once submitted); others get 404 `application.not_found`.
/// Returns every signature, oldest first, void ones included, each with its method, signer,
/// document, the `content_sha256` it covers and, for qualified electronic ones, the signer name
/// read from the PDF.
#[utoipa::path(
    tag = "applications",
    operation_id = "listApplicationSignatures",
    params(("id" = Uuid, Path, description = "Application id"), PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signatures, oldest first", body = Page<SignatureDto>),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}/signatures")]
async fn list_signatures(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    list: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let signatures = service::signatures(&state.db, &user, *id).await?;
    Ok(HttpResponse::Ok().json(page.page_of(signatures, |s| s.id)))
}
