//! Participants over HTTP: the list of a mobility, one participant, linking a user account,
//! withdrawal (with promotion of a reserve) and the return.

use super::dto::*;
use super::{access, lifecycle, service};
use crate::http::etag::{etag, json_with_etag};
use crate::http::{ApiResult, AuthUser, IfMatch, Page, PageParams, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_participants)
        .service(get_participant)
        .service(list_co_participants)
        .service(update_participant)
        .service(withdraw_participant)
        .service(mark_returned);
}

/// A mobility's participants, as far as the caller may see them.
///
/// Admins, coordinators and accountants see all of the mobility's participants; a `library`
/// user its library's; a `participant` those with their e-mail; a `host` user only if its
/// organisation hosts this mobility (else 403); `committee` users get 403. Returns a page,
/// oldest first, filterable by `updated_since` and sortable by name, status or dates. An
/// unknown mobility is 404 `mobility.not_found`.
#[utoipa::path(
    tag = "selection", operation_id = "listParticipants",
    params(("id" = Uuid, Path, description = "Mobility id"), ParticipantQuery, PageParams, crate::http::pagination::UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Participants", body = Page<ParticipantDto>),
        (status = 403, description = "A host of another mobility", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}/participants")]
async fn list_participants(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<ParticipantQuery>,
    list: web::Query<PageParams>,
    since: web::Query<crate::http::pagination::UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let q = q.into_inner();
    let page = list.validate_sorted(q.sort.is_some())?;
    Ok(HttpResponse::Ok()
        .json(service::list(&state.db, &user, *id, q, since.into_inner(), page).await?))
}

/// The others on a participant's mobility, by name.
///
/// Whoever sees the participant (the participant, their library, the mobility's host, admins,
/// coordinators, accountants; else 404 `participant.not_found`) reads the names and libraries
/// of everyone else on the same mobility who has not withdrawn: no contacts. Enough for a
/// participant to name the co-authors of a joint article (`also_participant_ids` of
/// `POST /participants/{id}/dissemination`).
#[utoipa::path(
    tag = "selection", operation_id = "listCoParticipants",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The others on the mobility", body = CoParticipants),
        (status = 404, description = "No such participant, or not visible (`participant.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/co-participants")]
async fn list_co_participants(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(service::co_participants(&state.db, &user, *id).await?))
}

/// Get a participant.
///
/// Admins, coordinators and accountants; the participant's library; the participant (linked
/// user or same e-mail); users of the mobility's host organisation. Committee users and
/// everyone else get 404 `participant.not_found`. Returns the participant with status
/// (`selected`, `contracted`, `prepared`, `travelled`, `completed`, `withdrawn`), reserve rank,
/// dates and an `ETag`.
#[utoipa::path(
    tag = "selection", operation_id = "getParticipant",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The participant", body = ParticipantDto, headers(("ETag" = String))),
        (status = 404, description = "No such participant, or not visible (`participant.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}")]
async fn get_participant(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let p = access::visible(&state.db, &user, *id).await?;
    let tag = etag(p.id, p.updated_at);
    let dto = service::with_library_name(&state.db, ParticipantDto::for_caller(p, &user)).await?;
    Ok(json_with_etag(StatusCode::OK, tag, &dto))
}

/// Change a participant (link their user account). Coordinators.
///
/// Admins and coordinators only (others who can see the participant get 403, the rest 404).
/// Links the participant to a user account: `user_id` must be a user of role `participant` (422
/// otherwise); an audit entry is written. A stale `If-Match` is 412
/// `request.precondition_failed`. No other field can be changed here.
#[utoipa::path(
    tag = "selection", operation_id = "updateParticipant",
    params(
        ("id" = Uuid, Path, description = "Participant id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read"),
    ),
    request_body = UpdateParticipantRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = ParticipantDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a participant user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/participants/{id}")]
async fn update_participant(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateParticipantRequest>,
) -> ApiResult<HttpResponse> {
    let p = service::update(&state.db, &user, *id, body.into_inner(), |cur| {
        if_match.check(&etag(cur.id, cur.updated_at))
    })
    .await?;
    let tag = etag(p.id, p.updated_at);
    let dto = service::with_library_name(&state.db, ParticipantDto::for_caller(p, &user)).await?;
    Ok(json_with_etag(StatusCode::OK, tag, &dto))
}

/// Withdraw a participant before the mobility starts; the first reserve is promoted into
/// the free place in the same transaction. The participant, their library, or a coordinator.
///
/// The participant, their library's users, coordinators and admins, with a reason (hosts and
/// accountants 403). Sets participant and application `withdrawn`, audited; if a place frees
/// up, the first reserve of the mobility is promoted: application `selected`, a new participant
/// with tasks, a notification queued. Refused: `participant.already_withdrawn`;
/// `participant.mobility_started` once travelled or on or after the start date.
#[utoipa::path(
    tag = "selection", operation_id = "withdrawParticipant",
    params(("id" = Uuid, Path, description = "Participant id")),
    request_body = ParticipantWithdrawRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn, with the promoted reserve if any", body = WithdrawalOutcome),
        (status = 403, description = "Not the participant, their library or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`participant.already_withdrawn`, `participant.mobility_started`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/participants/{id}/withdraw")]
async fn withdraw_participant(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<ParticipantWithdrawRequest>,
) -> ApiResult<HttpResponse> {
    let out = lifecycle::withdraw(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner().reason,
    )
    .await?;
    let withdrawn = service::with_library_name(&state.db, out.withdrawn).await?;
    let promoted = match out.promoted {
        Some(p) => Some(service::with_library_name(&state.db, p).await?),
        None => None,
    };
    Ok(HttpResponse::Ok().json(WithdrawalOutcome {
        withdrawn,
        promoted,
    }))
}

/// Record that a participant came back from the mobility (`travelled`). Coordinators.
///
/// Admins and coordinators only (other viewers get 403, the rest 404 `participant.not_found`).
/// Sets a `selected`, `contracted` or `prepared` participant to `travelled` with `returned_at`
/// now, writes a `return` audit entry and re-checks their obligations (all met makes them
/// `completed`). A return is recorded once the mobility has begun: before its first day (or
/// while it has no dates) it is 409 `participant.mobility_not_started`. Before its last day it
/// is an early return and needs `early_return_reason` (422 `required` without it; 422
/// `not_early` with one on or after the last day); the reason is kept on the participant and
/// shown to those who see a withdrawal reason. A withdrawn, travelled or completed participant
/// is 409 `participant.invalid_transition`.
#[utoipa::path(tag = "after", operation_id = "markReturned", params(("id" = Uuid, Path, description = "Participant id")), security(("bearer" = [])),
    request_body(content = Option<ReturnRequest>, description = "The reason for an early return, if it is one"),
    responses((status = 200, description = "Travelled", body = ParticipantDto), (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"), (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"), (status = 409, description = "Withdrawn or already back (`participant.invalid_transition`), or the mobility has not begun (`participant.mobility_not_started`)", body = Problem, content_type = "application/problem+json"), (status = 422, description = "An early return without its reason, or a reason for one that is not early", body = Problem, content_type = "application/problem+json")))]
#[post("/participants/{id}/return")]
async fn mark_returned(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::OptionalJson<ReturnRequest>,
) -> ApiResult<HttpResponse> {
    let reason = body.0.and_then(|b| b.early_return_reason);
    let p = lifecycle::record_return(&state.db, state.clock.as_ref(), &user, *id, reason).await?;
    let dto = service::with_library_name(&state.db, ParticipantDto::for_caller(p, &user)).await?;
    Ok(HttpResponse::Ok().json(dto))
}
