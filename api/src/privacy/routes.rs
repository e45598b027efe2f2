//! `GET /api/v1/personal-data`: a person's data, for an admin answering their request.

use crate::audit::{self, Actor};
use crate::http::auth::{Admins, Gated};
use crate::http::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(export_personal_data);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// The person's e-mail address (as a user, an applicant or a participant), compared
    /// without regard to case.
    #[param(max_length = 254, example = "maja.kovac@knjiznica.example")]
    pub email: String,
}

/// Everything the service holds about one person (GDPR Art. 15 and 20).
///
/// Admins only: for answering a person's request to see, or take away, their data. Finds the
/// person by e-mail as a user, an applicant and a participant, and answers a ZIP:
/// `personal-data.json` (every record, by kind: the user record without its password hash,
/// applications with their documents and signatures, participations with travel details,
/// agreements, signatures and evidence, costs, dissemination, attendance, report,
/// questionnaire answers, the e-mail sent to them, the audit entries of what they did, their
/// calendar feeds) and under `files/` the documents they provided. 404
/// `personal_data.not_found` when nothing is held about that address. The export is audited
/// (without the address).
#[utoipa::path(
    tag = "users",
    operation_id = "exportPersonalData",
    params(PersonQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ZIP", content_type = "application/zip", body = Vec<u8>),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing is held about this address (`personal_data.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/personal-data")]
async fn export_personal_data(
    state: web::Data<AppState>,
    admin: Gated<Admins>,
    q: web::Query<PersonQuery>,
) -> ApiResult<HttpResponse> {
    let found = super::export::collect(&state.db, &q.email).await?;
    if !found.any {
        return Err(ApiError::not_found("personal_data"));
    }
    let bytes = super::export::zip(found, state.blobs.as_ref()).await?;
    // Which record the export was about, without writing the address into the log.
    let subject = crate::storage::sha256_hex(q.email.trim().to_lowercase().as_bytes());
    audit::record(
        &state.db,
        &Actor::from(&admin.user),
        "export",
        "personal_data",
        &subject[..32],
        &[],
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"personal-data.zip\"",
        ))
        .body(bytes))
}
