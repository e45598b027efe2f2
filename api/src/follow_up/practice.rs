//! New practice: the method a library brings into its regular work (DTFL, or a good
//! practice from Lithuania), its plan, and its adoption.

use super::access::staff_or_library;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, FieldError, Page};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::AdoptionStatus;
use entity::practice_adoption;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Design Thinking for Libraries.
    Dtfl,
    /// A good practice taken from the Lithuanian libraries.
    GoodPractice,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    pub step: String,
    pub due: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mobility_id": "0190f1c2-0000-7000-8000-000000000001", "method": "dtfl", "description": "Delavnice DTFL za starejše enkrat na mesec.", "plan": [{"step": "Usposabljanje sodelavcev", "due": "2026-09-30"}]}))]
pub struct CreateAdoptionRequest {
    pub mobility_id: Uuid,
    /// A `library` user's own library by default; coordinators name it.
    pub library_id: Option<Uuid>,
    pub method: Method,
    #[schema(
        pattern = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]"
    )]
    pub description: String,
    #[serde(default)]
    pub plan: Vec<PlanStep>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateAdoptionRequest {
    pub description: Option<String>,
    pub plan: Option<Vec<PlanStep>>,
    /// Forward only: planned -> piloted -> adopted.
    pub status: Option<AdoptionStatus>,
    /// Needed for `adopted`.
    pub adopted_on: Option<NaiveDate>,
    /// Needed for `adopted`: the first regular activity.
    pub first_regular_activity: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdoptionDto {
    pub id: Uuid,
    pub library_id: Uuid,
    pub mobility_id: Uuid,
    pub method: Method,
    pub description: String,
    pub plan: Vec<PlanStep>,
    pub status: AdoptionStatus,
    pub adopted_on: Option<NaiveDate>,
    pub first_regular_activity: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<practice_adoption::Model> for AdoptionDto {
    fn from(m: practice_adoption::Model) -> Self {
        Self {
            id: m.id,
            library_id: m.library_id,
            mobility_id: m.mobility_id,
            method: serde_json::from_value(serde_json::Value::String(m.method))
                .unwrap_or(Method::Dtfl),
            description: m.description,
            plan: serde_json::from_value(m.plan).unwrap_or_default(),
            status: m.status,
            adopted_on: m.adopted_on,
            first_regular_activity: m.first_regular_activity,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

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
    let library_id = super::access::library_for(
        user,
        r.library_id,
        "Libraries and coordinators record new practice.",
    )?;
    if crate::http::checks::is_blank(&r.description) {
        return Err(ApiError::invalid_field(
            "description",
            "required",
            "is required",
        ));
    }
    let txn = begin_write(db).await?;
    super::access::require_taking_part(
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
    super::workshops::refresh_library(&txn, clock, library_id, r.mobility_id).await?;
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
    if super::access::sees_library_records(user, m.library_id) {
        Ok(m)
    } else {
        Err(ApiError::not_found("practice_adoption"))
    }
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
    let mut q = practice_adoption::Entity::find();
    match super::access::LibraryScope::of(user) {
        super::access::LibraryScope::All => {}
        super::access::LibraryScope::One(library) => {
            q = q.filter(practice_adoption::Column::LibraryId.eq(library));
        }
        // The primary key is never null: no row.
        super::access::LibraryScope::Nothing => {
            q = q.filter(practice_adoption::Column::Id.is_null());
        }
    }
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
    if !staff_or_library(user, cur.library_id) {
        return Err(ApiError::forbidden(
            "The library and coordinators record new practice.",
        ));
    }
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
    super::workshops::refresh_library(&txn, clock, m.library_id, m.mobility_id).await?;
    txn.commit().await?;
    Ok(m)
}
