//! Fairness of a match: for groups of households (size, wheelchair or stairs, urgency,
//! months in follow-up housing, residence obligation), the share matched and the mean
//! score against the group's share of the pool, with plain-language notes where a group
//! fares much worse, naming the hard rule that most often left its households without a
//! flat. It uses only what the engine already keeps for matching. Pure.

use serde::{Deserialize, Serialize};

use super::assign::Matching;
use super::model::Prepared;
use super::pairs::PairGraph;
use crate::domain::{Locale, format};

/// A group is commented on only from this many households (smaller groups vary by chance).
pub const MIN_GROUP: usize = 5;
/// A group fares "much worse" when its match rate is below this share of everyone's
/// (the four-fifths rule of thumb).
pub const RATE_RATIO: f64 = 0.8;
/// … by at least this many households fewer than its share would give …
pub const MIN_SHORTFALL: f64 = 2.0;
/// … or when its mean score is this much below everyone's.
pub const SCORE_GAP: f64 = 0.1;

/// What the report groups a household by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traits {
    pub persons: u32,
    pub wheelchair: bool,
    /// It may not climb above some floor without a lift.
    pub stairs_limit: bool,
    pub urgency: u8,
    /// Whole months in follow-up housing at the reference day; `None`: not in it or unknown.
    pub follow_up_months: Option<i64>,
    pub residence_obligation: bool,
}

/// One household of the pool and how it fared.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub traits: Traits,
    /// Score of its placement or proposal, when it got one.
    pub score: Option<f64>,
    /// Whether any flat of the pool passed every hard rule for it.
    pub had_eligible_flat: bool,
    /// When none did: the hard rule (its code) that blocked the most flats for it.
    pub blocking_rule: Option<&'static str>,
    /// When matched: each criterion's part of the score (name, weight × points).
    pub criteria: Vec<(&'static str, f64)>,
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFigure {
    /// `size`, `mobility`, `urgency`, `follow_up` or `residence_obligation`.
    pub dimension: String,
    /// A stable key, e.g. `size_5_plus`.
    pub key: String,
    pub label_de: String,
    pub label_en: String,
    pub in_pool: usize,
    /// Its share of the pool, 0 to 1.
    pub pool_share: f64,
    pub matched: usize,
    /// Its share of everyone matched, 0 to 1 (`None` when nobody was matched).
    pub matched_share: Option<f64>,
    /// Matched in the group ÷ in the group.
    pub match_rate: Option<f64>,
    pub mean_score: Option<f64>,
    /// Households of the group with no flat passing the hard rules.
    pub without_eligible_flat: usize,
}

/// A sentence about a group that fares much worse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub key: String,
    pub de: String,
    pub en: String,
}

/// The report of one match or one simulated run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FairnessReport {
    pub pool: usize,
    pub matched: usize,
    pub match_rate: Option<f64>,
    pub mean_score: Option<f64>,
    pub groups: Vec<GroupFigure>,
    pub notes: Vec<Note>,
}

type Member = fn(&Traits) -> bool;

/// Every group: dimension, key, German and English label, who belongs.
const GROUPS: [(&str, &str, &str, &str, Member); 16] = [
    ("size", "size_1", "1 Person", "1 person", |t| t.persons <= 1),
    ("size", "size_2", "2 Personen", "2 persons", |t| {
        t.persons == 2
    }),
    (
        "size",
        "size_3_4",
        "3 bis 4 Personen",
        "3 to 4 persons",
        |t| (3..=4).contains(&t.persons),
    ),
    (
        "size",
        "size_5_plus",
        "5 Personen und mehr",
        "5 persons or more",
        |t| t.persons >= 5,
    ),
    ("mobility", "wheelchair", "Rollstuhl", "Wheelchair", |t| {
        t.wheelchair
    }),
    ("mobility", "stairs", "Wenig Treppen", "Few stairs", |t| {
        !t.wheelchair && t.stairs_limit
    }),
    (
        "mobility",
        "no_mobility_need",
        "Ohne Bedarf",
        "No need",
        |t| !t.wheelchair && !t.stairs_limit,
    ),
    (
        "urgency",
        "urgency_normal",
        "Dringlichkeit normal",
        "Normal urgency",
        |t| t.urgency == 0,
    ),
    (
        "urgency",
        "urgency_raised",
        "Dringlichkeit erhöht",
        "Raised urgency",
        |t| t.urgency == 1,
    ),
    (
        "urgency",
        "urgency_high",
        "Dringlichkeit hoch oder sehr hoch",
        "High or very high urgency",
        |t| t.urgency >= 2,
    ),
    (
        "follow_up",
        "follow_up_none",
        "Nicht in Anschlussunterbringung",
        "Not in follow-up housing",
        |t| t.follow_up_months.is_none(),
    ),
    (
        "follow_up",
        "follow_up_under_12",
        "Unter 12 Monate in Anschlussunterbringung",
        "Under 12 months in follow-up housing",
        |t| t.follow_up_months.is_some_and(|m| m < 12),
    ),
    (
        "follow_up",
        "follow_up_12_35",
        "12 bis 35 Monate in Anschlussunterbringung",
        "12 to 35 months in follow-up housing",
        |t| t.follow_up_months.is_some_and(|m| (12..36).contains(&m)),
    ),
    (
        "follow_up",
        "follow_up_36_plus",
        "36 Monate und mehr in Anschlussunterbringung",
        "36 months or more in follow-up housing",
        |t| t.follow_up_months.is_some_and(|m| m >= 36),
    ),
    (
        "residence_obligation",
        "residence_obligation",
        "Mit Wohnsitzauflage",
        "With residence obligation",
        |t| t.residence_obligation,
    ),
    (
        "residence_obligation",
        "no_residence_obligation",
        "Ohne Wohnsitzauflage",
        "Without residence obligation",
        |t| !t.residence_obligation,
    ),
];

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// What "matched" means in a report's sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// A simulation: moved in.
    MovedIn,
    /// A match run: got a proposal.
    Proposed,
}

