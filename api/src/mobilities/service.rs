//! Mobilities and the organisations they visit.

use super::dto::{
    CreateMobilityRequest, MobilityDto, MobilityQuery, UpdateMobilityRequest, VisitDto,
};
use super::schedule;
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, FieldError, Page};
use crate::projects::service as projects;
use chrono::{NaiveDate, Utc};
use entity::enums::{MobilityStatus, OrganisationKind};
use entity::{mobility, mobility_visit, organisation};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use uuid::Uuid;

fn code_taken() -> ApiError {
    ApiError::conflict(
        "mobility.code_taken",
        "The project already has a mobility with this code.",
    )
}

pub fn to_dto(
    m: mobility::Model,
    visits: Vec<mobility_visit::Model>,
    today: NaiveDate,
) -> MobilityDto {
    let status = schedule::status_on(&m, today);
    let strings =
        |v: serde_json::Value| serde_json::from_value::<Vec<String>>(v).unwrap_or_default();
    MobilityDto {
        id: m.id,
        project_id: m.project_id,
        code: m.code,
        title: m.title,
        title_en: m.title_en,
        activity_type: m.activity_type,
        host_organisation_id: m.host_organisation_id,
        city: m.city,
        country: m.country,
        planned_period: m.planned_period,
        window_start: m.window_start,
        window_end: m.window_end,
        start_date: m.start_date,
        end_date: m.end_date,
        programme_days: m.programme_days,
        travel_days: m.travel_days,
        places: m.places,
        reserve_places: m.reserve_places,
        distance_km: m.distance_km,
        green_travel: m.green_travel,
        follow_up: m.follow_up,
        goals: strings(m.goals),
        programme: strings(m.programme),
        visited_organisations: visits
            .into_iter()
            .map(|v| VisitDto {
                organisation_id: v.organisation_id,
                description: v.description,
            })
            .collect(),
        status,
        outside_window_reason: m.outside_window_reason,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

pub async fn get_model(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<mobility::Model> {
    mobility::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))
}

async fn visits_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, Vec<mobility_visit::Model>>> {
    let mut map: HashMap<Uuid, Vec<mobility_visit::Model>> = HashMap::new();
    for v in mobility_visit::Entity::find()
        .filter(mobility_visit::Column::MobilityId.is_in(ids.to_vec()))
        .order_by_asc(mobility_visit::Column::OrganisationId)
        .all(db)
        .await?
    {
        map.entry(v.mobility_id).or_default().push(v);
    }
    Ok(map)
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid, today: NaiveDate) -> ApiResult<MobilityDto> {
    let m = get_model(db, id).await?;
    let mut visits = visits_of(db, &[id]).await?;
    Ok(to_dto(m, visits.remove(&id).unwrap_or_default(), today))
}

fn check_range(
    errors: &mut Vec<FieldError>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    to_field: &str,
    from_field: &str,
) {
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        errors.push(FieldError::new(
            to_field,
            "before_start",
            format!("must not be before {from_field}"),
        ));
    }
}

async fn check_host(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<()> {
    match organisation::Entity::find_by_id(id).one(db).await? {
        None => Err(ApiError::invalid_field(
            "host_organisation_id",
            "not_found",
            "no such organisation",
        )),
        Some(o) if !matches!(o.kind, OrganisationKind::Host | OrganisationKind::Partner) => {
            Err(ApiError::invalid_field(
                "host_organisation_id",
                "wrong_kind",
                format!(
                    "the host must be an organisation of kind host or partner, not {}",
                    o.kind
                ),
            ))
        }
        Some(_) => Ok(()),
    }
}

async fn check_visits(db: &impl ConnectionTrait, visits: &[VisitDto]) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    for (i, v) in visits.iter().enumerate() {
        if !seen.insert(v.organisation_id) {
            return Err(ApiError::invalid_field(
                &format!("visited_organisations[{i}].organisation_id"),
                "duplicate",
                "listed twice",
            ));
        }
        if organisation::Entity::find_by_id(v.organisation_id)
            .one(db)
            .await?
            .is_none()
        {
            return Err(ApiError::invalid_field(
                &format!("visited_organisations[{i}].organisation_id"),
                "not_found",
                "no such organisation",
            ));
        }
    }
    Ok(())
}

