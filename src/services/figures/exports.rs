//! The exports of a municipality's rows: CSV and XLSX tables with translated headers.

use super::*;

/// What can be exported.
pub const EXPORTS: &[&str] = &["households", "units", "proposals", "placements", "channels"];

fn date(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

fn instant(d: Option<DateTime<Utc>>) -> Cell {
    date(d.map(crate::domain::time::berlin_date))
}

pub(super) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_text(s: &Option<String>) -> Cell {
    s.as_ref().map_or(Cell::Empty, |s| Cell::Text(s.clone()))
}

fn money(c: Option<i64>) -> Cell {
    c.map_or(Cell::Empty, Cell::Money)
}

fn headers(t: Texts, what: &str, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| t.get(&format!("export.{what}.{n}")).to_owned())
        .collect()
}

/// One export table.
pub fn table(data: &Data, what: &str, locale: Locale) -> Option<Table> {
    let t = Texts::new(locale);
    let c = Cells(t);
    let (names, rows) = match what {
        "households" => households(data, &c),
        "units" => units(data, &c),
        "proposals" => proposals(data, &c),
        "placements" => placements(data, &c),
        "channels" => super::channels::channels_table(data, t),
        _ => return None,
    };
    Some(Table {
        name: t.get(&format!("export.sheets.{what}")).to_owned(),
        headers: headers(t, what, names),
        rows,
    })
}

/// Cells whose text is in the export's language.
struct Cells(Texts);

impl Cells {
    fn yes_no(&self, b: bool) -> Cell {
        text(self.0.get(if b { "common.yes" } else { "common.no" }))
    }

    fn label(&self, prefix: &str, v: &str) -> Cell {
        text(self.0.get(&format!("{prefix}.{v}")))
    }
}

/// The households export: its columns and rows.
fn households(data: &Data, c: &Cells) -> (&'static [&'static str], Vec<Vec<Cell>>) {
    let rows = data
        .households
        .iter()
        .filter(|h| h.municipality_id == data.municipality_id && h.anonymized_at.is_none())
        .map(|h| {
            vec![
                Cell::Int(h.id),
                text(h.reference.clone()),
                c.label("household.status", &h.status),
                Cell::Int(data.persons.get(&h.id).copied().unwrap_or(0) as i64),
                c.label("household.residence", &h.residence_status),
                h.benefit_type
                    .as_ref()
                    .map_or(Cell::Empty, |b| c.label("household.benefit", b)),
                Cell::Int(i64::from(h.urgency)),
                date(h.in_follow_up_since),
                date(h.latest_move_date),
                c.yes_no(h.consent_at.is_some() && h.consent_withdrawn_at.is_none()),
                instant(Some(h.created_at)),
            ]
        })
        .collect();
    (
        &[
            "id",
            "reference",
            "status",
            "persons",
            "residence_status",
            "benefit_type",
            "urgency",
            "in_follow_up_since",
            "latest_move_date",
            "consent",
            "created",
        ],
        rows,
    )
}

/// The units export: its columns and rows.
fn units(data: &Data, c: &Cells) -> (&'static [&'static str], Vec<Vec<Cell>>) {
    let rows = data
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::Int(u.id),
                text(u.street.clone()),
                text(u.house_number.clone()),
                text(u.postal_code.clone()),
                text(u.town.clone()),
                c.label("unit.status", &u.status),
                Cell::Number(u.area_m2),
                Cell::Number(u.rooms),
                Cell::Int(i64::from(u.floor)),
                Cell::Money(u.cold_rent_cents),
                Cell::Money(u.service_charges_cents),
                Cell::Money(u.heating_costs_cents),
                Cell::Int(i64::from(u.max_occupants)),
                date(Some(u.available_from)),
            ]
        })
        .collect();
    (
        &[
            "id",
            "street",
            "house_number",
            "postal_code",
            "town",
            "status",
            "area",
            "rooms",
            "floor",
            "cold_rent",
            "service_charges",
            "heating_costs",
            "max_occupants",
            "available_from",
        ],
        rows,
    )
}

