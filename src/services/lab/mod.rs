//! The policy lab as a use case: simulate a stream under several policies and seeds, and
//! report. The CLI (`bleibe simulate`) and the lab page both go through here.

pub mod history;
pub mod report;
pub mod runs;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::ScenarioError;
use crate::engine::lab::{self, AnswerModel, Comparison, Lab, Policy, Stream};

/// What the report says about the stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamFacts {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub source: Source,
    pub municipalities: Vec<String>,
    pub households: usize,
    pub flats: usize,
    pub households_at_start: usize,
    pub answers: AnswerModel,
}

/// Where a stream comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// `bleibe simulate --generate MONTHS`: the demo's five towns.
    Generated { months: u32, seed: u64 },
    /// The service's own last months.
    History { months: u32 },
    /// A stream file.
    File { name: String },
}

/// A finished comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabResult {
    pub facts: StreamFacts,
    pub comparison: Comparison,
    pub elapsed_ms: u64,
}

/// The facts of a stream.
pub fn facts(stream: &Stream, source: Source) -> StreamFacts {
    StreamFacts {
        start: stream.start,
        end: stream.end,
        source,
        municipalities: stream
            .municipalities
            .iter()
            .map(|m| m.name.clone().unwrap_or_else(|| m.id.to_string()))
            .collect(),
        households: stream.households.len(),
        flats: stream.units.len(),
        households_at_start: stream
            .households
            .iter()
            .filter(|h| h.arrives == stream.start)
            .count(),
        answers: stream.answers.clone(),
    }
}

/// Most seeds one comparison runs.
pub const MAX_SEEDS: usize = 20;

/// Simulates `stream` under every policy and seed; `progress(done, total)` after each run.
pub fn compare(
    stream: &Stream,
    source: Source,
    policies: &[Policy],
    first_seed: u64,
    seeds: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<LabResult, ScenarioError> {
    let timer = std::time::Instant::now();
    let lab = Lab::new(stream)?;
    let seeds = lab::seeds(first_seed, seeds.clamp(1, MAX_SEEDS));
    let comparison = lab::compare(&lab, policies, &seeds, progress);
    Ok(LabResult {
        facts: facts(stream, source),
        comparison,
        elapsed_ms: timer.elapsed().as_millis() as u64,
    })
}
