//! The one field reader: a web form, a JSON body (through [`pairs_from_json`]) and a CSV row
//! all arrive as name–value pairs of text, exactly as typed, and are read here into typed
//! values or a list of field errors. Nothing else in Bleibe parses people's input.
//!
//! Numbers are read the way people type them (`1.234,50`, `612.5`, `612 €`), dates as
//! `2027-03-01` (date pickers) or `01.03.2027`, times as German civil time
//! (`05.12.2026 17:00`, `2026-12-05T17:00`) or RFC 3339 with an offset.

use std::ops::RangeInclusive;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::money::Cents;
use super::validation::FieldErrors;

/// The submitted values, looked up by name.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a [(String, String)]);

impl<'a> Fields<'a> {
    /// The first value of `name`, trimmed, or "".
    pub fn get(&self, name: &str) -> &'a str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name` (repeated fields, checkboxes of a group).
    pub fn all(&self, name: &str) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(k, v)| k == name && !v.is_empty() && v != "0" && v != "false")
    }
}

/// The hidden field of the edit forms that carries the version of the record the form
/// was opened at (the API sends its `If-Match` this way too).
pub const VERSION_FIELD: &str = "version";

/// The version a form or an API request was based on, when it names one.
pub fn expected_version(f: Fields<'_>) -> Option<i64> {
    f.get(VERSION_FIELD).parse().ok()
}

/// Whether `text` holds a control character other than a tab or a line break (a NUL byte,
/// say, which no keyboard types and PostgreSQL cannot store).
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The character errors of submitted pairs: a control character anywhere, or a line break
/// in a field that is one line (all but `multi_line`, whose texts may have several).
pub fn character_errors(pairs: &[(String, String)], multi_line: &[&str]) -> FieldErrors {
    line_errors(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        multi_line,
    )
}

/// The character errors of named texts (see [`character_errors`]).
pub fn line_errors<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    multi_line: &[&str],
) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for (name, value) in fields {
        if has_control_characters(value) || has_control_characters(name) {
            errors.add(name, "validation.control_characters");
        } else if !multi_line.contains(&name) && value.trim().contains(['\n', '\r']) {
            errors.add(name, "validation.one_line");
        }
    }
    errors
}

/// A `validator` check for one-line texts (names, e-mail addresses, streets): no control
/// character, no line break.
pub fn one_line(text: &str) -> Result<(), validator::ValidationError> {
    if has_control_characters(text) {
        Err(validator::ValidationError::new("control_characters"))
    } else if text.trim().contains(['\n', '\r']) {
        Err(validator::ValidationError::new("one_line"))
    } else {
        Ok(())
    }
}

/// A `validator` check for texts of several lines: no control character.
pub fn plain_text(text: &str) -> Result<(), validator::ValidationError> {
    if has_control_characters(text) {
        Err(validator::ValidationError::new("control_characters"))
    } else {
        Ok(())
    }
}

/// Parses a number as people type it: `1.234,50`, `1234.5`, `612 €`, `45 m²`.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches(['€', 'm', '²', ' '])
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let normalized = match (cleaned.rfind(','), cleaned.rfind('.')) {
        // Both present: the later one is the decimal mark.
        (Some(c), Some(d)) if c > d => cleaned.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => cleaned.replace(',', ""),
        (Some(_), None) => cleaned.replace(',', "."),
        // A dot followed by exactly three digits (and no other dot) is a thousands separator in German.
        (None, Some(d))
            if cleaned.len() - d == 4
                && cleaned.matches('.').count() == 1
                && !cleaned.starts_with('0') =>
        {
            cleaned.replace('.', "")
        }
        (None, Some(_)) if cleaned.matches('.').count() > 1 => cleaned.replace('.', ""),
        _ => cleaned,
    };
    normalized.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a date as typed: `2027-03-01` (date pickers) or `01.03.2027` (or `01.03.27`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // A two-digit year is this century's (chrono would read "27" as the year 27).
    let short_year = text.rsplit('.').next().is_some_and(|y| y.len() == 2) && text.contains('.');
    let german = if short_year { "%d.%m.%y" } else { "%d.%m.%Y" };
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, german))
        .ok()
}

/// Parses a local (German civil) date and time as typed.
pub fn parse_local_datetime(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d.%m.%Y %H:%M",
        "%d.%m.%Y, %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// Parses a point in time: German civil time as typed, or RFC 3339 with an offset.
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    parse_local_datetime(text).map(super::time::berlin_to_utc)
}

/// What a field holds, with its limits. Steps declare their fields with these; the reader
/// parses by them, the forms render by them and the API document describes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    /// One line of text of at most `max` characters.
    Text { max: usize },
    /// Several lines of text of at most `max` characters.
    Note { max: usize },
    /// A calendar date.
    Date,
    /// A date and time (German civil time, or RFC 3339 in the API).
    DateTime,
    /// An amount of money in euros, from 0 to `max`.
    Money { max: Cents },
    /// A whole number within `min..=max`.
    Count { min: i64, max: i64 },
    /// One of these values.
    Choice(&'static [&'static str]),
    /// yes, no or unknown.
    YesNo,
    /// The id of a record (a person of the team, say).
    Id,
}

