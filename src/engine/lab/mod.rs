//! The policy lab: how often to match, measured on a simulated stream of arrivals.
//!
//! A [`Stream`] is a start state plus dated arrivals of flats and households over a
//! horizon, and a model of how people answer ([`AnswerModel`]). A [`Policy`] decides on
//! which days the engine proposes and how: greedily flat by flat, in batches, or with the
//! whole year known ([`Policy::Hindsight`], the upper bound). The simulation steps day by
//! day and returns every proposal and placement ([`Outcome`]); [`measures`] turns that into
//! figures. Pure and deterministic: the same stream, policy and seed give the same outcome.
//!
//! Which pairs may be proposed and their scores come from the engine once per stream (the
//! engine's hard rules and scores, as of the stream's last day, with every flat available
//! from its arrival). Each pair's answers are drawn once per seed from a hash of the seed
//! and the two ids, so every policy meets the same answers for the same pair (common
//! random numbers), and the hindsight optimum is an upper bound of every policy's score.

pub mod calibrate;
pub mod compare;
pub mod hindsight;
pub mod measures;
mod run;
mod stream;

use chrono::NaiveDate;

use super::model::{self, Prepared};
use super::pairs;
use super::scenario::{Id, ScenarioError};
use crate::engine::fairness::Traits;

pub use compare::{Comparison, compare, seeds};
pub use run::{Outcome, Placement, simulate};
pub use stream::{
    AnswerBand, AnswerModel, DayRange, HouseholdArrival, MAX_DAYS, Stream, UnitArrival, parse,
};

/// How and when proposals are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Every day, each waiting flat (in order of arrival) goes to its best waiting household.
    Greedy,
    /// The optimal assignment over everything waiting, every `every_days` days.
    Batch { every_days: u32 },
    /// The optimal assignment when `flats` flats wait or `days` days passed since the last.
    BatchThreshold { flats: u32, days: u32 },
    /// The optimum with the whole horizon known, answers included: the upper bound.
    Hindsight,
}

impl Policy {
    /// Every policy the lab compares by default.
    pub const ALL: [Policy; 7] = [
        Policy::Greedy,
        Policy::Batch { every_days: 1 },
        Policy::Batch { every_days: 7 },
        Policy::Batch { every_days: 14 },
        Policy::Batch { every_days: 30 },
        Policy::BatchThreshold { flats: 5, days: 14 },
        Policy::Hindsight,
    ];

    /// Reads `greedy`, `batch:day|week|fortnight|month|<N>d`, `batch-threshold[:N:D]` or
    /// `hindsight`.
    pub fn parse(text: &str) -> Result<Policy, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "unknown policy '{text}': use greedy, batch:day, batch:week, batch:fortnight, \
                 batch:month, batch:<N>d, batch-threshold, batch-threshold:<flats>:<days> or hindsight"
            )
        };
        let days = |s: &str| -> Result<u32, String> {
            let n = match s {
                "day" => 1,
                "week" => 7,
                "fortnight" => 14,
                "month" => 30,
                _ => s.trim_end_matches('d').parse::<u32>().map_err(|_| bad())?,
            };
            if (1..=365).contains(&n) {
                Ok(n)
            } else {
                Err(format!("policy '{text}': the period must be 1 to 365 days"))
            }
        };
        match text.split(':').collect::<Vec<_>>().as_slice() {
            ["greedy"] => Ok(Policy::Greedy),
            ["hindsight"] => Ok(Policy::Hindsight),
            ["batch", period] => Ok(Policy::Batch {
                every_days: days(period)?,
            }),
            ["batch-threshold"] => Ok(Policy::BatchThreshold { flats: 5, days: 14 }),
            ["batch-threshold", flats, period] => {
                let flats: u32 = flats.parse().map_err(|_| bad())?;
                if flats == 0 {
                    return Err(format!("policy '{text}': at least 1 flat"));
                }
                Ok(Policy::BatchThreshold {
                    flats,
                    days: days(period)?,
                })
            }
            _ => Err(bad()),
        }
    }

    /// Reads a comma-separated list; `all` stands for [`Policy::ALL`].
    pub fn parse_list(text: &str) -> Result<Vec<Policy>, String> {
        let mut out: Vec<Policy> = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let add: Vec<Policy> = if part.trim() == "all" {
                Policy::ALL.to_vec()
            } else {
                vec![Policy::parse(part)?]
            };
            for p in add {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        if out.is_empty() {
            return Err("name at least one policy".into());
        }
        Ok(out)
    }

    /// The policy's name as [`Policy::parse`] reads it.
    pub fn name(&self) -> String {
        match self {
            Policy::Greedy => "greedy".into(),
            Policy::Hindsight => "hindsight".into(),
            Policy::Batch { every_days } => match every_days {
                1 => "batch:day".into(),
                7 => "batch:week".into(),
                14 => "batch:fortnight".into(),
                30 => "batch:month".into(),
                n => format!("batch:{n}d"),
            },
            Policy::BatchThreshold { flats, days } => format!("batch-threshold:{flats}:{days}"),
        }
    }
}

