//! The letters: complete in every language, pinned as they read (insta snapshots in
//! `src/mail/snapshots`), falling back to German, and the lines for helpers and caseworkers.

use super::*;

#[test]
fn every_letter_is_complete_in_every_language() {
    for name in [
        "confirm_email",
        "password_reset",
        "invitation",
        "unit_submitted",
        "staff_invitation",
        "proposal_landlord",
        "proposal_household",
        "reminder_landlord",
        "reminder_household",
        "expired_landlord",
        "expired_household",
        "accepted_landlord",
        "accepted_household",
        "jobcenter_requested_landlord",
        "viewing_landlord",
        "viewing_household",
        "viewing_cancelled_landlord",
        "viewing_cancelled_household",
        "viewing_companion",
        "viewing_cancelled_companion",
        "incentive_granted_landlord",
        "incentive_declined_landlord",
        "follow_up_coordinator",
        "follow_up_landlord",
        "digest",
    ] {
        for locale in Locale::ALL {
            let l = letter(
                locale,
                name,
                &[
                    ("name", "Renate Maier"),
                    ("municipality", "Plochingen"),
                    ("address", "Hauptstraße 1"),
                    ("inviter", "Lea Hartmann"),
                    ("persons", "3 Personen"),
                    ("due", "05.12.2026"),
                    ("rooms", "3"),
                    ("area", "72"),
                    ("rent", "812 €"),
                    ("cold_rent", "600 €"),
                    ("service_charges", "150 €"),
                    ("heating", "62 €"),
                    ("floor", "2"),
                    ("available", "01.01.2027"),
                    ("contact", "wohnen@esslingen.de"),
                    ("reference", "ES-2026-0001"),
                    ("date", "03.12.2026"),
                    ("time", "15:00"),
                    ("place", "Vor dem Haus"),
                    ("companion", "Lea"),
                    ("months", "3"),
                    ("due_on", "01.03.2027"),
                    ("week", "2026-W47"),
                    ("reviews", "4"),
                    ("next_step", "So geht es weiter."),
                    ("other_side", "So erreichen Sie den Haushalt."),
                    ("incentives", "Bewilligt: Mietausfallgarantie."),
                    ("landlord_contact", "Renate Maier, renate@example.org"),
                    ("household_contact", "Taras Kovalenko, 0711 1234"),
                    ("note", "Eine Dolmetscherin kommt mit."),
                    ("programme", "Mietausfallgarantie"),
                    ("file", "mietbescheinigung-17.pdf"),
                    ("decision", "Er ist bewilligt, mit 1.500,00 €."),
                ],
                Some("https://x/y"),
            );
            assert!(
                !l.subject.is_empty() && !l.paragraphs.is_empty(),
                "{name} {locale}"
            );
            assert!(
                !l.subject.contains('{') && l.paragraphs.iter().all(|p| !p.contains('{')),
                "unfilled placeholder in {name}"
            );
            assert!(l.html().contains("https://x/y") && l.text().contains("https://x/y"));
        }
    }
}

#[test]
fn the_confirmation_letter_reads_well() {
    // The pinned letters live in src/mail/snapshots, beside compose.rs.
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    let _pinned = settings.bind_to_scope();
    let l = letter(
        Locale::De,
        "confirm_email",
        &[("name", "Renate Maier")],
        Some("https://bleibe.example/confirm/abc"),
    );
    insta::assert_snapshot!(l.text());
}

