//! The district's data planned without I/O: households, flats, and two years of
//! proposals, placements, follow-ups, incentive requests and audit entries, from a seed.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{Obligation, Town, ascii, at_noon, demo_household, demo_unit};
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

use super::*;

/// How a proposal's story goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    /// To the move-in and beyond (or as far as today allows).
    Placement,
    Rejected,
    Expired,
    LandlordDeclined,
    HouseholdDeclined,
    DeclinedAfterViewing,
    JobcenterRefused,
    Withdrawn,
}

/// Weighted picks by cumulative weight.
fn picker(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

fn pick(rng: &mut SplitMix64, cumulative: &[f64]) -> usize {
    let x = rng.unit() * cumulative.last().copied().unwrap_or(0.0);
    cumulative
        .partition_point(|c| *c <= x)
        .min(cumulative.len().saturating_sub(1))
}

fn shuffle<T>(rng: &mut SplitMix64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.range_i64(0, i as i64) as usize;
        items.swap(i, j);
    }
}

/// A time of day in office hours on `day`.
fn office(rng: &mut SplitMix64, day: NaiveDate) -> DateTime<Utc> {
    at_noon(day) + Duration::minutes(rng.range_i64(-180, 240))
}

/// A time in office hours `min` to `max` days after `day`.
fn office_after(rng: &mut SplitMix64, day: NaiveDate, min: i64, max: i64) -> DateTime<Utc> {
    let day = day + Duration::days(rng.range_i64(min, max));
    office(rng, day)
}

/// Adds a step `min` to `max` days after the last one.
fn after(
    rng: &mut SplitMix64,
    steps: &mut Vec<(ProposalState, NaiveDate)>,
    state: ProposalState,
    min: i64,
    max: i64,
) {
    let last = steps.last().map_or(NaiveDate::MIN, |(_, d)| *d);
    steps.push((state, last + Duration::days(rng.range_i64(min, max))));
}

/// The steps of a story from its first day: (state reached, day). Days only grow.
fn story_steps(
    rng: &mut SplitMix64,
    story: Story,
    start: NaiveDate,
) -> Vec<(ProposalState, NaiveDate)> {
    use ProposalState::*;
    let mut steps = vec![(Suggested, start)];
    if story == Story::Rejected {
        after(rng, &mut steps, Rejected, 0, 3);
        return steps;
    }
    after(rng, &mut steps, Approved, 0, 3);
    after(rng, &mut steps, Sent, 0, 1);
    let end = match story {
        Story::Expired => Some((Expired, 14, 14)),
        Story::LandlordDeclined => Some((LandlordDeclined, 1, 9)),
        Story::HouseholdDeclined => Some((HouseholdDeclined, 1, 9)),
        Story::Withdrawn => Some((Withdrawn, 1, 10)),
        _ => None,
    };
    if let Some((state, min, max)) = end {
        after(rng, &mut steps, state, min, max);
        return steps;
    }
    let first = if rng.chance(0.5) {
        LandlordAccepted
    } else {
        HouseholdAccepted
    };
    after(rng, &mut steps, first, 1, 6);
    after(rng, &mut steps, Accepted, 1, 7);
    after(rng, &mut steps, ViewingScheduled, 1, 4);
    after(rng, &mut steps, ViewingHeld, 3, 10);
    if story == Story::DeclinedAfterViewing {
        let who = if rng.chance(0.5) {
            LandlordDeclined
        } else {
            HouseholdDeclined
        };
        after(rng, &mut steps, who, 1, 5);
        return steps;
    }
    after(rng, &mut steps, JobcenterRequested, 1, 4);
    if story == Story::JobcenterRefused {
        after(rng, &mut steps, JobcenterRefused, 7, 21);
        return steps;
    }
    after(rng, &mut steps, JobcenterGranted, 7, 21);
    after(rng, &mut steps, LeaseSigned, 3, 14);
    // Moving in on the first of the next month, or a few days later.
    let signed = steps.last().map_or(start, |(_, d)| *d);
    let first_of_next = NaiveDate::from_ymd_opt(signed.year(), signed.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(signed);
    steps.push((MovedIn, first_of_next + Duration::days(rng.range_i64(0, 3))));
    steps
}

fn actor(state: ProposalState, from: ProposalState) -> &'static str {
    use ProposalState::*;
    match state {
        LandlordAccepted | LandlordDeclined => "landlord",
        HouseholdAccepted | HouseholdDeclined => "household",
        Accepted if from == LandlordAccepted => "household",
        Accepted => "landlord",
        Expired => "system",
        _ => "coordinator",
    }
}

