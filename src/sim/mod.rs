//! Synthetic scenarios for Baden-Württemberg: real municipality centres and districts
//! (`assets/geo/bw_municipalities.csv`), households and units spread by population, with
//! realistic household sizes, flat sizes, rents, anchors and restrictions. Deterministic
//! for a seed. Used by benchmarks, tests and demos; rent caps here are invented examples.

use chrono::{Duration, NaiveDate};

use crate::domain::household::AnchorKind;
use crate::domain::unit::LandlordPreference;
use crate::engine::scenario::{
    AnchorInput, HouseholdInput, Id, MunicipalityInput, RentCapRow, Scenario, UnitInput,
};
use crate::util::SplitMix64;

const MUNICIPALITIES_CSV: &str = include_str!("../../assets/geo/bw_municipalities.csv");

/// A municipality of Baden-Württemberg from the shipped table.
#[derive(Debug, Clone)]
pub struct BwMunicipality {
    pub ags: String,
    pub name: String,
    pub district: String,
    pub lat: f64,
    pub lon: f64,
    /// Inhabitants where known (GeoNames figures; see assets/SOURCES.md).
    pub population: Option<u32>,
    /// The postal codes that reach into it.
    pub postal_codes: Vec<String>,
}

/// All municipalities of Baden-Württemberg in the shipped table, by official key.
pub fn bw_municipalities() -> Vec<BwMunicipality> {
    MUNICIPALITIES_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.split(',');
            let ags = f.next()?.to_owned();
            let name = f.next()?.to_owned();
            let district = f.next()?.to_owned();
            let lat = f.next()?.parse().ok()?;
            let lon = f.next()?.parse().ok()?;
            let population = f.next().and_then(|p| p.parse().ok());
            let postal_codes = f
                .next()
                .map(|p| p.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default();
            Some(BwMunicipality {
                ags,
                name,
                district,
                lat,
                lon,
                population,
                postal_codes,
            })
        })
        .collect()
}

/// Parameters of a generated scenario.
#[derive(Debug, Clone, Copy)]
pub struct GenerateOptions {
    pub households: usize,
    pub units: usize,
    pub seed: u64,
    pub as_of: NaiveDate,
    /// Every household fits every unit: no restrictions, generous caps, roomy flats.
    /// A benchmark case for the assignment on a dense graph.
    pub dense: bool,
}

fn offset(rng: &mut SplitMix64, lat: f64, lon: f64, max_km: f64) -> (f64, f64) {
    // Uniform over a disc: the radius grows with the square root.
    let r = max_km * rng.unit().sqrt();
    let bearing = rng.range_f64(0.0, std::f64::consts::TAU);
    let dlat = r * bearing.cos() / 111.2;
    let dlon = r * bearing.sin() / (111.2 * lat.to_radians().cos());
    (
        ((lat + dlat) * 1e5).round() / 1e5,
        ((lon + dlon) * 1e5).round() / 1e5,
    )
}

