//! Interface texts in German and English, from `locales/<code>.toml`. German is the
//! base language: a key missing in another language falls back to German, never to an
//! empty text. A translator adds a language by adding a file and a [`Locale`] variant.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::Locale;

const DE: &str = include_str!("../locales/de.toml");
const EN: &str = include_str!("../locales/en.toml");

/// All texts of one language, by dotted key.
type Catalog = HashMap<String, String>;

fn catalogs() -> &'static HashMap<Locale, Catalog> {
    static CATALOGS: OnceLock<HashMap<Locale, Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        let mut all = HashMap::new();
        for (locale, source) in [(Locale::De, DE), (Locale::En, EN)] {
            let mut catalog = Catalog::new();
            // The catalogs are compiled in and checked by a unit test, so a parse error
            // cannot reach a running service; an empty catalog would fall back to German.
            if let Ok(table) = source.parse::<toml::Table>() {
                flatten(&table, "", &mut catalog);
            }
            all.insert(locale, catalog);
        }
        all
    })
}

/// Flattens a TOML table into dotted keys (also used for the mail-only catalogs).
pub fn flatten_into(table: &toml::Table, prefix: &str, out: &mut HashMap<String, String>) {
    flatten(table, prefix, out);
}

fn flatten(table: &toml::Table, prefix: &str, out: &mut Catalog) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(inner, &path, out),
            toml::Value::String(text) => {
                out.insert(path, text.clone());
            }
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
}

/// The text for `key` in `locale`, falling back to German, then to the key itself.
pub fn text(locale: Locale, key: &str) -> &str {
    let all = catalogs();
    all.get(&locale)
        .and_then(|c| c.get(key))
        .or_else(|| all.get(&Locale::De).and_then(|c| c.get(key)))
        .map(String::as_str)
        .unwrap_or_else(|| {
            tracing::warn!(key, "missing interface text");
            key
        })
}

/// Whether `locale`'s catalog has `key` itself (without falling back).
pub fn has(locale: Locale, key: &str) -> bool {
    catalogs().get(&locale).is_some_and(|c| c.contains_key(key))
}

/// Replaces `{name}` placeholders in `text` with the given values.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A handle templates use to look up texts: `{{ t.get("home.title") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Texts {
    pub locale: Locale,
}

impl Texts {
    /// Texts in `locale`.
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    /// The text for `key`.
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        text(self.locale, key)
    }

    /// The text for `key` if the catalogs have it (no warning when not: for optional
    /// texts such as hints).
    pub fn optional(&self, key: &str) -> Option<&'static str> {
        let all = catalogs();
        all.get(&self.locale)
            .and_then(|c| c.get(key))
            .or_else(|| all.get(&Locale::De).and_then(|c| c.get(key)))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_parses_and_has_every_german_key() {
        for source in [DE, EN] {
            source
                .parse::<toml::Table>()
                .expect("catalog is valid TOML");
        }
        let all = catalogs();
        let de = &all[&Locale::De];
        for locale in Locale::ALL {
            let catalog = &all[&locale];
            let missing: Vec<&String> = de.keys().filter(|k| !catalog.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{locale} lacks {missing:?}");
            let extra: Vec<&String> = catalog.keys().filter(|k| !de.contains_key(*k)).collect();
            assert!(
                extra.is_empty(),
                "{locale} has keys German lacks: {extra:?}"
            );
            assert!(
                catalog.values().all(|v| !v.trim().is_empty()),
                "{locale} has an empty text"
            );
        }
    }

    #[test]
    fn english_falls_back_to_german_for_a_missing_key() {
        assert_eq!(
            text(Locale::En, "home.title"),
            "Bleibe: a home instead of a shelter"
        );
        assert_eq!(text(Locale::De, "no.such.key"), "no.such.key");
    }

    /// Every message key written in the code as a literal (`"validation.…"`,
    /// `"pipeline.invalid.…"`, …) has a text: a refusal never shows a bare key.
    #[test]
    fn every_message_key_in_the_code_has_a_text() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let prefixes = [
            "\"validation.",
            "\"pipeline.invalid.",
            "\"pipeline.problem.",
            "\"pipeline.blocked.",
        ];
        let mut missing = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source file");
            for prefix in prefixes {
                for (at, _) in text.match_indices(prefix) {
                    let key: String = text[at + 1..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                        .collect();
                    // Keys built at run time end in a dot (`"validation.{code}"`).
                    if !key.ends_with('.') && !has(Locale::De, &key) {
                        missing.push(format!("{}: {key}", file.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys without a text: {missing:#?}");
    }
}
