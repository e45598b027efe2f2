use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::money;
use crate::participants;
use chrono::{DateTime, NaiveDate, Utc};
use entity::cost;
use entity::enums::{CostKind, PaidBy, Role};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A cost. Amounts are exact decimal strings in the currency's units.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostDto {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub kind: CostKind,
    pub description: Option<String>,
    #[schema(example = "412.80")]
    pub amount: String,
    #[schema(example = 41280)]
    pub amount_cents: i64,
    #[schema(example = "EUR")]
    pub currency: String,
    pub paid_by: PaidBy,
    /// Only project costs can be reimbursable; the employer's never are.
    pub reimbursable: bool,
    pub paid_on: Option<NaiveDate>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<cost::Model> for CostDto {
    fn from(m: cost::Model) -> Self {
        Self {
            id: m.id,
            participant_id: m.participant_id,
            kind: m.kind,
            description: m.description,
            amount: money::format(m.amount_cents),
            amount_cents: m.amount_cents,
            currency: m.currency,
            paid_by: m.paid_by,
            reimbursable: m.reimbursable,
            paid_on: m.paid_on,
            created_by: m.created_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "flight", "amount": "412.80", "paid_by": "project", "description": "LJU-CPH-LJU", "paid_on": "2026-02-10"}))]
pub struct CreateCostRequest {
    pub kind: CostKind,
    /// Decimal string with at most two decimals, e.g. "412.80".
    #[schema(
        max_length = 20,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub amount: String,
    /// ISO 4217; default EUR.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    pub paid_by: PaidBy,
    /// Default false; must be false for employer costs.
    #[serde(default)]
    pub reimbursable: bool,
    pub description: Option<String>,
    pub paid_on: Option<NaiveDate>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateCostRequest {
    pub kind: Option<CostKind>,
    #[schema(
        max_length = 20,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub amount: Option<String>,
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    pub paid_by: Option<PaidBy>,
    pub reimbursable: Option<bool>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub paid_on: Option<Option<NaiveDate>>,
}

/// Who records costs: the accountant, coordinators, admins.
pub fn can_manage(user: &AuthUser) -> bool {
    matches!(
        user.role,
        Role::Admin | Role::Coordinator | Role::Accountant
    )
}

fn check(
    amount: Option<&str>,
    currency: Option<&str>,
    paid_by: PaidBy,
    reimbursable: bool,
) -> ApiResult<(Option<i64>, Option<String>)> {
    let mut errors = Vec::new();
    let cents = match amount {
        None => None,
        Some(a) => match money::parse(a) {
            Some(c) => Some(c),
            None => {
                errors.push(FieldError::new("amount", "invalid", "a non-negative decimal with at most two decimals, as a string, e.g. \"412.80\""));
                None
            }
        },
    };
    let currency = match currency {
        None => None,
        Some(c) if c.len() == 3 && c.chars().all(|x| x.is_ascii_uppercase()) => Some(c.to_string()),
        Some(_) => {
            errors.push(FieldError::new(
                "currency",
                "invalid",
                "an ISO 4217 code in capitals, e.g. EUR",
            ));
            None
        }
    };
    if paid_by == PaidBy::Employer && reimbursable {
        errors.push(FieldError::new("reimbursable", "employer_not_reimbursable", "the employer's costs (daily allowances, airport transfers, local transport) are never reimbursed"));
    }
    if errors.is_empty() {
        Ok((cents, currency))
    } else {
        Err(ApiError::validation(errors))
    }
}

pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<cost::Model>> {
    let p = participants::access::visible(db, user, participant_id).await?;
    if !(can_manage(user) || matches!(user.role, Role::Library | Role::Participant)) {
        return Err(ApiError::forbidden(
            "Costs are for the accountant, coordinators, and the participant's library.",
        ));
    }
    Ok(cost::Entity::find()
        .filter(cost::Column::ParticipantId.eq(p.id))
        .order_by_asc(cost::Column::CreatedAt)
        .order_by_asc(cost::Column::Id)
        .all(db)
        .await?)
}

pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
    r: CreateCostRequest,
) -> ApiResult<cost::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !can_manage(user) {
        return Err(ApiError::forbidden(
            "Only the accountant and coordinators record costs.",
        ));
    }
    let (cents, currency) = check(
        Some(&r.amount),
        r.currency.as_deref(),
        r.paid_by,
        r.reimbursable,
    )?;
    let now = Utc::now();
    let m = cost::ActiveModel {
        id: Set(Uuid::now_v7()),
        participant_id: Set(p.id),
        kind: Set(r.kind),
        description: Set(r
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        amount_cents: Set(cents.unwrap_or(0)),
        currency: Set(currency.unwrap_or_else(|| "EUR".into())),
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
    txn.commit().await?;
    Ok(m)
}

pub async fn visible(
    db: &impl sea_orm::ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<cost::Model> {
    let c = cost::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("cost"))?;
    participants::access::visible(db, user, c.participant_id)
        .await
        .map_err(|e| e.or_not_found("cost"))?;
    if !(can_manage(user) || matches!(user.role, Role::Library | Role::Participant)) {
        return Err(ApiError::not_found("cost"));
    }
    Ok(c)
}

pub async fn update(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: UpdateCostRequest,
    check_etag: impl FnOnce(&cost::Model) -> ApiResult<()>,
) -> ApiResult<cost::Model> {
    let txn = begin_write(db).await?;
    let cur = visible(&txn, user, id).await?;
    if !can_manage(user) {
        return Err(ApiError::forbidden(
            "Only the accountant and coordinators change costs.",
        ));
    }
    check_etag(&cur)?;
    let paid_by = r.paid_by.unwrap_or(cur.paid_by);
    let reimbursable = r.reimbursable.unwrap_or(cur.reimbursable);
    let (cents, currency) = check(
        r.amount.as_deref(),
        r.currency.as_deref(),
        paid_by,
        reimbursable,
    )?;
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
    if !can_manage(user) {
        return Err(ApiError::forbidden(
            "Only the accountant and coordinators delete costs.",
        ));
    }
    check_etag(&cur)?;
    cost::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(&txn, &Actor::from(user), "delete", "cost", id, &[]).await?;
    txn.commit().await?;
    Ok(())
}
