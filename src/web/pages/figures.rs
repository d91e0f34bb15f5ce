//! A municipality's dashboard with server-rendered SVG charts, the exports, the yearly
//! report (printable HTML and XLSX) and the map.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Serialize;

use super::Chrome;
use super::pipeline::state_label;
use super::staff::{Staff, StaffNav, nav, require_coordinator};
use crate::domain::Locale;
use crate::domain::format;
use crate::i18n::Texts;
use crate::services::figures::{self, EXPORTS, YearReport};
use crate::services::reports::{BarChart, bar_chart_svg, column_chart_svg};
use crate::services::{Actor, documents, staff};
use crate::web::error::PageError;

/// A figure with its label.
#[derive(Debug, Clone)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// A stalled proposal.
#[derive(Debug, Clone)]
pub struct StalledLine {
    pub id: i64,
    pub unit: String,
    pub household: String,
    pub state: String,
    pub since: String,
}

/// `GET /m/{mid}`.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard_municipality.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub figures: Vec<Figure>,
    pub households_chart: String,
    pub stages_chart: String,
    pub months_chart: String,
    pub households_table: Vec<(String, u64)>,
    pub stages_table: Vec<(String, u64)>,
    /// Move-ins per month, the numbers behind the column chart.
    pub months_table: Vec<(String, u64)>,
    pub stalled: Vec<StalledLine>,
    pub exports: Vec<(String, String)>,
    pub years: Vec<i32>,
    /// Records the figures leave out, a sentence each.
    pub left_out: Vec<String>,
    /// Which channel brought whom: channel, month, visits, sign-ups, flats entered, let,
    /// money.
    pub channels: Vec<[String; 7]>,
    /// The same added up per channel (without the month).
    pub channel_totals: Vec<[String; 7]>,
}

/// What the figures leave out and why, a sentence each ("2 × more places freed than …").
pub fn left_out_lines(
    t: crate::i18n::Texts,
    left_out: &[(crate::domain::pipeline::invariants::Problem, u64)],
) -> Vec<String> {
    left_out
        .iter()
        .map(|(problem, n)| format!("{n} × {}", t.get(problem.key())))
        .collect()
}

fn month_label(locale: Locale, d: chrono::NaiveDate) -> String {
    match locale {
        Locale::De => d.format("%m/%Y").to_string(),
        Locale::En => d.format("%Y-%m").to_string(),
    }
}

/// `GET /m/{mid}`: the dashboard.
pub async fn show(Path(mid): Path<i64>, Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    if !user.can_manage(mid) {
        // Volunteers have no dashboard; their page of a municipality is its units.
        staff::municipality(&ctx.app, &user, mid, false).await?;
        return Ok(axum::response::Redirect::to(&format!("/m/{mid}/units")).into_response());
    }
    let f = figures::of_municipality(&ctx.app, &user, mid).await?;
    let households_table: Vec<(String, u64)> = f
        .households_by_status
        .iter()
        .map(|(s, n)| {
            (
                t.get(&format!("household.status.{}", s.as_str()))
                    .to_owned(),
                *n,
            )
        })
        .collect();
    let stages_table: Vec<(String, u64)> = f
        .proposals_by_stage
        .iter()
        .map(|(s, n)| (t.get(&format!("pipeline.stage.{s}")).to_owned(), *n))
        .collect();
    let households_chart = counts_chart(
        t,
        ("dashboard_m.households", "dashboard_m.unit_households"),
        &households_table,
        false,
    );
    let stages_chart = counts_chart(
        t,
        ("dashboard_m.proposals", "dashboard_m.unit_proposals"),
        &stages_table,
        false,
    );
    let months: Vec<(String, u64)> = f
        .placements_per_month
        .iter()
        .map(|(m, n)| (month_label(locale, *m), *n))
        .collect();
    let months_chart = counts_chart(
        t,
        ("dashboard_m.per_month", "dashboard_m.unit_moves"),
        &months,
        true,
    );
    let figures = key_figures(t, locale, &f);
    let stalled = f
        .stalled
        .iter()
        .map(|s| StalledLine {
            id: s.proposal_id,
            unit: s.unit.clone(),
            household: s.household.clone(),
            state: state_label(t, s.state),
            since: format::date(locale, crate::domain::time::berlin_date(s.since)),
        })
        .collect();
    Ok(DashboardPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "").await?,
        mid,
        figures,
        households_chart,
        stages_chart,
        months_chart,
        households_table,
        stages_table,
        months_table: months,
        stalled,
        exports: export_links(t, mid),
        years: this_and_last_year(ctx.app.clock.today()),
        left_out: left_out_lines(t, &f.left_out),
        channels: channel_table(t, locale, &f),
        channel_totals: channel_totals(t, locale, &f),
    }
    .into_response())
}

