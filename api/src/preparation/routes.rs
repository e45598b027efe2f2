use super::calendar;
use super::ics::ics;
use super::meetings::{
    self, AttendanceListRequest, AttendanceRequest, CreateMeetingRequest, MeetingDto,
    UpdateMeetingRequest,
};
use super::tasks::{self, TaskDto, UpdateTaskRequest};
use super::travel::{self, TravelDetailsDto, TravelDetailsRequest};
use crate::http::etag::{etag, json_with_etag};
use crate::http::pagination::{Page, PageParams, Sort, UpdatedSince};
use crate::http::{ApiResult, AuthUser, IfMatch, Problem};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, put, web};
use uuid::Uuid;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_tasks)
        .service(update_task)
        .service(get_travel)
        .service(put_travel)
        .service(list_meetings)
        .service(create_meeting)
        .service(get_meeting)
        .service(update_meeting)
        .service(cancel_meeting)
        .service(record_attendance)
        .service(record_attendance_list)
        .service(mobility_calendar)
        .service(participant_calendar)
        .configure(super::feed_routes::configure);
}

/// A participant's preparation checklist.
///
/// Made from the mobility's track when the participant is selected. Tasks the system can
/// see done (meeting attendance, both agreements signed, travel details given) close
/// themselves; the participant or a coordinator closes the others. All done: `prepared`.
///
/// Whoever may see the participant (admins, coordinators, accountants, the participant, their
/// library, the host's users); others get 404 `participant.not_found`. Returns the preparation
/// checklist made at selection from the mobility's track (DTFL toolkit for that track,
/// coordinator and host meetings, language support, both agreements, travel details), in order,
/// each `automatic` or manual, done or open; `updated_since` filters.
#[utoipa::path(
    tag = "preparation", operation_id = "listTasks",
    params(("id" = Uuid, Path, description = "Participant id"), PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Tasks in order", body = Page<TaskDto>),
        (status = 404, description = "No such participant, or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/tasks")]
async fn list_tasks(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate()?;
    let items: Vec<TaskDto> = tasks::list(&state.db, &user, *id)
        .await?
        .into_iter()
        .map(TaskDto::from)
        .filter(|t| since.updated_since.is_none_or(|s| t.updated_at >= s))
        .collect();
    Ok(HttpResponse::Ok().json(page.page_of(items, |t| t.id)))
}

/// Close or reopen a task that does not close itself (the participant or a coordinator).
///
/// The participant themself, coordinators and admins; other viewers of the participant get 403,
/// everyone else 404 `task.not_found`. Closes or reopens a manual task (`done: true/false`),
/// recording who and when, recomputes the participant's status (all tasks done: `prepared`;
/// back to `contracted`/`selected` when reopened) and writes a `complete`/`reopen` audit entry.
/// Automatic tasks are 409 `task.automatic`; a stale `If-Match` is 412.
#[utoipa::path(
    tag = "preparation", operation_id = "updateTask",
    params(("id" = Uuid, Path, description = "Task id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateTaskRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = TaskDto),
        (status = 403, description = "Not the participant or a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task, or not visible (`task.not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The task closes itself (`task.automatic`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tasks/{id}")]
async fn update_task(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateTaskRequest>,
) -> ApiResult<HttpResponse> {
    let t = tasks::update(&state.db, &user, *id, body.done, |t| {
        if_match.check(&etag(t.id, t.updated_at))
    })
    .await?;
    Ok(json_with_etag(
        StatusCode::OK,
        etag(t.id, t.updated_at),
        &TaskDto::from(t),
    ))
}

/// A participant's travel details (the participant, coordinators and admins only).
///
/// Only the participant themself, coordinators and admins; libraries, hosts and accountants get
/// 404 `travel_details.not_found` even though they can see the participant, and callers who
/// cannot see the participant get 404 `participant.not_found`. Returns the name as in the
/// passport, date of birth, phone and notes, with who last changed them. None given yet: 404
/// `travel_details.not_found`.
#[utoipa::path(
    tag = "preparation", operation_id = "getTravelDetails",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Travel details", body = TravelDetailsDto),
        (status = 404, description = "Not given yet, or not visible to the caller (`travel_details.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/travel-details")]
