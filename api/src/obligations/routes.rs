//! Obligations, their deadlines, progress, indicators and exports over HTTP.

use super::dto::{DeadlineRule, DeadlineRules, IndicatorsDto, ObligationsDto, ProgressDto};
use super::{exports, policy, service};
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, put, web};
use uuid::Uuid;

const P: &str = "application/problem+json";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_obligations)
        .service(get_deadlines)
        .service(put_deadlines)
        .service(get_progress)
        .service(get_indicators)
        .service(get_public_indicators)
        .service(export_csv);
}

/// A participant's obligations after the mobility, derived from what is recorded:
/// `met`, `pending` or `overdue`, with the due date and the records that meet each.
///
/// Whoever may see the participant (admins, coordinators, accountants, the participant, their
/// library, the host's users); others get 404 `participant.not_found`. Derives each
/// after-mobility obligation of the track from recorded data as `met`, `pending` or `overdue`,
/// with due date and the records meeting it. Due dates count from the mobility's end date (the
/// recorded return only if it has none) or fall on the project's end. Read-only.
#[utoipa::path(tag = "after", operation_id = "getObligations", params(("id" = Uuid, Path, description = "Participant id")), security(("bearer" = [])),
    responses((status = 200, description = "Obligations", body = ObligationsDto), (status = 404, description = "Not visible", body = Problem, content_type = P)))]
#[get("/participants/{id}/obligations")]
async fn get_obligations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ObligationsDto {
        participant_id: *id,
        obligations: service::for_participant(&state.db, state.clock.as_ref(), &user, *id).await?,
    }))
}

/// The obligation deadlines in force for a mobility (its own, and the defaults).
///
/// Admins and coordinators only (403 otherwise; unknown mobility 404 `mobility.not_found`).
/// Returns, for every obligation of the mobility's track, the rule in force: the mobility's own
/// `days_after_return` or `date` where set, otherwise the default (questionnaire 14 days, oral
/// evaluation, report and library website 30, colleagues presentation 60, social-media posts 0;
/// the rest due at the project's end, shown as both null).
#[utoipa::path(tag = "after", operation_id = "getObligationDeadlines", params(("id" = Uuid, Path, description = "Mobility id")), security(("bearer" = [])),
    responses((status = 200, description = "Deadlines by obligation", body = BTreeMap<String, DeadlineRule>), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such mobility", body = Problem, content_type = P)))]
#[get("/mobilities/{id}/obligation-deadlines")]
async fn get_deadlines(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = crate::mobilities::service::get_model(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(service::deadlines(&m)))
}

/// Set a mobility's own deadlines: per obligation `days_after_return` or a `date`.
///
/// Admins and coordinators only (403 otherwise; unknown mobility 404 `mobility.not_found`).
/// Replaces the mobility's own deadline rules (obligations left out return to their defaults),
/// writes an audit entry and returns the rules in force. Each rule gives exactly one of
/// `days_after_return` (0–730) or a `date`; keys that are not obligations of the mobility's
/// track, or rules with both or neither, are 422 `validation.failed`.
#[utoipa::path(tag = "after", operation_id = "putObligationDeadlines", params(("id" = Uuid, Path, description = "Mobility id")), request_body = BTreeMap<String, DeadlineRule>, security(("bearer" = [])),
    responses((status = 200, description = "Deadlines in force", body = BTreeMap<String, DeadlineRule>), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such mobility", body = Problem, content_type = P), (status = 422, description = "Unknown obligations or rules", body = Problem, content_type = P)))]
#[put("/mobilities/{id}/obligation-deadlines")]
async fn put_deadlines(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<DeadlineRules>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(service::set_deadlines(&state.db, &user, *id, body.into_inner()).await?))
}

/// Progress of a mobility: each participant's obligations. Coordinators.
///
/// Admins and coordinators only (403 otherwise; unknown mobility 404 `mobility.not_found`).
/// Returns every non-withdrawn participant of the mobility, by name, with library, status,
/// counts of met, pending and overdue obligations and the obligations themselves, computed as
/// of today. Nothing changes.
#[utoipa::path(tag = "after", operation_id = "getProgress", params(("id" = Uuid, Path, description = "Mobility id")), security(("bearer" = [])),
    responses((status = 200, description = "Progress", body = ProgressDto), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such mobility", body = Problem, content_type = P)))]
#[get("/mobilities/{id}/progress")]
async fn get_progress(
    state: web::Data<AppState>,
    _staff: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    crate::mobilities::service::get_model(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(service::progress(&state.db, state.clock.as_ref(), *id).await?))
}

/// The project's indicators against its targets (coordinators, the accountant).
///
/// Admins, coordinators and accountants only (403 otherwise). Returns the project's indicators
/// against targets, over non-withdrawn participants: the public ones (participants, workshops
/// held, older adults reached, learning needs, presentations, publications, posts, stories
/// published, libraries adopting practice) plus fewer-opportunities participants, signed
/// grant/learning agreements, questionnaires, reports and completions. Unknown project: 404
/// `project.not_found`.
#[utoipa::path(tag = "after", operation_id = "getIndicators", params(("id" = Uuid, Path, description = "Project id")), security(("bearer" = [])),
    responses((status = 200, description = "Indicators", body = IndicatorsDto), (status = 403, description = "Not a coordinator or accountant", body = Problem, content_type = P), (status = 404, description = "No such project", body = Problem, content_type = P)))]
