//! Figures of a municipality (here), the exports (CSV, XLSX; `exports`) and the yearly
//! report for the Regierungspräsidium (`year`).
//!
//! A municipality's figures count every proposal and placement that touches it: its flat
//! or its household. A household from one town placed in a flat of the next counts in
//! both (each municipality reports its own work). Figures are computed by a pure function
//! from the loaded rows, so they can be checked on a fixed data set.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{
    follow_up, household, incentive_programme, placement, proposal, unit, unit_incentive,
};

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::incentive::{self, StoredIncentive};
use crate::domain::pipeline::ProposalState;
use crate::domain::pipeline::invariants::{self, Problem, StoredPlacement};
use crate::domain::{Cents, Locale};
use crate::i18n::Texts;
use crate::services::reports::{Cell, Table};

mod channels;
mod exports;
mod year;

pub use channels::*;
pub use exports::*;
pub use year::*;

/// Everything the figures are computed from.
#[derive(Debug, Clone, Default)]
pub struct Data {
    pub municipality_id: i64,
    pub households: Vec<household::Model>,
    /// Members per household id.
    pub persons: BTreeMap<i64, usize>,
    pub units: Vec<unit::Model>,
    pub proposals: Vec<proposal::Model>,
    pub placements: Vec<placement::Model>,
    pub follow_ups: Vec<follow_up::Model>,
    pub incentives: Vec<unit_incentive::Model>,
    pub programmes: Vec<incentive_programme::Model>,
    /// Unit address and household reference by proposal id (for lists).
    pub labels: BTreeMap<i64, (String, String)>,
    /// Answer days of the municipality's rules (when proposals count as stalled).
    pub answer_days: u32,
    /// Campaigns, page visits and landlords' origins (which channel brought whom).
    pub channels: ChannelRows,
}

/// A proposal that has not moved for too long.
#[derive(Debug, Clone, PartialEq)]
pub struct Stalled {
    pub proposal_id: i64,
    pub state: ProposalState,
    pub since: DateTime<Utc>,
    pub unit: String,
    pub household: String,
}

/// The dashboard's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub households_by_status: Vec<(HouseholdStatus, u64)>,
    pub proposals_by_stage: Vec<(&'static str, u64)>,
    pub stalled: Vec<Stalled>,
    /// Move-ins per month (first day of the month), the last 12 months, oldest first.
    pub placements_per_month: Vec<(NaiveDate, u64)>,
    pub median_days_to_move_in: Option<f64>,
    pub moved_in: u64,
    pub persons_placed: u64,
    pub places_freed: i64,
    pub incentives_committed: Cents,
    pub incentives_paid: Cents,
    pub sustained_12_months: u64,
    pub ended_early: u64,
    /// Records the figures leave out because they break an invariant (stored before the
    /// checks existed): why, and how many.
    pub left_out: Vec<(Problem, u64)>,
    /// Which channel brought whom: per channel and month (see [`channel_lines`]).
    pub channels: ChannelTable,
    /// The campaigns' labels by id.
    pub campaign_labels: BTreeMap<i64, String>,
}

/// The placements and incentives the figures count, and what they leave out.
struct Sound<'a> {
    placements: Vec<&'a placement::Model>,
    incentives: Vec<&'a unit_incentive::Model>,
    left_out: Vec<(Problem, u64)>,
}

/// A placement as the invariants see it.
fn stored_placement(data: &Data, p: &placement::Model) -> StoredPlacement {
    let mut done: Vec<(u32, NaiveDate)> = data
        .follow_ups
        .iter()
        .filter(|f| f.placement_id == p.id && f.status == "done")
        .filter_map(|f| Some((f.month.max(0) as u32, f.done_on?)))
        .collect();
    done.sort();
    StoredPlacement {
        members: data.persons.get(&p.household_id).copied().unwrap_or(0) as u32,
        places_freed: i64::from(p.places_freed),
        outcome: p.outcome.clone(),
        jobcenter_requested_on: p.jobcenter_requested_on,
        jobcenter_decided_on: p.jobcenter_decided_on,
        lease_signed_on: p.lease_signed_on,
        lease_start: p.lease_start,
        moved_in_on: p.moved_in_on,
        ended_on: p.ended_on,
        follow_ups_done: done,
    }
}

/// An incentive as the invariants see it.
fn stored_incentive(data: &Data, i: &unit_incentive::Model) -> StoredIncentive {
    StoredIncentive {
        granted: i.granted_amount_cents.map(Cents),
        granted_on: i.decided_at.map(crate::domain::time::berlin_date),
        paid: i.paid_amount_cents.map(Cents),
        paid_on: i.paid_on,
        programme_max: data
            .programmes
            .iter()
            .find(|p| p.id == i.programme_id)
            .and_then(|p| p.amount_cents)
            .map(Cents),
    }
}

