use super::rates::RateSet;
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult};
use crate::money;
use chrono::{Datelike, Utc};
use entity::enums::{PaidBy, ParticipantStatus};
use entity::{
    application, cost, mobility, mobility_selection, participant, project, unit_cost_rates,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

pub async fn rates(db: &impl ConnectionTrait, year: i32) -> ApiResult<RateSet> {
    let row = unit_cost_rates::Entity::find_by_id(year)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("unit_cost_rates"))?;
    serde_json::from_value(row.rates).map_err(ApiError::internal)
}

fn check_year(year: i32) -> ApiResult<()> {
    if (2014..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "request.invalid_path",
            "The call year must be between 2014 and 2100.",
        ))
    }
}

pub async fn put_rates(
    db: &DatabaseConnection,
    actor: &Actor,
    year: i32,
    set: RateSet,
) -> ApiResult<RateSet> {
    check_year(year)?;
    let problems = set.problems();
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let set = set.normalised();
    let txn = begin_write(db).await?;
    let existed = unit_cost_rates::Entity::find_by_id(year)
        .one(&txn)
        .await?
        .is_some();
    unit_cost_rates::Entity::delete_by_id(year)
        .exec(&txn)
        .await?;
    unit_cost_rates::ActiveModel {
        call_year: Set(year),
        rates: Set(serde_json::to_value(&set).map_err(ApiError::internal)?),
        updated_by: Set(actor.id),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        if existed { "update" } else { "create" },
        "unit_cost_rates",
        year,
        &["rates".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(set)
}

/// Insert the seeded rate set for a year that has none (idempotent).
pub async fn seed_year(db: &impl ConnectionTrait, actor: &Actor, year: i32) -> ApiResult<bool> {
    if unit_cost_rates::Entity::find_by_id(year)
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    unit_cost_rates::ActiveModel {
        call_year: Set(year),
        rates: Set(serde_json::to_value(super::rates::seeded()).map_err(ApiError::internal)?),
        updated_by: Set(None),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    audit::record(db, actor, "create", "unit_cost_rates", year, &[]).await?;
    Ok(true)
}

/// Grant components; null where a rate or an input is missing (never zero for "unknown").
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct GrantAmounts {
    pub travel: Option<String>,
    pub individual_support: Option<String>,
    pub organisational_support: Option<String>,
    pub inclusion_support: Option<String>,
    /// Null unless every component is known.
    pub total: Option<String>,
    /// The sum of the components that are known.
    pub known_total: String,
}

#[derive(Debug, Serialize, ToSchema, Default)]
pub struct Spending {
    /// Paid directly by the project (flights, accommodation, insurance, ...).
    pub project: String,
    /// Paid by the participants' employers, not reimbursed.
    pub employer: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MobilityBudget {
    pub mobility_id: Uuid,
    pub code: String,
    /// Active participants once the selection is final, otherwise the planned places.
    pub participants: i64,
    /// `participants` or `places`.
    pub participants_basis: String,
    pub fewer_opportunities_participants: i64,
    pub distance_km: Option<i32>,
    pub green_travel: bool,
    pub country: String,
    pub country_group: Option<u8>,
    /// Programme days plus funded travel days (at most 2, or 6 with green travel).
    pub funded_days: i32,
    pub grant: GrantAmounts,
    pub spent: Spending,
    /// What is missing to compute the grant in full.
    pub missing_rates: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetDto {
    pub project_id: Uuid,
    /// The Erasmus+ call year whose rates apply (from the project number).
    pub call_year: i32,
    pub currency: String,
    pub mobilities: Vec<MobilityBudget>,
    pub grant: GrantAmounts,
    pub spent: Spending,
    pub missing_rates: Vec<String>,
    /// Every rate and input needed was there.
    pub complete: bool,
}

/// The call year of a project: the first four digits of its number (2025-1-SI01-...), else its start year.
pub fn call_year(p: &project::Model) -> i32 {
    p.code
        .get(..4)
        .and_then(|y| y.parse().ok())
        .filter(|y| (2014..=2100).contains(y))
        .unwrap_or(p.start_date.year())
}

fn component(parts: &mut Vec<Option<i64>>, v: Option<i64>) -> Option<String> {
    parts.push(v);
    v.map(money::format)
}

fn amounts(parts: &[Option<i64>], fields: [Option<String>; 4]) -> GrantAmounts {
    let known: i64 = parts.iter().flatten().sum();
    let [
        travel,
        individual_support,
        organisational_support,
        inclusion_support,
    ] = fields;
    GrantAmounts {
        travel,
        individual_support,
        organisational_support,
        inclusion_support,
        total: if parts.iter().all(Option::is_some) {
            Some(money::format(known))
        } else {
            None
        },
        known_total: money::format(known),
    }
}

pub async fn budget(db: &DatabaseConnection, project_id: Uuid) -> ApiResult<BudgetDto> {
    let p = project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("project"))?;
    let year = call_year(&p);
    let rates = match unit_cost_rates::Entity::find_by_id(year).one(db).await? {
        Some(r) => Some(serde_json::from_value::<RateSet>(r.rates).map_err(ApiError::internal)?),
        None => None,
    };
    let mobs = mobility::Entity::find()
        .filter(mobility::Column::ProjectId.eq(project_id))
        .order_by_asc(mobility::Column::Code)
        .all(db)
        .await?;
    let mut out = Vec::new();
    let mut all_missing = Vec::new();
    let (mut sum_parts, mut spent_project, mut spent_employer): ([Vec<Option<i64>>; 4], i64, i64) =
        (Default::default(), 0, 0);
    if rates.is_none() {
        all_missing.push(format!("unit-cost rates for call year {year}"));
    }
    for m in mobs {
        let mut missing = Vec::new();
        let parts_all = participant::Entity::find()
            .filter(participant::Column::MobilityId.eq(m.id))
            .all(db)
            .await?;
        let final_ = mobility_selection::Entity::find_by_id(m.id)
            .one(db)
            .await?
            .is_some();
        let active: Vec<&participant::Model> = parts_all
            .iter()
            .filter(|x| x.status != ParticipantStatus::Withdrawn)
            .collect();
        let (n, basis) = if final_ {
            (active.len() as i64, "participants")
        } else {
            (m.places as i64, "places")
        };
        let app_ids: Vec<Uuid> = active.iter().map(|x| x.application_id).collect();
        let fewer = if app_ids.is_empty() {
            0
        } else {
            application::Entity::find()
                .filter(application::Column::Id.is_in(app_ids))
                .filter(application::Column::FewerOpportunities.eq(true))
                .all(db)
                .await?
                .len() as i64
        };
        let unit = rates.as_ref().map(|r| super::units::unit_costs(r, &m));
        let funded_days = super::units::funded_days(&m);
        let group = rates
            .as_ref()
            .and_then(|r| r.country_groups.get(&m.country).copied());
        let mut parts = Vec::new();
        // Each component: the unit cost times its participants, or what is missing.
        let mut times = |c: Option<&Result<i64, String>>, count: i64| match c {
            None => None,
            Some(Ok(cents)) => Some(cents * count),
            Some(Err(what)) => {
                missing.push(what.clone());
                None
            }
        };
        let travel = times(unit.as_ref().map(|u| &u.travel), n);
        let individual = times(unit.as_ref().map(|u| &u.individual_support), n);
        let organisational = times(unit.as_ref().map(|u| &u.organisational_support), n);
        let inclusion = match &unit {
            Some(_) if fewer == 0 => Some(0),
            u => times(u.as_ref().map(|u| &u.inclusion_support), fewer),
        };
        let fields = [
            component(&mut parts, travel),
            component(&mut parts, individual),
            component(&mut parts, organisational),
            component(&mut parts, inclusion),
        ];
        for (i, v) in [travel, individual, organisational, inclusion]
            .into_iter()
            .enumerate()
        {
            sum_parts[i].push(v);
        }
        let grant = amounts(&parts, fields);
        let pids: Vec<Uuid> = parts_all.iter().map(|x| x.id).collect();
        let costs = cost::Entity::find()
            .filter(cost::Column::ParticipantId.is_in(pids))
            .all(db)
            .await?;
        let mut sp = (0i64, 0i64);
        let mut other_currency = 0;
        for c in costs {
            if c.currency != "EUR" {
                other_currency += 1;
                continue;
            }
            match c.paid_by {
                PaidBy::Project => sp.0 += c.amount_cents,
                PaidBy::Employer => sp.1 += c.amount_cents,
            }
        }
        if other_currency > 0 {
            missing.push(format!(
                "{}: {other_currency} cost(s) in other currencies are not included in the spending",
                m.code
            ));
        }
        spent_project += sp.0;
        spent_employer += sp.1;
        all_missing.extend(missing.iter().cloned());
        out.push(MobilityBudget {
            mobility_id: m.id,
            code: m.code,
            participants: n,
            participants_basis: basis.into(),
            fewer_opportunities_participants: fewer,
            distance_km: m.distance_km,
            green_travel: m.green_travel,
            country: m.country,
            country_group: group,
            funded_days,
            grant,
            spent: Spending {
                project: money::format(sp.0),
                employer: money::format(sp.1),
            },
            missing_rates: missing,
        });
    }
    let sum = |v: &Vec<Option<i64>>| -> Option<i64> { v.iter().copied().sum::<Option<i64>>() };
    let totals: Vec<Option<i64>> = sum_parts.iter().map(sum).collect();
    let mut grant = amounts(
        &totals,
        [
            totals[0].map(money::format),
            totals[1].map(money::format),
            totals[2].map(money::format),
            totals[3].map(money::format),
        ],
    );
    // What is known overall: every known component of every mobility.
    grant.known_total = money::format(sum_parts.iter().flatten().flatten().sum());
    let complete = all_missing.is_empty();
    Ok(BudgetDto {
        project_id,
        call_year: year,
        currency: "EUR".into(),
        mobilities: out,
        grant,
        spent: Spending {
            project: money::format(spent_project),
            employer: money::format(spent_employer),
        },
        missing_rates: all_missing,
        complete,
    })
}
