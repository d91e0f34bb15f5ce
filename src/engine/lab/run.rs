//! The day-by-day simulation of one policy under one seed.

use std::collections::HashSet;

use serde::Serialize;

use super::{Fate, Lab, Policy};
use crate::engine::assign::{SparseGraph, max_weight_matching};

/// A household moved into a flat within the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Placement {
    pub unit: u32,
    pub household: u32,
    /// Day (from the start) of the proposal.
    pub proposed: u32,
    pub moved_in: u32,
    /// Score in millionths.
    pub score: i64,
}

/// What a policy did over the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub policy: String,
    pub seed: u64,
    /// Move-ins up to the last day, in the order they were agreed.
    pub placements: Vec<Placement>,
    pub proposals: u32,
    pub declined: u32,
    /// Days on which the policy matched.
    pub match_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not arrived yet.
    Absent,
    Waiting,
    /// In a proposal that has not been answered.
    Proposed,
    /// Agreed: gone from the pool.
    Done,
}

/// A proposal waiting for its answers: flat, household, score, day proposed, fate.
type Pending = (u32, u32, i64, u32, Fate);

/// The simulation's running state.
struct Sim<'a> {
    lab: &'a Lab,
    seed: u64,
    units: Vec<State>,
    households: Vec<State>,
    /// Pairs declined: never proposed again.
    declined: HashSet<(u32, u32)>,
    /// Proposals by the day they are answered: (flat, household, score, day proposed, fate).
    answers_due: Vec<Vec<Pending>>,
    outcome: Outcome,
}

/// Runs `policy` over the lab's horizon with the answers of `seed`.
pub fn simulate(lab: &Lab, policy: Policy, seed: u64) -> Outcome {
    if policy == Policy::Hindsight {
        return super::hindsight::outcome(lab, seed);
    }
    let mut sim = Sim {
        lab,
        seed,
        units: vec![State::Absent; lab.units.len()],
        households: vec![State::Absent; lab.households.len()],
        declined: HashSet::new(),
        answers_due: vec![Vec::new(); lab.days as usize + 1],
        outcome: Outcome {
            policy: policy.name(),
            seed,
            placements: Vec::new(),
            proposals: 0,
            declined: 0,
            match_days: 0,
        },
    };
    let mut arrivals_units: Vec<Vec<u32>> = vec![Vec::new(); lab.days as usize + 1];
    for (u, unit) in lab.units.iter().enumerate() {
        arrivals_units[unit.arrives as usize].push(u as u32);
    }
    let mut arrivals_households: Vec<Vec<u32>> = vec![Vec::new(); lab.days as usize + 1];
    for (h, household) in lab.households.iter().enumerate() {
        arrivals_households[household.arrives as usize].push(h as u32);
    }
    let mut last_match: Option<u32> = None;
    for day in 0..=lab.days {
        for u in &arrivals_units[day as usize] {
            sim.units[*u as usize] = State::Waiting;
        }
        for h in &arrivals_households[day as usize] {
            sim.households[*h as usize] = State::Waiting;
        }
        sim.answer(day);
        let waiting_flats = sim.units.iter().filter(|s| **s == State::Waiting).count() as u32;
        let due = match policy {
            Policy::Greedy => true,
            Policy::Batch { every_days } => day % every_days == 0,
            Policy::BatchThreshold { flats, days } => {
                waiting_flats >= flats
                    || waiting_flats > 0 && day >= last_match.map_or(days, |last| last + days)
            }
            Policy::Hindsight => false,
        };
        if !due || waiting_flats == 0 {
            continue;
        }
        let proposals_before = sim.outcome.proposals;
        match policy {
            Policy::Greedy => sim.greedy(day),
            _ => sim.batch(day),
        }
        if sim.outcome.proposals > proposals_before || policy != Policy::Greedy {
            sim.outcome.match_days += 1;
        }
        last_match = Some(day);
    }
    sim.outcome
}

impl Sim<'_> {
    fn propose(&mut self, u: u32, h: u32, score: i64, day: u32) {
        let fate = self.lab.fate(self.seed, u, h, score);
        self.units[u as usize] = State::Proposed;
        self.households[h as usize] = State::Proposed;
        self.outcome.proposals += 1;
        let answered = day + fate.answer_days;
        if let Some(slot) = self.answers_due.get_mut(answered as usize) {
            slot.push((u, h, score, day, fate));
        }
        // Answers after the last day are never heard: both stay in the proposal.
    }

    /// Today's answers: agreed pairs leave the pool, declined ones wait again.
    fn answer(&mut self, day: u32) {
        for (u, h, score, proposed, fate) in std::mem::take(&mut self.answers_due[day as usize]) {
            if fate.accepted {
                self.units[u as usize] = State::Done;
                self.households[h as usize] = State::Done;
                let moved_in = self.lab.move_in_day(u, proposed, fate);
                if moved_in <= self.lab.days {
                    self.outcome.placements.push(Placement {
                        unit: u,
                        household: h,
                        proposed,
                        moved_in,
                        score,
                    });
                }
            } else {
                self.units[u as usize] = State::Waiting;
                self.households[h as usize] = State::Waiting;
                self.declined.insert((u, h));
                self.outcome.declined += 1;
            }
        }
    }

    fn open(&self, u: u32, h: u32) -> bool {
        self.households[h as usize] == State::Waiting && !self.declined.contains(&(u, h))
    }

    /// Each waiting flat, in order of arrival, to its best waiting household.
    fn greedy(&mut self, day: u32) {
        let mut flats: Vec<u32> = (0..self.units.len() as u32)
            .filter(|u| self.units[*u as usize] == State::Waiting)
            .collect();
        flats.sort_by_key(|u| (self.lab.units[*u as usize].arrives, *u));
        for u in flats {
            let best = self.lab.by_unit[u as usize]
                .iter()
                .find(|(h, _)| self.open(u, *h))
                .copied();
            if let Some((h, score)) = best {
                self.propose(u, h, score, day);
            }
        }
    }

    /// The optimal assignment over every waiting flat and household.
    fn batch(&mut self, day: u32) {
        let households: Vec<u32> = (0..self.households.len() as u32)
            .filter(|h| self.households[*h as usize] == State::Waiting)
            .collect();
        let mut column = vec![u32::MAX; self.units.len()];
        let mut flats = Vec::new();
        for (u, state) in self.units.iter().enumerate() {
            if *state == State::Waiting {
                column[u] = flats.len() as u32;
                flats.push(u as u32);
            }
        }
        let mut arcs = Vec::new();
        for (row, h) in households.iter().enumerate() {
            for (u, score) in &self.lab.by_household[*h as usize] {
                let c = column[*u as usize];
                if c != u32::MAX && !self.declined.contains(&(*u, *h)) {
                    arcs.push((row as u32, c, *score));
                }
            }
        }
        if arcs.is_empty() {
            return;
        }
        let Ok(graph) = SparseGraph::from_arcs(households.len(), flats.len(), &mut arcs) else {
            return;
        };
        let matching = max_weight_matching(&graph);
        for (row, col) in matching.row_to_col.iter().enumerate() {
            if let Some(col) = col {
                let (h, u) = (households[row], flats[*col as usize]);
                let score = weight(&graph, row, *col);
                self.propose(u, h, score, day);
            }
        }
    }
}

/// The weight of arc (row, col) of a graph.
pub(super) fn weight(graph: &SparseGraph, row: usize, col: u32) -> i64 {
    let range = graph.row_start[row]..graph.row_start[row + 1];
    let k = graph.cols[range.clone()].partition_point(|c| *c < col);
    graph.weights[range.start + k]
}
