//! The JSON scenario format: the engine's input, documented in `docs/scenario-format.md`.
//!
//! Parsing is strict where a mistake would change results (types, ranges, references,
//! duplicate ids) and lenient where the format allows an obvious default (empty lists,
//! missing optional flags). Every error names the place in the file, e.g.
//! `units[3].area_m2: must be greater than 0, got -5`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::household::AnchorKind;
use crate::domain::unit::LandlordPreference;

/// An id as written in the scenario: a text or a whole number. It is written back the
/// same way, and ordered numbers first (numerically), then texts (by bytes), which is
/// how ties are broken everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    Num(i64),
    Str(String),
}

impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Id::Num(a), Id::Num(b)) => a.cmp(b),
            (Id::Num(_), Id::Str(_)) => Ordering::Less,
            (Id::Str(_), Id::Num(_)) => Ordering::Greater,
            (Id::Str(a), Id::Str(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Num(n) => write!(f, "{n}"),
            Id::Str(s) => f.write_str(s),
        }
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Id::Num(n) => s.serialize_i64(*n),
            Id::Str(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id (a text or a whole number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                if v.is_empty() {
                    return Err(E::custom("an id must not be empty"));
                }
                Ok(Id::Str(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id::Num(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                i64::try_from(v)
                    .map(Id::Num)
                    .map_err(|_| E::custom("an id number is too large"))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

/// A whole scenario: what the engine matches.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scenario {
    /// The day the match is made: availability and waiting times are measured from here.
    pub as_of: NaiveDate,
    pub municipalities: Vec<MunicipalityInput>,
    pub units: Vec<UnitInput>,
    pub households: Vec<HouseholdInput>,
}

/// One row of a rent-cap table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RentCapRow {
    pub persons: u32,
    /// Maximum gross cold rent (Bruttokaltmiete) in euros.
    pub max_gross_cold_rent: f64,
}

/// One row of an area-norm table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaNormRow {
    pub persons: u32,
    pub area_m2: f64,
}

/// A municipality with its rule tables.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MunicipalityInput {
    pub id: Id,
    #[serde(default)]
    pub name: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub rent_caps: Vec<RentCapRow>,
    /// Added per person above the largest rent-cap row, in euros.
    #[serde(default)]
    pub extra_person_cap: f64,
    /// Criterion name → weight; missing criteria keep their defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<BTreeMap<String, f64>>,
    /// Area norms by household size; Baden-Württemberg's when missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_norms: Option<Vec<AreaNormRow>>,
    /// Area added per person above the largest area-norm row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_person_area_m2: Option<f64>,
}

fn default_true() -> bool {
    true
}

/// A unit (flat). Money in euros per month.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitInput {
    pub id: Id,
    pub municipality: Id,
    pub lat: f64,
    pub lon: f64,
    pub area_m2: f64,
    pub rooms: f64,
    #[serde(default)]
    pub floor: i32,
    #[serde(default)]
    pub lift: bool,
    #[serde(default)]
    pub wheelchair_accessible: bool,
    pub cold_rent: f64,
    #[serde(default)]
    pub service_charges: f64,
    #[serde(default)]
    pub heating_costs: f64,
    /// What the municipality adds to the rent; it counts against the cap.
    #[serde(default)]
    pub municipal_top_up: f64,
    /// Missing means available at `as_of`.
    #[serde(default)]
    pub available_from: Option<NaiveDate>,
    pub max_occupants: u32,
    #[serde(default)]
    pub pets_allowed: bool,
    #[serde(default)]
    pub landlord_max_household_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landlord_min_household_size: Option<u32>,
    /// Soft wishes of the landlord: families, couples, singles, employed, speaks_german, speaks_english.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub landlord_preferences: Vec<LandlordPreference>,
    /// Whether the unit may be matched at all (default true).
    #[serde(default = "default_true")]
    pub active: bool,
}

/// An anchor: a place that ties the household to an area.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnchorInput {
    pub kind: AnchorKind,
    pub lat: f64,
    pub lon: f64,
    /// 0 to 1; defaults to 1.
    #[serde(default = "default_importance")]
    pub importance: f64,
}

