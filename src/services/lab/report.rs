//! The policy lab's report: the table of policies × measures (means over seeds with their
//! spread), charts drawn on the server, the fairness figures per policy and their notes,
//! in German or English. One view feeds the standalone HTML file and the web page.

use askama::Template;
use chrono::Datelike;

use super::{LabResult, Source};
use crate::domain::{Locale, format};
use crate::engine::fairness::{group_label, note_text};
use crate::engine::lab::AnswerModel;
use crate::engine::lab::Policy;
use crate::engine::lab::measures::{Measures, Spread, Summary};
use crate::i18n::{Texts, fill};
use crate::services::reports::{BarChart, bar_chart_svg, column_chart_svg};

/// A row of the policies table.
#[derive(Debug, Clone)]
pub struct PolicyRow {
    pub name: String,
    pub words: String,
    /// Each measure's mean, and its lowest–highest over the seeds ("" when one value).
    pub cells: Vec<(String, String)>,
}

/// A group's match rate under each policy.
#[derive(Debug, Clone)]
pub struct FairnessRow {
    pub group: String,
    pub pool_share: String,
    pub rates: Vec<String>,
}

/// Everything the report shows, already in words.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub lang: &'static str,
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub spread_hint: String,
    pub headers: Vec<String>,
    pub rows: Vec<PolicyRow>,
    pub charts: Vec<String>,
    pub fairness_intro: String,
    pub policies: Vec<String>,
    pub fairness: Vec<FairnessRow>,
    /// Per policy and seed: its notes.
    pub notes: Vec<(String, Vec<String>)>,
    /// A warning when the stream is too thin to judge from.
    pub caution: Option<String>,
    pub measures_explained: Vec<(String, String)>,
}

/// The standalone HTML file `bleibe simulate` writes.
#[derive(Template)]
#[template(path = "lab_report.html")]
struct Standalone<'a> {
    r: &'a ReportView,
    t: Texts,
}

/// The report as a standalone HTML document.
pub fn html(result: &LabResult, locale: Locale) -> Result<String, askama::Error> {
    let r = view(result, locale);
    Standalone {
        r: &r,
        t: Texts::new(locale),
    }
    .render()
}

/// The words for a policy.
pub fn policy_words(p: &str, t: Texts) -> String {
    match Policy::parse(p) {
        Ok(Policy::Greedy) => t.get("lab.policy.greedy").to_owned(),
        Ok(Policy::Hindsight) => t.get("lab.policy.hindsight").to_owned(),
        Ok(Policy::Batch { every_days: 1 }) => t.get("lab.policy.daily").to_owned(),
        Ok(Policy::Batch { every_days }) => fill(
            t.get("lab.policy.batch"),
            &[("days", &every_days.to_string())],
        ),
        Ok(Policy::BatchThreshold { flats, days }) => fill(
            t.get("lab.policy.threshold"),
            &[("flats", &flats.to_string()), ("days", &days.to_string())],
        ),
        Err(_) => p.to_owned(),
    }
}

/// "01/27": the `i`th calendar month from `start`'s.
fn month_label(start: chrono::NaiveDate, i: usize) -> String {
    start
        .with_day(1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(i as u32)))
        .map_or_else(|| (i + 1).to_string(), |d| d.format("%m/%y").to_string())
}

/// Where the stream comes from, in words.
fn source_words(source: &Source, t: Texts) -> String {
    match source {
        Source::Generated { months, seed } => fill(
            t.get("lab.source.generated"),
            &[("months", &months.to_string()), ("seed", &seed.to_string())],
        ),
        Source::History { months } => fill(
            t.get("lab.source.history"),
            &[("months", &months.to_string())],
        ),
        Source::File { name } => fill(t.get("lab.source.file"), &[("name", name)]),
    }
}

/// The answer model in one sentence.
fn answer_words(a: &AnswerModel, locale: Locale) -> String {
    let t = Texts::new(locale);
    let both: Vec<f64> = a
        .bands
        .iter()
        .map(|b| b.household_accepts * b.landlord_accepts * 100.0)
        .collect();
    let low = both.iter().copied().fold(f64::INFINITY, f64::min);
    let high = both.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let origin = if a.source == "history" {
        fill(
            t.get("lab.answers.history"),
            &[("n", &a.answers_seen.to_string())],
        )
    } else {
        t.get("lab.answers.assumed").to_owned()
    };
    let text = fill(
        t.get("lab.answers.text"),
        &[
            ("low", &format::number(locale, low, 0)),
            ("high", &format::number(locale, high, 0)),
            ("a1", &a.answer_days.min.to_string()),
            ("a2", &a.answer_days.max.to_string()),
            ("m1", &a.move_in_days.min.to_string()),
            ("m2", &a.move_in_days.max.to_string()),
        ],
    );
    format!("{text} {origin}")
}

