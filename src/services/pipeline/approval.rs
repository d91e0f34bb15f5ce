//! Approving what a match run suggests: one suggestion, many at once (after a preview of
//! what goes to whom), on the system's behalf, or an alternative household instead of the
//! suggested one (which becomes a suggestion of its own and waits for the same approval).
//! Approval checks, today, that the pair still meets every hard rule and that neither side
//! is held by another proposal, then sends the proposal to both sides in the same
//! transaction.

use chrono::{DateTime, Duration, Utc};
use entities::match_candidate;
use sea_orm::{DatabaseTransaction, TransactionTrait};

use super::{Blocked, StepError, StepResult};
use crate::app::App;
use crate::domain::pipeline::{ProposalState, Step};
use crate::domain::roles::Role;
use crate::domain::unit::OneLine;
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::engine::PairVerdict;
use crate::services::{Actor, CurrentUser, ServiceError, audit, letters};
use crate::store::households::StoredHousehold;
use crate::store::is_unique_violation;
use crate::store::pipeline::{self as store, ProposalRow};
use crate::store::proposals::{self as proposals_store, Move};
use crate::store::units::StoredUnit;
use crate::store::{households, municipalities, units};

/// Approves several suggestions of a run; returns those that went out and, for the
/// others, why not. Each is approved in its own transaction.
pub async fn approve_many(
    app: &App,
    user: &CurrentUser,
    ids: &[i64],
) -> Result<(Vec<i64>, Vec<(i64, StepError)>), ServiceError> {
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for id in ids {
        match super::act(app, user, *id, Step::Approve).await {
            Ok(Ok(_)) => done.push(*id),
            Ok(Err(e)) => failed.push((*id, e)),
            Err(ServiceError::NotFound(_) | ServiceError::Forbidden) => {
                failed.push((*id, StepError::Blocked(Blocked::UnknownProposal)));
            }
            Err(e) => return Err(e),
        }
    }
    Ok((done, failed))
}

/// What approving one suggestion sends, and to whom: shown before anything goes out.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub proposal_id: i64,
    pub unit_address: String,
    pub household_reference: String,
    /// The landlord's letter (none when the landlord has no address).
    pub landlord: Option<letters::Recipient>,
    /// The household's letter: to the household itself, or to its caseworker.
    pub household: Option<letters::Recipient>,
    /// The household's letter goes to the household's own address.
    pub household_direct: bool,
}

/// The letters approving `ids` would send, for suggestions the user may approve (others are
/// left out). Nothing changes.
pub async fn preview(
    app: &App,
    user: &CurrentUser,
    ids: &[i64],
) -> Result<Vec<Outgoing>, ServiceError> {
    let mut out = Vec::new();
    for id in ids {
        let Some(row) = store::find(&app.db, *id).await? else {
            continue;
        };
        if !super::may_manage(user, &row) || row.proposal.state != ProposalState::Suggested.as_str()
        {
            continue;
        }
        let Some(household) = households::find(&app.db, row.household.id).await? else {
            continue;
        };
        let household_to = letters::household_recipient(&household, app.clock.today());
        let u = &row.unit;
        out.push(Outgoing {
            proposal_id: *id,
            unit_address: u.one_line(),
            household_reference: row.household.reference.clone(),
            landlord: letters::landlord_recipient(&app.db, u.landlord_id).await?,
            household_direct: household_to
                .as_ref()
                .is_some_and(|r| household.profile.email.as_deref() == Some(r.address.as_str())),
            household: household_to,
        });
    }
    Ok(out)
}

/// Approves a suggestion on the system's behalf (the nightly run of a municipality that
/// turned auto-approval on), with the same checks as a coordinator's approval.
pub async fn approve_as_system(app: &App, id: i64) -> StepResult {
    let row = store::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    if row.proposal.state != ProposalState::Suggested.as_str() {
        return Ok(Err(StepError::Blocked(Blocked::MovedMeanwhile)));
    }
    approve_checked(app, &Actor::System, row).await
}

