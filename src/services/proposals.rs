//! Proposals from the landlord's side: what is waiting for their answer, the household
//! described without names or contacts, and the answer (accept, decline with a reason,
//! propose viewing times). Households' personal data reaches a landlord only after both
//! sides accepted, and even then only through the coordinator.

use chrono::{DateTime, NaiveDateTime, Utc};
use entities::proposal;
use sea_orm::TransactionTrait;

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::household::{BenefitType, WorkSituation};
use crate::domain::pipeline::{ProposalState, check_transition};
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::store::proposals::{self as store, Move};
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
}

impl LandlordProposal {
    /// Whether the landlord still has to answer.
    pub fn awaits_landlord(&self) -> bool {
        matches!(
            self.state,
            ProposalState::Sent | ProposalState::HouseholdAccepted
        )
    }
}

/// States a landlord sees (after a coordinator sent the proposal).
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
];

async fn summary(
    app: &App,
    household_id: i64,
    on: chrono::NaiveDate,
) -> Result<HouseholdSummary, ServiceError> {
    let household = households::find(&app.db, household_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let p = &household.profile;
    let (adults, children_ages) = p.adults_and_children(on);
    Ok(HouseholdSummary {
        persons: adults + children_ages.len() as u32,
        adults,
        children_ages,
        work_situation: p.work_situation,
        benefit_type: p.benefit_type,
        languages: p.languages.clone(),
        pets: p.pets,
        wheelchair: p.wheelchair,
        landlord_text: p.landlord_text.clone(),
    })
}

async fn to_view(app: &App, proposal: proposal::Model) -> Result<LandlordProposal, ServiceError> {
    let state: ProposalState = proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    let unit = units::find(&app.db, proposal.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let a = &unit.details.address;
    Ok(LandlordProposal {
        household: summary(app, proposal.household_id, app.clock.today()).await?,
        viewings: store::viewings(&app.db, proposal.id).await?,
        unit_address: format!(
            "{} {}, {} {}",
            a.street, a.house_number, a.postal_code, a.town
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
    let unit_ids: Vec<i64> = units::list_for_landlord(&app.db, landlord.id)
        .await?
        .iter()
        .map(|u| u.id)
        .collect();
    let mut out = Vec::new();
    for p in store::for_units(&app.db, &unit_ids, VISIBLE).await? {
        out.push(to_view(app, p).await?);
    }
    Ok(out)
}

/// One proposal, if it is of the landlord's units and visible to landlords.
pub async fn landlord_view(
    app: &App,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<LandlordProposal, ServiceError> {
    let proposal = store::find(&app.db, proposal_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    let unit = units::find(&app.db, proposal.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let own = user.role == Role::Landlord
        && landlords::find_by_user(&app.db, user.id)
            .await?
            .is_some_and(|l| l.id == unit.landlord_id);
    let state: ProposalState = proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    if !own || !VISIBLE.contains(&state) {
        return Err(ServiceError::NotFound("proposal".into()));
    }
    to_view(app, proposal).await
}

/// Why a landlord declines.
pub const DECLINE_REASONS: &[&str] = &[
    "already_let",
    "household_size",
    "timing",
    "personal",
    "other",
];

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

pub(crate) fn parse_slot(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// A local German date-time as an instant.
pub(crate) fn berlin_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    // The offset at the (approximate) instant; the switch-over hour is rare enough for
    // viewing appointments, and the result is then off by at most one hour.
    let guess = local.and_utc();
    let offset = crate::domain::time::berlin_offset(guess);
    (local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc()
}

/// Records a landlord's answer and moves the proposal on.
pub async fn landlord_answer(
    app: &App,
    user: &CurrentUser,
    proposal_id: i64,
    answer: LandlordAnswer,
) -> Result<Result<ProposalState, FieldErrors>, ServiceError> {
    let view = landlord_view(app, user, proposal_id).await?;
    let now = app.clock.now();
    let from = view.state;
    let accept_to = match from {
        ProposalState::Sent => ProposalState::LandlordAccepted,
        ProposalState::HouseholdAccepted => ProposalState::Accepted,
        _ => return Err(ServiceError::Conflict("answered_already".into())),
    };
    let mut slots = Vec::new();
    let (to, reason_code, reason, place) = match &answer {
        LandlordAnswer::Accept => (accept_to, None, None, None),
        LandlordAnswer::Decline {
            reason_code,
            reason,
        } => {
            if !DECLINE_REASONS.contains(&reason_code.as_str()) {
                return Ok(Err(FieldErrors::single(
                    "reason_code",
                    "validation.choose_one",
                )));
            }
            if reason_code == "other" && reason.trim().is_empty() {
                return Ok(Err(FieldErrors::single(
                    "reason",
                    "validation.reason_required",
                )));
            }
            (
                ProposalState::LandlordDeclined,
                Some(reason_code.as_str()),
                Some(reason.trim()).filter(|r| !r.is_empty()),
                None,
            )
        }
        LandlordAnswer::ProposeViewing {
            slots: texts,
            place,
        } => {
            let mut errors = FieldErrors::default();
            for (i, text) in texts.iter().enumerate() {
                if text.trim().is_empty() {
                    continue;
                }
                match parse_slot(text) {
                    Some(local) if berlin_to_utc(local) > now => slots.push(berlin_to_utc(local)),
                    Some(_) => errors.add(&format!("slot{}", i + 1), "validation.date_past"),
                    None => errors.add(&format!("slot{}", i + 1), "validation.datetime"),
                }
            }
            if slots.is_empty() && errors.is_empty() {
                errors.add("slot1", "validation.slot_required");
            }
            if place.trim().is_empty() {
                errors.add("place", "validation.required");
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            (accept_to, None, None, Some(place.trim().to_owned()))
        }
    };
    check_transition(from, to).map_err(|e| ServiceError::Conflict(e.to_string()))?;
    let txn = app.db.begin().await?;
    let moved = store::transition(
        &txn,
        proposal_id,
        from,
        to,
        &Move {
            actor_kind: "landlord",
            actor_user_id: Some(user.id),
            reason_code,
            reason,
            data: None,
        },
        now,
    )
    .await?;
    if !moved {
        return Err(ServiceError::Conflict("answered_already".into()));
    }
    if let Some(place) = &place {
        for slot in &slots {
            store::add_viewing(&txn, proposal_id, "landlord", *slot, place, now).await?;
        }
    }
    if to == ProposalState::LandlordDeclined {
        // The flat is free for the next candidate.
        let unit = units::find(&txn, view.proposal.unit_id).await?;
        if unit.is_some_and(|u| u.status == UnitStatus::Reserved) {
            units::set_status(
                &txn,
                view.proposal.unit_id,
                UnitStatus::Available,
                None,
                None,
                now,
            )
            .await?;
        }
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "landlord_answer",
        "proposals",
        Some(proposal_id),
        None,
        serde_json::json!({"to": to.as_str(), "viewing_slots": slots.len()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(to))
}