fn this_and_last_year(today: chrono::NaiveDate) -> Vec<i32> {
    vec![today.year(), today.year() - 1]
}

/// The channel figures as the page's table rows.
fn channel_table(
    t: Texts,
    locale: crate::domain::Locale,
    f: &figures::Figures,
) -> Vec<[String; 7]> {
    f.channels
        .iter()
        .map(|(channel, month, l)| {
            [
                figures::channel_name(&f.campaign_labels, channel, t),
                month_label(locale, *month),
                l.visits.to_string(),
                l.signups.to_string(),
                l.submitted.to_string(),
                l.let_.to_string(),
                crate::domain::Cents(l.money).format(locale),
            ]
        })
        .collect()
}

/// The channel figures added up per channel, in the order of the lines.
fn channel_totals(
    t: Texts,
    locale: crate::domain::Locale,
    f: &figures::Figures,
) -> Vec<[String; 7]> {
    let mut totals: Vec<(&figures::Channel, figures::ChannelLine)> = Vec::new();
    for (channel, _, l) in &f.channels {
        if totals.last().is_none_or(|(c, _)| *c != channel) {
            totals.push((channel, figures::ChannelLine::default()));
        }
        if let Some((_, sum)) = totals.last_mut() {
            sum.visits += l.visits;
            sum.signups += l.signups;
            sum.submitted += l.submitted;
            sum.let_ += l.let_;
            sum.money += l.money;
        }
    }
    totals
        .into_iter()
        .map(|(channel, l)| {
            [
                figures::channel_name(&f.campaign_labels, channel, t),
                String::new(),
                l.visits.to_string(),
                l.signups.to_string(),
                l.submitted.to_string(),
                l.let_.to_string(),
                crate::domain::Cents(l.money).format(locale),
            ]
        })
        .collect()
}

/// A chart of counts with its title and unit (text keys) in the reader's language: bars,
/// or columns for counts over time.
fn counts_chart(
    t: Texts,
    (title, unit): (&str, &str),
    rows: &[(String, u64)],
    columns: bool,
) -> String {
    let chart = BarChart {
        title: t.get(title).to_owned(),
        unit: t.get(unit).to_owned(),
        bars: rows.iter().map(|(l, n)| (l.clone(), *n as f64)).collect(),
    };
    let de = t.locale == Locale::De;
    if columns {
        column_chart_svg(&chart, de)
    } else {
        bar_chart_svg(&chart, de)
    }
}

/// The key figures at the top of the dashboard, in the reader's language.
fn key_figures(t: Texts, locale: Locale, f: &figures::Figures) -> Vec<Figure> {
    let share = if f.sustained_12_months + f.ended_early > 0 {
        format!(
            " ({} %)",
            format::number(
                locale,
                f.sustained_12_months as f64 * 100.0
                    / (f.sustained_12_months + f.ended_early) as f64,
                0
            )
        )
    } else {
        String::new()
    };
    let figure = |key: &str, value: String| Figure {
        label: t.get(&format!("dashboard_m.{key}")).to_owned(),
        value,
    };
    vec![
        figure("moved_in", f.moved_in.to_string()),
        figure("persons_placed", f.persons_placed.to_string()),
        figure("places_freed", f.places_freed.to_string()),
        figure(
            "median_days",
            f.median_days_to_move_in
                .map(|d| {
                    format!(
                        "{} {}",
                        format::number(locale, d, 0),
                        t.get("dashboard_m.days")
                    )
                })
                .unwrap_or_else(|| "–".into()),
        ),
        figure("committed", f.incentives_committed.format(locale)),
        figure("paid", f.incentives_paid.format(locale)),
        figure("sustained", format!("{}{share}", f.sustained_12_months)),
        figure("ended_early", f.ended_early.to_string()),
        figure("stalled", f.stalled.len().to_string()),
    ]
}

