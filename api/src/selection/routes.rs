use super::dto::*;
use super::service;
use crate::audit::Actor;
use crate::http::{ApiResult, AuthUser, Problem};
use crate::state::AppState;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, get, post, put, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_committee)
        .service(put_committee)
        .service(get_criteria)
        .service(put_criteria)
        .service(get_settings)
        .service(put_settings)
        .service(put_my_score)
        .service(get_my_score)
        .service(declare_conflict)
        .service(get_ranking)
        .service(finalise)
        .service(selection_record)
        .service(selection_record_csv);
}

/// The call's selection committee.
///
/// Admins, coordinators and any `committee` user (not only members of this call); others get
/// 403. Returns the call's committee members by name, with e-mail and organisation; nothing
/// changes. An unknown call is 404 `call.not_found`.
#[utoipa::path(
    tag = "selection", operation_id = "getCommittee",
    params(("id" = Uuid, Path, description = "Call id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Members", body = CommitteeDto),
        (status = 403, description = "Not a coordinator or committee member", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calls/{id}/committee")]
async fn get_committee(
    state: web::Data<AppState>,
    _user: crate::http::Gated<super::policy::StaffOrCommittee>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(CommitteeDto {
        call_id: *id,
        members: service::committee(&state.db, *id).await?,
    }))
}

/// Set the call's selection committee (replaces it). Coordinators.
///
/// The committee is formed from the project team: users of role `committee` on the call's
/// project team, or coordinators and admins on it with the function `committee_member`. Only
/// they score the call's applications.
///
/// Admins and coordinators only. Replaces the call's committee with the given users (duplicates
/// collapse) and writes an audit entry; it can still change after scoring has started, and
/// scores of members taken off no longer count. Every member must be on the project team (422
/// `not_team_member` for the entry otherwise) and an active `committee` user, or a
/// coordinator/admin with the function `committee_member` (422 `not_committee`); once any selection of the call is final it is 409 `selection.final`.
#[utoipa::path(
    tag = "selection", operation_id = "setCommittee",
    params(("id" = Uuid, Path, description = "Call id")),
    request_body = CommitteeRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The committee", body = CommitteeDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A selection of the call is final (`selection.final`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A user who cannot be on the committee (`validation.failed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/calls/{id}/committee")]
async fn put_committee(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<CommitteeRequest>,
) -> ApiResult<HttpResponse> {
    let members = service::set_committee(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner().user_ids,
    )
    .await?;
    Ok(HttpResponse::Ok().json(CommitteeDto {
        call_id: *id,
        members,
    }))
}

