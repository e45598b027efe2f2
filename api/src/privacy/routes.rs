//! `GET /api/v1/personal-data`: a person's data, for an admin answering their request.

use super::erase::ErasureReport;
use crate::audit::{self, Actor};
use crate::http::auth::{Admins, Gated};
use crate::http::{ApiError, ApiResult, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(export_personal_data)
        .service(erase_personal_data);
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "maja.kovac@knjiznica.example"}))]
pub struct ErasureRequest {
    /// The person's e-mail address (as a user, an applicant or a participant), compared
    /// without regard to case.
    #[validate(length(min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    /// Also erase this name where digital stories list it among their contributors (older
    /// adults at the workshops have no account or address), compared without regard to case
    /// or spacing.
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300, example = "Ana Novak")]
    pub contributor_name: Option<String>,
}

/// Erase a person's data (GDPR Art. 17).
///
/// Admins only, after the person asked and their identity was checked. Anonymises the
/// person's fields everywhere the export finds them: the account is closed and renamed
/// (`[erased]`, an `@erased.invalid` address), its logins, calendar feeds and stored responses
/// end; travel details are deleted; applications they were not selected on lose every personal
/// field and their documents (files included), keeping status and scores; the e-mail sent to
/// them loses its text; audit entries no longer name them. What an Erasmus+ audit may ask for
/// is kept until the project's end plus `MOBILITY_RECORD_RETENTION_YEARS` (5): the
/// participant's name, their signed agreements, costs, report and the application they were
/// selected on; the answer lists what was kept, why and until when. Events and webhook
/// deliveries carry ids only; backups age out by their own retention. With
/// `contributor_name`, the name is also replaced by `[erased]` in every digital story's
/// contributor list (the consent record stays; a story already on Kamra is withdrawn there
/// with Kamra's editors). Audited without the address. 404 `personal_data.not_found` when nothing is held about it; nobody erases their
/// own account (403 `user.self_change`), so an active admin, the caller, always stays.
#[utoipa::path(
    tag = "users",
    operation_id = "erasePersonalData",
    request_body = ErasureRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Erased; what was kept and why", body = ErasureReport),
        (status = 403, description = "Not an admin, or the caller's own address (`user.self_change`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Nothing is held about this address (`personal_data.not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/personal-data/erasure")]
async fn erase_personal_data(
    state: web::Data<AppState>,
    admin: Gated<Admins>,
    body: crate::http::Json<ErasureRequest>,
) -> ApiResult<HttpResponse> {
    let today = crate::clock::today(state.clock.as_ref());
    let report = super::erase::erase(
        &state.db,
        state.blobs.as_ref(),
        &Actor::from(&admin.user),
        &body.email,
        body.contributor_name.as_deref(),
        state.settings.record_retention_years,
        today,
    )
    .await?
    .ok_or_else(|| ApiError::not_found("personal_data"))?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonQuery {
    /// The person's e-mail address (as a user, an applicant or a participant), compared
    /// without regard to case.
    #[param(max_length = 254, example = "maja.kovac@knjiznica.example")]
    pub email: String,
    /// Also find this name among digital stories' contributors (older adults at the workshops
    /// have no account or address), compared without regard to case or spacing.
    #[param(max_length = 300, example = "Ana Novak")]
    pub contributor_name: Option<String>,
}

/// Everything the service holds about one person (GDPR Art. 15 and 20).
///
/// Admins only: for answering a person's request to see, or take away, their data. Finds the
/// person by e-mail as a user, an applicant and a participant, and answers a ZIP:
/// `personal-data.json` (every record, by kind: the user record without its password hash,
/// applications with their documents and signatures, participations with travel details,
/// agreements, signatures and evidence, costs, dissemination, attendance, report,
/// questionnaire answers, the e-mail sent to them, the audit entries of what they did, their
/// calendar feeds, and with `contributor_name` the digital stories that name them as a
/// contributor, with their consent) and under `files/` the documents they provided. 404
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
    let found = super::export::collect(&state.db, &q.email, q.contributor_name.as_deref()).await?;
    if !found.any {
        return Err(ApiError::not_found("personal_data"));
    }
    let bytes = super::export::zip(found, state.blobs.as_ref()).await?;
    // Which record the export was about, without writing the address into the log.
    let subject = super::subject_ref(&q.email);
    audit::record(
        &state.db,
        &Actor::from(&admin.user),
        "export",
        "personal_data",
        &subject,
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
