//! The small steps of the district's past: which story a proposal follows, its states one
//! after another at office hours, who took each step and why, drawn from the seeded generator.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::at_noon;
use crate::domain::pipeline::ProposalState;
use crate::util::SplitMix64;

/// How a proposal's story goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Story {
    /// To the move-in and beyond (or as far as today allows).
    Placement,
    Rejected,
    Expired,
    LandlordDeclined,
    HouseholdDeclined,
    DeclinedAfterViewing,
    JobcenterRefused,
    Withdrawn,
}

/// Weighted picks by cumulative weight.
pub(super) fn picker(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

pub(super) fn pick(rng: &mut SplitMix64, cumulative: &[f64]) -> usize {
    let x = rng.unit() * cumulative.last().copied().unwrap_or(0.0);
    cumulative
        .partition_point(|c| *c <= x)
        .min(cumulative.len().saturating_sub(1))
}

pub(super) fn shuffle<T>(rng: &mut SplitMix64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.range_i64(0, i as i64) as usize;
        items.swap(i, j);
    }
}

/// A time of day in office hours on `day`.
pub(super) fn office(rng: &mut SplitMix64, day: NaiveDate) -> DateTime<Utc> {
    at_noon(day) + Duration::minutes(rng.range_i64(-180, 240))
}

/// A time in office hours `min` to `max` days after `day`.
pub(super) fn office_after(
    rng: &mut SplitMix64,
    day: NaiveDate,
    min: i64,
    max: i64,
) -> DateTime<Utc> {
    let day = day + Duration::days(rng.range_i64(min, max));
    office(rng, day)
}

/// Adds a step `min` to `max` days after the last one.
pub(super) fn after(
    rng: &mut SplitMix64,
    steps: &mut Vec<(ProposalState, NaiveDate)>,
    state: ProposalState,
    min: i64,
    max: i64,
) {
    let last = steps.last().map_or(NaiveDate::MIN, |(_, d)| *d);
    steps.push((state, last + Duration::days(rng.range_i64(min, max))));
}

/// The steps of a story from its first day: (state reached, day). Days only grow.
pub(super) fn story_steps(
    rng: &mut SplitMix64,
    story: Story,
    start: NaiveDate,
) -> Vec<(ProposalState, NaiveDate)> {
    use ProposalState::*;
    let mut steps = vec![(Suggested, start)];
    if story == Story::Rejected {
        after(rng, &mut steps, Rejected, 0, 3);
        return steps;
    }
    after(rng, &mut steps, Approved, 0, 3);
    after(rng, &mut steps, Sent, 0, 1);
    let end = match story {
        Story::Expired => Some((Expired, 14, 14)),
        Story::LandlordDeclined => Some((LandlordDeclined, 1, 9)),
        Story::HouseholdDeclined => Some((HouseholdDeclined, 1, 9)),
        Story::Withdrawn => Some((Withdrawn, 1, 10)),
        _ => None,
    };
    if let Some((state, min, max)) = end {
        after(rng, &mut steps, state, min, max);
        return steps;
    }
    let first = if rng.chance(0.5) {
        LandlordAccepted
    } else {
        HouseholdAccepted
    };
    after(rng, &mut steps, first, 1, 6);
    after(rng, &mut steps, Accepted, 1, 7);
    after(rng, &mut steps, ViewingScheduled, 1, 4);
    after(rng, &mut steps, ViewingHeld, 3, 10);
    if story == Story::DeclinedAfterViewing {
        let who = if rng.chance(0.5) {
            LandlordDeclined
        } else {
            HouseholdDeclined
        };
        after(rng, &mut steps, who, 1, 5);
        return steps;
    }
    after(rng, &mut steps, JobcenterRequested, 1, 4);
    if story == Story::JobcenterRefused {
        after(rng, &mut steps, JobcenterRefused, 7, 21);
        return steps;
    }
    after(rng, &mut steps, JobcenterGranted, 7, 21);
    after(rng, &mut steps, LeaseSigned, 3, 14);
    // Moving in on the first of the next month, or a few days later.
    let signed = steps.last().map_or(start, |(_, d)| *d);
    let first_of_next = NaiveDate::from_ymd_opt(signed.year(), signed.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(signed);
    steps.push((MovedIn, first_of_next + Duration::days(rng.range_i64(0, 3))));
    steps
}

pub(super) fn actor(state: ProposalState, from: ProposalState) -> &'static str {
    use ProposalState::*;
    match state {
        LandlordAccepted | LandlordDeclined => "landlord",
        HouseholdAccepted | HouseholdDeclined => "household",
        Accepted if from == LandlordAccepted => "household",
        Accepted => "landlord",
        Expired => "system",
        _ => "coordinator",
    }
}

pub(super) fn reason(state: ProposalState, rng: &mut SplitMix64) -> Option<&'static str> {
    use ProposalState::*;
    match state {
        LandlordDeclined => Some(*rng.pick(&[
            "already_let",
            "household_size",
            "timing",
            "personal",
            "other",
        ])),
        HouseholdDeclined => {
            Some(*rng.pick(&["too_far", "too_expensive", "too_small", "timing", "other"]))
        }
        Withdrawn => Some("other"),
        _ => None,
    }
}