/// One field of a typed input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

impl FieldSpec {
    /// A field that must be given.
    pub const fn required(name: &'static str, kind: FieldKind) -> Self {
        Self {
            name,
            kind,
            required: true,
        }
    }

    /// A field that may be left empty.
    pub const fn optional(name: &'static str, kind: FieldKind) -> Self {
        Self {
            name,
            kind,
            required: false,
        }
    }
}

/// The values yes / no / unknown of a [`FieldKind::YesNo`] field.
pub const YES_NO: &[&str] = &["yes", "no", "unknown"];

/// Reads typed values from the submitted pairs and collects the errors, field by field.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    fields: Fields<'a>,
    errors: FieldErrors,
}

impl<'a> Reader<'a> {
    /// A reader of these pairs.
    pub fn new(pairs: &'a [(String, String)]) -> Self {
        Self {
            fields: Fields(pairs),
            errors: FieldErrors::default(),
        }
    }

    /// The raw values.
    pub fn fields(&self) -> Fields<'a> {
        self.fields
    }

    /// The value of `name` as typed (trimmed).
    pub fn raw(&self, name: &str) -> &'a str {
        self.fields.get(name)
    }

    /// Records an error at `field` (the first one per field wins).
    pub fn error(&mut self, field: &str, key: &str) {
        self.errors.add(field, key);
    }

    /// Whether `field` has an error already.
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.get(field).is_some()
    }

    /// A more telling sentence for `field` than the general `instead_of`.
    pub fn refine(&mut self, field: &str, instead_of: &str, key: &str) {
        self.errors.refine(field, instead_of, key);
    }

    /// The errors so far.
    pub fn errors(&self) -> &FieldErrors {
        &self.errors
    }

    /// Checks every submitted value's characters (see [`character_errors`]); `multi_line`
    /// names the fields that may have line breaks.
    pub fn check_characters(&mut self, multi_line: &[&str]) {
        for (field, key) in character_errors(self.fields.0, multi_line).0 {
            self.errors.add(&field, &key);
        }
    }

    /// The value when nothing was wrong, else every error. `build` gives `None` only when
    /// a required value is missing, which has recorded an error already.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        let mut errors = self.errors;
        if !errors.is_empty() {
            return Err(errors);
        }
        build().ok_or_else(|| {
            errors.add("form", "validation.required");
            errors
        })
    }

    /// The errors, to merge with others.
    pub fn into_errors(self) -> FieldErrors {
        self.errors
    }

    /// `Some(text)` if present; "" is an error when `required`.
    fn present(&mut self, name: &str, required: bool) -> Option<&'a str> {
        let text = self.fields.get(name);
        if text.is_empty() {
            if required {
                self.error(name, "validation.required");
            }
            return None;
        }
        Some(text)
    }

    /// A text of at most `max` characters (`None` when empty or too long).
    pub fn text(&mut self, name: &str, max: usize, required: bool) -> Option<String> {
        let text = self.present(name, required)?;
        if text.chars().count() > max {
            self.error(name, "validation.too_long");
            return None;
        }
        Some(text.to_owned())
    }

    /// A number within `range`.
    pub fn number(
        &mut self,
        name: &str,
        range: RangeInclusive<f64>,
        required: bool,
    ) -> Option<f64> {
        let text = self.present(name, required)?;
        match parse_number(text) {
            Some(v) if range.contains(&v) => Some(v),
            Some(_) => {
                self.error(name, "validation.out_of_range");
                None
            }
            None => {
                self.error(name, "validation.number");
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn whole(&mut self, name: &str, range: RangeInclusive<i64>, required: bool) -> Option<i64> {
        let text = self.present(name, required)?;
        match parse_number(text) {
            Some(v) if v.fract() != 0.0 => {
                self.error(name, "validation.whole_number");
                None
            }
            Some(v) if v >= *range.start() as f64 && v <= *range.end() as f64 => Some(v as i64),
            Some(_) => {
                self.error(name, "validation.out_of_range");
                None
            }
            None => {
                self.error(name, "validation.number");
                None
            }
        }
    }

    /// An amount of euros from 0 to `max`, to the cent.
    pub fn money(&mut self, name: &str, max: Cents, required: bool) -> Option<Cents> {
        let text = self.present(name, required)?;
        match parse_number(text).and_then(Cents::from_euros_f64) {
            Some(c) if c.0 >= 0 && c <= max => Some(c),
            Some(_) => {
                self.error(name, "validation.out_of_range");
                None
            }
            None => {
                self.error(name, "validation.number");
                None
            }
        }
    }

    /// A calendar date.
    pub fn date(&mut self, name: &str, required: bool) -> Option<NaiveDate> {
        let text = self.present(name, required)?;
        let date = parse_date(text);
        if date.is_none() {
            self.error(name, "validation.date");
        }
        date
    }

    /// A point in time.
    pub fn datetime(&mut self, name: &str, required: bool) -> Option<DateTime<Utc>> {
        let text = self.present(name, required)?;
        let at = parse_datetime(text);
        if at.is_none() {
            self.error(name, "validation.datetime");
        }
        at
    }

    /// One of the values of `T` (a string enum).
    pub fn choice<T: FromStr>(&mut self, name: &str, required: bool) -> Option<T> {
        let text = self.present(name, required)?;
        let value = text.parse().ok();
        if value.is_none() {
            self.error(name, "validation.choose_one");
        }
        value
    }

    /// yes → `Some(true)`, no → `Some(false)`, unknown or empty → `None`.
    pub fn yes_no(&mut self, name: &str) -> Option<bool> {
        match self.fields.get(name) {
            "yes" => Some(true),
            "no" => Some(false),
            "" | "unknown" => None,
            _ => {
                self.error(name, "validation.choose_one");
                None
            }
        }
    }

    /// The id of a record.
    pub fn id(&mut self, name: &str, required: bool) -> Option<i64> {
        let text = self.present(name, required)?;
        match text.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                self.error(name, "validation.choose_one");
                None
            }
        }
    }

    /// A text field as `spec` describes it.
    pub fn spec_text(&mut self, spec: &FieldSpec) -> Option<String> {
        let max = match spec.kind {
            FieldKind::Text { max } | FieldKind::Note { max } => max,
            _ => 0,
        };
        self.text(spec.name, max, spec.required)
    }

    /// A money field as `spec` describes it.
    pub fn spec_money(&mut self, spec: &FieldSpec) -> Option<Cents> {
        let max = match spec.kind {
            FieldKind::Money { max } => max,
            _ => Cents::ZERO,
        };
        self.money(spec.name, max, spec.required)
    }

    /// A count as `spec` describes it.
    pub fn spec_count(&mut self, spec: &FieldSpec) -> Option<i64> {
        let (min, max) = match spec.kind {
            FieldKind::Count { min, max } => (min, max),
            _ => (0, 0),
        };
        self.whole(spec.name, min..=max, spec.required)
    }

    /// A date as `spec` describes it.
    pub fn spec_date(&mut self, spec: &FieldSpec) -> Option<NaiveDate> {
        self.date(spec.name, spec.required)
    }

    /// A point in time as `spec` describes it.
    pub fn spec_datetime(&mut self, spec: &FieldSpec) -> Option<DateTime<Utc>> {
        self.datetime(spec.name, spec.required)
    }

    /// A choice as `spec` describes it.
    pub fn spec_choice<T: FromStr>(&mut self, spec: &FieldSpec) -> Option<T> {
        self.choice(spec.name, spec.required)
    }

    /// An id as `spec` describes it.
    pub fn spec_id(&mut self, spec: &FieldSpec) -> Option<i64> {
        self.id(spec.name, spec.required)
    }
}

