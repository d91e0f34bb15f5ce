//! Importing households and units from CSV files (`bleibe import`, and the upload page).
//!
//! The columns are documented in `docs/import-format.md`; each row goes through the very
//! same checks as the web form. A file is imported whole or not at all: when any row is
//! wrong, nothing is written and the report names every wrong row, column and reason.
//! Unknown columns stop the file too (a misspelt header would otherwise drop data).
//! Likely duplicates are never merged: a household whose reference exists already is not
//! imported but put up for review with its row; a unit at the same address, floor and
//! landlord as another is imported and flagged for review.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entities::{import, landlord, municipality, review_flag, unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::households::{ANCHOR_PARTS, ANCHOR_ROWS, KNOWN_LANGUAGES, MEMBER_PARTS, MEMBER_ROWS};
use super::{Actor, ServiceError, audit};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::household::HouseholdStatus;
use crate::domain::input::{Fields, parse_date};
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::store::households::Consent;
use crate::store::landlords::NewLandlord;
use crate::store::{households, incentives, landlords, units};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Households,
    Units,
}

impl Kind {
    /// The name used in the command line, the database and the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Households => "households",
            Kind::Units => "units",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "households" | "haushalte" => Ok(Kind::Households),
            "units" | "wohnungen" => Ok(Kind::Units),
            other => Err(format!(
                "unknown kind \"{other}\" (use \"households\" or \"units\")"
            )),
        }
    }
}

/// A wrong row (or the whole file, line 0): where and why. `key` is a catalog key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: u64,
    pub column: Option<String>,
    pub key: String,
    /// What was in the cell (cut to 100 characters).
    pub value: Option<String>,
}

/// A row put up for review as a likely duplicate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flagged {
    pub line: u64,
    pub key: String,
    /// The record it is likely the same as.
    pub existing_id: i64,
    /// The record imported from the row, when it was imported.
    pub new_id: Option<i64>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub import_id: i64,
    pub kind: String,
    pub file_name: String,
    pub imported: bool,
    /// Data rows read (empty lines not counted).
    pub rows: u64,
    pub accepted: u64,
    pub rejected: Vec<Problem>,
    pub flagged: Vec<Flagged>,
    pub empty_lines: u64,
    pub created_at: Option<DateTime<Utc>>,
}

/// Options of one import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub file_name: String,
    /// Rows without a `municipality` column (or value) belong here.
    pub default_municipality: Option<i64>,
    /// Only rows of this municipality are accepted (the upload page of a municipality).
    pub only_municipality: Option<i64>,
}

/// How far the import is: (phase, done, total). Phase 0 checks, phase 1 writes.
pub type Progress<'a> = &'a (dyn Fn(u8, u64, u64) + Sync);

/// Text in a file: UTF-8 (with or without BOM) or, as spreadsheet programs on Windows write
/// it, Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// The separator of a CSV file: whichever of `;`, `,` and tab the header line has most of.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: u8| header.bytes().filter(|b| *b == c).count();
    // On a tie (e.g. a file with one column) the German spreadsheet default wins.
    let mut best = b';';
    for c in [b',', b'\t'] {
        if count(c) > count(best) {
            best = c;
        }
    }
    best
}

/// Columns of a households file, besides the numbered member and anchor columns.
pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "municipality",
    "reference",
    "residence_status",
    "benefit_type",
    "work_situation",
    "wheelchair",
    "max_floor_without_lift",
    "rooms_wanted",
    "pets",
    "residence_obligation",
    "allowed_municipalities",
    "residence_obligation_until",
    "max_distance_km",
    "latest_move_date",
    "follow_up_site",
    "in_follow_up_since",
    "urgency",
    "urgency_reason",
    "languages",
    "preferred_language",
    "email",
    "phone",
    "caseworker_name",
    "caseworker_email",
    "caseworker_phone",
    "landlord_text",
    "consent_date",
    "consent_scope",
    "notes",
];

/// Columns of a units file.
pub const UNIT_COLUMNS: &[&str] = &[
    "landlord_name",
    "landlord_email",
    "landlord_phone",
    "street",
    "house_number",
    "address_extra",
    "postal_code",
    "town",
    "lat",
    "lon",
    "area_m2",
    "rooms",
    "floor",
    "has_lift",
    "step_free",
    "wheelchair_accessible",
    "furnished",
    "pets_allowed",
    "max_occupants",
    "cold_rent",
    "service_charges",
    "heating_costs",
    "deposit",
    "available_from",
    "lease_type",
    "lease_end",
    "pref_max_household_size",
    "pref_tags",
    "pref_notes",
    "description",
    "status",
];