fn spread_text(s: Option<Spread>, show: &dyn Fn(f64) -> String, seeds: usize) -> (String, String) {
    match s {
        None => ("–".into(), String::new()),
        Some(s) if seeds <= 1 || show(s.min) == show(s.max) => (show(s.mean), String::new()),
        Some(s) => (show(s.mean), format!("({}–{})", show(s.min), show(s.max))),
    }
}

fn cells(s: &Summary, locale: Locale) -> Vec<(String, String)> {
    // Rounded half away from zero, as the charts do.
    let whole = |x: f64| format::decimal(locale, x.round(), 0, false);
    let one = |x: f64| format::decimal(locale, x, 1, true);
    // Counts averaged over seeds: "0,5", not "0" or "1".
    let count = |x: f64| format::decimal(locale, x, 1, false);
    let two = |x: f64| format::decimal(locale, x, 2, true);
    let pct = |x: f64| format!("{} %", format::decimal(locale, x * 100.0, 1, true));
    let n = s.seeds;
    vec![
        spread_text(s.placed, &count, n),
        spread_text(s.median_days_to_move_in, &whole, n),
        spread_text(s.p90_days_to_move_in, &whole, n),
        spread_text(s.places_freed_per_month, &one, n),
        spread_text(s.empty_flat_days, &whole, n),
        spread_text(s.mean_score, &two, n),
        spread_text(s.share_of_hindsight, &pct, n),
        spread_text(s.declined, &count, n),
    ]
}

/// Fewer flats, or fewer move-ins even in hindsight, than this: too thin to judge from.
const THIN: usize = 10;

const COLUMNS: [&str; 8] = [
    "placed", "median", "p90", "freed", "empty", "score", "share", "declined",
];

/// The report's view in a language.
pub fn view(result: &LabResult, locale: Locale) -> ReportView {
    let t = Texts::new(locale);
    let de = locale == Locale::De;
    let c = &result.comparison;
    let seeds = c.seeds.len();
    let facts = facts(result, locale);
    let rows: Vec<PolicyRow> = c
        .summaries
        .iter()
        .map(|s| PolicyRow {
            name: s.policy.clone(),
            words: policy_words(&s.policy, t),
            cells: cells(s, locale),
        })
        .collect();
    let charts = charts(result, locale);
    let (fairness, notes) = fairness_view(result, locale);
    let best = c
        .summaries
        .iter()
        .find(|s| s.policy == "hindsight")
        .and_then(|s| s.placed)
        .map_or(f64::INFINITY, |p| p.mean);
    let caution = (result.facts.flats < THIN || best < THIN as f64).then(|| {
        fill(
            t.get("lab.caution"),
            &[
                ("flats", &result.facts.flats.to_string()),
                ("n", &THIN.to_string()),
            ],
        )
    });
    ReportView {
        lang: if de { "de" } else { "en" },
        title: t.get("lab.title").to_owned(),
        facts,
        spread_hint: if seeds == 1 {
            t.get("lab.spread_hint_one").to_owned()
        } else {
            fill(t.get("lab.spread_hint"), &[("n", &seeds.to_string())])
        },
        headers: COLUMNS
            .iter()
            .map(|k| t.get(&format!("lab.col.{k}")).to_owned())
            .collect(),
        rows,
        charts,
        fairness_intro: t.get("lab.fairness_intro").to_owned(),
        policies: c.summaries.iter().map(|s| s.policy.clone()).collect(),
        fairness,
        notes,
        caution,
        measures_explained: COLUMNS
            .iter()
            .map(|k| {
                (
                    t.get(&format!("lab.col.{k}")).to_owned(),
                    t.get(&format!("lab.explain.{k}")).to_owned(),
                )
            })
            .collect(),
    }
}

/// The facts above the table: period, source, municipalities, pool, answers, seeds, time.
fn facts(result: &LabResult, locale: Locale) -> Vec<(String, String)> {
    let t = Texts::new(locale);
    let c = &result.comparison;
    vec![
        (
            t.get("lab.fact.period").to_owned(),
            format!(
                "{} – {}",
                format::date(locale, result.facts.start),
                format::date(locale, result.facts.end)
            ),
        ),
        (
            t.get("lab.fact.source").to_owned(),
            source_words(&result.facts.source, t),
        ),
        (
            t.get("lab.fact.municipalities").to_owned(),
            result.facts.municipalities.join(", "),
        ),
        (
            t.get("lab.fact.pool").to_owned(),
            fill(
                t.get("lab.fact.pool_text"),
                &[
                    ("households", &result.facts.households.to_string()),
                    ("flats", &result.facts.flats.to_string()),
                    ("backlog", &result.facts.households_at_start.to_string()),
                ],
            ),
        ),
        (
            t.get("lab.fact.answers").to_owned(),
            answer_words(&result.facts.answers, locale),
        ),
        (
            t.get("lab.fact.seeds").to_owned(),
            c.seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            t.get("lab.fact.elapsed").to_owned(),
            format!(
                "{} s",
                format::decimal(locale, result.elapsed_ms as f64 / 1000.0, 1, true)
            ),
        ),
    ]
}

