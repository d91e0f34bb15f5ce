//! The district's data planned without I/O: households, flats, and two years of
//! proposals, placements, follow-ups, incentive requests and audit entries, from a seed.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{Obligation, Town, at_noon, demo_household, demo_unit};
use crate::domain::Cents;
use crate::domain::household::HouseholdStatus;
use crate::domain::incentive::IncentiveStatus;
use crate::domain::pipeline::invariants::follow_up_due;
use crate::domain::pipeline::{FOLLOW_UP_MONTHS, ProposalState};
use crate::domain::unit::UnitStatus;
use crate::store::audit::NewEntry;
use crate::store::history::{
    Past, PastAudit, PastEvent, PastFollowUp, PastIncentive, PastPlacement, PastProposal,
    PastViewing,
};
use crate::store::households::{Consent, NewHousehold};
use crate::store::units::NewUnit;
use crate::util::SplitMix64;

use super::story::*;
use super::*;

mod placements;
use placements::plan_placement;

/// Plans the data set (no I/O): the same arguments give the same plan. Every random draw
/// comes from one generator in a fixed order: households, flats, the lists of who is free,
/// the proposals' stories one after another, then the incentive requests.
pub(super) fn plan(towns: &[Town<'_>], size: Size, ids: &Ids, seed: u64, today: NaiveDate) -> Plan {
    let mut rng = SplitMix64::new(seed);
    let w = World {
        towns,
        ids,
        today,
        first_day: today - Duration::days(HISTORY_DAYS),
        // Households and flats follow the towns' shares (set from their populations).
        weights: picker(towns.iter().map(|t| t.households.max(1) as f64)),
    };
    let (mut households, town_of_household) = plan_households(&mut rng, &w, size.households);
    let (mut units, town_of_unit) = plan_units(&mut rng, &w, size.units);
    let (mut free_units, mut free_households) = free_lists(
        &mut rng,
        towns.len(),
        (&units, &town_of_unit),
        (&households, &town_of_household),
    );

    let mut past = Past::default();
    let story_weights: Vec<f64> = STORIES.iter().map(|(_, w)| *w).collect();
    let mut next_proposal = ids.first_proposal;
    let mut next_placement = ids.first_placement;
    for _ in 0..size.units * 9 / 10 {
        let t = pick(&mut rng, &w.weights);
        let story = STORIES[rng.weighted(&story_weights)].0;
        // A story that ends badly happened in the past; a placement may still be on its
        // way today (it holds its flat and household alone).
        let exclusive = story == Story::Placement;
        let (free_u, free_h) = (&mut free_units[t], &mut free_households[t]);
        let Some((u, h)) = take_pair(&mut rng, exclusive, free_u, free_h) else {
            continue;
        };
        let registered = units[u].created_at.date_naive();
        let Some(start) = start_day(&mut rng, &w, exclusive, registered) else {
            if exclusive {
                free_u.push(u);
                free_h.push(h);
            }
            continue;
        };
        let steps: Vec<(ProposalState, NaiveDate)> = story_steps(&mut rng, story, start)
            .into_iter()
            .take_while(|(_, day)| *day < today)
            .collect();
        let at = At {
            t,
            id: next_proposal,
            coordinator: ids.coordinators[t],
            unit: &units[u],
            household_id: households[h].id,
        };
        next_proposal += 1;
        let mut p = walk(&mut rng, &w, &at, &steps, start, &mut past);
        // The placement from the Jobcenter's request on, and what followed the move.
        if let Some(requested) = day_of(&steps, ProposalState::JobcenterRequested) {
            let members = households[h].profile.members.len() as i32;
            let placement = (next_placement, requested, members);
            plan_placement(&mut rng, &w, &at, &mut p, &steps, placement, &mut past);
            next_placement += 1;
        }
        if exclusive {
            let free = (&mut free_units[t], &mut free_households[t]);
            leave_behind(p.state, (&mut units[u], &mut households[h]), (u, h), free);
        }
        past.proposals.push(p);
    }
    drop_shadowed_suggestions(&mut past);
    past.incentives = plan_incentives(&mut rng, &w, (&units, &town_of_unit), &past.placements);
    Plan {
        households,
        units,
        past,
    }
}

/// How the proposals' stories are shared out.
const STORIES: [(Story, f64); 8] = [
    (Story::Placement, 0.50),
    (Story::Rejected, 0.08),
    (Story::Expired, 0.08),
    (Story::LandlordDeclined, 0.08),
    (Story::HouseholdDeclined, 0.08),
    (Story::DeclinedAfterViewing, 0.08),
    (Story::JobcenterRefused, 0.04),
    (Story::Withdrawn, 0.06),
];

/// What every part of the plan reads: the towns, the ids written before, and the days.
struct World<'a, 'b> {
    towns: &'a [Town<'b>],
    ids: &'a Ids,
    today: NaiveDate,
    /// The first day of the history.
    first_day: NaiveDate,
    /// The towns' cumulative shares, for picks by town.
    weights: Vec<f64>,
}

