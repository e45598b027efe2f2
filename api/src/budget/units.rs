//! The Erasmus+ unit costs of one participant of a mobility under a year's rates: the one
//! place they are computed, for the project's budget (times the participants) and for the
//! amounts a grant agreement names.

use super::rates::RateSet;
use crate::money;
use entity::mobility;

/// One participant's unit costs: each an amount in cents, or what is missing to compute it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCosts {
    /// Programme days plus funded travel days (at most 2, or 6 with green travel).
    pub funded_days: i32,
    /// The travel band's rate (green or standard) for the mobility's distance.
    pub travel: Result<i64, String>,
    /// The country group's daily rate times the funded days.
    pub individual_support: Result<i64, String>,
    /// Paid to the sending organisation, per participant.
    pub organisational_support: Result<i64, String>,
    /// For a participant with fewer opportunities.
    pub inclusion_support: Result<i64, String>,
}

/// Programme days plus funded travel days (at most 2, or 6 with green travel).
pub fn funded_days(m: &mobility::Model) -> i32 {
    m.programme_days + m.travel_days.min(if m.green_travel { 6 } else { 2 })
}

pub fn unit_costs(r: &RateSet, m: &mobility::Model) -> UnitCosts {
    let funded_days = funded_days(m);
    let travel = match m.distance_km {
        None => Err(format!(
            "{}: distance_km (one-way, from the EU distance calculator)",
            m.code
        )),
        Some(km) => match r.band(km.max(0) as u32) {
            None => Err(format!("{}: no travel band covers {km} km", m.code)),
            Some(b) => {
                let rate = if m.green_travel {
                    &b.green
                } else {
                    &b.standard
                };
                rate.as_deref().and_then(money::parse).ok_or_else(|| {
                    format!(
                        "{}: {} travel rate for {km} km",
                        m.code,
                        if m.green_travel { "green" } else { "standard" }
                    )
                })
            }
        },
    };
    let individual_support = match r.country_groups.get(&m.country).copied() {
        None => Err(format!("{}: country group of {}", m.code, m.country)),
        Some(g) => r
            .individual_support_per_day
            .get(&g.to_string())
            .cloned()
            .flatten()
            .as_deref()
            .and_then(money::parse)
            .map(|c| c * funded_days as i64)
            .ok_or_else(|| format!("{}: individual support per day, country group {g}", m.code)),
    };
    let organisational_support = r
        .organisational_support_per_participant
        .as_deref()
        .and_then(money::parse)
        .ok_or_else(|| format!("{}: organisational support per participant", m.code));
    let inclusion_support = r
        .inclusion_support_per_participant
        .as_deref()
        .and_then(money::parse)
        .ok_or_else(|| format!("{}: inclusion support per participant", m.code));
    UnitCosts {
        funded_days,
        travel,
        individual_support,
        organisational_support,
        inclusion_support,
    }
}
