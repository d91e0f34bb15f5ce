//! E-mails as letters: subject, greeting, paragraphs, action buttons, closing.
//!
//! Every text comes from a catalog: the interface catalogs (`locales/<code>.toml`, section
//! `mail`) for German and English, plus any mail-only catalog `locales/mail/<code>.toml`.
//! A translator adds a language for e-mails by adding such a file (same sections and keys
//! as the `mail` part of `locales/de.toml`) and rebuilding; nothing else changes. A key a
//! catalog lacks falls back to German, never to an empty mail. Each letter is rendered as
//! plain text and as HTML with the same words.

use askama::Template;

use super::Email;
use crate::domain::Locale;
use crate::i18n::{self, fill};

/// The languages e-mails can be written in: German, English and every added file.
pub fn mail_languages() -> Vec<String> {
    let mut codes: Vec<String> = Locale::ALL.iter().map(|l| l.code().to_owned()).collect();
    let mut extra: Vec<String> = i18n::household_catalog_codes()
        .into_iter()
        .filter(|c| !codes.iter().any(|k| k == c))
        .map(str::to_owned)
        .collect();
    extra.sort();
    codes.extend(extra);
    codes
}

/// The mail text for `key` in `lang`, falling back to German.
pub fn mail_text(lang: &str, key: &str) -> String {
    i18n::own_text(lang, key)
        .unwrap_or_else(|| i18n::text(Locale::De, key))
        .to_owned()
}

fn has_text(lang: &str, key: &str) -> bool {
    i18n::own_text(lang, key).is_some() || i18n::has(Locale::De, key)
}

/// Whom a reader can ask about a letter: a person (or a team) with a phone number and/or an
/// e-mail address. Every letter names one; its e-mail address is the letter's Reply-To.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    /// The person's name, or the municipality's or team's when no person is known.
    pub name: String,
    /// Where the person works ("Plochingen"), when that is not already the name.
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl Contact {
    /// "Lea Hartmann (Plochingen), 07153 7005-0, lea.hartmann@plochingen.de".
    pub fn line(&self) -> String {
        let mut head = self.name.trim().to_owned();
        if let Some(o) = self.organisation.as_deref().map(str::trim)
            && !o.is_empty()
            && o != head
        {
            head = if head.is_empty() {
                o.to_owned()
            } else {
                format!("{head} ({o})")
            };
        }
        let mut parts = vec![head];
        parts.extend(self.phone.clone().filter(|p| !p.trim().is_empty()));
        parts.extend(self.email.clone().filter(|e| !e.trim().is_empty()));
        parts.retain(|p| !p.is_empty());
        parts.join(", ")
    }

    /// Whether the reader can reach this contact (a phone number or an e-mail address).
    pub fn reachable(&self) -> bool {
        self.email.as_deref().is_some_and(|e| !e.trim().is_empty())
            || self.phone.as_deref().is_some_and(|p| !p.trim().is_empty())
    }

    /// The Reply-To mailbox ("Lea Hartmann <lea@…>"), when the contact has an e-mail address.
    pub fn reply_to(&self) -> Option<String> {
        let email = self
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())?;
        let name = self.name.trim().replace(['"', '<', '>', ','], " ");
        Some(if name.is_empty() {
            email.to_owned()
        } else {
            format!("\"{name}\" <{email}>")
        })
    }
}

/// A message before rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    /// Language code (`de`, `en`, or one added by a file).
    pub lang: String,
    /// Lines in German on top, for someone who helps the reader (a letter in another
    /// language, or one forwarded by a caseworker).
    pub helper: Vec<String>,
    /// The address a reply goes to (the contact person), when there is one.
    pub reply_to: Option<String>,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// Label and address of each link; the first is the main one.
    pub actions: Vec<(String, String)>,
    pub after_action: Vec<String>,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterHtml<'a> {
    lang: &'a str,
    dir: &'a str,
    align: &'a str,
    helper: &'a [String],
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    actions: &'a [(String, String)],
    link_hint: &'a str,
    after_action: &'a [String],
    signature: &'a str,
    footer: &'a str,
}