/// Every letter as its reader gets it, German and English, pinned by snapshots.
#[test]
fn every_letter_reads_as_pinned() {
    // The pinned letters live in src/mail/snapshots, beside compose.rs.
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    let _pinned = settings.bind_to_scope();
    let values = [
        ("name", "Renate Maier"),
        ("municipality", "Esslingen am Neckar"),
        ("address", "Hauptstraße 1, 73728 Esslingen am Neckar"),
        ("persons", "3 Personen"),
        ("due", "05.12.2026"),
        ("rooms", "3"),
        ("area", "72"),
        ("rent", "812,00 €"),
        ("cold_rent", "600,00 €"),
        ("service_charges", "150,00 €"),
        ("heating", "62,00 €"),
        ("floor", "2. Obergeschoss"),
        ("available", "01.01.2027"),
        (
            "contact",
            "Murat Demir (Esslingen am Neckar), 0711 3512-0, murat.demir@esslingen.example",
        ),
        ("reference", "ES-2026-0001"),
        ("file", "mietbescheinigung-17.pdf"),
        ("date", "03.12.2026"),
        ("time", "15:00"),
        ("place", "Vor dem Haus"),
        ("companion", "Lea Hartmann"),
        ("months", "3"),
        ("due_on", "01.03.2027"),
        ("week", "2026-W47"),
        (
            "next_step",
            "So geht es weiter: Sie haben Termine für eine Besichtigung vorgeschlagen.",
        ),
        (
            "other_side",
            "So erreichen Sie den Haushalt: Taras Kovalenko, familie@example.org.",
        ),
        ("incentives", "Bewilligt: Mietausfallgarantie, 1.500,00 €."),
        (
            "landlord_contact",
            "Renate Maier, renate@example.org, 0711 555",
        ),
        (
            "household_contact",
            "Taras Kovalenko, Lea Hartmann, lea@example.org",
        ),
        ("note", "Eine Dolmetscherin für Ukrainisch kommt mit."),
        ("programme", "Mietausfallgarantie"),
        (
            "decision",
            "Er ist bewilligt, mit 1.500,00 €. Die Förderung gilt vom 01.01.2027 bis zum 31.12.2027.",
        ),
    ];
    for (name, links) in [
        (
            "proposal_landlord",
            &["action_accept", "action_viewing", "action_decline"][..],
        ),
        (
            "proposal_household",
            &["action_accept", "action_decline"][..],
        ),
        (
            "reminder_landlord",
            &["action_accept", "action_viewing", "action_decline"][..],
        ),
        (
            "reminder_household",
            &["action_accept", "action_decline"][..],
        ),
        ("expired_landlord", &[][..]),
        ("expired_household", &[][..]),
        ("accepted_landlord", &[][..]),
        ("accepted_household", &[][..]),
        ("jobcenter_requested_landlord", &[][..]),
        ("viewing_landlord", &[][..]),
        ("viewing_household", &[][..]),
        ("viewing_cancelled_landlord", &[][..]),
        ("viewing_cancelled_household", &[][..]),
        ("viewing_companion", &[][..]),
        ("viewing_cancelled_companion", &[][..]),
        ("incentive_granted_landlord", &[][..]),
        ("incentive_declined_landlord", &[][..]),
        ("follow_up_coordinator", &["action"][..]),
        ("follow_up_landlord", &[][..]),
    ] {
        let languages: &[&str] = if name.ends_with("_household") {
            &["de", "en", "uk", "ru", "ar", "fa", "tr"]
        } else {
            &["de", "en"]
        };
        for lang in languages {
            let urls: Vec<(&str, String)> = links
                .iter()
                .map(|part| (*part, format!("https://bleibe.example/a/{part}")))
                .collect();
            let refs: Vec<(&str, &str)> = urls.iter().map(|(p, u)| (*p, u.as_str())).collect();
            let contact = Contact {
                name: "Murat Demir".into(),
                organisation: Some("Esslingen am Neckar".into()),
                email: Some("murat.demir@esslingen.example".into()),
                phone: Some("0711 3512-0".into()),
            };
            // Floors and counted nouns as the letters service fills them, per language.
            let language: crate::domain::Language = lang.parse().expect("a language");
            let floor = i18n::floor(language, 2);
            let persons = i18n::count(language, "persons", 3);
            let values: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| match *k {
                    "floor" => (*k, floor.as_str()),
                    "persons" => (*k, persons.as_str()),
                    _ => (*k, *v),
                })
                .collect();
            let l = letter_in(lang, name, &values, &refs).with_contact(&contact);
            assert!(!l.html().contains('{'), "{name} {lang}");
            assert_eq!(
                l.reply_to.as_deref(),
                Some("\"Murat Demir\" <murat.demir@esslingen.example>")
            );
            insta::assert_snapshot!(
                format!("{name}_{lang}"),
                format!("Subject: {}\n\n{}", l.subject, l.text())
            );
            if name == "proposal_household" {
                insta::assert_snapshot!(format!("{name}_{lang}_html"), l.html());
            }
        }
    }
}

