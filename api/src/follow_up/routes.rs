use super::dissemination::{
    self, DisseminationDto, DisseminationRequest, UpdateDisseminationRequest,
};
use super::evaluation::{
    self, EvaluationDto, QuestionnaireDto, QuestionnaireRequest, QuestionnaireResults, ReportDto,
    ReportRequest, ResponseRequest,
};
use super::exports::{self, IndicatorsDto};
use super::obligations::{self, DeadlineRule, ObligationsDto, ProgressDto};
use super::practice::{self, AdoptionDto, CreateAdoptionRequest, UpdateAdoptionRequest};
use super::stories::{
    self, CreateStoryRequest, MediaDto, PublishRequest, StoryDto, UpdateMediaRequest,
    UpdateStoryRequest,
};
use super::workshops::{
    self, CreateWorkshopRequest, UpdateWorkshopRequest, WorkshopDto, WorkshopQuery, WorkshopReport,
};
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::{Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use entity::enums::StoryStatus;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_questionnaire)
        .service(put_questionnaire)
        .service(questionnaire_results)
        .service(put_response)
        .service(get_report)
        .service(put_report)
        .service(submit_report)
        .service(get_evaluation)
        .service(list_dissemination)
        .service(create_dissemination)
        .service(get_dissemination)
        .service(update_dissemination)
        .service(delete_dissemination)
        .service(dissemination_evidence)
        .service(list_workshops)
        .service(create_workshop)
        .service(get_workshop)
        .service(update_workshop)
        .service(put_workshop_report)
        .service(put_plan_document)
        .service(get_plan_document)
        .service(list_stories)
        .service(create_story)
        .service(get_story)
        .service(update_story)
        .service(add_story_media)
        .service(update_story_media)
        .service(submit_story)
        .service(publish_story)
        .service(kamra_package)
        .service(list_adoptions)
        .service(create_adoption)
        .service(get_adoption)
        .service(update_adoption)
        .service(get_obligations)
        .service(get_deadlines)
        .service(put_deadlines)
        .service(get_progress)
        .service(get_indicators)
        .service(get_public_indicators)
        .service(export_csv);
}

const P: &str = "application/problem+json";