async fn get_travel(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(TravelDetailsDto::from(
        travel::get(&state.db, &user, *id).await?,
    )))
}

/// Give or change travel details (the participant or a coordinator); closes the task.
///
/// Only the participant themself, coordinators and admins (others get 404). Replaces the travel
/// details (name as in passport, date of birth, phone, notes), closes the automatic
/// `travel_details` task, recomputes the participant's status and writes an audit entry naming
/// only the fields, never the values. Blank or over-long fields are 422 `validation.failed`.
#[utoipa::path(
    tag = "preparation", operation_id = "putTravelDetails",
    params(("id" = Uuid, Path, description = "Participant id")),
    request_body = TravelDetailsRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = TravelDetailsDto),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/participants/{id}/travel-details")]
async fn put_travel(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<TravelDetailsRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(TravelDetailsDto::from(
        travel::put(&state.db, &user, *id, body.into_inner()).await?,
    )))
}

/// A mobility's meetings, with attendance.
///
/// Admins, coordinators and accountants; users of the mobility's host; `library` and
/// `participant` users only when one of the mobility's participants (withdrawn ones included)
/// is theirs; committee users and others get 404 `mobility.not_found`. Returns all the
/// mobility's meetings, internal ones included, with attendance, sorted by `starts_at` unless
/// `sort` says otherwise, filterable by `updated_since`.
#[utoipa::path(
    tag = "preparation", operation_id = "listMeetings",
    params(("id" = Uuid, Path, description = "Mobility id"), MeetingQuery, PageParams, UpdatedSince),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Meetings by start time", body = Page<MeetingDto>),
        (status = 404, description = "No such mobility, or not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}/meetings")]
async fn list_meetings(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    q: web::Query<MeetingQuery>,
    list: web::Query<PageParams>,
    since: web::Query<UpdatedSince>,
) -> ApiResult<HttpResponse> {
    let page = list.validate_sorted(q.sort.is_some())?;
    let mut items = meetings::list(&state.db, &user, *id).await?;
    items.retain(|m| since.updated_since.is_none_or(|s| m.updated_at >= s));
    Sort::sort_items(
        &mut items,
        q.sort.as_deref(),
        &[
            ("starts_at", |a, b| a.starts_at.cmp(&b.starts_at)),
            ("kind", |a, b| a.kind.to_string().cmp(&b.kind.to_string())),
            ("updated_at", |a, b| a.updated_at.cmp(&b.updated_at)),
        ],
    )?;
    Ok(HttpResponse::Ok().json(page.page_of(items, |m| m.id)))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MeetingQuery {
    /// Sort by `starts_at`, `kind`, `updated_at`; `-` first for descending (default `starts_at`).
    #[param(pattern = "^-?(starts_at|kind|updated_at)$", example = "-starts_at")]
    sort: Option<String>,
}

/// Schedule a meeting (coordinators). A `host_preparation` meeting without `starts_at` is
/// set one month before the mobility starts, 10:00 Europe/Ljubljana.
///
/// Admins and coordinators only (other viewers get 403, the rest 404 `mobility.not_found`).
/// Schedules a `coordinator_preparation`, `host_preparation`, `evaluation` or `internal`
/// meeting, with an audit entry. `starts_at` is required except for `host_preparation`, which
/// defaults to one month before the mobility's start at 10:00 Europe/Ljubljana (422 without a
/// start date); title, duration 5–1440 minutes and link are validated (422).
#[utoipa::path(
    tag = "preparation", operation_id = "createMeeting",
    params(("id" = Uuid, Path, description = "Mobility id")),
    request_body = CreateMeetingRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Scheduled", body = MeetingDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such mobility", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; no time and no mobility start date", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/mobilities/{id}/meetings")]
