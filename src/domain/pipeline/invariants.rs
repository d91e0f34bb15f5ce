//! What must always hold of a placement, checked in two places: before a step is taken
//! ([`check`], against what is stored so far), and over rows stored before these checks
//! existed ([`problems`], for `bleibe check-data` and for the figures, which leave such
//! records out and say how many).
//!
//! Each refusal is a field error whose key is a sentence in German and English
//! (`pipeline.invalid.*`). Where no field of the step holds the wrong value (a viewing
//! recorded before its time, closing before the 12-month follow-up), the error is at the
//! pseudo-field [`STEP_FIELD`], which the form shows above its fields.
//!
//! The rules:
//! - a viewing is arranged for a time in the future (at most a year ahead), and recorded
//!   as held only once its start time has passed;
//! - every date is on or before today, and the dates of a placement are in order:
//!   both said yes ≤ Jobcenter requested ≤ Jobcenter decided ≤ lease signed ≤ lease start ≤
//!   move-in ≤ follow-ups ≤ end; the lease does not start before the flat is free;
//! - places freed in follow-up housing: 0 … the household's number of members;
//! - the follow-up for month N is recorded no earlier than N months after move-in less
//!   [`FOLLOW_UP_TOLERANCE_DAYS`], once, and after the earlier months' follow-ups;
//! - "sustained" only after the 12-month follow-up; "ended early" not before move-in.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};

use super::FOLLOW_UP_MONTHS;
use super::step::Step;
use crate::domain::time::berlin_date;
use crate::domain::validation::FieldErrors;

/// The pseudo-field of errors that belong to the step as a whole.
pub const STEP_FIELD: &str = "step";

/// How many days before its date a follow-up may be recorded (a visit on the Friday
/// before a due Monday counts).
pub const FOLLOW_UP_TOLERANCE_DAYS: i64 = 7;

/// How far ahead a viewing may be arranged.
pub const VIEWING_AHEAD_DAYS: i64 = 365;

/// How long after signing a lease may start.
pub const LEASE_START_AHEAD_DAYS: i64 = 366;

/// What the invariants need of a proposal's way so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// When both sides had said yes.
    pub accepted_at: Option<DateTime<Utc>>,
    /// The start of the viewing currently arranged, if any.
    pub viewing_starts_at: Option<DateTime<Utc>>,
    pub jobcenter_requested_on: Option<NaiveDate>,
    pub jobcenter_decided_on: Option<NaiveDate>,
    pub lease_signed_on: Option<NaiveDate>,
    pub lease_start: Option<NaiveDate>,
    pub moved_in_on: Option<NaiveDate>,
    /// The follow-ups planned at move-in: month and, once recorded, its date.
    pub follow_ups: Vec<(u32, Option<NaiveDate>)>,
    /// The flat is free from this day.
    pub unit_available_from: Option<NaiveDate>,
    /// The household's number of members.
    pub members: u32,
}

impl History {
    fn accepted_on(&self) -> Option<NaiveDate> {
        self.accepted_at.map(berlin_date)
    }

    /// The latest recorded follow-up date.
    fn last_follow_up_on(&self) -> Option<NaiveDate> {
        self.follow_ups.iter().filter_map(|(_, d)| *d).max()
    }
}

/// The earliest day the follow-up for `month` may be recorded.
pub fn follow_up_earliest(moved_in_on: NaiveDate, month: u32) -> NaiveDate {
    moved_in_on
        .checked_add_months(Months::new(month))
        .unwrap_or(moved_in_on)
        - Duration::days(FOLLOW_UP_TOLERANCE_DAYS)
}

/// The day a follow-up for `month` is due.
pub fn follow_up_due(moved_in_on: NaiveDate, month: u32) -> NaiveDate {
    moved_in_on
        .checked_add_months(Months::new(month))
        .unwrap_or(moved_in_on)
}