/// One proposal being planned: its town, id, coordinator, flat and household.
struct At<'a> {
    t: usize,
    id: i64,
    coordinator: i64,
    unit: &'a NewUnit,
    household_id: i64,
}

/// Households, spread by population; each with the position of its town.
fn plan_households(
    rng: &mut SplitMix64,
    w: &World,
    count: usize,
) -> (Vec<NewHousehold>, Vec<usize>) {
    let (ids, today, first_day) = (w.ids, w.today, w.first_day);
    let mut in_town = vec![0usize; w.towns.len()];
    let mut households = Vec::with_capacity(count);
    let mut town_of_household = Vec::with_capacity(count);
    for i in 0..count {
        let t = pick(rng, &w.weights);
        let g = demo_household(rng, &w.towns[t], in_town[t], today);
        in_town[t] += 1;
        let allowed = match g.obligation {
            Obligation::None => Vec::new(),
            Obligation::Town => vec![ids.municipalities[t]],
            Obligation::District => ids.municipalities.clone(),
        };
        let since = g.profile.in_follow_up_since.unwrap_or(first_day);
        let created = office(rng, since.max(first_day));
        let consent = g.consent_days.map(|days| Consent {
            at: at_noon((today - Duration::days(days)).max(since.max(first_day))),
            scope: "matching,email,share_profile".into(),
            recorded_by: Some(ids.coordinators[t]),
        });
        let closed_at = (g.status == HouseholdStatus::Closed)
            .then(|| office_after(rng, today, -300, -1).max(created));
        households.push(NewHousehold {
            id: ids.first_household + i as i64,
            municipality_id: ids.municipalities[t],
            status: g.status,
            profile: g.profile,
            allowed_municipalities: allowed,
            consent,
            caseworker_user_id: Some(ids.coordinators[t]),
            closed_at,
            created_at: created,
        });
        town_of_household.push(t);
    }
    (households, town_of_household)
}

/// Flats, spread by population, each with the position of its town; landlords by size (the
/// first is the district's large housing company, every tenth a cooperative or company).
fn plan_units(rng: &mut SplitMix64, w: &World, count: usize) -> (Vec<NewUnit>, Vec<usize>) {
    let (ids, today) = (w.ids, w.today);
    let landlord_weights = picker((0..ids.landlords.len()).map(|l| match l {
        0 => 60.0,
        l if l % 10 == 1 => 6.0,
        _ => 1.0,
    }));
    let mut units = Vec::with_capacity(count);
    let mut town_of_unit = Vec::with_capacity(count);
    for j in 0..count {
        let t = pick(rng, &w.weights);
        let landlord = ids.landlords[pick(rng, &landlord_weights)];
        let (status, details) = demo_unit(rng, &w.towns[t], today);
        // Let outside Bleibe is not shown here: every let flat has its placement.
        let status = if status == UnitStatus::Let {
            UnitStatus::Available
        } else {
            status
        };
        let created = office_after(rng, today, -HISTORY_DAYS, -5);
        let checked = (status != UnitStatus::Submitted).then(|| {
            (
                created + Duration::days(rng.range_i64(1, 4)),
                ids.coordinators[t],
            )
        });
        units.push(NewUnit {
            id: ids.first_unit + j as i64,
            landlord_id: landlord,
            municipality_id: ids.municipalities[t],
            status,
            details,
            checked,
            created_at: created,
        });
        town_of_unit.push(t);
    }
    (units, town_of_unit)
}