impl Letter {
    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in &self.helper {
            out.push_str(line);
            out.push_str("\n\n");
        }
        out.push_str(&format!("{}\n\n", self.greeting));
        for p in &self.paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
        for (label, url) in &self.actions {
            out.push_str(&format!("{label}:\n{url}\n\n"));
        }
        for p in &self.after_action {
            out.push_str(p);
            out.push_str("\n\n");
        }
        out.push_str(&mail_text(&self.lang, "mail.signature"));
        out.push_str("\n\n-- \n");
        out.push_str(&mail_text(&self.lang, "mail.footer"));
        out.push('\n');
        out
    }

    /// The HTML body (the same words; inline styles, as mail programs need).
    pub fn html(&self) -> String {
        let link_hint = mail_text(&self.lang, "mail.link_hint");
        let signature = mail_text(&self.lang, "mail.signature");
        let footer = mail_text(&self.lang, "mail.footer");
        let rtl = self
            .lang
            .parse::<crate::domain::Language>()
            .is_ok_and(|l| l.is_rtl());
        let page = LetterHtml {
            lang: &self.lang,
            dir: if rtl { "rtl" } else { "ltr" },
            align: if rtl { "right" } else { "left" },
            helper: &self.helper,
            subject: &self.subject,
            greeting: &self.greeting,
            paragraphs: &self.paragraphs,
            actions: &self.actions,
            link_hint: &link_hint,
            after_action: &self.after_action,
            signature: &signature,
            footer: &footer,
        };
        page.render()
            .unwrap_or_else(|_| format!("<pre>{}</pre>", self.text()))
    }

    /// The e-mail to `to_address` with idempotency `key`.
    pub fn to_email(&self, key: String, to_address: &str, to_name: Option<&str>) -> Email {
        Email {
            key,
            to_address: to_address.to_owned(),
            to_name: to_name.map(str::to_owned),
            reply_to: self.reply_to.clone(),
            subject: self.subject.clone(),
            text: self.text(),
            html: Some(self.html()),
            attachments: Vec::new(),
        }
    }

    /// Names whom to ask at the end of the letter and makes replies go to them; "reply to
    /// this e-mail" is said only when a reply reaches that person.
    pub fn with_contact(mut self, contact: &Contact) -> Self {
        if contact.reachable() {
            let rtl = self
                .lang
                .parse::<crate::domain::Language>()
                .is_ok_and(|l| l.is_rtl());
            let who = if rtl {
                isolate(&contact.line())
            } else {
                contact.line()
            };
            self.after_action.push(fill(
                &mail_text(&self.lang, "mail.contact_line"),
                &[("who", &who)],
            ));
        }
        if let Some(reply_to) = contact.reply_to() {
            self.after_action
                .push(mail_text(&self.lang, "mail.reply_line"));
            self.reply_to = Some(reply_to);
        }
        self
    }

    /// A letter about a household that goes to its caseworker: the subject and a German
    /// first line say which household (name and Aktenzeichen).
    pub fn for_household(mut self, household: &str, reference: &str) -> Self {
        let values = [
            ("subject", self.subject.as_str()),
            ("household", household),
            ("reference", reference),
        ];
        let subject = fill(&mail_text("de", "mail.subject_for"), &values);
        self.helper
            .insert(0, fill(&mail_text("de", "mail.for_household"), &values));
        self.subject = subject;
        self
    }
}

/// `text` between Unicode isolates (LRI or FSI … PDI): in right-to-left text it keeps its
/// own direction ("Hauptstraße 1, 73728 Esslingen", "610,00 €").
pub fn isolate(text: &str) -> String {
    let rtl_script = text
        .chars()
        .any(|c| ('\u{0590}'..='\u{08FF}').contains(&c) || ('\u{FB1D}'..='\u{FEFC}').contains(&c));
    match (text.is_empty(), rtl_script) {
        (true, _) => String::new(),
        // Its own direction, from its first strong letter.
        (false, true) => format!("\u{2068}{text}\u{2069}"),
        // Latin script, numbers and amounts: left to right.
        (false, false) => format!("\u{2066}{text}\u{2069}"),
    }
}

/// Builds a letter from the catalog section `mail.<name>`: `subject`, `greeting`,
/// `p1`..`p9`, `action`, `after1`..`after9`, each filled with `values`.
pub fn letter(locale: Locale, name: &str, values: &[(&str, &str)], link: Option<&str>) -> Letter {
    let links: Vec<(&str, &str)> = link.map(|url| ("action", url)).into_iter().collect();
    letter_in(locale.code(), name, values, &links)
}

/// Like [`letter`], in any mail language, with several links: each `(part, url)` is
/// labelled with the text `mail.<name>.<part>`.
pub fn letter_in(
    lang: &str,
    name: &str,
    values: &[(&str, &str)],
    links: &[(&str, &str)],
) -> Letter {
    let key = |part: &str| format!("mail.{name}.{part}");
    let raw = values;
    let rtl = lang
        .parse::<crate::domain::Language>()
        .is_ok_and(|l| l.is_rtl());
    // In a right-to-left letter every filled-in value (an address, an amount, a name in
    // Latin script) is isolated, so that it keeps its own order inside the sentence.
    let isolated: Vec<(&str, String)> = values
        .iter()
        .map(|(k, v)| (*k, if rtl { isolate(v) } else { (*v).to_owned() }))
        .collect();
    let values: Vec<(&str, &str)> = isolated.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let values = values.as_slice();
    let get = |part: &str| fill(&mail_text(lang, &key(part)), values);
    let numbered = |prefix: &str| {
        (1..10)
            .map(|i| format!("{prefix}{i}"))
            .take_while(|part| has_text(lang, &key(part)))
            .map(|part| get(&part))
            .collect::<Vec<_>>()
    };
    let subject = get("subject");
    // A letter in a language other than German or English starts with a German line, so
    // that a helper can tell what it is about.
    let helper = match lang.parse::<crate::domain::Language>() {
        Ok(language) if language.interface().is_none() => {
            let german_subject = fill(&mail_text("de", &key("subject")), raw);
            vec![fill(
                &mail_text("de", "mail.helper_line"),
                &[
                    ("language", language.german_name()),
                    ("subject", &german_subject),
                ],
            )]
        }
        _ => Vec::new(),
    };
    Letter {
        lang: lang.to_owned(),
        helper,
        reply_to: None,
        subject,
        greeting: get("greeting"),
        paragraphs: numbered("p"),
        actions: links
            .iter()
            .map(|(part, url)| (get(part), (*url).to_owned()))
            .collect(),
        after_action: numbered("after"),
    }
}

#[cfg(test)]
mod tests {
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
        assert!(
            uk.helper[0].contains("Ukrainisch") && uk.helper[0].contains("Eine Wohnung für Sie")
        );
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
        let nobody =
            letter_in("de", "expired_landlord", &[], &[]).with_contact(&Contact::default());
        assert!(!nobody.text().contains("Ansprechperson"));
    }
}
