//! The field reader's tests.

use super::*;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn numbers_are_read_the_way_people_type_them() {
    assert_eq!(parse_number("612"), Some(612.0));
    assert_eq!(parse_number("612,50"), Some(612.5));
    assert_eq!(parse_number("612.50"), Some(612.5));
    assert_eq!(parse_number("1.234,50"), Some(1234.5));
    assert_eq!(parse_number("1,234.50"), Some(1234.5));
    assert_eq!(parse_number("1.234"), Some(1234.0));
    assert_eq!(parse_number("0.5"), Some(0.5));
    assert_eq!(parse_number("2,5"), Some(2.5));
    assert_eq!(parse_number("612 €"), Some(612.0));
    assert_eq!(parse_number("45 m²"), Some(45.0));
    assert_eq!(parse_number("-3"), Some(-3.0));
    assert_eq!(parse_number(""), None);
    assert_eq!(parse_number("viel"), None);
}

#[test]
fn dates_and_times_are_read_in_german_and_iso_forms() {
    let d = NaiveDate::from_ymd_opt(2027, 3, 1);
    assert_eq!(parse_date("2027-03-01"), d);
    assert_eq!(parse_date("01.03.2027"), d);
    assert_eq!(parse_date("1.3.27"), d);
    assert_eq!(parse_date("März"), None);
    // 17:00 in December is 16:00 UTC; in July 15:00 UTC.
    let winter = parse_datetime("05.12.2026 17:00").expect("time");
    assert_eq!(winter.to_rfc3339(), "2026-12-05T16:00:00+00:00");
    let summer = parse_datetime("2027-07-05T17:00").expect("time");
    assert_eq!(summer.to_rfc3339(), "2027-07-05T15:00:00+00:00");
    let offset = parse_datetime("2026-12-05T17:00:00+01:00").expect("time");
    assert_eq!(offset, winter);
    assert_eq!(parse_datetime("bald"), None);
}

#[test]
fn a_reader_collects_every_error_by_field_and_keeps_going() {
    let input = pairs(&[
        ("amount", "1.500,00"),
        ("count", "2,5"),
        ("on", "gestern"),
        ("kind", "x"),
    ]);
    let mut r = Reader::new(&input);
    assert_eq!(r.money("amount", Cents::euros(1000), true), None);
    assert_eq!(r.whole("count", 0..=10, true), None);
    assert_eq!(r.date("on", true), None);
    assert_eq!(r.text("missing", 10, true), None);
    assert_eq!(r.text("optional", 10, false), None);
    assert_eq!(r.yes_no("kind"), None);
    let errors = r.finish(|| Some(())).expect_err("errors");
    assert_eq!(errors.get("amount"), Some("validation.out_of_range"));
    assert_eq!(errors.get("count"), Some("validation.whole_number"));
    assert_eq!(errors.get("on"), Some("validation.date"));
    assert_eq!(errors.get("missing"), Some("validation.required"));
    assert_eq!(errors.get("optional"), None);
    assert_eq!(errors.get("kind"), Some("validation.choose_one"));
}

#[test]
fn control_characters_and_line_breaks_in_one_line_fields_are_named() {
    let input = pairs(&[
        ("email", "a\u{0}@example.org"),
        ("street", "Hauptstraße 1\r\nBcc: x@y"),
        ("note", "zwei\nZeilen\tmit Tab"),
        ("name", "Ayşe"),
    ]);
    let errors = character_errors(&input, &["note"]);
    assert_eq!(errors.get("email"), Some("validation.control_characters"));
    assert_eq!(errors.get("street"), Some("validation.one_line"));
    assert_eq!(errors.get("note"), None);
    assert_eq!(errors.get("name"), None);
    assert!(one_line("Müller\u{7}").is_err());
    assert!(plain_text("Zeile\nZeile").is_ok());
}

#[test]
fn json_members_must_be_known_and_of_their_type() {
    const SPECS: &[FieldSpec] = &[
        FieldSpec::required("place", FieldKind::Text { max: 10 }),
        FieldSpec::optional("places", FieldKind::Count { min: 0, max: 9 }),
        FieldSpec::optional(
            "amount",
            FieldKind::Money {
                max: Cents::euros(10),
            },
        ),
    ];
    let ok = serde_json::json!({"action": "x", "place": "Tür", "places": 3, "amount": 2.5});
    let pairs =
        pairs_from_json(ok.as_object().expect("object"), SPECS, &["action"]).expect("valid");
    assert_eq!(
        pairs,
        vec![
            ("amount".to_owned(), "2,5".to_owned()),
            ("place".to_owned(), "Tür".to_owned()),
            ("places".to_owned(), "3".to_owned()),
        ]
    );
    let bad = serde_json::json!({"place": 7, "places": 2.5, "slot": "x", "amount": null});
    let errors =
        pairs_from_json(bad.as_object().expect("object"), SPECS, &[]).expect_err("invalid");
    assert_eq!(errors.get("place"), Some("validation.wrong_type"));
    assert_eq!(errors.get("places"), Some("validation.whole_number"));
    assert_eq!(errors.get("slot"), Some("validation.unknown_field"));
    assert_eq!(errors.get("amount"), None);
}
