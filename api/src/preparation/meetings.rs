//! Meetings of a mobility (preparation with the coordinator or the host, evaluation,
//! internal) and who attended.

use super::policy;
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::events::{Event, EventType, Scope};
use crate::http::checks::not_blank;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use chrono::{DateTime, Months, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use entity::enums::{MeetingKind, ParticipantStatus};
use entity::{meeting, meeting_attendance, mobility, participant};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceDto {
    pub participant_id: Uuid,
    pub attended: bool,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: Uuid,
    pub mobility_id: Uuid,
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub online_link: Option<String>,
    pub notes: Option<String>,
    pub attendance: Vec<AttendanceDto>,
    /// Set when the meeting was cancelled (it stays on record; calendars show it cancelled).
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "host_preparation", "title": "Spoznavno srečanje z Dokk1", "duration_minutes": 60, "online_link": "https://zoom.us/j/123456789"}))]
pub struct CreateMeetingRequest {
    pub kind: MeetingKind,
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: String,
    /// Default for `host_preparation`: one month before the mobility starts, 10:00 Europe/Ljubljana.
    pub starts_at: Option<DateTime<Utc>>,
    #[validate(range(min = 5, max = 1440))]
    #[schema(minimum = 5, maximum = 1440)]
    pub duration_minutes: i32,
    #[validate(custom(function = "crate::http::checks::web_url"), length(max = 2000))]
    #[schema(
        max_length = 2000,
        pattern = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$"
    )]
    pub online_link: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeetingRequest {
    #[validate(length(min = 1, max = 300), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub title: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    #[validate(range(min = 5, max = 1440))]
    #[schema(minimum = 5, maximum = 1440)]
    pub duration_minutes: Option<i32>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = r"^https?://[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$")]
    pub online_link: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    pub participant_id: Uuid,
    pub attended: bool,
}

/// The attendance of several participants, recorded together.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"entries": [{"participant_id": "0190f1c2-0000-7000-8000-000000000001", "attended": true}, {"participant_id": "0190f1c2-0000-7000-8000-000000000002", "attended": false}]}))]
pub struct AttendanceListRequest {
    /// One entry per participant (each at most once); participants not listed keep what was
    /// recorded for them.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub entries: Vec<AttendanceRequest>,
}

pub fn tz() -> Tz {
    chrono_tz::Europe::Ljubljana
}

/// One month before the start date, 10:00 in Ljubljana.
pub fn default_host_meeting(start: chrono::NaiveDate) -> Option<DateTime<Utc>> {
    let day = start.checked_sub_months(Months::new(1))?;
    tz().from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(10, 0, 0)?))
        .single()
        .map(|t| t.with_timezone(&Utc))
}

pub(super) async fn mobility_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<mobility::Model> {
    let m = mobility::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    if policy::sees_meetings_of(db, user, &m).await? {
        Ok(m)
    } else {
        Err(ApiError::not_found("mobility"))
    }
}

pub async fn dto(db: &impl ConnectionTrait, m: meeting::Model) -> ApiResult<MeetingDto> {
    let mut one = dtos(db, vec![m]).await?;
    one.pop()
        .ok_or_else(|| ApiError::internal("meeting without its response"))
}

/// The responses for `rows`, their attendance loaded in one query.
pub async fn dtos(
    db: &impl ConnectionTrait,
    rows: Vec<meeting::Model>,
) -> ApiResult<Vec<MeetingDto>> {
    let mut attendance: std::collections::HashMap<Uuid, Vec<AttendanceDto>> =
        std::collections::HashMap::new();
    for a in meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::MeetingId.is_in(rows.iter().map(|m| m.id)))
        .order_by_asc(meeting_attendance::Column::ParticipantId)
        .all(db)
        .await?
    {
        attendance
            .entry(a.meeting_id)
            .or_default()
            .push(AttendanceDto {
                participant_id: a.participant_id,
                attended: a.attended,
                recorded_at: a.recorded_at,
            });
    }
    Ok(rows
        .into_iter()
        .map(|m| MeetingDto {
            attendance: attendance.remove(&m.id).unwrap_or_default(),
            id: m.id,
            mobility_id: m.mobility_id,
            kind: m.kind,
            title: m.title,
            starts_at: m.starts_at,
            duration_minutes: m.duration_minutes,
            online_link: m.online_link,
            notes: m.notes,
            cancelled_at: m.cancelled_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
        .collect())
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
) -> ApiResult<Vec<MeetingDto>> {
    mobility_for(db, user, mobility_id).await?;
    let rows = meeting::Entity::find()
        .filter(meeting::Column::MobilityId.eq(mobility_id))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?;
    dtos(db, rows).await
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    r: CreateMeetingRequest,
) -> ApiResult<meeting::Model> {
    let txn = begin_write(db).await?;
    let mob = mobility_for(&txn, user, mobility_id).await?;
    policy::may_manage_meetings(user, "schedule meetings")?;
    let starts_at = match (r.starts_at, r.kind) {
        (Some(t), _) => t,
        (None, MeetingKind::HostPreparation) => mob
            .start_date
            .and_then(default_host_meeting)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "starts_at",
                    "required",
                    "the mobility has no start date yet: give the meeting's time",
                )
            })?,
        (None, _) => {
            return Err(ApiError::invalid_field(
                "starts_at",
                "required",
                "is required",
            ));
        }
    };
    let now = Utc::now();
    let m = meeting::ActiveModel {
        id: Set(Uuid::now_v7()),
        mobility_id: Set(mobility_id),
        kind: Set(r.kind),
        title: Set(r.title.trim().to_string()),
        starts_at: Set(starts_at),
        duration_minutes: Set(r.duration_minutes),
        online_link: Set(r.online_link),
        notes: Set(r.notes),
        sequence: Set(0),
        cancelled_at: Set(None),
        created_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "meeting",
        m.id,
        &[
            "kind".into(),
            "title".into(),
            "starts_at".into(),
            "duration_minutes".into(),
            "online_link".into(),
        ],
    )
    .await?;
    invite(&txn, &m, &mob, false, user.request_id.clone()).await?;
    event(EventType::MeetingScheduled, &m)
        .emit(&txn, &Actor::from(user))
        .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<meeting::Model> {
    let m = meeting::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("meeting"))?;
    mobility_for(db, user, m.mobility_id)
        .await
        .map_err(|e| e.or_not_found("meeting"))?;
    Ok(m)
}

pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateMeetingRequest,
    check_etag: impl FnOnce(&meeting::Model) -> ApiResult<()>,
) -> ApiResult<meeting::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_manage_meetings(user, "change meetings")?;
    check_etag(&cur)?;
    refuse_cancelled(&cur)?;
    let before = serde_json::json!({"title": cur.title, "starts_at": cur.starts_at, "duration_minutes": cur.duration_minutes, "online_link": cur.online_link, "notes": cur.notes});
    let cur_sequence = cur.sequence;
    let original = cur.clone();
    let mut am: meeting::ActiveModel = cur.into();
    if let Some(v) = r.title {
        am.title = Set(v.trim().to_string());
    }
    if let Some(v) = r.starts_at {
        am.starts_at = Set(v);
    }
    if let Some(v) = r.duration_minutes {
        am.duration_minutes = Set(v);
    }
    if let Some(v) = r.online_link {
        if let Some(Err(e)) = v.as_deref().map(crate::http::checks::web_url) {
            return Err(ApiError::invalid_field(
                "online_link",
                "url",
                e.message.unwrap_or_default(),
            ));
        }
        am.online_link = Set(v);
    }
    if let Some(v) = r.notes {
        am.notes = Set(v);
    }
    let after = serde_json::json!({
        "title": am.title.as_ref(), "starts_at": am.starts_at.as_ref(),
        "duration_minutes": am.duration_minutes.as_ref(), "online_link": am.online_link.as_ref(),
        "notes": am.notes.as_ref(),
    });
    let changed = audit::service::changed_fields(&before, &after);
    if changed.is_empty() {
        // Nothing changed: no new revision for subscribed calendars, no event.
        return Ok(original);
    }
    am.sequence = Set(cur_sequence + 1);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let actor = Actor::from(user);
    audit::record(&txn, &actor, "update", "meeting", id, &changed).await?;
    if changed
        .iter()
        .any(|f| matches!(f.as_str(), "starts_at" | "duration_minutes" | "online_link"))
    {
        if let Some(mob) = entity::mobility::Entity::find_by_id(m.mobility_id)
            .one(&txn)
            .await?
        {
            invite(&txn, &m, &mob, true, user.request_id.clone()).await?;
        }
        event(EventType::MeetingMoved, &m)
            .emit(&txn, &actor)
            .await?;
    }
    txn.commit().await?;
    Ok(m)
}

/// Cancel a meeting: it stays on record (with its attendance), marked cancelled, and
/// subscribed calendars show it cancelled.
pub async fn cancel(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    check_etag: impl FnOnce(&meeting::Model) -> ApiResult<()>,
) -> ApiResult<meeting::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_manage_meetings(user, "cancel meetings")?;
    check_etag(&cur)?;
    refuse_cancelled(&cur)?;
    let sequence = cur.sequence + 1;
    let mut am: meeting::ActiveModel = cur.into();
    let now = Utc::now();
    am.cancelled_at = Set(Some(now));
    am.sequence = Set(sequence);
    am.updated_at = Set(now);
    let m = am.update(&txn).await?;
    let actor = Actor::from(user);
    audit::record(
        &txn,
        &actor,
        "cancel",
        "meeting",
        id,
        &["cancelled_at".into()],
    )
    .await?;
    event(EventType::MeetingCancelled, &m)
        .emit(&txn, &actor)
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Invite the mobility's active participants (and the host, to a meeting with the host).
async fn invite(
    db: &impl ConnectionTrait,
    m: &meeting::Model,
    mob: &entity::mobility::Model,
    moved: bool,
    request_id: Option<String>,
) -> ApiResult<()> {
    let participants = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(m.mobility_id))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .all(db)
        .await?;
    crate::notifications::outcome::meeting_invitation(db, m, mob, &participants, moved, request_id)
        .await
}