struct Check<'a> {
    errors: FieldErrors,
    today: NaiveDate,
    history: &'a History,
}

impl Check<'_> {
    fn fail(&mut self, field: &str, key: &str) {
        self.errors.add(field, key);
    }

    /// `on` is not after today.
    fn not_future(&mut self, field: &str, on: NaiveDate) {
        if on > self.today {
            self.fail(field, "validation.date_future");
        }
    }

    /// `on` is not before `earliest` (when that is known).
    fn not_before(&mut self, field: &str, on: NaiveDate, earliest: Option<NaiveDate>, key: &str) {
        if earliest.is_some_and(|e| on < e) {
            self.fail(field, key);
        }
    }
}

/// Checks `step` against what is stored (`history`) at `now`. The state machine has
/// already allowed the move; this checks the data.
pub fn check(step: &Step, history: &History, now: DateTime<Utc>) -> Result<(), FieldErrors> {
    let mut c = Check {
        errors: FieldErrors::default(),
        today: berlin_date(now),
        history,
    };
    match step {
        Step::ScheduleViewing(v) => check_viewing(&mut c, v.starts_at, now),
        Step::ViewingHeld { .. } => match history.viewing_starts_at {
            Some(at) if at > now => c.fail(STEP_FIELD, "pipeline.invalid.viewing_not_yet"),
            Some(_) => {}
            None => c.fail(STEP_FIELD, "pipeline.invalid.no_viewing"),
        },
        Step::JobcenterRequested { on, .. } => {
            c.not_future("on", *on);
            let accepted = history.accepted_on();
            c.not_before("on", *on, accepted, "pipeline.invalid.before_accepted");
        }
        Step::JobcenterGranted { on, .. } | Step::JobcenterRefused { on, .. } => {
            c.not_future("on", *on);
            let requested = history.jobcenter_requested_on;
            let key = "pipeline.invalid.decided_before_requested";
            c.not_before("on", *on, requested, key);
        }
        Step::LeaseSigned(lease) => check_lease(&mut c, lease),
        Step::MovedIn(m) => check_move_in(&mut c, m),
        Step::FollowUp(check_in) => check_follow_up(&mut c, check_in.month, check_in.done_on),
        Step::Sustained { .. } => {
            let twelve_done = history
                .follow_ups
                .iter()
                .any(|(m, d)| *m == 12 && d.is_some());
            if !twelve_done {
                c.fail(STEP_FIELD, "pipeline.invalid.sustained_before_12");
            }
        }
        Step::EndedEarly { on, .. } => check_end(&mut c, *on),
        Step::Approve
        | Step::Reject { .. }
        | Step::LandlordAccept { .. }
        | Step::LandlordDecline { .. }
        | Step::HouseholdAccept { .. }
        | Step::HouseholdDecline { .. }
        | Step::Withdraw { .. } => {}
    }
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(c.errors)
    }
}

fn check_viewing(c: &mut Check<'_>, starts_at: DateTime<Utc>, now: DateTime<Utc>) {
    if starts_at <= now {
        c.fail("starts_at", "pipeline.invalid.viewing_past");
    } else if starts_at > now + Duration::days(VIEWING_AHEAD_DAYS) {
        c.fail("starts_at", "pipeline.invalid.viewing_far");
    }
}

fn check_move_in(c: &mut Check<'_>, m: &super::step::MoveIn) {
    let h = c.history;
    c.not_future("moved_in_on", m.on);
    let start = h.lease_start;
    c.not_before(
        "moved_in_on",
        m.on,
        start,
        "pipeline.invalid.moved_before_start",
    );
    let signed = h.lease_signed_on;
    c.not_before(
        "moved_in_on",
        m.on,
        signed,
        "pipeline.invalid.moved_before_signed",
    );
    if m.places_freed.is_some_and(|p| p > h.members) {
        c.fail("places_freed", "pipeline.invalid.places_above_members");
    }
}