impl Matched {
    /// (matched, not matched) in German and English.
    fn words(self) -> [&'static str; 4] {
        match self {
            Matched::MovedIn => ["eingezogen", "ohne Einzug", "moved in", "without a move-in"],
            Matched::Proposed => [
                "mit Vorschlag",
                "ohne Vorschlag",
                "with a proposal",
                "without a proposal",
            ],
        }
    }
}

/// The report for a pool of simulated households (matched: moved in).
pub fn report(subjects: &[Subject]) -> FairnessReport {
    report_as(subjects, Matched::MovedIn)
}

/// The report for a pool of subjects, worded for what "matched" means.
pub fn report_as(subjects: &[Subject], matched_means: Matched) -> FairnessReport {
    let pool = subjects.len();
    let matched = subjects.iter().filter(|s| s.score.is_some()).count();
    let match_rate = ratio(matched, pool);
    let mean_score = mean(subjects.iter().filter_map(|s| s.score));
    let mut groups = Vec::new();
    let mut notes = Vec::new();
    let everyone: Vec<&Subject> = subjects.iter().collect();
    for (dimension, key, label_de, label_en, member) in GROUPS {
        let members: Vec<&Subject> = subjects.iter().filter(|s| member(&s.traits)).collect();
        let in_group = members.len();
        let matched_here = members.iter().filter(|s| s.score.is_some()).count();
        let figure = GroupFigure {
            dimension: dimension.into(),
            key: key.into(),
            label_de: label_de.into(),
            label_en: label_en.into(),
            in_pool: in_group,
            pool_share: ratio(in_group, pool).unwrap_or(0.0),
            matched: matched_here,
            matched_share: ratio(matched_here, matched),
            match_rate: ratio(matched_here, in_group),
            mean_score: mean(members.iter().filter_map(|s| s.score)),
            without_eligible_flat: members.iter().filter(|s| !s.had_eligible_flat).count(),
        };
        let all = (&everyone[..], match_rate, mean_score);
        if let Some(note) = note(&figure, &members, all, matched_means) {
            notes.push(note);
        }
        groups.push(figure);
    }
    FairnessReport {
        pool,
        matched,
        match_rate,
        mean_score,
        groups,
        notes,
    }
}

/// A share in whole percent, rounded half away from zero (12.5 % is 13 %).
fn percent(x: f64) -> String {
    format!("{} %", (x * 100.0).round())
}

