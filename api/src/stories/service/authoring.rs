//! Creating, reading and editing digital stories.

use super::*;
use crate::http::Page;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use sea_orm::Condition;

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    r: CreateStoryRequest,
) -> ApiResult<digital_story::Model> {
    let txn = begin_write(db).await?;
    let w = workshop_of(&txn, r.workshop_id).await?;
    policy::sees_workshop(user, &w)?;
    policy::may_write(user, &w)?;
    if w.kind != WorkshopKind::CulturalHeritage {
        return Err(ApiError::unprocessable(
            "story.not_heritage_workshop",
            "Digital stories come from cultural-heritage workshops.",
        ));
    }
    let now = Utc::now();
    let s = digital_story::ActiveModel {
        id: Set(Uuid::now_v7()),
        workshop_id: Set(w.id),
        title: Set(r.title.trim().to_string()),
        summary: Set(r.summary),
        text: Set(r.text),
        language: Set(r.language),
        place: Set(r.place),
        period: Set(r.period),
        subjects: Set(serde_json::json!(r.subjects)),
        contributors: Set(serde_json::to_value(&r.contributors).map_err(ApiError::internal)?),
        status: Set(StoryStatus::Draft),
        kamra_url: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "digital_story",
        s.id,
        &["title".into(), "contributors".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(digital_story::Model, workshop::Model)> {
    let s = digital_story::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("digital_story"))?;
    let w = workshop_of(db, s.workshop_id).await?;
    policy::sees(user, &w)?;
    Ok((s, w))
}

/// The stories the caller may see (the same scope as a single read, `policy::sees`, as SQL),
/// filtered, sorted and paged in SQL.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    status: Option<StoryStatus>,
    sort: Option<&str>,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<digital_story::Model>> {
    // No scope at all: a condition no row meets.
    let scope = policy::list_scope(user)
        .unwrap_or_else(|| Condition::all().add(digital_story::Column::Id.is_null()));
    let mut q = digital_story::Entity::find().filter(scope);
    if let Some(s) = status {
        q = q.filter(digital_story::Column::Status.eq(s));
    }
    if let Some(t) = since.updated_since {
        q = q.filter(digital_story::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        sort,
        &[
            ("title", digital_story::Column::Title),
            ("status", digital_story::Column::Status),
            ("created_at", digital_story::Column::CreatedAt),
            ("updated_at", digital_story::Column::UpdatedAt),
        ],
        &[(digital_story::Column::CreatedAt, sea_orm::Order::Asc)],
    )?;
    page.fetch(db, q, &order, digital_story::Column::Id, |m| m.id)
        .await
}

pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateStoryRequest,
    check_etag: impl FnOnce(&digital_story::Model) -> ApiResult<()>,
) -> ApiResult<digital_story::Model> {
    let txn = begin_write(db).await?;
    let (cur, w) = visible(&txn, user, id).await?;
    policy::may_change(user, &w)?;
    check_etag(&cur)?;
    if cur.status == StoryStatus::Published {
        return Err(ApiError::conflict(
            "story.published",
            "A published story is kept as published.",
        ));
    }
    let mut am: digital_story::ActiveModel = cur.clone().into();
    let mut fields = Vec::new();
    macro_rules! set {
        ($($f:ident),*) => { $( if let Some(v) = r.$f { am.$f = Set(v.into()); fields.push(stringify!($f).to_string()); } )* };
    }
    set!(title, summary, text, language, place, period);
    if let Some(v) = r.subjects {
        am.subjects = Set(serde_json::json!(v));
        fields.push("subjects".into());
    }
    if let Some(v) = r.contributors {
        am.contributors = Set(serde_json::to_value(v).map_err(ApiError::internal)?);
        fields.push("contributors".into());
    }
    // Changed after submission: back to draft, to be checked again.
    if cur.status == StoryStatus::Submitted {
        am.status = Set(StoryStatus::Draft);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "digital_story",
        id,
        &fields,
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}
