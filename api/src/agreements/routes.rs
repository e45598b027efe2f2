use super::service::{
    self, AgreementDto, CreateAgreementRequest, EvidenceDto, SignAgreementRequest,
    UpdateAgreementRequest,
};
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::{Page, PageParams, UpdatedSince};
use crate::http::{ApiResult, AuthUser, IfMatch, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_agreements)
        .service(create_agreement)
        .service(get_agreement)
        .service(update_agreement)
        .service(amend_agreement)
        .service(agreement_document)
        .service(upload_evidence)
        .service(sign_agreement)
        .service(get_europass)
        .service(put_europass)
        .service(europass_document);
}

async fn respond(
    state: &AppState,
    status: StatusCode,
    a: entity::agreement::Model,
) -> ApiResult<HttpResponse> {
    let tag = etag(a.id, a.updated_at);
    Ok(json_with_etag(
        status,
        tag,
        &service::dto(&state.db, a).await?,
    ))
}

fn pdf(bytes: Vec<u8>, name: String, sha: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.pdf\""),
        ))
        .insert_header((header::ETAG, format!("\"{sha}\"")))
        .body(bytes)
}

/// A participant's agreements, every version.
///
/// Whoever may see the participant: admins, coordinators, accountants, the participant, their
/// library's users and users of the mobility's host; committee users and others get 404
/// `participant.not_found`. Returns every agreement of the participant (grant, learning and the
/// Europass record), all versions including superseded ones, ordered by kind and version, each
/// with its parties' signature status and content; `updated_since` filters.
#[utoipa::path(
    tag = "agreements", operation_id = "listAgreements",
    params(("id" = Uuid, Path, description = "Participant id"), PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Agreements by kind and version", body = Page<AgreementDto>),
        (status = 404, description = "No such participant, or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/agreements")]
async fn list_agreements(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let mut agreements = service::list(&state.db, &user, *id).await?;
    agreements.retain(|a| since.updated_since.is_none_or(|s| a.updated_at >= s));
    let mut agreements = page.page_of(agreements, |a| a.id);
    let out = service::dtos(&state.db, agreements.take_items()).await?;
    Ok(HttpResponse::Ok().json(agreements.with_items(out)))
}

/// Issue an agreement (coordinators), filled from the mobility and participant.
///
/// `grant`: ZSK, the participant and the library; `learning`: ZSK, the host and the
/// participant. Content: dates, host, programme, goals, learning outcomes, what the project
/// pays and what the employer pays, recognition by Europass, the obligations afterwards.
///
/// Admins and coordinators only (other viewers get 403, the rest 404). Issues version 1 of the
/// participant's `grant` (ZSK, participant, library) or `learning` (ZSK, host, participant)
/// agreement as a `draft`, filled from project, mobility and participant, with its PDF's
/// SHA-256, and writes an audit entry. A current agreement of that kind is 409
/// `agreement.exists`; the participant's status is not checked.
#[utoipa::path(
    tag = "agreements", operation_id = "createAgreement",
    params(("id" = Uuid, Path, description = "Participant id")),
    request_body = CreateAgreementRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued as a draft, version 1", body = AgreementDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such participant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already issued (`agreement.exists`): amend it; or the participant changed while the document was prepared (`agreement.busy`): try again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/participants/{id}/agreements")]
async fn create_agreement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateAgreementRequest>,
) -> ApiResult<HttpResponse> {
    let a = service::create(&state.db, state.blobs.as_ref(), &user, *id, body.kind).await?;
    let location = format!("/agreements/{}", a.id);
    respond(&state, StatusCode::CREATED, a)
        .await
        .map(|r| crate::http::created(r, location))
}

/// Get an agreement version, with who has signed it.
///
/// Whoever may see the agreement's participant (admins, coordinators, accountants, the
/// participant, their library, the host's users), plus the project's `responsible_person`
/// whatever their role; others get 404 `agreement.not_found`. Returns one version with its
/// status (`draft`, `awaiting_signatures`, `signed`, `superseded`), parties and who signed how
/// and when, the content, `document_sha256` and an `ETag`.
#[utoipa::path(
    tag = "agreements", operation_id = "getAgreement",
    params(("id" = Uuid, Path, description = "Agreement id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement", body = AgreementDto, headers(("ETag" = String))),
        (status = 404, description = "No such agreement, or not visible (`agreement.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/agreements/{id}")]
async fn get_agreement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::visible(&state.db, &user, *id).await?;
    respond(&state, StatusCode::OK, a).await
}

/// Change an agreement (coordinators). A draft nobody has signed changes in place; after any
/// signature the change makes version n+1 and the old version is superseded (read-only).
///
/// Admins and coordinators; a host user of the mobility's host only for `skills_acquired` of a
/// Europass record (otherwise 403). A version nobody has signed changes in place (new
/// `document_sha256`); after any signature the change supersedes it with version n+1 as a draft
/// (for grant and learning this reopens the `sign_agreements` task). Refused:
/// `agreement.superseded` (409), end before start (422), stale `If-Match` (412); an unchanged
/// body changes nothing.
#[utoipa::path(
    tag = "agreements", operation_id = "updateAgreement",
    params(("id" = Uuid, Path, description = "Agreement id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateAgreementRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed (or new) version", body = AgreementDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A superseded version (`agreement.superseded`); or the agreement changed while the document was prepared (`agreement.busy`): try again", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/agreements/{id}")]
