//! E-mails as letters: subject, greeting, paragraphs, an optional action button, closing.
//! Every text comes from the language catalogs (`locales/<code>.toml`, section `mail`),
//! so a missing translation falls back to German, never to an empty mail. Each letter is
//! rendered as plain text and as HTML with the same words.

use askama::Template;

use super::Email;
use crate::domain::Locale;
use crate::i18n::{self, fill};

/// A message before rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub locale: Locale,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// Label and address of the main link.
    pub action: Option<(String, String)>,
    pub after_action: Vec<String>,
}

#[derive(Template)]
#[template(path = "letter.html")]
struct LetterHtml<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    action: &'a Option<(String, String)>,
    link_hint: &'a str,
    after_action: &'a [String],
    signature: &'a str,
    footer: &'a str,
}

impl Letter {
    /// The plain-text body.
    pub fn text(&self) -> String {
        let t = |key: &str| i18n::text(self.locale, key).to_owned();
        let mut out = format!("{}\n\n", self.greeting);
        for p in &self.paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
        if let Some((label, url)) = &self.action {
            out.push_str(&format!("{label}:\n{url}\n\n"));
        }
        for p in &self.after_action {
            out.push_str(p);
            out.push_str("\n\n");
        }
        out.push_str(&t("mail.signature"));
        out.push_str("\n\n-- \n");
        out.push_str(&t("mail.footer"));
        out.push('\n');
        out
    }

    /// The HTML body (the same words; inline styles, as mail programs need).
    pub fn html(&self) -> String {
        let page = LetterHtml {
            lang: self.locale.code(),
            subject: &self.subject,
            greeting: &self.greeting,
            paragraphs: &self.paragraphs,
            action: &self.action,
            link_hint: i18n::text(self.locale, "mail.link_hint"),
            after_action: &self.after_action,
            signature: i18n::text(self.locale, "mail.signature"),
            footer: i18n::text(self.locale, "mail.footer"),
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
            reply_to: None,
            subject: self.subject.clone(),
            text: self.text(),
            html: Some(self.html()),
            attachments: Vec::new(),
        }
    }
}

/// Builds a letter from the catalog section `mail.<name>`: `subject`, `greeting`,
/// `p1`..`p9`, `action`, `after1`..`after9`, each filled with `values`.
pub fn letter(locale: Locale, name: &str, values: &[(&str, &str)], link: Option<&str>) -> Letter {
    let key = |part: &str| format!("mail.{name}.{part}");
    let get = |part: &str| fill(i18n::text(locale, &key(part)), values);
    let present = |part: &str| i18n::has(locale, &key(part)) || i18n::has(Locale::De, &key(part));
    let numbered = |prefix: &str| {
        (1..10)
            .map(|i| format!("{prefix}{i}"))
            .take_while(|part| present(part))
            .map(|part| get(&part))
            .collect::<Vec<_>>()
    };
    Letter {
        locale,
        subject: get("subject"),
        greeting: get("greeting"),
        paragraphs: numbered("p"),
        action: link.map(|url| (get("action"), url.to_owned())),
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
}