/// Who can be proposed, by town and shuffled: checked-or-later flats, active households
/// with consent.
fn free_lists(
    rng: &mut SplitMix64,
    towns: usize,
    (units, town_of_unit): (&[NewUnit], &[usize]),
    (households, town_of_household): (&[NewHousehold], &[usize]),
) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut free_units: Vec<Vec<usize>> = vec![Vec::new(); towns];
    for (j, u) in units.iter().enumerate() {
        if matches!(u.status, UnitStatus::Available | UnitStatus::Checked) {
            free_units[town_of_unit[j]].push(j);
        }
    }
    let mut free_households: Vec<Vec<usize>> = vec![Vec::new(); towns];
    for (i, h) in households.iter().enumerate() {
        if h.status == HouseholdStatus::Active && h.consent.is_some() {
            free_households[town_of_household[i]].push(i);
        }
    }
    for list in free_units.iter_mut().chain(free_households.iter_mut()) {
        shuffle(rng, list);
    }
    (free_units, free_households)
}

/// The flat and household of a story: taken from the free lists for a placement (which
/// holds both alone), any free pair for a story that ends badly; none when a list is empty.
fn take_pair(
    rng: &mut SplitMix64,
    exclusive: bool,
    free_units: &mut Vec<usize>,
    free_households: &mut Vec<usize>,
) -> Option<(usize, usize)> {
    if exclusive {
        return match (free_units.pop(), free_households.pop()) {
            (Some(u), Some(h)) => Some((u, h)),
            (u, h) => {
                free_units.extend(u);
                free_households.extend(h);
                None
            }
        };
    }
    if free_units.is_empty() || free_households.is_empty() {
        return None;
    }
    let u = free_units[rng.range_i64(0, free_units.len() as i64 - 1) as usize];
    let h = free_households[rng.range_i64(0, free_households.len() as i64 - 1) as usize];
    Some((u, h))
}

/// The day a story starts: a day of the history (until yesterday for a placement, until
/// 90 days ago for a story that ends badly), at least three days after its flat came in;
/// none when that is too late.
fn start_day(
    rng: &mut SplitMix64,
    w: &World,
    exclusive: bool,
    registered: NaiveDate,
) -> Option<NaiveDate> {
    let latest_start = if exclusive {
        w.today - Duration::days(1)
    } else {
        w.today - Duration::days(90)
    };
    let span = (latest_start - w.first_day).num_days().max(1);
    let start =
        (w.first_day + Duration::days(rng.range_i64(0, span))).max(registered + Duration::days(3));
    (start <= latest_start).then_some(start)
}

/// The day a story reached `state`, if it did.
fn day_of(steps: &[(ProposalState, NaiveDate)], state: ProposalState) -> Option<NaiveDate> {
    steps.iter().find(|(x, _)| *x == state).map(|(_, d)| *d)
}

