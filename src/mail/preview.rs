//! Every e-mail Bleibe writes, in every language it writes it in, filled with a demo
//! household, flat, landlord and coordinator: for translators and coordinators to read
//! them all (`bleibe mail preview`), and for the tests that check every letter.

use crate::domain::{Language, Locale};
use crate::i18n;
use crate::mail::compose::{Contact, Letter, letter_in};

/// Who reads a letter: households read it in their own language, everyone else in German
/// or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Household,
    Other,
}

/// Every letter: its catalog name, who reads it, and the parts labelling its links.
pub const LETTERS: &[(&str, Reader, &[&str])] = &[
    ("confirm_email", Reader::Other, &["action"]),
    ("password_reset", Reader::Other, &["action"]),
    ("invitation", Reader::Other, &["action"]),
    ("staff_invitation", Reader::Other, &["action"]),
    ("unit_submitted", Reader::Other, &["action"]),
    ("draft_reminder", Reader::Other, &["action"]),
    (
        "proposal_landlord",
        Reader::Other,
        &["action_accept", "action_viewing", "action_decline"],
    ),
    (
        "proposal_household",
        Reader::Household,
        &["action_accept", "action_decline"],
    ),
    (
        "reminder_landlord",
        Reader::Other,
        &["action_accept", "action_viewing", "action_decline"],
    ),
    (
        "reminder_household",
        Reader::Household,
        &["action_accept", "action_decline"],
    ),
    ("expired_landlord", Reader::Other, &[]),
    ("expired_household", Reader::Household, &[]),
    ("accepted_landlord", Reader::Other, &[]),
    ("accepted_household", Reader::Household, &[]),
    ("jobcenter_requested_landlord", Reader::Other, &[]),
    ("viewing_landlord", Reader::Other, &[]),
    ("viewing_household", Reader::Household, &[]),
    ("viewing_cancelled_landlord", Reader::Other, &[]),
    ("viewing_cancelled_household", Reader::Household, &[]),
    ("viewing_companion", Reader::Other, &[]),
    ("viewing_cancelled_companion", Reader::Other, &[]),
    ("incentive_granted_landlord", Reader::Other, &[]),
    ("incentive_declined_landlord", Reader::Other, &[]),
    ("follow_up_coordinator", Reader::Other, &["action"]),
    ("follow_up_landlord", Reader::Other, &[]),
    ("password_changed", Reader::Other, &[]),
    ("change_email", Reader::Other, &["action"]),
    ("change_email_notice", Reader::Other, &[]),
    ("landlord_left_household", Reader::Household, &[]),
    ("landlord_left_coordinator", Reader::Other, &["action"]),
];

/// The languages a letter for `reader` is written in.
pub fn languages_for(reader: Reader) -> Vec<Language> {
    match reader {
        Reader::Household => Language::ALL.to_vec(),
        Reader::Other => Locale::ALL.iter().map(|l| Language::from(*l)).collect(),
    }
}

/// Whom each demo letter names, as the letters service chooses: the team's help address
/// for letters about an account and for staff, the municipality's contact for a flat's
/// own letters, the coordinator in charge for everything about a proposal.
pub fn contact_for(name: &str) -> Contact {
    match name {
        "confirm_email"
        | "password_reset"
        | "password_changed"
        | "draft_reminder"
        | "change_email"
        | "change_email_notice"
        | "landlord_left_coordinator"
        | "staff_invitation"
        | "digest"
        | "follow_up_coordinator" => Contact {
            name: "Bleibe-Team".into(),
            organisation: None,
            email: Some("hilfe@bleibe.invalid".into()),
            phone: None,
        },
        "invitation" => Contact {
            name: "Murat Demir".into(),
            organisation: Some("Esslingen am Neckar".into()),
            email: Some("wohnen.es@bleibe.example".into()),
            phone: Some("0711 9876-10".into()),
        },
        "unit_submitted" | "incentive_granted_landlord" | "incentive_declined_landlord" => {
            Contact {
                name: "Esslingen am Neckar".into(),
                organisation: None,
                email: Some("wohnen.es@bleibe.example".into()),
                phone: Some("0711 9876-10".into()),
            }
        }
        _ => demo_contact(),
    }
}

