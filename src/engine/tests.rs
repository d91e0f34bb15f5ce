//! Tests of the whole engine: every hard rule and soft criterion, the explanation texts
//! (snapshots), and properties on random scenarios (optimal against brute force, never an
//! ineligible pair, the pruned candidate search misses nothing, deterministic, independent
//! of input order and thread count).

use chrono::NaiveDate;
use proptest::prelude::*;

use super::scenario::*;
use super::*;
use crate::domain::household::AnchorKind;
use crate::domain::unit::LandlordPreference;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn plochingen() -> MunicipalityInput {
    MunicipalityInput {
        id: Id::Str("plo".into()),
        name: Some("Plochingen".into()),
        lat: 48.71067,
        lon: 9.41949,
        rent_caps: vec![
            RentCapRow {
                persons: 1,
                max_gross_cold_rent: 540.0,
            },
            RentCapRow {
                persons: 2,
                max_gross_cold_rent: 650.0,
            },
            RentCapRow {
                persons: 3,
                max_gross_cold_rent: 540.0,
            },
            RentCapRow {
                persons: 4,
                max_gross_cold_rent: 900.0,
            },
        ],
        extra_person_cap: 95.0,
        weights: None,
        area_norms: None,
        extra_person_area_m2: None,
    }
}

fn esslingen() -> MunicipalityInput {
    MunicipalityInput {
        id: Id::Str("ess".into()),
        name: Some("Esslingen am Neckar".into()),
        lat: 48.73961,
        lon: 9.30473,
        ..plochingen()
    }
}

fn unit(id: &str) -> UnitInput {
    UnitInput {
        id: Id::Str(id.into()),
        municipality: Id::Str("plo".into()),
        lat: 48.712,
        lon: 9.421,
        area_m2: 75.0,
        rooms: 3.0,
        floor: 1,
        lift: false,
        wheelchair_accessible: false,
        cold_rent: 420.0,
        service_charges: 100.0,
        heating_costs: 60.0,
        municipal_top_up: 0.0,
        available_from: Some(date(2026, 12, 1)),
        max_occupants: 5,
        pets_allowed: false,
        landlord_max_household_size: None,
        landlord_min_household_size: None,
        landlord_preferences: vec![],
        active: true,
    }
}

fn household(id: &str) -> HouseholdInput {
    HouseholdInput {
        id: Id::Str(id.into()),
        municipality: Id::Str("plo".into()),
        adults: 2,
        children_ages: vec![4],
        wheelchair: false,
        max_floor_without_lift: None,
        pets: false,
        allowed_municipalities: None,
        max_distance_km: None,
        latest_move_date: Some(date(2027, 6, 30)),
        in_follow_up_since: Some(date(2025, 1, 21)),
        urgency: 2,
        anchors: vec![AnchorInput {
            kind: AnchorKind::Work,
            lat: 48.72,
            lon: 9.43,
            importance: 1.0,
        }],
        declined_units: vec![],
        declined_by_landlords_of_units: vec![],
        rooms_wanted: None,
        employed: true,
        languages: vec!["ar".into(), "de".into()],
        active: true,
        consent: true,
    }
}

fn scenario(units: Vec<UnitInput>, households: Vec<HouseholdInput>) -> Scenario {
    Scenario {
        as_of: date(2026, 11, 21),
        municipalities: vec![plochingen(), esslingen()],
        units,
        households,
    }
}

/// The codes of every rule household `h` breaks with unit `u`, in a one-pair scenario.
fn broken(u: UnitInput, h: HouseholdInput) -> Vec<&'static str> {
    let s = scenario(vec![u], vec![h]);
    scenario::validate(&s).expect("valid scenario");
    let p = model::prepare(&s);
    rules::violations(&p, 0, 0)
        .iter()
        .map(|v| v.code())
        .collect()
}

fn texts(u: UnitInput, h: HouseholdInput) -> Vec<String> {
    let s = scenario(vec![u], vec![h]);
    let p = model::prepare(&s);
    rules::violations(&p, 0, 0)
        .iter()
        .map(|v| {
            format!(
                "{}: {} | {}",
                v.code(),
                v.text(crate::domain::Locale::De),
                v.text(crate::domain::Locale::En)
            )
        })
        .collect()
}

// ---- hard rules, one by one ----