/// The form field a households column fills, if it is one.
fn household_field(column: &str) -> Option<String> {
    if HOUSEHOLD_COLUMNS.contains(&column) {
        return Some(match column {
            "allowed_municipalities" => "allowed".to_owned(),
            other => other.to_owned(),
        });
    }
    for (prefix, parts, rows) in [
        ("member", MEMBER_PARTS, MEMBER_ROWS),
        ("anchor", ANCHOR_PARTS, ANCHOR_ROWS),
    ] {
        if let Some(rest) = column.strip_prefix(prefix) {
            let (n, part) = rest.split_once('_')?;
            let n: usize = n.parse().ok()?;
            if (1..=rows).contains(&n) && parts.contains(&part) {
                return Some(format!("{prefix}_{part}_{}", n - 1));
            }
        }
    }
    None
}

/// The column a form field came from (for the report).
fn household_column(field: &str) -> String {
    for (prefix, parts) in [("member", MEMBER_PARTS), ("anchor", ANCHOR_PARTS)] {
        for part in parts {
            if let Some(n) = field
                .strip_prefix(&format!("{prefix}_{part}_"))
                .and_then(|n| n.parse::<usize>().ok())
            {
                return format!("{prefix}{}_{part}", n + 1);
            }
        }
    }
    match field {
        "allowed" => "allowed_municipalities".to_owned(),
        "consent_given" => "consent_date".to_owned(),
        "languages_other" => "languages".to_owned(),
        other => other.to_owned(),
    }
}

/// Yes/no as people write it in spreadsheets.
fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "0" | "nein" | "no" | "n" | "false" | "falsch" => Some(false),
        "1" | "ja" | "yes" | "j" | "y" | "x" | "true" | "wahr" => Some(true),
        _ => None,
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(['|', ','])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A municipality by id, official key or name (case-insensitive).
fn find_municipality<'a>(
    all: &'a [municipality::Model],
    key: &str,
) -> Option<&'a municipality::Model> {
    let key = key.trim();
    let lower = key.to_lowercase();
    all.iter().find(|m| {
        m.ags == key
            || m.name.to_lowercase() == lower
            || key
                .parse::<i64>()
                .is_ok_and(|id| id == m.id && key.len() != 8)
    })
}

/// A parsed row: its line, the cells by column, and the form fields made from them.
struct Row {
    line: u64,
    cells: BTreeMap<String, String>,
}

fn cut(value: &str) -> String {
    value.chars().take(100).collect()
}

/// The line (from 1) of a byte offset in `text`.
fn line_of(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = (byte as usize).min(bytes.len());
    // The reader reports a record after blank lines at the start of those lines.
    while end < bytes.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// Reads a CSV file into rows; file-level problems (unknown columns, unreadable CSV) come
/// back as problems of line 0 or of the line that could not be read.
fn read_rows(text: &str, known: &dyn Fn(&str) -> bool) -> Result<(Vec<Row>, u64), Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            return Err(vec![Problem {
                line: 1,
                column: None,
                key: "import.unreadable".into(),
                value: None,
            }]);
        }
    };
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for h in &headers {
        if h.is_empty() {
            continue;
        }
        if !known(h) {
            problems.push(Problem {
                line: 1,
                column: Some(h.clone()),
                key: "import.unknown_column".into(),
                value: None,
            });
        } else if !seen.insert(h.clone()) {
            problems.push(Problem {
                line: 1,
                column: Some(h.clone()),
                key: "import.repeated_column".into(),
                value: None,
            });
        }
    }
    if headers.iter().all(|h| h.is_empty()) {
        problems.push(Problem {
            line: 1,
            column: None,
            key: "import.no_header".into(),
            value: None,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    // The reader skips blank lines itself; they are counted here (lines of only separators
    // are counted below, as the reader returns them).
    let mut empty = text.lines().skip(1).filter(|l| l.trim().is_empty()).count() as u64;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(text, p.byte()));
                return Err(vec![Problem {
                    line,
                    column: None,
                    key: "import.unreadable".into(),
                    value: None,
                }]);
            }
        };
        // The csv reader does not count blank lines; the byte offset tells the real line.
        let line = record.position().map_or(0, |p| line_of(text, p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            empty += 1;
            continue;
        }
        if record.len() > headers.len()
            && record
                .iter()
                .skip(headers.len())
                .any(|c| !c.trim().is_empty())
        {
            return Err(vec![Problem {
                line,
                column: None,
                key: "import.too_many_cells".into(),
                value: None,
            }]);
        }
        let cells = headers
            .iter()
            .zip(record.iter())
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, v)| (h.clone(), v.trim().to_owned()))
            .collect();
        rows.push(Row { line, cells });
    }
    Ok((rows, empty))
}

fn may_import(actor: &Actor, municipality_id: i64) -> bool {
    match actor {
        Actor::System => true,
        Actor::User(u) => u.can_manage(municipality_id),
    }
}

