//! The stream format: a start state and dated arrivals over a horizon, and the answer model.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::scenario::{
    self, HouseholdInput, MunicipalityInput, Scenario, ScenarioError, UnitInput,
};

/// Longest horizon a stream may have, in days (three years).
pub const MAX_DAYS: i64 = 1_096;

/// A flat and the day it is registered (the start day for flats there at the start).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitArrival {
    pub arrives: NaiveDate,
    pub unit: UnitInput,
}

/// A household and the day it joins the waiting list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HouseholdArrival {
    pub arrives: NaiveDate,
    pub household: HouseholdInput,
}

/// Answers of one score band: from this score up to the next band's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBand {
    pub from_score: f64,
    /// Chance the household says yes, 0 to 1.
    pub household_accepts: f64,
    /// Chance the landlord says yes, 0 to 1.
    pub landlord_accepts: f64,
}

/// Whole days, drawn evenly from `min` to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayRange {
    pub min: u32,
    pub max: u32,
}

impl DayRange {
    /// The day for a uniform draw `x` in `[0, 1)`.
    pub fn draw(&self, x: f64) -> u32 {
        let span = self.max.saturating_sub(self.min) + 1;
        self.min + ((x * f64::from(span)) as u32).min(span - 1)
    }
}

/// How people answer a proposal: chances by score band, and how long things take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerModel {
    /// By `from_score`, ascending; the first starts at 0.
    pub bands: Vec<AnswerBand>,
    /// Days from the proposal until both sides have answered.
    pub answer_days: DayRange,
    /// Days from both yeses to the move-in.
    pub move_in_days: DayRange,
    /// Where the figures come from: `assumed` (the documented defaults) or `history`.
    #[serde(default)]
    pub source: String,
    /// With `history`: how many answered proposals the figures rest on.
    #[serde(default)]
    pub answers_seen: u32,
}

impl Default for AnswerModel {
    /// The documented assumption (docs/simulation.md): better fits are declined less.
    fn default() -> Self {
        let band = |from_score, household_accepts, landlord_accepts| AnswerBand {
            from_score,
            household_accepts,
            landlord_accepts,
        };
        AnswerModel {
            bands: vec![
                band(0.0, 0.55, 0.60),
                band(0.5, 0.70, 0.75),
                band(0.65, 0.80, 0.85),
                band(0.8, 0.90, 0.90),
            ],
            answer_days: DayRange { min: 3, max: 14 },
            move_in_days: DayRange { min: 21, max: 60 },
            source: "assumed".into(),
            answers_seen: 0,
        }
    }
}

impl AnswerModel {
    /// The band a score falls in.
    pub fn band(&self, score: f64) -> &AnswerBand {
        let i = self.bands.partition_point(|b| b.from_score <= score);
        &self.bands[i.saturating_sub(1)]
    }

    fn check(&self) -> Result<(), ScenarioError> {
        let err = |place: String, message: &str| ScenarioError {
            place,
            message: message.into(),
        };
        if self.bands.is_empty() {
            return Err(err("answers.bands".into(), "give at least one band"));
        }
        for (i, b) in self.bands.iter().enumerate() {
            if !(0.0..1.0).contains(&b.from_score) {
                return Err(err(
                    format!("answers.bands[{i}].from_score"),
                    "a score band starts at 0 or more and below 1",
                ));
            }
            if i > 0
                && b.from_score.partial_cmp(&self.bands[i - 1].from_score)
                    != Some(std::cmp::Ordering::Greater)
            {
                return Err(err(
                    format!("answers.bands[{i}].from_score"),
                    "bands must be in increasing order of from_score",
                ));
            }
        }
        if self.bands[0].from_score != 0.0 {
            return Err(err(
                "answers.bands[0].from_score".into(),
                "the first band must start at from_score 0",
            ));
        }
        if !matches!(self.source.as_str(), "" | "assumed" | "history") {
            return Err(err(
                "answers.source".into(),
                "must be \"assumed\" or \"history\"",
            ));
        }
        for (i, b) in self.bands.iter().enumerate() {
            for (name, p) in [
                ("household_accepts", b.household_accepts),
                ("landlord_accepts", b.landlord_accepts),
            ] {
                if !(0.0..=1.0).contains(&p) {
                    return Err(err(
                        format!("answers.bands[{i}].{name}"),
                        "a chance must be between 0 and 1",
                    ));
                }
            }
        }
        for (name, r) in [
            ("answer_days", self.answer_days),
            ("move_in_days", self.move_in_days),
        ] {
            if r.min > r.max || r.max > 365 {
                return Err(err(
                    format!("answers.{name}"),
                    "min must not exceed max, and max must be at most 365 days",
                ));
            }
        }
        Ok(())
    }
}