/// The charts: share of hindsight and median days per policy, move-ins per month.
fn charts(result: &LabResult, locale: Locale) -> Vec<String> {
    let t = Texts::new(locale);
    let de = locale == Locale::De;
    let c = &result.comparison;
    let bars = |f: &dyn Fn(&Summary) -> Option<f64>| -> Vec<(String, f64)> {
        c.summaries
            .iter()
            .filter_map(|s| f(s).map(|v| (s.policy.clone(), v)))
            .collect()
    };
    let mut charts = vec![
        bar_chart_svg(
            &BarChart {
                title: t.get("lab.chart.share").to_owned(),
                unit: "%".into(),
                bars: bars(&|s| {
                    s.share_of_hindsight
                        .map(|x| (x.mean * 1000.0).round() / 10.0)
                }),
            },
            de,
        ),
        bar_chart_svg(
            &BarChart {
                title: t.get("lab.chart.median").to_owned(),
                unit: t.get("lab.unit.days").to_owned(),
                bars: bars(&|s| s.median_days_to_move_in.map(|x| x.mean.round())),
            },
            de,
        ),
    ];
    let shown = c
        .summaries
        .iter()
        .find(|m| m.policy == "batch:week")
        .or(c.summaries.first());
    if let Some(policy) = shown.map(|s| s.policy.as_str()) {
        let runs: Vec<&Vec<u32>> = c
            .runs
            .iter()
            .filter(|m| m.policy == policy)
            .map(|m| &m.move_ins_by_month)
            .collect();
        let months = runs.iter().map(|r| r.len()).max().unwrap_or(0);
        let mean = |i: usize| {
            runs.iter()
                .map(|r| f64::from(r.get(i).copied().unwrap_or(0)))
                .sum::<f64>()
                / runs.len().max(1) as f64
        };
        charts.push(column_chart_svg(
            &BarChart {
                title: fill(
                    t.get("lab.chart.monthly"),
                    &[("policy", policy), ("n", &runs.len().to_string())],
                ),
                unit: t.get("lab.unit.moves").to_owned(),
                bars: (0..months)
                    .map(|i| {
                        (
                            month_label(result.facts.start, i),
                            (mean(i) * 10.0).round() / 10.0,
                        )
                    })
                    .collect(),
            },
            de,
        ));
    }
    charts
}

/// Each group's match rate per policy (mean over seeds) and each policy's notes.
fn fairness_view(
    result: &LabResult,
    locale: Locale,
) -> (Vec<FairnessRow>, Vec<(String, Vec<String>)>) {
    let c = &result.comparison;
    let pct = |x: f64| {
        format!(
            "{} %",
            format::decimal(locale, (x * 100.0).round(), 0, true)
        )
    };
    let Some(first) = c.runs.first() else {
        return (Vec::new(), Vec::new());
    };
    let t = Texts::new(locale);
    // Per policy, the mean over its runs of a rate read from each run.
    let rates = |rate: &dyn Fn(&Measures) -> Option<f64>| -> Vec<String> {
        c.summaries
            .iter()
            .map(|s| {
                let of_policy = c.runs.iter().filter(|m| m.policy == s.policy);
                Spread::of(of_policy.filter_map(rate)).map_or("–".into(), |r| pct(r.mean))
            })
            .collect()
    };
    let everyone = FairnessRow {
        group: format!("{} ({})", t.get("lab.fairness_all"), first.fairness.pool),
        pool_share: pct(1.0),
        rates: rates(&|m| m.fairness.match_rate),
    };
    let groups = first
        .fairness
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| FairnessRow {
            group: format!("{} ({})", group_label(group, locale), group.in_pool),
            pool_share: pct(group.pool_share),
            rates: rates(&|m| m.fairness.groups.get(g).and_then(|x| x.match_rate)),
        });
    let rows = std::iter::once(everyone).chain(groups).collect();
    let notes = c
        .summaries
        .iter()
        .filter_map(|s| {
            let run = c.runs.iter().find(|m| m.policy == s.policy)?;
            let lines: Vec<String> = run
                .fairness
                .notes
                .iter()
                .map(|n| note_text(n, locale).to_owned())
                .collect();
            let label = format!(
                "{} · {}",
                s.policy,
                fill(t.get("lab.notes_seed"), &[("seed", &run.seed.to_string())])
            );
            (!lines.is_empty()).then_some((label, lines))
        })
        .collect();
    (rows, notes)
}
