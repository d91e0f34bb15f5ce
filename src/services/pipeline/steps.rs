//! Taking a step: [`act`] checks scope, the state machine and the invariants against what is
//! stored, then writes the move and its event, what the step records, its e-mails and the
//! audit entry in one transaction. A refusal, or an error before the commit, changes nothing.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use super::{Blocked, StepError, StepResult, load, state_of};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::pipeline::invariants::{self, History, follow_up_due};
use crate::domain::pipeline::{
    Action, CheckIn, FOLLOW_UP_MONTHS, Lease, MoveIn, NewViewing, Outcome, ProposalState, Step,
};
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::services::links::{self, Party};
use crate::services::{Actor, CurrentUser, ServiceError, audit, letters};
use crate::store::households::StoredHousehold;
use crate::store::pipeline::{self as store, FollowUpOutcome, ProposalRow};
use crate::store::proposals::{self as proposals_store, Move};
use crate::store::{households, units};

/// Takes one step of the pipeline for a proposal, as a coordinator (or admin).
pub async fn act(app: &App, user: &CurrentUser, id: i64, step: Step) -> StepResult {
    let row = load(app, user, id).await?;
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Err(ServiceError::Forbidden);
    }
    let kind = step.action().actor_kind();
    take(app, user, row, step, kind).await
}

/// Takes the step `action` with its fields as typed (a form, or a JSON body read into
/// pairs). A step that is not open from where the proposal stands is refused before its
/// fields are read.
pub async fn act_on(
    app: &App,
    user: &CurrentUser,
    id: i64,
    action: Action,
    pairs: &[(String, String)],
) -> StepResult {
    let row = load(app, user, id).await?;
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Err(ServiceError::Forbidden);
    }
    let from = state_of(&row.proposal)?;
    if action.target(from).is_none() {
        return Ok(Err(not_open(action, from)));
    }
    match Step::parse(action, pairs) {
        Ok(step) => take(app, user, row, step, action.actor_kind()).await,
        Err(errors) => Ok(Err(StepError::Fields(errors))),
    }
}