fn check_end(c: &mut Check<'_>, on: NaiveDate) {
    let h = c.history;
    c.not_future("ended_on", on);
    let moved = h.moved_in_on;
    c.not_before(
        "ended_on",
        on,
        moved,
        "pipeline.invalid.ended_before_move_in",
    );
    let last = h.last_follow_up_on();
    c.not_before(
        "ended_on",
        on,
        last,
        "pipeline.invalid.ended_before_follow_up",
    );
}

fn check_lease(c: &mut Check<'_>, lease: &super::step::Lease) {
    let h = c.history;
    c.not_future("signed_on", lease.signed_on);
    c.not_before(
        "signed_on",
        lease.signed_on,
        h.accepted_on(),
        "pipeline.invalid.before_accepted",
    );
    c.not_before(
        "signed_on",
        lease.signed_on,
        h.jobcenter_decided_on,
        "pipeline.invalid.signed_before_jobcenter",
    );
    c.not_before(
        "lease_start",
        lease.start,
        Some(lease.signed_on),
        "pipeline.invalid.start_before_signed",
    );
    c.not_before(
        "lease_start",
        lease.start,
        h.unit_available_from,
        "pipeline.invalid.start_before_free",
    );
    if lease.start > lease.signed_on + Duration::days(LEASE_START_AHEAD_DAYS) {
        c.fail("lease_start", "pipeline.invalid.start_far");
    }
}

fn check_follow_up(c: &mut Check<'_>, month: u32, done_on: NaiveDate) {
    let h = c.history;
    let Some(moved_in_on) = h.moved_in_on else {
        c.fail(STEP_FIELD, "pipeline.invalid.not_moved_in");
        return;
    };
    match h.follow_ups.iter().find(|(m, _)| *m == month) {
        None => c.fail("month", "pipeline.invalid.follow_up_month"),
        Some((_, Some(_))) => c.fail("month", "pipeline.invalid.follow_up_done"),
        Some((_, None)) => {
            let earlier_open = h.follow_ups.iter().any(|(m, d)| *m < month && d.is_none());
            if earlier_open {
                c.fail("month", "pipeline.invalid.follow_up_order");
            }
        }
    }
    c.not_future("done_on", done_on);
    c.not_before(
        "done_on",
        done_on,
        Some(follow_up_earliest(moved_in_on, month)),
        "pipeline.invalid.follow_up_early",
    );
    c.not_before(
        "done_on",
        done_on,
        h.last_follow_up_on(),
        "pipeline.invalid.follow_up_before_previous",
    );
}

/// A placement as stored, for checking rows written before the invariants held.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlacement {
    pub members: u32,
    pub places_freed: i64,
    pub outcome: String,
    pub jobcenter_requested_on: Option<NaiveDate>,
    pub jobcenter_decided_on: Option<NaiveDate>,
    pub lease_signed_on: Option<NaiveDate>,
    pub lease_start: Option<NaiveDate>,
    pub moved_in_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// Recorded follow-ups: month and date, in month order.
    pub follow_ups_done: Vec<(u32, NaiveDate)>,
}

/// What is wrong with a stored record (each with a sentence `pipeline.problem.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Problem {
    PlacesAboveMembers,
    JobcenterOutOfOrder,
    LeaseStartsBeforeSigned,
    MovedInBeforeLease,
    FollowUpTooEarly,
    FollowUpsOutOfOrder,
    SustainedWithoutTwelveMonths,
    EndedBeforeMoveIn,
    PaidAboveGranted,
    PaidBeforeGrant,
    GrantedAboveProgramme,
}

