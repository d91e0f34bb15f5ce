//! `bleibe demo --scale district`: the 45 municipalities of the Landkreis Biberach (real
//! keys, names, centres, postal codes and populations from `assets/geo`), 20,000
//! households, 5,000 flats, 500 landlords and two years of history: proposals in every
//! state with their events and viewings, placements with their follow-ups, incentive
//! requests and the audit log. For measuring Bleibe at the size of a real district.
//!
//! The people, flats and past are planned first, without the database ([`plan`]: the same
//! seed, sizes and day give the same plan), then written in bulk. Every proposal's path
//! takes only moves the pipeline allows, a flat and a household have at most one open
//! proposal, and statuses follow the placements (a household that moved in is placed, its
//! flat let); the tests check this on the plan and `bleibe check-data` on the database.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::TransactionTrait;

use super::{
    ADMIN_PASSWORD, COORDINATOR_PASSWORD, DemoLogin, LANDLORD_PASSWORD, Obligation, Town,
    VOLUNTEER_PASSWORD, ascii, at_noon, demo_household, demo_rules, demo_unit, programmes,
};
use crate::app::App;
use crate::domain::geo::GeoPoint;
use crate::domain::household::HouseholdStatus;
use crate::domain::incentive::{IncentiveKind, IncentiveStatus};
use crate::domain::pipeline::invariants::follow_up_due;
use crate::domain::pipeline::{FOLLOW_UP_MONTHS, ProposalState};
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::domain::{Cents, Locale};
use crate::services::auth::hash_password;
use crate::store::audit::NewEntry;
use crate::store::history::{
    Past, PastAudit, PastEvent, PastFollowUp, PastIncentive, PastPlacement, PastProposal,
    PastViewing,
};
use crate::store::households::{Consent, NewHousehold};
use crate::store::landlords::NewLandlord;
use crate::store::municipalities::NewMunicipality;
use crate::store::units::NewUnit;
use crate::store::users::NewUser;
use crate::store::{
    bulk, history, households, incentives, landlords, municipalities, units, users,
};
use crate::util::SplitMix64;

/// The district the data set is made of: 45 municipalities, from the small villages to
/// Biberach an der Riß.
pub const DISTRICT: &str = "Landkreis Biberach";

/// How big the data set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub households: usize,
    pub units: usize,
    pub landlords: usize,
}

impl Size {
    /// A district: 20,000 households, 5,000 flats, 500 landlords.
    pub const DISTRICT: Size = Size {
        households: 20_000,
        units: 5_000,
        landlords: 500,
    };
}

/// The days of history before today.
const HISTORY_DAYS: i64 = 730;

/// A municipality of the district with what the demo needs to speak of it.
#[derive(Debug, Clone)]
pub struct Place {
    pub ags: String,
    pub name: String,
    /// For references: "BC" and the key's last three digits.
    pub short: String,
    pub lat: f64,
    pub lon: f64,
    pub postal_codes: Vec<String>,
    pub population: f64,
    pub coordinator_name: String,
    pub coordinator_email: String,
}

const COORDINATOR_NAMES: &[&str] = &[
    "Sabine Ott",
    "Markus Rieger",
    "Petra Heinzelmann",
    "Tobias Maucher",
    "Carina Locher",
    "Stefan Kräutle",
    "Nadine Schick",
    "Holger Buck",
    "Miriam Ruf",
    "Jens Wiest",
];

/// The district's municipalities, by official key.
pub fn places() -> Vec<Place> {
    crate::sim::bw_municipalities()
        .into_iter()
        .filter(|m| m.district == DISTRICT)
        .enumerate()
        .map(|(i, m)| {
            let slug = ascii(&m.name.replace(' ', "-").replace('ß', "ss"));
            Place {
                short: format!("BC{}", &m.ags[m.ags.len().saturating_sub(3)..]),
                coordinator_name: COORDINATOR_NAMES[i % COORDINATOR_NAMES.len()].to_owned(),
                coordinator_email: format!("koordination.{slug}@bleibe.example"),
                population: f64::from(m.population.unwrap_or(3_000).max(500)),
                postal_codes: m.postal_codes,
                ags: m.ags,
                name: m.name,
                lat: m.lat,
                lon: m.lon,
            }
        })
        .collect()
}

