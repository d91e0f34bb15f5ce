//! Server-rendered pages, one typed template struct per page.

pub mod home;
pub mod language;

use crate::domain::Locale;
use crate::i18n::Texts;

/// What every page's layout needs: texts, language and the current path (for the
/// language switcher, which returns to the same page).
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: Texts,
    pub locale: Locale,
    pub path: String,
}

impl Chrome {
    /// Layout data for a page at `path` in `locale`.
    pub fn new(locale: Locale, path: impl Into<String>) -> Self {
        Self {
            t: Texts::new(locale),
            locale,
            path: path.into(),
        }
    }

    /// The other languages, for the switcher.
    pub fn other_locales(&self) -> Vec<Locale> {
        Locale::ALL
            .into_iter()
            .filter(|l| *l != self.locale)
            .collect()
    }

    /// The link that switches to `locale` and comes back here.
    pub fn switch_href(&self, locale: &Locale) -> String {
        format!("/lang/{}?next={}", locale.code(), url_encode(&self.path))
    }
}

/// Percent-encodes a path for use in a query parameter.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