/// The proposals export: its columns and rows.
fn proposals(data: &Data, c: &Cells) -> (&'static [&'static str], Vec<Vec<Cell>>) {
    let rows = data
        .proposals
        .iter()
        .filter(|p| p.state != ProposalState::Rejected.as_str() || p.approved_at.is_some())
        .map(|p| {
            let (unit, household) = data.labels.get(&p.id).cloned().unwrap_or_default();
            vec![
                Cell::Int(p.id),
                text(unit),
                text(household),
                c.label("pipeline.state", &p.state),
                c.label("pipeline.origin", &p.origin),
                Cell::Number((p.score * 1000.0).round() / 10.0),
                instant(Some(p.created_at)),
                instant(p.sent_at),
                instant(p.answer_due_at),
                instant(p.closed_at),
            ]
        })
        .collect();
    (
        &[
            "id",
            "unit",
            "household",
            "state",
            "origin",
            "score",
            "created",
            "sent",
            "answer_due",
            "closed",
        ],
        rows,
    )
}

/// The placements export: its columns and rows.
fn placements(data: &Data, c: &Cells) -> (&'static [&'static str], Vec<Vec<Cell>>) {
    let rows = data
        .placements
        .iter()
        .map(|p| {
            let (unit, household) = data.labels.get(&p.proposal_id).cloned().unwrap_or_default();
            let done: Vec<String> = data
                .follow_ups
                .iter()
                .filter(|f| f.placement_id == p.id && f.status == "done")
                .map(|f| f.month.to_string())
                .collect();
            vec![
                Cell::Int(p.proposal_id),
                text(unit),
                text(household),
                p.jobcenter_status
                    .as_ref()
                    .map_or(Cell::Empty, |s| c.label("pipeline.jobcenter_status", s)),
                p.lease_kind
                    .as_ref()
                    .map_or(Cell::Empty, |k| c.label("pipeline.lease", k)),
                date(p.lease_signed_on),
                date(p.lease_start),
                money(p.rent_cold_cents),
                date(p.moved_in_on),
                Cell::Int(i64::from(p.places_freed)),
                opt_text(&p.freed_site),
                c.label("pipeline.outcomes", &p.outcome),
                date(p.ended_on),
                opt_text(&p.end_reason),
                text(done.join(", ")),
            ]
        })
        .collect();
    (
        &[
            "proposal",
            "unit",
            "household",
            "jobcenter",
            "lease_kind",
            "lease_signed",
            "lease_start",
            "rent_cold",
            "moved_in",
            "places_freed",
            "freed_site",
            "outcome",
            "ended_on",
            "end_reason",
            "follow_ups_done",
        ],
        rows,
    )
}

/// An export file: (file name, content type, bytes). `what` is one of [`EXPORTS`] or
/// `all` (XLSX only: one sheet each). Every export is recorded in the audit log.
pub async fn export(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    what: &str,
    format: &str,
    locale: Locale,
) -> Result<(String, &'static str, Vec<u8>), ServiceError> {
    let data = load(app, user, municipality_id).await?;
    let tables: Vec<Table> = if what == "all" {
        EXPORTS
            .iter()
            .filter_map(|w| table(&data, w, locale))
            .collect()
    } else {
        vec![table(&data, what, locale).ok_or_else(|| ServiceError::NotFound("export".into()))?]
    };
    let de = locale == Locale::De;
    let (content_type, bytes) = match format {
        "csv" if tables.len() == 1 => (
            "text/csv; charset=utf-8",
            crate::services::reports::to_csv(&tables[0], de),
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            crate::services::reports::to_xlsx(&tables, de)
                .map_err(|e| ServiceError::Other(anyhow::anyhow!("xlsx: {e}")))?,
        ),
        _ => return Err(ServiceError::NotFound("export format".into())),
    };
    let now = app.clock.now();
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "export",
        "municipalities",
        Some(municipality_id),
        Some(municipality_id),
        serde_json::json!({"what": what, "format": format}),
        now,
    )
    .await?;
    let date = crate::domain::time::berlin_date(now);
    Ok((
        format!("bleibe-{what}-{date}.{format}"),
        content_type,
        bytes,
    ))
}
