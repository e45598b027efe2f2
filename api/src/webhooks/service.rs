//! Registering, changing and removing endpoints.

use super::address::{self, Refusal};
use super::dto::{WebhookRequest, WebhookUpdate};
use super::{policy, signing};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::events::EventType;
use crate::http::error::FieldError;
use crate::http::{ApiError, ApiResult, AuthUser};
use chrono::Utc;
use entity::{event, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// The URL as stored, or a 422 naming `url`.
fn checked_url(raw: &str, allow_private: bool) -> ApiResult<String> {
    match address::check_url(raw.trim(), allow_private) {
        Ok(u) => Ok(u.to_string()),
        Err(Refusal::Malformed(why)) => Err(ApiError::invalid_field("url", "url", why)),
        Err(Refusal::Internal) => Err(ApiError::invalid_field(
            "url",
            "internal_address",
            "webhooks are not sent to loopback, private or link-local addresses",
        )),
    }
}

/// Event type names, each known, without repeats; a 422 naming the first unknown one.
fn checked_types(names: &[String]) -> ApiResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, n) in names.iter().enumerate() {
        match EventType::parse(n.trim()) {
            Some(t) => {
                if !out.iter().any(|o| o == t.name()) {
                    out.push(t.name().to_string());
                }
            }
            None => errors.push(FieldError::new(
                format!("event_types[{i}]"),
                "unknown",
                "not an event type (see EventType)",
            )),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The current head of the event log: a new endpoint receives what happens after it.
async fn head(db: &impl ConnectionTrait) -> ApiResult<i64> {
    Ok(event::Entity::find()
        .select_only()
        .column_as(event::Column::Seq.max(), "head")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    allow_private: bool,
    r: WebhookRequest,
) -> ApiResult<(webhook_endpoint::Model, String)> {
    policy::may_register(user)?;
    let url = checked_url(&r.url, allow_private)?;
    let types = checked_types(&r.event_types)?;
    let secret = signing::new_secret();
    let txn = begin_write(db).await?;
    let now = Utc::now();
    let m = webhook_endpoint::ActiveModel {
        id: Set(Uuid::now_v7()),
        owner_id: Set(user.id),
        url: Set(url),
        description: Set(r.description.map(|d| d.trim().to_string())),
        event_types: Set(serde_json::json!(types)),
        secret: Set(secret.clone()),
        cursor: Set(head(&txn).await?),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "webhook",
        m.id,
        &["url".into(), "event_types".into(), "secret".into()],
    )
    .await?;
    txn.commit().await?;
    Ok((m, secret))
}

/// The caller's endpoints (every endpoint for admins), oldest first.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
) -> ApiResult<Vec<webhook_endpoint::Model>> {
    policy::may_register(user)?;
    let mut q = webhook_endpoint::Entity::find();
    if !user.is_admin() {
        q = q.filter(webhook_endpoint::Column::OwnerId.eq(user.id));
    }
    Ok(q.order_by_asc(webhook_endpoint::Column::Id).all(db).await?)
}

pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<webhook_endpoint::Model> {
    webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|e| policy::manages(user, e))
        .ok_or_else(|| ApiError::not_found("webhook"))
}

pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    allow_private: bool,
    id: Uuid,
    r: WebhookUpdate,
) -> ApiResult<webhook_endpoint::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    let mut fields = Vec::new();
    let mut am: webhook_endpoint::ActiveModel = cur.clone().into();
    if let Some(u) = r.url {
        let u = checked_url(&u, allow_private)?;
        if u != cur.url {
            fields.push("url".to_string());
            am.url = Set(u);
        }
    }
    if let Some(t) = r.event_types {
        let t = serde_json::json!(checked_types(&t)?);
        if t != cur.event_types {
            fields.push("event_types".to_string());
            am.event_types = Set(t);
        }
    }
    if let Some(d) = r.description {
        let d = Some(d.trim().to_string());
        if d != cur.description {
            fields.push("description".to_string());
            am.description = Set(d);
        }
    }
    if let Some(a) = r.active
        && a != cur.active
    {
        fields.push("active".to_string());
        am.active = Set(a);
    }
    if fields.is_empty() {
        return Ok(cur);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(&txn, &Actor::from(user), "update", "webhook", id, &fields).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn delete(db: &DatabaseConnection, user: &AuthUser, id: Uuid) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    visible(&txn, user, id).await?;
    webhook_endpoint::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(&txn, &Actor::from(user), "delete", "webhook", id, &[]).await?;
    txn.commit().await?;
    Ok(())
}