/// A proposal walked through its steps: an event and an audit entry per step, its dates,
/// its viewing; closed when its last state is final.
fn walk(
    rng: &mut SplitMix64,
    w: &World,
    at: &At,
    steps: &[(ProposalState, NaiveDate)],
    start: NaiveDate,
    past: &mut Past,
) -> PastProposal {
    let mut state = ProposalState::Suggested;
    let created_at = office(rng, start);
    let mut p = PastProposal {
        id: at.id,
        unit_id: at.unit.id,
        household_id: at.household_id,
        state,
        score: (rng.range_f64(0.45, 0.95) * 1000.0).round() / 1000.0,
        created_at,
        state_changed_at: created_at,
        approved: None,
        sent_at: None,
        answer_due_at: None,
        landlord_answered_at: None,
        household_answered_at: None,
        closed_at: None,
    };
    past.events.push(PastEvent {
        proposal_id: at.id,
        from: None,
        to: ProposalState::Suggested,
        actor_kind: "system",
        actor_user_id: None,
        reason_code: None,
        at: p.created_at,
    });
    for (to, day) in steps.iter().skip(1) {
        let when = office(rng, *day).max(p.state_changed_at);
        let kind = actor(*to, state);
        let actor_user_id = (kind == "coordinator").then_some(at.coordinator);
        past.events.push(PastEvent {
            proposal_id: at.id,
            from: Some(state),
            to: *to,
            actor_kind: kind,
            actor_user_id,
            reason_code: reason(*to, rng),
            at: when,
        });
        past.audit.push(step_audit(w, at, kind, (state, *to), when));
        record_step(rng, at, &mut p, (state, *to), (*day, when), past);
        state = *to;
        p.state_changed_at = when;
    }
    // A viewing not yet held is still ahead.
    if state == ProposalState::ViewingScheduled
        && let Some(v) = past.viewings.last_mut()
    {
        v.status = "scheduled";
        v.starts_at = office_after(rng, w.today, 1, 8);
    }
    if state.is_final() {
        p.closed_at = Some(p.state_changed_at);
    }
    p.state = state;
    p
}

/// The audit entry of one step, by the coordinator or by the side that answered.
fn step_audit(
    w: &World,
    at: &At,
    kind: &str,
    (from, to): (ProposalState, ProposalState),
    when: DateTime<Utc>,
) -> PastAudit {
    let coordinator = kind == "coordinator";
    PastAudit {
        at: when,
        entry: NewEntry {
            actor_user_id: coordinator.then_some(at.coordinator),
            actor_label: if coordinator {
                w.towns[at.t].coordinator.0.to_owned()
            } else {
                kind.to_owned()
            },
            action: if coordinator {
                "pipeline_step".into()
            } else {
                format!("{kind}_answer")
            },
            entity: "proposals".into(),
            entity_id: Some(at.id),
            municipality_id: Some(w.ids.municipalities[at.t]),
            details: Some(
                serde_json::json!({"from": from.as_str(), "to": to.as_str()}).to_string(),
            ),
        },
    }
}

/// What a step changes on the proposal (its dates), or the viewing it schedules.
fn record_step(
    rng: &mut SplitMix64,
    at: &At,
    p: &mut PastProposal,
    (state, to): (ProposalState, ProposalState),
    (day, when): (NaiveDate, DateTime<Utc>),
    past: &mut Past,
) {
    match to {
        ProposalState::Approved => p.approved = Some((when, at.coordinator)),
        ProposalState::Sent => {
            p.sent_at = Some(when);
            p.answer_due_at = Some(when + Duration::days(14));
        }
        ProposalState::LandlordAccepted | ProposalState::LandlordDeclined => {
            p.landlord_answered_at = Some(when)
        }
        ProposalState::HouseholdAccepted | ProposalState::HouseholdDeclined => {
            p.household_answered_at = Some(when)
        }
        ProposalState::Accepted if state == ProposalState::LandlordAccepted => {
            p.household_answered_at = Some(when)
        }
        ProposalState::Accepted => p.landlord_answered_at = Some(when),
        ProposalState::ViewingScheduled => past.viewings.push(PastViewing {
            proposal_id: at.id,
            status: "held",
            starts_at: office_after(rng, day, 2, 6),
            place: at.unit.details.address.one_line(),
            created_at: when,
        }),
        _ => {}
    }
}

/// What a placement's story leaves behind: its flat held or let, its household placed;
/// a suggestion holds nothing, so both go back to the free lists.
fn leave_behind(
    state: ProposalState,
    (unit, household): (&mut NewUnit, &mut NewHousehold),
    (u, h): (usize, usize),
    (free_units, free_households): (&mut Vec<usize>, &mut Vec<usize>),
) {
    use ProposalState::*;
    unit.status = match state {
        Suggested => UnitStatus::Available,
        MovedIn | Sustained => UnitStatus::Let,
        EndedEarly => UnitStatus::Checked,
        _ => UnitStatus::Reserved,
    };
    if matches!(state, MovedIn | Sustained) {
        household.status = HouseholdStatus::Placed;
    }
    if state == Suggested {
        free_units.insert(0, u);
        free_households.insert(0, h);
    }
}