/// A cancelled meeting is not changed any more.
fn refuse_cancelled(m: &meeting::Model) -> ApiResult<()> {
    if m.cancelled_at.is_some() {
        return Err(ApiError::conflict(
            "meeting.cancelled",
            "The meeting has been cancelled.",
        ));
    }
    Ok(())
}

/// The event for a change of `m`: internal meetings are for the project team only.
fn event(t: EventType, m: &meeting::Model) -> Event {
    let scope = if m.kind == MeetingKind::Internal {
        Scope::Staff
    } else {
        Scope::Mobility(m.mobility_id)
    };
    Event::new(t, m.id, scope)
        .mobility(m.mobility_id)
        .data(serde_json::json!({
            "mobility_id": m.mobility_id,
            "kind": m.kind,
            "starts_at": m.starts_at,
            "duration_minutes": m.duration_minutes,
            "sequence": m.sequence,
            "cancelled_at": m.cancelled_at,
        }))
}

/// Record whether a participant attended. Preparation meetings close the matching task.
pub async fn record_attendance(
    db: &DatabaseConnection,
    clock: &dyn crate::clock::Clock,
    user: &AuthUser,
    meeting_id: Uuid,
    r: AttendanceRequest,
) -> ApiResult<meeting::Model> {
    record_attendance_list(db, clock, user, meeting_id, vec![r], false).await
}

/// Record the attendance of several participants at once, all or none: an entry that names
/// no active participant of the mobility refuses the whole list (422 on
/// `entries[i].participant_id`).
pub async fn record_attendance_list(
    db: &DatabaseConnection,
    clock: &dyn crate::clock::Clock,
    user: &AuthUser,
    meeting_id: Uuid,
    entries: Vec<AttendanceRequest>,
    list: bool,
) -> ApiResult<meeting::Model> {
    let txn = begin_write(db).await?;
    let m = visible(&txn, user, meeting_id).await?;
    policy::may_manage_meetings(user, "record attendance")?;
    refuse_cancelled(&m)?;
    let mut seen = std::collections::HashSet::new();
    let mut changed = Vec::new();
    for (i, r) in entries.into_iter().enumerate() {
        let field = if list {
            format!("entries[{i}].participant_id")
        } else {
            "participant_id".to_string()
        };
        if !seen.insert(r.participant_id) {
            return Err(ApiError::invalid_field(&field, "duplicate", "listed twice"));
        }
        let p = participant::Entity::find_by_id(r.participant_id)
            .one(&txn)
            .await?
            .filter(|p| p.mobility_id == m.mobility_id && p.status != ParticipantStatus::Withdrawn)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    &field,
                    "not_found",
                    "no active participant of this mobility",
                )
            })?;
        record_one(&txn, clock, user, &m, &p, r.attended).await?;
        changed.push(format!("attendance.{}", p.id));
    }
    audit::record(
        &txn,
        &Actor::from(user),
        "record_attendance",
        "meeting",
        meeting_id,
        &changed,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

async fn record_one(
    txn: &impl ConnectionTrait,
    clock: &dyn crate::clock::Clock,
    user: &AuthUser,
    m: &meeting::Model,
    p: &participant::Model,
    attended: bool,
) -> ApiResult<()> {
    let meeting_id = m.id;
    meeting_attendance::Entity::delete_by_id((meeting_id, p.id))
        .exec(txn)
        .await?;
    meeting_attendance::ActiveModel {
        meeting_id: Set(meeting_id),
        participant_id: Set(p.id),
        attended: Set(attended),
        recorded_by: Set(user.id),
        recorded_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    let task = match m.kind {
        MeetingKind::CoordinatorPreparation => {
            Some(crate::preparation::checklist::COORDINATOR_MEETING)
        }
        MeetingKind::HostPreparation => Some(crate::preparation::checklist::HOST_MEETING),
        _ => None,
    };
    if let Some(key) = task {
        // Done if the participant attended any meeting of this kind.
        let meetings_of_kind: Vec<Uuid> = meeting::Entity::find()
            .filter(meeting::Column::MobilityId.eq(m.mobility_id))
            .filter(meeting::Column::Kind.eq(m.kind))
            .all(txn)
            .await?
            .into_iter()
            .map(|x| x.id)
            .collect();
        let attended_any = meeting_attendance::Entity::find()
            .filter(meeting_attendance::Column::ParticipantId.eq(p.id))
            .filter(meeting_attendance::Column::MeetingId.is_in(meetings_of_kind))
            .filter(meeting_attendance::Column::Attended.eq(true))
            .one(txn)
            .await?
            .is_some();
        participants::lifecycle::automatic_task(txn, p.id, key, attended_any, Some(user.id))
            .await?;
    }
    if m.kind == MeetingKind::Evaluation {
        // The oral evaluation is an obligation after the mobility.
        participants::lifecycle::refresh_completion(txn, clock, p.id).await?;
    }
    Ok(())
}
