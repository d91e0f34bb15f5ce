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
mod tests;
