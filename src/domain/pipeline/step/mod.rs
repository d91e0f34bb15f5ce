//! A pipeline step as a type: what a coordinator (or the API on their behalf) does with a
//! proposal, with its fields parsed and within their limits. The fields of each step are
//! declared once ([`Action::fields`]); the proposal page renders its forms from them, the
//! API document describes them, and [`Step::parse`] reads them.

use chrono::{DateTime, NaiveDate, Utc};

use super::reasons::{EndReason, HouseholdDeclineReason, LandlordDeclineReason, LeaseKind};
use super::state::ProposalState;
use crate::domain::input::{FieldKind, FieldSpec, Reader};
use crate::domain::money::Cents;
use crate::domain::string_enum;
use crate::domain::validation::FieldErrors;

mod parse;
use parse::*;

string_enum! {
    /// The steps a person takes with a proposal (the `action` of a form or an API call).
    /// Sending and expiry are Bleibe's own moves and not among them.
    pub enum Action {
        /// Approve a suggestion: it is sent to both sides at once.
        Approve = "approve",
        /// Reject a suggestion, with a reason.
        Reject = "reject",
        /// The landlord said yes (entered by staff, e.g. after a phone call).
        LandlordAccept = "landlord_accept",
        /// The landlord said no, with a reason from the list.
        LandlordDecline = "landlord_decline",
        /// The household said yes (entered by staff).
        HouseholdAccept = "household_accept",
        /// The household said no, with a reason from the list.
        HouseholdDecline = "household_decline",
        /// A viewing is arranged (a time in the future, a place, who accompanies).
        ScheduleViewing = "schedule_viewing",
        /// The viewing took place (only once its time has passed).
        ViewingHeld = "viewing_held",
        /// The Jobcenter's Zusicherung is requested.
        JobcenterRequested = "jobcenter_requested",
        /// The Jobcenter approved the costs.
        JobcenterGranted = "jobcenter_granted",
        /// The Jobcenter refused (the flat is free again).
        JobcenterRefused = "jobcenter_refused",
        /// The lease is signed.
        LeaseSigned = "lease_signed",
        /// The household moved in; the follow-ups are planned.
        MovedIn = "moved_in",
        /// A follow-up after 1, 3, 6 or 12 months is recorded (the state stays "moved in").
        FollowUp = "follow_up",
        /// The tenancy lasted: the placement is closed as a success.
        Sustained = "sustained",
        /// The tenancy ended before the 12 months.
        EndedEarly = "ended_early",
        /// The coordinator calls the proposal off.
        Withdraw = "withdraw",
    }
}

/// Longest free text of a reason or note.
pub const NOTE_MAX: usize = 1000;
/// Longest text of a follow-up's problems or note.
pub const FOLLOW_UP_TEXT_MAX: usize = 2000;
/// Longest meeting place or freed accommodation.
pub const PLACE_MAX: usize = 300;
/// Longest name of a companion.
pub const NAME_MAX: usize = 200;
/// Highest cold rent of a lease (as in the flat form).
pub const RENT_MAX: Cents = Cents::euros(10_000);
/// Highest service charges or heating costs of a lease (as in the flat form).
pub const COSTS_MAX: Cents = Cents::euros(2_000);
/// Most places one household can free (the household's size is the real limit).
pub const PLACES_MAX: i64 = 50;

const fn text(name: &'static str, required: bool) -> FieldSpec {
    FieldSpec {
        name,
        kind: FieldKind::Note { max: NOTE_MAX },
        required,
    }
}

const REASON: FieldSpec = text("reason", true);
const REASON_OPTIONAL: FieldSpec = text("reason", false);
const NOTE: FieldSpec = text("note", false);
const LANDLORD_REASON: FieldSpec =
    FieldSpec::required("reason_code", FieldKind::Choice(LANDLORD_REASONS));
const HOUSEHOLD_REASON: FieldSpec =
    FieldSpec::required("reason_code", FieldKind::Choice(HOUSEHOLD_REASONS));