/// The link a demo letter's button carries, shaped like the real one.
fn demo_link(name: &str, part: &str) -> String {
    const TOKEN: &str = "3f9c2a7e5b1d4c8a9e6f0b2d7c4a1e8f3b5d9c2a7e6f1b4d8c3a5e9f2b7d1c6a";
    match name {
        "confirm_email" => format!("https://bleibe.example/confirm/{TOKEN}"),
        "password_reset" => format!("https://bleibe.example/reset/{TOKEN}"),
        "invitation" | "staff_invitation" => format!("https://bleibe.example/invitation/{TOKEN}"),
        "unit_submitted" => "https://bleibe.example/dashboard".into(),
        "draft_reminder" => "https://bleibe.example/units/drafts/12".into(),
        "follow_up_coordinator" | "landlord_left_coordinator" => {
            "https://bleibe.example/workspace/proposals/7".into()
        }
        "change_email" => format!("https://bleibe.example/account/email/confirm/{TOKEN}"),
        _ => format!(
            "https://bleibe.example/a/{}{}",
            &TOKEN[..63],
            part.len() % 10
        ),
    }
}

/// The demo's coordinator in Esslingen, in charge of the demo household.
pub fn demo_contact() -> Contact {
    Contact {
        name: "Murat Demir".into(),
        organisation: Some("Esslingen am Neckar".into()),
        email: Some("koordination.esslingen@bleibe.example".into()),
        phone: Some("0711 9876-10".into()),
    }
}

/// The demo values a letter in `lang` is filled with, formatted as the letters service
/// formats them (dates, money, floors and counted nouns in the reader's language).
pub fn demo_values(lang: Language, reader_name: &str) -> Vec<(&'static str, String)> {
    let l = lang.formats();
    let money = |cents: i64| crate::domain::Cents(cents).format(l);
    let date = |y, m, d| {
        crate::domain::format::date(
            l,
            chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
        )
    };
    let contact = demo_contact().line();
    vec![
        ("name", reader_name.to_owned()),
        ("municipality", "Esslingen am Neckar".into()),
        (
            "address",
            "Mettinger Straße 12, 73728 Esslingen am Neckar".into(),
        ),
        ("inviter", "Murat Demir".into()),
        ("new_email", "renate.neu@example.org".into()),
        ("persons", i18n::count(lang, "persons", 4)),
        ("due", date(2026, 12, 9)),
        ("rooms", "3".into()),
        ("area", "74".into()),
        ("cold_rent", money(61_000)),
        ("service_charges", money(15_500)),
        ("heating", money(7_000)),
        ("rent", money(83_500)),
        ("floor", i18n::floor(lang, 2)),
        ("available", date(2027, 1, 1)),
        ("file", "mietbescheinigung-17.pdf".into()),
        ("contact", contact),
        ("reference", "ES-2026-0007".into()),
        ("date", date(2026, 12, 14)),
        ("time", "16:30".into()),
        ("place", "Vor dem Haus / in front of the house".into()),
        ("companion", "Lena Wolf".into()),
        ("months", "3".into()),
        ("due_on", date(2027, 4, 1)),
        ("week", "2026-W49".into()),
        ("reviews", "4".into()),
        (
            "next_step",
            i18n::fill(
                &super::compose::mail_text(lang.code(), "mail.accepted_parts.next_viewing"),
                &[("municipality", "Esslingen am Neckar")],
            ),
        ),
        (
            "other_side",
            i18n::fill(
                &super::compose::mail_text(lang.code(), "mail.accepted_parts.landlord_contact"),
                &[("who", "Renate Maier, vermietung.maier@bleibe.example")],
            ),
        ),
        (
            "incentives",
            i18n::fill(
                &super::compose::mail_text(lang.code(), "mail.accepted_parts.incentive_granted"),
                &[
                    ("programme", "Mietausfallgarantie"),
                    ("amount", &format!(", {}", money(150_000))),
                ],
            ),
        ),
        (
            "landlord_contact",
            "Renate Maier, vermietung.maier@bleibe.example, 0711 555-0142".into(),
        ),
        ("household_contact", "Olena Kovalenko, 0176 555-0199".into()),
        (
            "note",
            "Eine Dolmetscherin für Ukrainisch kommt mit.".into(),
        ),
        ("programme", "Mietausfallgarantie".into()),
        ("draft", "Lindenweg 4, 73207 Plochingen".into()),
        ("days", "60".into()),
        (
            "decision",
            i18n::fill(
                &super::compose::mail_text(lang.code(), "mail.incentive_parts.granted_amount"),
                &[("amount", &money(150_000))],
            ),
        ),
    ]
}