/// Rent caps and rents rise a little with the size of the place.
fn size_factor(population: f64) -> f64 {
    (0.9 + 0.1 * (population / 3_000.0).log10()).clamp(0.85, 1.3)
}

fn towns<'a>(places: &'a [Place], postal: &'a [Vec<&'a str>]) -> Vec<Town<'a>> {
    places
        .iter()
        .zip(postal)
        .map(|(p, codes)| {
            let f = size_factor(p.population);
            let cap = |base: f64| ((base * f) / 5.0).round() as i64 * 5;
            Town {
                ags: &p.ags,
                name: &p.name,
                short: &p.short,
                district: DISTRICT,
                lat: p.lat,
                lon: p.lon,
                postal_codes: codes,
                caps: [cap(500.0), cap(610.0), cap(725.0), cap(845.0), cap(960.0)],
                extra: cap(115.0),
                rent_per_m2: (7.6 * f * 10.0).round() / 10.0,
                households: 0,
                units: 0,
                coordinator: (&p.coordinator_name, &p.coordinator_email),
            }
        })
        .collect()
}

/// The ids of what was written before the plan: per municipality its id, coordinator and
/// programmes (id, kind, amount); the landlords; the first free ids of the bulk tables.
#[derive(Debug, Clone)]
pub struct Ids {
    pub municipalities: Vec<i64>,
    pub coordinators: Vec<i64>,
    pub programmes: Vec<Vec<(i64, IncentiveKind, Option<Cents>)>>,
    pub landlords: Vec<i64>,
    pub first_household: i64,
    pub first_unit: i64,
    pub first_proposal: i64,
    pub first_placement: i64,
}