const END_REASON: FieldSpec = FieldSpec::required("reason_code", FieldKind::Choice(END_REASONS));
const ON: FieldSpec = FieldSpec::required("on", FieldKind::Date);
const STARTS_AT: FieldSpec = FieldSpec::required("starts_at", FieldKind::DateTime);
const PLACE: FieldSpec = FieldSpec::required("place", FieldKind::Text { max: PLACE_MAX });
const COMPANION: FieldSpec = FieldSpec::optional("companion", FieldKind::Id);
const COMPANION_NAME: FieldSpec =
    FieldSpec::optional("companion_name", FieldKind::Text { max: NAME_MAX });
const LEASE_KIND: FieldSpec = FieldSpec::required("lease_kind", FieldKind::Choice(LEASE_KINDS));
const SIGNED_ON: FieldSpec = FieldSpec::required("signed_on", FieldKind::Date);
const LEASE_START: FieldSpec = FieldSpec::required("lease_start", FieldKind::Date);
const RENT_COLD: FieldSpec = FieldSpec::required("rent_cold", FieldKind::Money { max: RENT_MAX });
const SERVICE_CHARGES: FieldSpec =
    FieldSpec::required("service_charges", FieldKind::Money { max: COSTS_MAX });
const HEATING_COSTS: FieldSpec =
    FieldSpec::required("heating_costs", FieldKind::Money { max: COSTS_MAX });
const MOVED_IN_ON: FieldSpec = FieldSpec::required("moved_in_on", FieldKind::Date);
const FREED_SITE: FieldSpec = FieldSpec::optional("freed_site", FieldKind::Text { max: PLACE_MAX });
const PLACES_FREED: FieldSpec = FieldSpec::optional(
    "places_freed",
    FieldKind::Count {
        min: 0,
        max: PLACES_MAX,
    },
);
const MONTH: FieldSpec = FieldSpec::required("month", FieldKind::Count { min: 1, max: 12 });
const DONE_ON: FieldSpec = FieldSpec::required("done_on", FieldKind::Date);
const RENT_PAID: FieldSpec = FieldSpec::optional("rent_paid", FieldKind::YesNo);
const SUPPORT_NEEDED: FieldSpec = FieldSpec::optional("support_needed", FieldKind::YesNo);
const PROBLEMS: FieldSpec = FieldSpec::optional(
    "problems",
    FieldKind::Note {
        max: FOLLOW_UP_TEXT_MAX,
    },
);
const FOLLOW_UP_NOTE: FieldSpec = FieldSpec::optional(
    "note",
    FieldKind::Note {
        max: FOLLOW_UP_TEXT_MAX,
    },
);
const ENDED_ON: FieldSpec = FieldSpec::required("ended_on", FieldKind::Date);

const LANDLORD_REASONS: &[&str] = LandlordDeclineReason::NAMES;
const HOUSEHOLD_REASONS: &[&str] = HouseholdDeclineReason::NAMES;
const END_REASONS: &[&str] = EndReason::NAMES;
const LEASE_KINDS: &[&str] = LeaseKind::NAMES;