/// A flat of the lab: indices are the stream's order.
#[derive(Debug, Clone)]
pub struct LabUnit {
    pub id: Id,
    /// Day (from the start) it can first be proposed.
    pub arrives: u32,
    /// Day it can first be moved into.
    pub available: u32,
}

/// A household of the lab.
#[derive(Debug, Clone)]
pub struct LabHousehold {
    pub id: Id,
    pub arrives: u32,
    /// It lives in follow-up housing: its move frees a place there.
    pub in_follow_up: bool,
    pub traits: Traits,
    /// When it has no eligible flat: the rule that blocked the most.
    pub blocking_rule: Option<&'static str>,
}

/// A stream made ready: the pairs the engine allows, with scores, by household and by flat.
#[derive(Debug, Clone)]
pub struct Lab {
    pub start: NaiveDate,
    /// Days from start to end (the end day included as day `days`).
    pub days: u32,
    pub units: Vec<LabUnit>,
    pub households: Vec<LabHousehold>,
    /// Household `h`'s eligible (flat, score in millionths), by flat.
    pub by_household: Vec<Vec<(u32, i64)>>,
    /// Flat `u`'s eligible (household, score), best first, then by household.
    pub by_unit: Vec<Vec<(u32, i64)>>,
    pub answers: AnswerModel,
    /// The engine's prepared scenario, and where each flat and household of the lab is in
    /// it: to explain a placement's score.
    pub prepared: Prepared,
    pub engine_unit: Vec<u32>,
    pub engine_household: Vec<u32>,
}

impl Lab {
    /// Checks a stream and computes its pairs.
    pub fn new(stream: &Stream) -> Result<Lab, ScenarioError> {
        let scenario = stream.scenario()?;
        let prepared = model::prepare(&scenario);
        let graph = pairs::build(&prepared);
        Ok(Lab::from_parts(stream, prepared, &graph))
    }

    /// Each criterion's part of the score of flat `u` for household `h`.
    pub fn criteria(&self, u: u32, h: u32) -> Vec<(&'static str, f64)> {
        crate::engine::fairness::parts(
            &self.prepared,
            self.engine_household[h as usize] as usize,
            self.engine_unit[u as usize] as usize,
        )
    }

    fn from_parts(stream: &Stream, prepared: Prepared, graph: &pairs::PairGraph) -> Lab {
        let p = &prepared;
        let index = |ids: &mut dyn Iterator<Item = &Id>| -> std::collections::HashMap<Id, u32> {
            ids.enumerate()
                .map(|(i, id)| (id.clone(), i as u32))
                .collect()
        };
        let unit_at = index(&mut stream.units.iter().map(|a| &a.unit.id));
        let household_at = index(&mut stream.households.iter().map(|a| &a.household.id));
        // The engine's index → the stream's, and back.
        let lab_unit: Vec<u32> = p.units.iter().map(|u| unit_at[&u.id]).collect();
        let lab_household: Vec<u32> = p.households.iter().map(|h| household_at[&h.id]).collect();
        let mut engine_unit = vec![0u32; stream.units.len()];
        for (eu, u) in lab_unit.iter().enumerate() {
            engine_unit[*u as usize] = eu as u32;
        }
        let mut engine_household: Vec<Option<u32>> = vec![None; stream.households.len()];
        for (eh, h) in lab_household.iter().enumerate() {
            engine_household[*h as usize] = Some(eh as u32);
        }
        let (by_household, by_unit) = pair_lists(graph, &lab_unit, &lab_household, stream);
        let day = |d: NaiveDate| (d - stream.start).num_days().clamp(0, i64::from(u32::MAX)) as u32;
        let units: Vec<LabUnit> = stream
            .units
            .iter()
            .map(|a| LabUnit {
                id: a.unit.id.clone(),
                arrives: day(a.arrives),
                available: day(a.unit.available_from.unwrap_or(a.arrives).max(a.arrives)),
            })
            .collect();
        let households: Vec<LabHousehold> = stream
            .households
            .iter()
            .enumerate()
            .map(|(i, a)| LabHousehold {
                id: a.household.id.clone(),
                arrives: day(a.arrives),
                in_follow_up: a.household.in_follow_up_since.is_some(),
                traits: traits_of(&a.household, a.arrives),
                blocking_rule: engine_household[i]
                    .filter(|_| by_household[i].is_empty())
                    .and_then(|eh| super::rules::most_blocking(p, eh as usize)),
            })
            .collect();
        Lab {
            start: stream.start,
            days: day(stream.end),
            units,
            households,
            by_household,
            by_unit,
            answers: stream.answers.clone(),
            engine_unit,
            engine_household: engine_household
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect(),
            prepared,
        }
    }
}

