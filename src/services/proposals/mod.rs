//! Proposals from the landlord's side: what is waiting for their answer, the household
//! described without names or contacts, and the answer (accept, first a viewing with
//! proposed times, decline with a reason). A household's name and the contact to use reach
//! the landlord only once both sides said yes, and only when the household's consent
//! covers it (`share_profile`); see [`ProposalState::shares_contacts`].

use entities::proposal;

use super::{CurrentUser, ServiceError};
use crate::app::App;
use crate::domain::household::{BenefitType, HouseholdContact, WorkSituation};
use crate::domain::pipeline::ProposalState;
use crate::domain::roles::Role;
use crate::store::households::StoredHousehold;
use crate::store::proposals as store;
use crate::store::units::StoredUnit;
use crate::store::{households, landlords, units};

mod answers;
mod link_page;

pub use answers::*;
pub use link_page::*;

/// What a landlord learns about a household before both sides accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdSummary {
    pub persons: u32,
    pub adults: u32,
    pub children_ages: Vec<u32>,
    pub work_situation: Option<WorkSituation>,
    pub benefit_type: Option<BenefitType>,
    pub languages: Vec<String>,
    pub pets: bool,
    pub wheelchair: bool,
    /// What the caseworker wrote for landlords.
    pub landlord_text: Option<String>,
}

/// A proposal as its landlord sees it.
#[derive(Debug, Clone)]
pub struct LandlordProposal {
    pub proposal: proposal::Model,
    pub state: ProposalState,
    pub unit_address: String,
    pub household: HouseholdSummary,
    pub viewings: Vec<entities::viewing::Model>,
    /// Whom to contact, once both sides said yes and the household agreed.
    pub contact: Option<HouseholdContact>,
    /// Both said yes, but the household did not agree to share its details: the
    /// municipality brings the two sides together.
    pub contact_withheld: bool,
}

impl LandlordProposal {
    /// The landlord answered "first a viewing" (proposed times) and no time is fixed yet.
    pub fn viewing_first(&self) -> bool {
        self.viewings
            .iter()
            .any(|v| v.proposed_by == "landlord" && v.status == "proposed")
            && !self.viewings.iter().any(|v| v.status == "scheduled")
    }

    /// Whether the landlord still has to answer.
    pub fn awaits_landlord(&self) -> bool {
        matches!(
            self.state,
            ProposalState::Sent | ProposalState::HouseholdAccepted
        )
    }
}

/// States a landlord sees: from the moment a coordinator sent the proposal until the
/// household moved in, through the follow-ups, and once the tenancy lasted.
const VISIBLE: &[ProposalState] = &[
    ProposalState::Sent,
    ProposalState::LandlordAccepted,
    ProposalState::HouseholdAccepted,
    ProposalState::Accepted,
    ProposalState::ViewingScheduled,
    ProposalState::ViewingHeld,
    ProposalState::JobcenterRequested,
    ProposalState::JobcenterGranted,
    ProposalState::LeaseSigned,
    ProposalState::MovedIn,
    ProposalState::Sustained,
];

/// The contact a landlord may see for a proposal in `state` (see the module's text).
fn released(
    household: &StoredHousehold,
    state: ProposalState,
    on: chrono::NaiveDate,
) -> (Option<HouseholdContact>, bool) {
    if !state.shares_contacts() {
        return (None, false);
    }
    match household.contact_for_landlord(on) {
        Some(c) => (Some(c), false),
        None => (None, true),
    }
}

async fn summary(
    app: &App,
    household_id: i64,
    on: chrono::NaiveDate,
) -> Result<HouseholdSummary, ServiceError> {
    Ok(summary_of(&household(app, household_id).await?, on))
}

async fn household(app: &App, household_id: i64) -> Result<StoredHousehold, ServiceError> {
    households::find(&app.db, household_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))
}

/// What a landlord learns about a household.
fn summary_of(household: &StoredHousehold, on: chrono::NaiveDate) -> HouseholdSummary {
    let p = &household.profile;
    let (adults, children_ages) = p.adults_and_children(on);
    HouseholdSummary {
        persons: adults + children_ages.len() as u32,
        adults,
        children_ages,
        work_situation: p.work_situation,
        benefit_type: p.benefit_type,
        languages: p.languages.clone(),
        pets: p.pets,
        wheelchair: p.wheelchair,
        landlord_text: p.landlord_text.clone(),
    }
}

