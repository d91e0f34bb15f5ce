//! A landlord's or household's answer to a proposal, on their page or through an e-mail
//! link, and how it moves the proposal on.

use sea_orm::TransactionTrait;

use crate::app::App;
use crate::domain::input::parse_datetime;
use crate::domain::pipeline::{
    HouseholdDeclineReason, LandlordDeclineReason, ProposalState, check_transition,
};
use crate::domain::validation::FieldErrors;
use crate::services::links::{self, FoundLink, Party};
use crate::services::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::store::proposals::{self as store, Move};
use crate::store::units;

use super::*;

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
    crate::services::pipeline::apply_answer(&txn, app, proposal_id, to, now).await?;
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