#[test]
fn a_fitting_pair_breaks_no_rule() {
    assert!(broken(unit("u"), household("h")).is_empty());
}

#[test]
fn too_many_persons_for_the_unit() {
    let mut u = unit("u");
    u.max_occupants = 2;
    assert_eq!(broken(u, household("h")), ["household_too_large"]);
}

#[test]
fn outside_the_landlords_household_size_limits() {
    let mut u = unit("u");
    u.landlord_max_household_size = Some(2);
    assert_eq!(
        broken(u.clone(), household("h")),
        ["landlord_household_limit"]
    );
    u.landlord_max_household_size = None;
    u.landlord_min_household_size = Some(4);
    assert_eq!(broken(u, household("h")), ["landlord_household_limit"]);
}

#[test]
fn gross_cold_rent_above_the_cap_for_the_household_size() {
    // 3 persons in Plochingen: cap 540; gross cold = 450 + 100 = 550 (heating not counted).
    let mut u = unit("u");
    u.cold_rent = 450.0;
    u.heating_costs = 500.0;
    assert_eq!(broken(u.clone(), household("h")), ["rent_above_cap"]);
    // Exactly at the cap is allowed.
    u.cold_rent = 440.0;
    assert!(broken(u, household("h")).is_empty());
}

#[test]
fn a_municipal_top_up_counts_against_the_cap() {
    let mut u = unit("u");
    u.cold_rent = 480.0;
    assert_eq!(broken(u.clone(), household("h")), ["rent_above_cap"]);
    u.municipal_top_up = 40.0;
    assert!(broken(u, household("h")).is_empty());
}

#[test]
fn households_above_the_largest_cap_row_get_the_extra_person_amount() {
    // 6 persons: 900 + 2 × 95 = 1090.
    let mut u = unit("u");
    u.max_occupants = 8;
    u.cold_rent = 990.0;
    let mut h = household("h");
    h.children_ages = vec![1, 3, 5, 7];
    assert!(broken(u.clone(), h.clone()).is_empty());
    u.cold_rent = 991.0;
    assert_eq!(broken(u, h), ["rent_above_cap"]);
}

#[test]
fn available_only_after_the_latest_move_date() {
    let mut u = unit("u");
    u.available_from = Some(date(2027, 7, 1));
    assert_eq!(broken(u.clone(), household("h")), ["available_too_late"]);
    let mut h = household("h");
    h.latest_move_date = None;
    assert!(broken(u, h).is_empty());
}

#[test]
fn a_wheelchair_needs_an_accessible_unit_on_the_ground_floor_or_with_a_lift() {
    let mut h = household("h");
    h.wheelchair = true;
    let mut u = unit("u");
    assert_eq!(broken(u.clone(), h.clone()), ["not_wheelchair_accessible"]);
    u.wheelchair_accessible = true;
    assert_eq!(broken(u.clone(), h.clone()), ["not_wheelchair_accessible"]);
    u.lift = true;
    assert!(broken(u.clone(), h.clone()).is_empty());
    u.lift = false;
    u.floor = 0;
    assert!(broken(u, h).is_empty());
}

#[test]
fn stairs_beyond_the_households_limit_without_a_lift() {
    let mut h = household("h");
    h.max_floor_without_lift = Some(0);
    let mut u = unit("u");
    u.floor = 2;
    assert_eq!(broken(u.clone(), h.clone()), ["too_many_stairs"]);
    h.max_floor_without_lift = Some(2);
    assert!(broken(u.clone(), h.clone()).is_empty());
    h.max_floor_without_lift = Some(1);
    u.lift = true;
    assert!(broken(u, h).is_empty());
}

#[test]
fn pets_need_a_unit_that_allows_them() {
    let mut h = household("h");
    h.pets = true;
    let mut u = unit("u");
    assert_eq!(broken(u.clone(), h.clone()), ["pets_not_allowed"]);
    u.pets_allowed = true;
    assert!(broken(u, h).is_empty());
}

#[test]
fn the_residence_obligation_limits_the_municipalities() {
    let mut h = household("h");
    h.allowed_municipalities = Some(vec![Id::Str("ess".into())]);
    assert_eq!(broken(unit("u"), h.clone()), ["residence_obligation"]);
    h.allowed_municipalities = Some(vec![Id::Str("ess".into()), Id::Str("plo".into())]);
    assert!(broken(unit("u"), h).is_empty());
}