/// The call's selection criteria (a default set until a coordinator sets its own).
///
/// Admins, coordinators and any `committee` user; others get 403. Returns the call's scoring
/// criteria in order, each with key, title, `max_points` and `weight`; until a coordinator sets
/// its own, the default set (motivation, relevance, transfer, language) is returned. An unknown
/// call is 404 `call.not_found`.
#[utoipa::path(
    tag = "selection", operation_id = "getCriteria",
    params(("id" = Uuid, Path, description = "Call id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Criteria in order", body = CriteriaDto),
        (status = 403, description = "Not a coordinator or committee member", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calls/{id}/criteria")]
async fn get_criteria(
    state: web::Data<AppState>,
    _user: crate::http::Gated<super::policy::StaffOrCommittee>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(CriteriaDto {
        call_id: *id,
        criteria: service::criteria(&state.db, *id).await?,
    }))
}

/// Set the call's selection criteria (replaces them), until the first score exists. Coordinators.
///
/// Admins and coordinators only. Replaces the call's criteria (1 to 20, unique lower-case keys,
/// `max_points` 1–1000, `weight` 1–100) and writes an audit entry. Once any application of the
/// call has a score the criteria are fixed: 409 `selection.criteria_locked`; invalid or
/// duplicate entries are 422 `validation.failed`; an unknown call 404 `call.not_found`.
#[utoipa::path(
    tag = "selection", operation_id = "setCriteria",
    params(("id" = Uuid, Path, description = "Call id")),
    request_body = CriteriaRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The criteria", body = CriteriaDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Scoring has started (`selection.criteria_locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or duplicate criteria", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/calls/{id}/criteria")]
async fn put_criteria(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<CriteriaRequest>,
) -> ApiResult<HttpResponse> {
    let criteria = service::set_criteria(
        &state.db,
        &Actor::from(&user),
        *id,
        body.into_inner().criteria,
    )
    .await?;
    Ok(HttpResponse::Ok().json(CriteriaDto {
        call_id: *id,
        criteria,
    }))
}

/// How the call's selection treats fewer opportunities, and its quorum.
///
/// Admins, coordinators and any `committee` user; others get 403. Returns the call's quorum
/// (null means every committee member without a conflict), the fewer-opportunities bonus points
/// and whether fewer opportunities break ties, or the defaults (no quorum, bonus 0, ties on) if
/// none were set. Unknown call: 404 `call.not_found`.
#[utoipa::path(
    tag = "selection", operation_id = "getSelectionSettings",
    params(("id" = Uuid, Path, description = "Call id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Settings", body = SelectionSettingsDto),
        (status = 403, description = "Not a coordinator or committee member", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calls/{id}/selection-settings")]
async fn get_settings(
    state: web::Data<AppState>,
    _user: crate::http::Gated<super::policy::StaffOrCommittee>,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::settings(&state.db, *id).await?))
}

/// Set the selection settings, until the first score exists. Coordinators.
///
/// `fewer_opportunities_bonus` points are added to the weighted total of applicants with
/// fewer opportunities; with `fewer_opportunities_first_in_ties` they come first among equal
/// totals (then earlier submission). `quorum`: scores each application needs (null: every
/// committee member without a conflict).
///
/// Admins and coordinators only. Replaces the call's selection settings: `quorum` (1–100, or
/// null for every eligible member), `fewer_opportunities_bonus` (0–1000 points added to the
/// weighted total) and `fewer_opportunities_first_in_ties`; an audit entry is written. After
/// the first score of the call it is 409 `selection.criteria_locked`; out-of-range values are
/// 422.
#[utoipa::path(
    tag = "selection", operation_id = "setSelectionSettings",
    params(("id" = Uuid, Path, description = "Call id")),
    request_body = SelectionSettingsDto,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Settings", body = SelectionSettingsDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such call", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Scoring has started (`selection.criteria_locked`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/calls/{id}/selection-settings")]
async fn put_settings(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    body: crate::http::Json<SelectionSettingsDto>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .json(service::set_settings(&state.db, &Actor::from(&user), *id, body.into_inner()).await?))
}

/// Score an application (committee members of its call), or change one's score.
///
/// Only after the call's deadline, only submitted applications, every criterion within
/// 0..max_points; editable until the selection is final. Members from the applicant's own
/// library, or who declared a conflict, cannot score it.
///
/// Only members of the call's committee (other viewers 403 `selection.not_committee_member`,
/// others 404). Records or replaces the caller's points per criterion and comment (201, then
/// 200), audited. Refused: before the deadline day ends `selection.scoring_not_open`; once
/// final `selection.final`; not submitted `selection.not_submitted`; own library or declared
/// conflict `selection.conflict_of_interest`; missing, unknown or out-of-range criteria 422.
#[utoipa::path(
    tag = "selection", operation_id = "putMyScore",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = ScoreRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Score changed", body = ScoreDto),
        (status = 201, description = "Score recorded", body = ScoreDto),
        (status = 403, description = "Not on the committee (`selection.not_committee_member`) or a conflict of interest (`selection.conflict_of_interest`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`selection.scoring_not_open` (before the deadline), `selection.not_submitted`, `selection.final`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A criterion missing, unknown or out of range (one error per field `scores.<key>`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/applications/{id}/scores/me")]
async fn put_my_score(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<ScoreRequest>,
) -> ApiResult<HttpResponse> {
    let (score, created) = service::put_score(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    Ok(crate::http::created(
        HttpResponse::build(if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        })
        .json(score),
        format!("/applications/{}/scores/me", *id),
    ))
}

/// The caller's own score of an application.
///
/// Only members of the application's call committee (others who can see the application get 403
/// `selection.not_committee_member`, the rest 404 `application.not_found`). Returns the
/// caller's own score of the application: points per criterion, comment and last change; other
/// members' scores are never shown here. Without a score of the caller it is 404
/// `score.not_found`.
#[utoipa::path(
    tag = "selection", operation_id = "getMyScore",
    params(("id" = Uuid, Path, description = "Application id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The score", body = ScoreDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not scored yet (`score.not_found`) or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/applications/{id}/scores/me")]
async fn get_my_score(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::my_score(&state.db, &user, *id).await?))
}

/// Declare a conflict of interest with an application: the member's score is removed and
/// they leave its quorum.
///
/// Only members of the application's call committee (others who can see it get 403
/// `selection.not_committee_member`, the rest 404). Records the conflict with an optional
/// reason, deletes the member's score of this application, removes them from its quorum and
/// writes an audit entry (201); declaring again returns the existing one (200). Refused once
/// the mobility's selection is final (409 `selection.final`).
#[utoipa::path(
    tag = "selection", operation_id = "declareConflictOfInterest",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body(content = Option<ConflictRequest>),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Declared", body = ConflictDto),
        (status = 200, description = "Already declared", body = ConflictDto),
        (status = 403, description = "Not on the committee", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The selection is final (`selection.final`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/applications/{id}/conflict-of-interest")]
async fn declare_conflict(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::OptionalJson<ConflictRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.0.and_then(|b| b.reason);
    let (c, created) = service::declare_conflict(&state.db, &user, *id, reason).await?;
    Ok(crate::http::created(
        HttpResponse::build(if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        })
        .json(c),
        format!("/applications/{}", *id),
    ))
}

/// The live ranking of a mobility's submitted applications.
///
/// Per application: per-criterion averages, the weighted total (with the fewer-opportunities
/// bonus), the number of scores against the quorum, and the rank (ties: fewer opportunities,
/// then earlier submission). Coordinators always; committee members once they have scored
/// every application they can score.
///
/// Admins and coordinators; a `committee` user only on the call's committee (403
/// `selection.not_committee_member`) and after scoring all they may (403
/// `selection.scoring_incomplete`); others 403. Per application: criterion averages, weighted
/// total with bonus, score count against quorum, rank (ties: fewer opportunities if set, then
/// earlier submission); plus `complete` and `finalised`. Without one published call: 422
/// `selection.no_call`.
#[utoipa::path(
    tag = "selection", operation_id = "getRanking",
    params(("id" = Uuid, Path, description = "Mobility id"), CallParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The ranking", body = RankingDto),
        (status = 403, description = "Not committee or coordinator; `selection.scoring_incomplete` for members who have not scored everything", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No published call covers the mobility (`selection.no_call`), or several do and `call_id` is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}/ranking")]
async fn get_ranking(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<CallParam>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::ranking_for(&state.db, &user, *id, q.call_id).await?))
}

