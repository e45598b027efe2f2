//! The satisfaction questionnaire, the participant's report and the mobility's evaluation over HTTP.

use super::dto::{
    EvaluationDto, QuestionnaireDto, QuestionnaireRequest, QuestionnaireResults, ReportDto,
    ReportRequest, ResponseRequest,
};
use super::service;
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use uuid::Uuid;

const P: &str = "application/problem+json";

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_questionnaire)
        .service(put_questionnaire)
        .service(questionnaire_results)
        .service(put_response)
        .service(get_report)
        .service(put_report)
        .service(submit_report)
        .service(get_evaluation);
}

/// The mobility's satisfaction questionnaire (a default set until a coordinator sets one).
///
/// Admins, coordinators and accountants; users of the mobility's host; `library` and
/// `participant` users with a participant in the mobility; committee users and others get 404
/// `mobility.not_found`. Returns the mobility's satisfaction questions (key, text, kind `scale`
/// 1–5, `single_choice` with options, or `free_text`); until a coordinator sets its own, the
/// seven default questions in Slovenian are returned.
#[utoipa::path(tag = "after", operation_id = "getQuestionnaire", params(("id" = Uuid, Path, description = "Mobility id")), security(("bearer" = [])),
    responses((status = 200, description = "Questions", body = QuestionnaireDto), (status = 404, description = "Not visible", body = Problem, content_type = P)))]
#[get("/mobilities/{id}/questionnaire")]
async fn get_questionnaire(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(QuestionnaireDto {
        mobility_id: *id,
        questions: service::visible_questions(&state.db, &user, *id).await?,
    }))
}

/// Set the questionnaire's questions (coordinators), until the first response.
///
/// Admins and coordinators only (403 otherwise). Replaces the mobility's questions and writes
/// an audit entry. At least one question, unique keys (1–40 characters), text 1–500 characters,
/// and at least two options for each `single_choice` question (422 `validation.failed`). Once
/// any participant of the mobility has answered the questions are fixed: 409
/// `questionnaire.locked`; an unknown mobility is 404 `mobility.not_found`.
#[utoipa::path(tag = "after", operation_id = "putQuestionnaire", params(("id" = Uuid, Path, description = "Mobility id")), request_body = QuestionnaireRequest, security(("bearer" = [])),
    responses((status = 200, description = "Questions", body = QuestionnaireDto), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such mobility", body = Problem, content_type = P), (status = 409, description = "Responses exist (`questionnaire.locked`)", body = Problem, content_type = P), (status = 422, description = "Invalid questions", body = Problem, content_type = P)))]
#[put("/mobilities/{id}/questionnaire")]
async fn put_questionnaire(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<QuestionnaireRequest>,
) -> ApiResult<HttpResponse> {
    let questions =
        service::set_questions(&state.db, &user, *id, body.into_inner().questions).await?;
    Ok(HttpResponse::Ok().json(QuestionnaireDto {
        mobility_id: *id,
        questions,
    }))
}

/// Questionnaire aggregates without names: means, distributions, free texts, completion.
///
/// Admins and coordinators only (403 otherwise; unknown mobility 404 `mobility.not_found`).
/// Returns aggregates over non-withdrawn participants without names: per question the number of
/// responses, the mean of scale answers, the distribution per value or option, and the
/// free-text answers in an order that points to nobody; plus the participant count, the
/// response count and per participant whether they have answered.
#[utoipa::path(tag = "after", operation_id = "getQuestionnaireResults", params(("id" = Uuid, Path, description = "Mobility id")), security(("bearer" = [])),
    responses((status = 200, description = "Aggregates", body = QuestionnaireResults), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such mobility", body = Problem, content_type = P)))]
#[get("/mobilities/{id}/questionnaire/results")]
async fn questionnaire_results(
    state: web::Data<AppState>,
    _staff: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    crate::mobilities::service::get_model(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(service::results(&state.db, *id).await?))
}

/// Answer the questionnaire (the participant, once, after the mobility).
///
/// Only the participant themself (other viewers get 403, the rest 404 `participant.not_found`).
/// Records their one response (204), audited without its content, and re-checks their
/// obligations, which may make them `completed`. Refused before the mobility is over (returned
/// or past its end date) or when withdrawn: 409 `questionnaire.not_open`; a second answer 409
/// `questionnaire.already_answered`; missing, unknown or invalid answers 422.
#[utoipa::path(tag = "after", operation_id = "putQuestionnaireResponse", params(("id" = Uuid, Path, description = "Participant id")), request_body = ResponseRequest, security(("bearer" = [])),
    responses((status = 204, description = "Recorded"), (status = 403, description = "Not the participant", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "`questionnaire.not_open` (before the end), `questionnaire.already_answered`", body = Problem, content_type = P), (status = 422, description = "Missing, out-of-range or unknown answers", body = Problem, content_type = P)))]