fn default_importance() -> f64 {
    1.0
}

/// A household looking for a flat.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HouseholdInput {
    pub id: Id,
    pub municipality: Id,
    pub adults: u32,
    #[serde(default)]
    pub children_ages: Vec<u32>,
    #[serde(default)]
    pub wheelchair: bool,
    #[serde(default)]
    pub max_floor_without_lift: Option<i32>,
    #[serde(default)]
    pub pets: bool,
    /// The Wohnsitzauflage area; `null` means no obligation.
    #[serde(default)]
    pub allowed_municipalities: Option<Vec<Id>>,
    #[serde(default)]
    pub max_distance_km: Option<f64>,
    /// `null` or missing means no deadline.
    #[serde(default)]
    pub latest_move_date: Option<NaiveDate>,
    #[serde(default)]
    pub in_follow_up_since: Option<NaiveDate>,
    #[serde(default)]
    pub urgency: u8,
    #[serde(default)]
    pub anchors: Vec<AnchorInput>,
    #[serde(default)]
    pub declined_units: Vec<Id>,
    #[serde(default)]
    pub declined_by_landlords_of_units: Vec<Id>,
    /// Rooms the household needs; derived from its members when missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rooms_wanted: Option<f64>,
    /// Someone has work or training (also true when an anchor is of kind `work`).
    #[serde(default)]
    pub employed: bool,
    /// Language codes, e.g. `de`, `ar`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(default = "default_true")]
    pub active: bool,
    #[serde(default = "default_true")]
    pub consent: bool,
}

/// A scenario that cannot be used, with the place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// Where, e.g. `units[3].area_m2` or `line 12, column 5`.
    pub place: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

fn err(place: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError {
        place: place.into(),
        message: message.into(),
    }
}

/// Parses and checks a scenario from JSON text.
pub fn parse(json: &str) -> Result<Scenario, ScenarioError> {
    // The fast path parses without tracking where it is; only a failure is parsed again
    // with the path tracked, to name the place in the message.
    let scenario: Scenario = match serde_json::from_str(json) {
        Ok(scenario) => scenario,
        Err(_) => return Err(locate_parse_error(json)),
    };
    validate(&scenario)?;
    Ok(scenario)
}

fn locate_parse_error(json: &str) -> ScenarioError {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    match serde_path_to_error::deserialize::<_, Scenario>(deserializer).map_err(|e| {
        let inner = e.inner();
        let path = e.path().to_string();
        let message = first_clause(&inner.to_string());
        let location = format!("line {}, column {}", inner.line(), inner.column());
        if path.is_empty() || path == "." || path == "?" {
            err(location, message)
        } else {
            err(path, format!("{message} ({location})"))
        }
    }) {
        Err(e) => e,
        Ok(_) => err("", "the scenario could not be read"),
    }
}

/// serde_json appends " at line X column Y" itself; the location is reported apart.
fn first_clause(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn check_coordinates(place: &str, lat: f64, lon: f64) -> Result<(), ScenarioError> {
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        return Err(err(
            format!("{place}.lat"),
            format!("must be between -90 and 90, got {lat}"),
        ));
    }
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        return Err(err(
            format!("{place}.lon"),
            format!("must be between -180 and 180, got {lon}"),
        ));
    }
    Ok(())
}

fn check_money(place: String, value: f64) -> Result<(), ScenarioError> {
    if !value.is_finite() || value < 0.0 {
        return Err(err(
            place,
            format!("must be an amount of 0 or more, got {value}"),
        ));
    }
    if value > 1e9 {
        return Err(err(place, format!("is implausibly large ({value})")));
    }
    Ok(())
}