/// Finalise the selection of a mobility. Coordinators.
///
/// Selects the top `places`, keeps the next `reserve_places` on a ranked reserve list,
/// rejects the rest, creates a participant for each selected application, queues a
/// notification to each applicant and library, and records whether it came after the call's
/// `selection_due`. All in one transaction.
///
/// Admins and coordinators, with a justification. In one transaction by rank: the top `places`
/// become `selected` (each gets a participant and checklist), the next `reserve_places`
/// `reserve`, the rest `rejected`; applicants and libraries get queued notifications; the
/// decision notes if after `selection_due`. The answer names the participants it made
/// (`participants`: id, application, name, library and its name), so a client needs no
/// further reads to match them. Refused: `selection.already_final`,
/// `selection.scoring_not_open` (before deadline), `selection.no_committee`,
/// `selection.incomplete`, `selection.no_call`.
#[utoipa::path(
    tag = "selection", operation_id = "finaliseSelection",
    params(("id" = Uuid, Path, description = "Mobility id"), CallParam),
    request_body = FinaliseRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The decision", body = DecisionDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`selection.incomplete` (an application lacks its quorum), `selection.already_final`, `selection.no_committee`, `selection.scoring_not_open`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Justification missing or too short (`validation.failed`); no published call covers the mobility (`selection.no_call`), or `call_id` missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mobilities/{id}/selection/finalise")]
async fn finalise(
    state: web::Data<AppState>,
    user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    q: web::Query<CallParam>,
    body: crate::http::Json<FinaliseRequest>,
) -> ApiResult<HttpResponse> {
    let d = service::finalise(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        q.call_id,
        body.into_inner().justification,
    )
    .await?;
    Ok(HttpResponse::Ok().json(d))
}

/// The selection record of a mobility: committee, criteria, every score with its member,
/// conflicts, the ranking, the decision and its justification, the dates. Coordinators.
///
/// Admins and coordinators only. Returns the full selection record of the mobility for its
/// call: committee, criteria, settings, every score with the member's name and comment,
/// declared conflicts, the ranking and, once final, the decision (selected, reserve and
/// rejected ids as decided, justification, who and when, whether after `selection_due`).
/// Unknown mobility: 404 `mobility.not_found`; no published call: 422 `selection.no_call`;
/// several without a matching `call_id`: 422.
#[utoipa::path(
    tag = "selection", operation_id = "getSelectionRecord",
    params(("id" = Uuid, Path, description = "Mobility id"), CallParam),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", body = SelectionRecord),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No published call covers the mobility (`selection.no_call`), or several do and `call_id` is missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}/selection-record")]
async fn selection_record(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    q: web::Query<CallParam>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::record(&state.db, *id, q.call_id).await?))
}

/// The selection record as CSV (UTF-8 with BOM, `;`): one row per score with rank and outcome.
///
/// Admins and coordinators only. The selection record as a CSV download (UTF-8 with BOM, `;`
/// unless `delimiter` says otherwise): one row per score with rank, applicant,
/// fewer-opportunities flag, weighted total, status, member, points per criterion and comment;
/// applications without scores get one row. Unknown mobility: 404 `mobility.not_found`; no
/// published call: 422 `selection.no_call`; several without a matching `call_id`: 422.
#[utoipa::path(
    tag = "selection", operation_id = "getSelectionRecordCsv",
    params(("id" = Uuid, Path, description = "Mobility id"), CallParam, crate::http::csv::CsvParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No published call covers the mobility (`selection.no_call`), or several do and `call_id` is missing or wrong", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}/selection-record.csv")]
async fn selection_record_csv(
    state: web::Data<AppState>,
    _user: crate::http::Gated<crate::http::Staff>,
    id: web::Path<Uuid>,
    q: web::Query<CallParam>,
    csv: web::Query<crate::http::csv::CsvParams>,
) -> ApiResult<HttpResponse> {
    let r = service::record(&state.db, *id, q.call_id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"selection-{}.csv\"", r.mobility_code),
        ))
        .body(service::record_csv(&r, csv.delimiter())?))
}
