//! The scenario in the form the engine works on: everything indexed by position, money in
//! cents, ids sorted so that ties are broken by id and the result does not depend on the
//! order of the input.

use chrono::NaiveDate;

use super::scenario::{HouseholdInput, Id, MunicipalityInput, Scenario, UnitInput};
use super::scoring;
use crate::domain::Cents;
use crate::domain::criteria::{Criterion, Weights};
use crate::domain::geo::GeoPoint;
use crate::domain::household::AnchorKind;
use crate::domain::norms::{AreaNorms, RentCapTable};
use crate::domain::unit::LandlordPreference;

/// Number of soft criteria.
pub const CRITERIA: usize = 7;

/// A municipality, prepared.
#[derive(Debug, Clone)]
pub struct Muni {
    pub id: Id,
    pub name: String,
    pub center: GeoPoint,
    /// The centre on the unit sphere.
    pub center_xyz: [f64; 3],
    pub caps: RentCapTable,
    pub norms: AreaNorms,
    /// Normalised weights (they sum to 1), indexed like [`Criterion::ALL`].
    pub weights: [f64; CRITERIA],
}

/// A unit, prepared.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: Id,
    pub muni: u32,
    pub loc: GeoPoint,
    pub area_m2: f64,
    pub rooms: f64,
    pub floor: i32,
    pub lift: bool,
    pub wheelchair_accessible: bool,
    /// Bruttokaltmiete: cold rent plus service charges.
    pub gross: Cents,
    pub top_up: Cents,
    /// What counts against the cap: gross minus the municipal top-up.
    pub net: Cents,
    pub available_from: NaiveDate,
    pub max_occupants: u32,
    pub pets_allowed: bool,
    pub landlord_min: Option<u32>,
    pub landlord_max: Option<u32>,
    pub preferences: Vec<LandlordPreference>,
    /// Bit `i` set: the landlord wishes `LandlordPreference::ALL[i]`.
    pub preference_bits: u8,
    pub active: bool,
    /// Position on the unit sphere.
    pub xyz: [f64; 3],
    /// Per household size (index = persons, up to [`SIZE_TABLE`] - 1): the cap, and the
    /// area-fit and rent-headroom points, computed once with the scoring formulas.
    pub by_size: [SizeEntry; SIZE_TABLE],
}

/// Household sizes for which per-unit values are precomputed; larger households are
/// computed on the fly with the same formulas.
pub const SIZE_TABLE: usize = 16;

/// What a unit offers a household of one size.
#[derive(Debug, Clone, Copy, Default)]
pub struct SizeEntry {
    pub cap: Cents,
    pub area_points: f64,
    pub headroom_points: f64,
}

/// An anchor, prepared.
#[derive(Debug, Clone, Copy)]
pub struct Anchor {
    pub kind: AnchorKind,
    pub loc: GeoPoint,
    pub xyz: [f64; 3],
    pub importance: f64,
}

/// A household, prepared.
#[derive(Debug, Clone)]
pub struct Household {
    pub id: Id,
    pub muni: u32,
    pub adults: u32,
    pub children: Vec<u32>,
    pub persons: u32,
    pub wheelchair: bool,
    pub max_floor_without_lift: Option<i32>,
    pub pets: bool,
    /// Sorted municipality indices of the Wohnsitzauflage area; `None` without obligation.
    pub allowed: Option<Vec<u32>>,
    pub max_distance_km: Option<f64>,
    pub latest_move: Option<NaiveDate>,
    /// Days in follow-up housing at `as_of`, when known.
    pub waiting_days: Option<i64>,
    pub urgency: u8,
    pub anchors: Vec<Anchor>,
    /// Sorted unit indices.
    pub declined_units: Vec<u32>,
    /// Sorted unit indices.
    pub declined_by_landlord: Vec<u32>,
    pub rooms_needed: f64,
    pub rooms_given: bool,
    pub employed: bool,
    pub speaks_german: bool,
    pub speaks_english: bool,
    /// Bit `i` set: the household meets `LandlordPreference::ALL[i]`.
    pub trait_bits: u8,
    pub active: bool,
    pub consent: bool,
}

/// The whole prepared scenario.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub as_of: NaiveDate,
    pub munis: Vec<Muni>,
    pub units: Vec<Unit>,
    pub households: Vec<Household>,
}

/// Rooms a household needs when it does not say: a living room, one bedroom per adult
/// couple or single adult, one room per two children. One person needs one room.
pub fn rooms_needed(adults: u32, children: usize) -> f64 {
    let persons = adults as usize + children;
    if persons <= 1 {
        return 1.0;
    }
    let bedrooms = adults.div_ceil(2) as usize + children.div_ceil(2);
    (bedrooms.max(1) + 1) as f64
}