async fn to_view(
    app: &App,
    proposal: proposal::Model,
    unit: &StoredUnit,
) -> Result<LandlordProposal, ServiceError> {
    let state: ProposalState = proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    let a = &unit.details.address;
    let today = app.clock.today();
    // What a landlord is shown needs the members only (as on the overview).
    let household = households::find_many_members_only(&app.db, &[proposal.household_id])
        .await?
        .pop()
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let (contact, contact_withheld) = released(&household, state, today);
    Ok(LandlordProposal {
        household: summary_of(&household, today),
        contact,
        contact_withheld,
        viewings: store::viewings(&app.db, proposal.id).await?,
        unit_address: a.one_line(),
        state,
        proposal,
    })
}

/// One page of the proposals of a landlord's units that a landlord sees, newest first,
/// those in `states` only when given (the landlord sees no other state whatever is asked),
/// of one flat when given; with the number over all pages. Paged in the database.
pub async fn landlord_page(
    app: &App,
    user: &CurrentUser,
    states: Option<&[ProposalState]>,
    unit_id: Option<i64>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<LandlordProposal>, u64), ServiceError> {
    let Some(landlord) = landlords::find_by_user(&app.db, user.id).await? else {
        return Ok((Vec::new(), 0));
    };
    let filter = store::LandlordFilter {
        landlord_id: landlord.id,
        states: VISIBLE
            .iter()
            .copied()
            .filter(|s| states.is_none_or(|wanted| wanted.contains(s)))
            .collect(),
        unit_id,
    };
    let (found, total) = store::page_of_landlord(&app.db, &filter, offset, limit).await?;
    let unit_ids: Vec<i64> = found.iter().map(|f| f.proposal.unit_id).collect();
    let units_by = units::find_many(&app.db, &unit_ids).await?;
    Ok((views(app, found, |id| units_by.get(&id))?, total))
}

/// The proposals landlords see for these units (the caller has checked they are the
/// landlord's own), newest first.
pub async fn for_own_units(
    app: &App,
    unit_rows: &[StoredUnit],
) -> Result<Vec<LandlordProposal>, ServiceError> {
    // One query however many proposals there are.
    let unit_ids: Vec<i64> = unit_rows.iter().map(|u| u.id).collect();
    let found = store::for_units(&app.db, &unit_ids, VISIBLE).await?;
    let units_by: std::collections::HashMap<i64, &StoredUnit> =
        unit_rows.iter().map(|u| (u.id, u)).collect();
    views(app, found, |id| units_by.get(&id).copied())
}

/// The landlord's views of proposals read with their households; `unit` finds each one's
/// flat.
fn views<'a>(
    app: &App,
    found: Vec<store::WithHousehold>,
    unit: impl Fn(i64) -> Option<&'a StoredUnit>,
) -> Result<Vec<LandlordProposal>, ServiceError> {
    let today = app.clock.today();
    let mut out = Vec::new();
    for found in found {
        let proposal = found.proposal;
        let state: ProposalState = proposal
            .state
            .parse()
            .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
        let unit = unit(proposal.unit_id).ok_or_else(|| ServiceError::NotFound("unit".into()))?;
        let household =
            &households::from_rows(found.household, found.members, Vec::new(), Vec::new())?;
        let (contact, contact_withheld) = released(household, state, today);
        out.push(LandlordProposal {
            household: summary_of(household, today),
            contact,
            contact_withheld,
            viewings: found.viewings,
            unit_address: unit.details.address.one_line(),
            state,
            proposal,
        });
    }
    Ok(out)
}

/// One proposal, if it is of the landlord's units and visible to landlords.
pub async fn landlord_view(
    app: &App,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<LandlordProposal, ServiceError> {
    // The proposal, its flat and whether the flat is the landlord's, in one query.
    let found = if user.role == Role::Landlord {
        store::find_of_landlord_account(&app.db, proposal_id, user.id).await?
    } else {
        None
    };
    let (proposal, unit) = found.ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    let state: ProposalState = proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    if !VISIBLE.contains(&state) {
        return Err(ServiceError::NotFound("proposal".into()));
    }
    to_view(app, proposal, &units::from_row(unit)?).await
}