#[test]
fn the_distance_limit_is_measured_from_the_households_municipality_centre() {
    let mut h = household("h");
    h.municipality = Id::Str("ess".into());
    // Plochingen's unit is about 8.8 km from Esslingen's centre.
    h.max_distance_km = Some(8.0);
    assert_eq!(broken(unit("u"), h.clone()), ["too_far"]);
    h.max_distance_km = Some(9.5);
    assert!(broken(unit("u"), h).is_empty());
}

#[test]
fn earlier_declines_block_the_pair() {
    let mut h = household("h");
    h.declined_units = vec![Id::Str("u".into())];
    assert_eq!(broken(unit("u"), h.clone()), ["household_declined"]);
    let mut h = household("h");
    h.declined_by_landlords_of_units = vec![Id::Str("u".into())];
    assert_eq!(broken(unit("u"), h), ["landlord_declined"]);
}

#[test]
fn inactive_or_non_consenting_parties_are_never_matched() {
    let mut h = household("h");
    h.active = false;
    h.consent = false;
    let mut u = unit("u");
    u.active = false;
    assert_eq!(
        broken(u, h),
        ["household_inactive", "no_consent", "unit_inactive"]
    );
}

#[test]
fn every_broken_rule_is_reported_not_just_the_first() {
    let mut h = household("h");
    h.pets = true;
    h.wheelchair = true;
    let mut u = unit("u");
    u.max_occupants = 1;
    u.cold_rent = 900.0;
    assert_eq!(
        broken(u, h),
        [
            "household_too_large",
            "rent_above_cap",
            "not_wheelchair_accessible",
            "pets_not_allowed"
        ]
    );
}

#[test]
fn rule_texts_in_german_and_english() {
    let mut h = household("h");
    h.pets = true;
    h.wheelchair = true;
    h.max_floor_without_lift = Some(0);
    h.municipality = Id::Str("ess".into());
    h.max_distance_km = Some(5.0);
    h.allowed_municipalities = Some(vec![Id::Str("ess".into())]);
    h.declined_units = vec![Id::Str("u".into())];
    h.declined_by_landlords_of_units = vec![Id::Str("u".into())];
    let mut u = unit("u");
    u.cold_rent = 470.0;
    u.municipal_top_up = 20.0;
    u.floor = 2;
    u.max_occupants = 2;
    u.landlord_max_household_size = Some(2);
    u.available_from = Some(date(2027, 8, 1));
    insta::assert_snapshot!(texts(u, h).join("\n"));
}

// ---- soft criteria ----

fn explained(u: UnitInput, h: HouseholdInput) -> scoring::Explained {
    let s = scenario(vec![u], vec![h]);
    let p = model::prepare(&s);
    assert!(
        rules::is_eligible(&p, 0, 0),
        "{:?}",
        rules::violations(&p, 0, 0)
    );
    scoring::explain_pair(&p, 0, 0)
}

fn points(e: &scoring::Explained, name: &str) -> f64 {
    e.criteria
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.points)
        .expect("criterion present")
}

#[test]
fn anchor_points_halve_every_five_kilometres() {
    let mut h = household("h");
    h.anchors = vec![AnchorInput {
        kind: AnchorKind::Work,
        lat: 48.712,
        lon: 9.421,
        importance: 1.0,
    }];
    assert!((points(&explained(unit("u"), h.clone()), "anchor_distance") - 1.0).abs() < 1e-9);
    // 5 km north of the unit.
    h.anchors[0].lat = 48.712 + 5.0 / 111.195;
    assert!((points(&explained(unit("u"), h.clone()), "anchor_distance") - 0.5).abs() < 1e-3);
    // Importance weighs the anchors: a close school counts four times a far doctor.
    h.anchors = vec![
        AnchorInput {
            kind: AnchorKind::School,
            lat: 48.712,
            lon: 9.421,
            importance: 0.8,
        },
        AnchorInput {
            kind: AnchorKind::Doctor,
            lat: 48.712 + 5.0 / 111.195,
            lon: 9.421,
            importance: 0.2,
        },
    ];
    let p = points(&explained(unit("u"), h.clone()), "anchor_distance");
    assert!((p - (0.8 + 0.2 * 0.5)).abs() < 1e-3, "{p}");
    h.anchors.clear();
    assert_eq!(points(&explained(unit("u"), h), "anchor_distance"), 0.5);
}

