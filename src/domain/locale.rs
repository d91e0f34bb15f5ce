//! The languages of the interface and of e-mails. German first, English second.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language Bleibe speaks. German is the default and the fallback for everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    De,
    En,
}

impl Locale {
    /// All languages, German first.
    pub const ALL: [Locale; 2] = [Locale::De, Locale::En];

    /// The language code (`de`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Locale::De => "de",
            Locale::En => "en",
        }
    }

    /// The language's own name, for a language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::De => "Deutsch",
            Locale::En => "English",
        }
    }

    /// Picks the best language from an `Accept-Language` header; German when nothing fits.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_lowercase();
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Ok(locale) = primary.parse::<Locale>()
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

impl FromStr for Locale {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "de" => Ok(Locale::De),
            "en" => Ok(Locale::En),
            _ => Err(()),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language a household reads: the e-mails, the answer pages and letters it gets. Staff
/// pages are in German or English ([`Locale`]); what a household reads is in one of these.
/// Texts beyond German and English live in `locales/mail/<code>.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    De,
    En,
    Uk,
    Ru,
    Ar,
    Fa,
    Tr,
}

/// The plural category of a count (CLDR names), chosen by a language's own rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl Plural {
    /// The CLDR name (`one`, `few`, …): the key of the form in a catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Plural::Zero => "zero",
            Plural::One => "one",
            Plural::Two => "two",
            Plural::Few => "few",
            Plural::Many => "many",
            Plural::Other => "other",
        }
    }
}

impl Language {
    /// Every language, German first.
    pub const ALL: [Language; 7] = [
        Language::De,
        Language::En,
        Language::Uk,
        Language::Ru,
        Language::Ar,
        Language::Fa,
        Language::Tr,
    ];

    /// The language code (`de`, `uk`, …), also the `lang` attribute of pages.
    pub fn code(self) -> &'static str {
        match self {
            Language::De => "de",
            Language::En => "en",
            Language::Uk => "uk",
            Language::Ru => "ru",
            Language::Ar => "ar",
            Language::Fa => "fa",
            Language::Tr => "tr",
        }
    }

    /// The language's own name (for a switcher and a household's choice).
    pub fn native_name(self) -> &'static str {
        match self {
            Language::De => "Deutsch",
            Language::En => "English",
            Language::Uk => "Українська",
            Language::Ru => "Русский",
            Language::Ar => "العربية",
            Language::Fa => "فارسی",
            Language::Tr => "Türkçe",
        }
    }

    /// The German name ("auf Ukrainisch"), for the line helpers read on top of a mail.
    pub fn german_name(self) -> &'static str {
        match self {
            Language::De => "Deutsch",
            Language::En => "Englisch",
            Language::Uk => "Ukrainisch",
            Language::Ru => "Russisch",
            Language::Ar => "Arabisch",
            Language::Fa => "Persisch (Farsi/Dari)",
            Language::Tr => "Türkisch",
        }
    }

    /// Whether the script runs right to left (Arabic, Farsi).
    pub fn is_rtl(self) -> bool {
        matches!(self, Language::Ar | Language::Fa)
    }

    /// The `dir` attribute of a page or mail in this language.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The interface language whose formats (dates, numbers, money) this language uses:
    /// English for English, German (01.03.2027, 1.234,50 €) for all others, as people in
    /// Germany meet them on letters and leases.
    pub fn formats(self) -> Locale {
        match self {
            Language::En => Locale::En,
            _ => Locale::De,
        }
    }

    /// Whether this is one of the interface languages (German, English).
    pub fn interface(self) -> Option<Locale> {
        match self {
            Language::De => Some(Locale::De),
            Language::En => Some(Locale::En),
            _ => None,
        }
    }

    /// The plural category of `n` in this language (CLDR rules for whole numbers).
    pub fn plural(self, n: u64) -> Plural {
        match self {
            Language::De | Language::En | Language::Tr => {
                if n == 1 {
                    Plural::One
                } else {
                    Plural::Other
                }
            }
            Language::Fa => {
                if n <= 1 {
                    Plural::One
                } else {
                    Plural::Other
                }
            }
            Language::Uk | Language::Ru => {
                let (ten, hundred) = (n % 10, n % 100);
                if ten == 1 && hundred != 11 {
                    Plural::One
                } else if (2..=4).contains(&ten) && !(12..=14).contains(&hundred) {
                    Plural::Few
                } else {
                    Plural::Many
                }
            }
            Language::Ar => match (n, n % 100) {
                (0, _) => Plural::Zero,
                (1, _) => Plural::One,
                (2, _) => Plural::Two,
                (_, 3..=10) => Plural::Few,
                (_, 11..=99) => Plural::Many,
                _ => Plural::Other,
            },
        }
    }
}

impl From<Locale> for Language {
    fn from(locale: Locale) -> Self {
        match locale {
            Locale::De => Language::De,
            Locale::En => Language::En,
        }
    }
}

impl FromStr for Language {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().to_lowercase();
        // "prs" (Dari) reads Farsi script; a region suffix ("uk-UA") is ignored.
        let primary = code.split(['-', '_']).next().unwrap_or("");
        Language::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .or((primary == "prs").then_some(Language::Fa))
            .ok_or(())
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_quality_known_language() {
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9,de;q=0.8"),
            Locale::En
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR,de;q=0.5,en;q=0.7"),
            Locale::En
        );
        assert_eq!(Locale::from_accept_language("ar,de-DE;q=0.9"), Locale::De);
        assert_eq!(Locale::from_accept_language("ar"), Locale::De);
        assert_eq!(Locale::from_accept_language(""), Locale::De);
    }

    #[test]
    fn plural_categories_follow_each_languages_rule() {
        let forms = |l: Language| -> Vec<&str> {
            [0u64, 1, 2, 3, 5, 11, 12, 21, 22, 25, 101, 111]
                .iter()
                .map(|n| l.plural(*n).as_str())
                .collect()
        };
        assert_eq!(
            forms(Language::De),
            [
                "other", "one", "other", "other", "other", "other", "other", "other", "other",
                "other", "other", "other"
            ]
        );
        assert_eq!(
            forms(Language::Uk),
            [
                "many", "one", "few", "few", "many", "many", "many", "one", "few", "many", "one",
                "many"
            ]
        );
        assert_eq!(forms(Language::Ru), forms(Language::Uk));
        assert_eq!(
            forms(Language::Ar),
            [
                "zero", "one", "two", "few", "few", "many", "many", "many", "many", "many",
                "other", "many"
            ]
        );
        assert_eq!(Language::Fa.plural(0), Plural::One);
        assert_eq!(Language::Tr.plural(2), Plural::Other);
    }

    #[test]
    fn languages_parse_from_codes_and_know_their_direction() {
        assert_eq!("uk-UA".parse::<Language>(), Ok(Language::Uk));
        assert_eq!("AR".parse::<Language>(), Ok(Language::Ar));
        assert_eq!("prs".parse::<Language>(), Ok(Language::Fa));
        assert!("xx".parse::<Language>().is_err());
        assert!(Language::Ar.is_rtl() && Language::Fa.is_rtl() && !Language::Uk.is_rtl());
        assert_eq!(Language::Fa.dir(), "rtl");
        assert_eq!(Language::Uk.formats(), Locale::De);
        for l in Language::ALL {
            assert_eq!(l.code().parse::<Language>(), Ok(l));
        }
    }
}