/// The engine's eligible pairs in the stream's indices: by household (by flat), and by
/// flat (best first, then by household).
type PairLists = (Vec<Vec<(u32, i64)>>, Vec<Vec<(u32, i64)>>);

fn pair_lists(
    graph: &pairs::PairGraph,
    lab_unit: &[u32],
    lab_household: &[u32],
    stream: &Stream,
) -> PairLists {
    let mut by_household: Vec<Vec<(u32, i64)>> = vec![Vec::new(); stream.households.len()];
    let mut by_unit: Vec<Vec<(u32, i64)>> = vec![Vec::new(); stream.units.len()];
    for (eh, h) in lab_household.iter().enumerate() {
        for (eu, score) in graph.row(eh) {
            let u = lab_unit[eu as usize];
            by_household[*h as usize].push((u, score));
            by_unit[u as usize].push((*h, score));
        }
    }
    for row in &mut by_household {
        row.sort_unstable();
    }
    for row in &mut by_unit {
        row.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    (by_household, by_unit)
}

/// What the fairness report groups a household by, at a reference day.
pub fn traits_of(h: &super::scenario::HouseholdInput, on: NaiveDate) -> Traits {
    Traits {
        persons: h.adults + h.children_ages.len() as u32,
        wheelchair: h.wheelchair,
        stairs_limit: h.max_floor_without_lift.is_some(),
        urgency: h.urgency,
        follow_up_months: h
            .in_follow_up_since
            .map(|since| ((on - since).num_days().max(0)) / 30),
        residence_obligation: h.allowed_municipalities.is_some(),
    }
}

/// What happens to one proposed pair under a seed: the same for every policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    /// Both sides say yes.
    pub accepted: bool,
    /// Days from the proposal until both have answered.
    pub answer_days: u32,
    /// Days from both yeses to the move-in (viewing, Jobcenter, lease).
    pub move_in_days: u32,
}

/// A stable 64-bit mix (SplitMix64's finaliser).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a text, for ids.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

impl Lab {
    /// The pair's fate under `seed`.
    pub fn fate(&self, seed: u64, u: u32, h: u32, score: i64) -> Fate {
        let mut state = mix(seed ^ fnv(&self.units[u as usize].id.to_string()))
            ^ mix(fnv(&self.households[h as usize].id.to_string()).rotate_left(17));
        let mut draw = || {
            state = mix(state);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let band = self
            .answers
            .band(score as f64 / super::scoring::SCORE_SCALE);
        let household = draw() < band.household_accepts;
        let landlord = draw() < band.landlord_accepts;
        let answer_days = self.answers.answer_days.draw(draw());
        let move_in_days = self.answers.move_in_days.draw(draw());
        Fate {
            accepted: household && landlord,
            answer_days,
            move_in_days,
        }
    }

    /// The day a pair proposed on `day` would move in, if both accept.
    pub fn move_in_day(&self, u: u32, day: u32, fate: Fate) -> u32 {
        (day + fate.answer_days + fate.move_in_days).max(self.units[u as usize].available)
    }
}

#[cfg(test)]
mod tests;
