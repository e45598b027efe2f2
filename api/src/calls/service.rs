//! Calls: creation, changes, publish and close.

use super::dto::{CallDto, CallQuery, CreateCallRequest, UpdateCallRequest};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::events::{Event, EventType, Scope};
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, FieldError, Page};
use crate::projects::service as projects;
use chrono::{NaiveDate, Utc};
use entity::enums::CallStatus;
use entity::{call, call_mobility, mobility};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

pub fn to_dto(m: call::Model, mobility_ids: Vec<Uuid>) -> CallDto {
    CallDto {
        id: m.id,
        project_id: m.project_id,
        mobility_ids,
        title: m.title,
        published_from: m.published_from,
        deadline: m.deadline,
        selection_due: m.selection_due,
        submission_email: m.submission_email,
        info_url: m.info_url,
        status: m.status,
        published_at: m.published_at,
        closed_at: m.closed_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

pub async fn get_model(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<call::Model> {
    call::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))
}

async fn mobility_ids_of(
    db: &impl ConnectionTrait,
    call_ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut map: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for link in call_mobility::Entity::find()
        .filter(call_mobility::Column::CallId.is_in(call_ids.to_vec()))
        .order_by_asc(call_mobility::Column::MobilityId)
        .all(db)
        .await?
    {
        map.entry(link.call_id).or_default().push(link.mobility_id);
    }
    Ok(map)
}

/// The call, if `include_drafts` or it is not a draft (drafts are 404 to others).
pub async fn get(db: &impl ConnectionTrait, id: Uuid, include_drafts: bool) -> ApiResult<CallDto> {
    let m = get_model(db, id).await?;
    if m.status == CallStatus::Draft && !include_drafts {
        return Err(ApiError::not_found("call"));
    }
    let mut ids = mobility_ids_of(db, &[id]).await?;
    Ok(to_dto(m, ids.remove(&id).unwrap_or_default()))
}

fn check_dates(
    published_from: NaiveDate,
    deadline: NaiveDate,
    selection_due: Option<NaiveDate>,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    if deadline < published_from {
        errors.push(FieldError::new(
            "deadline",
            "before_start",
            "must not be before published_from",
        ));
    }
    if let Some(s) = selection_due
        && s < deadline
    {
        errors.push(FieldError::new(
            "selection_due",
            "before_deadline",
            "must not be before the deadline",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

async fn check_mobilities(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    ids: &[Uuid],
) -> ApiResult<Vec<Uuid>> {
    let mut unique: Vec<Uuid> = ids.to_vec();
    unique.sort();
    unique.dedup();
    for (i, id) in unique.iter().enumerate() {
        match mobility::Entity::find_by_id(*id).one(db).await? {
            Some(m) if m.project_id == project_id => {}
            _ => {
                return Err(ApiError::invalid_field(
                    &format!("mobility_ids[{i}]"),
                    "not_in_project",
                    "no such mobility in this project",
                ));
            }
        }
    }
    Ok(unique)
}

async fn set_mobilities(db: &impl ConnectionTrait, call_id: Uuid, ids: &[Uuid]) -> ApiResult<()> {
    call_mobility::Entity::delete_many()
        .filter(call_mobility::Column::CallId.eq(call_id))
        .exec(db)
        .await?;
    for id in ids {
        call_mobility::ActiveModel {
            call_id: Set(call_id),
            mobility_id: Set(*id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

fn title_taken() -> ApiError {
    ApiError::conflict(
        "call.title_taken",
        "The project already has a call with this title.",
    )
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    r: CreateCallRequest,
) -> ApiResult<CallDto> {
    check_dates(r.published_from, r.deadline, r.selection_due)?;
    let txn = begin_write(db).await?;
    projects::get_model(&txn, project_id).await?;
    let mobility_ids = check_mobilities(&txn, project_id, &r.mobility_ids).await?;
    let title = r.title.trim().to_string();
    if call::Entity::find()
        .filter(call::Column::ProjectId.eq(project_id))
        .filter(call::Column::Title.eq(&title))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(title_taken());
    }
    let now = Utc::now();
    let m = call::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project_id),
        title: Set(title),
        published_from: Set(r.published_from),
        deadline: Set(r.deadline),
        selection_due: Set(r.selection_due),
        submission_email: Set(r.submission_email.map(|e| e.trim().to_lowercase())),
        info_url: Set(r.info_url),
        status: Set(CallStatus::Draft),
        published_at: Set(None),
        closed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    set_mobilities(&txn, m.id, &mobility_ids).await?;
    let fields: Vec<String> = [
        "title",
        "published_from",
        "deadline",
        "selection_due",
        "mobility_ids",
        "submission_email",
        "info_url",
        "status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    audit::record(&txn, actor, "create", "call", m.id, &fields).await?;
    txn.commit().await?;
    Ok(to_dto(m, mobility_ids))
}

fn json_of(d: &CallDto) -> serde_json::Value {
    serde_json::json!({
        "title": d.title, "published_from": d.published_from, "deadline": d.deadline,
        "selection_due": d.selection_due, "mobility_ids": d.mobility_ids,
        "submission_email": d.submission_email, "info_url": d.info_url, "status": d.status,
    })
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    p: UpdateCallRequest,
    check_etag: impl FnOnce(&call::Model) -> ApiResult<()>,
) -> ApiResult<CallDto> {
    let txn = begin_write(db).await?;
    let cur = get_model(&txn, id).await?;
    check_etag(&cur)?;
    match cur.status {
        CallStatus::Closed => {
            return Err(ApiError::conflict(
                "call.closed",
                "A closed call cannot be changed.",
            ));
        }
        CallStatus::Open if p.mobility_ids.is_some() => {
            return Err(ApiError::conflict(
                "call.not_draft",
                "The mobilities of a published call cannot be changed.",
            ));
        }
        _ => {}
    }
    check_dates(
        p.published_from.unwrap_or(cur.published_from),
        p.deadline.unwrap_or(cur.deadline),
        p.selection_due.unwrap_or(cur.selection_due),
    )?;
    let mobility_ids = match &p.mobility_ids {
        Some(ids) => Some(check_mobilities(&txn, cur.project_id, ids).await?),
        None => None,
    };
    if let Some(t) = &p.title
        && t.trim() != cur.title
        && call::Entity::find()
            .filter(call::Column::ProjectId.eq(cur.project_id))
            .filter(call::Column::Title.eq(t.trim()))
            .one(&txn)
            .await?
            .is_some()
    {
        return Err(title_taken());
    }
    let before = json_of(&get(&txn, id, true).await?);
    let mut am: call::ActiveModel = cur.into();
    if let Some(v) = p.title {
        am.title = Set(v.trim().to_string());
    }
    if let Some(v) = p.published_from {
        am.published_from = Set(v);
    }
    if let Some(v) = p.deadline {
        am.deadline = Set(v);
    }
    if let Some(v) = p.selection_due {
        am.selection_due = Set(v);
    }
    if let Some(v) = p.submission_email {
        am.submission_email = Set(v.map(|e| e.trim().to_lowercase()));
    }
    if let Some(v) = p.info_url {
        am.info_url = Set(v);
    }
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    if let Some(ids) = &mobility_ids {
        set_mobilities(&txn, id, ids).await?;
    }
    let dto = get(&txn, id, true).await?;
    let fields = audit::service::changed_fields(&before, &json_of(&dto));
    audit::record(&txn, actor, "update", "call", id, &fields).await?;
    txn.commit().await?;
    Ok(dto)
}

/// `publish` (draft -> open) or `close` (open -> closed).
pub async fn transition(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    to: CallStatus,
) -> ApiResult<CallDto> {
    let txn = begin_write(db).await?;
    let cur = get_model(&txn, id).await?;
    let (from, action) = match to {
        CallStatus::Open => (CallStatus::Draft, "publish"),
        CallStatus::Closed => (CallStatus::Open, "close"),
        CallStatus::Draft => return Err(ApiError::internal("a call cannot go back to draft")),
    };
    if cur.status != from {
        return Err(ApiError::conflict(
            "call.invalid_transition",
            format!(
                "Only a {from} call can be {action}ed; this one is {}.",
                cur.status
            ),
        ));
    }
    if to == CallStatus::Open
        && mobility_ids_of(&txn, &[id])
            .await?
            .get(&id)
            .is_none_or(|v| v.is_empty())
    {
        return Err(ApiError::unprocessable(
            "call.no_mobilities",
            "A call needs at least one mobility before it is published.",
        ));
    }
    let now = Utc::now();
    let mut am: call::ActiveModel = cur.into();
    am.status = Set(to);
    if to == CallStatus::Open {
        am.published_at = Set(Some(now));
    } else {
        am.closed_at = Set(Some(now));
    }
    am.updated_at = Set(now);
    let m = am.update(&txn).await?;
    let field = if to == CallStatus::Open {
        "published_at"
    } else {
        "closed_at"
    };
    audit::record(
        &txn,
        actor,
        action,
        "call",
        id,
        &["status".into(), field.into()],
    )
    .await?;
    let dto = get(&txn, id, true).await?;
    let kind = if to == CallStatus::Open {
        EventType::CallPublished
    } else {
        // The committee is asked to score.
        let members = entity::user::Entity::find()
            .filter(
                entity::user::Column::Id.in_subquery(
                    entity::call_committee_member::Entity::find()
                        .select_only()
                        .column(entity::call_committee_member::Column::UserId)
                        .filter(entity::call_committee_member::Column::CallId.eq(id))
                        .into_query(),
                ),
            )
            .filter(entity::user::Column::Active.eq(true))
            .all(&txn)
            .await?;
        crate::notifications::outcome::committee_scoring(
            &txn,
            &m,
            &members,
            actor.request_id.clone(),
        )
        .await?;
        EventType::CallClosed
    };
    Event::new(kind, id, Scope::Public)
        .project(m.project_id)
        .data(serde_json::json!({
            "status": m.status, "deadline": m.deadline,
            "published_at": m.published_at, "closed_at": m.closed_at,
        }))
        .emit(&txn, actor)
        .await?;
    txn.commit().await?;
    Ok(dto)
}

pub async fn list(
    db: &DatabaseConnection,
    project_id: Uuid,
    q: CallQuery,
    include_drafts: bool,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<CallDto>> {
    projects::get_model(db, project_id).await?;
    let mut query = call::Entity::find().filter(call::Column::ProjectId.eq(project_id));
    if !include_drafts {
        query = query.filter(call::Column::Status.ne(CallStatus::Draft));
    }
    if let Some(s) = q.status {
        query = query.filter(call::Column::Status.eq(s));
    }
    if let Some(m) = q.mobility_id {
        let call_ids: Vec<Uuid> = call_mobility::Entity::find()
            .filter(call_mobility::Column::MobilityId.eq(m))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.call_id)
            .collect();
        query = query.filter(call::Column::Id.is_in(call_ids));
    }
    if let Some(t) = since.updated_since {
        query = query.filter(call::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("title", call::Column::Title),
            ("published_from", call::Column::PublishedFrom),
            ("deadline", call::Column::Deadline),
            ("created_at", call::Column::CreatedAt),
            ("updated_at", call::Column::UpdatedAt),
        ],
        &[(call::Column::PublishedFrom, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, call::Column::Id, |m| m.id)
        .await?;
    let rows = fetched.take_items();
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let mut links = mobility_ids_of(db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|c| {
            let l = links.remove(&c.id).unwrap_or_default();
            to_dto(c, l)
        })
        .collect();
    Ok(fetched.with_items(items))
}