/// Checks ranges, references and uniqueness (the JSON types are already checked). Every
/// item is checked in the order of the file, so the first error reported is the first in it.
pub fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    let mut municipalities: HashMap<&Id, usize> = HashMap::new();
    for (i, m) in s.municipalities.iter().enumerate() {
        let place = format!("municipalities[{i}]");
        if let Some(first) = municipalities.insert(&m.id, i) {
            return Err(err(
                format!("{place}.id"),
                format!(
                    "duplicate municipality id \"{}\" (also municipalities[{first}])",
                    m.id
                ),
            ));
        }
        check_municipality(&place, m)?;
    }
    let mut units: HashMap<&Id, usize> = HashMap::new();
    for (i, u) in s.units.iter().enumerate() {
        let place = format!("units[{i}]");
        if let Some(first) = units.insert(&u.id, i) {
            return Err(err(
                format!("{place}.id"),
                format!("duplicate unit id \"{}\" (also units[{first}])", u.id),
            ));
        }
        check_unit(&place, u, &municipalities)?;
    }
    let mut households: HashMap<&Id, usize> = HashMap::new();
    for (i, h) in s.households.iter().enumerate() {
        let place = format!("households[{i}]");
        if let Some(first) = households.insert(&h.id, i) {
            return Err(err(
                format!("{place}.id"),
                format!(
                    "duplicate household id \"{}\" (also households[{first}])",
                    h.id
                ),
            ));
        }
        check_household(&place, h, &municipalities, &units)?;
    }
    Ok(())
}

/// A reference to a municipality of the scenario.
fn known_municipality(
    municipalities: &HashMap<&Id, usize>,
    place: String,
    id: &Id,
) -> Result<(), ScenarioError> {
    if municipalities.contains_key(id) {
        Ok(())
    } else {
        Err(err(
            place,
            format!("unknown municipality \"{id}\" (not in municipalities)"),
        ))
    }
}

/// A municipality's centre, rent caps (one row per household size), weights and area norms.
fn check_municipality(place: &str, m: &MunicipalityInput) -> Result<(), ScenarioError> {
    check_coordinates(place, m.lat, m.lon)?;
    if m.rent_caps.is_empty() {
        return Err(err(format!("{place}.rent_caps"), "needs at least one row"));
    }
    let mut seen = HashMap::new();
    for (j, row) in m.rent_caps.iter().enumerate() {
        let row_place = format!("{place}.rent_caps[{j}]");
        if row.persons == 0 {
            return Err(err(format!("{row_place}.persons"), "must be 1 or more"));
        }
        if let Some(first) = seen.insert(row.persons, j) {
            return Err(err(
                format!("{row_place}.persons"),
                format!(
                    "a second row for {} persons (also rent_caps[{first}])",
                    row.persons
                ),
            ));
        }
        check_money(
            format!("{row_place}.max_gross_cold_rent"),
            row.max_gross_cold_rent,
        )?;
    }
    check_money(format!("{place}.extra_person_cap"), m.extra_person_cap)?;
    if let Some(weights) = &m.weights {
        crate::domain::criteria::Weights::from_overrides(
            weights.iter().map(|(k, v)| (k.as_str(), *v)),
        )
        .map_err(|e| err(format!("{place}.weights"), e))?;
    }
    if let Some(norms) = &m.area_norms {
        let rows = norms.iter().map(|r| (r.persons, r.area_m2)).collect();
        crate::domain::norms::AreaNorms::new(rows, m.extra_person_area_m2.unwrap_or(15.0))
            .map_err(|e| err(format!("{place}.area_norms"), e))?;
    }
    Ok(())
}

/// A flat's municipality, position, area, rooms, occupants, amounts and the landlord's
/// household sizes.
fn check_unit(
    place: &str,
    u: &UnitInput,
    municipalities: &HashMap<&Id, usize>,
) -> Result<(), ScenarioError> {
    known_municipality(
        municipalities,
        format!("{place}.municipality"),
        &u.municipality,
    )?;
    check_coordinates(place, u.lat, u.lon)?;
    if !(u.area_m2.is_finite() && u.area_m2 > 0.0) {
        return Err(err(
            format!("{place}.area_m2"),
            format!("must be greater than 0, got {}", u.area_m2),
        ));
    }
    if u.area_m2 > 10_000.0 {
        return Err(err(
            format!("{place}.area_m2"),
            format!("is implausibly large ({})", u.area_m2),
        ));
    }
    if !(u.rooms.is_finite() && u.rooms > 0.0 && u.rooms <= 100.0) {
        return Err(err(
            format!("{place}.rooms"),
            format!("must be greater than 0, got {}", u.rooms),
        ));
    }
    if u.max_occupants == 0 {
        return Err(err(format!("{place}.max_occupants"), "must be 1 or more"));
    }
    check_money(format!("{place}.cold_rent"), u.cold_rent)?;
    check_money(format!("{place}.service_charges"), u.service_charges)?;
    check_money(format!("{place}.heating_costs"), u.heating_costs)?;
    check_money(format!("{place}.municipal_top_up"), u.municipal_top_up)?;
    if let (Some(min), Some(max)) = (u.landlord_min_household_size, u.landlord_max_household_size)
        && min > max
    {
        return Err(err(
            format!("{place}.landlord_min_household_size"),
            format!("is larger than landlord_max_household_size ({min} > {max})"),
        ));
    }
    Ok(())
}