/// Each export as CSV and Excel, and all in one workbook.
fn export_links(t: Texts, mid: i64) -> Vec<(String, String)> {
    let mut exports = Vec::new();
    for what in EXPORTS {
        let name = t.get(&format!("export.sheets.{what}")).to_owned();
        exports.push((
            format!("{name} (CSV)"),
            format!("/m/{mid}/export/{what}.csv"),
        ));
        exports.push((
            format!("{name} (Excel)"),
            format!("/m/{mid}/export/{what}.xlsx"),
        ));
    }
    exports.push((
        t.get("dashboard_m.export_all").to_owned(),
        format!("/m/{mid}/export/all.xlsx"),
    ));
    exports
}

pub(crate) fn download(name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /m/{mid}/export/{file}`: `households.csv`, `units.xlsx`, `all.xlsx`, ...
pub async fn export(
    Path((mid, file)): Path<(i64, String)>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let Some((what, format)) = file.rsplit_once('.') else {
        return Err(PageError::NotFound);
    };
    if what != "all" && !EXPORTS.contains(&what) {
        return Err(PageError::NotFound);
    }
    let (name, content_type, bytes) =
        figures::export(&ctx.app, &user, mid, what, format, ctx.locale).await?;
    Ok(download(&name, content_type, bytes))
}

/// `GET /m/{mid}/report/{year}` (printable HTML) and `/m/{mid}/report/{year}.xlsx`.
#[derive(Template, WebTemplate)]
#[template(path = "year_report.html")]
pub struct YearReportPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub r: YearReport,
    pub lines: Vec<Figure>,
    pub months: Vec<(String, u64)>,
    pub incentives: Vec<(String, u64, String, String)>,
    pub versions: Vec<String>,
    pub created: String,
    pub chart: String,
    pub left_out: Vec<String>,
}

/// `GET /m/{mid}/report/{year}`.
pub async fn year_report(
    Path((mid, year)): Path<(i64, String)>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let locale = ctx.locale;
    if let Some(y) = year.strip_suffix(".pdf") {
        let year: i32 = y.parse().map_err(|_| PageError::NotFound)?;
        let actor = Actor::User(user.clone());
        let made = documents::yearly_report_pdf(&ctx.app, &actor, mid, year, locale).await?;
        return Ok(download(&made.file_name, "application/pdf", made.pdf));
    }
    let (year_text, xlsx) = match year.strip_suffix(".xlsx") {
        Some(y) => (y, true),
        None => (year.as_str(), false),
    };
    let year: i32 = year_text.parse().map_err(|_| PageError::NotFound)?;
    let r = figures::yearly(&ctx.app, &Actor::User(user.clone()), mid, year, locale).await?;
    if xlsx {
        let bytes = figures::year_report_xlsx(&r, locale)?;
        return Ok(download(
            &format!("bleibe-jahresbericht-{year}.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ));
    }
    let line = |key: &str, value: String| Figure {
        label: t.get(&format!("report.{key}")).to_owned(),
        value,
    };
    let lines = vec![
        line("households_registered", r.households_registered.to_string()),
        line(
            "households_active_at_end",
            r.households_active_at_end.to_string(),
        ),
        line("units_registered", r.units_registered.to_string()),
        line("proposals_sent", r.proposals_sent.to_string()),
        line("accepted_by_both", r.accepted_by_both.to_string()),
        line("declined_by_landlord", r.declined_by_landlord.to_string()),
        line("declined_by_household", r.declined_by_household.to_string()),
        line("expired", r.expired.to_string()),
        line("leases_signed", r.leases_signed.to_string()),
        line("head_leases", r.head_leases.to_string()),
        line("moved_in", r.moved_in.to_string()),
        line("persons_placed", r.persons_placed.to_string()),
        line("places_freed", r.places_freed.to_string()),
        line(
            "median_days",
            r.median_days_to_move_in
                .map(|d| format::number(locale, d, 0))
                .unwrap_or_else(|| "–".into()),
        ),
        line("follow_ups_done", r.follow_ups_done.to_string()),
        line("sustained", r.sustained.to_string()),
        line("ended_early", r.ended_early.to_string()),
    ];
    let months: Vec<(String, u64)> = r
        .moved_in_per_month
        .iter()
        .map(|(m, n)| (t.get(&format!("report.months.{m}")).to_owned(), *n))
        .collect();
    let chart = column_chart_svg(
        &BarChart {
            title: t.get("report.moved_in_per_month").to_owned(),
            unit: t.get("dashboard_m.unit_moves").to_owned(),
            bars: months.iter().map(|(l, n)| (l.clone(), *n as f64)).collect(),
        },
        locale == Locale::De,
    );
    let incentives = r
        .incentives
        .iter()
        .map(|(name, n, granted, paid)| {
            (
                name.clone(),
                *n,
                granted.format(locale),
                paid.format(locale),
            )
        })
        .collect();
    let versions = r
        .rule_versions
        .iter()
        .map(|(v, since, note)| {
            format!(
                "{} {v} ({} {}){}",
                t.get("rules.version"),
                t.get("report.since"),
                format::date(locale, *since),
                note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
            )
        })
        .collect();
    Ok(YearReportPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "").await?,
        mid,
        lines,
        months,
        incentives,
        versions,
        created: format::date(locale, ctx.app.clock.today()),
        chart,
        left_out: left_out_lines(t, &r.left_out),
        r,
    }
    .into_response())
}

/// `GET /m/{mid}/map`.
#[derive(Template, WebTemplate)]
#[template(path = "map.html")]
pub struct MapPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub centre: (f64, f64),
    pub tiles: String,
    pub attribution: String,
    pub points: Vec<MapPoint>,
    pub legend: Vec<(String, String)>,
}

/// A point on the map.
#[derive(Debug, Clone, Serialize)]
pub struct MapPoint {
    pub kind: String,
    pub status: String,
    pub label: String,
    pub detail: String,
    pub href: String,
    pub lat: f64,
    pub lon: f64,
}

async fn points(
    ctx: &super::PageCtx,
    user: &crate::services::CurrentUser,
    mid: i64,
) -> Result<Vec<MapPoint>, PageError> {
    let t = ctx.t();
    let map = crate::services::map::points(&ctx.app, user, mid).await?;
    let mut out = Vec::new();
    for u in map.units {
        out.push(MapPoint {
            kind: "unit".into(),
            status: u.status.clone(),
            label: u.address,
            detail: t.get(&format!("unit.status.{}", u.status)).to_owned(),
            href: format!("/units/{}", u.id),
            lat: u.lat,
            lon: u.lon,
        });
    }
    for a in map.anchors {
        out.push(MapPoint {
            kind: "anchor".into(),
            status: a.kind.clone(),
            label: format!("{} · {}", a.reference, a.label),
            detail: t.get(&format!("household.anchor.{}", a.kind)).to_owned(),
            href: format!("/households/{}", a.household_id),
            lat: a.lat,
            lon: a.lon,
        });
    }
    Ok(out)
}

/// `GET /m/{mid}/map`: units by status and households' anchors.
pub async fn map(Path(mid): Path<i64>, Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let m = staff::municipality(&ctx.app, &user, mid, true).await?;
    let points = points(&ctx, &user, mid).await?;
    let mut legend: Vec<(String, String)> = crate::domain::unit::UnitStatus::ALL
        .iter()
        .map(|s| {
            (
                format!("unit-{}", s.as_str()),
                t.get(&format!("unit.status.{}", s.as_str())).to_owned(),
            )
        })
        .collect();
    legend.push(("anchor".into(), t.get("map.anchors").to_owned()));
    Ok(MapPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/map").await?,
        mid,
        centre: (m.center_lat, m.center_lon),
        tiles: ctx.app.settings.map.tile_url.clone(),
        attribution: ctx.app.settings.map.tile_attribution.clone(),
        points,
        legend,
    }
    .into_response())
}

/// `GET /m/{mid}/map.json`: the map's points (for the script).
pub async fn map_points(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    staff::municipality(&ctx.app, &user, mid, true).await?;
    let points = points(&ctx, &user, mid).await?;
    let mut response = Json(points).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
