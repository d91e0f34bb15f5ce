//! The fairness section of a run's page: how groups of households fared in the run.

use crate::domain::{Locale, format};
use crate::engine::fairness::{FairnessReport, group_label, note_text};

/// A group's line.
#[derive(Debug, Clone)]
pub struct GroupLine {
    pub label: String,
    pub in_pool: usize,
    pub pool_share: String,
    pub matched: usize,
    pub rate: String,
    pub score: String,
    pub without_flat: usize,
    /// The group fares much worse (it has a note).
    pub flagged: bool,
}

/// The section: `None` for runs stored before fairness was kept.
#[derive(Debug, Clone, Default)]
pub struct FairnessView {
    pub groups: Vec<GroupLine>,
    pub notes: Vec<String>,
    pub overall: String,
}

fn percent(locale: Locale, x: Option<f64>) -> String {
    x.map_or("–".into(), |x| {
        format!(
            "{} %",
            format::decimal(locale, (x * 100.0).round(), 0, false)
        )
    })
}

/// The view of a stored report (JSON); `None` when the run has none.
pub fn view(stored: Option<&str>, locale: Locale) -> Option<FairnessView> {
    let report: FairnessReport = serde_json::from_str(stored?).ok()?;
    let flagged: Vec<&str> = report.notes.iter().map(|n| n.key.as_str()).collect();
    let groups = report
        .groups
        .iter()
        .map(|g| GroupLine {
            label: group_label(g, locale).to_owned(),
            in_pool: g.in_pool,
            pool_share: percent(locale, Some(g.pool_share)),
            matched: g.matched,
            rate: percent(locale, g.match_rate),
            score: g
                .mean_score
                .map_or("–".into(), |s| format::decimal(locale, s, 2, true)),
            without_flat: g.without_eligible_flat,
            flagged: flagged.contains(&g.key.as_str()),
        })
        .collect();
    Some(FairnessView {
        groups,
        notes: report
            .notes
            .iter()
            .map(|n| note_text(n, locale).to_owned())
            .collect(),
        overall: format!(
            "{} / {} ({})",
            report.matched,
            report.pool,
            percent(locale, report.match_rate)
        ),
    })
}