async fn create_meeting(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<CreateMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let m = meetings::create(&state.db, &user, *id, body.into_inner()).await?;
    let tag = etag(m.id, m.updated_at);
    let location = format!("/meetings/{}", m.id);
    Ok(crate::http::created(
        json_with_etag(
            StatusCode::CREATED,
            tag,
            &meetings::dto(&state.db, m).await?,
        ),
        location,
    ))
}

/// Get a meeting.
///
/// Whoever may see the meeting's mobility: admins, coordinators, accountants, the host's users,
/// and libraries and participants with a participant in it; others get 404 `meeting.not_found`.
/// Returns the meeting with kind, time, duration, link, notes, each participant's recorded
/// attendance and an `ETag`. Internal meetings are not hidden here.
#[utoipa::path(
    tag = "preparation", operation_id = "getMeeting",
    params(("id" = Uuid, Path, description = "Meeting id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting", body = MeetingDto, headers(("ETag" = String))),
        (status = 404, description = "No such meeting, or not visible (`meeting.not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/meetings/{id}")]
async fn get_meeting(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let m = meetings::visible(&state.db, &user, *id).await?;
    let tag = etag(m.id, m.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &meetings::dto(&state.db, m).await?,
    ))
}

/// Change a meeting (coordinators).
///
/// Admins and coordinators only (other viewers get 403, the rest 404 `meeting.not_found`).
/// Changes title, start, duration, online link or notes (send null to clear the link or notes);
/// the kind cannot change, and an audit entry lists the changed fields. Attendance is kept and
/// tasks are not reopened. A change of time, duration or link invites the participants again
/// and writes `meeting.moved`; a change of nothing makes no new revision. A non-http(s) link or
/// invalid field is 422; a stale `If-Match` is 412; a cancelled meeting is 409
/// `meeting.cancelled`.
#[utoipa::path(
    tag = "preparation", operation_id = "updateMeeting",
    params(("id" = Uuid, Path, description = "Meeting id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    request_body = UpdateMeetingRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = MeetingDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The meeting was cancelled (`meeting.cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/meetings/{id}")]
async fn update_meeting(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
    body: crate::http::Json<UpdateMeetingRequest>,
) -> ApiResult<HttpResponse> {
    let m = meetings::update(&state.db, &user, *id, body.into_inner(), |m| {
        if_match.check(&etag(m.id, m.updated_at))
    })
    .await?;
    let tag = etag(m.id, m.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &meetings::dto(&state.db, m).await?,
    ))
}

/// Cancel a meeting (coordinators).
///
/// Admins and coordinators only (other viewers get 403, the rest 404 `meeting.not_found`).
/// The meeting stays on record with its attendance and `cancelled_at`; subscribed calendars
/// show it cancelled (`STATUS:CANCELLED`, a new `SEQUENCE`), and a `meeting.cancelled` event
/// is written. A cancelled meeting cannot be changed, cancelled again or have attendance
/// recorded (409 `meeting.cancelled`). A stale `If-Match` is 412. Audited.
#[utoipa::path(
    tag = "preparation", operation_id = "cancelMeeting",
    params(("id" = Uuid, Path, description = "Meeting id"), ("If-Match" = Option<String>, Header, description = "The ETag last read")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = MeetingDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already cancelled (`meeting.cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/cancel")]
async fn cancel_meeting(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let m = meetings::cancel(&state.db, &user, *id, |m| {
        if_match.check(&etag(m.id, m.updated_at))
    })
    .await?;
    let tag = etag(m.id, m.updated_at);
    Ok(json_with_etag(
        StatusCode::OK,
        tag,
        &meetings::dto(&state.db, m).await?,
    ))
}

/// Record a participant's attendance (coordinators). Attending a preparation meeting with
/// the coordinator or the host closes that preparation task.
///
/// Admins and coordinators only (other viewers get 403, the rest 404 `meeting.not_found`; a
/// cancelled meeting 409 `meeting.cancelled`). Records or replaces one participant's attendance; for preparation meetings with the
/// coordinator or host the matching automatic task closes or reopens (attended any meeting of
/// that kind), updating status; for `evaluation` meetings obligations are re-checked. The
/// participant must be active in this mobility (422 on `participant_id`).
#[utoipa::path(
    tag = "preparation", operation_id = "recordAttendance",
    params(("id" = Uuid, Path, description = "Meeting id")),
    request_body = AttendanceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting with its attendance", body = MeetingDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The meeting was cancelled (`meeting.cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an active participant of this mobility", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/meetings/{id}/attendance")]