/// A household's municipality, persons, urgency, limits, allowed municipalities, anchors
/// and the flats it (or their landlords) declined.
fn check_household(
    place: &str,
    h: &HouseholdInput,
    municipalities: &HashMap<&Id, usize>,
    units: &HashMap<&Id, usize>,
) -> Result<(), ScenarioError> {
    known_municipality(
        municipalities,
        format!("{place}.municipality"),
        &h.municipality,
    )?;
    if h.adults as usize + h.children_ages.len() == 0 {
        return Err(err(
            format!("{place}.adults"),
            "a household needs at least one person",
        ));
    }
    if h.adults > 50 || h.children_ages.len() > 50 {
        return Err(err(format!("{place}.adults"), "implausibly many persons"));
    }
    if let Some((j, age)) = h.children_ages.iter().enumerate().find(|(_, a)| **a > 25) {
        return Err(err(
            format!("{place}.children_ages[{j}]"),
            format!("a child's age must be 0 to 25, got {age}"),
        ));
    }
    if h.urgency > 3 {
        return Err(err(
            format!("{place}.urgency"),
            format!("must be 0 to 3, got {}", h.urgency),
        ));
    }
    if let Some(floor) = h.max_floor_without_lift
        && floor < 0
    {
        return Err(err(
            format!("{place}.max_floor_without_lift"),
            format!("must be 0 or more, got {floor}"),
        ));
    }
    if let Some(d) = h.max_distance_km
        && !(d.is_finite() && d >= 0.0)
    {
        return Err(err(
            format!("{place}.max_distance_km"),
            format!("must be 0 or more, got {d}"),
        ));
    }
    if let Some(r) = h.rooms_wanted
        && !(r.is_finite() && r > 0.0)
    {
        return Err(err(
            format!("{place}.rooms_wanted"),
            format!("must be greater than 0, got {r}"),
        ));
    }
    check_household_places(place, h, municipalities, units)
}

/// The places a household names: the municipalities it may move to, its anchors, and the
/// flats it (or their landlords) declined.
fn check_household_places(
    place: &str,
    h: &HouseholdInput,
    municipalities: &HashMap<&Id, usize>,
    units: &HashMap<&Id, usize>,
) -> Result<(), ScenarioError> {
    if let Some(allowed) = &h.allowed_municipalities {
        for (j, id) in allowed.iter().enumerate() {
            known_municipality(
                municipalities,
                format!("{place}.allowed_municipalities[{j}]"),
                id,
            )?;
        }
    }
    for (j, a) in h.anchors.iter().enumerate() {
        let anchor_place = format!("{place}.anchors[{j}]");
        check_coordinates(&anchor_place, a.lat, a.lon)?;
        if !(a.importance.is_finite() && (0.0..=1.0).contains(&a.importance)) {
            return Err(err(
                format!("{anchor_place}.importance"),
                format!("must be 0 to 1, got {}", a.importance),
            ));
        }
    }
    for (field, list) in [
        ("declined_units", &h.declined_units),
        (
            "declined_by_landlords_of_units",
            &h.declined_by_landlords_of_units,
        ),
    ] {
        for (j, id) in list.iter().enumerate() {
            if !units.contains_key(id) {
                return Err(err(
                    format!("{place}.{field}[{j}]"),
                    format!("unknown unit \"{id}\" (not in units)"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