async fn update_agreement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateAgreementRequest>,
) -> ApiResult<HttpResponse> {
    let a = service::update(
        &state.db,
        state.blobs.as_ref(),
        &user,
        *id,
        body.into_inner(),
        |a| if_match.check(&etag(a.id, a.updated_at)),
    )
    .await?;
    respond(&state, StatusCode::OK, a).await
}

/// Amend an agreement (coordinators): version n+1, to be signed again.
///
/// Admins and coordinators only (others who can see it get 403, the rest 404). Supersedes the
/// current version and creates version n+1 with the same content, except the signatories and
/// the amounts from the unit costs, which are taken anew (rates entered or changed since
/// issuing give the new amounts), as a `draft` to be signed
/// again by every party; the `sign_agreements` task reopens and a `contracted` participant can
/// fall back to `selected`, and an `amend` audit entry is written. A superseded version cannot
/// be amended: 409 `agreement.superseded`.
#[utoipa::path(
    tag = "agreements", operation_id = "amendAgreement",
    params(("id" = Uuid, Path, description = "Agreement id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new version", body = AgreementDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already superseded (`agreement.superseded`); or it changed while the document was prepared (`agreement.busy`): try again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/agreements/{id}/amend")]
async fn amend_agreement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::amend(&state.db, state.blobs.as_ref(), &user, *id).await?;
    let location = format!("/agreements/{}", a.id);
    respond(&state, StatusCode::CREATED, a)
        .await
        .map(|r| crate::http::created(r, location))
}

/// The agreement as PDF; the same version always gives the same bytes (`document_sha256`).
///
/// Whoever may see the agreement (its participant's viewers and the project's responsible
/// person); others get 404 `agreement.not_found`. Returns the version as a PDF attachment,
/// rendered from its stored content so the same version always gives the same bytes, with
/// `document_sha256` as `ETag`; this is the hash a signature must name. Superseded versions can
/// still be downloaded.
#[utoipa::path(
    tag = "agreements", operation_id = "getAgreementDocument",
    params(("id" = Uuid, Path, description = "Agreement id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/agreements/{id}/document")]
async fn agreement_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let (a, bytes) = service::document(&state.db, state.blobs.as_ref(), &user, *id).await?;
    Ok(pdf(
        bytes,
        format!("{}-{}-v{}", a.kind, a.participant_id, a.version),
        &a.document_sha256,
    ))
}