async fn record_attendance(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<AttendanceRequest>,
) -> ApiResult<HttpResponse> {
    let m = meetings::record_attendance(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(meetings::dto(&state.db, m).await?))
}

/// Record the attendance of many participants in one request (coordinators).
///
/// As `PUT /meetings/{id}/attendance`, for a list: `{"entries": [{"participant_id",
/// "attended"}, ...]}` (1 to 1000, each participant once). All or nothing: an entry naming no
/// active participant of this mobility, or one listed twice, refuses the whole list with 422
/// on `entries[i].participant_id`, and nothing is recorded. Participants not listed keep what
/// was recorded for them. One audit entry names every attendance changed.
#[utoipa::path(
    tag = "preparation", operation_id = "recordAttendanceList",
    params(("id" = Uuid, Path, description = "Meeting id")),
    request_body = AttendanceListRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The meeting with its attendance", body = MeetingDto),
        (status = 403, description = "Not a coordinator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The meeting was cancelled (`meeting.cancelled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An entry that is not an active participant of this mobility, or a participant listed twice", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/meetings/{id}/attendance-list")]
async fn record_attendance_list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    body: crate::http::Json<AttendanceListRequest>,
) -> ApiResult<HttpResponse> {
    let m = meetings::record_attendance_list(
        &state.db,
        state.clock.as_ref(),
        &user,
        *id,
        body.into_inner().entries,
        true,
    )
    .await?;
    Ok(HttpResponse::Ok().json(meetings::dto(&state.db, m).await?))
}

/// The mobility's calendar (RFC 5545): the mobility as an all-day event and every meeting.
///
/// Same viewers as the mobility's meetings: admins, coordinators, accountants, the host's
/// users, and libraries and participants with a participant in it; others get 404
/// `mobility.not_found`. Returns an RFC 5545 iCalendar with the mobility as an all-day event
/// (once it has dates) and its meetings; `internal` meetings are included only for admins and
/// coordinators.
#[utoipa::path(
    tag = "preparation", operation_id = "getMobilityCalendar",
    params(("id" = Uuid, Path, description = "Mobility id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "iCalendar", content_type = "text/calendar", body = String),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mobilities/{id}/calendar.ics")]
async fn mobility_calendar(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let feed = calendar::mobility_feed(&state.db, &user, *id).await?;
    Ok(ics(feed.body, &feed.name))
}

/// A participant's calendar: their mobility and its meetings (internal meetings aside).
///
/// Whoever may see the participant: admins, coordinators, accountants, the participant, their
/// library's users and the host's users; others get 404 `participant.not_found`. Returns an RFC
/// 5545 iCalendar named after the mobility and participant, with the mobility as an all-day
/// event (once it has dates) and its meetings, `internal` meetings always left out, even for
/// coordinators.
#[utoipa::path(
    tag = "preparation", operation_id = "getParticipantCalendar",
    params(("id" = Uuid, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "iCalendar", content_type = "text/calendar", body = String),
        (status = 404, description = "Not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/participants/{id}/calendar.ics")]
async fn participant_calendar(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let feed = calendar::participant_feed(&state.db, &user, *id).await?;
    Ok(ics(feed.body, &feed.name))
}
