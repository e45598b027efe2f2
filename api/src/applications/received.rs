//! `POST /api/v1/calls/{id}/received-applications`: an application that arrived by e-mail,
//! keyed in with its signed scan and both signatures (and submitted) in one request and one
//! transaction: all of it is recorded, or nothing.

use super::dto::{ApplicationDto, CreateApplicationRequest, CreateSignatureRequest};
use super::service;
use crate::db::begin_write;
use crate::http::upload::read_form;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use entity::enums::{ReceivedVia, Role, SignatureMethod, SignerRole};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

const P: &str = "application/problem+json";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(record_received_application);
}

/// A handwritten signature on the scan, as the form's `signatures` part lists it.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReceivedSignature {
    pub signer_role: SignerRole,
    #[validate(length(min = 1, max = 200), custom(function = crate::http::checks::not_blank))]
    #[schema(min_length = 1, max_length = 200)]
    pub signer_name: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub signer_position: Option<String>,
    /// When it was signed, as the scan shows; default: now. Not after `received_at`.
    pub signed_at: Option<DateTime<Utc>>,
}

/// The form: the application as JSON, the scan, the signatures on it as a JSON list, and
/// whether to submit it.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ReceivedApplicationForm {
    /// The application as JSON, as `createApplication` takes it, with `received_at` (when the
    /// e-mail arrived); `received_via` is `email`.
    #[schema(value_type = String, example = r#"{"mobility_id": "…", "library_id": "…", "applicant": {…}, "motivation": "…", "expected_use": "…", "language_skills": "…", "fewer_opportunities": false, "received_at": "2025-11-07T18:12:00Z"}"#)]
    pub application: String,
    /// The signed scan (PDF, checked by content).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The handwritten signatures on the scan as a JSON list of `ReceivedSignature`, at most
    /// one per role, e.g. `[{"signer_role": "participant", "signer_name": "Maja Kovač"},
    /// {"signer_role": "library_director", "signer_name": "Ana Novak", "signer_position":
    /// "direktorica"}]`.
    #[schema(value_type = String)]
    pub signatures: String,
    /// `true` to submit it as well (with both signatures it counts from `received_at`).
    #[schema(value_type = Option<bool>)]
    pub submit: Option<String>,
}

fn part_json<T: serde::de::DeserializeOwned>(field: &str, text: Option<&String>) -> ApiResult<T> {
    let text = text.ok_or_else(|| {
        ApiError::invalid_field(
            field,
            "required",
            format!("the form needs a `{field}` part"),
        )
    })?;
    serde_json::from_str(text).map_err(|e| {
        ApiError::invalid_field(
            field,
            "invalid_json",
            format!("is not the expected JSON: {e}"),
        )
    })
}

/// Key in an application that arrived by e-mail, in one request.
///
/// Coordinators and admins (others get 403). A `multipart/form-data` form: `application` (the
/// application as JSON, as `createApplication` takes it, with `received_at`, the time the
/// e-mail arrived), `file` (the signed scan, a PDF), `signatures` (the handwritten signatures
/// on the scan as a JSON list, at most one per role) and `submit` (`true` to submit it too).
/// One transaction: the draft, the document, the signatures and the submission are all
/// recorded, or, when any is refused, none (the answer names what was refused, with the code
/// the single operation gives). Answers the application as `getApplication` does.
#[utoipa::path(
    tag = "applications", operation_id = "recordReceivedApplication",
    params(("id" = Uuid, Path, description = "Call id")),
    request_body(content = ReceivedApplicationForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded (and submitted, if asked)", body = ApplicationDto),
        (status = 400, description = "A form with a part it does not take", body = Problem, content_type = P),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = P),
        (status = 404, description = "No such call", body = Problem, content_type = P),
        (status = 409, description = "The library already applied for this mobility (`application.duplicate`)", body = Problem, content_type = P),
        (status = 413, description = "Too large", body = Problem, content_type = P),
        (status = 415, description = "Not a form, or the scan is not a PDF (`document.not_pdf`)", body = Problem, content_type = P),
        (status = 422, description = "Invalid or missing parts or fields; the codes of `createApplication`, `createApplicationSignature` and `submitApplication`", body = Problem, content_type = P),
        (status = 503, description = "Busy reading other uploads (`service.busy`), with `Retry-After`", body = Problem, content_type = P),
    )
)]
#[post("/calls/{id}/received-applications")]
async fn record_received_application(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Coordinator])?;
    let (file, fields) = read_form(
        &req,
        payload,
        state.settings.upload_max_bytes,
        &["application", "signatures", "submit"],
    )
    .await?;
    let mut application: CreateApplicationRequest =
        part_json("application", fields.get("application"))?;
    application.received_via = Some(ReceivedVia::Email);
    application.validate().map_err(ApiError::from)?;
    let signatures: Vec<ReceivedSignature> = part_json("signatures", fields.get("signatures"))?;
    let mut errors = Vec::new();
    for (i, s) in signatures.iter().enumerate() {
        if let Err(e) = s.validate() {
            for (field, _) in e.field_errors() {
                errors.push(FieldError::new(
                    format!("signatures.{i}.{field}"),
                    "invalid",
                    "is not valid",
                ));
            }
        }
        // Signed on the scan that came by e-mail: not after the e-mail arrived.
        if let (Some(signed), Some(arrived)) = (s.signed_at, application.received_at)
            && signed > arrived
        {
            errors.push(FieldError::new(
                format!("signatures.{i}.signed_at"),
                "after_receipt",
                "must not be after received_at, when the signed scan arrived",
            ));
        }
        if signatures[..i]
            .iter()
            .any(|o| o.signer_role == s.signer_role)
        {
            errors.push(FieldError::new(
                format!("signatures.{i}.signer_role"),
                "duplicate",
                "one signature per role",
            ));
        }
    }
    let submit = match fields.get("submit").map(|s| s.trim()) {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(FieldError::new("submit", "type", "must be true or false"));
            false
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let (filename, bytes) = file.ok_or_else(|| {
        ApiError::unprocessable(
            "document.file_missing",
            "The body has no part named `file`.",
        )
    })?;
    let stored = service::store_pdf(state.blobs.as_ref(), &filename, bytes).await?;
    let clock = state.clock.as_ref();
    let txn = begin_write(&state.db).await?;
    let m = service::create_in(&txn, clock, &user, *id, application).await?;
    let (doc, _) = service::add_stored_document(&txn, &user, m.id, stored).await?;
    for s in signatures {
        service::add_signature_in(
            &txn,
            clock,
            &user,
            m.id,
            CreateSignatureRequest {
                signer_role: s.signer_role,
                method: SignatureMethod::ScannedHandwritten,
                signer_name: s.signer_name,
                signer_position: s.signer_position,
                signed_at: s.signed_at,
                document_id: Some(doc.id),
            },
        )
        .await?;
    }
    let m = if submit {
        service::submit_in(&txn, clock, &user, m.id).await?
    } else {
        service::get_model(&txn, m.id).await?
    };
    txn.commit().await?;
    let location = format!("/applications/{}", m.id);
    super::routes::respond(&state, &user, StatusCode::CREATED, m)
        .await
        .map(|r| crate::http::created(r, location))
}