#[test]
fn area_fit_is_full_at_the_norm_and_costs_both_ways() {
    // 3 persons: norm 75 m².
    let mut u = unit("u");
    assert!((points(&explained(u.clone(), household("h")), "area_fit") - 1.0).abs() < 1e-9);
    u.area_m2 = 112.5;
    let big = points(&explained(u.clone(), household("h")), "area_fit");
    u.area_m2 = 50.0;
    let small = points(&explained(u, household("h")), "area_fit");
    assert!(
        (big - 0.5).abs() < 1e-3 && (small - 0.5).abs() < 1e-3,
        "{big} {small}"
    );
}

#[test]
fn rooms_fit_forgives_half_a_room_and_costs_more_for_too_few() {
    // 2 adults + 1 child need 3 rooms.
    let mut u = unit("u");
    u.rooms = 2.5;
    assert_eq!(
        points(&explained(u.clone(), household("h")), "rooms_fit"),
        1.0
    );
    u.rooms = 2.0;
    let too_few = points(&explained(u.clone(), household("h")), "rooms_fit");
    u.rooms = 4.0;
    let too_many = points(&explained(u, household("h")), "rooms_fit");
    assert!(
        (too_few - 0.8).abs() < 1e-9 && (too_many - 0.875).abs() < 1e-9,
        "{too_few} {too_many}"
    );
}

#[test]
fn rent_headroom_is_full_from_twenty_percent_below_the_cap() {
    let mut u = unit("u");
    u.cold_rent = 332.0; // gross 432 = 80 % of 540
    assert_eq!(
        points(&explained(u.clone(), household("h")), "rent_headroom"),
        1.0
    );
    u.cold_rent = 386.0; // gross 486 = 90 % of 540
    assert!((points(&explained(u.clone(), household("h")), "rent_headroom") - 0.5).abs() < 1e-9);
    u.cold_rent = 440.0; // at the cap
    assert_eq!(points(&explained(u, household("h")), "rent_headroom"), 0.0);
}

#[test]
fn waiting_time_is_full_after_two_years() {
    let mut h = household("h");
    h.in_follow_up_since = Some(date(2024, 1, 1));
    assert_eq!(
        points(&explained(unit("u"), h.clone()), "waiting_time"),
        1.0
    );
    h.in_follow_up_since = Some(date(2025, 11, 21));
    assert!(
        (points(&explained(unit("u"), h.clone()), "waiting_time") - 365.0 / 730.0).abs() < 1e-9
    );
    h.in_follow_up_since = None;
    assert_eq!(points(&explained(unit("u"), h), "waiting_time"), 0.0);
}

#[test]
fn urgency_counts_in_thirds() {
    let mut h = household("h");
    for (level, expected) in [(0, 0.0), (1, 1.0 / 3.0), (3, 1.0)] {
        h.urgency = level;
        assert!((points(&explained(unit("u"), h.clone()), "urgency") - expected).abs() < 1e-12);
    }
}

#[test]
fn landlord_preferences_count_the_wishes_met() {
    let mut u = unit("u");
    assert_eq!(
        points(
            &explained(u.clone(), household("h")),
            "landlord_preferences"
        ),
        1.0
    );
    u.landlord_preferences = vec![LandlordPreference::Families, LandlordPreference::Singles];
    assert_eq!(
        points(
            &explained(u.clone(), household("h")),
            "landlord_preferences"
        ),
        0.5
    );
    u.landlord_preferences = vec![
        LandlordPreference::Employed,
        LandlordPreference::SpeaksGerman,
    ];
    assert_eq!(
        points(&explained(u, household("h")), "landlord_preferences"),
        1.0
    );
}

#[test]
fn weights_come_from_the_units_municipality_and_are_normalised() {
    let mut s = scenario(vec![unit("u")], vec![household("h")]);
    s.municipalities[0].weights = Some(
        [
            ("urgency".to_owned(), 1.0),
            ("anchor_distance".to_owned(), 0.0),
        ]
        .into(),
    );
    let p = model::prepare(&s);
    let e = scoring::explain_pair(&p, 0, 0);
    let sum: f64 = e.criteria.iter().map(|c| c.weight).sum();
    assert!((sum - 1.0).abs() < 1e-12);
    assert_eq!(
        e.criteria
            .iter()
            .find(|c| c.name == "anchor_distance")
            .map(|c| c.weight),
        Some(0.0)
    );
    let weighted: f64 = e.criteria.iter().map(|c| c.weight * c.points).sum();
    assert_eq!(e.micro, (weighted * 1e6).round() as i64);
}