/// The flat, the household, and whether they may be proposed to each other today.
async fn checked_pair(
    app: &App,
    unit_id: i64,
    household_id: i64,
    except: Option<i64>,
) -> Result<Result<(StoredUnit, StoredHousehold), Blocked>, ServiceError> {
    let unit = units::find(&app.db, unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let household = households::find(&app.db, household_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let (unit_held, household_held) = store::held(&app.db, unit.id, household.id, except).await?;
    if unit_held || unit.status == UnitStatus::Reserved || unit.status == UnitStatus::Let {
        return Ok(Err(Blocked::UnitTaken));
    }
    if household_held {
        return Ok(Err(Blocked::HouseholdTaken));
    }
    // Every letter names whom to ask and replies go there: no proposal leaves a
    // municipality without a contact address.
    let contact = crate::store::municipalities::find(&app.db, unit.municipality_id)
        .await?
        .and_then(|m| m.contact_email)
        .filter(|e| !e.trim().is_empty());
    if contact.is_none() {
        return Ok(Err(Blocked::NoContact));
    }
    Ok(
        match crate::services::matching::explain_pair(app, &unit, &household).await? {
            None => Err(Blocked::NoRules),
            Some(PairVerdict::Ineligible { rules }) => Err(Blocked::NotEligible(
                rules.into_iter().map(|r| (r.text_de, r.text_en)).collect(),
            )),
            Some(PairVerdict::Eligible { .. }) => Ok((unit, household)),
        },
    )
}

/// Approves after checking, today, that the pair still meets every hard rule.
pub(super) async fn approve_checked(app: &App, actor: &Actor, row: ProposalRow) -> StepResult {
    let (unit, household) =
        match checked_pair(app, row.unit.id, row.household.id, Some(row.proposal.id)).await? {
            Ok(pair) => pair,
            Err(blocked) => return Ok(Err(StepError::Blocked(blocked))),
        };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    match approve_in(&txn, app, actor, &row, &unit, &household, now).await {
        Ok(true) => {}
        Ok(false) => return Ok(Err(StepError::Blocked(Blocked::MovedMeanwhile))),
        Err(ServiceError::Db(e)) if is_unique_violation(&e) => {
            return Ok(Err(StepError::Blocked(Blocked::UnitTaken)));
        }
        Err(e) => return Err(e),
    }
    txn.commit().await?;
    Ok(Ok(ProposalState::Sent))
}

/// Approves a suggested proposal and sends it: both moves recorded, the flat reserved, the
/// letters to the landlord and the household (or its caseworker) in the outbox. False when
/// the proposal is no longer a suggestion.
async fn approve_in(
    txn: &DatabaseTransaction,
    app: &App,
    actor: &Actor,
    row: &ProposalRow,
    unit: &StoredUnit,
    household: &StoredHousehold,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let id = row.proposal.id;
    let by = Move {
        actor_kind: if actor.user_id().is_some() {
            "coordinator"
        } else {
            "system"
        },
        actor_user_id: actor.user_id(),
        reason_code: None,
        reason: None,
        data: None,
    };
    let approved = proposals_store::transition(
        txn,
        id,
        ProposalState::Suggested,
        ProposalState::Approved,
        &by,
        now,
    )
    .await?;
    if !approved {
        return Ok(false);
    }
    store::mark_approved(txn, id, actor.user_id(), now).await?;
    units::set_status(txn, unit.id, UnitStatus::Reserved, None, None, now).await?;
    let rules = municipalities::current_rule_sets(txn).await?;
    let answer_days = rules
        .get(&unit.municipality_id)
        .map_or(7, |r| r.rules.answer_days.max(1));
    let due = now + Duration::days(i64::from(answer_days));
    let sent = Move {
        actor_kind: "system",
        actor_user_id: None,
        reason_code: Some("sent"),
        reason: None,
        data: None,
    };
    proposals_store::transition(
        txn,
        id,
        ProposalState::Approved,
        ProposalState::Sent,
        &sent,
        now,
    )
    .await?;
    store::mark_sent(txn, id, now, due).await?;
    let mut proposal = row.proposal.clone();
    proposal.answer_due_at = Some(due);
    proposal.sent_at = Some(now);
    letters::proposal_sent(txn, app, &proposal, now).await?;
    audit::record(
        txn,
        actor,
        "approve_proposal",
        "proposals",
        Some(id),
        Some(unit.municipality_id),
        serde_json::json!({"unit_id": unit.id, "household_id": household.id}),
        now,
    )
    .await?;
    Ok(true)
}

/// Picks an alternative household of a run for a flat instead of the suggested one, all or
/// nothing: the suggestion (if still waiting) is rejected with the reason, and the
/// alternative becomes a suggestion of its own, which waits for approval like any other:
/// nothing is sent yet. When the alternative could not be approved (held by another
/// proposal, no longer eligible), nothing changes and the answer says why. Returns the new
/// suggestion's id.
pub async fn pick_alternative(
    app: &App,
    user: &CurrentUser,
    candidate_id: i64,
    reason: &str,
) -> Result<Result<i64, StepError>, ServiceError> {
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Err(ServiceError::Forbidden);
    }
    let candidate = crate::store::matching::candidate(&app.db, candidate_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("candidate".into()))?;
    scope_of_candidate(app, user, &candidate).await?;
    let characters = crate::domain::input::line_errors([("reason", reason)], &["reason"]);
    if !characters.is_empty() {
        return Ok(Err(StepError::Fields(characters)));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > crate::domain::pipeline::step::NOTE_MAX {
        let key = if reason.is_empty() {
            "validation.reason_required"
        } else {
            "validation.too_long"
        };
        return Ok(Err(StepError::Fields(FieldErrors::single("reason", key))));
    }
    let (unit, household) =
        match checked_pair(app, candidate.unit_id, candidate.household_id, None).await? {
            Ok(pair) => pair,
            Err(blocked) => return Ok(Err(StepError::Blocked(blocked))),
        };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    if !reject_suggestion(&txn, user, &candidate, household.id, reason, now).await? {
        return Ok(Err(StepError::Blocked(Blocked::MovedMeanwhile)));
    }
    let id = store::insert_override(
        &txn,
        &store::Override {
            run_id: candidate.match_run_id,
            candidate_id: candidate.id,
            unit_id: unit.id,
            household_id: household.id,
            score: candidate.score,
            reason,
            user_id: user.id,
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "pick_alternative",
        "proposals",
        Some(id),
        Some(unit.municipality_id),
        serde_json::json!({"candidate_id": candidate.id, "household_id": household.id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// A candidate the user may not see is not found; one they may see passes.
async fn scope_of_candidate(
    app: &App,
    user: &CurrentUser,
    candidate: &match_candidate::Model,
) -> Result<(), ServiceError> {
    let unit = units::find(&app.db, candidate.unit_id).await?;
    let household = households::find(&app.db, candidate.household_id).await?;
    let visible = unit.is_some_and(|u| user.can_manage(u.municipality_id))
        || household.is_some_and(|h| user.can_manage(h.municipality_id));
    if visible {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// Rejects the run's suggestion for the candidate's flat in favour of the candidate, if one
/// still waits. False when it moved meanwhile.
async fn reject_suggestion(
    txn: &DatabaseTransaction,
    user: &CurrentUser,
    candidate: &match_candidate::Model,
    instead: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let suggestion =
        crate::store::matching::suggestion_for_unit(txn, candidate.match_run_id, candidate.unit_id)
            .await?;
    let Some(suggestion) = suggestion else {
        return Ok(true);
    };
    let by = Move {
        actor_kind: "coordinator",
        actor_user_id: Some(user.id),
        reason_code: Some("override"),
        reason: Some(reason),
        data: Some(serde_json::json!({"instead": instead})),
    };
    Ok(proposals_store::transition(
        txn,
        suggestion.id,
        ProposalState::Suggested,
        ProposalState::Rejected,
        &by,
        now,
    )
    .await?)
}
