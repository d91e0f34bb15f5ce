//! Tests of the scenario format: parsing, defaults and every validation error with its place.

use super::*;

pub(crate) fn minimal() -> String {
    r#"{
      "as_of": "2026-11-21",
      "municipalities": [ { "id": "plo", "name": "Plochingen", "lat": 48.71, "lon": 9.42,
          "rent_caps": [ { "persons": 1, "max_gross_cold_rent": 540.0 } ], "extra_person_cap": 95.0 } ],
      "units": [ { "id": "u1", "municipality": "plo", "lat": 48.71, "lon": 9.42, "area_m2": 45, "rooms": 2,
          "floor": 1, "lift": false, "wheelchair_accessible": false, "cold_rent": 400, "service_charges": 90,
          "heating_costs": 60, "municipal_top_up": 0, "available_from": "2026-12-01", "max_occupants": 2,
          "pets_allowed": false, "landlord_max_household_size": null } ],
      "households": [ { "id": "h1", "municipality": "plo", "adults": 1, "children_ages": [], "wheelchair": false,
          "max_floor_without_lift": null, "pets": false, "allowed_municipalities": null, "max_distance_km": null,
          "latest_move_date": "2027-06-30", "in_follow_up_since": "2024-01-01", "urgency": 1, "anchors": [],
          "declined_units": [], "declined_by_landlords_of_units": [] } ]
    }"#
    .to_owned()
}

fn parse_err(json: &str) -> String {
    parse(json).expect_err("should fail").to_string()
}

#[test]
fn the_documented_example_parses() {
    let s = parse(&minimal()).expect("valid");
    assert_eq!(s.units[0].id, Id::Str("u1".into()));
    assert_eq!(
        s.households[0].latest_move_date,
        NaiveDate::from_ymd_opt(2027, 6, 30)
    );
}

#[test]
fn bad_json_names_line_and_column() {
    let e = parse_err("{ \"as_of\": \"2026-11-21\", ");
    assert!(e.starts_with("line 1, column"), "{e}");
}

#[test]
fn a_wrong_type_names_the_field() {
    let json = minimal().replace("\"area_m2\": 45", "\"area_m2\": \"big\"");
    let e = parse_err(&json);
    assert!(e.starts_with("units[0].area_m2: invalid type"), "{e}");
    assert!(e.contains("line "), "{e}");
}

#[test]
fn a_negative_area_is_refused() {
    let e = parse_err(&minimal().replace("\"area_m2\": 45", "\"area_m2\": -5"));
    assert_eq!(e, "units[0].area_m2: must be greater than 0, got -5");
}

#[test]
fn an_unknown_municipality_is_refused() {
    let e = parse_err(&minimal().replace(
        "\"municipality\": \"plo\", \"adults\"",
        "\"municipality\": \"xyz\", \"adults\"",
    ));
    assert_eq!(
        e,
        "households[0].municipality: unknown municipality \"xyz\" (not in municipalities)"
    );
}

#[test]
fn a_duplicate_id_is_refused() {
    let mut s: serde_json::Value = serde_json::from_str(&minimal()).expect("json");
    let unit = s["units"][0].clone();
    s["units"].as_array_mut().expect("array").push(unit);
    let e = parse_err(&s.to_string());
    assert_eq!(e, "units[1].id: duplicate unit id \"u1\" (also units[0])");
}

#[test]
fn an_unknown_declined_unit_is_refused() {
    let e = parse_err(&minimal().replace("\"declined_units\": []", "\"declined_units\": [\"u9\"]"));
    assert_eq!(
        e,
        "households[0].declined_units[0]: unknown unit \"u9\" (not in units)"
    );
}

#[test]
fn an_unknown_criterion_is_refused() {
    let e = parse_err(&minimal().replace(
        "\"extra_person_cap\": 95.0",
        "\"extra_person_cap\": 95.0, \"weights\": {\"beauty\": 1}",
    ));
    assert!(
        e.starts_with("municipalities[0].weights: unknown criterion \"beauty\""),
        "{e}"
    );
}

#[test]
fn ids_may_be_numbers_and_keep_their_kind() {
    let json = minimal().replace("\"id\": \"u1\"", "\"id\": 7");
    let s = parse(&json).expect("valid");
    assert_eq!(s.units[0].id, Id::Num(7));
    assert_eq!(serde_json::to_string(&s.units[0].id).expect("json"), "7");
}

#[test]
fn ids_order_numbers_before_texts() {
    let mut ids = vec![
        Id::Str("b".into()),
        Id::Num(10),
        Id::Str("a".into()),
        Id::Num(2),
    ];
    ids.sort();
    assert_eq!(
        ids,
        vec![
            Id::Num(2),
            Id::Num(10),
            Id::Str("a".into()),
            Id::Str("b".into())
        ]
    );
}

#[test]
fn a_bad_date_is_refused() {
    let e = parse_err(&minimal().replace("2027-06-30", "30.06.2027"));
    assert!(e.starts_with("households[0].latest_move_date:"), "{e}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Runs a parsed scenario through the engine too: whatever parses must match.
    fn parse_and_run(text: &str) {
        if let Ok(s) = parse(text) {
            let _ = crate::engine::run(&s, &crate::engine::Options::default());
        } else if let Err(e) = parse(text) {
            assert!(!e.to_string().is_empty(), "an error names what is wrong");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Any text at all: an answer, never a panic.
        #[test]
        fn any_text_is_answered_without_panic(text in ".{0,400}") {
            parse_and_run(&text);
        }

        /// The valid example cut off anywhere.
        #[test]
        fn a_cut_off_scenario_is_refused_without_panic(at in 0usize..1400) {
            let text = minimal();
            let cut: String = text.chars().take(at).collect();
            parse_and_run(&cut);
        }

        /// The valid example with one character replaced, inserted or deleted.
        #[test]
        fn a_scenario_with_one_wrong_character_is_answered_without_panic(
            at in 0usize..1400,
            c in prop::sample::select(vec!['0', '9', '-', '"', '{', '}', '[', ']', ',', ':', 'e', '.', ' ', 'n', 'ü', '\\']),
            how in 0u8..3,
        ) {
            let mut chars: Vec<char> = minimal().chars().collect();
            let at = at.min(chars.len().saturating_sub(1));
            match how {
                0 => chars[at] = c,
                1 => chars.insert(at, c),
                _ => { chars.remove(at); }
            }
            parse_and_run(&chars.into_iter().collect::<String>());
        }

        /// Numbers anywhere in range: refused with a message or matched, never a panic.
        #[test]
        fn extreme_numbers_are_answered_without_panic(
            area in prop::num::f64::ANY,
            rooms in -5.0f64..50.0,
            rent in prop::num::f64::ANY,
            adults in 0u32..100,
            lat in -200.0f64..200.0,
        ) {
            let text = minimal()
                .replace("\"area_m2\": 45", &format!("\"area_m2\": {}", json_number(area)))
                .replace("\"rooms\": 2", &format!("\"rooms\": {rooms}"))
                .replace("\"cold_rent\": 400", &format!("\"cold_rent\": {}", json_number(rent)))
                .replace("\"adults\": 1", &format!("\"adults\": {adults}"))
                .replace("\"lat\": 48.71, \"lon\": 9.42, \"area_m2\"", &format!("\"lat\": {lat}, \"lon\": 9.42, \"area_m2\""));
            parse_and_run(&text);
        }
    }

    fn json_number(v: f64) -> String {
        if v.is_finite() {
            format!("{v:e}")
        } else {
            "1e999".to_owned()
        }
    }
}
