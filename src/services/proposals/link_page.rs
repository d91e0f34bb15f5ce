//! The page behind an e-mail link: the proposal to answer, or whom to contact when the
//! link was used, ran out or the proposal moved on.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::domain::pipeline::ProposalState;
use crate::services::ServiceError;
use crate::services::links::{self, FoundLink, Party};
use crate::store::proposals::{self as store};
use crate::store::units;

use super::*;

/// What the page behind an e-mail link shows.
#[derive(Debug, Clone)]
pub enum LinkPage {
    /// The link works and the party still has to answer.
    Open(Box<LinkView>),
    /// Used already, past its date, or the proposal moved on: who to contact.
    Used(LinkContact),
    Expired(LinkContact),
    Closed(LinkContact),
    Unknown,
}

/// Whom to ask about a proposal, and the language its reader reads.
#[derive(Debug, Clone, Default)]
pub struct LinkContact {
    /// The coordinator in charge of the household, else the municipality's contact.
    pub person: crate::mail::compose::Contact,
    /// For a household's link: the household's own language (its page is in it).
    pub language: Option<crate::domain::Language>,
}

/// A proposal as the party of a link sees it.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub link: FoundLink,
    pub address: String,
    /// For landlords: the household without names.
    pub household: Option<HouseholdSummary>,
    /// For households: the flat.
    pub flat: Option<crate::domain::unit::UnitDetails>,
    /// For households: the storage keys of the flat's photos, in order, with what each
    /// shows in the landlord's words.
    pub photos: Vec<(String, Option<String>)>,
    pub answer_due_at: Option<DateTime<Utc>>,
    pub contact: LinkContact,
}

async fn contact_of(
    app: &App,
    proposal_id: i64,
    party: Party,
) -> Result<LinkContact, ServiceError> {
    let Some(p) = store::find(&app.db, proposal_id).await? else {
        return Ok(LinkContact::default());
    };
    let Some(unit) = units::find(&app.db, p.unit_id).await? else {
        return Ok(LinkContact::default());
    };
    let Some(m) = crate::store::municipalities::find(&app.db, unit.municipality_id).await? else {
        return Ok(LinkContact::default());
    };
    let household = crate::store::households::find(&app.db, p.household_id).await?;
    let person = match &household {
        Some(h) => crate::services::letters::household_contact(&app.db, h, &m).await?,
        None => crate::services::letters::municipality_contact(&m),
    };
    let language = match party {
        Party::Household => household.map(|h| h.profile.preferred_language),
        Party::Landlord => None,
    };
    Ok(LinkContact { person, language })
}

/// Looks up the link `token` and what its page shows; nothing changes.
pub async fn open_link(app: &App, token: &str) -> Result<LinkPage, ServiceError> {
    let link = match links::check(app, token).await? {
        links::LinkState::Valid(link) => link,
        links::LinkState::Used(id, party) => {
            return Ok(LinkPage::Used(contact_of(app, id, party).await?));
        }
        links::LinkState::Expired(id, party) => {
            return Ok(LinkPage::Expired(contact_of(app, id, party).await?));
        }
        links::LinkState::Closed(id, party) => {
            return Ok(LinkPage::Closed(contact_of(app, id, party).await?));
        }
        links::LinkState::Unknown => return Ok(LinkPage::Unknown),
    };
    let contact = contact_of(app, link.proposal_id, link.party).await?;
    let Some(proposal) = store::find(&app.db, link.proposal_id).await? else {
        return Ok(LinkPage::Unknown);
    };
    let state: ProposalState = proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    let waiting = match link.party {
        Party::Landlord => matches!(
            state,
            ProposalState::Sent | ProposalState::HouseholdAccepted
        ),
        Party::Household => matches!(state, ProposalState::Sent | ProposalState::LandlordAccepted),
    };
    if !waiting {
        return Ok(LinkPage::Closed(contact));
    }
    let unit = units::find(&app.db, proposal.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let a = &unit.details.address;
    let address = a.one_line();
    let (household, flat, photos) = match link.party {
        Party::Landlord => (
            Some(summary(app, proposal.household_id, app.clock.today()).await?),
            None,
            Vec::new(),
        ),
        Party::Household => (
            None,
            Some(unit.details.clone()),
            crate::store::photos::list(&app.db, crate::store::photos::Owner::Unit(unit.id))
                .await?
                .into_iter()
                .map(|p| (p.storage_key, p.alt_text))
                .collect(),
        ),
    };
    Ok(LinkPage::Open(Box::new(LinkView {
        link,
        address,
        household,
        flat,
        photos,
        answer_due_at: proposal.answer_due_at,
        contact,
    })))
}