#[test]
fn a_language_without_a_file_falls_back_to_german_never_to_nothing() {
    let l = letter_in("xx", "proposal_household", &[("name", "Olena")], &[]);
    assert_eq!(l.subject, "Eine Wohnung für Sie");
    assert!(l.text().contains("Hallo Olena"));
    assert!(mail_languages().starts_with(&["de".to_owned(), "en".to_owned()]));
}

#[test]
fn the_digest_lists_what_needs_attention() {
    // The pinned letters live in src/mail/snapshots, beside compose.rs.
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    let _pinned = settings.bind_to_scope();
    let content = crate::services::letters::DigestContent {
        new_units: vec!["Hauptstraße 1, 73728 Esslingen (72 m², 3 Zi.)".into()],
        waiting_reviews: 4,
        stalled: vec!["ES-2026-0001 – Hauptstraße 1: sent (01.11.2026)".into()],
        failed_mails: vec!["x@example.org – „Ein Haushalt für Ihre Wohnung“: SMTP: 550".into()],
    };
    let l = crate::services::letters::digest_letter(
        "de",
        "Lea Hartmann",
        "Esslingen am Neckar",
        "2026-W47",
        &content,
        "https://bleibe.example/m/1",
    );
    insta::assert_snapshot!(format!("Subject: {}\n\n{}", l.subject, l.text()));
    let quiet = crate::services::letters::digest_letter(
        "en",
        "Lea",
        "Esslingen am Neckar",
        "2026-W47",
        &Default::default(),
        "https://bleibe.example/m/1",
    );
    assert!(quiet.text().contains("Nothing new this week"));
}

/// A household's letter in Arabic or Farsi is right to left, with a German line on top
/// (left to right) so that a helper can tell what it is; Ukrainian is in Cyrillic.
#[test]
fn household_letters_come_in_their_language_with_a_german_line_on_top() {
    let values = [("name", "Olena Kovalenko"), ("address", "Hauptstraße 1")];
    let uk = letter_in("uk", "proposal_household", &values, &[]);
    assert!(uk.helper[0].starts_with("Für Helfende"), "{:?}", uk.helper);
    assert!(uk.helper[0].contains("Ukrainisch") && uk.helper[0].contains("Eine Wohnung für Sie"));
    assert!(uk.greeting.contains("Olena Kovalenko"));
    assert!(
        uk.subject
            .chars()
            .any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
        "Cyrillic subject: {}",
        uk.subject
    );
    let ar = letter_in("ar", "proposal_household", &values, &[]);
    let html = ar.html();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
    assert!(
        html.contains("lang=\"de\" dir=\"ltr\""),
        "the German line runs left to right"
    );
    assert!(
        ar.subject
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "Arabic subject: {}",
        ar.subject
    );
    let de = letter_in("de", "proposal_household", &values, &[]);
    assert!(de.helper.is_empty(), "no helper line in German");
    assert!(!de.html().contains("dir=\"rtl\""));
}

#[test]
fn a_caseworker_letter_says_which_household_and_a_contact_without_mail_is_not_replied_to() {
    let l = letter_in("uk", "proposal_household", &[("name", "Lea Hartmann")], &[])
        .for_household("Olena Kovalenko", "ES-2026-0001");
    assert!(
        l.subject.ends_with("(Olena Kovalenko, ES-2026-0001)"),
        "{}",
        l.subject
    );
    assert!(l.helper[0].contains("Olena Kovalenko") && l.helper[0].contains("ES-2026-0001"));
    let phone_only = Contact {
        name: "Plochingen".into(),
        organisation: None,
        email: None,
        phone: Some("07153 7005-0".into()),
    };
    let l = letter_in("de", "expired_landlord", &[("name", "Renate Maier")], &[])
        .with_contact(&phone_only);
    assert_eq!(l.reply_to, None);
    assert!(
        l.text()
            .contains("Ihre Ansprechperson: Plochingen, 07153 7005-0")
    );
    assert!(
        !l.text().contains("antworten"),
        "no reply offered without an address"
    );
    let nobody = letter_in("de", "expired_landlord", &[], &[]).with_contact(&Contact::default());
    assert!(!nobody.text().contains("Ansprechperson"));
}