/// Everything to write in bulk.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub households: Vec<NewHousehold>,
    pub units: Vec<NewUnit>,
    pub past: Past,
}

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
fn plan(towns: &[Town<'_>], size: Size, ids: &Ids, seed: u64, today: NaiveDate) -> Plan {
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
fn landlord_name(l: usize) -> (String, &'static str, String) {
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

/// Fills an empty database with the district: everything small through the usual store
/// functions, the rest in bulk, all in one transaction. Returns the logins.
pub async fn seed(app: &App, size: Size) -> anyhow::Result<Vec<DemoLogin>> {
    let now = app.clock.now();
    let today = app.clock.today();
    let places = places();
    anyhow::ensure!(
        !places.is_empty(),
        "no municipalities of {DISTRICT} in the shipped table"
    );
    let postal: Vec<Vec<&str>> = places
        .iter()
        .map(|p| p.postal_codes.iter().map(String::as_str).collect())
        .collect();
    let mut towns = towns(&places, &postal);
    // Households and flats follow the population.
    let people: f64 = places.iter().map(|p| p.population).sum();
    for (town, place) in towns.iter_mut().zip(&places) {
        town.households = ((place.population / people) * size.households as f64).round() as usize;
        town.units = ((place.population / people) * size.units as f64).round() as usize;
    }

    let admin_hash = hash_password(ADMIN_PASSWORD)?;
    let coordinator_hash = hash_password(COORDINATOR_PASSWORD)?;
    let landlord_hash = hash_password(LANDLORD_PASSWORD)?;
    let volunteer_hash = hash_password(VOLUNTEER_PASSWORD)?;
    let user = |email: String, name: String, role: Role, hash: &str| NewUser {
        email,
        display_name: name,
        role,
        locale: Locale::De,
        password_hash: Some(hash.to_owned()),
        email_confirmed: true,
    };

    let txn = app.db.begin().await?;
    let mut logins = Vec::new();
    let admin_id = users::insert(
        &txn,
        &user(
            "admin@bleibe.example".into(),
            "Bleibe Administration".into(),
            Role::Admin,
            &admin_hash,
        ),
        now,
    )
    .await?;
    logins.push(DemoLogin {
        role: Role::Admin,
        email: "admin@bleibe.example".into(),
        password: ADMIN_PASSWORD.into(),
        scope: "alle Kommunen / all municipalities".into(),
    });
    let mut ids = Ids {
        municipalities: Vec::new(),
        coordinators: Vec::new(),
        programmes: Vec::new(),
        landlords: Vec::new(),
        first_household: 0,
        first_unit: 0,
        first_proposal: 0,
        first_placement: 0,
    };
    // Logins to print: the coordinators of the three largest places.
    let mut by_size: Vec<usize> = (0..places.len()).collect();
    by_size.sort_by(|a, b| places[*b].population.total_cmp(&places[*a].population));
    let largest: Vec<usize> = by_size.into_iter().take(3).collect();
    for (i, town) in towns.iter().enumerate() {
        let center = GeoPoint::new(town.lat, town.lon)
            .ok_or_else(|| anyhow::anyhow!("bad coordinates for {}", town.name))?;
        let id = municipalities::insert(
            &txn,
            &NewMunicipality {
                ags: town.ags.into(),
                name: town.name.into(),
                district: DISTRICT.into(),
                state: "Baden-Württemberg".into(),
                center,
            },
            now,
        )
        .await?;
        municipalities::set_contact(
            &txn,
            id,
            Some(format!(
                "wohnen.{}@bleibe.example",
                town.short.to_lowercase()
            )),
            Some(format!("07351 52-{}", 100 + i)),
            now,
        )
        .await?;
        municipalities::insert_rule_set(&txn, id, &demo_rules(town)?, Some(admin_id), None, now)
            .await?;
        let mut own = Vec::new();
        for programme in programmes(town) {
            let pid = incentives::insert_programme(&txn, id, &programme, now).await?;
            own.push((pid, programme.kind, programme.amount));
        }
        let coordinator = users::insert(
            &txn,
            &user(
                town.coordinator.1.into(),
                town.coordinator.0.into(),
                Role::Coordinator,
                &coordinator_hash,
            ),
            now,
        )
        .await?;
        users::grant_municipality(&txn, coordinator, id, now).await?;
        if largest.contains(&i) {
            logins.push(DemoLogin {
                role: Role::Coordinator,
                email: town.coordinator.1.into(),
                password: COORDINATOR_PASSWORD.into(),
                scope: town.name.into(),
            });
        }
        ids.municipalities.push(id);
        ids.coordinators.push(coordinator);
        ids.programmes.push(own);
    }
    let volunteer = users::insert(
        &txn,
        &user(
            "lotsin@bleibe.example".into(),
            "Helga Sommer (Wohnungslotsin)".into(),
            Role::Volunteer,
            &volunteer_hash,
        ),
        now,
    )
    .await?;
    for id in &ids.municipalities {
        users::grant_municipality(&txn, volunteer, *id, now).await?;
    }
    logins.push(DemoLogin {
        role: Role::Volunteer,
        email: "lotsin@bleibe.example".into(),
        password: VOLUNTEER_PASSWORD.into(),
        scope: DISTRICT.into(),
    });
    for l in 0..size.landlords {
        let (name, kind, email) = landlord_name(l);
        let user_id = users::insert(
            &txn,
            &user(email.clone(), name.clone(), Role::Landlord, &landlord_hash),
            now,
        )
        .await?;
        if l < 2 {
            logins.push(DemoLogin {
                role: Role::Landlord,
                email: email.clone(),
                password: LANDLORD_PASSWORD.into(),
                scope: name.clone(),
            });
        }
        let id = landlords::insert(
            &txn,
            &NewLandlord {
                user_id: Some(user_id),
                kind: kind.into(),
                display_name: name,
                contact_email: Some(email),
                phone: None,
                locale: Locale::De,
                created_by: Some(admin_id),
            },
            now,
        )
        .await?;
        ids.landlords.push(id);
    }
    ids.first_household = bulk::next_id(&txn, "households").await?;
    ids.first_unit = bulk::next_id(&txn, "units").await?;
    ids.first_proposal = bulk::next_id(&txn, "proposals").await?;
    ids.first_placement = bulk::next_id(&txn, "placements").await?;

    let planned = plan(&towns, size, &ids, 20_261_203, today);
    households::insert_many(&txn, &planned.households).await?;
    units::insert_many(&txn, &planned.units).await?;
    history::insert(&txn, &planned.past).await?;
    bulk::sync_sequences(&txn, &["households", "units", "proposals", "placements"]).await?;
    bulk::analyze(
        &txn,
        &[
            "households",
            "household_members",
            "household_anchors",
            "household_allowed_municipalities",
            "units",
            "unit_incentives",
            "proposals",
            "proposal_events",
            "viewings",
            "placements",
            "follow_ups",
            "audit_log",
        ],
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        municipalities = towns.len(),
        households = planned.households.len(),
        units = planned.units.len(),
        proposals = planned.past.proposals.len(),
        placements = planned.past.placements.len(),
        "district data added"
    );
    app.cache.forget_municipalities();
    Ok(logins)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use super::*;
    use crate::domain::pipeline::invariants::{StoredPlacement, problems};

    fn planned(size: Size) -> (Plan, usize) {
        let places = places();
        let postal: Vec<Vec<&str>> = places
            .iter()
            .map(|p| p.postal_codes.iter().map(String::as_str).collect())
            .collect();
        let mut towns = towns(&places, &postal);
        let people: f64 = places.iter().map(|p| p.population).sum();
        for (town, place) in towns.iter_mut().zip(&places) {
            town.households =
                ((place.population / people) * size.households as f64).round() as usize;
        }
        let n = towns.len() as i64;
        let ids = Ids {
            municipalities: (1..=n).collect(),
            coordinators: (100..100 + n).collect(),
            programmes: (0..n)
                .map(|m| {
                    vec![
                        (
                            1000 + m * 2,
                            IncentiveKind::RentDefaultGuarantee,
                            Some(Cents::euros(5000)),
                        ),
                        (1001 + m * 2, IncentiveKind::Advice, None),
                    ]
                })
                .collect(),
            landlords: (1..=size.landlords as i64).collect(),
            first_household: 1,
            first_unit: 1,
            first_proposal: 1,
            first_placement: 1,
        };
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        (plan(&towns, size, &ids, 7, today), towns.len())
    }

    #[test]
    fn the_district_has_its_45_municipalities_with_postal_codes() {
        let places = places();
        assert_eq!(places.len(), 45);
        assert!(
            places
                .iter()
                .all(|p| !p.postal_codes.is_empty() && p.ags.starts_with("08426"))
        );
        let emails: HashSet<&str> = places
            .iter()
            .map(|p| p.coordinator_email.as_str())
            .collect();
        assert_eq!(emails.len(), 45, "one address per coordinator");
        assert!(emails.contains("koordination.biberach-an-der-riss@bleibe.example"));
        let landlords: HashSet<String> = (0..500).map(|l| landlord_name(l).2).collect();
        assert_eq!(landlords.len(), 500, "one address per landlord");
    }

    #[test]
    fn the_plan_keeps_the_pipelines_rules() {
        let (plan, _) = planned(Size::DISTRICT);
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default();
        assert_eq!(plan.households.len(), 20_000);
        assert_eq!(plan.units.len(), 5_000);

        // Every proposal's events take allowed moves, in time order, ending in its state.
        let mut events: BTreeMap<i64, Vec<&PastEvent>> = BTreeMap::new();
        for e in &plan.past.events {
            events.entry(e.proposal_id).or_default().push(e);
        }
        let mut states = HashSet::new();
        for p in &plan.past.proposals {
            let chain = &events[&p.id];
            assert_eq!(chain[0].from, None);
            for pair in chain.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                assert_eq!(b.from, Some(a.to));
                assert!(a.to.can_move_to(b.to), "{:?} → {:?}", a.to, b.to);
                assert!(a.at <= b.at);
            }
            assert_eq!(chain.last().map(|e| e.to), Some(p.state));
            assert!(p.state_changed_at.date_naive() <= today);
            assert_eq!(p.closed_at.is_some(), p.state.is_final());
            states.insert(p.state);
        }
        // Proposals in every state.
        for state in ProposalState::ALL {
            assert!(states.contains(state), "no proposal {state:?}");
        }

        // One open proposal at most per flat and per household.
        let mut units = HashSet::new();
        let mut households = HashSet::new();
        for p in plan
            .past
            .proposals
            .iter()
            .filter(|p| p.state.holds_unit_and_household())
        {
            assert!(units.insert(p.unit_id), "flat {} held twice", p.unit_id);
            assert!(
                households.insert(p.household_id),
                "household {} held twice",
                p.household_id
            );
        }

        // Statuses follow the placements; the placements keep the invariants.
        let unit_status: BTreeMap<i64, UnitStatus> =
            plan.units.iter().map(|u| (u.id, u.status)).collect();
        let household: BTreeMap<i64, &NewHousehold> =
            plan.households.iter().map(|h| (h.id, h)).collect();
        let state_of: BTreeMap<i64, ProposalState> = plan
            .past
            .proposals
            .iter()
            .map(|p| (p.id, p.state))
            .collect();
        let mut living = 0;
        for pl in &plan.past.placements {
            let state = state_of[&pl.proposal_id];
            if matches!(pl.outcome, "living" | "sustained") {
                living += 1;
                assert_eq!(unit_status[&pl.unit_id], UnitStatus::Let);
                assert_eq!(household[&pl.household_id].status, HouseholdStatus::Placed);
                assert!(matches!(
                    state,
                    ProposalState::MovedIn | ProposalState::Sustained
                ));
            }
            let done: Vec<(u32, NaiveDate)> = plan
                .past
                .follow_ups
                .iter()
                .filter(|f| f.placement_id == pl.id)
                .filter_map(|f| f.done.map(|(on, _, _, _)| (f.month, on)))
                .collect();
            let stored = StoredPlacement {
                members: household[&pl.household_id].profile.members.len() as u32,
                places_freed: i64::from(pl.places_freed),
                outcome: pl.outcome.to_owned(),
                jobcenter_requested_on: pl.jobcenter.map(|(_, on, _)| on),
                jobcenter_decided_on: pl.jobcenter.and_then(|(_, _, on)| on),
                lease_signed_on: pl.lease.map(|(_, on, _)| on),
                lease_start: pl.lease.map(|(_, _, start)| start),
                moved_in_on: pl.moved_in_on,
                ended_on: pl.ended.map(|(on, _)| on),
                follow_ups_done: done,
            };
            assert_eq!(problems(&stored), vec![], "placement {}: {stored:?}", pl.id);
            assert!(done_before(&stored, today));
        }
        assert!(living > 1_000, "two years of placements: {living}");
        let placed = plan
            .households
            .iter()
            .filter(|h| h.status == HouseholdStatus::Placed)
            .count();
        let let_units = plan
            .units
            .iter()
            .filter(|u| u.status == UnitStatus::Let)
            .count();
        assert_eq!(
            (placed, let_units),
            (living, living),
            "every placed household and let flat has its placement"
        );
        // Held flats are reserved by exactly their open proposal.
        let reserved = plan
            .units
            .iter()
            .filter(|u| u.status == UnitStatus::Reserved)
            .count();
        let holding = plan
            .past
            .proposals
            .iter()
            .filter(|p| {
                p.state.holds_unit_and_household() && !matches!(p.state, ProposalState::MovedIn)
            })
            .count();
        assert_eq!(reserved, holding);
    }

    fn done_before(p: &StoredPlacement, today: NaiveDate) -> bool {
        p.follow_ups_done.iter().all(|(_, on)| *on < today)
            && p.moved_in_on.is_none_or(|d| d < today)
    }

    #[test]
    fn the_same_seed_plans_the_same_district() {
        let small = Size {
            households: 800,
            units: 200,
            landlords: 20,
        };
        let (a, _) = planned(small);
        let (b, _) = planned(small);
        assert_eq!(format!("{:?}", a.households), format!("{:?}", b.households));
        assert_eq!(
            format!("{:?}", a.past.proposals),
            format!("{:?}", b.past.proposals)
        );
        assert_eq!(format!("{:?}", a.past.audit), format!("{:?}", b.past.audit));
    }
}