/// The mobility exists (its callers are gated to coordinators already).
async fn staff_mobility(state: &AppState, _user: &AuthUser, id: Uuid) -> ApiResult<()> {
    entity::mobility::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    Ok(())
}
use sea_orm::EntityTrait;

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
    let m = entity::mobility::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    if !crate::preparation::meetings::can_see_mobility(&state.db, &user, &m).await? {
        return Err(ApiError::not_found("mobility"));
    }
    Ok(HttpResponse::Ok().json(QuestionnaireDto {
        mobility_id: *id,
        questions: evaluation::questions(&state.db, *id).await?,
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
        evaluation::set_questions(&state.db, &user, *id, body.into_inner().questions).await?;
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
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    staff_mobility(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(evaluation::results(&state.db, *id).await?))
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
    evaluation::respond(
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
        evaluation::report(&state.db, &user, *id).await?,
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
        evaluation::put_report(
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
        evaluation::submit_report(&state.db, state.clock.as_ref(), &user, *id).await?,
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
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    staff_mobility(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(evaluation::evaluation(&state.db, *id).await?))
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
    let mut items = dissemination::list(&state.db, &user, *id).await?;
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
    let mut out = Vec::new();
    for i in items.take_items() {
        out.push(dissemination::dto(&state.db, i).await?);
    }
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
    let m = dissemination::create(
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
        json_with_etag(
            StatusCode::CREATED,
            tag,
            &dissemination::dto(&state.db, m).await?,
        ),
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
    let (m, _) = dissemination::visible(&state.db, &user, *id).await?;
    let tag = etag(m.id, m.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &dissemination::dto(&state.db, m).await?,
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
    let m = dissemination::update(
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
        &dissemination::dto(&state.db, m).await?,
    ))
}

/// Delete a knowledge-sharing item.
///
/// Callers who may record for one of the item's participants (that participant, their library's
/// users, coordinators, admins); other viewers get 403, the rest 404 `dissemination.not_found`.
/// Deletes the item for every participant it belongs to, writes an audit entry and re-checks
/// their obligations, so a `completed` participant can fall back to `travelled`. No `If-Match`
/// is taken.
#[utoipa::path(tag = "after", operation_id = "deleteDissemination", params(("id" = Uuid, Path, description = "Item id")), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), (status = 403, description = "May not delete it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P)))]
#[delete("/dissemination/{id}")]
async fn delete_dissemination(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    dissemination::delete(&state.db, state.clock.as_ref(), &user, *id).await?;
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
    responses((status = 200, description = "Attached", body = DisseminationDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 413, description = "Too large", body = Problem, content_type = P), (status = 415, description = "Not a PDF, JPEG, PNG, MP3, OGG or WAV (`document.unsupported_type`)", body = Problem, content_type = P), (status = 422, description = "No part named `file` (`document.file_missing`)", body = Problem, content_type = P)))]
#[post("/dissemination/{id}/evidence")]
async fn dissemination_evidence(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    dissemination::visible(&state.db, &user, *id).await?;
    let (name, bytes) =
        crate::http::upload::read_file(&req, payload, state.settings.upload_max_bytes).await?;
    let m = dissemination::add_evidence(&state.db, state.blobs.as_ref(), &user, *id, &name, bytes)
        .await?;
    Ok(HttpResponse::Ok().json(dissemination::dto(&state.db, m).await?))
}

/// Local workshops, as far as the caller may see them.
///
/// Admins, coordinators and accountants see all workshops; `library` and `participant` users
/// those of their own organisation; committee and host users get 403. Returns a page of
/// workshops with status (`planned`, `held`, `reported`), dates, facilitators, anonymous
/// attendee figures and report, filterable by mobility, library, status and `updated_since`,
/// oldest first unless `sort` says otherwise.
#[utoipa::path(tag = "after", operation_id = "listWorkshops", params(WorkshopQuery, PageParams, UpdatedSince), security(("bearer" = [])),
    responses((status = 200, description = "Workshops", body = Page<WorkshopDto>), (status = 403, description = "Hosts see none", body = Problem, content_type = P)))]
#[get("/workshops")]
async fn list_workshops(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<WorkshopQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    Ok(HttpResponse::Ok()
        .json(workshops::list(&state.db, &user, q, since.into_inner(), page).await?))
}

/// Plan the library's workshop for a mobility (one per library per mobility; its kind
/// follows the mobility's track).
///
/// A `library` user for its own library; admins and coordinators name `library_id`; other roles
/// get 403. Creates it `planned`, its kind from the mobility's track (`dtfl_needs` or
/// `cultural_heritage`), audited. Refused: library without an active participant in the
/// mobility (422 `workshop.library_not_participating`), facilitators not its active
/// participants there or unknown mobility (422), a second one per library and mobility (409
/// `workshop.duplicate`).
#[utoipa::path(tag = "after", operation_id = "createWorkshop", request_body = CreateWorkshopRequest, security(("bearer" = [])),
    responses((status = 201, description = "Planned", body = WorkshopDto), (status = 403, description = "Not a library or coordinator", body = Problem, content_type = P), (status = 409, description = "The library already has one (`workshop.duplicate`)", body = Problem, content_type = P), (status = 422, description = "`workshop.library_not_participating`, facilitators who are not its participants", body = Problem, content_type = P)))]
#[post("/workshops")]
async fn create_workshop(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<CreateWorkshopRequest>,
) -> ApiResult<HttpResponse> {
    let w = workshops::create(&state.db, &user, body.into_inner()).await?;
    let location = format!("/workshops/{}", w.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            etag(w.id, w.updated_at),
            &WorkshopDto::from(w),
        ),
        location,
    ))
}

/// Get a workshop.
///
/// Admins, coordinators and accountants; users of the workshop's library and participant users
/// belonging to that library; committee, host and other users get 404 `workshop.not_found`.
/// Returns the workshop with its kind, status, planned content and document hash, dates,
/// facilitators, attendee count and anonymous profile, report and an `ETag`.
#[utoipa::path(tag = "after", operation_id = "getWorkshop", params(("id" = Uuid, Path, description = "Workshop id")), security(("bearer" = [])),
    responses((status = 200, description = "The workshop", body = WorkshopDto), (status = 404, description = "Not visible (`workshop.not_found`)", body = Problem, content_type = P)))]
#[get("/workshops/{id}")]
async fn get_workshop(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let w = workshops::visible(&state.db, &user, *id).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(w.id, w.updated_at),
        &WorkshopDto::from(w),
    ))
}