impl Action {
    /// The fields of this step, in the order the form shows them.
    pub fn fields(self) -> &'static [FieldSpec] {
        use Action::*;
        match self {
            Approve => &[],
            Reject | Withdraw => &[REASON],
            LandlordAccept | HouseholdAccept | ViewingHeld | Sustained => &[NOTE],
            LandlordDecline => &[LANDLORD_REASON, REASON_OPTIONAL],
            HouseholdDecline => &[HOUSEHOLD_REASON, REASON_OPTIONAL],
            ScheduleViewing => &[STARTS_AT, PLACE, COMPANION, COMPANION_NAME, NOTE],
            JobcenterRequested | JobcenterGranted => &[ON, NOTE],
            JobcenterRefused => &[ON, REASON],
            LeaseSigned => &[
                LEASE_KIND,
                SIGNED_ON,
                LEASE_START,
                RENT_COLD,
                SERVICE_CHARGES,
                HEATING_COSTS,
            ],
            MovedIn => &[MOVED_IN_ON, FREED_SITE, PLACES_FREED],
            FollowUp => &[
                MONTH,
                DONE_ON,
                RENT_PAID,
                SUPPORT_NEEDED,
                PROBLEMS,
                FOLLOW_UP_NOTE,
            ],
            EndedEarly => &[ENDED_ON, END_REASON, REASON_OPTIONAL],
        }
    }

    /// The state this step normally leads to (a yes leads to "both said yes" when the
    /// other side has said yes already; see [`Action::target`]).
    pub fn leads_to(self) -> ProposalState {
        use ProposalState as S;
        match self {
            Action::Approve => S::Approved,
            Action::Reject => S::Rejected,
            Action::LandlordAccept => S::LandlordAccepted,
            Action::LandlordDecline => S::LandlordDeclined,
            Action::HouseholdAccept => S::HouseholdAccepted,
            Action::HouseholdDecline => S::HouseholdDeclined,
            Action::ScheduleViewing => S::ViewingScheduled,
            Action::ViewingHeld => S::ViewingHeld,
            Action::JobcenterRequested => S::JobcenterRequested,
            Action::JobcenterGranted => S::JobcenterGranted,
            Action::JobcenterRefused => S::JobcenterRefused,
            Action::LeaseSigned => S::LeaseSigned,
            Action::MovedIn | Action::FollowUp => S::MovedIn,
            Action::Sustained => S::Sustained,
            Action::EndedEarly => S::EndedEarly,
            Action::Withdraw => S::Withdrawn,
        }
    }

    /// The state this step leads to from `from`; `None` when the step is not open there.
    /// The state machine ([`ProposalState::next_states`]) decides.
    pub fn target(self, from: ProposalState) -> Option<ProposalState> {
        use ProposalState as S;
        let to = match self {
            Action::LandlordAccept if from == S::HouseholdAccepted => S::Accepted,
            Action::HouseholdAccept if from == S::LandlordAccepted => S::Accepted,
            // A follow-up keeps the state; it is open while the household lives there.
            Action::FollowUp => return (from == S::MovedIn).then_some(S::MovedIn),
            _ => self.leads_to(),
        };
        from.can_move_to(to).then_some(to)
    }

    /// The steps open from `from`, in pipeline order. Follow-ups have forms of their own
    /// (one per month) and are left out.
    pub fn open_from(from: ProposalState) -> Vec<Action> {
        Action::ALL
            .iter()
            .copied()
            .filter(|a| *a != Action::FollowUp && a.target(from).is_some())
            .collect()
    }

    /// What the step does, in a sentence (for the API document).
    pub fn description(self) -> &'static str {
        match self {
            Action::Approve => "Approve a suggestion: it is sent to both sides at once.",
            Action::Reject => "Reject a suggestion, with a reason.",
            Action::LandlordAccept => "The landlord said yes (entered by staff).",
            Action::LandlordDecline => "The landlord said no, with a reason from the list.",
            Action::HouseholdAccept => "The household said yes (entered by staff).",
            Action::HouseholdDecline => "The household said no, with a reason from the list.",
            Action::ScheduleViewing => {
                "A viewing is arranged: a time in the future, a place, who accompanies."
            }
            Action::ViewingHeld => "The viewing took place (only once its time has passed).",
            Action::JobcenterRequested => "The Jobcenter's Zusicherung is requested.",
            Action::JobcenterGranted => "The Jobcenter approved the costs.",
            Action::JobcenterRefused => "The Jobcenter refused; the flat is free again.",
            Action::LeaseSigned => "The lease is signed.",
            Action::MovedIn => "The household moved in; the follow-ups are planned.",
            Action::FollowUp => {
                "A follow-up after 1, 3, 6 or 12 months, in order, no earlier than that many \
                 months after move-in (less a week)."
            }
            Action::Sustained => {
                "The tenancy lasted: closed as a success (after the 12-month follow-up)."
            }
            Action::EndedEarly => "The tenancy ended before the 12 months, with a reason.",
            Action::Withdraw => "The coordinator calls the proposal off; the flat is free again.",
        }
    }

    /// Steps that end or undo something (shown less prominently, asked twice).
    pub fn is_ending(self) -> bool {
        matches!(
            self,
            Action::Reject
                | Action::Withdraw
                | Action::LandlordDecline
                | Action::HouseholdDecline
                | Action::JobcenterRefused
                | Action::EndedEarly
        )
    }

    /// How the event names whoever took the step (staff may answer for either side).
    pub fn actor_kind(self) -> &'static str {
        match self {
            Action::LandlordAccept | Action::LandlordDecline => "landlord_by_staff",
            Action::HouseholdAccept | Action::HouseholdDecline => "household_by_staff",
            _ => "coordinator",
        }
    }
}