/// The note on a group that fares much worse than everyone, if it does.
fn note(
    g: &GroupFigure,
    members: &[&Subject],
    (all_matched, all_rate, all_score): (&[&Subject], Option<f64>, Option<f64>),
    matched_means: Matched,
) -> Option<Note> {
    let [yes_de, no_de, yes_en, no_en] = matched_means.words();
    if g.in_pool < MIN_GROUP {
        return None;
    }
    let rate = g.match_rate?;
    let all_rate = all_rate?;
    // Below four fifths of everyone's rate, and by at least two households: in small pools
    // one household more or less is chance, not a pattern.
    let shortfall = all_rate * g.in_pool as f64 - g.matched as f64;
    let rate_low = rate < RATE_RATIO * all_rate && shortfall >= MIN_SHORTFALL;
    let score_low = match (g.mean_score, all_score) {
        (Some(s), Some(all)) => s < all - SCORE_GAP,
        _ => false,
    };
    if !rate_low && !score_low {
        return None;
    }
    let mut de = Vec::new();
    let mut en = Vec::new();
    if rate_low {
        de.push(format!(
            "{}: {} von {} {yes_de} ({}); Quote aller Haushalte: {}.",
            &g.label_de,
            g.matched,
            g.in_pool,
            percent(rate),
            percent(all_rate)
        ));
        en.push(format!(
            "{}: {} of {} {yes_en} ({}); rate of all households: {}.",
            g.label_en,
            g.matched,
            g.in_pool,
            percent(rate),
            percent(all_rate)
        ));
    }
    if let (true, Some(s), Some(all)) = (score_low, g.mean_score, all_score) {
        let (gap_de, gap_en) = widest_gap(members, all_matched)
            .map(criterion_label)
            .map(|(d, e)| {
                (
                    format!(" Am meisten fehlt bei: {d}."),
                    format!(" The most is missing in: {e}."),
                )
            })
            .unwrap_or_default();
        de.push(format!(
            "{}: mittlere Punktzahl {}, bei allen {}. Die Wohnungen passen schlechter.{gap_de}",
            g.label_de,
            format::decimal(Locale::De, s, 2, true),
            format::decimal(Locale::De, all, 2, true)
        ));
        en.push(format!(
            "{}: mean score {:.2}, {:.2} for all. The flats fit less well.{gap_en}",
            g.label_en, s, all
        ));
    }
    // Households without any fitting flat explain the gap only when they are a real part
    // of the unmatched: at least two, and at least a fifth of them.
    let unmatched = g.in_pool - g.matched;
    if g.without_eligible_flat as f64 >= MIN_SHORTFALL && g.without_eligible_flat * 5 >= unmatched {
        let counts = (g.without_eligible_flat, unmatched);
        let (blocked_de, blocked_en) = blocked(counts, top_rule(members), [no_de, no_en]);
        de.push(blocked_de);
        en.push(blocked_en);
    }
    Some(Note {
        key: g.key.clone(),
        de: de.join(" "),
        en: en.join(" "),
    })
}

/// The criterion whose mean part of the score falls most short in the group's matches,
/// against everyone's matches.
fn widest_gap(members: &[&Subject], all: &[&Subject]) -> Option<&'static str> {
    let mean_of = |list: &[&Subject], name: &str| -> Option<f64> {
        mean(
            list.iter()
                .filter(|s| s.score.is_some())
                .filter_map(|s| s.criteria.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)),
        )
    };
    let names: std::collections::BTreeSet<&'static str> = all
        .iter()
        .flat_map(|s| s.criteria.iter().map(|(n, _)| *n))
        .collect();
    names
        .into_iter()
        .filter_map(|n| Some((n, mean_of(all, n)? - mean_of(members, n)?)))
        .filter(|(_, gap)| *gap > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(n, _)| n)
}

/// A scoring criterion's name in German and English.
pub fn criterion_label(name: &str) -> (&'static str, &'static str) {
    match name {
        "anchor_distance" => ("wichtige Orte in der Nähe", "important places nearby"),
        "area_fit" => ("Wohnfläche passt", "floor area fits"),
        "rooms_fit" => ("Zimmer passen", "rooms fit"),
        "rent_headroom" => ("Miete unter der Obergrenze", "rent below the cap"),
        "waiting_time" => ("Wartezeit", "waiting time"),
        "urgency" => ("Dringlichkeit", "urgency"),
        "landlord_preferences" => ("Wünsche der Vermieterseite", "the landlord's wishes"),
        _ => ("", ""),
    }
}