/// Upload a signed copy (a scan, or a digitally signed PDF) for a signature. Parties only.
///
/// Only a user who may sign for one of the parties (the participant, their library's `library`
/// users, the host's users, coordinators/admins or the responsible person for ZSK); other
/// viewers get 403, the rest 404. Stores a signed PDF (part `file`), noting any digital
/// signature and signer, with an audit entry; pass its id as `evidence_id` when signing.
/// Refused: `document.not_pdf`, `document.too_large`, `document.file_missing`.
#[utoipa::path(
    tag = "agreements", operation_id = "uploadAgreementEvidence",
    params(("id" = Uuid, Path, description = "Agreement id")),
    request_body(content = crate::http::upload::FileUpload, content_type = "multipart/form-data", description = "A part named `file` with the PDF"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = EvidenceDto),
        (status = 403, description = "Not a party", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the size limit (`document.too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF (`document.not_pdf`) or not multipart", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No part named `file`; a PDF that needs too much work to read (`document.too_complex`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy with other heavy requests (`service.busy`), with `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/agreements/{id}/evidence")]
async fn upload_evidence(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    service::visible(&state.db, &user, *id).await?;
    let (filename, bytes) =
        crate::http::upload::read_file(&req, payload, state.settings.upload_max_bytes).await?;
    let e = service::add_evidence(
        &state.db,
        state.blobs.as_ref(),
        &user,
        *id,
        &filename,
        bytes,
    )
    .await?;
    let location = format!("/agreements/{}", *id);
    Ok(crate::http::created(
        HttpResponse::Created().json(EvidenceDto::from(e)),
        location,
    ))
}

/// Sign for one's own party.
///
/// The participant's user for `participant`; a `library` user of that library; a `host`
/// user of the host; for `zsk` a coordinator or the project's responsible person. Methods:
/// `in_app` (with `confirm: true`), `scanned_handwritten` (an uploaded scan),
/// `qualified_electronic` (an uploaded PDF with a verified digital signature whose certificate
/// names the signer, `signer_name` or the caller's name; another party signing electronically
/// with the same upload needs a signature of its own). The signature
/// names the version and document hash: in the body, or by sending the agreement's `ETag` (as
/// any answer about the agreement gives it) in `If-Match` and leaving them out, so a client
/// signs without reading the agreement first (412 if it changed since; one of the two is
/// required, 422 otherwise). When every party has signed the agreement is `signed`, and with
/// both agreements signed the participant is `contracted`.
///
/// Own party only: the participant, their library's `library` user, the host's `host` user, or
/// for `zsk` coordinators/admins or the responsible person (else 403). Once every party has
/// signed the version it is `signed` (else `awaiting_signatures`); grant and learning both
/// signed make the participant `contracted`. Refused: `agreement.stale_version`,
/// `agreement.already_signed`, `agreement.unknown_party`, `agreement.confirmation_required`,
/// `signature.document_required`, `signature.not_digitally_signed`,
/// `signature.signer_mismatch`, `signature.same_pdf_signature`, `signature.other_document`
/// (a digitally signed upload that is not this version's own PDF, signed).
#[utoipa::path(
    tag = "agreements", operation_id = "signAgreement",
    params(
        ("id" = Uuid, Path, description = "Agreement id"),
        ("If-Match" = Option<String>, Header, description = "The agreement's ETag: signs the version it names without `version` and `document_sha256` in the body; 412 if the agreement changed since"),
    ),
    request_body = SignAgreementRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agreement with its signatures", body = AgreementDto),
        (status = 403, description = "Not allowed to sign for that party", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`agreement.stale_version` (a superseded version, or another version or hash), `agreement.already_signed`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an earlier state of the agreement", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither version and hash nor If-Match (`validation.failed`), `agreement.unknown_party`, `agreement.confirmation_required`, `signature.document_required`, `signature.not_digitally_signed`, `signature.signer_mismatch`, `signature.same_pdf_signature`, `signature.other_document`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/agreements/{id}/signatures")]
async fn sign_agreement(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<SignAgreementRequest>,
) -> ApiResult<HttpResponse> {
    let a = service::sign(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
        &if_match,
    )
    .await?;
    respond(&state, StatusCode::OK, a).await
}

/// The participant's Europass Mobility record (JSON): holder, sending and host organisation,
/// mentor, objectives, activities, dates, skills acquired, language, signatures.
///
/// Whoever may see the participant: admins, coordinators, accountants, the participant, their
/// library's users and the host's users; others get 404 `participant.not_found`. Returns the
/// current Europass Mobility record (kind `europass`, parties ZSK and host) with content,
/// signatures, version and `ETag`. If none has been opened yet it is 404 `europass.not_found`.
#[utoipa::path(
    tag = "agreements", operation_id = "getEuropass",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", body = AgreementDto),
        (status = 404, description = "None yet (`europass.not_found`), or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/europass")]
async fn get_europass(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::europass(&state.db, &user, *id).await?;
    respond(&state, StatusCode::OK, a).await
}

/// Create or change the Europass record. Coordinators write it; the host writes
/// `skills_acquired`. ZSK (sending) and the host sign it like an agreement
/// (`POST /agreements/{id}/signatures`); a change after a signature makes a new version.
///
/// Admins and coordinators open the record (version 1, filled from mobility and participant)
/// and change any field; a `host` user of the host may only write `skills_acquired`; other
/// viewers get 403, the rest 404. An unsigned version changes in place; a change after a
/// signature supersedes it with version n+1 to be signed again; audit entries are written. An
/// end date before the start is 422.
#[utoipa::path(
    tag = "agreements", operation_id = "putEuropass",
    params(("id" = Uuid, Path, description = "Participant id")),
    request_body = UpdateAgreementRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", body = AgreementDto),
        (status = 403, description = "Neither a coordinator nor (for the skills) the host", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A superseded version (`agreement.superseded`); or the agreement changed while the document was prepared (`agreement.busy`): try again", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "End before start (`validation.failed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/participants/{id}/europass")]
async fn put_europass(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<UpdateAgreementRequest>,
) -> ApiResult<HttpResponse> {
    let a = service::put_europass(
        &state.db,
        state.blobs.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    respond(&state, StatusCode::OK, a).await
}

/// The Europass Mobility record as PDF.
///
/// Whoever may see the participant (admins, coordinators, accountants, the participant, their
/// library, the host's users); others get 404 `participant.not_found`. Returns the current
/// Europass Mobility record as a PDF attachment with its `document_sha256` as `ETag`: the hash
/// ZSK and the host must name when signing it via `signAgreement`. Without a record it is 404
/// `europass.not_found`.
#[utoipa::path(
    tag = "agreements", operation_id = "getEuropassDocument",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "None yet, or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/europass/document")]
async fn europass_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let a = service::europass(&state.db, &user, *id).await?;
    let (a, bytes) = service::document(&state.db, state.blobs.as_ref(), &user, a.id).await?;
    Ok(pdf(
        bytes,
        format!("europass-{}-v{}", a.participant_id, a.version),
        &a.document_sha256,
    ))
}