/// A stream: the rule tables, the flats and households with the day each arrives, the
/// horizon, and the answer model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    /// First day: what arrives on it is the start state.
    pub start: NaiveDate,
    /// Last day simulated; only move-ins up to it count.
    pub end: NaiveDate,
    pub municipalities: Vec<MunicipalityInput>,
    pub units: Vec<UnitArrival>,
    pub households: Vec<HouseholdArrival>,
    #[serde(default)]
    pub answers: AnswerModel,
}

/// Reads a stream from JSON, naming the place of an error; unknown members anywhere (also
/// inside a flat, household or municipality) are refused, so a typo changes nothing unseen.
pub fn parse(json: &str) -> Result<Stream, ScenarioError> {
    let mut unknown: Vec<String> = Vec::new();
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    let parsed: Result<Stream, _> =
        serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()));
    let stream = match parsed {
        Ok(stream) => stream,
        Err(_) => return Err(locate(json)),
    };
    if let Some(path) = unknown.first() {
        let (place, name) = match path.rsplit_once('.') {
            Some((parent, name)) => (list_place(parent), name),
            None => (String::new(), path.as_str()),
        };
        return Err(ScenarioError {
            place: if place.is_empty() {
                name.to_owned()
            } else {
                format!("{place}.{name}")
            },
            message: format!("unknown member '{name}' (see docs/simulation.md)"),
        });
    }
    stream.scenario()?;
    Ok(stream)
}

/// `units.3.unit` (serde_ignored's path) → `units[3].unit`.
fn list_place(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.').filter(|p| !p.is_empty() && *p != "?") {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

/// The place and a short message of a JSON error.
fn locate(json: &str) -> ScenarioError {
    let deserializer = &mut serde_json::Deserializer::from_str(json);
    match serde_path_to_error::deserialize::<_, Stream>(deserializer) {
        Ok(_) => ScenarioError {
            place: String::new(),
            message: "the stream could not be read".into(),
        },
        Err(e) => {
            let inner = e.inner();
            let path = e.path().to_string();
            let text = inner.to_string();
            let text = text
                .rfind(" at line ")
                .map_or(text.as_str(), |i| &text[..i]);
            let message = match text {
                "input is out of range"
                | "premature end of input"
                | "input contains invalid characters" => {
                    format!("not a date of the form YYYY-MM-DD ({text})")
                }
                _ if text.starts_with("expected ident") || text.starts_with("expected value") => {
                    "this is not JSON".to_owned()
                }
                _ => text
                    .split(", expected one of")
                    .next()
                    .unwrap_or(text)
                    .to_owned(),
            };
            let location = format!("line {}, column {}", inner.line(), inner.column());
            if path.is_empty() || path == "." || path == "?" {
                ScenarioError {
                    place: location,
                    message,
                }
            } else {
                ScenarioError {
                    place: path,
                    message: format!("{message} ({location})"),
                }
            }
        }
    }
}

impl Stream {
    /// The scenario the engine scores the stream's pairs on: everything at once, as of the
    /// last day, each flat available from its arrival (or later, when it says so).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let err = |place: String, message: String| ScenarioError { place, message };
        let days = (self.end - self.start).num_days();
        if !(0..=MAX_DAYS).contains(&days) {
            return Err(err(
                "end".into(),
                format!("end must be on or after start, at most {MAX_DAYS} days later"),
            ));
        }
        self.answers.check()?;
        let within = |d: NaiveDate| d >= self.start && d <= self.end;
        for (i, a) in self.units.iter().enumerate() {
            if !within(a.arrives) {
                return Err(err(
                    format!("units[{i}].arrives"),
                    "must lie between start and end".into(),
                ));
            }
        }
        for (i, a) in self.households.iter().enumerate() {
            if !within(a.arrives) {
                return Err(err(
                    format!("households[{i}].arrives"),
                    "must lie between start and end".into(),
                ));
            }
        }
        let s = Scenario {
            as_of: self.end,
            municipalities: self.municipalities.clone(),
            units: self
                .units
                .iter()
                .map(|a| {
                    let mut u = a.unit.clone();
                    u.available_from = Some(u.available_from.unwrap_or(a.arrives).max(a.arrives));
                    u
                })
                .collect(),
            households: self
                .households
                .iter()
                .map(|a| a.household.clone())
                .collect(),
        };
        scenario::validate(&s).map_err(|e| ScenarioError {
            place: nest(&e.place),
            message: e.message,
        })?;
        Ok(s)
    }
}

/// `units[3].area_m2` → `units[3].unit.area_m2` (the stream nests each record).
fn nest(place: &str) -> String {
    for (list, inner) in [("units[", "unit"), ("households[", "household")] {
        if let Some(rest) = place.strip_prefix(list)
            && let Some(close) = rest.find(']')
        {
            let (index, tail) = rest.split_at(close);
            let tail = &tail[1..];
            return format!("{list}{index}].{inner}{tail}");
        }
    }
    place.to_owned()
}
