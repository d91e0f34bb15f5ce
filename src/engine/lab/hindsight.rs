//! The hindsight optimum: the best set of placements with the whole horizon known, answers
//! included. A pair counts when both sides would say yes and, proposed on the first day
//! both are there, it would move in by the last day. Any policy's placements are such
//! pairs (a later proposal only moves in later), so no policy can score more.

use super::run::{Outcome, Placement, weight};
use super::{Lab, Policy};
use crate::engine::assign::{SparseGraph, max_weight_matching};

/// The pairs hindsight may use, as (household, flat, score) arcs.
pub fn feasible_arcs(lab: &Lab, seed: u64) -> Vec<(u32, u32, i64)> {
    let mut arcs = Vec::new();
    for (h, row) in lab.by_household.iter().enumerate() {
        let h = h as u32;
        for (u, score) in row {
            let meet = lab.units[*u as usize]
                .arrives
                .max(lab.households[h as usize].arrives);
            let fate = lab.fate(seed, *u, h, *score);
            if fate.accepted && lab.move_in_day(*u, meet, fate) <= lab.days {
                arcs.push((h, *u, *score));
            }
        }
    }
    arcs
}

/// The optimum and its schedule: each pair proposed on the day both are there.
pub fn outcome(lab: &Lab, seed: u64) -> Outcome {
    let mut arcs = feasible_arcs(lab, seed);
    let mut placements = Vec::new();
    if let Ok(graph) = SparseGraph::from_arcs(lab.households.len(), lab.units.len(), &mut arcs) {
        let matching = max_weight_matching(&graph);
        for (h, u) in matching.row_to_col.iter().enumerate() {
            if let Some(u) = u {
                let score = weight(&graph, h, *u);
                let meet = lab.units[*u as usize]
                    .arrives
                    .max(lab.households[h].arrives);
                let fate = lab.fate(seed, *u, h as u32, score);
                placements.push(Placement {
                    unit: *u,
                    household: h as u32,
                    proposed: meet,
                    moved_in: lab.move_in_day(*u, meet, fate),
                    score,
                });
            }
        }
    }
    placements.sort_by_key(|p| (p.proposed, p.unit));
    Outcome {
        policy: Policy::Hindsight.name(),
        seed,
        proposals: placements.len() as u32,
        declined: 0,
        match_days: 0,
        placements,
    }
}