fn reason(state: ProposalState, rng: &mut SplitMix64) -> Option<&'static str> {
    use ProposalState::*;
    match state {
        LandlordDeclined => Some(*rng.pick(&[
            "already_let",
            "household_size",
            "timing",
            "personal",
            "other",
        ])),
        HouseholdDeclined => {
            Some(*rng.pick(&["too_far", "too_expensive", "too_small", "timing", "other"]))
        }
        Withdrawn => Some("other"),
        _ => None,
    }
}

/// Plans the data set (no I/O): the same arguments give the same plan.
pub(super) fn plan(towns: &[Town<'_>], size: Size, ids: &Ids, seed: u64, today: NaiveDate) -> Plan {
    let mut rng = SplitMix64::new(seed);
    let first_day = today - Duration::days(HISTORY_DAYS);
    // Households and flats follow the towns' shares (set from their populations).
    let weights = picker(towns.iter().map(|t| t.households.max(1) as f64));

    // Households, spread by population.
    let mut in_town = vec![0usize; towns.len()];
    let mut households = Vec::with_capacity(size.households);
    let mut town_of_household = Vec::with_capacity(size.households);
    for i in 0..size.households {
        let t = pick(&mut rng, &weights);
        let g = demo_household(&mut rng, &towns[t], in_town[t], today);
        in_town[t] += 1;
        let allowed = match g.obligation {
            Obligation::None => Vec::new(),
            Obligation::Town => vec![ids.municipalities[t]],
            Obligation::District => ids.municipalities.clone(),
        };
        let since = g.profile.in_follow_up_since.unwrap_or(first_day);
        let created = office(&mut rng, since.max(first_day));
        let consent = g.consent_days.map(|days| Consent {
            at: at_noon((today - Duration::days(days)).max(since.max(first_day))),
            scope: "matching,email,share_profile".into(),
            recorded_by: Some(ids.coordinators[t]),
        });
        let closed_at = (g.status == HouseholdStatus::Closed)
            .then(|| office_after(&mut rng, today, -300, -1).max(created));
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

    // Flats, spread by population; landlords by size (the first is the district's large
    // housing company, every tenth a cooperative or company).
    let landlord_weights = picker((0..ids.landlords.len()).map(|l| match l {
        0 => 60.0,
        l if l % 10 == 1 => 6.0,
        _ => 1.0,
    }));
    let mut units = Vec::with_capacity(size.units);
    let mut town_of_unit = Vec::with_capacity(size.units);
    for j in 0..size.units {
        let t = pick(&mut rng, &weights);
        let landlord = ids.landlords[pick(&mut rng, &landlord_weights)];
        let (status, details) = demo_unit(&mut rng, &towns[t], today);
        // Let outside Bleibe is not shown here: every let flat has its placement.
        let status = if status == UnitStatus::Let {
            UnitStatus::Available
        } else {
            status
        };
        let created = office_after(&mut rng, today, -HISTORY_DAYS, -5);
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

    // Who can be proposed: checked-or-later flats, active households with consent, by town.
    let mut free_units: Vec<Vec<usize>> = vec![Vec::new(); towns.len()];
    for (j, u) in units.iter().enumerate() {
        if matches!(u.status, UnitStatus::Available | UnitStatus::Checked) {
            free_units[town_of_unit[j]].push(j);
        }
    }
    let mut free_households: Vec<Vec<usize>> = vec![Vec::new(); towns.len()];
    for (i, h) in households.iter().enumerate() {
        if h.status == HouseholdStatus::Active && h.consent.is_some() {
            free_households[town_of_household[i]].push(i);
        }
    }
    for list in free_units.iter_mut().chain(free_households.iter_mut()) {
        shuffle(&mut rng, list);
    }

    let mut past = Past::default();
    let stories = [
        (Story::Placement, 0.50),
        (Story::Rejected, 0.08),
        (Story::Expired, 0.08),
        (Story::LandlordDeclined, 0.08),
        (Story::HouseholdDeclined, 0.08),
        (Story::DeclinedAfterViewing, 0.08),
        (Story::JobcenterRefused, 0.04),
        (Story::Withdrawn, 0.06),
    ];
    let story_weights: Vec<f64> = stories.iter().map(|(_, w)| *w).collect();
    let count = size.units * 9 / 10;
    let mut next_proposal = ids.first_proposal;
    let mut next_placement = ids.first_placement;
    for _ in 0..count {
        let t = pick(&mut rng, &weights);
        let story = stories[rng.weighted(&story_weights)].0;
        // A story that ends badly happened in the past; a placement may still be on its
        // way today (it holds its flat and household alone).
        let exclusive = story == Story::Placement;
        let (u, h) = if exclusive {
            match (free_units[t].pop(), free_households[t].pop()) {
                (Some(u), Some(h)) => (u, h),
                (u, h) => {
                    free_units[t].extend(u);
                    free_households[t].extend(h);
                    continue;
                }
            }
        } else {
            match (free_units[t].last(), free_households[t].last()) {
                (Some(_), Some(_)) => (
                    free_units[t][rng.range_i64(0, free_units[t].len() as i64 - 1) as usize],
                    free_households[t]
                        [rng.range_i64(0, free_households[t].len() as i64 - 1) as usize],
                ),
                _ => continue,
            }
        };
        let latest_start = if exclusive {
            today - Duration::days(1)
        } else {
            today - Duration::days(90)
        };
        let span = (latest_start - first_day).num_days().max(1);
        let start = (first_day + Duration::days(rng.range_i64(0, span)))
            .max(units[u].created_at.date_naive() + Duration::days(3));
        if start > latest_start {
            if exclusive {
                free_units[t].push(u);
                free_households[t].push(h);
            }
            continue;
        }
        let steps: Vec<(ProposalState, NaiveDate)> = story_steps(&mut rng, story, start)
            .into_iter()
            .take_while(|(_, day)| *day < today)
            .collect();
        let id = next_proposal;
        next_proposal += 1;
        let coordinator = ids.coordinators[t];
        let mut state = ProposalState::Suggested;
        let created_at = office(&mut rng, start);
        let mut p = PastProposal {
            id,
            unit_id: units[u].id,
            household_id: households[h].id,
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
            proposal_id: id,
            from: None,
            to: ProposalState::Suggested,
            actor_kind: "system",
            actor_user_id: None,
            reason_code: None,
            at: p.created_at,
        });
        for (to, day) in steps.iter().skip(1) {
            let at = office(&mut rng, *day).max(p.state_changed_at);
            let kind = actor(*to, state);
            past.events.push(PastEvent {
                proposal_id: id,
                from: Some(state),
                to: *to,
                actor_kind: kind,
                actor_user_id: (kind == "coordinator").then_some(coordinator),
                reason_code: reason(*to, &mut rng),
                at,
            });
            past.audit.push(PastAudit {
                at,
                entry: NewEntry {
                    actor_user_id: (kind == "coordinator").then_some(coordinator),
                    actor_label: if kind == "coordinator" {
                        towns[t].coordinator.0.to_owned()
                    } else {
                        kind.to_owned()
                    },
                    action: if kind == "coordinator" {
                        "pipeline_step".into()
                    } else {
                        format!("{kind}_answer")
                    },
                    entity: "proposals".into(),
                    entity_id: Some(id),
                    municipality_id: Some(ids.municipalities[t]),
                    details: Some(
                        serde_json::json!({"from": state.as_str(), "to": to.as_str()}).to_string(),
                    ),
                },
            });
            match to {
                ProposalState::Approved => p.approved = Some((at, coordinator)),
                ProposalState::Sent => {
                    p.sent_at = Some(at);
                    p.answer_due_at = Some(at + Duration::days(14));
                }
                ProposalState::LandlordAccepted | ProposalState::LandlordDeclined => {
                    p.landlord_answered_at = Some(at)
                }
                ProposalState::HouseholdAccepted | ProposalState::HouseholdDeclined => {
                    p.household_answered_at = Some(at)
                }
                ProposalState::Accepted if state == ProposalState::LandlordAccepted => {
                    p.household_answered_at = Some(at)
                }
                ProposalState::Accepted => p.landlord_answered_at = Some(at),
                ProposalState::ViewingScheduled => past.viewings.push(PastViewing {
                    proposal_id: id,
                    status: "held",
                    starts_at: office_after(&mut rng, *day, 2, 6),
                    place: {
                        let a = &units[u].details.address;
                        format!(
                            "{} {}, {} {}",
                            a.street, a.house_number, a.postal_code, a.town
                        )
                    },
                    created_at: at,
                }),
                _ => {}
            }
            state = *to;
            p.state_changed_at = at;
        }
        // A viewing not yet held is still ahead.
        if state == ProposalState::ViewingScheduled
            && let Some(v) = past.viewings.last_mut()
        {
            v.status = "scheduled";
            v.starts_at = office_after(&mut rng, today, 1, 8);
        }
        if state.is_final() {
            p.closed_at = Some(p.state_changed_at);
        }
        p.state = state;

        // The placement from the Jobcenter's request on, and what followed the move.
        let day_of = |s: ProposalState| steps.iter().find(|(x, _)| *x == s).map(|(_, d)| *d);
        if let Some(requested) = day_of(ProposalState::JobcenterRequested) {
            let placement_id = next_placement;
            next_placement += 1;
            let decided = day_of(ProposalState::JobcenterGranted)
                .map(|d| ("granted", d))
                .or_else(|| day_of(ProposalState::JobcenterRefused).map(|d| ("refused", d)));
            let lease = day_of(ProposalState::LeaseSigned).map(|signed| {
                let start = day_of(ProposalState::MovedIn).unwrap_or_else(|| {
                    NaiveDate::from_ymd_opt(signed.year(), signed.month(), 1)
                        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                        .unwrap_or(signed)
                });
                (
                    if rng.chance(0.2) {
                        "head_lease"
                    } else {
                        "direct"
                    },
                    signed,
                    start.max(signed),
                )
            });
            let moved = day_of(ProposalState::MovedIn);
            let members = households[h].profile.members.len() as i32;
            let mut outcome = match (state, moved) {
                (ProposalState::JobcenterRefused, _) => "cancelled",
                (_, Some(_)) => "living",
                _ => "open",
            };
            let mut ended = None;
            if let Some(moved) = moved {
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
                let mut twelve_done = None;
                for month in FOLLOW_UP_MONTHS {
                    let due = follow_up_due(moved, month);
                    let (status, done) = if ended.is_some_and(|(end, _)| due > end) {
                        ("cancelled", None)
                    } else if due + Duration::days(3) < today {
                        let on = due + Duration::days(rng.range_i64(0, 3));
                        (
                            "done",
                            Some((on, rng.chance(0.93), rng.chance(0.15), coordinator)),
                        )
                    } else {
                        ("due", None)
                    };
                    if let Some((on, _, _, _)) = done {
                        if month == 12 {
                            twelve_done = Some(on);
                        }
                        past.audit.push(PastAudit {
                            at: office(&mut rng, on),
                            entry: NewEntry {
                                actor_user_id: Some(coordinator),
                                actor_label: towns[t].coordinator.0.to_owned(),
                                action: "follow_up".into(),
                                entity: "proposals".into(),
                                entity_id: Some(id),
                                municipality_id: Some(ids.municipalities[t]),
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
                let closing = if let Some((on, _)) = ended {
                    outcome = "ended_early";
                    Some((ProposalState::EndedEarly, on))
                } else if let Some(on) = twelve_done {
                    outcome = "sustained";
                    Some((ProposalState::Sustained, on))
                } else {
                    None
                };
                if let Some((to, on)) = closing {
                    let at = office(&mut rng, on).max(p.state_changed_at);
                    past.events.push(PastEvent {
                        proposal_id: id,
                        from: Some(ProposalState::MovedIn),
                        to,
                        actor_kind: "coordinator",
                        actor_user_id: Some(coordinator),
                        reason_code: ended.map(|(_, code)| code),
                        at,
                    });
                    p.state = to;
                    p.state_changed_at = at;
                    p.closed_at = Some(at);
                }
            }
            let unit = &units[u].details;
            past.placements.push(PastPlacement {
                id: placement_id,
                proposal_id: id,
                unit_id: units[u].id,
                household_id: households[h].id,
                municipality_id: ids.municipalities[t],
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
                created_at: office(&mut rng, requested),
            });
        }

        // What the story leaves behind: a flat held or let, a household placed.
        if exclusive {
            use ProposalState::*;
            units[u].status = match p.state {
                Suggested => UnitStatus::Available,
                MovedIn | Sustained => UnitStatus::Let,
                EndedEarly => UnitStatus::Checked,
                _ => UnitStatus::Reserved,
            };
            if matches!(p.state, MovedIn | Sustained) {
                households[h].status = HouseholdStatus::Placed;
            }
            if p.state == Suggested {
                // Suggested holds nothing: both may be proposed again.
                free_units[t].insert(0, u);
                free_households[t].insert(0, h);
            }
        }
        past.proposals.push(p);
    }
    // Two suggestions for one flat or household would be one too many only once
    // approved; a suggestion left open holds nothing, so drop suggestions that share a
    // flat or household with another open proposal.
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

    // Incentive requests: about half the flats ask for one; let flats got theirs.
    let let_units: std::collections::HashSet<i64> = past
        .placements
        .iter()
        .filter(|p| matches!(p.outcome, "living" | "sustained"))
        .map(|p| p.unit_id)
        .collect();
    for (j, unit) in units.iter().enumerate() {
        let t = town_of_unit[j];
        let programmes = &ids.programmes[t];
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
        .then_some((decided_at, ids.coordinators[t]));
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
        past.incentives.push(PastIncentive {
            unit_id: unit.id,
            programme_id: programme,
            status,
            requested_at,
            decided,
            granted,
            paid,
        });
    }
    Plan {
        households,
        units,
        past,
    }
}

const COMPANIES: &[&str] = &[
    "Wohnbau Oberschwaben GmbH",
    "Hausverwaltung Riß GmbH",
    "Baugenossenschaft Laupheim eG",
    "Immobilien Federsee GmbH",
    "Siedlungswerk Riedlingen eG",
];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Bernd", "Claudia", "Dieter", "Elke", "Frank", "Gabriele", "Hans", "Irene", "Jürgen",
    "Karin", "Lothar", "Monika", "Norbert", "Ursula", "Walter", "Aylin", "Mehmet",
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmid",
    "Schneider",
    "Maier",
    "Wagner",
    "Baur",
    "Hepp",
    "Zoller",
    "Rapp",
    "Gerster",
    "Haas",
    "Kessler",
    "Reiser",
    "Sauter",
    "Ströbele",
    "Yıldız",
    "Fischer",
];

/// The `l`-th landlord: the district's housing company, then companies and cooperatives
/// (every tenth) and private landlords; name, kind and a unique e-mail address.
pub(super) fn landlord_name(l: usize) -> (String, &'static str, String) {
    if l == 0 {
        return (
            "Kreisbau Biberach eG".into(),
            "cooperative",
            "vermietung@kreisbau-biberach.example".into(),
        );
    }
    if l % 10 == 1 {
        let name = COMPANIES[(l / 10) % COMPANIES.len()];
        let round = l / (10 * COMPANIES.len());
        let name = if round == 0 {
            name.to_owned()
        } else {
            format!("{name} ({})", round + 1)
        };
        return (name, "company", format!("vermietung.{l:03}@firma.example"));
    }
    let first = FIRST_NAMES[l % FIRST_NAMES.len()];
    let last = LAST_NAMES[(l / FIRST_NAMES.len()) % LAST_NAMES.len()];
    (
        format!("{first} {last}"),
        "private",
        format!("{}.{}.{l:03}@example.org", ascii(first), ascii(last)),
    )
}
