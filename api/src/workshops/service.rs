//! Local workshops for older adults: one per participating library per mobility. Attendees
//! are counted, never named. Who may see and change a workshop is asked of `super::policy`.

use super::dto::{
    AttendeesProfile, CreateWorkshopRequest, UpdateWorkshopRequest, WorkshopDto, WorkshopQuery,
    WorkshopReport,
};
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::events::{Event, EventType, Scope};
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, FieldError, Page};
use crate::participants;
use chrono::Utc;
use entity::enums::{FollowUp, ParticipantStatus, WorkshopKind, WorkshopStatus};
use entity::{mobility, participant, workshop};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

pub fn kind_for(track: FollowUp) -> WorkshopKind {
    match track {
        FollowUp::DtflWorkshop => WorkshopKind::DtflNeeds,
        FollowUp::HeritageWorkshop => WorkshopKind::CulturalHeritage,
    }
}

async fn check_facilitators(
    db: &impl ConnectionTrait,
    library_id: Uuid,
    mobility_id: Uuid,
    ids: &[Uuid],
) -> ApiResult<()> {
    for (i, id) in ids.iter().enumerate() {
        let ok = participant::Entity::find_by_id(*id)
            .one(db)
            .await?
            .is_some_and(|p| {
                p.library_id == library_id
                    && p.mobility_id == mobility_id
                    && p.status != ParticipantStatus::Withdrawn
            });
        if !ok {
            return Err(ApiError::invalid_field(
                &format!("facilitators[{i}]"),
                "not_participant",
                "must be a participant of this library and mobility",
            ));
        }
    }
    Ok(())
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    r: CreateWorkshopRequest,
) -> ApiResult<workshop::Model> {
    let library_id = policy::library_of_new(user, r.library_id)?;
    if crate::http::checks::is_blank(&r.title) {
        return Err(ApiError::invalid_field("title", "required", "is required"));
    }
    let txn = begin_write(db).await?;
    let m = mobility::Entity::find_by_id(r.mobility_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::invalid_field("mobility_id", "not_found", "no such mobility"))?;
    participants::access::require_taking_part(
        &txn,
        library_id,
        m.id,
        "workshop.library_not_participating",
    )
    .await?;
    check_facilitators(&txn, library_id, m.id, &r.facilitators).await?;
    if workshop::Entity::find()
        .filter(workshop::Column::LibraryId.eq(library_id))
        .filter(workshop::Column::MobilityId.eq(m.id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "workshop.duplicate",
            "This library already has its workshop for this mobility.",
        ));
    }
    let now = Utc::now();
    let w = workshop::ActiveModel {
        id: Set(Uuid::now_v7()),
        library_id: Set(library_id),
        mobility_id: Set(m.id),
        kind: Set(kind_for(m.follow_up)),
        title: Set(r.title.trim().to_string()),
        planned_content: Set(r.planned_content),
        planned_content_sha256: Set(None),
        planned_on: Set(r.planned_on),
        held_on: Set(None),
        facilitators: Set(serde_json::json!(r.facilitators)),
        attendees_count: Set(None),
        attendees_profile: Set(None),
        report: Set(None),
        status: Set(WorkshopStatus::Planned),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => ApiError::conflict(
            "workshop.duplicate",
            "This library already has its workshop for this mobility.",
        ),
        err => err,
    })?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "workshop",
        w.id,
        &["title".into(), "planned_on".into(), "facilitators".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(w)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<workshop::Model> {
    let w = workshop::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("workshop"))?;
    policy::sees(user, &w)?;
    Ok(w)
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    q: WorkshopQuery,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<WorkshopDto>> {
    let mut query = workshop::Entity::find().filter(policy::list_scope(user)?);
    if let Some(v) = q.mobility_id {
        query = query.filter(workshop::Column::MobilityId.eq(v));
    }
    if let Some(v) = q.library_id {
        query = query.filter(workshop::Column::LibraryId.eq(v));
    }
    if let Some(v) = q.status {
        query = query.filter(workshop::Column::Status.eq(v));
    }
    if let Some(t) = since.updated_since {
        query = query.filter(workshop::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("held_on", workshop::Column::HeldOn),
            ("status", workshop::Column::Status),
            ("created_at", workshop::Column::CreatedAt),
            ("updated_at", workshop::Column::UpdatedAt),
        ],
        &[(workshop::Column::CreatedAt, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, workshop::Column::Id, |m| m.id)
        .await?;
    let items = fetched.take_items();
    Ok(fetched.with_items(items.into_iter().map(WorkshopDto::from).collect()))
}

fn check_attendance(count: Option<i32>, profile: &Option<AttendeesProfile>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    // A workshop nobody came to was not held: it stays planned (or moves to another day).
    if count.is_some_and(|c| !(1..=10000).contains(&c)) {
        errors.push(FieldError::new(
            "attendees_count",
            "range",
            "between 1 and 10000: a workshop nobody attended was not held",
        ));
    }
    if let Some(p) = profile {
        let n = count.unwrap_or(0);
        let fields = [
            ("age_60_69", p.age_60_69),
            ("age_70_79", p.age_70_79),
            ("age_80_plus", p.age_80_plus),
            ("retired", p.retired),
            ("first_time_in_library", p.first_time_in_library),
        ];
        for (name, v) in fields {
            if v.is_some_and(|v| v < 0 || v > n) {
                errors.push(FieldError::new(
                    format!("attendees_profile.{name}"),
                    "range",
                    "between 0 and the number of attendees",
                ));
            }
        }
        let ages = p.age_60_69.unwrap_or(0) + p.age_70_79.unwrap_or(0) + p.age_80_plus.unwrap_or(0);
        if ages > n {
            errors.push(FieldError::new(
                "attendees_profile",
                "age_bands",
                "the age bands add up to more than the attendees",
            ));
        }
    }
    errors
}

pub async fn update(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    r: UpdateWorkshopRequest,
    check_etag: impl FnOnce(&workshop::Model) -> ApiResult<()>,
) -> ApiResult<workshop::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_change(user, &cur)?;
    check_etag(&cur)?;
    if let Some(f) = &r.facilitators {
        check_facilitators(&txn, cur.library_id, cur.mobility_id, f).await?;
    }
    let held_on = r.held_on.or(cur.held_on);
    let count = r.attendees_count.or(cur.attendees_count);
    let profile = r.attendees_profile.clone().or_else(|| {
        cur.attendees_profile
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
    });
    let mut errors = check_attendance(count, &profile);
    let today = crate::clock::today(clock);
    if r.held_on.is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            "held_on",
            "in_future",
            "a workshop is held on a day not in the future",
        ));
    }
    if r.held_on.is_some() && count.is_none() {
        errors.push(FieldError::new(
            "attendees_count",
            "required",
            "a held workshop needs the number of attendees",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let before = serde_json::to_value(WorkshopDto::from(cur.clone())).unwrap_or_default();
    let mut am: workshop::ActiveModel = cur.clone().into();
    if let Some(v) = r.title {
        am.title = Set(v.trim().to_string());
    }
    if let Some(v) = r.planned_content {
        am.planned_content = Set(Some(v));
    }
    if let Some(v) = r.planned_on {
        am.planned_on = Set(Some(v));
    }
    if let Some(v) = r.facilitators {
        am.facilitators = Set(serde_json::json!(v));
    }
    am.held_on = Set(held_on);
    am.attendees_count = Set(count);
    am.attendees_profile = Set(profile.map(|p| serde_json::to_value(p).unwrap_or_default()));
    let now_held = cur.status == WorkshopStatus::Planned && held_on.is_some() && count.is_some();
    if now_held {
        am.status = Set(WorkshopStatus::Held);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let fields = audit::service::changed_fields(
        &before,
        &serde_json::to_value(WorkshopDto::from(m.clone())).unwrap_or_default(),
    );
    audit::record(&txn, &Actor::from(user), "update", "workshop", id, &fields).await?;
    refresh_library(&txn, clock, m.library_id, m.mobility_id).await?;
    if now_held {
        Event::new(EventType::WorkshopHeld, m.id, Scope::Library)
            .library(m.library_id)
            .mobility(m.mobility_id)
            .data(serde_json::json!({
                "mobility_id": m.mobility_id, "library_id": m.library_id, "kind": m.kind,
                "held_on": m.held_on, "status": m.status,
            }))
            .emit(&txn, &Actor::from(user))
            .await?;
    }
    txn.commit().await?;
    Ok(m)
}

pub async fn put_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    r: WorkshopReport,
) -> ApiResult<workshop::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_report(user, &cur)?;
    if cur.status == WorkshopStatus::Planned {
        return Err(ApiError::conflict(
            "workshop.not_held",
            "Report a workshop once it is held (held_on and attendees_count).",
        ));
    }
    let mut errors = Vec::new();
    match cur.kind {
        WorkshopKind::DtflNeeds => {
            if r.learning_needs.is_empty() {
                errors.push(FieldError::new(
                    "learning_needs",
                    "required",
                    "a DTFL workshop reports the learning needs found",
                ));
            }
            for (i, n) in r.learning_needs.iter().enumerate() {
                if crate::http::checks::is_blank(&n.need) {
                    errors.push(FieldError::new(
                        format!("learning_needs[{i}].need"),
                        "required",
                        "is required",
                    ));
                }
                if n.raised_by < 1 || cur.attendees_count.is_some_and(|c| n.raised_by > c) {
                    errors.push(FieldError::new(
                        format!("learning_needs[{i}].raised_by"),
                        "range",
                        "between 1 and the number of attendees",
                    ));
                }
            }
        }
        WorkshopKind::CulturalHeritage => {
            if r.topics.is_empty() {
                errors.push(FieldError::new(
                    "topics",
                    "required",
                    "a heritage workshop reports its topics",
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut am: workshop::ActiveModel = cur.clone().into();
    am.report = Set(Some(serde_json::to_value(&r).map_err(ApiError::internal)?));
    am.status = Set(WorkshopStatus::Reported);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "report",
        "workshop",
        id,
        &["report".into(), "status".into()],
    )
    .await?;
    refresh_library(&txn, clock, m.library_id, m.mobility_id).await?;
    txn.commit().await?;
    Ok(m)
}

/// Obligations of every participant of a library in a mobility may have changed.
pub async fn refresh_library(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    library_id: Uuid,
    mobility_id: Uuid,
) -> ApiResult<()> {
    for p in participant::Entity::find()
        .filter(participant::Column::LibraryId.eq(library_id))
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .all(db)
        .await?
    {
        participants::lifecycle::refresh_completion(db, clock, p.id).await?;
    }
    Ok(())
}

/// Attach the planned content as a document (PDF).
pub async fn put_plan_document(
    db: &DatabaseConnection,
    blobs: &dyn crate::storage::BlobStore,
    user: &AuthUser,
    id: Uuid,
    bytes: Vec<u8>,
) -> ApiResult<workshop::Model> {
    let cur = visible(db, user, id).await?;
    policy::may_plan(user, &cur)?;
    let bytes = crate::pdf::require_pdf(bytes).await?;
    let sha = blobs.put(bytes).await.map_err(ApiError::internal)?;
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, cur.id).await?;
    let mut am: workshop::ActiveModel = cur.into();
    am.planned_content_sha256 = Set(Some(sha));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "workshop",
        id,
        &["planned_content_document".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn plan_document(
    db: &DatabaseConnection,
    blobs: &dyn crate::storage::BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<Vec<u8>> {
    let w = visible(db, user, id).await?;
    let sha = w
        .planned_content_sha256
        .ok_or_else(|| ApiError::not_found("planned_content"))?;
    blobs.get(&sha).await.map_err(ApiError::internal)
}