#[put("/participants/{id}/questionnaire-response")]
async fn put_response(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<ResponseRequest>,
) -> ApiResult<HttpResponse> {
    service::respond(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A participant's report and summary of findings (the participant and coordinators).
///
/// The participant themself, admins and coordinators; other viewers (library, host, accountant)
/// get 404 `report.not_found`, callers who cannot see the participant 404
/// `participant.not_found`. Returns the report: goals achieved, results, impacts, new ideas,
/// transfer possibilities, the optional full mobility report, its status (`draft` or
/// `submitted`) and `submitted_at`. None written yet: 404 `report.not_found`.
#[utoipa::path(tag = "after", operation_id = "getReport", params(("id" = Uuid, Path, description = "Participant id")), security(("bearer" = [])),
    responses((status = 200, description = "The report", body = ReportDto), (status = 404, description = "None yet, or not visible (`report.not_found`)", body = Problem, content_type = P)))]
#[get("/participants/{id}/report")]
async fn get_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ReportDto::from(
        service::report(&state.db, &user, *id).await?,
    )))
}

/// Write the report (the participant, after the mobility); editable until submitted.
///
/// Only the participant themself; coordinators and other viewers get 403. Replaces the report
/// as a `draft` with the five required findings (1–20,000 characters each) and the optional
/// full report text, and writes an audit entry; it can be saved repeatedly until submitted.
/// Refused before the mobility is over (returned or past its end date): 409 `report.not_open`;
/// after submission 409 `report.submitted`; empty fields 422.
#[utoipa::path(tag = "after", operation_id = "putReport", params(("id" = Uuid, Path, description = "Participant id")), request_body = ReportRequest, security(("bearer" = [])),
    responses((status = 200, description = "Saved as a draft", body = ReportDto), (status = 403, description = "Not the participant", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "`report.not_open`, `report.submitted`", body = Problem, content_type = P), (status = 422, description = "Empty fields", body = Problem, content_type = P)))]
#[put("/participants/{id}/report")]
async fn put_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<ReportRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ReportDto::from(
        service::put_report(
            &state.db,
            state.clock.as_ref(),
            &user,
            *id,
            body.into_inner(),
        )
        .await?,
    )))
}

/// Submit the report: it can no longer change.
///
/// Only the participant themself (other viewers get 403). Locks the saved report as `submitted`
/// with `submitted_at`, writes a `submit` audit entry and re-checks the participant's
/// obligations (the report obligation is met; all met makes them `completed`). Without a saved
/// report it is 404 `report.not_found`; a report already submitted is 409 `report.submitted`.
#[utoipa::path(tag = "after", operation_id = "submitReport", params(("id" = Uuid, Path, description = "Participant id")), security(("bearer" = [])),
    responses((status = 200, description = "Submitted", body = ReportDto), (status = 403, description = "Not the participant", body = Problem, content_type = P), (status = 404, description = "No report yet", body = Problem, content_type = P), (status = 409, description = "Already submitted (`report.submitted`)", body = Problem, content_type = P)))]
#[post("/participants/{id}/report/submit")]
async fn submit_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(ReportDto::from(
        service::submit_report(&state.db, state.clock.as_ref(), &user, *id).await?,
    )))
}

/// The mobility report for coordinators: questionnaire aggregates, oral evaluations, all findings.
///
/// Admins and coordinators only (403 otherwise; unknown mobility 404 `mobility.not_found`).
/// Returns the material for the mobility report: the questionnaire aggregates, each evaluation
/// meeting with the number who attended, the number of submitted reports, and the findings of
/// every non-withdrawn participant's report, drafts included, by participant id.
#[utoipa::path(tag = "after", operation_id = "getEvaluation", params(("id" = Uuid, Path, description = "Mobility id")), security(("bearer" = [])),
    responses((status = 200, description = "The evaluation", body = EvaluationDto), (status = 403, description = "Not a coordinator", body = Problem, content_type = P), (status = 404, description = "No such mobility", body = Problem, content_type = P)))]
#[get("/mobilities/{id}/evaluation")]
async fn get_evaluation(
    state: web::Data<AppState>,
    _staff: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    crate::mobilities::service::get_model(&state.db, *id).await?;
    Ok(HttpResponse::Ok().json(service::evaluation(&state.db, *id).await?))
}
