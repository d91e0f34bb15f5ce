//! `bleibe demo --scale district`: the 45 municipalities of the Landkreis Biberach (real
//! keys, names, centres, postal codes and populations from `assets/geo`), 20,000
//! households, 5,000 flats, 500 landlords and two years of history: proposals in every
//! state with their events and viewings, placements with their follow-ups, incentive
//! requests and the audit log. For measuring Bleibe at the size of a real district.
//!
//! The people, flats and past are planned first, without the database (`plan`: the same
//! seed, sizes and day give the same plan), then written in bulk. Every proposal's path
//! takes only moves the pipeline allows, a flat and a household have at most one open
//! proposal, and statuses follow the placements (a household that moved in is placed, its
//! flat let); the tests check this on the plan and `bleibe check-data` on the database.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use super::{
    ADMIN_PASSWORD, COORDINATOR_PASSWORD, DemoLogin, LANDLORD_PASSWORD, Obligation, Town,
    VOLUNTEER_PASSWORD, admin_login, ascii, at_noon, demo_household, demo_unit, demo_user,
    seed_town,
};
use crate::app::App;
use crate::domain::incentive::IncentiveKind;
use crate::domain::roles::Role;
use crate::domain::{Cents, Locale};
use crate::services::passwords::hash_password;
use crate::store::history::Past;
use crate::store::households::NewHousehold;
use crate::store::landlords::NewLandlord;
use crate::store::units::NewUnit;
use crate::store::{bulk, history, households, landlords, units, users};

mod names;
mod plan;
mod story;

use names::landlord_name;
use plan::plan;

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
#[derive(Debug, Clone, Default)]
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

/// The positions of the `n` places with the most inhabitants, largest first.
fn largest_places(places: &[Place], n: usize) -> Vec<usize> {
    let mut by_size: Vec<usize> = (0..places.len()).collect();
    by_size.sort_by(|a, b| places[*b].population.total_cmp(&places[*a].population));
    by_size.truncate(n);
    by_size
}

/// Households and flats of each town in proportion to its population.
fn size_by_population(towns: &mut [Town<'_>], places: &[Place], size: Size) {
    let people: f64 = places.iter().map(|p| p.population).sum();
    for (town, place) in towns.iter_mut().zip(places) {
        town.households = ((place.population / people) * size.households as f64).round() as usize;
        town.units = ((place.population / people) * size.units as f64).round() as usize;
    }
}

/// The volunteer, who may see every town of the district.
async fn seed_volunteer(
    txn: &DatabaseTransaction,
    hash: String,
    municipalities: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<DemoLogin> {
    let login = DemoLogin {
        role: Role::Volunteer,
        email: "lotsin@bleibe.example".into(),
        password: VOLUNTEER_PASSWORD.into(),
        scope: DISTRICT.into(),
    };
    let name = "Helga Sommer (Wohnungslotsin)";
    let volunteer = demo_user(txn, &login, name, hash, now).await?;
    for id in municipalities {
        users::grant_municipality(txn, volunteer, *id, now).await?;
    }
    Ok(login)
}

/// The district's landlords, each with an account; the first two logins are printed.
async fn seed_landlords(
    txn: &DatabaseTransaction,
    count: usize,
    landlord_hash: &str,
    admin_id: i64,
    logins: &mut Vec<DemoLogin>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for l in 0..count {
        let (name, kind, email) = landlord_name(l);
        let login = DemoLogin {
            role: Role::Landlord,
            email: email.clone(),
            password: LANDLORD_PASSWORD.into(),
            scope: name.clone(),
        };
        let user_id = demo_user(txn, &login, &name, landlord_hash.to_owned(), now).await?;
        if l < 2 {
            logins.push(login);
        }
        let landlord = NewLandlord {
            user_id: Some(user_id),
            kind: kind.into(),
            display_name: name,
            contact_email: Some(email),
            phone: None,
            locale: Locale::De,
            created_by: Some(admin_id),
        };
        ids.push(landlords::insert(txn, &landlord, now).await?);
    }
    Ok(ids)
}

/// The tables the district fills in bulk, analysed afterwards so the planner knows them.
const SEEDED_TABLES: &[&str] = &[
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
];

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
    size_by_population(&mut towns, &places, size);
    let admin_hash = hash_password(ADMIN_PASSWORD)?;
    let coordinator_hash = hash_password(COORDINATOR_PASSWORD)?;
    let landlord_hash = hash_password(LANDLORD_PASSWORD)?;
    let volunteer_hash = hash_password(VOLUNTEER_PASSWORD)?;
    let txn = app.db.begin().await?;
    let mut logins = Vec::new();
    let admin = admin_login();
    let admin_id = demo_user(&txn, &admin, "Bleibe Administration", admin_hash, now).await?;
    logins.push(admin);
    let mut ids = Ids::default();
    // Logins to print: the coordinators of the three largest places.
    let largest = largest_places(&places, 3);
    for (i, town) in towns.iter().enumerate() {
        let phone = format!("07351 52-{}", 100 + i);
        let (id, own) = seed_town(&txn, town, phone, admin_id, now).await?;
        let login = DemoLogin {
            role: Role::Coordinator,
            email: town.coordinator.1.into(),
            password: COORDINATOR_PASSWORD.into(),
            scope: town.name.into(),
        };
        let name = town.coordinator.0;
        let coordinator = demo_user(&txn, &login, name, coordinator_hash.clone(), now).await?;
        users::grant_municipality(&txn, coordinator, id, now).await?;
        if largest.contains(&i) {
            logins.push(login);
        }
        ids.municipalities.push(id);
        ids.coordinators.push(coordinator);
        ids.programmes.push(own);
    }
    let volunteer = seed_volunteer(&txn, volunteer_hash, &ids.municipalities, now).await?;
    logins.push(volunteer);
    ids.landlords = seed_landlords(
        &txn,
        size.landlords,
        &landlord_hash,
        admin_id,
        &mut logins,
        now,
    )
    .await?;
    ids.first_household = bulk::next_id(&txn, "households").await?;
    ids.first_unit = bulk::next_id(&txn, "units").await?;
    ids.first_proposal = bulk::next_id(&txn, "proposals").await?;
    ids.first_placement = bulk::next_id(&txn, "placements").await?;

    let planned = plan(&towns, size, &ids, 20_261_203, today);
    households::insert_many(&txn, &planned.households).await?;
    units::insert_many(&txn, &planned.units).await?;
    history::insert(&txn, &planned.past).await?;
    bulk::sync_sequences(&txn, &["households", "units", "proposals", "placements"]).await?;
    bulk::analyze(&txn, SEEDED_TABLES).await?;
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

    use chrono::NaiveDate;

    use super::*;
    use crate::domain::household::HouseholdStatus;
    use crate::domain::pipeline::ProposalState;
    use crate::domain::pipeline::invariants::{StoredPlacement, problems};
    use crate::domain::unit::UnitStatus;
    use crate::store::history::PastEvent;

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
