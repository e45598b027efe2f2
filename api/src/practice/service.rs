//! New practice: the method a library brings into its regular work (DTFL, or a good
//! practice from Lithuania), its plan, and its adoption. Who may see and change a practice is
//! asked of `super::policy`.

use super::dto::{AdoptionDto, CreateAdoptionRequest, Method, UpdateAdoptionRequest};
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, FieldError, Page};
use chrono::Utc;
use entity::enums::AdoptionStatus;
use entity::practice_adoption;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;

fn method_str(m: Method) -> &'static str {
    match m {
        Method::Dtfl => "dtfl",
        Method::GoodPractice => "good_practice",
    }
}

fn rank(s: AdoptionStatus) -> u8 {
    match s {
        AdoptionStatus::Planned => 0,
        AdoptionStatus::Piloted => 1,
        AdoptionStatus::Adopted => 2,
    }
}

pub async fn create(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    r: CreateAdoptionRequest,
) -> ApiResult<practice_adoption::Model> {
    let library_id = policy::library_of_new(user, r.library_id)?;
    if crate::http::checks::is_blank(&r.description) {
        return Err(ApiError::invalid_field(
            "description",
            "required",
            "is required",
        ));
    }
    let txn = begin_write(db).await?;
    crate::participants::access::require_taking_part(
        &txn,
        library_id,
        r.mobility_id,
        "practice.library_not_participating",
    )
    .await?;
    if practice_adoption::Entity::find()
        .filter(practice_adoption::Column::LibraryId.eq(library_id))
        .filter(practice_adoption::Column::MobilityId.eq(r.mobility_id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "practice.duplicate",
            "The library already records its new practice for this mobility.",
        ));
    }
    let now = Utc::now();
    let m = practice_adoption::ActiveModel {
        id: Set(Uuid::now_v7()),
        library_id: Set(library_id),
        mobility_id: Set(r.mobility_id),
        method: Set(method_str(r.method).into()),
        description: Set(r.description.trim().to_string()),
        plan: Set(serde_json::to_value(&r.plan).map_err(ApiError::internal)?),
        status: Set(AdoptionStatus::Planned),
        adopted_on: Set(None),
        first_regular_activity: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "practice_adoption",
        m.id,
        &["method".into(), "description".into(), "plan".into()],
    )
    .await?;
    crate::workshops::service::refresh_library(&txn, clock, library_id, r.mobility_id).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<practice_adoption::Model> {
    let m = practice_adoption::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("practice_adoption"))?;
    policy::sees(user, &m)?;
    Ok(m)
}

/// The adoptions the caller sees (the same scope as a single read), filtered, sorted and paged
/// in SQL.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Option<Uuid>,
    sort: Option<&str>,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<practice_adoption::Model>> {
    let mut q = practice_adoption::Entity::find().filter(policy::list_scope(user));
    if let Some(m) = mobility_id {
        q = q.filter(practice_adoption::Column::MobilityId.eq(m));
    }
    if let Some(t) = since.updated_since {
        q = q.filter(practice_adoption::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        sort,
        &[
            ("status", practice_adoption::Column::Status),
            ("adopted_on", practice_adoption::Column::AdoptedOn),
            ("created_at", practice_adoption::Column::CreatedAt),
            ("updated_at", practice_adoption::Column::UpdatedAt),
        ],
        &[(practice_adoption::Column::CreatedAt, sea_orm::Order::Asc)],
    )?;
    page.fetch(db, q, &order, practice_adoption::Column::Id, |m| m.id)
        .await
}

pub async fn update(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    r: UpdateAdoptionRequest,
    check_etag: impl FnOnce(&practice_adoption::Model) -> ApiResult<()>,
) -> ApiResult<practice_adoption::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_change(user, &cur)?;
    check_etag(&cur)?;
    let status = r.status.unwrap_or(cur.status);
    if rank(status) < rank(cur.status) {
        return Err(ApiError::conflict(
            "practice.invalid_transition",
            format!("From {} the status only moves forward.", cur.status),
        ));
    }
    let adopted_on = r.adopted_on.or(cur.adopted_on);
    let first = r
        .first_regular_activity
        .clone()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or(cur.first_regular_activity.clone());
    if status == AdoptionStatus::Adopted {
        let mut errors = Vec::new();
        if adopted_on.is_none() {
            errors.push(FieldError::new(
                "adopted_on",
                "required",
                "the date the practice was adopted",
            ));
        }
        if first.is_none() {
            errors.push(FieldError::new(
                "first_regular_activity",
                "required",
                "a description of the first regular activity",
            ));
        }
        let today = crate::clock::today(clock);
        if adopted_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new(
                "adopted_on",
                "in_future",
                "must not be in the future",
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
    }
    let before = serde_json::to_value(AdoptionDto::from(cur.clone())).unwrap_or_default();
    let was_adopted = cur.status == AdoptionStatus::Adopted;
    let mut am: practice_adoption::ActiveModel = cur.into();
    if let Some(v) = r.description {
        am.description = Set(v.trim().to_string());
    }
    if let Some(v) = r.plan {
        am.plan = Set(serde_json::to_value(v).map_err(ApiError::internal)?);
    }
    am.status = Set(status);
    am.adopted_on = Set(adopted_on);
    am.first_regular_activity = Set(first);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let fields = audit::service::changed_fields(
        &before,
        &serde_json::to_value(AdoptionDto::from(m.clone())).unwrap_or_default(),
    );
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "practice_adoption",
        id,
        &fields,
    )
    .await?;
    crate::workshops::service::refresh_library(&txn, clock, m.library_id, m.mobility_id).await?;
    if m.status == AdoptionStatus::Adopted && !was_adopted {
        crate::events::Event::new(
            crate::events::EventType::PracticeAdopted,
            m.id,
            crate::events::Scope::Library,
        )
        .library(m.library_id)
        .mobility(m.mobility_id)
        .data(serde_json::json!({
            "mobility_id": m.mobility_id, "library_id": m.library_id,
            "status": m.status, "adopted_on": m.adopted_on,
        }))
        .emit(&txn, &Actor::from(user))
        .await?;
    }
    txn.commit().await?;
    Ok(m)
}
