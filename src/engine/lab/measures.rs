//! Figures of an outcome, and their summary over seeds.

use serde::{Deserialize, Serialize};

use super::{Lab, Outcome};
use crate::engine::fairness::{self, FairnessReport, Subject};
use crate::engine::scoring::SCORE_SCALE;

/// Days in a month, for "per month" figures.
pub const MONTH_DAYS: f64 = 30.4375;

/// The figures of one policy under one seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    pub policy: String,
    pub seed: u64,
    pub households: usize,
    pub flats: usize,
    pub placed: usize,
    pub still_waiting: usize,
    pub proposals: u32,
    pub declined: u32,
    /// Over placed households, from joining the waiting list to moving in.
    pub median_days_to_move_in: Option<f64>,
    pub p90_days_to_move_in: Option<f64>,
    /// Move-ins of households from follow-up housing, per month of the horizon.
    pub places_freed_per_month: f64,
    /// Days flats stood empty: from arrival (or availability) to move-in or the last day.
    pub empty_flat_days: u64,
    pub mean_score: Option<f64>,
    pub total_score: f64,
    /// This outcome's total score ÷ the hindsight optimum's under the same seed.
    pub share_of_hindsight: Option<f64>,
    /// Move-ins per calendar month, from the start's month.
    pub move_ins_by_month: Vec<u32>,
    pub fairness: FairnessReport,
}

/// The calendar month (0 = the start's) of the day `day` days after `start`.
pub fn calendar_month(start: chrono::NaiveDate, day: u32) -> usize {
    use chrono::Datelike;
    let d = start + chrono::Duration::days(i64::from(day));
    let months = |x: chrono::NaiveDate| i64::from(x.year()) * 12 + i64::from(x.month0());
    (months(d) - months(start)).max(0) as usize
}

/// The value at rank `q` (0 to 1) of sorted values, by the nearest-rank rule.
pub fn nearest_rank(sorted: &[u32], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(f64::from(sorted[rank.min(sorted.len()) - 1]))
}

/// The median of sorted values (mean of the middle two for an even count).
pub fn median(sorted: &[u32]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(f64::from(sorted[n / 2])),
        _ => Some((f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0),
    }
}

/// The figures of an outcome; `hindsight_total` is the optimum's total score in millionths.
pub fn measure(lab: &Lab, outcome: &Outcome, hindsight_total: Option<i64>) -> Measures {
    let mut days: Vec<u32> = outcome
        .placements
        .iter()
        .map(|p| p.moved_in - lab.households[p.household as usize].arrives.min(p.moved_in))
        .collect();
    days.sort_unstable();
    let months = ((f64::from(lab.days) + 1.0) / MONTH_DAYS).max(1.0);
    let freed = outcome
        .placements
        .iter()
        .filter(|p| lab.households[p.household as usize].in_follow_up)
        .count();
    let mut moved_in = vec![None; lab.units.len()];
    for p in &outcome.placements {
        moved_in[p.unit as usize] = Some(p.moved_in);
    }
    let empty_flat_days = lab
        .units
        .iter()
        .zip(&moved_in)
        .map(|(u, m)| {
            let until = m.unwrap_or(lab.days + 1);
            u64::from(until.saturating_sub(u.available))
        })
        .sum();
    let total: i64 = outcome.placements.iter().map(|p| p.score).sum();
    let month_of = |day: u32| calendar_month(lab.start, day);
    let last = month_of(lab.days);
    let mut by_month = vec![0u32; last + 1];
    for p in &outcome.placements {
        by_month[month_of(p.moved_in).min(last)] += 1;
    }
    Measures {
        policy: outcome.policy.clone(),
        seed: outcome.seed,
        households: lab.households.len(),
        flats: lab.units.len(),
        placed: outcome.placements.len(),
        still_waiting: lab.households.len() - outcome.placements.len(),
        proposals: outcome.proposals,
        declined: outcome.declined,
        median_days_to_move_in: median(&days),
        p90_days_to_move_in: nearest_rank(&days, 0.9),
        places_freed_per_month: freed as f64 / months,
        empty_flat_days,
        mean_score: (!outcome.placements.is_empty())
            .then(|| total as f64 / SCORE_SCALE / outcome.placements.len() as f64),
        total_score: total as f64 / SCORE_SCALE,
        share_of_hindsight: hindsight_total
            .filter(|t| *t > 0)
            .map(|t| total as f64 / t as f64),
        move_ins_by_month: by_month,
        fairness: fairness::report(&subjects(lab, outcome)),
    }
}

/// The pool for the fairness report: every household, with its placement's score.
pub fn subjects(lab: &Lab, outcome: &Outcome) -> Vec<Subject> {
    let mut score = vec![None; lab.households.len()];
    let mut criteria = vec![Vec::new(); lab.households.len()];
    for p in &outcome.placements {
        score[p.household as usize] = Some(p.score as f64 / SCORE_SCALE);
        criteria[p.household as usize] = lab.criteria(p.unit, p.household);
    }
    lab.households
        .iter()
        .zip(score)
        .zip(&lab.by_household)
        .zip(criteria)
        .map(|(((h, score), row), criteria)| Subject {
            traits: h.traits.clone(),
            score,
            had_eligible_flat: !row.is_empty(),
            blocking_rule: h.blocking_rule,
            criteria,
        })
        .collect()
}

/// A figure over seeds: mean, lowest and highest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    /// Over the values present; `None` when there are none.
    pub fn of(values: impl Iterator<Item = f64>) -> Option<Spread> {
        let values: Vec<f64> = values.filter(|v| v.is_finite()).collect();
        if values.is_empty() {
            return None;
        }
        Some(Spread {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// One policy's figures over all seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub policy: String,
    pub seeds: usize,
    pub placed: Option<Spread>,
    pub median_days_to_move_in: Option<Spread>,
    pub p90_days_to_move_in: Option<Spread>,
    pub places_freed_per_month: Option<Spread>,
    pub empty_flat_days: Option<Spread>,
    pub mean_score: Option<Spread>,
    pub share_of_hindsight: Option<Spread>,
    pub declined: Option<Spread>,
}

/// Summarises one policy's runs.
pub fn summarise(policy: &str, runs: &[&Measures]) -> Summary {
    let spread =
        |f: &dyn Fn(&Measures) -> Option<f64>| Spread::of(runs.iter().filter_map(|m| f(m)));
    Summary {
        policy: policy.to_owned(),
        seeds: runs.len(),
        placed: spread(&|m| Some(m.placed as f64)),
        median_days_to_move_in: spread(&|m| m.median_days_to_move_in),
        p90_days_to_move_in: spread(&|m| m.p90_days_to_move_in),
        places_freed_per_month: spread(&|m| Some(m.places_freed_per_month)),
        empty_flat_days: spread(&|m| Some(m.empty_flat_days as f64)),
        mean_score: spread(&|m| m.mean_score),
        share_of_hindsight: spread(&|m| m.share_of_hindsight),
        declined: spread(&|m| Some(f64::from(m.declined))),
    }
}