fn round_euros(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

/// Picks indices by cumulative weight with binary search (fast for many draws).
struct WeightedPicker {
    cumulative: Vec<f64>,
}

impl WeightedPicker {
    fn new(weights: impl Iterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Self { cumulative }
    }

    fn pick(&self, rng: &mut SplitMix64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// The landlords' wishes synthetic data draws from (the demo's too).
pub const DRAWN_PREFERENCES: [LandlordPreference; 5] = [
    LandlordPreference::Families,
    LandlordPreference::Couples,
    LandlordPreference::Singles,
    LandlordPreference::Employed,
    LandlordPreference::SpeaksGerman,
];

/// Generates a scenario.
pub fn generate(options: GenerateOptions) -> Scenario {
    generate_in(options, bw_municipalities())
}

/// Generates a scenario in the given towns only (their districts are the towns given).
pub fn generate_in(options: GenerateOptions, towns: Vec<BwMunicipality>) -> Scenario {
    let mut rng = SplitMix64::new(options.seed ^ 0xB1E1_BE00);
    let municipalities: Vec<MunicipalityInput> = towns
        .iter()
        .map(|t| sim_municipality(t, options.dense))
        .collect();

    let by_population = WeightedPicker::new(towns.iter().map(population));
    let mut districts: std::collections::BTreeMap<&str, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, t) in towns.iter().enumerate() {
        districts.entry(t.district.as_str()).or_default().push(i);
    }

    let unit_width = options.units.to_string().len().max(5);
    let mut units_by_town: Vec<Vec<usize>> = vec![Vec::new(); towns.len()];
    let units: Vec<UnitInput> = (0..options.units)
        .map(|i| {
            let t = by_population.pick(&mut rng);
            units_by_town[t].push(i);
            sim_unit(&mut rng, i, unit_width, &towns[t], &options)
        })
        .collect();

    let world = SimWorld {
        towns: &towns,
        districts: &districts,
        units_by_town: &units_by_town,
        units: &units,
        options: &options,
    };
    let household_width = options.households.to_string().len().max(6);
    let households: Vec<HouseholdInput> = (0..options.households)
        .map(|i| {
            let t = by_population.pick(&mut rng);
            sim_household(&mut rng, i, household_width, t, &world)
        })
        .collect();

    Scenario {
        as_of: options.as_of,
        municipalities,
        units,
        households,
    }
}

/// A town's weight: its population, at least 500 (3,000 when unknown).
fn population(t: &BwMunicipality) -> f64 {
    f64::from(t.population.unwrap_or(3_000).max(500))
}

/// A municipality with example rent caps that grow with its size (three times higher in a
/// dense scenario, so every household fits every flat).
fn sim_municipality(t: &BwMunicipality, dense: bool) -> MunicipalityInput {
    let size_factor = (0.9 + 0.1 * (population(t) / 3_000.0).log10()).clamp(0.85, 1.3);
    let f = size_factor * if dense { 3.0 } else { 1.0 };
    let base = [520.0, 630.0, 750.0, 870.0, 990.0];
    MunicipalityInput {
        id: Id::Str(t.ags.clone()),
        name: Some(t.name.clone()),
        lat: t.lat,
        lon: t.lon,
        rent_caps: base
            .iter()
            .enumerate()
            .map(|(i, b)| RentCapRow {
                persons: i as u32 + 1,
                max_gross_cold_rent: round_euros(b * f, 5.0),
            })
            .collect(),
        extra_person_cap: round_euros(120.0 * f, 5.0),
        weights: None,
        area_norms: None,
        extra_person_area_m2: None,
    }
}

/// The `i`th flat, in `town`: somewhere around its centre, its size, rent and features drawn
/// from shares typical of the state.
fn sim_unit(
    rng: &mut SplitMix64,
    i: usize,
    width: usize,
    town: &BwMunicipality,
    options: &GenerateOptions,
) -> UnitInput {
    let radius = (0.5 + population(town).sqrt() / 200.0).clamp(0.5, 6.0);
    let (lat, lon) = offset(rng, town.lat, town.lon, radius);
    let rooms = 1 + rng.weighted(&[0.12, 0.30, 0.32, 0.18, 0.08]);
    let base_area = [32.0, 55.0, 72.0, 92.0, 110.0][rooms - 1];
    let area_m2 = (base_area * rng.range_f64(0.85, 1.15) * 2.0_f64).round() / 2.0;
    let rooms_f = if rooms >= 2 && rng.chance(0.15) {
        rooms as f64 + 0.5
    } else {
        rooms as f64
    };
    let per_m2 = 8.0
        * (0.95 + 0.15 * (population(town) / 3_000.0).log10()).clamp(0.9, 1.4)
        * rng.range_f64(0.85, 1.15);
    let floor = rng.weighted(&[0.22, 0.28, 0.25, 0.15, 0.10]) as i32;
    let lift = if floor >= 3 {
        rng.chance(0.6)
    } else {
        rng.chance(0.12)
    };
    let wheelchair_accessible = (floor == 0 || lift) && rng.chance(0.15);
    let max_occupants = if options.dense {
        10
    } else {
        ((area_m2 / 16.0).round() as u32 + u32::from(rooms >= 3)).clamp(1, 9)
    };
    let mut landlord_preferences = Vec::new();
    if rng.chance(0.3) {
        landlord_preferences.push(*rng.pick(&DRAWN_PREFERENCES));
    }
    UnitInput {
        id: Id::Str(format!("u{:0width$}", i + 1, width = width)),
        municipality: Id::Str(town.ags.clone()),
        lat,
        lon,
        area_m2,
        rooms: rooms_f,
        floor,
        lift,
        wheelchair_accessible,
        cold_rent: round_euros(area_m2 * per_m2, 5.0),
        service_charges: round_euros(area_m2 * 2.2, 1.0),
        heating_costs: round_euros(area_m2 * 1.3, 1.0),
        municipal_top_up: if rng.chance(0.08) {
            round_euros(rng.range_f64(20.0, 80.0), 10.0)
        } else {
            0.0
        },
        available_from: Some(
            options.as_of
                + Duration::days(if options.dense {
                    -1
                } else {
                    rng.range_i64(-60, 120)
                }),
        ),
        max_occupants,
        pets_allowed: rng.chance(0.35),
        landlord_max_household_size: (!options.dense && rng.chance(0.15))
            .then(|| max_occupants.saturating_sub(1).max(1)),
        landlord_min_household_size: None,
        landlord_preferences,
        active: true,
    }
}

/// What the households of a scenario are drawn against: the towns and their districts, and
/// the flats already drawn (a few households declined one of their town's).
struct SimWorld<'a> {
    towns: &'a [BwMunicipality],
    districts: &'a std::collections::BTreeMap<&'a str, Vec<usize>>,
    units_by_town: &'a [Vec<usize>],
    units: &'a [UnitInput],
    options: &'a GenerateOptions,
}

/// The `i`th household, in town `t`: its size and children, the area it is limited to, its
/// anchors and languages.
fn sim_household(
    rng: &mut SplitMix64,
    i: usize,
    width: usize,
    t: usize,
    w: &SimWorld,
) -> HouseholdInput {
    let towns = w.towns;
    let town = &towns[t];
    let size = 1 + rng.weighted(&[0.32, 0.14, 0.16, 0.16, 0.12, 0.06, 0.03, 0.01]);
    let adults = match size {
        1 => 1,
        2 => {
            if rng.chance(0.55) {
                2
            } else {
                1
            }
        }
        _ => {
            if rng.chance(0.85) {
                2
            } else {
                1
            }
        }
    };
    let children_ages: Vec<u32> = (adults..size as u32)
        .map(|_| rng.range_i64(0, 17) as u32)
        .collect();
    let (allowed_municipalities, max_distance_km) = sim_restriction(rng, t, w);
    let employed = rng.chance(0.35);
    let anchors = sim_anchors(rng, town, employed, &children_ages);
    let declined_units = if !w.options.dense && rng.chance(0.03) && !w.units_by_town[t].is_empty() {
        let u = *rng.pick(&w.units_by_town[t]);
        vec![w.units[u].id.clone()]
    } else {
        Vec::new()
    };
    let mut languages =
        vec![(*rng.pick(&["ar", "fa", "uk", "ti", "tr", "ku", "ru", "en"])).to_owned()];
    if rng.chance(0.45) {
        languages.push("de".into());
    }
    HouseholdInput {
        id: Id::Str(format!("h{:0width$}", i + 1, width = width)),
        municipality: Id::Str(town.ags.clone()),
        adults,
        children_ages,
        wheelchair: !w.options.dense && rng.chance(0.015),
        max_floor_without_lift: (!w.options.dense && rng.chance(0.05))
            .then(|| rng.range_i64(0, 1) as i32),
        pets: !w.options.dense && rng.chance(0.05),
        allowed_municipalities,
        max_distance_km,
        latest_move_date: (!w.options.dense && rng.chance(0.35))
            .then(|| w.options.as_of + Duration::days(rng.range_i64(30, 365))),
        in_follow_up_since: Some(w.options.as_of - Duration::days(rng.range_i64(30, 1800))),
        urgency: rng.weighted(&[0.5, 0.25, 0.15, 0.10]) as u8,
        anchors,
        declined_units,
        declined_by_landlords_of_units: Vec::new(),
        rooms_wanted: None,
        employed,
        languages,
        active: true,
        consent: true,
    }
}

/// The area a household of town `t` is limited to, as coordinators do in practice: its
/// Wohnsitzauflage (the town or its district), or a distance from its town. A household
/// without either could take any flat in the state; the engine handles it, but a scenario
/// full of them would not be realistic. In a dense scenario none is limited.
fn sim_restriction(rng: &mut SplitMix64, t: usize, w: &SimWorld) -> (Option<Vec<Id>>, Option<f64>) {
    let town = &w.towns[t];
    let restriction = if w.options.dense {
        2
    } else {
        rng.weighted(&[0.57, 0.43])
    };
    match restriction {
        0 => {
            let area = if rng.chance(0.65) {
                vec![t]
            } else {
                w.districts
                    .get(town.district.as_str())
                    .cloned()
                    .unwrap_or_else(|| vec![t])
            };
            (
                Some(
                    area.iter()
                        .map(|m| Id::Str(w.towns[*m].ags.clone()))
                        .collect(),
                ),
                None,
            )
        }
        1 => (None, Some(rng.range_i64(5, 20) as f64)),
        _ => (None, None),
    }
}

/// What ties a household to a place near its town: work, school, kindergarten, a course,
/// a doctor.
fn sim_anchors(
    rng: &mut SplitMix64,
    town: &BwMunicipality,
    employed: bool,
    children_ages: &[u32],
) -> Vec<AnchorInput> {
    let mut anchors = Vec::new();
    let mut anchor = |rng: &mut SplitMix64, kind, max_km: f64, importance: f64| {
        let (lat, lon) = offset(rng, town.lat, town.lon, max_km);
        anchors.push(AnchorInput {
            kind,
            lat,
            lon,
            importance,
        });
    };
    if employed {
        anchor(rng, AnchorKind::Work, 15.0, 0.9);
    }
    if children_ages.iter().any(|a| (6..18).contains(a)) {
        anchor(rng, AnchorKind::School, 2.5, 0.8);
    }
    if children_ages.iter().any(|a| (1..6).contains(a)) {
        anchor(rng, AnchorKind::Kindergarten, 2.0, 0.7);
    }
    if !employed && rng.chance(0.5) {
        anchor(rng, AnchorKind::Course, 3.0, 0.6);
    }
    if rng.chance(0.2) {
        anchor(rng, AnchorKind::Doctor, 3.0, 0.4);
    }
    anchors
}

pub mod stream;

#[cfg(test)]
mod tests {
    use super::*;

    fn options(seed: u64) -> GenerateOptions {
        GenerateOptions {
            households: 300,
            units: 100,
            seed,
            as_of: NaiveDate::from_ymd_opt(2026, 11, 21).expect("valid"),
            dense: false,
        }
    }

    #[test]
    fn the_shipped_table_has_the_demo_towns() {
        let towns = bw_municipalities();
        assert!(towns.len() > 1_000, "{}", towns.len());
        let plochingen = towns
            .iter()
            .find(|t| t.ags == "08116056")
            .expect("Plochingen");
        assert_eq!(plochingen.name, "Plochingen");
        assert_eq!(plochingen.district, "Landkreis Esslingen");
    }

    #[test]
    fn a_generated_scenario_is_valid_and_reproducible() {
        let a = generate(options(7));
        crate::engine::scenario::validate(&a).expect("valid");
        assert_eq!(a.households.len(), 300);
        assert_eq!(a.units.len(), 100);
        let b = generate(options(7));
        assert_eq!(
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&b).expect("json")
        );
        let c = generate(options(8));
        assert_ne!(
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&c).expect("json")
        );
    }
}