/// Change a workshop. With `held_on` (not in the future) and `attendees_count` it is `held`.
/// Attendees are anonymous figures only.
///
/// The library's `library` users, coordinators and admins (participant viewers get 403, others
/// 404). Changes title, plan, facilitators, `held_on`, attendee count and anonymous profile;
/// with `held_on` and a count a `planned` workshop becomes `held`; audited, and the library's
/// participants' obligations are re-checked. Refused (422): future `held_on`, `held_on` without
/// a count, a count outside 0–10,000, profile figures above the count; stale `If-Match` 412.
#[utoipa::path(tag = "after", operation_id = "updateWorkshop", params(("id" = Uuid, Path, description = "Workshop id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), request_body = UpdateWorkshopRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = WorkshopDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P), (status = 422, description = "A future date, no count, figures above the count", body = Problem, content_type = P)))]
#[patch("/workshops/{id}")]
async fn update_workshop(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateWorkshopRequest>,
) -> ApiResult<HttpResponse> {
    let w = workshops::update(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
        |w| if_match.check(&etag(w.id, w.updated_at)),
    )
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(w.id, w.updated_at),
        &WorkshopDto::from(w),
    ))
}

/// Report a held workshop: the learning needs found (DTFL), or the topics and materials
/// collected (heritage).
///
/// The library's `library` users, coordinators and admins (participant viewers get 403, others
/// 404). Stores or replaces the report and sets `reported`: a DTFL workshop needs at least one
/// learning need raised by 1 up to the attendee count, a heritage one at least one topic (422).
/// A workshop still `planned` is 409 `workshop.not_held`. Audited; the library's participants'
/// obligations are re-checked.
#[utoipa::path(tag = "after", operation_id = "putWorkshopReport", params(("id" = Uuid, Path, description = "Workshop id")), request_body = WorkshopReport, security(("bearer" = [])),
    responses((status = 200, description = "Reported", body = WorkshopDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Not held yet (`workshop.not_held`)", body = Problem, content_type = P), (status = 422, description = "No learning needs (DTFL) or topics (heritage)", body = Problem, content_type = P)))]
#[put("/workshops/{id}/report")]
async fn put_workshop_report(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<WorkshopReport>,
) -> ApiResult<HttpResponse> {
    let w = workshops::put_report(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}

/// Upload the workshop's planned content as a PDF (a part named `file`).
///
/// The library's `library` users, coordinators and admins (participant viewers get 403, others
/// 404 `workshop.not_found`). Stores the PDF (part `file`) as the planned-content document,
/// replacing any earlier one, sets `planned_content_document_sha256` and writes an audit entry,
/// in any status. Not a PDF by content: 415 `document.not_pdf`; over the limit 413
/// `document.too_large`; no part 422 `document.file_missing`.
#[utoipa::path(tag = "after", operation_id = "putWorkshopPlanDocument", params(("id" = Uuid, Path, description = "Workshop id")), request_body(content = crate::http::upload::FileUpload, content_type = "multipart/form-data", description = "A part named `file` with the PDF"), security(("bearer" = [])),
    responses((status = 200, description = "Attached", body = WorkshopDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 413, description = "Too large", body = Problem, content_type = P), (status = 415, description = "Not a PDF (`document.not_pdf`)", body = Problem, content_type = P), (status = 422, description = "No part named `file`", body = Problem, content_type = P)))]
#[put("/workshops/{id}/planned-content")]
async fn put_plan_document(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    workshops::visible(&state.db, &user, *id).await?;
    let (_, bytes) =
        crate::http::upload::read_file(&req, payload, state.settings.upload_max_bytes).await?;
    let w =
        workshops::put_plan_document(&state.db, state.blobs.as_ref(), &user, *id, bytes).await?;
    Ok(HttpResponse::Ok().json(WorkshopDto::from(w)))
}

/// Download the workshop's planned content document.
///
/// Whoever may see the workshop: admins, coordinators, accountants, the library's users and its
/// participant users; others get 404 `workshop.not_found`. Returns the planned-content PDF as
/// an attachment named `workshop-plan.pdf`. Without an uploaded document it is 404
/// `planned_content.not_found`.
#[utoipa::path(tag = "after", operation_id = "getWorkshopPlanDocument", params(("id" = Uuid, Path, description = "Workshop id")), security(("bearer" = [])),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>), (status = 404, description = "None, or not visible (`planned_content.not_found`)", body = Problem, content_type = P)))]
#[get("/workshops/{id}/planned-content")]
async fn get_plan_document(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let bytes = workshops::plan_document(&state.db, state.blobs.as_ref(), &user, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"workshop-plan.pdf\"",
        ))
        .body(bytes))
}

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
    let mut items = stories::list(&state.db, &user, q.status).await?;
    items.retain(|s| since.updated_since.is_none_or(|t| s.updated_at >= t));
    Sort::sort_items(
        &mut items,
        q.sort.as_deref(),
        &[
            ("title", |a, b| a.title.cmp(&b.title)),
            ("status", |a, b| {
                a.status.to_string().cmp(&b.status.to_string())
            }),
            ("created_at", |a, b| a.created_at.cmp(&b.created_at)),
            ("updated_at", |a, b| a.updated_at.cmp(&b.updated_at)),
        ],
    )?;
    let mut items = page.page_of(items, |s| s.id);
    let mut out = Vec::new();
    for s in items.take_items() {
        out.push(stories::dto(&state.db, s).await?);
    }
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
    let s = stories::create(&state.db, &user, body.into_inner()).await?;
    let tag = etag(s.id, s.updated_at);
    let location = format!("/digital-stories/{}", s.id);
    Ok(crate::http::created(
        json_with_etag(StatusCode::CREATED, tag, &stories::dto(&state.db, s).await?),
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
    let (s, _) = stories::visible(&state.db, &user, *id).await?;
    let tag = etag(s.id, s.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &stories::dto(&state.db, s).await?,
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
    let s = stories::update(&state.db, &user, *id, body.into_inner(), |s| {
        if_match.check(&etag(s.id, s.updated_at))
    })
    .await?;
    let tag = etag(s.id, s.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &stories::dto(&state.db, s).await?,
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
    responses((status = 201, description = "Added", body = MediaDto), (status = 403, description = "May not change it", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Published", body = Problem, content_type = P), (status = 413, description = "Too large", body = Problem, content_type = P), (status = 415, description = "Not an image, audio or PDF (`document.unsupported_type`)", body = Problem, content_type = P), (status = 422, description = "No part named `file`", body = Problem, content_type = P)))]
#[post("/digital-stories/{id}/media")]
async fn add_story_media(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    stories::visible(&state.db, &user, *id).await?;
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
    let u = stories::MediaUpload {
        filename,
        bytes,
        caption: fields.remove("caption"),
        creator: fields.remove("creator"),
        licence: fields.remove("licence"),
    };
    let m = stories::add_media(&state.db, state.blobs.as_ref(), &user, *id, u).await?;
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
        stories::update_media(&state.db, &user, id, media_id, body.into_inner()).await?,
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
    let s = stories::submit(&state.db, &user, *id).await?;
    Ok(HttpResponse::Ok().json(stories::dto(&state.db, s).await?))
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
    let s = stories::publish(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner().kamra_url,
    )
    .await?;
    Ok(HttpResponse::Ok().json(stories::dto(&state.db, s).await?))
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
    let (d, bytes) = stories::kamra_package(&state.db, state.blobs.as_ref(), &user, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"kamra-{}.zip\"", d.id),
        ))
        .body(bytes))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AdoptionQuery {
    mobility_id: Option<Uuid>,
    /// Sort by `status`, `adopted_on`, `created_at`, `updated_at`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(status|adopted_on|created_at|updated_at)$",
        example = "-updated_at"
    )]
    sort: Option<String>,
}

/// New practice in the libraries, as far as the caller may see it.
///
/// Admins, coordinators and accountants see all; `library` and `participant` users those of
/// their own library; committee and host users get an empty page. Returns each library's new
/// practice per mobility (method `dtfl` or `good_practice`, description, plan steps with due
/// dates, status `planned`, `piloted`, `adopted`, adoption date and first regular activity),
/// filterable by `mobility_id` and `updated_since`, sortable.
#[utoipa::path(tag = "after", operation_id = "listPracticeAdoptions", params(AdoptionQuery, PageParams, UpdatedSince), security(("bearer" = [])), responses((status = 200, description = "Adoptions", body = Page<AdoptionDto>)))]
#[get("/practice-adoptions")]
async fn list_adoptions(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<AdoptionQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut items: Vec<AdoptionDto> = practice::list(&state.db, &user, q.mobility_id)
        .await?
        .into_iter()
        .map(AdoptionDto::from)
        .filter(|a| since.updated_since.is_none_or(|t| a.updated_at >= t))
        .collect();
    Sort::sort_items(
        &mut items,
        q.sort.as_deref(),
        &[
            ("status", |a, b| {
                a.status.to_string().cmp(&b.status.to_string())
            }),
            ("adopted_on", |a, b| a.adopted_on.cmp(&b.adopted_on)),
            ("created_at", |a, b| a.created_at.cmp(&b.created_at)),
            ("updated_at", |a, b| a.updated_at.cmp(&b.updated_at)),
        ],
    )?;
    Ok(HttpResponse::Ok().json(page.page_of(items, |a| a.id)))
}

/// Record the library's new practice and its plan (one per library per mobility).
///
/// A `library` user for its own library; admins and coordinators name `library_id`; other roles
/// get 403. Records the practice as `planned` with method, description and plan, writes an
/// audit entry and re-checks the library's participants' obligations (practice plan met). Blank
/// description 422; no active participant of the library in the mobility 422
/// `practice.library_not_participating`; a second one per library and mobility 409
/// `practice.duplicate`.
#[utoipa::path(tag = "after", operation_id = "createPracticeAdoption", request_body = CreateAdoptionRequest, security(("bearer" = [])),
    responses((status = 201, description = "Planned", body = AdoptionDto), (status = 403, description = "Not a library or coordinator", body = Problem, content_type = P), (status = 409, description = "`practice.duplicate`", body = Problem, content_type = P), (status = 422, description = "`practice.library_not_participating`, invalid fields", body = Problem, content_type = P)))]