/// The household facts landlords' wishes are about.
struct Traits {
    has_children: bool,
    adults: u32,
    persons: u32,
    employed: bool,
    speaks_german: bool,
    speaks_english: bool,
}

impl Traits {
    fn meets(&self, preference: LandlordPreference) -> bool {
        match preference {
            LandlordPreference::Families => self.has_children,
            LandlordPreference::Couples => self.adults == 2 && !self.has_children,
            LandlordPreference::Singles => self.persons == 1,
            LandlordPreference::Employed => self.employed,
            LandlordPreference::SpeaksGerman => self.speaks_german,
            LandlordPreference::SpeaksEnglish => self.speaks_english,
        }
    }

    fn bits(&self) -> u8 {
        LandlordPreference::ALL
            .iter()
            .enumerate()
            .filter(|(_, p)| self.meets(**p))
            .fold(0, |bits, (i, _)| bits | (1 << i))
    }
}

fn preference_bits(preferences: &[LandlordPreference]) -> u8 {
    preferences.iter().fold(0, |bits, p| {
        bits | (1
            << LandlordPreference::ALL
                .iter()
                .position(|x| x == p)
                .unwrap_or(0))
    })
}

/// Whether a household with `trait_bits` meets a wish.
pub fn meets(trait_bits: u8, preference: LandlordPreference) -> bool {
    let i = LandlordPreference::ALL
        .iter()
        .position(|x| *x == preference)
        .unwrap_or(0);
    trait_bits & (1 << i) != 0
}

fn index_of(sorted: &[Id], id: &Id) -> u32 {
    // Ids are validated before preparing, so every reference is found.
    sorted.binary_search(id).map_or(0, |i| i as u32)
}

fn cents(euros: f64) -> Cents {
    Cents::from_euros_f64(euros).unwrap_or(Cents::ZERO)
}

/// Prepares a validated scenario.
pub fn prepare(s: &Scenario) -> Prepared {
    let muni_order = order_by_id(&s.municipalities, |m| &m.id);
    let muni_ids: Vec<Id> = muni_order
        .iter()
        .map(|i| s.municipalities[*i].id.clone())
        .collect();
    let munis: Vec<Muni> = muni_order
        .iter()
        .map(|i| prepare_muni(&s.municipalities[*i]))
        .collect();

    let unit_order = order_by_id(&s.units, |u| &u.id);
    let unit_ids: Vec<Id> = unit_order.iter().map(|i| s.units[*i].id.clone()).collect();
    let units = unit_order
        .iter()
        .map(|i| prepare_unit(&s.units[*i], s.as_of, &muni_ids, &munis))
        .collect();

    let household_order = order_by_id(&s.households, |h| &h.id);
    let households = household_order
        .iter()
        .map(|i| prepare_household(&s.households[*i], s.as_of, &muni_ids, &unit_ids))
        .collect();

    Prepared {
        as_of: s.as_of,
        munis,
        units,
        households,
    }
}

/// The positions of `items` in the order of their ids: the engine's order, whatever the
/// order of the scenario file.
fn order_by_id<T>(items: &[T], id: impl Fn(&T) -> &Id) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|a, b| id(&items[*a]).cmp(id(&items[*b])));
    order
}

