//! The placement pipeline, read in one place: the states a proposal moves through
//! ([`ProposalState`]), the steps people take ([`Step`], each with its typed fields), which
//! steps are open from which state ([`Action::target`]), and the invariants every step and
//! every stored placement keep ([`invariants`]).
//!
//! ```text
//! suggested ──approve──▶ approved ──(sent at once)──▶ sent ──┬─ landlord_accept ─▶ landlord_accepted ─┐
//!     │                                                      ├─ household_accept ▶ household_accepted ┤
//!   reject                                                   │                                         ▼
//!     ▼                                      declines, expiry, withdraw                             accepted
//!  rejected                                                                                           │
//!        ┌───────────────────────────────────────────────────────────────────────────────────────────┘
//!        ▼
//!  schedule_viewing ─▶ viewing_scheduled ─ viewing_held ─▶ viewing_held ─ jobcenter_requested ─▶ jobcenter_requested
//!                                                               │                                  │ granted / refused
//!                                                               └────────── lease_signed ◀─────────┘
//!                                                                              ▼
//!                                                                         lease_signed ─ moved_in ─▶ moved_in
//!                                                                                                    │ follow_up × 4 (1, 3, 6, 12 months)
//!                                                                                                    ├─ sustained (after the 12-month follow-up)
//!                                                                                                    └─ ended_early
//! ```
//!
//! Every step is pure data here: the services load what the invariants need
//! ([`invariants::History`]), check the step against it, and then write the move, its
//! event, its audit entry and its e-mails in one transaction.

pub mod invariants;
pub mod reasons;
mod state;
pub mod step;

pub use reasons::{EndReason, HouseholdDeclineReason, LandlordDeclineReason, LeaseKind, Outcome};
pub use state::{IllegalTransition, ProposalState, check_transition};
pub use step::{Action, CheckIn, Lease, MoveIn, NewViewing, Step};

/// Months after move-in at which the coordinator checks how the tenancy goes.
pub const FOLLOW_UP_MONTHS: [u32; 4] = [1, 3, 6, 12];