#[post("/practice-adoptions")]
async fn create_adoption(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::http::Json<CreateAdoptionRequest>,
) -> ApiResult<HttpResponse> {
    let m = practice::create(&state.db, state.clock.as_ref(), &user, body.into_inner()).await?;
    let location = format!("/practice-adoptions/{}", m.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            etag(m.id, m.updated_at),
            &AdoptionDto::from(m),
        ),
        location,
    ))
}

/// Get a practice adoption.
///
/// Admins, coordinators and accountants; users of the library and participant users belonging
/// to it; others get 404 `practice_adoption.not_found`. Returns the practice adoption with
/// method, description, plan, status, adoption date, first regular activity and an `ETag`.
#[utoipa::path(tag = "after", operation_id = "getPracticeAdoption", params(("id" = Uuid, Path, description = "Adoption id")), security(("bearer" = [])),
    responses((status = 200, description = "The adoption", body = AdoptionDto), (status = 404, description = "Not visible (`practice_adoption.not_found`)", body = Problem, content_type = P)))]
#[get("/practice-adoptions/{id}")]
async fn get_adoption(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = practice::visible(&state.db, &user, *id).await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &AdoptionDto::from(m),
    ))
}

/// Move a practice forward: planned -> piloted -> adopted (with `adopted_on` and the first
/// regular activity).
///
/// The library's `library` users, coordinators and admins (participant and accountant viewers
/// get 403, others 404). Changes description or plan and moves the status forward only
/// (`planned` → `piloted` → `adopted`, skipping allowed); audited, and obligations are
/// re-checked. Going back is 409 `practice.invalid_transition`; `adopted` needs `adopted_on`
/// (not in the future) and `first_regular_activity` (422); stale `If-Match` 412.
#[utoipa::path(tag = "after", operation_id = "updatePracticeAdoption", params(("id" = Uuid, Path, description = "Adoption id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")), request_body = UpdateAdoptionRequest, security(("bearer" = [])),
    responses((status = 200, description = "Changed", body = AdoptionDto), (status = 403, description = "Not the library or a coordinator", body = Problem, content_type = P), (status = 404, description = "Not visible", body = Problem, content_type = P), (status = 409, description = "Backwards (`practice.invalid_transition`)", body = Problem, content_type = P), (status = 412, description = "Stale If-Match", body = Problem, content_type = P), (status = 422, description = "`adopted` without its date or first activity", body = Problem, content_type = P)))]
#[patch("/practice-adoptions/{id}")]
async fn update_adoption(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateAdoptionRequest>,
) -> ApiResult<HttpResponse> {
    let m = practice::update(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
        |m| if_match.check(&etag(m.id, m.updated_at)),
    )
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(m.id, m.updated_at),
        &AdoptionDto::from(m),
    ))
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
        obligations: obligations::for_participant(&state.db, state.clock.as_ref(), &user, *id)
            .await?,
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
    let m = entity::mobility::Entity::find_by_id(*id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    Ok(HttpResponse::Ok().json(obligations::deadlines(&m)))
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
    body: crate::http::Json<obligations::DeadlineRules>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(obligations::set_deadlines(&state.db, &user, *id, body.into_inner()).await?))
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
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    staff_mobility(&state, &user, *id).await?;
    Ok(HttpResponse::Ok().json(obligations::progress(&state.db, state.clock.as_ref(), *id).await?))
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
    _user: crate::http::Gated<crate::follow_up::policy::StaffOrAccountant>,
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
