//! Proposals from the landlord's side: what is waiting for their answer, the household
//! described without names or contacts, and the answer (accept, first a viewing with
//! proposed times, decline with a reason). A household's name and the contact to use reach
//! the landlord only once both sides said yes, and only when the household's consent
//! covers it (`share_profile`); see [`ProposalState::shares_contacts`].

use chrono::{DateTime, Utc};
use entities::proposal;
use sea_orm::TransactionTrait;

use super::links::{self, FoundLink, Party};
use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::household::{BenefitType, HouseholdContact, WorkSituation};
use crate::domain::input::parse_datetime;
use crate::domain::pipeline::{
    HouseholdDeclineReason, LandlordDeclineReason, ProposalState, check_transition,
};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::store::households::StoredHousehold;
use crate::store::proposals::{self as store, Move};
use crate::store::units::StoredUnit;
use crate::store::{households, landlords, units};

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
        unit_address: crate::domain::unit::one_line(
            &a.street,
            &a.house_number,
            &a.postal_code,
            &a.town,
        ),
        state,
        proposal,
    })
}

/// The proposals of a landlord's units that a landlord sees, newest first.
pub async fn for_landlord(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<LandlordProposal>, ServiceError> {
    let Some(landlord) = landlords::find_by_user(&app.db, user.id).await? else {
        return Ok(Vec::new());
    };
    let own = units::list_for_landlord(&app.db, landlord.id).await?;
    for_own_units(app, &own).await
}

/// The proposals landlords see for these units (the caller has checked they are the
/// landlord's own), newest first.
pub async fn for_own_units(
    app: &App,
    unit_rows: &[StoredUnit],
) -> Result<Vec<LandlordProposal>, ServiceError> {
    // A fixed number of queries however many proposals there are.
    let unit_ids: Vec<i64> = unit_rows.iter().map(|u| u.id).collect();
    let found = store::for_units(&app.db, &unit_ids, VISIBLE).await?;
    let mut household_ids: Vec<i64> = found.iter().map(|p| p.household_id).collect();
    household_ids.sort_unstable();
    household_ids.dedup();
    let households = households::find_many_members_only(&app.db, &household_ids).await?;
    let proposal_ids: Vec<i64> = found.iter().map(|p| p.id).collect();
    let mut viewings_by: std::collections::HashMap<i64, Vec<_>> = std::collections::HashMap::new();
    for v in store::viewings_of(&app.db, &proposal_ids).await? {
        viewings_by.entry(v.proposal_id).or_default().push(v);
    }
    let units_by: std::collections::HashMap<i64, &StoredUnit> =
        unit_rows.iter().map(|u| (u.id, u)).collect();
    let households_by: std::collections::HashMap<i64, _> =
        households.iter().map(|h| (h.id, h)).collect();
    let today = app.clock.today();
    let mut out = Vec::new();
    for proposal in found {
        let state: ProposalState = proposal
            .state
            .parse()
            .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
        let unit = *units_by
            .get(&proposal.unit_id)
            .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
        let household = *households_by
            .get(&proposal.household_id)
            .ok_or_else(|| ServiceError::NotFound("household".into()))?;
        let a = &unit.details.address;
        let (contact, contact_withheld) = released(household, state, today);
        out.push(LandlordProposal {
            household: summary_of(household, today),
            contact,
            contact_withheld,
            viewings: viewings_by.remove(&proposal.id).unwrap_or_default(),
            unit_address: crate::domain::unit::one_line(
                &a.street,
                &a.house_number,
                &a.postal_code,
                &a.town,
            ),
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

/// A landlord's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum LandlordAnswer {
    Accept,
    Decline {
        reason_code: String,
        reason: String,
    },
    /// Yes, and here are times for a viewing (local German time as typed).
    ProposeViewing {
        slots: Vec<String>,
        place: String,
    },
}

/// Records a landlord's answer given on their page and moves the proposal on.
pub async fn landlord_answer(
    app: &App,
    user: &CurrentUser,
    proposal_id: i64,
    answer: LandlordAnswer,
) -> Result<Result<ProposalState, FieldErrors>, ServiceError> {
    landlord_view(app, user, proposal_id).await?;
    record_answer(
        app,
        proposal_id,
        Party::Landlord,
        answer,
        &Actor::User(user.clone()),
        None,
    )
    .await
}

/// Records an answer given through an e-mail link (checked by the caller with
/// [`links::check`]); the link and its siblings are used up in the same transaction.
pub async fn answer_by_link(
    app: &App,
    link: &FoundLink,
    answer: LandlordAnswer,
) -> Result<Result<ProposalState, FieldErrors>, ServiceError> {
    let allowed = match &answer {
        LandlordAnswer::Accept => link.action == "accept",
        LandlordAnswer::Decline { .. } => link.action == "decline",
        LandlordAnswer::ProposeViewing { .. } => link.action == "viewing",
    };
    if !allowed {
        return Err(ServiceError::Forbidden);
    }
    record_answer(
        app,
        link.proposal_id,
        link.party,
        answer,
        &Actor::System,
        Some(link),
    )
    .await
}

/// Checks and records one side's answer: accept, decline with a reason, or (landlords)
/// accept with viewing times.
async fn record_answer(
    app: &App,
    proposal_id: i64,
    party: Party,
    answer: LandlordAnswer,
    actor: &Actor,
    link: Option<&FoundLink>,
) -> Result<Result<ProposalState, FieldErrors>, ServiceError> {
    let proposal = store::find(&app.db, proposal_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    let now = app.clock.now();
    let from: ProposalState = proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    let (other_accepted, accept_own, decline_to, reasons, actor_kind) = match party {
        Party::Landlord => (
            ProposalState::HouseholdAccepted,
            ProposalState::LandlordAccepted,
            ProposalState::LandlordDeclined,
            LandlordDeclineReason::NAMES,
            "landlord",
        ),
        Party::Household => (
            ProposalState::LandlordAccepted,
            ProposalState::HouseholdAccepted,
            ProposalState::HouseholdDeclined,
            HouseholdDeclineReason::NAMES,
            "household",
        ),
    };
    let accept_to = match from {
        ProposalState::Sent => accept_own,
        f if f == other_accepted => ProposalState::Accepted,
        _ => return Err(ServiceError::Conflict(Conflict::AnsweredAlready)),
    };
    let characters = match &answer {
        LandlordAnswer::Accept => FieldErrors::default(),
        LandlordAnswer::Decline { reason, .. } => {
            crate::domain::input::line_errors([("reason", reason.as_str())], &["reason"])
        }
        LandlordAnswer::ProposeViewing { slots, place } => {
            let names: Vec<String> = (1..=slots.len()).map(|i| format!("slot{i}")).collect();
            crate::domain::input::line_errors(
                names
                    .iter()
                    .map(String::as_str)
                    .zip(slots.iter().map(String::as_str))
                    .chain([("place", place.as_str())]),
                &[],
            )
        }
    };
    if !characters.is_empty() {
        return Ok(Err(characters));
    }
    let mut slots = Vec::new();
    let (to, reason_code, reason, place) = match &answer {
        LandlordAnswer::Accept => (accept_to, None, None, None),
        LandlordAnswer::Decline {
            reason_code,
            reason,
        } => {
            if !reasons.contains(&reason_code.as_str()) {
                return Ok(Err(FieldErrors::single(
                    "reason_code",
                    "validation.choose_one",
                )));
            }
            if reason.chars().count() > 1000 {
                return Ok(Err(FieldErrors::single("reason", "validation.too_long")));
            }
            if reason_code == "other" && reason.trim().is_empty() {
                return Ok(Err(FieldErrors::single(
                    "reason",
                    "validation.reason_required",
                )));
            }
            (
                decline_to,
                Some(reason_code.as_str()),
                Some(reason.trim()).filter(|r| !r.is_empty()),
                None,
            )
        }
        LandlordAnswer::ProposeViewing {
            slots: texts,
            place,
        } => {
            if party != Party::Landlord {
                return Err(ServiceError::Forbidden);
            }
            let mut errors = FieldErrors::default();
            for (i, text) in texts.iter().enumerate() {
                if text.trim().is_empty() {
                    continue;
                }
                match parse_datetime(text) {
                    Some(at) if at > now => slots.push(at),
                    Some(_) => {
                        errors.add(&format!("slot{}", i + 1), "pipeline.invalid.viewing_past")
                    }
                    None => errors.add(&format!("slot{}", i + 1), "validation.datetime"),
                }
            }
            if slots.is_empty() && errors.is_empty() {
                errors.add("slot1", "validation.slot_required");
            }
            if place.trim().is_empty() {
                errors.add("place", "validation.required");
            } else if place.chars().count() > 300 {
                errors.add("place", "validation.too_long");
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            (
                accept_to,
                Some("viewing_wanted"),
                None,
                Some(place.trim().to_owned()),
            )
        }
    };
    check_transition(from, to).map_err(|_| ServiceError::Conflict(Conflict::AnsweredAlready))?;
    let txn = app.db.begin().await?;
    if let Some(link) = link
        && !links::use_up(&txn, link, now).await?
    {
        return Err(ServiceError::Conflict(Conflict::AnsweredAlready));
    }
    let moved = store::transition(
        &txn,
        proposal_id,
        from,
        to,
        &Move {
            actor_kind,
            actor_user_id: actor.user_id(),
            reason_code,
            reason,
            data: link.map(|l| serde_json::json!({"via": "email_link", "action": l.action})),
        },
        now,
    )
    .await?;
    if !moved {
        return Err(ServiceError::Conflict(Conflict::AnsweredAlready));
    }
    if let Some(place) = &place {
        for slot in &slots {
            store::add_viewing(&txn, proposal_id, "landlord", *slot, place, now).await?;
        }
    }
    super::pipeline::apply_answer(&txn, app, proposal_id, to, now).await?;
    let unit_municipality = units::find(&txn, proposal.unit_id)
        .await?
        .map(|u| u.municipality_id);
    audit::record(
        &txn,
        actor,
        &format!("{actor_kind}_answer"),
        "proposals",
        Some(proposal_id),
        unit_municipality,
        serde_json::json!({
            "to": to.as_str(),
            "viewing_slots": slots.len(),
            "via": if link.is_some() { "email_link" } else { "page" },
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(to))
}

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
    use sea_orm::EntityTrait;
    let Some(p) = store::find(&app.db, proposal_id).await? else {
        return Ok(LinkContact::default());
    };
    let Some(unit) = units::find(&app.db, p.unit_id).await? else {
        return Ok(LinkContact::default());
    };
    let Some(m) = entities::municipality::Entity::find_by_id(unit.municipality_id)
        .one(&app.db)
        .await?
    else {
        return Ok(LinkContact::default());
    };
    let household = crate::store::households::find(&app.db, p.household_id).await?;
    let person = match &household {
        Some(h) => super::letters::household_contact(&app.db, h, &m).await?,
        None => super::letters::municipality_contact(&m),
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
    let address =
        crate::domain::unit::one_line(&a.street, &a.house_number, &a.postal_code, &a.town);
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