/// Imports a file. Returns the report; `report.imported` says whether anything was written.
pub async fn run(
    app: &App,
    actor: &Actor,
    kind: Kind,
    bytes: &[u8],
    options: &Options,
    progress: Progress<'_>,
) -> Result<Report, ServiceError> {
    if let Actor::User(u) = actor {
        let allowed = match options.only_municipality.or(options.default_municipality) {
            Some(m) => u.can_manage(m),
            None => u.role == crate::domain::roles::Role::Admin,
        };
        if !allowed {
            return Err(ServiceError::Forbidden);
        }
    }
    let text = decode(bytes);
    let mut report = Report {
        kind: kind.as_str().into(),
        file_name: options.file_name.clone(),
        ..Default::default()
    };
    let read = match kind {
        Kind::Households => read_rows(&text, &|c| household_field(c).is_some()),
        Kind::Units => read_rows(&text, &|c| UNIT_COLUMNS.contains(&c)),
    };
    let rows = match read {
        Ok((rows, empty)) => {
            report.empty_lines = empty;
            rows
        }
        Err(problems) => {
            report.rejected = problems;
            return finish_rejected(app, actor, kind, options, report).await;
        }
    };
    report.rows = rows.len() as u64;
    if rows.is_empty() {
        report.rejected.push(Problem {
            line: 0,
            column: None,
            key: "import.no_rows".into(),
            value: None,
        });
        return finish_rejected(app, actor, kind, options, report).await;
    }
    match kind {
        Kind::Households => import_households(app, actor, rows, options, report, progress).await,
        Kind::Units => import_units(app, actor, rows, options, report, progress).await,
    }
}

