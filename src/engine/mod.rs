//! The matching engine. Pure: it takes a [`Scenario`] (households, units, municipalities'
//! rule tables and weights, an "as of" date) and returns a [`MatchResult`]; no database,
//! no clock, no I/O. It imports nothing of the application but `domain`.
//!
//! The run has four phases, each public so benchmarks can time them:
//! 1. [`model::prepare`]: index everything, ids sorted (ties are broken by id);
//! 2. [`pairs::build`]: candidates by municipality, rent and distance, hard rules, scores;
//! 3. [`assign::max_weight_matching`]: the best one-to-one set of proposals for all
//!    households and units together, exactly optimal on the integer scores;
//! 4. [`alternatives`]: for every unit the next best eligible households.

pub mod assign;
pub mod explain;
pub mod fairness;
pub mod lab;
pub mod model;
pub mod pairs;
pub mod rules;
pub mod scenario;
pub mod scoring;
pub mod spatial;

use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub use scenario::{Id, Scenario, ScenarioError};

use assign::{Matching, max_weight_matching};
use model::Prepared;
use pairs::PairGraph;
use rules::RuleExplanation;
use scoring::{CriterionExplanation, SCORE_SCALE};

/// What to compute besides the assignment.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Alternatives listed per unit.
    pub top_k: usize,
    /// List the score of every eligible pair.
    pub all_scores: bool,
    /// List every ineligible pair with all the rules it breaks (looks at every pair).
    pub explain_ineligible: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            top_k: 5,
            all_scores: false,
            explain_ineligible: false,
        }
    }
}

/// A proposed pair with its explained score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub unit: Id,
    pub household: Id,
    pub score: f64,
    pub criteria: Vec<CriterionExplanation>,
}

/// Another eligible household for a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub household: Id,
    pub score: f64,
}

/// An eligible pair's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScore {
    pub unit: Id,
    pub household: Id,
    pub score: f64,
}

/// An ineligible pair with every rule it breaks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IneligiblePair {
    pub unit: Id,
    pub household: Id,
    pub rules: Vec<RuleExplanation>,
}

/// Counts of a run. `elapsed_ms` is filled in by the caller (the engine has no clock).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub households: usize,
    pub units: usize,
    pub pairs_scored: u64,
    pub eligible_pairs: u64,
    pub elapsed_ms: u64,
}

/// Alternatives by unit, written as a JSON object in unit order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlternativesByUnit(pub Vec<(Id, Vec<Alternative>)>);

impl Serialize for AlternativesByUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (unit, list) in &self.0 {
            map.serialize_entry(&unit.to_string(), list)?;
        }
        map.end()
    }
}

/// The engine's answer, in the result format of `docs/scenario-format.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    pub assignments: Vec<Assignment>,
    pub total_score: f64,
    pub unassigned_units: Vec<Id>,
    pub unassigned_households: Vec<Id>,
    pub alternatives: AlternativesByUnit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scores: Option<Vec<PairScore>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ineligible: Option<Vec<IneligiblePair>>,
    pub stats: Stats,
}

/// Converts a score in millionths to the number written in results.
pub fn score_value(micro: i64) -> f64 {
    micro as f64 / SCORE_SCALE
}