/// One letter of the demo, as its reader in `lang` gets it (with the contact line and
/// Reply-To).
pub fn demo_letter(name: &str, reader: Reader, links: &[&str], lang: Language) -> Letter {
    let reader_name = match reader {
        Reader::Household => "Olena Kovalenko",
        Reader::Other if name == "staff_invitation" => "Jana Keller",
        Reader::Other if name.contains("coordinator") => "Murat Demir",
        Reader::Other if name.contains("companion") => "Lena Wolf",
        Reader::Other => "Renate Maier",
    };
    let mut values = demo_values(lang, reader_name);
    if name == "staff_invitation" {
        values.retain(|(k, _)| *k != "inviter");
        values.push(("inviter", "Anna Berger".into()));
    }
    let borrowed: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let urls: Vec<(&str, String)> = links
        .iter()
        .map(|part| (*part, demo_link(name, part)))
        .collect();
    let refs: Vec<(&str, &str)> = urls.iter().map(|(p, u)| (*p, u.as_str())).collect();
    letter_in(lang.code(), name, &borrowed, &refs).with_contact(&contact_for(name))
}

/// Every demo letter in every language it is written in (or only in `only`), as
/// (letter name, language, letter).
pub fn all(only: Option<Language>) -> Vec<(&'static str, Language, Letter)> {
    let mut out = Vec::new();
    for (name, reader, links) in LETTERS {
        for lang in languages_for(*reader) {
            if only.is_some_and(|o| o != lang) {
                continue;
            }
            out.push((*name, lang, demo_letter(name, *reader, links, lang)));
        }
    }
    if only.is_none_or(|o| o.interface().is_some()) {
        for locale in Locale::ALL {
            let lang = Language::from(locale);
            if only.is_some_and(|o| o != lang) {
                continue;
            }
            let content = crate::services::letters::DigestContent {
                new_units: vec![
                    "Mettinger Straße 12, 73728 Esslingen am Neckar (74 m², 3 Zi.)".into(),
                ],
                waiting_reviews: 4,
                stalled: vec!["ES-2026-0003 – Pliensaustraße 4".into()],
                failed_mails: Vec::new(),
            };
            let digest = crate::services::letters::digest_letter(
                lang.code(),
                "Murat Demir",
                "Esslingen am Neckar",
                "2026-W49",
                &content,
                "https://bleibe.example/m/1",
            )
            .with_contact(&contact_for("digest"));
            out.push(("digest", lang, digest));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every demo e-mail greets a named person, names a person to ask with a phone or an
    /// e-mail address, replies go to that person, and no placeholder or key is left.
    #[test]
    fn every_demo_letter_greets_someone_and_names_whom_to_ask() {
        let letters = all(None);
        assert!(letters.len() > 50, "{}", letters.len());
        for (name, lang, letter) in &letters {
            let text = letter.text();
            let html = letter.html();
            assert!(
                [
                    "Olena Kovalenko",
                    "Murat Demir",
                    "Renate Maier",
                    "Lena Wolf",
                    "Jana Keller"
                ]
                .iter()
                .any(|n| letter.greeting.contains(n)),
                "{name} {lang}: greeting {:?}",
                letter.greeting
            );
            let contact = contact_for(name);
            let email = contact
                .email
                .clone()
                .expect("every demo contact has an address");
            assert!(text.contains(&email), "{name} {lang}: no contact person");
            let reply = letter.reply_to.clone().unwrap_or_default();
            assert!(
                reply.contains(&email) && !reply.contains("noreply"),
                "{name} {lang}: Reply-To {reply}"
            );
            assert!(
                !text.contains('{') && !html.contains('{'),
                "{name} {lang}: {text}"
            );
            // No catalog key or code (snake_case) in what a person reads, links aside.
            let codes: Vec<&str> = text
                .split_whitespace()
                .filter(|w| !w.contains("://") && w.contains('_'))
                .collect();
            assert!(codes.is_empty(), "{name} {lang}: {codes:?}");
            assert_eq!(
                html.contains("dir=\"rtl\""),
                lang.is_rtl(),
                "{name} {lang}: text direction"
            );
        }
    }
}
