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
use entities::{municipality, review_flag, unit};
use sea_orm::TransactionTrait;
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
use crate::store::{households, imports, incentives, landlords, units};

mod file;
mod household_file;
mod templates;
mod unit_file;

pub use file::*;
pub use household_file::*;
pub use templates::*;
pub use unit_file::*;

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
    let new = imports::NewImport {
        kind: kind.as_str(),
        municipality_id: options.only_municipality.or(options.default_municipality),
        file_name: options.file_name.chars().take(200).collect(),
        uploaded_by: actor.user_id(),
        status: if report.imported {
            "imported"
        } else {
            "rejected"
        },
        rows_total: report.rows as i32,
        rows_accepted: report.accepted as i32,
        rows_rejected: report.rejected.len() as i32,
        report: serde_json::to_string(report).map_err(|e| ServiceError::Other(e.into()))?,
    };
    Ok(imports::insert(db, new, now).await?)
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
    imports::set_report(
        db,
        report.import_id,
        serde_json::to_string(report).map_err(|e| ServiceError::Other(e.into()))?,
    )
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

/// The imports of a municipality, newest first.
pub async fn history(
    app: &App,
    actor: &Actor,
    municipality_id: i64,
) -> Result<Vec<Report>, ServiceError> {
    if !may_import(actor, municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let rows = imports::of_municipality(&app.db, municipality_id).await?;
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
    let row = imports::find(&app.db, id)
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
    Ok(imports::open_flags(&app.db, municipality_id).await?)
}

/// Marks a review flag as dealt with.
pub async fn resolve_flag(
    app: &App,
    actor: &Actor,
    id: i64,
    resolution: &str,
) -> Result<i64, ServiceError> {
    let flag = imports::find_flag(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("flag".into()))?;
    let municipality_id = flag.municipality_id.ok_or(ServiceError::Forbidden)?;
    if !may_import(actor, municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let now = app.clock.now();
    imports::resolve_flag(&app.db, flag, actor.user_id(), resolution, now).await?;
    Ok(municipality_id)
}

/// The municipality an import was made for.
pub async fn municipality_of(app: &App, id: i64) -> Result<Option<i64>, ServiceError> {
    Ok(imports::find(&app.db, id)
        .await?
        .and_then(|r| r.municipality_id))
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