/// Sorted, distinct positions of `ids` in `all` (sorted ids).
fn positions(all: &[Id], ids: &[Id]) -> Vec<u32> {
    let mut v: Vec<u32> = ids.iter().map(|id| index_of(all, id)).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn prepare_muni(m: &MunicipalityInput) -> Muni {
    let caps = RentCapTable::new(
        m.rent_caps
            .iter()
            .map(|r| (r.persons, cents(r.max_gross_cold_rent)))
            .collect(),
        cents(m.extra_person_cap),
    )
    // Validation has checked the rows; a zero cap would only make units ineligible.
    .unwrap_or_else(|_| RentCapTable::uniform(Cents::ZERO));
    let norms = m
        .area_norms
        .as_ref()
        .and_then(|rows| {
            AreaNorms::new(
                rows.iter().map(|r| (r.persons, r.area_m2)).collect(),
                m.extra_person_area_m2.unwrap_or(15.0),
            )
            .ok()
        })
        .unwrap_or_default();
    let weights = m
        .weights
        .as_ref()
        .and_then(|w| Weights::from_overrides(w.iter().map(|(k, v)| (k.as_str(), *v))).ok())
        .unwrap_or_default();
    let mut normalized = [0.0; CRITERIA];
    for (i, c) in Criterion::ALL.iter().enumerate() {
        normalized[i] = weights.normalized(*c);
    }
    let center = GeoPoint {
        lat: m.lat,
        lon: m.lon,
    };
    Muni {
        id: m.id.clone(),
        name: m.name.clone().unwrap_or_else(|| m.id.to_string()),
        center,
        center_xyz: center.unit_vector(),
        caps,
        norms,
        weights: normalized,
    }
}

/// A flat with its figures per household size (cap, area and headroom points) worked out
/// once against its municipality's tables.
fn prepare_unit(u: &UnitInput, as_of: NaiveDate, muni_ids: &[Id], munis: &[Muni]) -> Unit {
    let gross = cents(u.cold_rent) + cents(u.service_charges);
    let top_up = cents(u.municipal_top_up);
    let mut preferences = u.landlord_preferences.clone();
    preferences.sort();
    preferences.dedup();
    let loc = GeoPoint {
        lat: u.lat,
        lon: u.lon,
    };
    let muni = index_of(muni_ids, &u.municipality);
    let mut unit = Unit {
        id: u.id.clone(),
        muni,
        loc,
        xyz: loc.unit_vector(),
        area_m2: u.area_m2,
        rooms: u.rooms,
        floor: u.floor,
        lift: u.lift,
        wheelchair_accessible: u.wheelchair_accessible,
        gross,
        top_up,
        net: gross - top_up,
        available_from: u.available_from.unwrap_or(as_of),
        max_occupants: u.max_occupants,
        pets_allowed: u.pets_allowed,
        landlord_min: u.landlord_min_household_size,
        landlord_max: u.landlord_max_household_size,
        preference_bits: preference_bits(&preferences),
        preferences,
        active: u.active,
        by_size: [SizeEntry::default(); SIZE_TABLE],
    };
    let muni: &Muni = &munis[muni as usize];
    for persons in 1..SIZE_TABLE {
        let cap = muni.caps.cap_for(persons as u32);
        unit.by_size[persons] = SizeEntry {
            cap,
            area_points: scoring::area_fit_points(
                unit.area_m2,
                muni.norms.area_for(persons as u32),
            ),
            headroom_points: scoring::headroom_points(unit.net, cap),
        };
    }
    unit
}

fn prepare_household(
    h: &HouseholdInput,
    as_of: NaiveDate,
    muni_ids: &[Id],
    unit_ids: &[Id],
) -> Household {
    let allowed = h
        .allowed_municipalities
        .as_ref()
        .map(|list| positions(muni_ids, list));
    let mut children = h.children_ages.clone();
    children.sort_unstable();
    let anchors: Vec<Anchor> = h
        .anchors
        .iter()
        .map(|a| {
            let loc = GeoPoint {
                lat: a.lat,
                lon: a.lon,
            };
            Anchor {
                kind: a.kind,
                loc,
                xyz: loc.unit_vector(),
                importance: a.importance,
            }
        })
        .collect();
    let employed = h.employed || anchors.iter().any(|a| a.kind == AnchorKind::Work);
    let speaks = |code: &str| h.languages.iter().any(|l| l.eq_ignore_ascii_case(code));
    let persons = h.adults + children.len() as u32;
    let traits = Traits {
        has_children: !children.is_empty(),
        adults: h.adults,
        persons,
        employed,
        speaks_german: speaks("de"),
        speaks_english: speaks("en"),
    };
    Household {
        id: h.id.clone(),
        muni: index_of(muni_ids, &h.municipality),
        adults: h.adults,
        persons,
        trait_bits: traits.bits(),
        rooms_needed: h
            .rooms_wanted
            .unwrap_or_else(|| rooms_needed(h.adults, children.len())),
        rooms_given: h.rooms_wanted.is_some(),
        children,
        wheelchair: h.wheelchair,
        max_floor_without_lift: h.max_floor_without_lift,
        pets: h.pets,
        allowed,
        max_distance_km: h.max_distance_km,
        latest_move: h.latest_move_date,
        waiting_days: h.in_follow_up_since.map(|d| (as_of - d).num_days().max(0)),
        urgency: h.urgency.min(3),
        anchors,
        declined_units: positions(unit_ids, &h.declined_units),
        declined_by_landlord: positions(unit_ids, &h.declined_by_landlords_of_units),
        employed,
        speaks_german: speaks("de"),
        speaks_english: speaks("en"),
        active: h.active,
        consent: h.consent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_needed_follows_the_household() {
        assert_eq!(rooms_needed(1, 0), 1.0);
        assert_eq!(rooms_needed(2, 0), 2.0);
        assert_eq!(rooms_needed(1, 1), 3.0);
        assert_eq!(rooms_needed(2, 2), 3.0);
        assert_eq!(rooms_needed(2, 3), 4.0);
        assert_eq!(rooms_needed(3, 0), 3.0);
    }
}
