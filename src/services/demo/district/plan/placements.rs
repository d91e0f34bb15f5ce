//! The placements of the district's past: the Jobcenter's decision, the lease, the move-in,
//! an early end now and then, and the follow-ups after it.

use super::*;

/// The placement of a proposal that reached the Jobcenter: its decision, lease, move-in and
/// the follow-ups after it. `placement` is (its id, the day it was requested, members).
pub(super) fn plan_placement(
    rng: &mut SplitMix64,
    w: &World,
    at: &At,
    p: &mut PastProposal,
    steps: &[(ProposalState, NaiveDate)],
    (placement_id, requested, members): (i64, NaiveDate, i32),
    past: &mut Past,
) {
    let decided = day_of(steps, ProposalState::JobcenterGranted)
        .map(|d| ("granted", d))
        .or_else(|| day_of(steps, ProposalState::JobcenterRefused).map(|d| ("refused", d)));
    let lease = day_of(steps, ProposalState::LeaseSigned).map(|signed| {
        let start = day_of(steps, ProposalState::MovedIn).unwrap_or_else(|| {
            NaiveDate::from_ymd_opt(signed.year(), signed.month(), 1)
                .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                .unwrap_or(signed)
        });
        let kind = if rng.chance(0.2) {
            "head_lease"
        } else {
            "direct"
        };
        (kind, signed, start.max(signed))
    });
    let moved = day_of(steps, ProposalState::MovedIn);
    let mut outcome = match (p.state, moved) {
        (ProposalState::JobcenterRefused, _) => "cancelled",
        (_, Some(_)) => "living",
        _ => "open",
    };
    let mut ended = None;
    if let Some(moved) = moved {
        (ended, outcome) = after_move(rng, w, at, p, (placement_id, moved), past, outcome);
    }
    let unit = &at.unit.details;
    past.placements.push(PastPlacement {
        id: placement_id,
        proposal_id: at.id,
        unit_id: at.unit.id,
        household_id: at.household_id,
        municipality_id: w.ids.municipalities[at.t],
        jobcenter: Some((
            decided.map_or("requested", |(s, _)| s),
            requested,
            decided.map(|(_, d)| d),
        )),
        lease,
        rent: (unit.cold_rent, unit.service_charges, unit.heating_costs),
        moved_in_on: moved,
        places_freed: if moved.is_some() {
            rng.range_i64(0, i64::from(members)) as i32
        } else {
            0
        },
        outcome,
        ended,
        created_at: office(rng, requested),
    });
}

/// What followed a move-in: a lease ended early now and then, the follow-ups (done, due,
/// or cancelled by the end), and the proposal closed as sustained or ended early. Returns
/// the end (day and reason) and the placement's outcome.
pub(super) fn after_move(
    rng: &mut SplitMix64,
    w: &World,
    at: &At,
    p: &mut PastProposal,
    (placement_id, moved): (i64, NaiveDate),
    past: &mut Past,
    outcome: &'static str,
) -> (Option<(NaiveDate, &'static str)>, &'static str) {
    let today = w.today;
    let mut ended = None;
    let last_due = follow_up_due(moved, FOLLOW_UP_MONTHS[FOLLOW_UP_MONTHS.len() - 1]);
    let end_day = moved + Duration::days(rng.range_i64(60, 330));
    if rng.chance(0.06) && end_day < today && end_day < last_due {
        ended = Some((
            end_day,
            *rng.pick(&[
                "moved_away",
                "household_terminated",
                "landlord_terminated",
                "rent_arrears",
                "conflict",
            ]),
        ));
    }
    let twelve_done = plan_follow_ups(rng, w, at, (placement_id, moved), ended, past);
    let (closing, outcome) = if let Some((on, _)) = ended {
        (Some((ProposalState::EndedEarly, on)), "ended_early")
    } else if let Some(on) = twelve_done {
        (Some((ProposalState::Sustained, on)), "sustained")
    } else {
        (None, outcome)
    };
    if let Some((to, on)) = closing {
        let when = office(rng, on).max(p.state_changed_at);
        past.events.push(PastEvent {
            proposal_id: at.id,
            from: Some(ProposalState::MovedIn),
            to,
            actor_kind: "coordinator",
            actor_user_id: Some(at.coordinator),
            reason_code: ended.map(|(_, code)| code),
            at: when,
        });
        p.state = to;
        p.state_changed_at = when;
        p.closed_at = Some(when);
    }
    (ended, outcome)
}

/// The follow-ups after a move-in: done (with an audit entry) when their day is past, due
/// otherwise, cancelled after an early end. Returns the day the twelfth month's was done.
pub(super) fn plan_follow_ups(
    rng: &mut SplitMix64,
    w: &World,
    at: &At,
    (placement_id, moved): (i64, NaiveDate),
    ended: Option<(NaiveDate, &'static str)>,
    past: &mut Past,
) -> Option<NaiveDate> {
    let mut twelve_done = None;
    for month in FOLLOW_UP_MONTHS {
        let due = follow_up_due(moved, month);
        let (status, done) = if ended.is_some_and(|(end, _)| due > end) {
            ("cancelled", None)
        } else if due + Duration::days(3) < w.today {
            let on = due + Duration::days(rng.range_i64(0, 3));
            (
                "done",
                Some((on, rng.chance(0.93), rng.chance(0.15), at.coordinator)),
            )
        } else {
            ("due", None)
        };
        if let Some((on, _, _, _)) = done {
            if month == 12 {
                twelve_done = Some(on);
            }
            past.audit.push(PastAudit {
                at: office(rng, on),
                entry: NewEntry {
                    actor_user_id: Some(at.coordinator),
                    actor_label: w.towns[at.t].coordinator.0.to_owned(),
                    action: "follow_up".into(),
                    entity: "proposals".into(),
                    entity_id: Some(at.id),
                    municipality_id: Some(w.ids.municipalities[at.t]),
                    details: Some(serde_json::json!({"month": month}).to_string()),
                },
            });
        }
        past.follow_ups.push(PastFollowUp {
            placement_id,
            month,
            due_on: due,
            status,
            done,
            created_at: at_noon(moved),
        });
    }
    twelve_done
}