async fn replace_visits(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
    visits: &[VisitDto],
) -> ApiResult<()> {
    mobility_visit::Entity::delete_many()
        .filter(mobility_visit::Column::MobilityId.eq(mobility_id))
        .exec(db)
        .await?;
    for v in visits {
        mobility_visit::ActiveModel {
            mobility_id: Set(mobility_id),
            organisation_id: Set(v.organisation_id),
            description: Set(v.description.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn code_exists(db: &impl ConnectionTrait, project_id: Uuid, code: &str) -> ApiResult<bool> {
    Ok(mobility::Entity::find()
        .filter(mobility::Column::ProjectId.eq(project_id))
        .filter(mobility::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    project_id: Uuid,
    r: CreateMobilityRequest,
    today: NaiveDate,
) -> ApiResult<MobilityDto> {
    let mut errors = Vec::new();
    schedule::check_status(&mut errors, r.status);
    let outside_window_reason = schedule::window_reason(
        &mut errors,
        (r.window_start, r.window_end),
        (r.start_date, r.end_date),
        r.outside_window_reason.clone(),
    );
    check_range(
        &mut errors,
        r.window_start,
        r.window_end,
        "window_end",
        "window_start",
    );
    check_range(
        &mut errors,
        r.start_date,
        r.end_date,
        "end_date",
        "start_date",
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let txn = begin_write(db).await?;
    projects::get_model(&txn, project_id).await?;
    check_host(&txn, r.host_organisation_id).await?;
    check_visits(&txn, &r.visited_organisations).await?;
    let code = r.code.trim().to_string();
    if code_exists(&txn, project_id, &code).await? {
        return Err(code_taken());
    }
    let now = Utc::now();
    let m = mobility::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project_id),
        code: Set(code),
        title: Set(r.title.trim().to_string()),
        title_en: Set(r.title_en),
        activity_type: Set(r.activity_type),
        host_organisation_id: Set(r.host_organisation_id),
        city: Set(r.city.trim().to_string()),
        country: Set(r.country),
        planned_period: Set(r.planned_period),
        window_start: Set(r.window_start),
        window_end: Set(r.window_end),
        outside_window_reason: Set(outside_window_reason),
        start_date: Set(r.start_date),
        end_date: Set(r.end_date),
        programme_days: Set(r.programme_days),
        travel_days: Set(r.travel_days),
        places: Set(r.places),
        reserve_places: Set(r.reserve_places.unwrap_or(3)),
        obligation_deadlines: Set(None),
        distance_km: Set(r.distance_km),
        green_travel: Set(r.green_travel),
        follow_up: Set(r.follow_up),
        goals: Set(serde_json::json!(r.goals)),
        programme: Set(serde_json::json!(r.programme)),
        status: Set(r.status.unwrap_or(MobilityStatus::Planned)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => code_taken(),
        err => err,
    })?;
    replace_visits(&txn, m.id, &r.visited_organisations).await?;
    let dto = get(&txn, m.id, today).await?;
    let fields = json_of(&dto)
        .as_object()
        .map(|o| o.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    audit::record(&txn, actor, "create", "mobility", m.id, &fields).await?;
    txn.commit().await?;
    Ok(dto)
}

fn json_of(d: &MobilityDto) -> serde_json::Value {
    let mut v = serde_json::to_value(d).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        for k in ["id", "project_id", "created_at", "updated_at"] {
            o.remove(k);
        }
    }
    v
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    p: UpdateMobilityRequest,
    check_etag: impl FnOnce(&mobility::Model) -> ApiResult<()>,
    today: NaiveDate,
) -> ApiResult<MobilityDto> {
    let txn = begin_write(db).await?;
    let cur = get_model(&txn, id).await?;
    check_etag(&cur)?;
    let mut errors = Vec::new();
    schedule::check_status(&mut errors, p.status);
    let window = (
        p.window_start.unwrap_or(cur.window_start),
        p.window_end.unwrap_or(cur.window_end),
    );
    let dates = (
        p.start_date.unwrap_or(cur.start_date),
        p.end_date.unwrap_or(cur.end_date),
    );
    let dates_changed = dates != (cur.start_date, cur.end_date);
    // The window rule is checked when the dates or the window move, or a reason is given; a
    // change of anything else keeps what is stored (also dates set before the rule existed).
    let outside_window_reason = if dates_changed
        || window != (cur.window_start, cur.window_end)
        || p.outside_window_reason.is_some()
    {
        schedule::window_reason(&mut errors, window, dates, p.outside_window_reason.clone())
    } else {
        cur.outside_window_reason.clone()
    };
    check_range(
        &mut errors,
        p.window_start.unwrap_or(cur.window_start),
        p.window_end.unwrap_or(cur.window_end),
        "window_end",
        "window_start",
    );
    check_range(
        &mut errors,
        p.start_date.unwrap_or(cur.start_date),
        p.end_date.unwrap_or(cur.end_date),
        "end_date",
        "start_date",
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    if let Some(h) = p.host_organisation_id {
        check_host(&txn, h).await?;
    }
    if let Some(v) = &p.visited_organisations {
        check_visits(&txn, v).await?;
    }
    if let Some(code) = &p.code
        && code.trim() != cur.code
        && code_exists(&txn, cur.project_id, code.trim()).await?
    {
        return Err(code_taken());
    }
    let before = json_of(&get(&txn, id, today).await?);
    let mut am: mobility::ActiveModel = cur.into();
    am.outside_window_reason = Set(outside_window_reason);
    macro_rules! assign {
        ($($f:ident),*) => { $( if let Some(v) = p.$f { am.$f = Set(v); } )* };
    }
    assign!(
        title_en,
        activity_type,
        host_organisation_id,
        country,
        planned_period,
        window_start,
        window_end,
        start_date,
        end_date,
        programme_days,
        travel_days,
        places,
        reserve_places,
        distance_km,
        green_travel,
        follow_up,
        status
    );
    if let Some(v) = p.code {
        am.code = Set(v.trim().to_string());
    }
    if let Some(v) = p.title {
        am.title = Set(v.trim().to_string());
    }
    if let Some(v) = p.city {
        am.city = Set(v.trim().to_string());
    }
    if let Some(v) = p.goals {
        am.goals = Set(serde_json::json!(v));
    }
    if let Some(v) = p.programme {
        am.programme = Set(serde_json::json!(v));
    }
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    if let Some(v) = &p.visited_organisations {
        replace_visits(&txn, id, v).await?;
    }
    let dto = get(&txn, id, today).await?;
    let fields = audit::service::changed_fields(&before, &json_of(&dto));
    audit::record(&txn, actor, "update", "mobility", id, &fields).await?;
    if dates_changed {
        schedule::rescheduled(&txn, actor, &dto).await?;
    }
    txn.commit().await?;
    Ok(dto)
}

pub async fn list(
    db: &DatabaseConnection,
    project_id: Uuid,
    q: MobilityQuery,
    since: UpdatedSince,
    page: PageRequest,
    today: NaiveDate,
) -> ApiResult<Page<MobilityDto>> {
    projects::get_model(db, project_id).await?;
    let mut query = mobility::Entity::find().filter(mobility::Column::ProjectId.eq(project_id));
    if let Some(s) = q.status {
        query = query.filter(schedule::status_condition(s, today));
    }
    if let Some(c) = q.country {
        query = query.filter(mobility::Column::Country.eq(c.to_uppercase()));
    }
    if let Some(f) = q.follow_up {
        query = query.filter(mobility::Column::FollowUp.eq(f));
    }
    if let Some(t) = since.updated_since {
        query = query.filter(mobility::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("code", mobility::Column::Code),
            ("start_date", mobility::Column::StartDate),
            ("country", mobility::Column::Country),
            ("created_at", mobility::Column::CreatedAt),
            ("updated_at", mobility::Column::UpdatedAt),
        ],
        &[(mobility::Column::Code, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, mobility::Column::Id, |m| m.id)
        .await?;
    let rows = fetched.take_items();
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut visits = visits_of(db, &ids).await?;
    let items = rows
        .into_iter()
        .map(|m| {
            let v = visits.remove(&m.id).unwrap_or_default();
            to_dto(m, v, today)
        })
        .collect();
    Ok(fetched.with_items(items))
}
