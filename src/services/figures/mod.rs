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
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::incentive::{self, StoredIncentive};
use crate::domain::pipeline::ProposalState;
use crate::domain::pipeline::invariants::{self, Problem, StoredPlacement};
use crate::domain::{Cents, Locale};
use crate::i18n::Texts;
use crate::services::reports::{Cell, Table};

mod exports;
mod year;

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
            f.stalled.push(Stalled {
                proposal_id: p.id,
                state,
                since: p.state_changed_at,
                unit,
                household,
            });
        }
    }
    f.stalled.sort_by_key(|s| (s.since, s.proposal_id));
    // Move-ins per month over the last 12 months.
    let mut month = month_of(today);
    let mut months = Vec::new();
    for _ in 0..12 {
        months.push(month);
        month = month_of(month - chrono::Duration::days(1));
    }
    months.reverse();
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
    f.incentives_committed = Cents(
        sound
            .incentives
            .iter()
            .filter(|r| r.status == "granted" || r.status == "paid")
            .map(|r| r.granted_amount_cents.unwrap_or(0))
            .sum(),
    );
    f.incentives_paid = Cents(
        sound
            .incentives
            .iter()
            .map(|r| r.paid_amount_cents.unwrap_or(0))
            .sum(),
    );
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
    f
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
    let mut municipalities = entities::municipality::Entity::find()
        .order_by_asc(entities::municipality::Column::Id)
        .all(&app.db)
        .await?;
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
async fn load_rows(app: &App, municipality_id: i64) -> Result<Data, ServiceError> {
    let rows = crate::store::figures::of_municipality(&app.db, municipality_id).await?;
    let labels = rows
        .proposals
        .iter()
        .map(|r| {
            (
                r.proposal.id,
                (
                    format!("{} {}, {}", r.unit.street, r.unit.house_number, r.unit.town),
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
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
            .single()
            .expect("time")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn household(id: i64, status: &str) -> household::Model {
        household::Model {
            id,
            municipality_id: 1,
            reference: format!("H-{id}"),
            status: status.into(),
            residence_status: "anerkannt".into(),
            residence_obligation: false,
            residence_obligation_until: None,
            benefit_type: None,
            work_situation: None,
            wheelchair: false,
            max_floor_without_lift: None,
            rooms_wanted: None,
            pets: false,
            max_distance_km: None,
            latest_move_date: None,
            follow_up_site: None,
            in_follow_up_since: None,
            urgency: 0,
            urgency_reason: None,
            languages: "[]".into(),
            preferred_language: "de".into(),
            email: None,
            phone: None,
            caseworker_user_id: None,
            caseworker_name: None,
            caseworker_email: None,
            caseworker_phone: None,
            landlord_text: None,
            consent_at: None,
            consent_scope: None,
            consent_recorded_by_user_id: None,
            consent_withdrawn_at: None,
            notes: None,
            closed_at: None,
            close_reason: None,
            anonymized_at: None,
            search_text: format!("h-{id}"),
            created_at: at(2026, 1, 5),
            updated_at: at(2026, 1, 5),
        }
    }

    fn proposal(
        id: i64,
        state: ProposalState,
        changed: DateTime<Utc>,
        due: Option<DateTime<Utc>>,
    ) -> proposal::Model {
        proposal::Model {
            id,
            match_run_id: None,
            candidate_id: None,
            unit_id: id,
            household_id: id,
            state: state.as_str().into(),
            is_open: state.holds_unit_and_household(),
            origin: "engine".into(),
            score: 0.5,
            override_reason: None,
            state_changed_at: changed,
            approved_at: None,
            approved_by_user_id: None,
            sent_at: Some(at(2026, 3, 1)),
            answer_due_at: due,
            reminded_at: None,
            landlord_answered_at: None,
            household_answered_at: None,
            closed_at: None,
            created_at: at(2026, 3, 1),
            updated_at: changed,
        }
    }

    fn placement(
        id: i64,
        moved_in: Option<NaiveDate>,
        places: i32,
        outcome: &str,
    ) -> placement::Model {
        placement::Model {
            id,
            proposal_id: id,
            unit_id: id,
            household_id: id,
            municipality_id: 1,
            jobcenter_status: None,
            jobcenter_requested_on: None,
            jobcenter_decided_on: None,
            lease_kind: Some("direct".into()),
            lease_signed_on: moved_in,
            lease_start: moved_in,
            rent_cold_cents: Some(50_000),
            service_charges_cents: None,
            heating_costs_cents: None,
            moved_in_on: moved_in,
            freed_site: None,
            places_freed: places,
            outcome: outcome.into(),
            ended_on: None,
            end_reason: None,
            end_reason_code: None,
            created_at: at(2026, 3, 1),
            updated_at: at(2026, 3, 1),
        }
    }

    fn incentive(
        id: i64,
        status: &str,
        granted: Option<i64>,
        paid: Option<i64>,
    ) -> unit_incentive::Model {
        unit_incentive::Model {
            id,
            unit_id: 1,
            programme_id: 1,
            status: status.into(),
            landlord_note: None,
            requested_at: at(2026, 2, 1),
            decided_at: Some(at(2026, 2, 10)),
            decided_by_user_id: None,
            decision_note: None,
            granted_amount_cents: granted,
            granted_from: None,
            granted_until: None,
            paid_amount_cents: paid,
            paid_on: paid.map(|_| day(2026, 4, 1)),
            created_at: at(2026, 2, 1),
            updated_at: at(2026, 2, 1),
        }
    }

    /// A small municipality with a known history.
    fn data() -> Data {
        use ProposalState::*;
        let now = at(2026, 11, 21);
        Data {
            municipality_id: 1,
            households: vec![
                household(1, "placed"),
                household(2, "placed"),
                household(3, "placed"),
                household(4, "active"),
                household(5, "active"),
                household(6, "paused"),
                household(7, "closed"),
            ],
            persons: [(1, 4), (2, 2), (3, 1), (10, 2)].into_iter().collect(),
            units: Vec::new(),
            proposals: vec![
                proposal(1, MovedIn, at(2026, 9, 2), None),
                proposal(2, Sustained, at(2026, 10, 1), None),
                proposal(3, EndedEarly, at(2026, 10, 1), None),
                // Waiting for answers past the deadline: stalled.
                proposal(4, Sent, at(2026, 11, 1), Some(at(2026, 11, 15))),
                // Waiting, deadline ahead: not stalled.
                proposal(
                    5,
                    LandlordAccepted,
                    at(2026, 11, 18),
                    Some(now + chrono::Duration::days(3)),
                ),
                // Accepted a month ago without a step since: stalled.
                proposal(6, Accepted, at(2026, 10, 20), None),
                proposal(7, Suggested, at(2026, 11, 20), None),
                proposal(8, LandlordDeclined, at(2026, 6, 1), None),
            ],
            placements: vec![
                placement(1, Some(day(2026, 9, 1)), 4, "living"),
                placement(2, Some(day(2025, 12, 15)), 2, "sustained"),
                placement(3, Some(day(2026, 3, 10)), 1, "ended_early"),
                // Stored before the checks: five places freed by a household of two.
                placement(10, Some(day(2026, 5, 1)), 5, "living"),
            ],
            // The sustained tenancy's four follow-ups.
            follow_ups: [
                (1, day(2026, 1, 15)),
                (3, day(2026, 3, 15)),
                (6, day(2026, 6, 15)),
                (12, day(2026, 12, 15)),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, (month, done_on))| follow_up::Model {
                id: i as i64 + 1,
                placement_id: 2,
                month,
                due_on: done_on,
                status: "done".into(),
                done_on: Some(done_on),
                rent_paid: Some(true),
                problems: None,
                support_needed: None,
                note: None,
                recorded_by_user_id: None,
                reminder_sent_at: None,
                created_at: at(2026, 1, 15),
                updated_at: at(2026, 1, 15),
            })
            .collect(),
            incentives: vec![
                incentive(1, "granted", Some(100_000), None),
                incentive(2, "paid", Some(50_000), Some(50_000)),
                incentive(3, "requested", None, None),
                incentive(4, "declined", None, None),
            ],
            programmes: Vec::new(),
            labels: BTreeMap::new(),
            answer_days: 14,
        }
    }

    #[test]
    fn the_dashboard_counts_a_known_history() {
        let f = figures(&data(), at(2026, 11, 21));
        let status: Vec<(&str, u64)> = f
            .households_by_status
            .iter()
            .map(|(s, n)| (s.as_str(), *n))
            .collect();
        assert_eq!(
            status,
            [("active", 2), ("paused", 1), ("placed", 3), ("closed", 1)]
        );
        let stages: BTreeMap<&str, u64> = f.proposals_by_stage.iter().copied().collect();
        assert_eq!(stages["review"], 1);
        assert_eq!(stages["waiting"], 2);
        assert_eq!(stages["viewing"], 1);
        assert_eq!(stages["moved_in"], 1);
        assert_eq!(stages["ended"], 3);
        assert_eq!(
            f.stalled.iter().map(|s| s.proposal_id).collect::<Vec<_>>(),
            [6, 4],
            "oldest first"
        );
        assert_eq!((f.moved_in, f.persons_placed, f.places_freed), (3, 7, 7));
        // Days from sending (1 March) to move-in: 184, -81 → 0, 9; median 9.
        assert_eq!(f.median_days_to_move_in, Some(9.0));
        assert_eq!(f.incentives_committed, Cents(150_000));
        assert_eq!(f.incentives_paid, Cents(50_000));
        assert_eq!((f.sustained_12_months, f.ended_early), (1, 1));
        assert_eq!(
            f.left_out,
            [(Problem::PlacesAboveMembers, 1)],
            "left out, and said so"
        );
        // The last 12 months, Dec 2025 to Nov 2026: Dec, Mar and Sep have one move-in each.
        assert_eq!(f.placements_per_month.len(), 12);
        assert_eq!(f.placements_per_month[0], (day(2025, 12, 1), 1));
        assert_eq!(f.placements_per_month[11], (day(2026, 11, 1), 0));
        let total: u64 = f.placements_per_month.iter().map(|(_, n)| n).sum();
        assert_eq!(total, 3);
    }

    #[test]
    fn the_median_is_the_middle_value() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5.0]), Some(5.0));
        assert_eq!(median(vec![9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    #[test]
    fn exports_hold_the_rows_with_translated_headers() {
        let d = data();
        let households = table(&d, "households", Locale::De).expect("table");
        assert_eq!(households.headers[1], "Aktenzeichen");
        assert_eq!(households.rows.len(), 7);
        let placements = table(&d, "placements", Locale::En).expect("table");
        assert_eq!(placements.name, "Placements");
        // Exports hold every stored record, also those the figures leave out.
        assert_eq!(placements.rows.len(), 4);
        assert!(placements.rows[1].contains(&Cell::Text("lasted (12 months)".into())));
        assert!(table(&d, "secrets", Locale::De).is_none());
        let csv =
            String::from_utf8(crate::services::reports::to_csv(&placements, false)).expect("utf-8");
        assert!(
            csv.contains("Proposal no.;Flat;Household") && csv.contains("500.00"),
            "{csv}"
        );
    }

    #[test]
    fn the_year_report_counts_by_the_dates_of_the_year() {
        let d = data();
        let event = |id: i64, to: ProposalState, when: DateTime<Utc>, code: Option<&str>| {
            entities::proposal_event::Model {
                id,
                proposal_id: id,
                from_state: None,
                to_state: to.as_str().into(),
                actor_kind: "coordinator".into(),
                actor_user_id: None,
                reason_code: code.map(str::to_owned),
                reason: None,
                data: None,
                created_at: when,
            }
        };
        let events = vec![
            event(1, ProposalState::Accepted, at(2026, 4, 1), None),
            event(2, ProposalState::Sustained, at(2026, 10, 1), None),
            event(3, ProposalState::EndedEarly, at(2026, 10, 1), None),
            event(
                8,
                ProposalState::LandlordDeclined,
                at(2026, 6, 1),
                Some("already_let"),
            ),
            event(
                9,
                ProposalState::HouseholdDeclined,
                at(2025, 6, 1),
                Some("too_far"),
            ),
        ];
        let r = year_report(&d, &events, 2026, Locale::De);
        assert_eq!((r.moved_in, r.persons_placed, r.places_freed), (2, 5, 5));
        assert_eq!(r.left_out, [(Problem::PlacesAboveMembers, 1)]);
        assert_eq!(
            (
                r.accepted_by_both,
                r.declined_by_landlord,
                r.declined_by_household
            ),
            (1, 1, 0)
        );
        assert_eq!((r.sustained, r.ended_early), (1, 1));
        assert_eq!(r.decline_reasons, [("schon vermietet".to_owned(), 1)]);
        assert_eq!(r.moved_in_per_month[2], (3, 1));
        assert_eq!(r.moved_in_per_month[8], (9, 1));
        assert_eq!(r.leases_signed, 2);
        let r2025 = year_report(&d, &events, 2025, Locale::De);
        assert_eq!((r2025.moved_in, r2025.declined_by_household), (1, 1));
        assert!(
            year_report_xlsx(&r, Locale::De)
                .expect("xlsx")
                .starts_with(b"PK")
        );
    }
}
