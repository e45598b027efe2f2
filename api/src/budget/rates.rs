//! Unit-cost rates of one call year. Travel bands come seeded from the programme guide's
//! figures; every other rate is entered by a user and never invented: a rate that is not
//! there is reported as missing.

use crate::money;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use validator::Validate;

/// One distance band of the travel unit cost (per participant, return trip), by one-way distance.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TravelBand {
    #[schema(example = 500)]
    pub min_km: u32,
    /// Inclusive; null for the open-ended last band.
    #[schema(example = 1999)]
    pub max_km: Option<u32>,
    /// Standard travel, e.g. "309.00"; null if not set.
    #[schema(example = "309.00")]
    #[schema(
        max_length = 20,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub standard: Option<String>,
    /// Green travel, e.g. "417.00"; null where it does not apply or is not set.
    #[schema(example = "417.00")]
    #[schema(
        max_length = 20,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub green: Option<String>,
}

/// The rates of a call year. Amounts are decimal strings in EUR.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Validate)]
#[serde(deny_unknown_fields)]
pub struct RateSet {
    #[serde(default)]
    pub travel_bands: Vec<TravelBand>,
    /// Receiving-country group (1, 2 or 3) by ISO 3166-1 alpha-2 code.
    #[serde(default)]
    #[schema(example = json!({"DK": 1, "LT": 3}))]
    #[schema(schema_with = country_groups_schema)]
    pub country_groups: BTreeMap<String, u8>,
    /// Individual support per day, by country group ("1", "2", "3"), as set by the National Agency.
    #[serde(default)]
    #[schema(example = json!({"1": null, "3": null}))]
    #[schema(schema_with = individual_support_schema)]
    pub individual_support_per_day: BTreeMap<String, Option<String>>,
    /// Organisational support per participant.
    #[schema(
        max_length = 20,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub organisational_support_per_participant: Option<String>,
    /// Inclusion support per participant with fewer opportunities.
    #[schema(
        max_length = 20,
        pattern = r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub inclusion_support_per_participant: Option<String>,
}

/// The travel bands of the Erasmus+ calls 2024–2026 (EUR, standard / green travel).
pub fn guide_travel_bands() -> Vec<TravelBand> {
    let b = |min, max, s: &str, g: Option<&str>| TravelBand {
        min_km: min,
        max_km: max,
        standard: Some(s.into()),
        green: g.map(Into::into),
    };
    vec![
        b(10, Some(99), "28.00", Some("56.00")),
        b(100, Some(499), "211.00", Some("285.00")),
        b(500, Some(1999), "309.00", Some("417.00")),
        b(2000, Some(2999), "395.00", Some("535.00")),
        b(3000, Some(3999), "580.00", Some("785.00")),
        b(4000, Some(7999), "1188.00", None),
        b(8000, None, "1735.00", None),
    ]
}

/// The rate set seeded for a call year: the guide's travel bands and the country groups the
/// project's description states (Denmark group 1, Lithuania group 3); nothing else.
pub fn seeded() -> RateSet {
    RateSet {
        travel_bands: guide_travel_bands(),
        country_groups: BTreeMap::from([("DK".to_string(), 1), ("LT".to_string(), 3)]),
        individual_support_per_day: BTreeMap::new(),
        organisational_support_per_participant: None,
        inclusion_support_per_participant: None,
    }
}

pub const SEEDED_YEARS: &[i32] = &[2024, 2025, 2026];

impl RateSet {
    /// The same rates with every amount written the one way (`" 412.8 "` -> `"412.80"`), as
    /// they are stored and answered. Call after [`RateSet::problems`] found none.
    pub fn normalised(mut self) -> Self {
        let canon = |a: &mut Option<String>| {
            if let Some(cents) = a.as_deref().and_then(crate::money::parse) {
                *a = Some(crate::money::format(cents));
            }
        };
        for b in &mut self.travel_bands {
            canon(&mut b.standard);
            canon(&mut b.green);
        }
        self.individual_support_per_day.values_mut().for_each(canon);
        canon(&mut self.organisational_support_per_participant);
        canon(&mut self.inclusion_support_per_participant);
        self
    }