/// A viewing to arrange.
#[derive(Debug, Clone, PartialEq)]
pub struct NewViewing {
    pub starts_at: DateTime<Utc>,
    pub place: String,
    /// A volunteer or coordinator of the flat's municipality.
    pub companion: Option<i64>,
    /// Or someone outside the team.
    pub companion_name: Option<String>,
    pub note: Option<String>,
}

/// A signed lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    pub kind: LeaseKind,
    pub signed_on: NaiveDate,
    pub start: NaiveDate,
    pub rent_cold: Cents,
    pub service_charges: Cents,
    pub heating_costs: Cents,
}

/// A move-in.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveIn {
    pub on: NaiveDate,
    /// The accommodation in follow-up housing the household left (default: its site).
    pub freed_site: Option<String>,
    /// Places freed there (default: the household's size).
    pub places_freed: Option<u32>,
}

/// A follow-up after moving in.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    /// 1, 3, 6 or 12.
    pub month: u32,
    pub done_on: NaiveDate,
    pub rent_paid: Option<bool>,
    pub support_needed: Option<bool>,
    pub problems: Option<String>,
    pub note: Option<String>,
}

/// One step with its parsed fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Approve,
    Reject {
        reason: String,
    },
    LandlordAccept {
        note: Option<String>,
    },
    LandlordDecline {
        reason: LandlordDeclineReason,
        note: Option<String>,
    },
    HouseholdAccept {
        note: Option<String>,
    },
    HouseholdDecline {
        reason: HouseholdDeclineReason,
        note: Option<String>,
    },
    ScheduleViewing(NewViewing),
    ViewingHeld {
        note: Option<String>,
    },
    JobcenterRequested {
        on: NaiveDate,
        note: Option<String>,
    },
    JobcenterGranted {
        on: NaiveDate,
        note: Option<String>,
    },
    JobcenterRefused {
        on: NaiveDate,
        reason: String,
    },
    LeaseSigned(Lease),
    MovedIn(MoveIn),
    FollowUp(CheckIn),
    Sustained {
        note: Option<String>,
    },
    EndedEarly {
        on: NaiveDate,
        reason: EndReason,
        note: Option<String>,
    },
    Withdraw {
        reason: String,
    },
}

impl Step {
    /// The action of this step.
    pub fn action(&self) -> Action {
        match self {
            Step::Approve => Action::Approve,
            Step::Reject { .. } => Action::Reject,
            Step::LandlordAccept { .. } => Action::LandlordAccept,
            Step::LandlordDecline { .. } => Action::LandlordDecline,
            Step::HouseholdAccept { .. } => Action::HouseholdAccept,
            Step::HouseholdDecline { .. } => Action::HouseholdDecline,
            Step::ScheduleViewing(_) => Action::ScheduleViewing,
            Step::ViewingHeld { .. } => Action::ViewingHeld,
            Step::JobcenterRequested { .. } => Action::JobcenterRequested,
            Step::JobcenterGranted { .. } => Action::JobcenterGranted,
            Step::JobcenterRefused { .. } => Action::JobcenterRefused,
            Step::LeaseSigned(_) => Action::LeaseSigned,
            Step::MovedIn(_) => Action::MovedIn,
            Step::FollowUp(_) => Action::FollowUp,
            Step::Sustained { .. } => Action::Sustained,
            Step::EndedEarly { .. } => Action::EndedEarly,
            Step::Withdraw { .. } => Action::Withdraw,
        }
    }