/// For every unit, the best `k` eligible households other than the one assigned to it,
/// by score and then by id.
pub fn alternatives(
    p: &Prepared,
    graph: &PairGraph,
    matching: &Matching,
    k: usize,
) -> Vec<Vec<(u32, i64)>> {
    // Transpose the pairs to rows by unit (scores fit 32 bits: they are at most 10^6).
    let mut counts = vec![0usize; p.units.len() + 1];
    for u in &graph.graph.cols {
        counts[*u as usize + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let mut fill = counts.clone();
    let mut by_unit = vec![(0u32, 0u32); graph.len()];
    for h in 0..graph.households() {
        for (u, s) in graph.row(h) {
            let slot = &mut fill[u as usize];
            by_unit[*slot] = (h as u32, s as u32);
            *slot += 1;
        }
    }
    (0..p.units.len())
        .into_par_iter()
        .map(|u| {
            let assigned = matching.col_to_row.get(u).copied().flatten();
            let mut list: Vec<(u32, i64)> = by_unit[counts[u]..counts[u + 1]]
                .iter()
                .filter(|(h, _)| Some(*h) != assigned)
                .map(|(h, s)| (*h, i64::from(*s)))
                .collect();
            let order = |a: &(u32, i64), b: &(u32, i64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
            if list.len() > k && k > 0 {
                list.select_nth_unstable_by(k - 1, order);
                list.truncate(k);
            }
            list.sort_unstable_by(order);
            list.truncate(k);
            list
        })
        .collect()
}

/// Runs the engine on a scenario (validating it first).
pub fn run(s: &Scenario, options: &Options) -> Result<MatchResult, ScenarioError> {
    scenario::validate(s)?;
    let prepared = model::prepare(s);
    Ok(run_prepared(&prepared, options))
}

/// Runs the engine on a prepared scenario.
pub fn run_prepared(p: &Prepared, options: &Options) -> MatchResult {
    let graph = pairs::build(p);
    let matching = max_weight_matching(&graph.graph);
    let alternatives = alternatives(p, &graph, &matching, options.top_k);
    result(p, &graph, &matching, &alternatives, options)
}

/// Runs the engine on a prepared scenario and reports the run's fairness.
pub fn run_with_fairness(
    p: &Prepared,
    options: &Options,
) -> (MatchResult, fairness::FairnessReport) {
    let graph = pairs::build(p);
    let matching = max_weight_matching(&graph.graph);
    let alternatives = alternatives(p, &graph, &matching, options.top_k);
    let fairness = fairness::of_match(p, &graph, &matching);
    (
        result(p, &graph, &matching, &alternatives, options),
        fairness,
    )
}

/// Assembles the result: explanations for the assigned pairs, sorted lists, counts.
pub fn result(
    p: &Prepared,
    graph: &PairGraph,
    matching: &Matching,
    alternatives: &[Vec<(u32, i64)>],
    options: &Options,
) -> MatchResult {
    let assigned: Vec<(usize, usize)> = matching
        .col_to_row
        .iter()
        .enumerate()
        .filter_map(|(u, h)| h.map(|h| (u, h as usize)))
        .collect();
    let assignments: Vec<Assignment> = assigned
        .par_iter()
        .map(|(u, h)| {
            let explained = scoring::explain_pair(p, *h, *u);
            Assignment {
                unit: p.units[*u].id.clone(),
                household: p.households[*h].id.clone(),
                score: score_value(explained.micro),
                criteria: explained.criteria,
            }
        })
        .collect();
    let unassigned_units = matching
        .col_to_row
        .iter()
        .enumerate()
        .filter(|(_, h)| h.is_none())
        .map(|(u, _)| p.units[u].id.clone())
        .collect();
    let unassigned_households = matching
        .row_to_col
        .iter()
        .enumerate()
        .filter(|(_, u)| u.is_none())
        .map(|(h, _)| p.households[h].id.clone())
        .collect();
    let alternatives = AlternativesByUnit(
        alternatives
            .iter()
            .enumerate()
            .map(|(u, list)| {
                let list = list
                    .iter()
                    .map(|(h, s)| Alternative {
                        household: p.households[*h as usize].id.clone(),
                        score: score_value(*s),
                    })
                    .collect();
                (p.units[u].id.clone(), list)
            })
            .collect(),
    );
    let scores = options.all_scores.then(|| all_scores(p, graph));
    let ineligible = options.explain_ineligible.then(|| explain_ineligible(p));
    MatchResult {
        assignments,
        total_score: score_value(matching.total_weight),
        unassigned_units,
        unassigned_households,
        alternatives,
        scores,
        ineligible,
        stats: Stats {
            households: p.households.len(),
            units: p.units.len(),
            pairs_scored: graph.pairs_checked,
            eligible_pairs: graph.len() as u64,
            elapsed_ms: 0,
        },
    }
}

/// Every eligible pair's score, by unit and then household.
fn all_scores(p: &Prepared, graph: &PairGraph) -> Vec<PairScore> {
    let mut all: Vec<(u32, u32, i64)> = (0..graph.households())
        .flat_map(|h| graph.row(h).map(move |(u, s)| (u, h as u32, s)))
        .collect();
    all.sort_unstable();
    all.into_iter()
        .map(|(u, h, s)| PairScore {
            unit: p.units[u as usize].id.clone(),
            household: p.households[h as usize].id.clone(),
            score: score_value(s),
        })
        .collect()
}

/// Every ineligible pair with all its broken rules, by unit and then household.
fn explain_ineligible(p: &Prepared) -> Vec<IneligiblePair> {
    (0..p.units.len())
        .into_par_iter()
        .flat_map_iter(|u| {
            (0..p.households.len()).filter_map(move |h| {
                let broken = rules::violations(p, h, u);
                (!broken.is_empty()).then(|| IneligiblePair {
                    unit: p.units[u].id.clone(),
                    household: p.households[h].id.clone(),
                    rules: broken.iter().map(|v| v.explained()).collect(),
                })
            })
        })
        .collect()
}

/// Why a pair is or is not proposable: its score explained, or its broken rules.
#[derive(Debug, Clone, PartialEq)]
pub enum PairVerdict {
    Eligible {
        score: f64,
        criteria: Vec<CriterionExplanation>,
    },
    Ineligible {
        rules: Vec<RuleExplanation>,
    },
}

/// Explains one pair of a prepared scenario by ids; `None` when an id is unknown.
pub fn explain(p: &Prepared, unit: &Id, household: &Id) -> Option<PairVerdict> {
    let u = p.units.binary_search_by(|x| x.id.cmp(unit)).ok()?;
    let h = p
        .households
        .binary_search_by(|x| x.id.cmp(household))
        .ok()?;
    let broken = rules::violations(p, h, u);
    Some(if broken.is_empty() {
        let explained = scoring::explain_pair(p, h, u);
        PairVerdict::Eligible {
            score: score_value(explained.micro),
            criteria: explained.criteria,
        }
    } else {
        PairVerdict::Ineligible {
            rules: broken.iter().map(|v| v.explained()).collect(),
        }
    })
}

#[cfg(test)]
mod tests;