impl Problem {
    /// The catalog key of the sentence that explains it.
    pub fn key(self) -> &'static str {
        match self {
            Problem::PlacesAboveMembers => "pipeline.problem.places_above_members",
            Problem::JobcenterOutOfOrder => "pipeline.problem.jobcenter_out_of_order",
            Problem::LeaseStartsBeforeSigned => "pipeline.problem.lease_before_signed",
            Problem::MovedInBeforeLease => "pipeline.problem.moved_before_lease",
            Problem::FollowUpTooEarly => "pipeline.problem.follow_up_early",
            Problem::FollowUpsOutOfOrder => "pipeline.problem.follow_ups_order",
            Problem::SustainedWithoutTwelveMonths => "pipeline.problem.sustained_early",
            Problem::EndedBeforeMoveIn => "pipeline.problem.ended_before_move_in",
            Problem::PaidAboveGranted => "pipeline.problem.paid_above_granted",
            Problem::PaidBeforeGrant => "pipeline.problem.paid_before_grant",
            Problem::GrantedAboveProgramme => "pipeline.problem.granted_above_programme",
        }
    }
}

fn before(a: Option<NaiveDate>, b: Option<NaiveDate>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a < b)
}

/// What breaks the invariants in a stored placement (empty when it is sound).
pub fn problems(p: &StoredPlacement) -> Vec<Problem> {
    let mut out = Vec::new();
    if p.places_freed < 0 || p.places_freed > i64::from(p.members) {
        out.push(Problem::PlacesAboveMembers);
    }
    if before(p.jobcenter_decided_on, p.jobcenter_requested_on) {
        out.push(Problem::JobcenterOutOfOrder);
    }
    if before(p.lease_start, p.lease_signed_on) {
        out.push(Problem::LeaseStartsBeforeSigned);
    }
    if before(p.moved_in_on, p.lease_start) || before(p.moved_in_on, p.lease_signed_on) {
        out.push(Problem::MovedInBeforeLease);
    }
    if let Some(moved) = p.moved_in_on
        && p.follow_ups_done
            .iter()
            .any(|(m, d)| *d < follow_up_earliest(moved, *m))
    {
        out.push(Problem::FollowUpTooEarly);
    }
    let months: Vec<u32> = p.follow_ups_done.iter().map(|(m, _)| *m).collect();
    let in_order = months.iter().zip(FOLLOW_UP_MONTHS).all(|(a, b)| *a == b)
        && p.follow_ups_done.windows(2).all(|w| w[0].1 <= w[1].1);
    if !in_order {
        out.push(Problem::FollowUpsOutOfOrder);
    }
    if p.outcome == super::Outcome::Sustained.as_str() && !months.contains(&12) {
        out.push(Problem::SustainedWithoutTwelveMonths);
    }
    if before(p.ended_on, p.moved_in_on) {
        out.push(Problem::EndedBeforeMoveIn);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Cents;
    use crate::domain::pipeline::step::{CheckIn, Lease, MoveIn, NewViewing};
    use crate::domain::pipeline::{EndReason, LeaseKind};
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("time")
    }

    fn history() -> History {
        History {
            accepted_at: Some(at(2026, 11, 20, 9)),
            unit_available_from: Some(day(2026, 12, 1)),
            members: 4,
            ..History::default()
        }
    }

    fn refused(step: &Step, h: &History, now: DateTime<Utc>) -> Vec<(String, String)> {
        check(step, h, now)
            .err()
            .map(|e| e.0.into_iter().collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_viewing_is_recorded_only_after_it_started() {
        let mut h = history();
        h.viewing_starts_at = Some(at(2026, 12, 5, 16));
        let held = Step::ViewingHeld { note: None };
        assert_eq!(
            refused(&held, &h, at(2026, 12, 3, 9)),
            [(
                STEP_FIELD.to_owned(),
                "pipeline.invalid.viewing_not_yet".to_owned()
            )]
        );
        assert!(check(&held, &h, at(2026, 12, 5, 16)).is_ok());
        let new = Step::ScheduleViewing(NewViewing {
            starts_at: at(2026, 11, 21, 8),
            place: "Tür".into(),
            companion: None,
            companion_name: None,
            note: None,
        });
        assert_eq!(
            refused(&new, &h, at(2026, 11, 21, 9))[0].1,
            "pipeline.invalid.viewing_past"
        );
    }

    #[test]
    fn places_freed_are_at_most_the_household_size() {
        let h = history();
        let step = |places| {
            Step::MovedIn(MoveIn {
                on: day(2026, 11, 21),
                freed_site: None,
                places_freed: Some(places),
            })
        };
        assert!(check(&step(4), &h, at(2026, 11, 21, 9)).is_ok());
        assert!(check(&step(0), &h, at(2026, 11, 21, 9)).is_ok());
        assert_eq!(
            refused(&step(40), &h, at(2026, 11, 21, 9)),
            [(
                "places_freed".to_owned(),
                "pipeline.invalid.places_above_members".to_owned()
            )]
        );
    }

    #[test]
    fn lease_dates_are_in_order_and_not_in_the_future() {
        let mut h = history();
        h.jobcenter_decided_on = Some(day(2026, 11, 25));
        let lease = |signed_on, start| {
            Step::LeaseSigned(Lease {
                kind: LeaseKind::Direct,
                signed_on,
                start,
                rent_cold: Cents::euros(600),
                service_charges: Cents::euros(100),
                heating_costs: Cents::euros(80),
            })
        };
        let now = at(2026, 11, 30, 9);
        assert!(check(&lease(day(2026, 11, 26), day(2026, 12, 1)), &h, now).is_ok());
        let fields = |signed_on, start| {
            refused(&lease(signed_on, start), &h, now)
                .into_iter()
                .map(|(f, k)| format!("{f}: {k}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(day(2026, 12, 2), day(2026, 12, 2)),
            ["signed_on: validation.date_future"]
        );
        assert_eq!(
            fields(day(2026, 11, 24), day(2026, 12, 1)),
            ["signed_on: pipeline.invalid.signed_before_jobcenter"]
        );
        assert_eq!(
            fields(day(2026, 11, 27), day(2026, 11, 26)),
            ["lease_start: pipeline.invalid.start_before_signed"]
        );
        assert_eq!(
            fields(day(2026, 11, 27), day(2026, 11, 28)),
            ["lease_start: pipeline.invalid.start_before_free"]
        );
        // Move-in after the lease starts.
        h.lease_signed_on = Some(day(2026, 11, 26));
        h.lease_start = Some(day(2026, 12, 1));
        let moved = Step::MovedIn(MoveIn {
            on: day(2026, 11, 30),
            freed_site: None,
            places_freed: None,
        });
        assert_eq!(
            refused(&moved, &h, now)[0].1,
            "pipeline.invalid.moved_before_start"
        );
    }

    #[test]
    fn jobcenter_decides_after_it_was_asked() {
        let mut h = history();
        h.jobcenter_requested_on = Some(day(2026, 11, 22));
        let granted = Step::JobcenterGranted {
            on: day(2026, 11, 21),
            note: None,
        };
        assert_eq!(
            refused(&granted, &h, at(2026, 11, 30, 9))[0].1,
            "pipeline.invalid.decided_before_requested"
        );
        let requested = Step::JobcenterRequested {
            on: day(2026, 11, 19),
            note: None,
        };
        assert_eq!(
            refused(&requested, &h, at(2026, 11, 30, 9))[0].1,
            "pipeline.invalid.before_accepted"
        );
    }

    fn moved_in() -> History {
        History {
            moved_in_on: Some(day(2026, 11, 21)),
            follow_ups: FOLLOW_UP_MONTHS.iter().map(|m| (*m, None)).collect(),
            ..history()
        }
    }

    fn follow_up(month: u32, done_on: NaiveDate) -> Step {
        Step::FollowUp(CheckIn {
            month,
            done_on,
            rent_paid: Some(true),
            support_needed: None,
            problems: None,
            note: None,
        })
    }

    #[test]
    fn follow_ups_come_after_their_month_once_and_in_order() {
        let mut h = moved_in();
        let now = at(2027, 12, 1, 9);
        // The 12-month follow-up on the day of moving in: refused.
        assert!(
            refused(&follow_up(12, day(2026, 11, 21)), &h, now)
                .contains(&("done_on".into(), "pipeline.invalid.follow_up_early".into()))
        );
        // Month 3 before month 1: refused.
        assert_eq!(
            refused(&follow_up(3, day(2027, 2, 21)), &h, now),
            [("month".into(), "pipeline.invalid.follow_up_order".into())]
        );
        // A week early is fine, more is not.
        assert!(check(&follow_up(1, day(2026, 12, 14)), &h, now).is_ok());
        assert!(!refused(&follow_up(1, day(2026, 12, 13)), &h, now).is_empty());
        h.follow_ups[0].1 = Some(day(2026, 12, 20));
        assert_eq!(
            refused(&follow_up(1, day(2026, 12, 22)), &h, now),
            [("month".into(), "pipeline.invalid.follow_up_done".into())]
        );
        // Not before the previous one.
        assert!(
            refused(&follow_up(3, day(2026, 12, 19)), &h, now)
                .contains(&("done_on".into(), "pipeline.invalid.follow_up_early".into()))
        );
        assert!(check(&follow_up(3, day(2027, 2, 21)), &h, now).is_ok());
        // Closing as sustained needs the twelfth month.
        assert_eq!(
            refused(&Step::Sustained { note: None }, &h, now),
            [(
                STEP_FIELD.into(),
                "pipeline.invalid.sustained_before_12".into()
            )]
        );
        h.follow_ups[3].1 = Some(day(2027, 11, 21));
        assert!(check(&Step::Sustained { note: None }, &h, now).is_ok());
        // Ending early is not before moving in.
        let ended = |on| Step::EndedEarly {
            on,
            reason: EndReason::MovedAway,
            note: None,
        };
        let h = moved_in();
        assert_eq!(
            refused(&ended(day(2026, 11, 20)), &h, now)[0].1,
            "pipeline.invalid.ended_before_move_in"
        );
    }

    #[test]
    fn stored_records_that_break_a_rule_are_named() {
        let sound = StoredPlacement {
            members: 4,
            places_freed: 4,
            outcome: "sustained".into(),
            jobcenter_requested_on: Some(day(2026, 1, 5)),
            jobcenter_decided_on: Some(day(2026, 1, 10)),
            lease_signed_on: Some(day(2026, 1, 12)),
            lease_start: Some(day(2026, 2, 1)),
            moved_in_on: Some(day(2026, 2, 1)),
            ended_on: None,
            follow_ups_done: vec![
                (1, day(2026, 3, 1)),
                (3, day(2026, 5, 1)),
                (6, day(2026, 8, 1)),
                (12, day(2027, 2, 1)),
            ],
        };
        assert!(problems(&sound).is_empty());
        let forty = StoredPlacement {
            places_freed: 40,
            ..sound.clone()
        };
        assert_eq!(problems(&forty), [Problem::PlacesAboveMembers]);
        let same_day = StoredPlacement {
            follow_ups_done: vec![(12, day(2026, 2, 1))],
            ..sound.clone()
        };
        assert_eq!(
            problems(&same_day),
            [Problem::FollowUpTooEarly, Problem::FollowUpsOutOfOrder]
        );
        let early_start = StoredPlacement {
            lease_start: Some(day(2026, 1, 11)),
            moved_in_on: Some(day(2026, 1, 11)),
            follow_ups_done: vec![],
            outcome: "living".into(),
            ..sound
        };
        assert_eq!(
            problems(&early_start),
            [
                Problem::LeaseStartsBeforeSigned,
                Problem::MovedInBeforeLease
            ]
        );
    }
}
