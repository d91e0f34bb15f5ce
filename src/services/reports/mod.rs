//! Reports: charts and table exports for Bleibe's statistics pages (pure: no I/O).
//!
//! This module turns already aggregated numbers into things a person can
//! look at or take away:
//!
//! * [`bar_chart_svg`] and [`column_chart_svg`] draw simple, accessible SVG
//!   charts by hand (no scripts, no external references, no stylesheet
//!   needed), so they can be embedded into server-rendered pages or served as
//!   standalone `.svg` files. Every chart carries a `<title>` and a `<desc>`
//!   that lists all values, so screen-reader users get the data, not a
//!   picture of it.
//! * [`to_csv`] writes a [`Table`] as CSV in the dialect German spreadsheet
//!   programs expect (UTF-8 with BOM, `;`, CRLF, decimal comma) and guards
//!   against CSV/formula injection.
//! * [`to_xlsx`] writes one or more tables into an `.xlsx` workbook with
//!   typed cells (numbers stay numbers, money and dates get number formats).
//!
//! German (`locale_de == true`) is the primary locale, English the second.
//! Everything here is pure: no I/O, no global state, the output only depends
//! on the input.
//!
//! `charts.rs` draws the SVG charts, `sheets.rs` writes CSV and XLSX; numbers and money are
//! written by [`crate::domain::format`].

use chrono::NaiveDate;

mod charts;
mod sheets;

pub use charts::{bar_chart_svg, column_chart_svg};
pub use sheets::{to_csv, to_xlsx};

// ---------------------------------------------------------------------------
// Public data types
// ---------------------------------------------------------------------------

/// A value series for a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Shown as `<title>` and as the visible heading inside the SVG.
    pub title: String,
    /// Unit written after the values, e.g. `"Haushalte"` or `"€"`; may be empty. A counted
    /// noun gives its singular and plural as `"Haushalt|Haushalte"` ("1 Haushalt",
    /// "2 Haushalte").
    pub unit: String,
    /// The bars in display order: label and value (expected to be `>= 0`;
    /// negative or non-finite values are drawn as empty bars). May be empty.
    pub bars: Vec<(String, f64)>,
}

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text. In CSV it is protected against formula injection.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal number. Non-finite values (NaN, ±∞) are exported as empty cells.
    Number(f64),
    /// A euro amount in cents.
    Money(i64),
    /// A calendar date.
    Date(NaiveDate),
    /// No value.
    Empty,
}

/// A table to export, as CSV ([`to_csv`]) or as one sheet of a workbook ([`to_xlsx`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name in XLSX exports; sanitised to Excel's rules (at most 31
    /// characters, none of `[]:*?/\`, unique within the workbook).
    pub name: String,
    /// Column headings; written as the first row when not empty.
    pub headers: Vec<String>,
    /// Data rows. Rows may have different lengths; short rows are padded with empty cells.
    pub rows: Vec<Vec<Cell>>,
}
