//! Several policies under several seeds, summarised.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::measures::{Measures, Summary, measure, summarise};
use super::{Lab, Policy, simulate};

/// Every run's figures and each policy's summary over the seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub seeds: Vec<u64>,
    pub runs: Vec<Measures>,
    pub summaries: Vec<Summary>,
}

/// The seeds `first, first + 1, …` (`count` of them).
pub fn seeds(first: u64, count: usize) -> Vec<u64> {
    (0..count as u64).map(|i| first.wrapping_add(i)).collect()
}

/// Runs every policy under every seed (in parallel; the result does not depend on how).
/// `progress(done, total)` is called after each run.
pub fn compare(
    lab: &Lab,
    policies: &[Policy],
    seeds: &[u64],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Comparison {
    // The hindsight runs every other run is measured against come first and are not
    // counted: the progress counts the runs of the policies asked for.
    let total = policies.len() * seeds.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    };
    // Hindsight first: every other run is measured against it.
    let hindsight: Vec<super::Outcome> = seeds
        .par_iter()
        .map(|seed| simulate(lab, Policy::Hindsight, *seed))
        .collect();
    let jobs: Vec<(Policy, usize)> = policies
        .iter()
        .flat_map(|p| (0..seeds.len()).map(move |s| (*p, s)))
        .collect();
    let runs: Vec<Measures> = jobs
        .par_iter()
        .map(|(policy, s)| {
            let best: i64 = hindsight[*s].placements.iter().map(|p| p.score).sum();
            let outcome = if *policy == Policy::Hindsight {
                hindsight[*s].clone()
            } else {
                simulate(lab, *policy, seeds[*s])
            };
            let m = measure(lab, &outcome, Some(best));
            tick();
            m
        })
        .collect();
    let summaries = policies
        .iter()
        .map(|p| {
            let name = p.name();
            let mine: Vec<&Measures> = runs.iter().filter(|m| m.policy == name).collect();
            summarise(&name, &mine)
        })
        .collect();
    Comparison {
        seeds: seeds.to_vec(),
        runs,
        summaries,
    }
}