    /// Field errors: amounts that are not decimal strings, bands out of order or overlapping.
    pub fn problems(&self) -> Vec<crate::http::FieldError> {
        use crate::http::FieldError;
        let mut out = Vec::new();
        let amount = |out: &mut Vec<FieldError>, field: String, v: &Option<String>| {
            // At most 20 characters, as the document says, white space included.
            if let Some(a) = v
                && (a.chars().count() > 20 || money::parse(a).is_none())
            {
                out.push(FieldError::new(
                    field,
                    "invalid",
                    "a decimal string with at most two decimals, e.g. \"28.00\"",
                ));
            }
        };
        let mut prev_max: Option<u32> = None;
        for (i, b) in self.travel_bands.iter().enumerate() {
            amount(&mut out, format!("travel_bands[{i}].standard"), &b.standard);
            amount(&mut out, format!("travel_bands[{i}].green"), &b.green);
            // The document's integers are 32-bit: a distance beyond them is refused, not kept.
            for (field, km) in [("min_km", Some(b.min_km)), ("max_km", b.max_km)] {
                if km.is_some_and(|k| k > i32::MAX as u32) {
                    out.push(FieldError::new(
                        format!("travel_bands[{i}].{field}"),
                        "range",
                        format!("at most {}", i32::MAX),
                    ));
                }
            }
            if b.max_km.is_some_and(|m| m < b.min_km) {
                out.push(FieldError::new(
                    format!("travel_bands[{i}].max_km"),
                    "before_min",
                    "must not be below min_km",
                ));
            }
            if i > 0 && prev_max.is_none_or(|p| b.min_km <= p) {
                out.push(FieldError::new(
                    format!("travel_bands[{i}].min_km"),
                    "overlap",
                    "bands must be in order and not overlap",
                ));
            }
            prev_max = b.max_km;
        }
        for (c, g) in &self.country_groups {
            if c.len() != 2 || !c.chars().all(|x| x.is_ascii_uppercase()) || !(1..=3).contains(g) {
                out.push(FieldError::new(
                    format!("country_groups.{c}"),
                    "invalid",
                    "an ISO 3166-1 alpha-2 code mapped to group 1, 2 or 3",
                ));
            }
        }
        for (g, v) in &self.individual_support_per_day {
            if !["1", "2", "3"].contains(&g.as_str()) {
                out.push(FieldError::new(
                    format!("individual_support_per_day.{g}"),
                    "invalid",
                    "groups are 1, 2 and 3",
                ));
            }
            amount(&mut out, format!("individual_support_per_day.{g}"), v);
        }
        amount(
            &mut out,
            "organisational_support_per_participant".into(),
            &self.organisational_support_per_participant,
        );
        amount(
            &mut out,
            "inclusion_support_per_participant".into(),
            &self.inclusion_support_per_participant,
        );
        out
    }

    /// The travel band for a one-way distance, if one covers it.
    pub fn band(&self, km: u32) -> Option<&TravelBand> {
        self.travel_bands
            .iter()
            .find(|b| km >= b.min_km && b.max_km.is_none_or(|m| km <= m))
    }
}

/// `country_groups`: ISO 3166-1 alpha-2 codes to group 1, 2 or 3.
fn country_groups_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[A-Z]{2}$")),
        ))
        .additional_properties(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Int32,
                )))
                .enum_values(Some([1, 2, 3])),
        ))
        .max_properties(Some(300))
        .examples([serde_json::json!({"DK": 1, "LT": 3})])
        .build()
}

/// `individual_support_per_day`: country group `1`, `2` or `3` to an amount, or null.
fn individual_support_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["1", "2", "3"])),
        ))
        .additional_properties(Some(
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                    Type::String,
                    Type::Null,
                ]))
                .max_length(Some(20))
                .pattern(Some(r"^[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[0-9]{1,13}(\.[0-9]{1,2})?[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$")),
        ))
        .examples([serde_json::json!({"1": "180.00", "3": null})])
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn travel(km: u32, green: bool) -> Option<String> {
        let r = seeded();
        let b = r.band(km)?;
        if green {
            b.green.clone()
        } else {
            b.standard.clone()
        }
    }

    #[test]
    fn every_band_edge_falls_in_the_right_band() {
        let cases = [
            (9, None, None),
            (10, Some("28.00"), Some("56.00")),
            (99, Some("28.00"), Some("56.00")),
            (100, Some("211.00"), Some("285.00")),
            (499, Some("211.00"), Some("285.00")),
            (500, Some("309.00"), Some("417.00")),
            (1999, Some("309.00"), Some("417.00")),
            (2000, Some("395.00"), Some("535.00")),
            (2999, Some("395.00"), Some("535.00")),
            (3000, Some("580.00"), Some("785.00")),
            (3999, Some("580.00"), Some("785.00")),
            (4000, Some("1188.00"), None),
            (7999, Some("1188.00"), None),
            (8000, Some("1735.00"), None),
            (20000, Some("1735.00"), None),
        ];
        for (km, standard, green) in cases {
            assert_eq!(travel(km, false).as_deref(), standard, "{km} km standard");
            assert_eq!(travel(km, true).as_deref(), green, "{km} km green");
        }
    }

    #[test]
    fn the_seeded_set_is_valid_and_invents_nothing() {
        let r = seeded();
        assert!(r.problems().is_empty());
        assert!(r.individual_support_per_day.is_empty());
        assert!(r.organisational_support_per_participant.is_none());
        assert!(r.inclusion_support_per_participant.is_none());
    }

    #[test]
    fn overlapping_bands_and_bad_amounts_are_named() {
        let mut r = seeded();
        r.travel_bands[1].min_km = 50;
        r.organisational_support_per_participant = Some("12,5".into());
        r.country_groups.insert("XX".into(), 4);
        let fields: Vec<String> = r.problems().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "travel_bands[1].min_km",
                "country_groups.XX",
                "organisational_support_per_participant"
            ]
        );
    }
}
