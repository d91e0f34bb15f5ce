//! The placement pipeline from the coordinator's side. The workflow itself (states, steps
//! with their fields, invariants) is `domain::pipeline`; this folder loads what a step needs,
//! checks scope, and writes the step in one transaction with its event, audit entry and
//! e-mails:
//!
//! - [`steps`]: [`act`], the one way a step is taken, and what each step writes;
//! - [`approval`]: approving suggestions (one, many, by the system) and picking an
//!   alternative household instead;
//! - [`viewings`]: the viewings a volunteer accompanies and records;
//! - [`follow_ups`]: the follow-ups after moving in;
//! - [`placements`]: placements as a list, and incentive payments;
//! - [`board`]: the proposals of a municipality by stage, and one proposal in detail.
//!
//! An error anywhere before the commit changes nothing.

pub mod approval;
pub mod board;
pub mod follow_ups;
pub mod placements;
pub mod steps;
pub mod viewings;

use chrono::{DateTime, Utc};

pub use approval::{approve_as_system, approve_many, pick_alternative};
pub use board::{
    ProposalDetail, STAGES, StoredCriterion, detail, for_household, for_municipality, for_unit,
    parse_criteria,
};
pub use follow_ups::{proposal_of_follow_up, record_follow_up};
pub use placements::{PlacementView, incentive_paid, placements_page};
pub use steps::{act, act_on, apply_answer, end_in};
pub use viewings::{AccompaniedViewing, record_viewing, viewings_for_volunteer};

use super::{CurrentUser, ServiceError};
use crate::app::App;
use crate::domain::pipeline::ProposalState;
use crate::domain::unit::OneLine;
use crate::domain::validation::FieldErrors;
use crate::store::pipeline::{self as store, ProposalRow};

/// A proposal as lists show it.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub id: i64,
    pub state: ProposalState,
    pub unit_id: i64,
    pub unit_municipality_id: i64,
    pub unit_address: String,
    pub household_id: i64,
    pub household_municipality_id: i64,
    pub household_reference: String,
    pub score: f64,
    pub origin: String,
    pub override_reason: Option<String>,
    pub match_run_id: Option<i64>,
    pub candidate_id: Option<i64>,
    pub state_changed_at: DateTime<Utc>,
    pub answer_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The stored state of a proposal row (a state Bleibe does not know is a corrupt row).
pub(crate) fn state_of(p: &entities::proposal::Model) -> Result<ProposalState, ServiceError> {
    p.state
        .parse()
        .map_err(|e: String| ServiceError::Db(crate::store::corrupt("proposals", p.id, e)))
}

/// The list view of a proposal row.
pub fn view_of(row: &ProposalRow) -> Result<ProposalView, ServiceError> {
    let p = &row.proposal;
    let u = &row.unit;
    Ok(ProposalView {
        id: p.id,
        state: state_of(p)?,
        unit_id: u.id,
        unit_municipality_id: u.municipality_id,
        unit_address: u.one_line(),
        household_id: row.household.id,
        household_municipality_id: row.household.municipality_id,
        household_reference: row.household.reference.clone(),
        score: p.score,
        origin: p.origin.clone(),
        override_reason: p.override_reason.clone(),
        match_run_id: p.match_run_id,
        candidate_id: p.candidate_id,
        state_changed_at: p.state_changed_at,
        answer_due_at: p.answer_due_at,
        created_at: p.created_at,
    })
}

/// Whether `user` manages the proposal's flat or household.
pub(crate) fn may_manage(user: &CurrentUser, row: &ProposalRow) -> bool {
    user.can_manage(row.unit.municipality_id) || user.can_manage(row.household.municipality_id)
}

/// A proposal the user manages (else not found or forbidden).
async fn load(app: &App, user: &CurrentUser, id: i64) -> Result<ProposalRow, ServiceError> {
    let row = store::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    if !may_manage(user, &row) {
        return Err(ServiceError::Forbidden);
    }
    Ok(row)
}

/// Why a step could not be taken, for the person who tried.
#[derive(Debug, Clone, PartialEq)]
pub enum StepError {
    /// Fields are missing or wrong, or break an invariant: which and why (422).
    Fields(FieldErrors),
    /// The state machine does not allow this move from where the proposal stands (409).
    Illegal {
        from: ProposalState,
        to: ProposalState,
    },
    /// What is stored does not allow it now (409).
    Blocked(Blocked),
}

/// What is stored that stops a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Blocked {
    /// Another open proposal holds the flat, or it is let.
    UnitTaken,
    /// Another open proposal holds the household.
    HouseholdTaken,
    /// The pair breaks a hard rule today: the rules' sentences (German, English).
    NotEligible(Vec<(String, String)>),
    /// The municipality has no rule set yet.
    NoRules,
    /// The municipality has no contact address: nobody would know whom to ask.
    NoContact,
    /// Someone changed the proposal meanwhile.
    MovedMeanwhile,
    /// This step was taken already (in another window, or by a colleague).
    AlreadyDone,
    /// The proposal does not exist (or is not the user's).
    UnknownProposal,
    /// The viewing was recorded already or is no longer arranged.
    ViewingRecorded,
    /// The follow-up was recorded already.
    FollowUpDone,
    /// The incentive is not granted (or no longer open for payment).
    NotGranted,
}

impl Blocked {
    /// The catalog key of the sentence that explains it.
    pub fn key(&self) -> &'static str {
        match self {
            Blocked::UnitTaken => "pipeline.blocked.unit_taken",
            Blocked::HouseholdTaken => "pipeline.blocked.household_taken",
            Blocked::NotEligible(_) => "pipeline.blocked.not_eligible",
            Blocked::NoRules => "pipeline.blocked.no_rules",
            Blocked::NoContact => "pipeline.blocked.no_contact",
            Blocked::MovedMeanwhile => "pipeline.blocked.moved_meanwhile",
            Blocked::AlreadyDone => "pipeline.blocked.already_done",
            Blocked::UnknownProposal => "pipeline.blocked.unknown_proposal",
            Blocked::ViewingRecorded => "pipeline.blocked.viewing_recorded",
            Blocked::FollowUpDone => "pipeline.blocked.follow_up_done",
            Blocked::NotGranted => "pipeline.blocked.not_granted",
        }
    }

    /// Further sentences (German, English), e.g. the rules a pair breaks.
    pub fn details(&self) -> &[(String, String)] {
        match self {
            Blocked::NotEligible(rules) => rules,
            _ => &[],
        }
    }
}

/// The outcome of a step: the state reached, or why not.
pub type StepResult = Result<Result<ProposalState, StepError>, ServiceError>;
