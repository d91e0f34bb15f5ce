//! A data set's past, loaded in bulk: proposals with their events, placements with their
//! follow-ups, incentive requests and audit entries, as a district-sized demo writes them
//! (`services::demo::district`). Ids of proposals and placements are the caller's (see
//! [`super::bulk::next_id`]); the rows go in through multi-row inserts.

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    audit_entry, follow_up, placement, proposal, proposal_event, unit_incentive, viewing,
};
use sea_orm::{ConnectionTrait, Set};

use super::bulk::insert_all;
use crate::domain::Cents;
use crate::domain::incentive::IncentiveStatus;
use crate::domain::pipeline::ProposalState;

/// A proposal as it stands today, with the times of its answers.
#[derive(Debug, Clone)]
pub struct PastProposal {
    pub id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub state: ProposalState,
    pub score: f64,
    pub created_at: DateTime<Utc>,
    pub state_changed_at: DateTime<Utc>,
    pub approved: Option<(DateTime<Utc>, i64)>,
    pub sent_at: Option<DateTime<Utc>>,
    pub answer_due_at: Option<DateTime<Utc>>,
    pub landlord_answered_at: Option<DateTime<Utc>>,
    pub household_answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// One move of a proposal.
#[derive(Debug, Clone)]
pub struct PastEvent {
    pub proposal_id: i64,
    pub from: Option<ProposalState>,
    pub to: ProposalState,
    /// `system`, `coordinator`, `landlord`, `household`, …
    pub actor_kind: &'static str,
    pub actor_user_id: Option<i64>,
    pub reason_code: Option<&'static str>,
    pub at: DateTime<Utc>,
}

/// A viewing: `scheduled` (ahead) or `held`.
#[derive(Debug, Clone)]
pub struct PastViewing {
    pub proposal_id: i64,
    pub status: &'static str,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    pub created_at: DateTime<Utc>,
}

/// A placement with the dates it reached.
#[derive(Debug, Clone)]
pub struct PastPlacement {
    pub id: i64,
    pub proposal_id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub municipality_id: i64,
    pub jobcenter: Option<(&'static str, NaiveDate, Option<NaiveDate>)>,
    pub lease: Option<(&'static str, NaiveDate, NaiveDate)>,
    pub rent: (Cents, Cents, Cents),
    pub moved_in_on: Option<NaiveDate>,
    pub places_freed: i32,
    /// `open`, `living`, `sustained`, `ended_early`, `cancelled`.
    pub outcome: &'static str,
    pub ended: Option<(NaiveDate, &'static str)>,
    pub created_at: DateTime<Utc>,
}

/// A check-in after moving in: due, or recorded.
#[derive(Debug, Clone)]
pub struct PastFollowUp {
    pub placement_id: i64,
    pub month: u32,
    pub due_on: NaiveDate,
    /// `due`, `done` or `cancelled`.
    pub status: &'static str,
    /// Recorded: day, rent paid, support needed, by whom.
    pub done: Option<(NaiveDate, bool, bool, i64)>,
    pub created_at: DateTime<Utc>,
}

/// A flat's request for an incentive and what became of it.
#[derive(Debug, Clone)]
pub struct PastIncentive {
    pub unit_id: i64,
    pub programme_id: i64,
    pub status: IncentiveStatus,
    pub requested_at: DateTime<Utc>,
    /// Decided: when, by whom, the amount granted and the term.
    pub decided: Option<(DateTime<Utc>, i64)>,
    pub granted: Option<(Cents, NaiveDate, Option<NaiveDate>)>,
    pub paid: Option<(Cents, NaiveDate)>,
}

/// An audit entry at its time.
#[derive(Debug, Clone)]
pub struct PastAudit {
    pub at: DateTime<Utc>,
    pub entry: super::audit::NewEntry,
}

/// Everything of the past, in the order the foreign keys need.
#[derive(Debug, Clone, Default)]
pub struct Past {
    pub proposals: Vec<PastProposal>,
    pub events: Vec<PastEvent>,
    pub viewings: Vec<PastViewing>,
    pub placements: Vec<PastPlacement>,
    pub follow_ups: Vec<PastFollowUp>,
    pub incentives: Vec<PastIncentive>,
    pub audit: Vec<PastAudit>,
}

/// Writes the past in bulk.
pub async fn insert<C: ConnectionTrait>(db: &C, past: &Past) -> Result<(), sea_orm::DbErr> {
    insert_all(
        db,
        past.proposals
            .iter()
            .map(|p| proposal::ActiveModel {
                id: Set(p.id),
                match_run_id: Set(None),
                candidate_id: Set(None),
                unit_id: Set(p.unit_id),
                household_id: Set(p.household_id),
                state: Set(p.state.as_str().to_owned()),
                is_open: Set(p.state.holds_unit_and_household()),
                origin: Set("engine".into()),
                score: Set(p.score),
                override_reason: Set(None),
                state_changed_at: Set(p.state_changed_at),
                approved_at: Set(p.approved.map(|(at, _)| at)),
                approved_by_user_id: Set(p.approved.map(|(_, by)| by)),
                sent_at: Set(p.sent_at),
                answer_due_at: Set(p.answer_due_at),
                reminded_at: Set(None),
                landlord_answered_at: Set(p.landlord_answered_at),
                household_answered_at: Set(p.household_answered_at),
                closed_at: Set(p.closed_at),
                created_at: Set(p.created_at),
                updated_at: Set(p.state_changed_at),
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        past.events
            .iter()
            .map(|e| proposal_event::ActiveModel {
                proposal_id: Set(e.proposal_id),
                from_state: Set(e.from.map(|s| s.as_str().to_owned())),
                to_state: Set(e.to.as_str().to_owned()),
                actor_kind: Set(e.actor_kind.to_owned()),
                actor_user_id: Set(e.actor_user_id),
                reason_code: Set(e.reason_code.map(str::to_owned)),
                reason: Set(None),
                data: Set(None),
                created_at: Set(e.at),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        past.viewings
            .iter()
            .map(|v| viewing::ActiveModel {
                proposal_id: Set(v.proposal_id),
                status: Set(v.status.to_owned()),
                proposed_by: Set("coordinator".into()),
                starts_at: Set(v.starts_at),
                ends_at: Set(None),
                place: Set(v.place.clone()),
                accompanied_by_user_id: Set(None),
                accompanied_by_name: Set(None),
                note: Set(None),
                created_at: Set(v.created_at),
                updated_at: Set(v.created_at),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        past.placements
            .iter()
            .map(|p| placement::ActiveModel {
                id: Set(p.id),
                proposal_id: Set(p.proposal_id),
                unit_id: Set(p.unit_id),
                household_id: Set(p.household_id),
                municipality_id: Set(p.municipality_id),
                jobcenter_status: Set(p.jobcenter.map(|(s, _, _)| s.to_owned())),
                jobcenter_requested_on: Set(p.jobcenter.map(|(_, on, _)| on)),
                jobcenter_decided_on: Set(p.jobcenter.and_then(|(_, _, on)| on)),
                lease_kind: Set(p.lease.map(|(k, _, _)| k.to_owned())),
                lease_signed_on: Set(p.lease.map(|(_, on, _)| on)),
                lease_start: Set(p.lease.map(|(_, _, start)| start)),
                rent_cold_cents: Set(p.lease.map(|_| p.rent.0.0)),
                service_charges_cents: Set(p.lease.map(|_| p.rent.1.0)),
                heating_costs_cents: Set(p.lease.map(|_| p.rent.2.0)),
                moved_in_on: Set(p.moved_in_on),
                freed_site: Set(None),
                places_freed: Set(p.places_freed),
                outcome: Set(p.outcome.to_owned()),
                ended_on: Set(p.ended.map(|(on, _)| on)),
                end_reason: Set(None),
                end_reason_code: Set(p.ended.map(|(_, code)| code.to_owned())),
                created_at: Set(p.created_at),
                updated_at: Set(p.created_at),
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        past.follow_ups
            .iter()
            .map(|f| follow_up::ActiveModel {
                placement_id: Set(f.placement_id),
                month: Set(f.month as i32),
                due_on: Set(f.due_on),
                status: Set(f.status.to_owned()),
                done_on: Set(f.done.map(|(on, _, _, _)| on)),
                rent_paid: Set(f.done.map(|(_, paid, _, _)| paid)),
                problems: Set(None),
                support_needed: Set(f.done.map(|(_, _, support, _)| support)),
                note: Set(None),
                recorded_by_user_id: Set(f.done.map(|(_, _, _, by)| by)),
                reminder_sent_at: Set(None),
                created_at: Set(f.created_at),
                updated_at: Set(f.created_at),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        past.incentives
            .iter()
            .map(|i| unit_incentive::ActiveModel {
                unit_id: Set(i.unit_id),
                programme_id: Set(i.programme_id),
                status: Set(i.status.as_str().to_owned()),
                landlord_note: Set(None),
                requested_at: Set(i.requested_at),
                decided_at: Set(i.decided.map(|(at, _)| at)),
                decided_by_user_id: Set(i.decided.map(|(_, by)| by)),
                decision_note: Set(None),
                granted_amount_cents: Set(i.granted.map(|(c, _, _)| c.0)),
                granted_from: Set(i.granted.map(|(_, from, _)| from)),
                granted_until: Set(i.granted.and_then(|(_, _, until)| until)),
                paid_amount_cents: Set(i.paid.map(|(c, _)| c.0)),
                paid_on: Set(i.paid.map(|(_, on)| on)),
                created_at: Set(i.requested_at),
                updated_at: Set(i.decided.map_or(i.requested_at, |(at, _)| at)),
                ..Default::default()
            })
            .collect(),
    )
    .await?;
    insert_all(
        db,
        past.audit
            .iter()
            .map(|a| audit_entry::ActiveModel {
                occurred_at: Set(a.at),
                actor_user_id: Set(a.entry.actor_user_id),
                actor_label: Set(a.entry.actor_label.clone()),
                action: Set(a.entry.action.clone()),
                entity: Set(a.entry.entity.clone()),
                entity_id: Set(a.entry.entity_id),
                municipality_id: Set(a.entry.municipality_id),
                details: Set(a.entry.details.clone()),
                ..Default::default()
            })
            .collect(),
    )
    .await
}