/// "K of the U without … had no flat that meets every hard rule (mostly because of: …).
/// The other … had fitting flats that went to others.", in German and English.
fn blocked(
    (without, unmatched): (usize, usize),
    rule: Option<&str>,
    [no_de, no_en]: [&str; 2],
) -> (String, String) {
    let (rule_de, rule_en) = rule.map(rule_label).unwrap_or(("", ""));
    let why = |text: &str, rule: &str| {
        if rule.is_empty() {
            String::new()
        } else {
            format!(" ({text} {rule})")
        }
    };
    let verb = if without == 1 { "hatte" } else { "hatten" };
    let rest = unmatched.saturating_sub(without);
    let (rest_de, rest_en) = if rest == 0 {
        (String::new(), String::new())
    } else {
        let verb = if rest == 1 { "hatte" } else { "hatten" };
        (
            format!(" Die übrigen {rest} {verb} passende Wohnungen, die an andere gingen."),
            format!(" The other {rest} had fitting flats that went to others."),
        )
    };
    (
        format!(
            "{without} der {unmatched} {no_de} {verb} keine Wohnung, die alle festen Regeln erfüllt{}.{rest_de}",
            why("meist wegen:", rule_de)
        ),
        format!(
            "{without} of the {unmatched} {no_en} had no flat that meets every hard rule{}.{rest_en}",
            why("mostly because of:", rule_en)
        ),
    )
}

/// The blocking rule named most often among the members (ties: the first code by name).
fn top_rule(members: &[&Subject]) -> Option<&'static str> {
    let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for rule in members.iter().filter_map(|s| s.blocking_rule) {
        *counts.entry(rule).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(code, _)| code)
}

/// A hard rule's short name in German and English, by its code.
pub fn rule_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "household_too_large" => (
            "zu viele Personen für die Wohnung",
            "too many persons for the flat",
        ),
        "landlord_household_limit" => (
            "Haushaltsgröße, die Vermietende wünschen",
            "household size the landlord wants",
        ),
        "rent_above_cap" => ("Miete über der Mietobergrenze", "rent above the rent cap"),
        "available_too_late" => (
            "Wohnung erst nach dem spätesten Umzug frei",
            "flat free only after the latest move",
        ),
        "not_wheelchair_accessible" => ("nicht rollstuhlgerecht", "not wheelchair accessible"),
        "too_many_stairs" => (
            "zu viele Treppen ohne Aufzug",
            "too many stairs without a lift",
        ),
        "pets_not_allowed" => ("keine Haustiere erlaubt", "no pets allowed"),
        "residence_obligation" => (
            "außerhalb der Wohnsitzauflage",
            "outside the residence obligation",
        ),
        "too_far" => ("zu weit entfernt", "too far away"),
        "household_declined" => (
            "vom Haushalt schon abgelehnt",
            "declined by the household before",
        ),
        "landlord_declined" => (
            "von Vermietenden schon abgelehnt",
            "declined by the landlord before",
        ),
        "household_inactive" => ("Haushalt nicht aktiv", "household not active"),
        "no_consent" => ("keine Einwilligung", "no consent"),
        "unit_inactive" => ("Wohnung nicht frei", "flat not open"),
        _ => ("", ""),
    }
}

/// The note's text in a language.
pub fn note_text(note: &Note, l: Locale) -> &str {
    match l {
        Locale::De => &note.de,
        Locale::En => &note.en,
    }
}

/// A group's label in a language.
pub fn group_label(g: &GroupFigure, l: Locale) -> &str {
    match l {
        Locale::De => &g.label_de,
        Locale::En => &g.label_en,
    }
}

/// Each criterion's part of a pair's score: (name, weight × points).
pub fn parts(p: &Prepared, h: usize, u: usize) -> Vec<(&'static str, f64)> {
    super::scoring::explain_pair(p, h, u)
        .criteria
        .iter()
        .map(|c| (c.name, c.weight * c.points))
        .collect()
}

/// The fairness of a match: every household of the scenario, with the score of the flat
/// it was proposed, measured as of the scenario's day.
pub fn of_match(p: &Prepared, graph: &PairGraph, matching: &Matching) -> FairnessReport {
    let subjects: Vec<Subject> = p
        .households
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let eligible = graph.row(i).next().is_some();
            let unit = matching.row_to_col.get(i).copied().flatten();
            let score = unit
                .and_then(|u| graph.row(i).find(|(c, _)| *c == u))
                .map(|(_, s)| super::score_value(s));
            let criteria = unit.map_or_else(Vec::new, |u| parts(p, i, u as usize));
            Subject {
                traits: Traits {
                    persons: h.persons,
                    wheelchair: h.wheelchair,
                    stairs_limit: h.max_floor_without_lift.is_some(),
                    urgency: h.urgency,
                    follow_up_months: h.waiting_days.map(|d| d / 30),
                    residence_obligation: h.allowed.is_some(),
                },
                score,
                had_eligible_flat: eligible,
                blocking_rule: if eligible {
                    None
                } else {
                    super::rules::most_blocking(p, i)
                },
                criteria,
            }
        })
        .collect();
    report_as(&subjects, Matched::Proposed)
}

#[cfg(test)]
mod tests;