#[test]
fn criterion_texts_in_german_and_english() {
    let mut u = unit("u");
    u.municipal_top_up = 20.0;
    u.landlord_preferences = vec![LandlordPreference::Families, LandlordPreference::Couples];
    let mut h = household("h");
    h.anchors.push(AnchorInput {
        kind: AnchorKind::Kindergarten,
        lat: 48.715,
        lon: 9.42,
        importance: 0.7,
    });
    let e = explained(u, h);
    let lines: Vec<String> = e
        .criteria
        .iter()
        .map(|c| {
            format!(
                "{} (weight {:.2}, points {:.3}): {} | {}",
                c.name, c.weight, c.points, c.text_de, c.text_en
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn the_hot_path_scores_exactly_what_the_explanation_shows() {
    let s = crate::sim::generate(crate::sim::GenerateOptions {
        households: 200,
        units: 80,
        seed: 3,
        as_of: date(2026, 11, 21),
        dense: false,
    });
    let p = model::prepare(&s);
    let graph = pairs::build(&p);
    assert!(graph.len() > 50, "too few pairs to test: {}", graph.len());
    for h in 0..graph.households() {
        for (u, micro) in graph.row(h) {
            assert_eq!(scoring::explain_pair(&p, h, u as usize).micro, micro);
        }
    }
}

// ---- the whole run ----

#[test]
fn a_unit_only_one_family_can_use_goes_to_that_family() {
    // The big flat is the only one the family of six can take; the single would score
    // slightly higher on it, but greedy flat-by-flat would strand the family.
    let mut big = unit("big");
    big.area_m2 = 110.0;
    big.rooms = 5.0;
    big.max_occupants = 7;
    big.cold_rent = 700.0;
    let mut small = unit("small");
    small.area_m2 = 40.0;
    small.rooms = 1.0;
    small.max_occupants = 2;
    small.cold_rent = 300.0;
    let mut family = household("family");
    family.children_ages = vec![1, 3, 6, 9];
    let mut single = household("single");
    single.adults = 1;
    single.children_ages = vec![];
    single.urgency = 3;
    let result = run(
        &scenario(vec![big, small], vec![family, single]),
        &Options::default(),
    )
    .expect("valid");
    let pairs: Vec<(String, String)> = result
        .assignments
        .iter()
        .map(|a| (a.unit.to_string(), a.household.to_string()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("big".into(), "family".into()),
            ("small".into(), "single".into())
        ]
    );
}

#[test]
fn the_result_lists_everything_the_contract_names() {
    let mut far = unit("far");
    far.cold_rent = 2000.0;
    let result = run(
        &scenario(
            vec![unit("u1"), unit("u2"), far],
            vec![household("h1"), household("h2"), household("h3")],
        ),
        &Options {
            top_k: 5,
            all_scores: true,
            explain_ineligible: true,
        },
    )
    .expect("valid");
    assert_eq!(result.assignments.len(), 2);
    assert_eq!(result.unassigned_units, [Id::Str("far".into())]);
    assert_eq!(result.unassigned_households.len(), 1);
    let scores = result.scores.as_ref().expect("scores");
    assert_eq!(scores.len(), 6);
    let ineligible = result.ineligible.as_ref().expect("ineligible");
    assert_eq!(ineligible.len(), 3);
    assert!(
        ineligible
            .iter()
            .all(|i| i.rules[0].code == "rent_above_cap")
    );
    // Each assigned unit lists the other two households as alternatives.
    for (unit, list) in &result.alternatives.0 {
        let expected = if unit.to_string() == "far" { 0 } else { 2 };
        assert_eq!(list.len(), expected, "{unit}");
    }
    let total: f64 = result.assignments.iter().map(|a| a.score).sum();
    assert!((total - result.total_score).abs() < 1e-6);
    assert_eq!(result.stats.eligible_pairs, 6);
    let json = serde_json::to_value(&result).expect("json");
    for key in [
        "assignments",
        "total_score",
        "unassigned_units",
        "unassigned_households",
        "alternatives",
        "scores",
        "ineligible",
        "stats",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert!(json["alternatives"]["u1"].is_array());
}

// ---- properties on random scenarios ----

/// Small random scenarios around two nearby towns, with every kind of restriction.
fn small_scenario() -> impl Strategy<Value = Scenario> {
    let unit_strategy = (
        0u8..2,
        (48.70f64..48.75, 9.30f64..9.43),
        (
            25.0f64..120.0,
            1u8..6,
            -1i32..5,
            any::<bool>(),
            any::<bool>(),
        ),
        (
            250.0f64..800.0,
            0.0f64..150.0,
            prop::option::of(0.0f64..60.0),
        ),
        (1u32..8, any::<bool>(), prop::option::of(1u32..6), 0i64..120),
        prop::collection::vec(0usize..6, 0..2),
    );
    let household_strategy = (
        0u8..2,
        (1u32..3, prop::collection::vec(0u32..18, 0..5)),
        (any::<bool>(), prop::option::of(0i32..3), any::<bool>()),
        (
            prop::option::of(prop::collection::vec(0u8..2, 1..3)),
            prop::option::of(2.0f64..20.0),
        ),
        (
            prop::option::of(0i64..200),
            0u8..4,
            prop::option::of(0i64..1500),
        ),
        prop::collection::vec(((48.70f64..48.75, 9.30f64..9.43), 0.0f64..1.0), 0..3),
    );
    (
        prop::collection::vec(unit_strategy, 0..7),
        prop::collection::vec(household_strategy, 0..7),
    )
        .prop_map(|(units, households)| {
            let town = |i: u8| Id::Str(if i == 0 { "plo" } else { "ess" }.into());
            let units: Vec<UnitInput> = units
                .into_iter()
                .enumerate()
                .map(
                    |(
                        i,
                        (
                            m,
                            (lat, lon),
                            (area, rooms, floor, lift, wheel),
                            (rent, service, top_up),
                            (max, pets, limit, avail),
                            prefs,
                        ),
                    )| UnitInput {
                        id: Id::Str(format!("u{i}")),
                        municipality: town(m),
                        lat,
                        lon,
                        area_m2: area,
                        rooms: f64::from(rooms),
                        floor,
                        lift,
                        wheelchair_accessible: wheel,
                        cold_rent: rent.round(),
                        service_charges: service.round(),
                        heating_costs: 50.0,
                        municipal_top_up: top_up.unwrap_or(0.0).round(),
                        available_from: Some(date(2026, 11, 21) + chrono::Duration::days(avail)),
                        max_occupants: max,
                        pets_allowed: pets,
                        landlord_max_household_size: limit,
                        landlord_min_household_size: None,
                        landlord_preferences: prefs
                            .into_iter()
                            .map(|p| LandlordPreference::ALL[p])
                            .collect(),
                        active: true,
                    },
                )
                .collect();
            let households = households
                .into_iter()
                .enumerate()
                .map(
                    |(
                        i,
                        (
                            m,
                            (adults, children),
                            (wheelchair, stairs, pets),
                            (allowed, distance),
                            (latest, urgency, since),
                            anchors,
                        ),
                    )| HouseholdInput {
                        id: Id::Str(format!("h{i}")),
                        municipality: town(m),
                        adults,
                        children_ages: children,
                        wheelchair,
                        max_floor_without_lift: stairs,
                        pets,
                        allowed_municipalities: allowed
                            .map(|list| list.into_iter().map(town).collect()),
                        max_distance_km: distance,
                        latest_move_date: latest
                            .map(|d| date(2026, 11, 21) + chrono::Duration::days(d)),
                        in_follow_up_since: since
                            .map(|d| date(2026, 11, 21) - chrono::Duration::days(d)),
                        urgency,
                        anchors: anchors
                            .into_iter()
                            .map(|((lat, lon), importance)| AnchorInput {
                                kind: AnchorKind::Work,
                                lat,
                                lon,
                                importance,
                            })
                            .collect(),
                        declined_units: vec![],
                        declined_by_landlords_of_units: vec![],
                        rooms_wanted: None,
                        employed: false,
                        languages: vec![],
                        active: true,
                        consent: true,
                    },
                )
                .collect();
            scenario(units, households)
        })
}

/// The best total over every matching of eligible pairs, by exhaustive search.
fn brute_force(weights: &[Vec<Option<i64>>], h: usize, used: &mut Vec<bool>) -> i64 {
    if h == weights.len() {
        return 0;
    }
    let mut best = brute_force(weights, h + 1, used);
    for (u, w) in weights[h].iter().enumerate() {
        if let Some(w) = w
            && !used[u]
        {
            used[u] = true;
            best = best.max(w + brute_force(weights, h + 1, used));
            used[u] = false;
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_pruned_search_finds_exactly_the_eligible_pairs(s in small_scenario()) {
        let p = model::prepare(&s);
        let graph = pairs::build(&p);
        for h in 0..p.households.len() {
            let found: Vec<u32> = graph.row(h).map(|(u, _)| u).collect();
            let all: Vec<u32> = (0..p.units.len() as u32).filter(|u| rules::is_eligible(&p, h, *u as usize)).collect();
            prop_assert_eq!(found, all);
            for u in 0..p.units.len() {
                prop_assert_eq!(rules::is_eligible(&p, h, u), rules::violations(&p, h, u).is_empty());
            }
        }
    }

    #[test]
    fn the_assignment_is_optimal_and_never_uses_an_ineligible_pair(s in small_scenario()) {
        let p = model::prepare(&s);
        let result = run_prepared(&p, &Options::default());
        let mut weights = vec![vec![None; p.units.len()]; p.households.len()];
        for (h, row) in weights.iter_mut().enumerate() {
            for (u, w) in row.iter_mut().enumerate() {
                if rules::is_eligible(&p, h, u) {
                    *w = Some(scoring::score_micro(&p, h, u));
                }
            }
        }
        let best = brute_force(&weights, 0, &mut vec![false; p.units.len()]);
        prop_assert_eq!((result.total_score * 1e6).round() as i64, best);
        let mut seen_units = std::collections::HashSet::new();
        let mut seen_households = std::collections::HashSet::new();
        for a in &result.assignments {
            let u = p.units.iter().position(|x| x.id == a.unit).expect("known unit");
            let h = p.households.iter().position(|x| x.id == a.household).expect("known household");
            prop_assert!(rules::is_eligible(&p, h, u));
            prop_assert!(seen_units.insert(u) && seen_households.insert(h));
        }
    }

    #[test]
    fn the_output_is_deterministic_and_independent_of_input_order(s in small_scenario()) {
        let options = Options { top_k: 3, all_scores: true, explain_ineligible: true };
        let first = serde_json::to_string(&run(&s, &options).expect("valid")).expect("json");
        let again = serde_json::to_string(&run(&s, &options).expect("valid")).expect("json");
        prop_assert_eq!(&first, &again);
        let mut reversed = s.clone();
        reversed.units.reverse();
        reversed.households.reverse();
        reversed.municipalities.reverse();
        let turned = serde_json::to_string(&run(&reversed, &options).expect("valid")).expect("json");
        prop_assert_eq!(first, turned);
    }

    #[test]
    fn adding_an_ineligible_unit_or_household_changes_no_assignment(s in small_scenario()) {
        let before = run(&s, &Options::default()).expect("valid");
        let mut more = s.clone();
        let mut unaffordable = unit("zz-unit");
        unaffordable.cold_rent = 5000.0;
        more.units.push(unaffordable);
        let mut unwilling = household("zz-household");
        unwilling.consent = false;
        more.households.push(unwilling);
        let after = run(&more, &Options::default()).expect("valid");
        prop_assert_eq!(&before.assignments, &after.assignments);
        prop_assert_eq!(before.total_score, after.total_score);
    }
}

#[test]
fn the_result_does_not_depend_on_the_number_of_threads() {
    let s = crate::sim::generate(crate::sim::GenerateOptions {
        households: 3000,
        units: 800,
        seed: 11,
        as_of: date(2026, 11, 21),
        dense: false,
    });
    let options = Options {
        top_k: 5,
        all_scores: true,
        explain_ineligible: false,
    };
    let run_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| serde_json::to_string(&run(&s, &options).expect("valid")).expect("json"))
    };
    let one = run_with(1);
    assert_eq!(one, run_with(2));
    assert_eq!(one, run_with(5));
}