/// Two suggestions for one flat or household would be one too many only once approved; a
/// suggestion left open holds nothing, so suggestions that share a flat or household with
/// another open proposal are dropped, with their events and audit entries.
fn drop_shadowed_suggestions(past: &mut Past) {
    let mut held_units = std::collections::HashSet::new();
    let mut held_households = std::collections::HashSet::new();
    for p in past
        .proposals
        .iter()
        .filter(|p| p.state.holds_unit_and_household())
    {
        held_units.insert(p.unit_id);
        held_households.insert(p.household_id);
    }
    let dropped: std::collections::HashSet<i64> = past
        .proposals
        .iter()
        .filter(|p| {
            p.state == ProposalState::Suggested
                && (held_units.contains(&p.unit_id) || held_households.contains(&p.household_id))
        })
        .map(|p| p.id)
        .collect();
    past.proposals.retain(|p| !dropped.contains(&p.id));
    past.events.retain(|e| !dropped.contains(&e.proposal_id));
    past.audit
        .retain(|a| a.entry.entity_id.is_none_or(|id| !dropped.contains(&id)));
}

/// Incentive requests: about half the flats ask for one; let flats got theirs.
fn plan_incentives(
    rng: &mut SplitMix64,
    w: &World,
    (units, town_of_unit): (&[NewUnit], &[usize]),
    placements: &[PastPlacement],
) -> Vec<PastIncentive> {
    let today = w.today;
    let let_units: std::collections::HashSet<i64> = placements
        .iter()
        .filter(|p| matches!(p.outcome, "living" | "sustained"))
        .map(|p| p.unit_id)
        .collect();
    let mut incentives = Vec::new();
    for (j, unit) in units.iter().enumerate() {
        let t = town_of_unit[j];
        let programmes = &w.ids.programmes[t];
        if programmes.is_empty() || !rng.chance(0.5) {
            continue;
        }
        let (programme, _kind, amount) =
            programmes[rng.range_i64(0, programmes.len() as i64 - 1) as usize];
        let requested_at = unit.created_at + Duration::minutes(5);
        let decided_at = requested_at + Duration::days(rng.range_i64(3, 20));
        let decided_day = decided_at.date_naive();
        let status = if unit.status == UnitStatus::Submitted || decided_day >= today {
            IncentiveStatus::Requested
        } else if let_units.contains(&unit.id) {
            if amount.is_some() && rng.chance(0.6) {
                IncentiveStatus::Paid
            } else {
                IncentiveStatus::Granted
            }
        } else {
            *rng.pick(&[
                IncentiveStatus::Granted,
                IncentiveStatus::Granted,
                IncentiveStatus::Declined,
                IncentiveStatus::Withdrawn,
            ])
        };
        let decided = matches!(
            status,
            IncentiveStatus::Granted | IncentiveStatus::Paid | IncentiveStatus::Declined
        )
        .then_some((decided_at, w.ids.coordinators[t]));
        let granted =
            matches!(status, IncentiveStatus::Granted | IncentiveStatus::Paid).then(|| {
                (
                    amount.unwrap_or(Cents::ZERO),
                    decided_day,
                    Some(decided_day + Duration::days(3 * 365)),
                )
            });
        let paid = (status == IncentiveStatus::Paid).then(|| {
            (
                amount.unwrap_or(Cents::ZERO),
                (decided_day + Duration::days(rng.range_i64(10, 60)))
                    .min(today - Duration::days(1))
                    .max(decided_day),
            )
        });
        incentives.push(PastIncentive {
            unit_id: unit.id,
            programme_id: programme,
            status,
            requested_at,
            decided,
            granted,
            paid,
        });
    }
    incentives
}