/// Takes `step` for a proposal the caller has checked `user` may act on.
pub(super) async fn take(
    app: &App,
    user: &CurrentUser,
    row: ProposalRow,
    step: Step,
    actor_kind: &'static str,
) -> StepResult {
    let from = state_of(&row.proposal)?;
    let action = step.action();
    let Some(to) = action.target(from) else {
        return Ok(Err(not_open(action, from)));
    };
    if step == Step::Approve {
        return super::approval::approve_checked(app, &Actor::User(user.clone()), row).await;
    }
    let household = households::find(&app.db, row.household.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let step = with_defaults(step, &household);
    let history = history_of(&app.db, &row, &household).await?;
    let now = app.clock.now();
    if let Err(errors) = invariants::check(&step, &history, now) {
        return Ok(Err(StepError::Fields(errors)));
    }
    if let Step::ScheduleViewing(NewViewing {
        companion: Some(companion),
        ..
    }) = &step
        && !super::board::companions(app, row.unit.municipality_id)
            .await?
            .iter()
            .any(|(id, _)| id == companion)
    {
        return Ok(Err(StepError::Fields(FieldErrors::single(
            "companion",
            "validation.choose_one",
        ))));
    }
    let txn = app.db.begin().await?;
    let moved = if action == Action::FollowUp {
        true
    } else {
        let by = Move {
            actor_kind,
            actor_user_id: Some(user.id),
            reason_code: step.reason_code(),
            reason: step.reason_text(),
            data: event_data(&step),
        };
        proposals_store::transition(&txn, row.proposal.id, from, to, &by, now).await?
    };
    if !moved || !record_step(&txn, app, &row, &household, &step, user.id, now).await? {
        // Dropping the transaction rolls back whatever was written.
        return Ok(Err(StepError::Blocked(if moved {
            Blocked::FollowUpDone
        } else {
            Blocked::MovedMeanwhile
        })));
    }
    after_move(&txn, app, &row, to, now).await?;
    audit_step(&txn, user, &row, from, to, &step, now).await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// Takes a step that ends a proposal (e.g. [`Step::Withdraw`]) in the caller's
/// transaction, for someone other than staff: a landlord who deletes their account
/// withdraws their flat this way. The state machine decides as for every step; what
/// follows from the end (the flat freed, a viewing ahead cancelled with its letters, the
/// answer links retired) is written as `after_move` does. Returns the state reached, or
/// `None` when the step is not open from where the proposal stands or does not end it.
pub async fn end_in(
    txn: &DatabaseTransaction,
    app: &App,
    row: &ProposalRow,
    step: &Step,
    actor_kind: &'static str,
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<ProposalState>, ServiceError> {
    let from = state_of(&row.proposal)?;
    let Some(to) = step.action().target(from).filter(|to| to.is_final()) else {
        return Ok(None);
    };
    let by = Move {
        actor_kind,
        actor_user_id,
        reason_code: step.reason_code(),
        reason: step.reason_text(),
        data: event_data(step),
    };
    if !proposals_store::transition(txn, row.proposal.id, from, to, &by, now).await? {
        return Ok(None);
    }
    after_move(txn, app, row, to, now).await?;
    Ok(Some(to))
}

/// Why `action` is not open from `from`: taken already (in another window, by a colleague),
/// or not a move the pipeline has.
fn not_open(action: Action, from: ProposalState) -> StepError {
    if action.leads_to() == from && action != Action::FollowUp {
        StepError::Blocked(Blocked::AlreadyDone)
    } else {
        StepError::Illegal {
            from,
            to: action.leads_to(),
        }
    }
}

/// Fills what a step leaves to the household's data: the places freed default to its size,
/// the freed accommodation to its follow-up housing site.
fn with_defaults(step: Step, household: &StoredHousehold) -> Step {
    match step {
        Step::MovedIn(m) => Step::MovedIn(MoveIn {
            on: m.on,
            freed_site: m
                .freed_site
                .or_else(|| household.profile.follow_up_site.clone()),
            places_freed: m
                .places_freed
                .or(Some(household.profile.members.len() as u32)),
        }),
        other => other,
    }
}

/// What the invariants need of a proposal: when both said yes, the viewing, the
/// placement's dates, the follow-ups, the flat's date and the household's size.
pub(super) async fn history_of<C: ConnectionTrait>(
    db: &C,
    row: &ProposalRow,
    household: &StoredHousehold,
) -> Result<History, ServiceError> {
    let id = row.proposal.id;
    let accepted_at = proposals_store::events(db, id)
        .await?
        .iter()
        .rev()
        .find(|e| e.to_state == ProposalState::Accepted.as_str())
        .map(|e| e.created_at);
    let viewing_starts_at = proposals_store::viewings(db, id)
        .await?
        .iter()
        .filter(|v| v.status == "scheduled")
        .map(|v| v.starts_at)
        .max();
    let placement = store::placement_of(db, id).await?;
    let follow_ups = match &placement {
        Some(p) => store::follow_ups_of(db, &[p.id])
            .await?
            .into_iter()
            .map(|f| {
                let done = (f.status == "done").then_some(f.done_on).flatten();
                (f.month.max(0) as u32, done)
            })
            .collect(),
        None => Vec::new(),
    };
    let p = placement.as_ref();
    Ok(History {
        accepted_at,
        viewing_starts_at,
        jobcenter_requested_on: p.and_then(|p| p.jobcenter_requested_on),
        jobcenter_decided_on: p.and_then(|p| p.jobcenter_decided_on),
        lease_signed_on: p.and_then(|p| p.lease_signed_on),
        lease_start: p.and_then(|p| p.lease_start),
        moved_in_on: p.and_then(|p| p.moved_in_on),
        follow_ups,
        unit_available_from: Some(row.unit.available_from),
        members: household.profile.members.len() as u32,
    })
}

/// The data a step's event keeps besides its reason (what the figures can be recounted
/// from): dates, codes and amounts, never text people wrote (that lives in the placement
/// and viewing, where erasure finds it).
fn event_data(step: &Step) -> Option<serde_json::Value> {
    Some(match step {
        Step::ScheduleViewing(v) => serde_json::json!({"starts_at": v.starts_at}),
        Step::JobcenterRequested { on, .. }
        | Step::JobcenterGranted { on, .. }
        | Step::JobcenterRefused { on, .. } => serde_json::json!({"on": on}),
        Step::LeaseSigned(l) => serde_json::json!({
            "lease_kind": l.kind.as_str(),
            "signed_on": l.signed_on,
            "lease_start": l.start,
            "rent_cold_cents": l.rent_cold.0,
            "service_charges_cents": l.service_charges.0,
            "heating_costs_cents": l.heating_costs.0,
        }),
        Step::MovedIn(m) => serde_json::json!({
            "moved_in_on": m.on,
            "places_freed": m.places_freed,
        }),
        Step::EndedEarly { on, .. } => serde_json::json!({"ended_on": on}),
        _ => return None,
    })
}

/// Writes what a step records besides the move. False when a follow-up was recorded
/// meanwhile (the caller then rolls back).
async fn record_step(
    txn: &DatabaseTransaction,
    app: &App,
    row: &ProposalRow,
    household: &StoredHousehold,
    step: &Step,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    match step {
        Step::ScheduleViewing(v) => schedule_viewing(txn, app, row, v, now).await?,
        Step::ViewingHeld { note } => {
            store::viewing_held(txn, row.proposal.id, note.clone(), now).await?;
        }
        Step::JobcenterRequested { on, .. } => {
            jobcenter(txn, row, "requested", *on, now).await?;
            // The landlord gets the rent certificate to complete and sign; it is kept
            // with the proposal's documents.
            let certificate =
                crate::services::documents::jobcenter_attachment(txn, app, row, Some(by), now)
                    .await?;
            letters::jobcenter_requested(txn, &row.proposal, certificate, now).await?;
        }
        Step::JobcenterGranted { on, .. } => jobcenter(txn, row, "granted", *on, now).await?,
        Step::JobcenterRefused { on, .. } => jobcenter(txn, row, "refused", *on, now).await?,
        Step::LeaseSigned(lease) => sign_lease(txn, row, lease, now).await?,
        Step::MovedIn(m) => move_in(txn, row, household, m, now).await?,
        Step::FollowUp(check_in) => return follow_up(txn, row, check_in, by, now).await,
        Step::Sustained { .. } => set_outcome(txn, row, Outcome::Sustained, now).await?,
        Step::EndedEarly { on, reason, note } => {
            let Some(mut p) = store::placement_of(txn, row.proposal.id).await? else {
                return Ok(true);
            };
            p.outcome = Outcome::EndedEarly.as_str().into();
            p.ended_on = Some(*on);
            p.end_reason_code = Some(reason.as_str().into());
            p.end_reason = note.clone();
            let id = p.id;
            store::save_placement(txn, p, now).await?;
            store::cancel_follow_ups(txn, id, now).await?;
            // The household looks for a flat again (its coordinator may close it); the flat
            // is checked, and offered again once the landlord and the town agree.
            households::set_status(txn, household.id, HouseholdStatus::Active, None, now).await?;
            units::set_status(txn, row.unit.id, UnitStatus::Checked, None, None, now).await?;
        }
        Step::Approve
        | Step::Reject { .. }
        | Step::LandlordAccept { .. }
        | Step::LandlordDecline { .. }
        | Step::HouseholdAccept { .. }
        | Step::HouseholdDecline { .. }
        | Step::Withdraw { .. } => {}
    }
    Ok(true)
}

async fn schedule_viewing(
    txn: &DatabaseTransaction,
    app: &App,
    row: &ProposalRow,
    v: &NewViewing,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    // A time arranged before is moved: both sides hear that it no longer stands.
    if let Some(before) = store::viewing_ahead(txn, row.proposal.id, now).await? {
        letters::viewing_cancelled(txn, app, &row.proposal, &before, now).await?;
    }
    let id = store::schedule_viewing(
        txn,
        &store::NewViewing {
            proposal_id: row.proposal.id,
            starts_at: v.starts_at,
            place: v.place.clone(),
            companion_user_id: v.companion,
            companion_name: v.companion_name.clone(),
            note: v.note.clone(),
        },
        now,
    )
    .await?;
    let viewing = crate::store::proposals::viewing(txn, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("viewing".into()))?;
    letters::viewing(txn, app, &row.proposal, &viewing, now).await
}

async fn jobcenter(
    txn: &DatabaseTransaction,
    row: &ProposalRow,
    status: &str,
    on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut p = store::ensure_placement(txn, &row.proposal, row.unit.municipality_id, now).await?;
    p.jobcenter_status = Some(status.into());
    if status == "requested" {
        p.jobcenter_requested_on = Some(on);
    } else {
        p.jobcenter_decided_on = Some(on);
    }
    store::save_placement(txn, p, now).await?;
    Ok(())
}

async fn sign_lease(
    txn: &DatabaseTransaction,
    row: &ProposalRow,
    lease: &Lease,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut p = store::ensure_placement(txn, &row.proposal, row.unit.municipality_id, now).await?;
    p.lease_kind = Some(lease.kind.as_str().into());
    p.lease_signed_on = Some(lease.signed_on);
    p.lease_start = Some(lease.start);
    p.rent_cold_cents = Some(lease.rent_cold.0);
    p.service_charges_cents = Some(lease.service_charges.0);
    p.heating_costs_cents = Some(lease.heating_costs.0);
    store::save_placement(txn, p, now).await?;
    Ok(())
}

async fn move_in(
    txn: &DatabaseTransaction,
    row: &ProposalRow,
    household: &StoredHousehold,
    m: &MoveIn,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut p = store::ensure_placement(txn, &row.proposal, row.unit.municipality_id, now).await?;
    p.moved_in_on = Some(m.on);
    p.freed_site = m.freed_site.clone();
    p.places_freed = m.places_freed.unwrap_or(0) as i32;
    p.outcome = Outcome::Living.as_str().into();
    let due: Vec<(i32, chrono::NaiveDate)> = FOLLOW_UP_MONTHS
        .iter()
        .map(|month| (*month as i32, follow_up_due(m.on, *month)))
        .collect();
    store::insert_follow_ups(txn, p.id, &due, now).await?;
    store::save_placement(txn, p, now).await?;
    units::set_status(txn, row.unit.id, UnitStatus::Let, None, None, now).await?;
    households::set_status(txn, household.id, HouseholdStatus::Placed, None, now).await?;
    Ok(())
}

async fn follow_up(
    txn: &DatabaseTransaction,
    row: &ProposalRow,
    c: &CheckIn,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let Some(p) = store::placement_of(txn, row.proposal.id).await? else {
        return Ok(false);
    };
    let Some(due) = store::follow_ups_of(txn, &[p.id])
        .await?
        .into_iter()
        .find(|f| f.month == c.month as i32)
    else {
        return Ok(false);
    };
    let outcome = FollowUpOutcome {
        done_on: c.done_on,
        rent_paid: c.rent_paid,
        problems: c.problems.clone(),
        support_needed: c.support_needed,
        note: c.note.clone(),
        by,
    };
    let recorded = store::record_follow_up(txn, due.id, &outcome, now).await?;
    if recorded {
        let about = crate::store::webhooks::About {
            proposal_id: Some(row.proposal.id),
            household_id: None,
        };
        let data = serde_json::json!({"follow_up_id": due.id, "month": due.month});
        let event = crate::domain::webhooks::EventType::FollowUpRecorded;
        crate::store::webhooks::enqueue(txn, event, about, data, now).await?;
    }
    Ok(recorded)
}

async fn set_outcome(
    txn: &DatabaseTransaction,
    row: &ProposalRow,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if let Some(mut p) = store::placement_of(txn, row.proposal.id).await? {
        p.outcome = outcome.as_str().into();
        store::save_placement(txn, p, now).await?;
    }
    Ok(())
}

/// What follows from reaching `to`, whoever moved the proposal (a step, an answer by a
/// side, expiry): a proposal that ends frees its flat and cancels its placement; both
/// sides saying yes sends the letters; answer links nobody needs any more are retired.
pub(super) async fn after_move(
    txn: &DatabaseTransaction,
    app: &App,
    row: &ProposalRow,
    to: ProposalState,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use ProposalState::*;
    match to {
        LandlordDeclined | HouseholdDeclined | Expired | JobcenterRefused | Withdrawn => {
            if row.unit.status == UnitStatus::Reserved.as_str() {
                units::set_status(txn, row.unit.id, UnitStatus::Available, None, None, now).await?;
            }
            set_outcome(txn, row, Outcome::Cancelled, now).await?;
            // A viewing still ahead does not take place: both sides are told.
            if let Some(ahead) = store::viewing_ahead(txn, row.proposal.id, now).await? {
                letters::viewing_cancelled(txn, app, &row.proposal, &ahead, now).await?;
            }
            store::cancel_viewings(txn, row.proposal.id, now).await?;
        }
        Accepted => letters::accepted(txn, app, &row.proposal, now).await?,
        _ => {}
    }
    let party = match to {
        LandlordAccepted | LandlordDeclined => Some(Some(Party::Landlord)),
        HouseholdAccepted | HouseholdDeclined => Some(Some(Party::Household)),
        _ if !to.awaits_answer() => Some(None),
        _ => None,
    };
    if let Some(party) = party {
        links::retire_party(txn, row.proposal.id, party, now).await?;
    }
    Ok(())
}

/// What follows from an answer given by a side (on the landlord's page or through an
/// e-mail link) or from expiry, in that transaction.
pub async fn apply_answer(
    txn: &DatabaseTransaction,
    app: &App,
    proposal_id: i64,
    to: ProposalState,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let row = store::find(txn, proposal_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    after_move(txn, app, &row, to, now).await
}

async fn audit_step(
    txn: &DatabaseTransaction,
    user: &CurrentUser,
    row: &ProposalRow,
    from: ProposalState,
    to: ProposalState,
    step: &Step,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (action, table, id, details) = match step {
        Step::FollowUp(c) => (
            "follow_up",
            "proposals",
            row.proposal.id,
            serde_json::json!({"month": c.month, "rent_paid": c.rent_paid, "support_needed": c.support_needed}),
        ),
        _ => (
            "pipeline_step",
            "proposals",
            row.proposal.id,
            serde_json::json!({"from": from.as_str(), "to": to.as_str(), "action": step.action().as_str()}),
        ),
    };
    audit::record(
        txn,
        &Actor::User(user.clone()),
        action,
        table,
        Some(id),
        Some(row.unit.municipality_id),
        details,
        now,
    )
    .await?;
    Ok(())
}
