//! What clients send and receive about costs.

use crate::money;
use chrono::{DateTime, NaiveDate, Utc};
use entity::cost;
use entity::enums::{CostKind, PaidBy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError, ValidationErrors};

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

#[derive(Debug, Deserialize, ToSchema)]
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
    #[validate(custom(function = valid_amount))]
    pub amount: Option<String>,
    #[schema(pattern = "^[A-Z]{3}$")]
    #[validate(custom(function = valid_currency))]
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

/// A non-negative decimal with at most two decimals, e.g. "412.80".
fn valid_amount(value: &str) -> Result<(), ValidationError> {
    match money::parse(value) {
        Some(_) => Ok(()),
        None => Err(ValidationError::new("invalid").with_message(
            "a non-negative decimal with at most two decimals, as a string, e.g. \"412.80\"".into(),
        )),
    }
}

/// An ISO 4217 code in capitals.
fn valid_currency(value: &str) -> Result<(), ValidationError> {
    if value.len() == 3 && value.chars().all(|x| x.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(ValidationError::new("invalid")
            .with_message("an ISO 4217 code in capitals, e.g. EUR".into()))
    }
}

/// The employer's costs (daily allowances, airport transfers, local transport) are never
/// reimbursed.
pub fn employer_not_reimbursable(
    paid_by: PaidBy,
    reimbursable: bool,
) -> Result<(), ValidationError> {
    if paid_by == PaidBy::Employer && reimbursable {
        Err(ValidationError::new("employer_not_reimbursable").with_message(
            "the employer's costs (daily allowances, airport transfers, local transport) are never reimbursed".into(),
        ))
    } else {
        Ok(())
    }
}

impl Validate for CreateCostRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Err(e) = valid_amount(&self.amount) {
            errors.add("amount", e);
        }
        if let Some(Err(e)) = self.currency.as_deref().map(valid_currency) {
            errors.add("currency", e);
        }
        if let Err(e) = employer_not_reimbursable(self.paid_by, self.reimbursable) {
            errors.add("reimbursable", e);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
