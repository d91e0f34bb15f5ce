//! The yearly report as PDF: the same tables as the XLSX export and the chart of moves per
//! month, in the reader's language, with the municipality's letterhead.

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{Made, data, templates};
use crate::app::App;
use crate::domain::document::DocumentKind;
use crate::domain::{Cents, Locale, format};
use crate::i18n::Texts;
use crate::services::figures::{self, YearReport};
use crate::services::reports::{BarChart, Cell, Table, column_chart_svg};
use crate::services::{Actor, ServiceError};

fn cell(c: &Cell, locale: Locale) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Number(x) if x.is_finite() => format::number(locale, *x, 0),
        Cell::Number(_) | Cell::Empty => "–".into(),
        Cell::Money(c) => Cents(*c).format(locale),
        Cell::Date(d) => format::date(locale, *d),
    }
}

fn table(t: &Table, locale: Locale) -> Value {
    let width = t.headers.len();
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<String> = r.iter().map(|c| cell(c, locale)).collect();
            cells.resize(width, String::new());
            cells.truncate(width);
            cells
        })
        .collect();
    json!({"name": t.name, "headers": t.headers, "rows": rows})
}

/// The rule versions that applied in the year, as the page lists them.
fn rules(r: &YearReport, locale: Locale) -> Vec<String> {
    let t = Texts::new(locale);
    r.rule_versions
        .iter()
        .map(|(v, since, note)| {
            let note = note.as_ref().map(|n| format!(": {n}")).unwrap_or_default();
            format!(
                "{} {v} ({} {}){note}",
                t.get("rules.version"),
                t.get("report.since"),
                format::date(locale, *since)
            )
        })
        .collect()
}

/// The report's data; the chart, when there were moves, as `/chart.svg`.
fn report_data(
    r: &YearReport,
    municipality: Value,
    locale: Locale,
    today: NaiveDate,
) -> (Value, Option<String>) {
    let t = Texts::new(locale);
    let bars: Vec<(String, f64)> = r
        .moved_in_per_month
        .iter()
        .map(|(m, n)| (t.get(&format!("report.months.{m}")).to_owned(), *n as f64))
        .collect();
    let chart = bars.iter().any(|(_, n)| *n > 0.0).then(|| {
        column_chart_svg(
            &BarChart {
                title: t.get("report.moved_in_per_month").to_owned(),
                unit: t.get("dashboard_m.unit_moves").to_owned(),
                bars,
            },
            locale == Locale::De,
        )
    });
    let mut sheets = figures::year_report_tables(r, locale);
    // Months by name, as the page shows them (the workbook keeps their numbers).
    if let Some(months) = sheets.get_mut(1) {
        for row in &mut months.rows {
            if let Some(Cell::Int(m)) = row.first() {
                let name = t.get(&format!("report.months.{m}")).to_owned();
                row[0] = Cell::Text(name);
            }
        }
    }
    let tables: Vec<Value> = sheets.iter().map(|tb| table(tb, locale)).collect();
    let json = json!({
        "title": format!("{} {}: {}", t.get("report.title"), r.year, r.municipality),
        "lang": locale.code(),
        "municipality": municipality,
        "subtitle": format!("{} · {} {}", t.get("report.programme"), t.get("report.created"), format::date(locale, today)),
        "chart": chart.as_ref().map(|_| "/chart.svg"),
        "tables": tables,
        "empty": "–",
        "rules_title": t.get("report.rules_title"),
        "rules": rules(r, locale),
        "notes": [t.get("report.counting")],
    });
    (json, chart)
}

/// A municipality's yearly report as PDF (made on demand from the same figures as the page).
pub async fn yearly_report_pdf(
    app: &App,
    actor: &Actor,
    municipality_id: i64,
    year: i32,
    locale: Locale,
) -> Result<Made, ServiceError> {
    let r = figures::yearly(app, actor, municipality_id, year, locale).await?;
    let m = crate::store::municipalities::find(&app.db, municipality_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    let part = templates::part_of(&app.db, municipality_id).await?;
    let today = app.clock.today();
    let (json, chart) = report_data(&r, data::municipality(&m, part.logo_path()), locale, today);
    let mut files = part.files();
    if let Some(svg) = chart {
        files.push(("/chart.svg".into(), svg.into_bytes()));
    }
    let kind = DocumentKind::YearlyReport;
    let ident = format!("{}-{municipality_id}-{year}", kind.as_str());
    let (pdf, _) = templates::render_with(kind, &json, &part, files, today, ident).await?;
    Ok(Made {
        id: 0,
        kind,
        file_name: format!("bleibe-jahresbericht-{year}.pdf"),
        pdf,
    })
}

/// A year's report with sample figures, for checking a municipality's part.
pub fn sample(
    m: &entities::municipality::Model,
    logo: Option<&str>,
    today: NaiveDate,
) -> (Value, Vec<(String, Vec<u8>)>) {
    let r = YearReport {
        year: 2026,
        municipality: m.name.clone(),
        moved_in: 3,
        moved_in_per_month: vec![(1, 1), (2, 2)],
        incentives: vec![("Programm".into(), 1, Cents::euros(500), Cents::euros(500))],
        ..Default::default()
    };
    let (json, chart) = report_data(&r, data::municipality(m, logo), Locale::De, today);
    let files = chart
        .map(|svg| vec![("/chart.svg".to_owned(), svg.into_bytes())])
        .unwrap_or_default();
    (json, files)
}