/// Splits the rows into those the figures count and those that break an invariant.
fn sound(data: &Data) -> Sound<'_> {
    let mut left: BTreeMap<Problem, u64> = BTreeMap::new();
    let mut keep = |problems: Vec<Problem>| {
        for problem in &problems {
            *left.entry(*problem).or_default() += 1;
        }
        problems.is_empty()
    };
    let placements = data
        .placements
        .iter()
        .filter(|p| keep(invariants::problems(&stored_placement(data, p))))
        .collect();
    let incentives = data
        .incentives
        .iter()
        .filter(|i| keep(incentive::problems(&stored_incentive(data, i))))
        .collect();
    Sound {
        placements,
        incentives,
        left_out: left.into_iter().collect(),
    }
}

/// Every stored record of a municipality that breaks an invariant (for `bleibe check-data`):
/// (table, id, problems).
pub fn problems_in(data: &Data) -> Vec<(&'static str, i64, Vec<Problem>)> {
    let placements = data.placements.iter().map(|p| {
        (
            "placements",
            p.id,
            invariants::problems(&stored_placement(data, p)),
        )
    });
    let incentives = data.incentives.iter().map(|i| {
        (
            "unit_incentives",
            i.id,
            incentive::problems(&stored_incentive(data, i)),
        )
    });
    placements
        .chain(incentives)
        .filter(|(_, _, problems)| !problems.is_empty())
        .collect()
}

fn state_of(p: &proposal::Model) -> Option<ProposalState> {
    p.state.parse().ok()
}

/// The first day of the month of `d`.
fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The median of some numbers (`None` when there are none).
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Of some move-ins: how many, the persons placed, the places freed in follow-up housing,
/// and the median days from sending the proposal to the move-in.
fn move_ins(data: &Data, moved: &[&placement::Model]) -> (u64, u64, i64, Option<f64>) {
    let persons = moved
        .iter()
        .map(|p| data.persons.get(&p.household_id).copied().unwrap_or(0) as u64)
        .sum();
    let places = moved.iter().map(|p| i64::from(p.places_freed)).sum();
    let proposals: BTreeMap<i64, &proposal::Model> =
        data.proposals.iter().map(|p| (p.id, p)).collect();
    let days = moved
        .iter()
        .filter_map(|p| {
            let proposal = proposals.get(&p.proposal_id)?;
            let start =
                crate::domain::time::berlin_date(proposal.sent_at.unwrap_or(proposal.created_at));
            Some((p.moved_in_on? - start).num_days().max(0) as f64)
        })
        .collect();
    (moved.len() as u64, persons, places, median(days))
}

/// Computes the figures as of `now`.
pub fn figures(data: &Data, now: DateTime<Utc>) -> Figures {
    let today = crate::domain::time::berlin_date(now);
    let mut f = Figures {
        households_by_status: HouseholdStatus::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    data.households
                        .iter()
                        .filter(|h| {
                            h.status == s.as_str() && h.municipality_id == data.municipality_id
                        })
                        .count() as u64,
                )
            })
            .collect(),
        ..Default::default()
    };
    f.proposals_by_stage = super::pipeline::STAGES
        .iter()
        .map(|(stage, states)| {
            (
                *stage,
                data.proposals
                    .iter()
                    .filter(|p| state_of(p).is_some_and(|s| states.contains(&s)))
                    .count() as u64,
            )
        })
        .collect();
    f.stalled = stalled(data, now);
    let months = last_twelve_months(today);
    let sound = sound(data);
    f.left_out = sound.left_out.clone();
    let moved: Vec<&placement::Model> = sound
        .placements
        .iter()
        .copied()
        .filter(|p| p.moved_in_on.is_some())
        .collect();
    f.placements_per_month = months
        .iter()
        .map(|m| {
            (
                *m,
                moved
                    .iter()
                    .filter(|p| p.moved_in_on.map(month_of) == Some(*m))
                    .count() as u64,
            )
        })
        .collect();
    (
        f.moved_in,
        f.persons_placed,
        f.places_freed,
        f.median_days_to_move_in,
    ) = move_ins(data, &moved);
    (f.incentives_committed, f.incentives_paid) = incentive_sums(&sound);
    f.sustained_12_months = sound
        .placements
        .iter()
        .filter(|p| p.outcome == "sustained")
        .count() as u64;
    f.ended_early = sound
        .placements
        .iter()
        .filter(|p| p.outcome == "ended_early")
        .count() as u64;
    (f.channels, f.campaign_labels) = channel_figures(data);
    f
}