#[get("/projects/{id}/indicators")]
async fn get_indicators(
    state: web::Data<AppState>,
    _user: crate::http::Gated<policy::StaffOrAccountant>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(exports::indicators(&state.db, *id, false).await?))
}

/// The project's public indicators: aggregates only. Anyone.
///
/// Public: no token needed. Returns only the aggregate indicators of the project against its
/// targets (participants, workshops held, older adults reached, learning needs found,
/// presentations, publications, social-media posts, stories published, libraries adopting new
/// practice), without the internal ones such as fewer opportunities, agreements or reports.
/// Unknown project: 404 `project.not_found`.
#[utoipa::path(tag = "after", operation_id = "getPublicIndicators", params(("id" = Uuid, Path, description = "Project id")),
    responses((status = 200, description = "Indicators", body = IndicatorsDto), (status = 404, description = "No such project", body = Problem, content_type = P)))]
#[get("/projects/{id}/indicators/public")]
async fn get_public_indicators(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(exports::indicators(&state.db, *id, true).await?))
}

/// CSV exports for the final report (UTF-8 with BOM, `;`): `participants`, `activities` (the
/// Beneficiary Module's activity columns as far as known), `dissemination`, `workshops`.
///
/// Admins and coordinators only (403 otherwise). Returns a CSV for the final report (UTF-8 with
/// BOM, `;` unless `delimiter=comma`) of non-withdrawn participants' data: `participants` (with
/// e-mail and fewer-opportunities flag), `activities` (the Beneficiary Module's columns as far
/// as known, with distance band and green travel), `dissemination` or `workshops`. Any other
/// name is 404 `export.not_found`; an unknown project 404 `project.not_found`.
#[utoipa::path(tag = "after", operation_id = "exportCsv", params(("id" = Uuid, Path, description = "Project id"), ("name" = inline(ExportName), Path, description = "participants, activities, dissemination or workshops"), crate::http::csv::CsvParams), security(("bearer" = [])),
    responses((status = 200, description = "The CSV file", content_type = "text/csv", body = String), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such project or export (`export.not_found`)", body = Problem, content_type = P)))]
#[get("/projects/{id}/exports/{name}.csv")]
async fn export_csv(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Staff>,
    path: web::Path<(Uuid, String)>,
    csv: web::Query<crate::http::csv::CsvParams>,
) -> ApiResult<HttpResponse> {
    let (id, name) = path.into_inner();
    let bytes = exports::export(&state.db, id, &name, csv.delimiter()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(bytes))
}

/// The CSV exports of a project (the document's enum; another name is 404 `export.not_found`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum ExportName {
    Participants,
    Activities,
    Dissemination,
    Workshops,
}