    /// The reason code recorded with the step's event.
    pub fn reason_code(&self) -> Option<&'static str> {
        match self {
            Step::LandlordDecline { reason, .. } => Some(reason.as_str()),
            Step::HouseholdDecline { reason, .. } => Some(reason.as_str()),
            Step::EndedEarly { reason, .. } => Some(reason.as_str()),
            _ => None,
        }
    }

    /// The free text recorded with the step's event.
    pub fn reason_text(&self) -> Option<&str> {
        match self {
            Step::Reject { reason }
            | Step::Withdraw { reason }
            | Step::JobcenterRefused { reason, .. } => Some(reason),
            Step::LandlordAccept { note }
            | Step::HouseholdAccept { note }
            | Step::LandlordDecline { note, .. }
            | Step::HouseholdDecline { note, .. }
            | Step::ViewingHeld { note }
            | Step::JobcenterRequested { note, .. }
            | Step::JobcenterGranted { note, .. }
            | Step::Sustained { note }
            | Step::EndedEarly { note, .. } => note.as_deref(),
            Step::ScheduleViewing(v) => v.note.as_deref(),
            Step::FollowUp(c) => c.note.as_deref(),
            Step::Approve | Step::LeaseSigned(_) | Step::MovedIn(_) => None,
        }
    }

    /// Reads the fields of `action` (from a form, a JSON body or a row, as text pairs).
    /// Missing or wrong fields come back as errors at the fields; rules that need the
    /// stored data (dates in order, the household's size) are [`super::invariants`].
    pub fn parse(action: Action, pairs: &[(String, String)]) -> Result<Step, FieldErrors> {
        let mut r = Reader::new(pairs);
        let notes: Vec<&str> = action
            .fields()
            .iter()
            .filter(|f| matches!(f.kind, FieldKind::Note { .. }))
            .map(|f| f.name)
            .collect();
        r.check_characters(&notes);
        match action {
            Action::Approve => Ok(Step::Approve),
            Action::Reject | Action::Withdraw | Action::JobcenterRefused => {
                parse_with_reason(action, r)
            }
            Action::LandlordAccept
            | Action::HouseholdAccept
            | Action::ViewingHeld
            | Action::Sustained => {
                let note = r.spec_text(&NOTE);
                r.finish(|| {
                    Some(match action {
                        Action::LandlordAccept => Step::LandlordAccept { note },
                        Action::HouseholdAccept => Step::HouseholdAccept { note },
                        Action::ViewingHeld => Step::ViewingHeld { note },
                        _ => Step::Sustained { note },
                    })
                })
            }
            Action::LandlordDecline => {
                let (reason, note) = decline(&mut r, &LANDLORD_REASON, |c| {
                    c == LandlordDeclineReason::Other
                });
                r.finish(|| {
                    Some(Step::LandlordDecline {
                        reason: reason?,
                        note,
                    })
                })
            }
            Action::HouseholdDecline => {
                let (reason, note) = decline(&mut r, &HOUSEHOLD_REASON, |c| {
                    c == HouseholdDeclineReason::Other
                });
                r.finish(|| {
                    Some(Step::HouseholdDecline {
                        reason: reason?,
                        note,
                    })
                })
            }
            Action::ScheduleViewing => parse_viewing(r),
            Action::JobcenterRequested | Action::JobcenterGranted => {
                let on = r.spec_date(&ON);
                let note = r.spec_text(&NOTE);
                r.finish(|| {
                    let on = on?;
                    Some(if action == Action::JobcenterRequested {
                        Step::JobcenterRequested { on, note }
                    } else {
                        Step::JobcenterGranted { on, note }
                    })
                })
            }
            Action::LeaseSigned => parse_lease(r),
            Action::MovedIn => parse_move_in(r),
            Action::FollowUp => parse_check_in(r),
            Action::EndedEarly => {
                let on = r.spec_date(&ENDED_ON);
                let (reason, note) = decline(&mut r, &END_REASON, |c| c == EndReason::Other);
                r.finish(|| {
                    Some(Step::EndedEarly {
                        on: on?,
                        reason: reason?,
                        note,
                    })
                })
            }
        }
    }
}

#[cfg(test)]
mod tests;