/// The incentive money committed (granted or paid) and paid out, of the sound requests.
fn incentive_sums(sound: &Sound) -> (Cents, Cents) {
    let committed = sound
        .incentives
        .iter()
        .filter(|r| r.status == "granted" || r.status == "paid")
        .map(|r| r.granted_amount_cents.unwrap_or(0))
        .sum();
    let paid = sound
        .incentives
        .iter()
        .map(|r| r.paid_amount_cents.unwrap_or(0))
        .sum();
    (Cents(committed), Cents(paid))
}

/// Proposals waiting too long: an answer past its due date, or a later step unchanged for
/// longer than the answer period; oldest first.
fn stalled(data: &Data, now: DateTime<Utc>) -> Vec<Stalled> {
    let mut out = Vec::new();
    let stall_after = chrono::Duration::days(i64::from(data.answer_days.max(1)));
    for p in &data.proposals {
        let Some(state) = state_of(p) else { continue };
        let stalled = if state.awaits_answer() {
            p.answer_due_at.is_some_and(|due| due < now)
        } else {
            state.holds_unit_and_household()
                && state != ProposalState::MovedIn
                && p.state_changed_at + stall_after < now
        };
        if stalled {
            let (unit, household) = data.labels.get(&p.id).cloned().unwrap_or_default();
            out.push(Stalled {
                proposal_id: p.id,
                state,
                since: p.state_changed_at,
                unit,
                household,
            });
        }
    }
    out.sort_by_key(|s| (s.since, s.proposal_id));
    out
}

/// The first days of the last twelve months up to `today`'s, oldest first.
fn last_twelve_months(today: NaiveDate) -> Vec<NaiveDate> {
    let mut month = month_of(today);
    let mut months = Vec::new();
    for _ in 0..12 {
        months.push(month);
        month = month_of(month - chrono::Duration::days(1));
    }
    months.reverse();
    months
}

/// Loads a municipality's rows, for a user who manages it.
pub async fn load(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Data, ServiceError> {
    if !user.can_manage(municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    load_rows(app, municipality_id).await
}

/// A stored record that breaks an invariant.
#[derive(Debug, Clone, PartialEq)]
pub struct DataProblem {
    pub municipality: String,
    pub table: &'static str,
    pub id: i64,
    /// The proposal the record belongs to (where its page shows it).
    pub proposal_id: Option<i64>,
    pub problems: Vec<Problem>,
}

/// Every stored record that breaks an invariant, in all municipalities or one (for
/// `bleibe check-data`): stored before the checks existed, or changed by hand.
pub async fn check_data(
    app: &App,
    municipality_id: Option<i64>,
) -> Result<Vec<DataProblem>, ServiceError> {
    let mut municipalities = crate::store::municipalities::list(&app.db).await?;
    municipalities.sort_by_key(|m| m.id);
    municipalities.retain(|m| municipality_id.is_none_or(|id| id == m.id));
    let mut out: Vec<DataProblem> = Vec::new();
    for m in municipalities {
        let data = load_rows(app, m.id).await?;
        for (table, id, problems) in problems_in(&data) {
            if out.iter().any(|p| p.table == table && p.id == id) {
                continue;
            }
            let proposal_id = data
                .placements
                .iter()
                .find(|p| table == "placements" && p.id == id)
                .map(|p| p.proposal_id);
            out.push(DataProblem {
                municipality: m.name.clone(),
                table,
                id,
                proposal_id,
                problems,
            });
        }
    }
    Ok(out)
}

/// Loads a municipality's rows (the caller has checked the scope).
pub(super) async fn load_rows(app: &App, municipality_id: i64) -> Result<Data, ServiceError> {
    let rows = crate::store::figures::of_municipality(&app.db, municipality_id).await?;
    let channels = crate::store::outreach::channel_rows(&app.db, municipality_id).await?;
    let labels = rows
        .proposals
        .iter()
        .map(|r| {
            (
                r.proposal.id,
                (
                    crate::domain::unit::short_label(
                        &r.unit.street,
                        &r.unit.house_number,
                        &r.unit.town,
                    ),
                    r.household.reference.clone(),
                ),
            )
        })
        .collect();
    Ok(Data {
        municipality_id,
        households: rows.households,
        persons: rows.persons,
        units: rows.units,
        proposals: rows.proposals.into_iter().map(|r| r.proposal).collect(),
        placements: rows.placements,
        follow_ups: rows.follow_ups,
        incentives: rows.incentives,
        programmes: rows.programmes,
        channels,
        labels,
        answer_days: rows.answer_days.unwrap_or(14),
    })
}

/// The figures of a municipality (the page `/m/{id}` shows them), for a user who manages it.
pub async fn of_municipality(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Figures, ServiceError> {
    let data = load(app, user, municipality_id).await?;
    Ok(figures(&data, app.clock.now()))
}

#[cfg(test)]
mod tests;
