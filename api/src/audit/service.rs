use crate::http::pagination::{PageRequest, Sort};
use crate::http::{ApiResult, AuthUser, Page};
use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

/// Who did something: a user through the API, or the system itself (start-up, CLI).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub email: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Actor {
            id: None,
            email: Some(label.to_string()),
            request_id: None,
        }
    }
}

impl From<&AuthUser> for Actor {
    fn from(u: &AuthUser) -> Self {
        Actor {
            id: Some(u.id),
            email: Some(u.email.clone()),
            request_id: u.request_id.clone(),
        }
    }
}

impl<G: crate::http::Gate> From<&crate::http::Gated<G>> for Actor {
    fn from(u: &crate::http::Gated<G>) -> Self {
        Actor::from(&u.user)
    }
}

/// Field names whose values differ between two JSON objects (values are never logged).
pub fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| k.as_str() != "updated_at" && b.get(*k) != Some(*v))
        .map(|(k, _)| {
            if k == "password_hash" {
                "password".to_string()
            } else {
                k.clone()
            }
        })
        .collect();
    out.sort();
    out
}

/// Append one entry.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: impl ToString,
    fields: &[String],
) -> ApiResult<()> {
    let entry = audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(Utc::now()),
        actor_id: Set(actor.id),
        actor_email: Set(actor.email.clone()),
        action: Set(action.to_string()),
        object_type: Set(object_type.to_string()),
        object_id: Set(Some(object_id.to_string())),
        changed_fields: Set(Value::from(fields.to_vec())),
        request_id: Set(actor.request_id.clone()),
    };
    audit_log::Entity::insert(entry)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub sort: Option<String>,
}

pub async fn list(
    db: &impl ConnectionTrait,
    filter: AuditFilter,
    page: PageRequest,
) -> ApiResult<Page<audit_log::Model>> {
    let mut q = audit_log::Entity::find();
    if let Some(t) = filter.object_type {
        q = q.filter(audit_log::Column::ObjectType.eq(t));
    }
    if let Some(id) = filter.object_id {
        q = q.filter(audit_log::Column::ObjectId.eq(id));
    }
    if let Some(a) = filter.actor_id {
        q = q.filter(audit_log::Column::ActorId.eq(a));
    }
    if let Some(a) = filter.action {
        q = q.filter(audit_log::Column::Action.eq(a));
    }
    let order = Sort::columns(
        filter.sort.as_deref(),
        &[("occurred_at", audit_log::Column::OccurredAt)],
        &[(audit_log::Column::OccurredAt, sea_orm::Order::Desc)],
    )?;
    let mut fetched = page
        .fetch(db, q, &order, audit_log::Column::Id, |m| m.id)
        .await?;
    let items = fetched.take_items();
    Ok(fetched.with_items(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changed_fields_lists_names_only_and_hides_password_hash() {
        let before = json!({"a": 1, "b": "x", "password_hash": "h1", "updated_at": "t1"});
        let after = json!({"a": 1, "b": "y", "password_hash": "h2", "updated_at": "t2"});
        assert_eq!(
            changed_fields(&before, &after),
            vec!["b".to_string(), "password".to_string()]
        );
    }
}