/// Turns a JSON object into the reader's pairs, checking each member against `specs`: an
/// unknown member, or a value of the wrong JSON type, is an error at that member. `null` is
/// the same as leaving a member out. Members named in `skip` (the tag of a tagged union)
/// are left out.
pub fn pairs_from_json(
    object: &serde_json::Map<String, serde_json::Value>,
    specs: &[FieldSpec],
    skip: &[&str],
) -> Result<Vec<(String, String)>, FieldErrors> {
    use serde_json::Value;
    let mut errors = FieldErrors::default();
    let mut pairs = Vec::new();
    for (name, value) in object {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            errors.add(name, "validation.unknown_field");
            continue;
        };
        let text = match (spec.kind, value) {
            (_, Value::Null) => continue,
            // A JSON number has a decimal point, never a thousands separator.
            (FieldKind::Money { .. }, Value::Number(n)) => n.to_string().replace('.', ","),
            (FieldKind::Count { .. } | FieldKind::Id, Value::Number(n)) => match n.as_i64() {
                Some(i) => i.to_string(),
                None => {
                    errors.add(name, "validation.whole_number");
                    continue;
                }
            },
            (
                FieldKind::Text { .. }
                | FieldKind::Note { .. }
                | FieldKind::Date
                | FieldKind::DateTime
                | FieldKind::Choice(_)
                | FieldKind::YesNo,
                Value::String(s),
            ) => s.clone(),
            _ => {
                errors.add(name, "validation.wrong_type");
                continue;
            }
        };
        pairs.push((name.clone(), text));
    }
    if errors.is_empty() {
        Ok(pairs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