async fn save_record<C: sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: Kind,
    options: &Options,
    report: &Report,
    now: DateTime<Utc>,
) -> Result<i64, ServiceError> {
    let row = import::ActiveModel {
        kind: Set(kind.as_str().into()),
        municipality_id: Set(options.only_municipality.or(options.default_municipality)),
        file_name: Set(options.file_name.chars().take(200).collect()),
        uploaded_by_user_id: Set(actor.user_id()),
        status: Set(if report.imported {
            "imported"
        } else {
            "rejected"
        }
        .into()),
        rows_total: Set(report.rows as i32),
        rows_accepted: Set(report.accepted as i32),
        rows_rejected: Set(report.rejected.len() as i32),
        report: Set(serde_json::to_string(report).map_err(|e| ServiceError::Other(e.into()))?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Stores the final report of an import (now with its id) and records it in the audit log,
/// in the import's transaction.
async fn complete<C: sea_orm::ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: Kind,
    options: &Options,
    report: &Report,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    import::Entity::update_many()
        .col_expr(
            import::Column::Report,
            serde_json::to_string(report)
                .map_err(|e| ServiceError::Other(e.into()))?
                .into(),
        )
        .filter(import::Column::Id.eq(report.import_id))
        .exec(db)
        .await?;
    audit::record(
        db,
        actor,
        "import",
        "imports",
        Some(report.import_id),
        options.only_municipality.or(options.default_municipality),
        serde_json::json!({
            "kind": kind.as_str(),
            "accepted": report.accepted,
            "flagged": report.flagged.len(),
        }),
        now,
    )
    .await?;
    Ok(())
}

async fn finish_rejected(
    app: &App,
    actor: &Actor,
    kind: Kind,
    options: &Options,
    mut report: Report,
) -> Result<Report, ServiceError> {
    let now = app.clock.now();
    report.imported = false;
    report.accepted = 0;
    report.flagged.clear();
    report.created_at = Some(now);
    report.import_id = save_record(&app.db, actor, kind, options, &report, now).await?;
    Ok(report)
}

/// A row repeating a known reference: (line, municipality id, line of the earlier row of
/// the same file if it is there, the row's form fields).
type Duplicate = (u64, i64, Option<u64>, Vec<(String, String)>);

/// The form fields of a households row, or the problems of converting it.
fn household_fields(
    row: &Row,
    all: &[municipality::Model],
    municipality_id: i64,
) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut fields = Vec::new();
    let mut problems = Vec::new();
    let problem = |column: &str, key: &str, value: &str| Problem {
        line: row.line,
        column: Some(column.to_owned()),
        key: key.to_owned(),
        value: Some(cut(value)),
    };
    for (column, value) in &row.cells {
        if value.is_empty() || column == "municipality" {
            continue;
        }
        match column.as_str() {
            "wheelchair" | "pets" | "residence_obligation" => match yes_no(value) {
                Some(true) => fields.push((column.clone(), "1".into())),
                Some(false) => {}
                None => problems.push(problem(column, "import.yes_no", value)),
            },
            "allowed_municipalities" => {
                for key in list(value) {
                    match find_municipality(all, &key) {
                        Some(m) => fields.push(("allowed".into(), m.id.to_string())),
                        None => problems.push(problem(column, "import.unknown_municipality", &key)),
                    }
                }
            }
            "languages" => {
                let mut other = Vec::new();
                for code in list(value) {
                    let code = code.to_lowercase();
                    if KNOWN_LANGUAGES.contains(&code.as_str()) {
                        fields.push(("languages".into(), code));
                    } else {
                        other.push(code);
                    }
                }
                if !other.is_empty() {
                    fields.push(("languages_other".into(), other.join(",")));
                }
            }
            "consent_scope" => {
                for scope in list(value) {
                    fields.push(("consent_scope".into(), scope.to_lowercase()));
                }
            }
            "consent_date" => {
                fields.push(("consent_given".into(), "1".into()));
                fields.push(("consent_date".into(), value.clone()));
            }
            other => {
                if let Some(field) = household_field(other) {
                    let value = if field.starts_with("member_role_")
                        || field.starts_with("anchor_kind_")
                        || field.starts_with("anchor_importance_")
                        || field == "residence_status"
                        || field == "benefit_type"
                        || field == "work_situation"
                        || field == "preferred_language"
                    {
                        value.to_lowercase()
                    } else {
                        value.clone()
                    };
                    fields.push((field, value));
                }
            }
        }
    }
    if row.cells.get("urgency").is_none_or(|u| u.is_empty()) {
        fields.push(("urgency".into(), "0".into()));
    }
    let _ = municipality_id;
    (fields, problems)
}

fn row_municipality(
    row: &Row,
    all: &[municipality::Model],
    options: &Options,
) -> Result<i64, Problem> {
    let cell = row
        .cells
        .get("municipality")
        .map(String::as_str)
        .unwrap_or("");
    let id = if cell.is_empty() {
        options.default_municipality.ok_or_else(|| Problem {
            line: row.line,
            column: Some("municipality".into()),
            key: "import.municipality_missing".into(),
            value: None,
        })?
    } else {
        find_municipality(all, cell)
            .ok_or_else(|| Problem {
                line: row.line,
                column: Some("municipality".into()),
                key: "import.unknown_municipality".into(),
                value: Some(cut(cell)),
            })?
            .id
    };
    if options.only_municipality.is_some_and(|only| only != id) {
        return Err(Problem {
            line: row.line,
            column: Some("municipality".into()),
            key: "import.other_municipality".into(),
            value: Some(cut(cell)),
        });
    }
    Ok(id)
}

async fn import_households(
    app: &App,
    actor: &Actor,
    rows: Vec<Row>,
    options: &Options,
    mut report: Report,
    progress: Progress<'_>,
) -> Result<Report, ServiceError> {
    let all = crate::store::municipalities::list(&app.db).await?;
    let total = rows.len() as u64;
    let mut valid = Vec::new();
    // References seen in this file, by municipality: (reference → line).
    let mut in_file: BTreeMap<(i64, String), u64> = BTreeMap::new();
    let mut duplicates: Vec<Duplicate> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        progress(0, i as u64, total);
        let municipality_id = match row_municipality(row, &all, options) {
            Ok(id) => id,
            Err(p) => {
                report.rejected.push(p);
                continue;
            }
        };
        if !may_import(actor, municipality_id) {
            report.rejected.push(Problem {
                line: row.line,
                column: Some("municipality".into()),
                key: "import.not_yours".into(),
                value: row.cells.get("municipality").map(|v| cut(v)),
            });
            continue;
        }
        let (fields, problems) = household_fields(row, &all, municipality_id);
        if !problems.is_empty() {
            report.rejected.extend(problems);
            continue;
        }
        let reference = Fields(&fields).get("reference").to_owned();
        let key = (municipality_id, reference.clone());
        if let Some(first) = in_file.get(&key) {
            duplicates.push((row.line, municipality_id, Some(*first), fields));
            continue;
        }
        let existing = if reference.is_empty() {
            None
        } else {
            households::id_of_reference(&app.db, municipality_id, &reference).await?
        };
        if let Some(existing) = existing {
            duplicates.push((row.line, municipality_id, None, fields.clone()));
            report.flagged.push(Flagged {
                line: row.line,
                key: "import.duplicate_reference".into(),
                existing_id: existing,
                new_id: None,
            });
            continue;
        }
        match super::households::validate(app, municipality_id, Fields(&fields), None).await? {
            Ok(v) => {
                in_file.insert(key, row.line);
                valid.push((row.line, municipality_id, v));
            }
            Err(errors) => report
                .rejected
                .extend(problems_of(row, &errors, &household_column)),
        }
    }
    if !report.rejected.is_empty() {
        return finish_rejected(app, actor, Kind::Households, options, report).await;
    }
    let now = app.clock.now();
    let by = actor.user_id();
    let txn = app.db.begin().await?;
    let mut ids_by_line = BTreeMap::new();
    for (i, (line, municipality_id, v)) in valid.iter().enumerate() {
        progress(1, i as u64, valid.len() as u64);
        let consent = v.consent.as_ref().map(|(at, scope)| Consent {
            at: *at,
            scope: scope.clone(),
            recorded_by: by,
        });
        let id = households::insert(
            &txn,
            *municipality_id,
            HouseholdStatus::Active,
            &v.profile,
            &v.allowed,
            consent.as_ref(),
            by,
            now,
        )
        .await?;
        ids_by_line.insert(*line, id);
    }
    // Rows repeating a reference of an earlier row of the file: flagged against it.
    for (line, _, first, _) in &duplicates {
        if let Some(first) = first
            && let Some(existing) = ids_by_line.get(first)
        {
            report.flagged.push(Flagged {
                line: *line,
                key: "import.duplicate_in_file".into(),
                existing_id: *existing,
                new_id: None,
            });
        }
    }
    report.flagged.sort_by_key(|f| f.line);
    report.accepted = valid.len() as u64;
    report.imported = true;
    report.created_at = Some(now);
    let import_id = save_record(&txn, actor, Kind::Households, options, &report, now).await?;
    report.import_id = import_id;
    for f in &report.flagged {
        let municipality = duplicates.iter().find(|d| d.0 == f.line).map(|d| d.1);
        let row_values: BTreeMap<String, String> = duplicates
            .iter()
            .find(|d| d.0 == f.line)
            .map(|d| {
                d.3.iter()
                    .filter(|(k, _)| k == "reference" || k.starts_with("member_"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        flag(
            &txn,
            "duplicate_household",
            "households",
            f.existing_id,
            None,
            municipality,
            import_id,
            &format!(
                "line {}: {}",
                f.line,
                serde_json::to_string(&row_values).unwrap_or_default()
            ),
            now,
        )
        .await?;
    }
    // The stored report carries the id now.
    complete(&txn, actor, Kind::Households, options, &report, now).await?;
    txn.commit().await?;
    progress(1, valid.len() as u64, valid.len() as u64);
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn flag<C: sea_orm::ConnectionTrait>(
    db: &C,
    kind: &str,
    entity: &str,
    entity_id: i64,
    other: Option<i64>,
    municipality_id: Option<i64>,
    import_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    review_flag::ActiveModel {
        kind: Set(kind.into()),
        entity: Set(entity.into()),
        entity_id: Set(entity_id),
        other_entity_id: Set(other),
        municipality_id: Set(municipality_id),
        import_id: Set(Some(import_id)),
        reason: Set(reason.chars().take(2000).collect()),
        resolved_at: Set(None),
        resolved_by_user_id: Set(None),
        resolution: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn problems_of(
    row: &Row,
    errors: &FieldErrors,
    column_of: &dyn Fn(&str) -> String,
) -> Vec<Problem> {
    errors
        .0
        .iter()
        .map(|(field, key)| {
            let column = column_of(field);
            Problem {
                line: row.line,
                value: row.cells.get(&column).map(|v| cut(v)),
                column: Some(column),
                key: key.clone(),
            }
        })
        .collect()
}

/// The landlord a units row names: (name, e-mail, phone).
fn landlord_of(row: &Row) -> Result<(String, String, Option<String>), Vec<Problem>> {
    let get = |c: &str| row.cells.get(c).cloned().unwrap_or_default();
    let name = get("landlord_name");
    let email = get("landlord_email").to_lowercase();
    let mut problems = Vec::new();
    if !(2..=200).contains(&name.chars().count()) {
        problems.push(Problem {
            line: row.line,
            column: Some("landlord_name".into()),
            key: "validation.name_length".into(),
            value: Some(cut(&name)),
        });
    }
    if !validator::ValidateEmail::validate_email(&email) {
        problems.push(Problem {
            line: row.line,
            column: Some("landlord_email".into()),
            key: "validation.email_invalid".into(),
            value: Some(cut(&email)),
        });
    }
    if get("landlord_phone").chars().count() > 50 {
        problems.push(Problem {
            line: row.line,
            column: Some("landlord_phone".into()),
            key: "validation.too_long".into(),
            value: Some(cut(&get("landlord_phone"))),
        });
    }
    if problems.is_empty() {
        Ok((
            name,
            email,
            Some(get("landlord_phone")).filter(|p| !p.is_empty()),
        ))
    } else {
        Err(problems)
    }
}

fn unit_fields(row: &Row) -> (Vec<(String, String)>, Vec<Problem>, Option<UnitStatus>) {
    let mut fields = Vec::new();
    let mut problems = Vec::new();
    let mut status = None;
    for (column, value) in &row.cells {
        if value.is_empty() {
            continue;
        }
        match column.as_str() {
            "has_lift" | "step_free" | "wheelchair_accessible" | "furnished" | "pets_allowed" => {
                match yes_no(value) {
                    Some(true) => fields.push((column.clone(), "1".into())),
                    Some(false) => {}
                    None => problems.push(Problem {
                        line: row.line,
                        column: Some(column.clone()),
                        key: "import.yes_no".into(),
                        value: Some(cut(value)),
                    }),
                }
            }
            "lease_type" => {
                let v = match value.to_lowercase().as_str() {
                    "unbefristet" | "open_ended" | "open-ended" => "open_ended".to_owned(),
                    "befristet" | "fixed_term" | "fixed-term" => "fixed_term".to_owned(),
                    other => other.to_owned(),
                };
                fields.push(("lease_type".into(), v));
            }
            "pref_tags" => {
                for tag in list(value) {
                    fields.push(("pref_tags".into(), tag.to_lowercase()));
                }
            }
            "status" => match value.to_lowercase().as_str() {
                "checked" | "geprüft" => status = Some(UnitStatus::Checked),
                "available" | "frei" | "freigegeben" => status = Some(UnitStatus::Available),
                _ => problems.push(Problem {
                    line: row.line,
                    column: Some("status".into()),
                    key: "import.unit_status".into(),
                    value: Some(cut(value)),
                }),
            },
            "landlord_name" | "landlord_email" | "landlord_phone" => {}
            other => fields.push((other.to_owned(), value.clone())),
        }
    }
    if row.cells.get("lease_type").is_none_or(|v| v.is_empty()) {
        fields.push(("lease_type".into(), "open_ended".into()));
    }
    (fields, problems, status)
}

fn same_address(a: &unit::Model, street: &str, number: &str, postal: &str, floor: i32) -> bool {
    a.street.trim().eq_ignore_ascii_case(street.trim())
        && a.house_number.trim().eq_ignore_ascii_case(number.trim())
        && a.postal_code.trim() == postal.trim()
        && a.floor == floor
}

async fn import_units(
    app: &App,
    actor: &Actor,
    rows: Vec<Row>,
    options: &Options,
    mut report: Report,
    progress: Progress<'_>,
) -> Result<Report, ServiceError> {
    let total = rows.len() as u64;
    let mut valid = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        progress(0, i as u64, total);
        let landlord = landlord_of(row);
        let (fields, mut problems, status) = unit_fields(row);
        if let Err(p) = &landlord {
            problems.extend(p.iter().cloned());
        }
        // An availability date in the past is a fact here (the flat is free already).
        let keep = parse_date(Fields(&fields).get("available_from"));
        let checked = super::units::validate_unit(app, Fields(&fields), keep).await?;
        let unit = match checked {
            Ok(u) => Some(u),
            Err(errors) => {
                problems.extend(problems_of(row, &errors, &|f: &str| f.to_owned()));
                None
            }
        };
        if let Some(u) = &unit {
            if options
                .only_municipality
                .is_some_and(|only| only != u.municipality_id)
            {
                problems.push(Problem {
                    line: row.line,
                    column: Some("postal_code".into()),
                    key: "import.other_municipality".into(),
                    value: row.cells.get("postal_code").map(|v| cut(v)),
                });
            } else if !may_import(actor, u.municipality_id) {
                problems.push(Problem {
                    line: row.line,
                    column: Some("postal_code".into()),
                    key: "import.not_yours".into(),
                    value: row.cells.get("postal_code").map(|v| cut(v)),
                });
            }
        }
        problems.sort_by(|a, b| a.column.cmp(&b.column));
        problems.dedup();
        match (problems.is_empty(), unit, landlord) {
            (true, Some(unit), Ok(landlord)) => valid.push((row.line, unit, landlord, status)),
            _ => report.rejected.extend(problems),
        }
    }
    if !report.rejected.is_empty() {
        report.rejected.sort_by_key(|p| p.line);
        return finish_rejected(app, actor, Kind::Units, options, report).await;
    }
    let now = app.clock.now();
    let by = actor.user_id();
    let txn = app.db.begin().await?;
    let mut landlord_ids: BTreeMap<String, i64> = BTreeMap::new();
    let mut new_landlords: BTreeSet<i64> = BTreeSet::new();
    // (line, unit id, municipality id, landlord id) of every imported unit.
    let mut imported: Vec<(u64, i64, i64, i64)> = Vec::new();
    for (i, (line, unit, (name, email, phone), status)) in valid.iter().enumerate() {
        progress(1, i as u64, valid.len() as u64);
        let landlord_id = match landlord_ids.get(email) {
            Some(id) => *id,
            None => {
                let existing = landlord::Entity::find()
                    .filter(landlord::Column::ContactEmail.eq(email.clone()))
                    .order_by_asc(landlord::Column::Id)
                    .one(&txn)
                    .await?;
                let id = match existing {
                    Some(l) => l.id,
                    None => {
                        let id = landlords::insert(
                            &txn,
                            &NewLandlord {
                                user_id: None,
                                kind: "private".into(),
                                display_name: name.clone(),
                                contact_email: Some(email.clone()),
                                phone: phone.clone(),
                                locale: Locale::De,
                                created_by: by,
                            },
                            now,
                        )
                        .await?;
                        new_landlords.insert(id);
                        id
                    }
                };
                landlord_ids.insert(email.clone(), id);
                id
            }
        };
        let d = &unit.details;
        let a = &d.address;
        let same: Vec<unit::Model> = unit::Entity::find()
            .filter(unit::Column::LandlordId.eq(landlord_id))
            .filter(unit::Column::PostalCode.eq(a.postal_code.clone()))
            .filter(unit::Column::Floor.eq(d.floor))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|u| same_address(u, &a.street, &a.house_number, &a.postal_code, d.floor))
            .collect();
        let id = units::insert(
            &txn,
            landlord_id,
            unit.municipality_id,
            status.unwrap_or(UnitStatus::Checked),
            d,
            by,
            now,
        )
        .await?;
        for programme in &unit.programmes {
            incentives::request(&txn, id, *programme, None, now).await?;
        }
        if let Some(existing) = same.iter().map(|u| u.id).min() {
            report.flagged.push(Flagged {
                line: *line,
                key: "import.duplicate_unit".into(),
                existing_id: existing,
                new_id: Some(id),
            });
        }
        imported.push((*line, id, unit.municipality_id, landlord_id));
    }
    report.accepted = valid.len() as u64;
    report.imported = true;
    report.created_at = Some(now);
    let import_id = save_record(&txn, actor, Kind::Units, options, &report, now).await?;
    report.import_id = import_id;
    for f in &report.flagged {
        let municipality = imported.iter().find(|i| i.0 == f.line).map(|i| i.2);
        flag(
            &txn,
            "duplicate_unit",
            "units",
            f.new_id.unwrap_or_default(),
            Some(f.existing_id),
            municipality,
            import_id,
            &format!(
                "line {}: same address, floor and landlord as unit #{}",
                f.line, f.existing_id
            ),
            now,
        )
        .await?;
    }
    // Landlords new to Bleibe get the link to take their flats over with an account.
    let inviter = match actor {
        Actor::System => "Bleibe".to_owned(),
        Actor::User(u) => u.display_name.clone(),
    };
    for landlord_id in &new_landlords {
        let Some(l) = landlords::find(&txn, *landlord_id).await? else {
            continue;
        };
        let Some((_, unit_id, municipality_id, _)) = imported.iter().find(|i| i.3 == *landlord_id)
        else {
            continue;
        };
        let unit = units::find(&txn, *unit_id).await?;
        let m = municipality::Entity::find_by_id(*municipality_id)
            .one(&txn)
            .await?;
        let (Some(unit), Some(m)) = (unit, m) else {
            continue;
        };
        let a = &unit.details.address;
        super::accounts::invite_landlord(
            app,
            &txn,
            l.id,
            &l.display_name,
            &l.contact_email.clone().unwrap_or_default(),
            Locale::De,
            &inviter,
            &a.one_line(),
            &m.name,
            m.id,
            now,
        )
        .await?;
    }
    complete(&txn, actor, Kind::Units, options, &report, now).await?;
    txn.commit().await?;
    progress(1, valid.len() as u64, valid.len() as u64);
    Ok(report)
}

/// The imports of a municipality, newest first.
pub async fn history(
    app: &App,
    actor: &Actor,
    municipality_id: i64,
) -> Result<Vec<Report>, ServiceError> {
    if !may_import(actor, municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let rows = import::Entity::find()
        .filter(import::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(import::Column::Id)
        .all(&app.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let mut report: Report = serde_json::from_str(&r.report).ok()?;
            report.import_id = r.id;
            Some(report)
        })
        .collect())
}

/// One import's report, if the actor may see it.
pub async fn report(app: &App, actor: &Actor, id: i64) -> Result<Report, ServiceError> {
    let row = import::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("import".into()))?;
    let allowed = match (actor, row.municipality_id) {
        (Actor::System, _) => true,
        (Actor::User(u), Some(m)) => u.can_manage(m),
        (Actor::User(u), None) => u.role == crate::domain::roles::Role::Admin,
    };
    if !allowed {
        return Err(ServiceError::Forbidden);
    }
    let mut report: Report =
        serde_json::from_str(&row.report).map_err(|e| ServiceError::Other(e.into()))?;
    report.import_id = row.id;
    Ok(report)
}

/// Open review flags of a municipality (likely duplicates from imports).
pub async fn open_flags(
    app: &App,
    actor: &Actor,
    municipality_id: i64,
) -> Result<Vec<review_flag::Model>, ServiceError> {
    if !may_import(actor, municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    Ok(review_flag::Entity::find()
        .filter(review_flag::Column::MunicipalityId.eq(municipality_id))
        .filter(review_flag::Column::ResolvedAt.is_null())
        .order_by_asc(review_flag::Column::Id)
        .all(&app.db)
        .await?)
}

/// Marks a review flag as dealt with.
pub async fn resolve_flag(
    app: &App,
    actor: &Actor,
    id: i64,
    resolution: &str,
) -> Result<i64, ServiceError> {
    let flag = review_flag::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("flag".into()))?;
    let municipality_id = flag.municipality_id.ok_or(ServiceError::Forbidden)?;
    if !may_import(actor, municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let now = app.clock.now();
    let mut row: review_flag::ActiveModel = flag.into();
    row.resolved_at = Set(Some(now));
    row.resolved_by_user_id = Set(actor.user_id());
    row.resolution = Set(Some(resolution.chars().take(500).collect()));
    row.update(&app.db).await?;
    Ok(municipality_id)
}

/// The municipality an import was made for.
pub async fn municipality_of(app: &App, id: i64) -> Result<Option<i64>, ServiceError> {
    Ok(import::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .and_then(|r| r.municipality_id))
}

fn template(columns: &[(String, String)]) -> String {
    let header: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    let example: Vec<String> = columns
        .iter()
        .map(|(_, v)| {
            if v.contains([';', '"', '\n']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        })
        .collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(";"), example.join(";"))
}

/// A households file with every column and one example row.
pub fn household_template(municipality: &str) -> String {
    let mut columns: Vec<(String, String)> = Vec::new();
    let example = |c: &str| -> &str {
        match c {
            "municipality" => municipality,
            "reference" => "AU-2026-001",
            "residence_status" => "anerkannt",
            "benefit_type" => "sgb2",
            "work_situation" => "language_course",
            "wheelchair" | "pets" | "residence_obligation" => "nein",
            "urgency" => "1",
            "languages" => "ar|de",
            "preferred_language" => "ar",
            "in_follow_up_since" => "01.03.2024",
            "latest_move_date" => "",
            "follow_up_site" => "Gemeinschaftsunterkunft Beispielweg 1",
            "caseworker_name" => "Sozialdienst",
            "consent_date" => "15.10.2026",
            "consent_scope" => "matching|email",
            _ => "",
        }
    };
    for c in HOUSEHOLD_COLUMNS {
        columns.push(((*c).to_owned(), example(c).to_owned()));
        if *c == "work_situation" {
            for n in 1..=3 {
                for part in MEMBER_PARTS {
                    let value = match (n, *part) {
                        (1, "first_name") => "Amal",
                        (1, "birth_year") => "1988",
                        (1, "role") => "applicant",
                        (2, "first_name") => "Yusuf",
                        (2, "birth_year") => "2016",
                        (2, "role") => "child",
                        _ => "",
                    };
                    columns.push((format!("member{n}_{part}"), value.to_owned()));
                }
            }
        }
        if *c == "urgency_reason" {
            for part in ANCHOR_PARTS {
                let value = match *part {
                    "kind" => "school",
                    "label" => "Grundschule",
                    "postal_code" => "73207",
                    "importance" => "high",
                    _ => "",
                };
                columns.push((format!("anchor1_{part}"), value.to_owned()));
            }
        }
    }
    template(&columns)
}

/// A units file with every column and one example row.
pub fn unit_template() -> String {
    let columns: Vec<(String, String)> = UNIT_COLUMNS
        .iter()
        .map(|c| {
            let v = match *c {
                "landlord_name" => "Renate Maier",
                "landlord_email" => "renate.maier@example.org",
                "street" => "Hauptstraße",
                "house_number" => "12",
                "postal_code" => "73207",
                "town" => "Plochingen",
                "area_m2" => "62,5",
                "rooms" => "3",
                "floor" => "1",
                "has_lift" => "nein",
                "max_occupants" => "4",
                "cold_rent" => "560",
                "service_charges" => "140",
                "heating_costs" => "80",
                "deposit" => "1680",
                "available_from" => "01.02.2027",
                "lease_type" => "unbefristet",
                "status" => "checked",
                _ => "",
            };
            ((*c).to_owned(), v.to_owned())
        })
        .collect();
    template(&columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_files_are_read_with_their_umlauts() {
        assert_eq!(decode(b"Stra\xdfe;M\xfcller;\x80"), "Straße;Müller;€");
        assert_eq!(decode("\u{feff}Straße".as_bytes()), "Straße");
    }

    #[test]
    fn the_separator_is_taken_from_the_header() {
        assert_eq!(separator("a;b;c\n1,5;2;3"), b';');
        assert_eq!(separator("a,b,c"), b',');
        assert_eq!(separator("a\tb\tc"), b'\t');
    }

    #[test]
    fn numbered_columns_map_to_form_fields_and_back() {
        assert_eq!(
            household_field("member1_first_name").as_deref(),
            Some("member_first_name_0")
        );
        assert_eq!(
            household_field("anchor6_importance").as_deref(),
            Some("anchor_importance_5")
        );
        assert_eq!(household_field("member31_first_name"), None);
        assert_eq!(household_field("member0_role"), None);
        assert_eq!(household_field("refernce"), None);
        assert_eq!(
            household_column("member_birth_year_2"),
            "member3_birth_year"
        );
        assert_eq!(household_column("allowed"), "allowed_municipalities");
    }

    #[test]
    fn yes_and_no_are_understood_in_both_languages() {
        assert_eq!(yes_no("Ja"), Some(true));
        assert_eq!(yes_no("x"), Some(true));
        assert_eq!(yes_no("nein"), Some(false));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("vielleicht"), None);
    }

    #[test]
    fn unknown_columns_stop_the_file() {
        let err = read_rows("reference;refernce\nA;B\n", &|c| {
            household_field(c).is_some()
        })
        .err()
        .expect("refused");
        assert_eq!(err[0].column.as_deref(), Some("refernce"));
        assert_eq!(err[0].key, "import.unknown_column");
    }

    #[test]
    fn empty_lines_are_counted_not_read() {
        let (rows, empty) =
            read_rows("reference\nA\n;\n\nB\n", &|c| household_field(c).is_some()).expect("read");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 5);
        assert!(empty >= 1);
    }
}
