//! A landlord's or household's answer to a proposal, on their page or through an e-mail
//! link, and how it moves the proposal on.

use chrono::{DateTime, Utc};
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
    let (rules, actor_kind) = answer_rules(party, from)?;
    let checked = match check_answer(&answer, &rules, now) {
        Ok(Ok(checked)) => checked,
        Ok(Err(errors)) => return Ok(Err(errors)),
        Err(()) => return Err(ServiceError::Forbidden),
    };
    let (to, slots) = (checked.to, &checked.slots);
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
            reason_code: checked.reason_code.as_deref(),
            reason: checked.reason.as_deref(),
            data: link.map(|l| serde_json::json!({"via": "email_link", "action": l.action})),
        },
        now,
    )
    .await?;
    if !moved {
        return Err(ServiceError::Conflict(Conflict::AnsweredAlready));
    }
    if let Some(place) = &checked.place {
        for slot in slots {
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

/// What an answer of `party` may lead to from state `from` (accepting after the other side
/// did makes the proposal accepted by both), and who answers, for the history.
fn answer_rules(
    party: Party,
    from: ProposalState,
) -> Result<(AnswerRules, &'static str), ServiceError> {
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
    let rules = AnswerRules {
        party,
        accept_to,
        decline_to,
        reasons,
    };
    Ok((rules, actor_kind))
}

/// What an answer may lead to for one side.
struct AnswerRules {
    party: Party,
    /// The state a yes leads to (the side's own yes, or "accepted" when the other side
    /// said yes already).
    accept_to: ProposalState,
    decline_to: ProposalState,
    /// The decline reasons this side may give.
    reasons: &'static [&'static str],
}

/// An answer as checked: the state it leads to and what is recorded with it.
#[derive(Debug, PartialEq)]
struct Checked {
    to: ProposalState,
    reason_code: Option<String>,
    reason: Option<String>,
    /// Where the viewing takes place, when the landlord proposes times.
    place: Option<String>,
    slots: Vec<DateTime<Utc>>,
}

/// Checks an answer without touching anything: the fields' errors (control characters,
/// an unknown reason, a missing text for "other", viewing times in the past or not
/// readable, a missing place), or `Err(())` when this side may not give it (a household
/// proposing viewing times).
fn check_answer(
    answer: &LandlordAnswer,
    rules: &AnswerRules,
    now: DateTime<Utc>,
) -> Result<Result<Checked, FieldErrors>, ()> {
    let characters = control_characters(answer);
    if !characters.is_empty() {
        return Ok(Err(characters));
    }
    let checked = match answer {
        LandlordAnswer::Accept => Checked {
            to: rules.accept_to,
            reason_code: None,
            reason: None,
            place: None,
            slots: Vec::new(),
        },
        LandlordAnswer::Decline {
            reason_code,
            reason,
        } => {
            if !rules.reasons.contains(&reason_code.as_str()) {
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
            Checked {
                to: rules.decline_to,
                reason_code: Some(reason_code.clone()),
                reason: Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
                place: None,
                slots: Vec::new(),
            }
        }
        LandlordAnswer::ProposeViewing {
            slots: texts,
            place,
        } => {
            if rules.party != Party::Landlord {
                return Err(());
            }
            let slots = match viewing_times(texts, place, now) {
                Ok(times) => times,
                Err(errors) => return Ok(Err(errors)),
            };
            Checked {
                to: rules.accept_to,
                reason_code: Some("viewing_wanted".to_owned()),
                reason: None,
                place: Some(place.trim().to_owned()),
                slots,
            }
        }
    };
    Ok(Ok(checked))
}

/// Control characters in what was typed, by field.
fn control_characters(answer: &LandlordAnswer) -> FieldErrors {
    match answer {
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
    }
}

/// The viewing times a landlord typed (empty ones left out), all readable and in the
/// future, at least one, and a place of at most 300 characters; or the fields' errors.
fn viewing_times(
    texts: &[String],
    place: &str,
    now: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, FieldErrors> {
    let mut slots = Vec::new();
    let mut errors = FieldErrors::default();
    for (i, text) in texts.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        match parse_datetime(text) {
            Some(at) if at > now => slots.push(at),
            Some(_) => errors.add(&format!("slot{}", i + 1), "pipeline.invalid.viewing_past"),
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
    if errors.is_empty() {
        Ok(slots)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn landlord() -> AnswerRules {
        AnswerRules {
            party: Party::Landlord,
            accept_to: ProposalState::LandlordAccepted,
            decline_to: ProposalState::LandlordDeclined,
            reasons: LandlordDeclineReason::NAMES,
        }
    }

    fn now() -> DateTime<Utc> {
        "2026-12-04T10:00:00Z".parse().expect("time")
    }

    fn viewing(slots: &[&str], place: &str) -> LandlordAnswer {
        LandlordAnswer::ProposeViewing {
            slots: slots.iter().map(|s| (*s).to_owned()).collect(),
            place: place.to_owned(),
        }
    }

    #[test]
    fn a_yes_leads_to_the_sides_own_state() {
        let checked = check_answer(&LandlordAnswer::Accept, &landlord(), now());
        assert_eq!(
            checked,
            Ok(Ok(Checked {
                to: ProposalState::LandlordAccepted,
                reason_code: None,
                reason: None,
                place: None,
                slots: Vec::new(),
            }))
        );
    }

    #[test]
    fn a_decline_needs_a_known_reason_and_a_text_for_other() {
        let decline = |code: &str, text: &str| LandlordAnswer::Decline {
            reason_code: code.to_owned(),
            reason: text.to_owned(),
        };
        let unknown = check_answer(&decline("weather", ""), &landlord(), now());
        assert!(matches!(unknown, Ok(Err(e)) if e.0.contains_key("reason_code")));
        let other = check_answer(&decline("other", "  "), &landlord(), now());
        assert!(matches!(other, Ok(Err(e)) if e.0.contains_key("reason")));
        let code = LandlordDeclineReason::NAMES[0];
        let Ok(Ok(done)) = check_answer(&decline(code, "  zu klein "), &landlord(), now()) else {
            panic!("a known reason is taken");
        };
        assert_eq!(done.to, ProposalState::LandlordDeclined);
        assert_eq!(done.reason_code.as_deref(), Some(code));
        assert_eq!(done.reason.as_deref(), Some("zu klein"), "trimmed");
    }

    #[test]
    fn viewing_times_must_be_readable_in_the_future_with_a_place() {
        let past = check_answer(
            &viewing(&["2026-12-01T10:00"], "Vor dem Haus"),
            &landlord(),
            now(),
        );
        assert!(matches!(past, Ok(Err(e)) if e.0.contains_key("slot1")));
        let unreadable = check_answer(
            &viewing(&["", "morgen"], "Vor dem Haus"),
            &landlord(),
            now(),
        );
        assert!(matches!(unreadable, Ok(Err(e)) if e.0.contains_key("slot2")));
        let none = check_answer(&viewing(&["", ""], "Vor dem Haus"), &landlord(), now());
        assert!(matches!(none, Ok(Err(e)) if e.0.contains_key("slot1")));
        let no_place = check_answer(&viewing(&["2026-12-10T10:00"], " "), &landlord(), now());
        assert!(matches!(no_place, Ok(Err(e)) if e.0.contains_key("place")));
        let Ok(Ok(done)) = check_answer(
            &viewing(
                &["2026-12-10T10:00", "", "2026-12-11T17:30"],
                " Vor dem Haus ",
            ),
            &landlord(),
            now(),
        ) else {
            panic!("two good times are taken");
        };
        assert_eq!(done.to, ProposalState::LandlordAccepted);
        assert_eq!(done.slots.len(), 2);
        assert_eq!(done.place.as_deref(), Some("Vor dem Haus"));
        assert_eq!(done.reason_code.as_deref(), Some("viewing_wanted"));
    }

    #[test]
    fn a_household_cannot_propose_viewing_times() {
        let household = AnswerRules {
            party: Party::Household,
            accept_to: ProposalState::HouseholdAccepted,
            decline_to: ProposalState::HouseholdDeclined,
            reasons: HouseholdDeclineReason::NAMES,
        };
        assert_eq!(
            check_answer(&viewing(&["2026-12-10T10:00"], "Haus"), &household, now()),
            Err(())
        );
    }
}
