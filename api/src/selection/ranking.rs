//! The ranking rule, free of I/O: weighted averages, a bonus for fewer opportunities, and
//! ties broken by fewer opportunities (if the call says so), then by earlier submission.
//! Totals are compared as exact fractions, never as floating point.

use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Criterion {
    pub key: String,
    pub max_points: i32,
    pub weight: i32,
}

#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub fewer_opportunities_bonus: i32,
    pub fewer_opportunities_first_in_ties: bool,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub application_id: Uuid,
    pub fewer_opportunities: bool,
    pub submitted_at: Option<DateTime<Utc>>,
    /// One map per committee member's score: criterion key -> points.
    pub scores: Vec<HashMap<String, i32>>,
}

#[derive(Debug, Clone)]
pub struct Ranked {
    pub application_id: Uuid,
    pub rank: u32,
    pub score_count: u32,
    /// Per criterion, in the criteria's order: the average points, to two decimals.
    pub averages: Vec<(String, f64)>,
    /// Σ weight × average, plus the bonus, to two decimals.
    pub weighted_total: f64,
    pub bonus: i32,
    pub fewer_opportunities: bool,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// total = numerator / denominator, exactly.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    num: i128,
    den: i128,
}

impl Fraction {
    fn cmp(&self, other: &Fraction) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
    fn value(&self) -> f64 {
        round2(self.num as f64 / self.den as f64)
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn rank(criteria: &[Criterion], rules: Rules, candidates: &[Candidate]) -> Vec<Ranked> {
    let mut rows: Vec<(Fraction, Ranked)> = candidates
        .iter()
        .map(|c| {
            let n = c.scores.len() as i128;
            let bonus = if c.fewer_opportunities {
                rules.fewer_opportunities_bonus
            } else {
                0
            };
            let mut weighted_sum: i128 = 0;
            let mut averages = Vec::with_capacity(criteria.len());
            for cr in criteria {
                let sum: i128 = c
                    .scores
                    .iter()
                    .map(|s| *s.get(&cr.key).unwrap_or(&0) as i128)
                    .sum();
                weighted_sum += sum * cr.weight as i128;
                let avg = if n == 0 {
                    0.0
                } else {
                    round2(sum as f64 / n as f64)
                };
                averages.push((cr.key.clone(), avg));
            }
            let total = if n == 0 {
                Fraction {
                    num: bonus as i128,
                    den: 1,
                }
            } else {
                Fraction {
                    num: weighted_sum + bonus as i128 * n,
                    den: n,
                }
            };
            let ranked = Ranked {
                application_id: c.application_id,
                rank: 0,
                score_count: n as u32,
                averages,
                weighted_total: total.value(),
                bonus,
                fewer_opportunities: c.fewer_opportunities,
                submitted_at: c.submitted_at,
            };
            (total, ranked)
        })
        .collect();
    rows.sort_by(|(ta, a), (tb, b)| {
        tb.cmp(ta)
            .then_with(|| {
                if rules.fewer_opportunities_first_in_ties {
                    b.fewer_opportunities.cmp(&a.fewer_opportunities)
                } else {
                    Ordering::Equal
                }
            })
            .then_with(|| match (a.submitted_at, b.submitted_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| a.application_id.cmp(&b.application_id))
    });
    rows.into_iter()
        .enumerate()
        .map(|(i, (_, mut r))| {
            r.rank = i as u32 + 1;
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn crit() -> Vec<Criterion> {
        vec![
            Criterion {
                key: "a".into(),
                max_points: 10,
                weight: 2,
            },
            Criterion {
                key: "b".into(),
                max_points: 10,
                weight: 1,
            },
        ]
    }

    fn cand(id: u128, fo: bool, minute: u32, scores: &[(i32, i32)]) -> Candidate {
        Candidate {
            application_id: Uuid::from_u128(id),
            fewer_opportunities: fo,
            submitted_at: Some(Utc.with_ymd_and_hms(2025, 11, 1, 10, minute, 0).unwrap()),
            scores: scores
                .iter()
                .map(|(a, b)| HashMap::from([("a".to_string(), *a), ("b".to_string(), *b)]))
                .collect(),
        }
    }

    const NO_BONUS: Rules = Rules {
        fewer_opportunities_bonus: 0,
        fewer_opportunities_first_in_ties: true,
    };

    #[test]
    fn weighted_averages_decide() {
        let r = rank(
            &crit(),
            NO_BONUS,
            &[
                cand(1, false, 0, &[(5, 5)]),
                cand(2, false, 1, &[(10, 0), (8, 2)]),
            ],
        );
        // 1: 2*5 + 5 = 15; 2: 2*9 + 1 = 19.
        assert_eq!(r[0].application_id, Uuid::from_u128(2));
        assert_eq!(r[0].weighted_total, 19.0);
        assert_eq!(
            r[0].averages,
            vec![("a".to_string(), 9.0), ("b".to_string(), 1.0)]
        );
        assert_eq!(r[0].score_count, 2);
        assert_eq!((r[0].rank, r[1].rank), (1, 2));
    }

    #[test]
    fn ties_go_to_fewer_opportunities_then_earlier_submission() {
        let r = rank(
            &crit(),
            NO_BONUS,
            &[
                cand(1, false, 0, &[(5, 5)]),
                cand(2, true, 9, &[(5, 5)]),
                cand(3, false, 5, &[(5, 5)]),
            ],
        );
        let order: Vec<u128> = r.iter().map(|x| x.application_id.as_u128()).collect();
        assert_eq!(order, vec![2, 1, 3]);
        let off = Rules {
            fewer_opportunities_bonus: 0,
            fewer_opportunities_first_in_ties: false,
        };
        let r = rank(
            &crit(),
            off,
            &[cand(1, false, 0, &[(5, 5)]), cand(2, true, 9, &[(5, 5)])],
        );
        assert_eq!(r[0].application_id.as_u128(), 1);
    }

    #[test]
    fn the_bonus_is_added_to_the_weighted_total() {
        let rules = Rules {
            fewer_opportunities_bonus: 3,
            fewer_opportunities_first_in_ties: true,
        };
        let r = rank(
            &crit(),
            rules,
            &[cand(1, false, 0, &[(6, 6)]), cand(2, true, 1, &[(5, 5)])],
        );
        // 1: 18; 2: 15 + 3 = 18, tie -> fewer opportunities first.
        assert_eq!(r[0].application_id.as_u128(), 2);
        assert_eq!(r[0].weighted_total, 18.0);
        assert_eq!(r[0].bonus, 3);
    }

    #[test]
    fn fractions_compare_exactly() {
        // 1: (10 + 10 + 11) / 3 * 1 ... use weight 1 on a only: 31/3 = 10.333.. vs 2: 10.33 exactly never appears.
        let c = vec![Criterion {
            key: "a".into(),
            max_points: 100,
            weight: 1,
        }];
        let one = |id, scores: &[i32]| Candidate {
            application_id: Uuid::from_u128(id),
            fewer_opportunities: false,
            submitted_at: None,
            scores: scores
                .iter()
                .map(|s| HashMap::from([("a".to_string(), *s)]))
                .collect(),
        };
        let r = rank(
            &c,
            NO_BONUS,
            &[
                one(1, &[10, 10, 11]),
                one(2, &[31, 31, 31, 0, 10, 0, 0, 0, 0]),
            ],
        );
        // 31/3 = 10.333.. vs 103/9 = 11.444..
        assert_eq!(r[0].application_id.as_u128(), 2);
        let r = rank(&c, NO_BONUS, &[one(1, &[1, 2]), one(2, &[3, 0])]);
        // 3/2 == 3/2: tie, equal submission (none) -> by id.
        assert_eq!(r[0].application_id.as_u128(), 1);
    }

    #[test]
    fn unscored_candidates_come_last() {
        let r = rank(
            &crit(),
            NO_BONUS,
            &[cand(1, false, 0, &[]), cand(2, false, 1, &[(0, 1)])],
        );
        assert_eq!(r[0].application_id.as_u128(), 2);
        assert_eq!(r[1].score_count, 0);
    }
}
