use super::dto::{CostDto, CreateCostRequest, UpdateCostRequest, employer_not_reimbursable};
use super::policy;
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::events::{Event, EventType, Scope};
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::money;
use crate::participants;
use chrono::Utc;
use entity::cost;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<cost::Model>> {
    let p = participants::access::visible(db, user, participant_id).await?;
    policy::may_list(user)?;
    Ok(cost::Entity::find()
        .filter(cost::Column::ParticipantId.eq(p.id))
        .order_by_asc(cost::Column::CreatedAt)
        .order_by_asc(cost::Column::Id)
        .all(db)
        .await?)
}

/// The event for a change of `c`: ids, kind and payer (amounts are for those who read costs,
/// who fetch the cost).
fn event(t: EventType, c: &cost::Model, library_id: Option<Uuid>) -> Event {
    let e = Event::new(t, c.id, Scope::Cost(c.participant_id)).data(serde_json::json!({
        "participant_id": c.participant_id,
        "kind": c.kind,
        "paid_by": c.paid_by,
        "paid_on": c.paid_on,
    }));
    match library_id {
        Some(l) => e.library(l).participant(c.participant_id),
        None => e,
    }
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
    r: CreateCostRequest,
) -> ApiResult<cost::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    policy::may_manage(user, "record")?;
    let cents = money::parse(&r.amount)
        .ok_or_else(|| ApiError::invalid_field("amount", "invalid", "not an amount"))?;
    let now = Utc::now();
    let m = cost::ActiveModel {
        id: Set(Uuid::now_v7()),
        participant_id: Set(p.id),
        kind: Set(r.kind),
        description: Set(r
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        amount_cents: Set(cents),
        currency: Set(r.currency.unwrap_or_else(|| "EUR".into())),
        paid_by: Set(r.paid_by),
        reimbursable: Set(r.reimbursable),
        paid_on: Set(r.paid_on),
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
        "cost",
        m.id,
        &[
            "kind".into(),
            "amount".into(),
            "currency".into(),
            "paid_by".into(),
            "reimbursable".into(),
        ],
    )
    .await?;
    event(EventType::CostRecorded, &m, Some(p.library_id))
        .emit(&txn, &Actor::from(user))
        .await?;
    txn.commit().await?;
    Ok(m)
}

pub use super::policy::visible;

pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateCostRequest,
    check_etag: impl FnOnce(&cost::Model) -> ApiResult<()>,
) -> ApiResult<cost::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_manage(user, "change")?;
    check_etag(&cur)?;
    let paid_by = r.paid_by.unwrap_or(cur.paid_by);
    let reimbursable = r.reimbursable.unwrap_or(cur.reimbursable);
    // The rule across fields, with the stored values for those the change leaves out.
    employer_not_reimbursable(paid_by, reimbursable).map_err(|e| {
        ApiError::invalid_field(
            "reimbursable",
            &e.code,
            e.message.map(|m| m.to_string()).unwrap_or_default(),
        )
    })?;
    let cents = match r.amount.as_deref() {
        Some(a) => Some(
            money::parse(a)
                .ok_or_else(|| ApiError::invalid_field("amount", "invalid", "not an amount"))?,
        ),
        None => None,
    };
    let currency = r.currency;
    let before = serde_json::to_value(CostDto::from(cur.clone())).unwrap_or_default();
    let mut am: cost::ActiveModel = cur.into();
    if let Some(k) = r.kind {
        am.kind = Set(k);
    }
    if let Some(c) = cents {
        am.amount_cents = Set(c);
    }
    if let Some(c) = currency {
        am.currency = Set(c);
    }
    am.paid_by = Set(paid_by);
    am.reimbursable = Set(reimbursable);
    if let Some(d) = r.description {
        am.description = Set(d.map(|x| x.trim().to_string()).filter(|x| !x.is_empty()));
    }
    if let Some(d) = r.paid_on {
        am.paid_on = Set(d);
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let mut after = serde_json::to_value(CostDto::from(m.clone())).unwrap_or_default();
    let mut before = before;
    for v in [&mut after, &mut before] {
        if let Some(o) = v.as_object_mut() {
            o.remove("amount_cents");
        }
    }
    let fields = audit::service::changed_fields(&before, &after);
    audit::record(&txn, &Actor::from(user), "update", "cost", id, &fields).await?;
    if !fields.is_empty() {
        event(EventType::CostRecorded, &m, None)
            .participant(m.participant_id)
            .emit(&txn, &Actor::from(user))
            .await?;
    }
    txn.commit().await?;
    Ok(m)
}

pub async fn delete(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    check_etag: impl FnOnce(&cost::Model) -> ApiResult<()>,
) -> ApiResult<()> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    policy::may_manage(user, "delete")?;
    check_etag(&cur)?;
    cost::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, &Actor::from(user), "delete", "cost", id, &[]).await?;
    event(EventType::CostDeleted, &cur, None)
        .participant(cur.participant_id)
        .emit(&txn, &Actor::from(user))
        .await?;
    txn.commit().await?;
    Ok(())
}
