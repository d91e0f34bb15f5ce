//! Tables as CSV (the dialect German spreadsheets expect) and as XLSX workbooks.

use std::collections::HashSet;

use chrono::Datelike;

use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::charts::locale;
use super::{Cell, Table};
use crate::domain::{Cents, format};

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Prefixes text that a spreadsheet would read as a formula with `'`.
fn guard_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A cell as CSV field text (before quoting).
fn csv_field(cell: &Cell, de: bool) -> String {
    match cell {
        Cell::Text(text) => guard_formula(text),
        Cell::Int(i) => i.to_string(),
        Cell::Number(v) if v.is_finite() => {
            let s = v.to_string();
            if de { s.replace('.', ",") } else { s }
        }
        Cell::Number(_) | Cell::Empty => String::new(),
        Cell::Money(cents) => format::money_plain(locale(de), Cents(*cents)),
        // Years outside 0..=9999 print with a sign; guard those like text.
        Cell::Date(date) => guard_formula(&date.to_string()),
    }
}

/// Number of columns: the widest of header row and data rows.
fn column_count(table: &Table) -> usize {
    table
        .rows
        .iter()
        .map(Vec::len)
        .fold(table.headers.len(), usize::max)
}

fn write_csv(table: &Table, de: bool) -> Result<Vec<u8>, csv::Error> {
    let width = column_count(table);
    let mut buffer = Vec::with_capacity(64 + table.rows.len() * width * 12);
    buffer.extend_from_slice(UTF8_BOM);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(buffer);
    if !table.headers.is_empty() {
        let mut record: Vec<String> = table.headers.iter().map(|h| guard_formula(h)).collect();
        record.resize(width, String::new());
        writer.write_record(&record)?;
    }
    let mut record: Vec<String> = Vec::with_capacity(width);
    for row in &table.rows {
        record.clear();
        record.extend(row.iter().map(|cell| csv_field(cell, de)));
        record.resize(width, String::new());
        writer.write_record(&record)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// CSV for spreadsheet programs used in Germany: UTF-8 with BOM, `;` as
/// separator, CRLF line ends, quotes only where needed.
///
/// Numbers use a decimal comma when `locale_de` (`612,5`), money is written
/// as `612,50` without `€` sign, integers plainly, dates as `YYYY-MM-DD`,
/// no thousands separators. Text cells (and headers) starting with `=`, `+`,
/// `-`, `@`, tab or CR get a leading `'` so they cannot run as formulas.
/// Rows shorter than the widest row are padded with empty fields.
pub fn to_csv(table: &Table, locale_de: bool) -> Vec<u8> {
    // Writing into a Vec cannot fail and every record has the same length,
    // so the error branch is unreachable; it still returns a valid (empty) CSV.
    write_csv(table, locale_de).unwrap_or_else(|_| UTF8_BOM.to_vec())
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

const SHEET_NAME_MAX_UTF16: usize = 31;
const MONEY_FORMAT: &str = "#,##0.00 €";
/// Excel keeps 15 significant digits; larger integers are written as text.
const EXCEL_EXACT_INT: i64 = 999_999_999_999_999;
const MAX_COLUMN_WIDTH: f64 = 60.0;

/// Cuts `s` to at most `max` UTF-16 code units (Excel's way of counting).
fn truncate_utf16(s: &str, max: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for ch in s.chars() {
        used += ch.len_utf16();
        if used > max {
            break;
        }
        out.push(ch);
    }
    out
}

/// Removes what Excel forbids in a sheet name and trims the rest.
fn clean_sheet_name(name: &str, max_utf16: usize) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .collect();
    let trimmed = kept.trim().trim_matches('\'').trim();
    let cut = truncate_utf16(trimmed, max_utf16);
    // Cutting may expose a trailing blank or apostrophe again.
    cut.trim().trim_matches('\'').trim().to_string()
}

/// Sanitised, unique (case-insensitive, like Excel) sheet names for `tables`.
fn sheet_names(tables: &[Table], de: bool) -> Vec<String> {
    // "History" is reserved by Excel.
    let mut used: HashSet<String> = HashSet::from(["history".to_string()]);
    let mut names = Vec::with_capacity(tables.len());
    for (index, table) in tables.iter().enumerate() {
        let mut base = clean_sheet_name(&table.name, SHEET_NAME_MAX_UTF16);
        if base.is_empty() {
            base = format!("{}{}", if de { "Tabelle" } else { "Sheet" }, index + 1);
        }
        let mut candidate = base.clone();
        let mut counter = 2usize;
        while used.contains(&candidate.to_lowercase()) {
            let suffix = format!(" ({counter})");
            let room = SHEET_NAME_MAX_UTF16 - suffix.len();
            let stem = clean_sheet_name(&base, room);
            candidate = format!("{stem}{suffix}");
            counter += 1;
        }
        used.insert(candidate.to_lowercase());
        names.push(candidate);
    }
    names
}

/// Approximate display width of a cell in characters, for column widths.
fn cell_display_len(cell: &Cell, de: bool) -> usize {
    match cell {
        Cell::Text(text) => text.lines().map(|l| l.chars().count()).max().unwrap_or(0),
        Cell::Int(i) => i.to_string().len(),
        Cell::Number(v) if v.is_finite() => v.to_string().len().min(20),
        Cell::Number(_) | Cell::Empty => 0,
        Cell::Money(cents) => format::money_sheet(locale(de), Cents(*cents))
            .chars()
            .count(),
        Cell::Date(_) => 10,
    }
}

struct SheetFormats {
    header: Format,
    money: Format,
    date: Format,
    int: Format,
}

fn to_row(index: usize) -> Result<RowNum, String> {
    RowNum::try_from(index).map_err(|_| format!("row {index} exceeds the spreadsheet limit"))
}

fn to_col(index: usize) -> Result<ColNum, String> {
    ColNum::try_from(index).map_err(|_| format!("column {index} exceeds the spreadsheet limit"))
}

fn write_cell(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    cell: &Cell,
    formats: &SheetFormats,
) -> Result<(), XlsxError> {
    match cell {
        // write_string never creates a formula, so no injection guard is needed.
        Cell::Text(text) => {
            sheet.write_string(row, col, text)?;
        }
        Cell::Int(i) if (-EXCEL_EXACT_INT..=EXCEL_EXACT_INT).contains(i) => {
            sheet.write_number_with_format(row, col, *i as f64, &formats.int)?;
        }
        Cell::Int(i) => {
            sheet.write_string(row, col, i.to_string())?;
        }
        Cell::Number(v) if v.is_finite() => {
            sheet.write_number(row, col, *v)?;
        }
        Cell::Number(_) | Cell::Empty => {}
        Cell::Money(cents) => {
            sheet.write_number_with_format(row, col, *cents as f64 / 100.0, &formats.money)?;
        }
        Cell::Date(date) => {
            let excel_date = u16::try_from(date.year()).ok().and_then(|y| {
                ExcelDateTime::from_ymd(y, date.month() as u8, date.day() as u8).ok()
            });
            match excel_date {
                Some(d) => {
                    sheet.write_datetime_with_format(row, col, &d, &formats.date)?;
                }
                // Excel only knows 1900..=9999; keep other dates readable as text.
                None => {
                    sheet.write_string(row, col, date.to_string())?;
                }
            }
        }
    }
    Ok(())
}

fn write_sheet(
    sheet: &mut Worksheet,
    table: &Table,
    name: &str,
    formats: &SheetFormats,
    de: bool,
) -> Result<(), String> {
    let context = |what: &str, e: XlsxError| format!("sheet '{name}', {what}: {e}");
    sheet.set_name(name).map_err(|e| context("name", e))?;

    let width = column_count(table);
    let mut widths = vec![0usize; width];
    let header_rows = usize::from(!table.headers.is_empty());

    for (c, header) in table.headers.iter().enumerate() {
        let col = to_col(c)?;
        sheet
            .write_string_with_format(0, col, header, &formats.header)
            .map_err(|e| context(&format!("header {}", c + 1), e))?;
        // Bold text plus the autofilter button need some extra room.
        widths[c] = header.chars().count() + 3;
    }

    for (r, cells) in table.rows.iter().enumerate() {
        let row = to_row(r + header_rows)?;
        for (c, cell) in cells.iter().enumerate() {
            let col = to_col(c)?;
            write_cell(sheet, row, col, cell, formats)
                .map_err(|e| context(&format!("row {}, column {}", r + 1, c + 1), e))?;
            widths[c] = widths[c].max(cell_display_len(cell, de));
        }
    }

    for (c, chars) in widths.iter().enumerate() {
        let fitted = (*chars as f64 + 2.0).clamp(6.0, MAX_COLUMN_WIDTH);
        sheet
            .set_column_width(to_col(c)?, fitted)
            .map_err(|e| context("column width", e))?;
    }

    if header_rows == 1 {
        sheet
            .set_freeze_panes(1, 0)
            .map_err(|e| context("freeze panes", e))?;
        let last_row = to_row(table.rows.len())?;
        let last_col = to_col(table.headers.len() - 1)?;
        sheet
            .autofilter(0, 0, last_row, last_col)
            .map_err(|e| context("autofilter", e))?;
    }
    Ok(())
}

/// Builds an `.xlsx` workbook with one sheet per table and returns its bytes.
///
/// Headers are bold, the first row is frozen and carries an autofilter,
/// column widths follow the content (at most 60 characters). Integers and
/// numbers are numeric cells, money uses the format `#,##0.00 €`, dates
/// `dd.mm.yyyy` (German) or `yyyy-mm-dd` (English); dates Excel cannot
/// represent (before 1900, after 9999) are written as ISO text. Sheet names
/// are sanitised to Excel's rules and made unique.
///
/// # Errors
///
/// A plain message naming the sheet and cell when the writer rejects
/// something, e.g. a text longer than Excel's 32,767 characters or more rows
/// than a sheet can hold.
pub fn to_xlsx(tables: &[Table], locale_de: bool) -> Result<Vec<u8>, String> {
    let names = sheet_names(tables, locale_de);
    let formats = SheetFormats {
        header: Format::new().set_bold(),
        money: Format::new().set_num_format(MONEY_FORMAT),
        date: Format::new().set_num_format(if locale_de {
            "dd.mm.yyyy"
        } else {
            "yyyy-mm-dd"
        }),
        int: Format::new().set_num_format_index(1), // built-in "0"
    };
    let mut workbook = Workbook::new();
    for (table, name) in tables.iter().zip(&names) {
        let sheet = workbook.add_worksheet();
        write_sheet(sheet, table, name, &formats, locale_de)?;
    }
    workbook
        .save_to_buffer()
        .map_err(|e| format!("could not build the XLSX file: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    // ---- CSV ----

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn sample_table() -> Table {
        Table {
            name: "Zahlungen".to_string(),
            headers: vec![
                "Name".into(),
                "Anzahl".into(),
                "Betrag".into(),
                "Quote".into(),
                "Datum".into(),
            ],
            rows: vec![
                vec![
                    Cell::Text("Müller; Anna".into()),
                    Cell::Int(3),
                    Cell::Money(61250),
                    Cell::Number(1234.5),
                    Cell::Date(date(2024, 3, 1)),
                ],
                vec![
                    Cell::Text("Sagt \"Hallo\"\nzweite Zeile".into()),
                    Cell::Int(-7),
                    Cell::Money(-5),
                    Cell::Number(f64::NAN),
                    Cell::Empty,
                ],
                vec![Cell::Text("kurz".into())],
            ],
        }
    }

    #[test]
    fn csv_german_dialect() {
        let bytes = to_csv(&sample_table(), true);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
        let text = std::str::from_utf8(&bytes[3..]).expect("utf8");
        let expected = "Name;Anzahl;Betrag;Quote;Datum\r\n\
             \"Müller; Anna\";3;612,50;1234,5;2024-03-01\r\n\
             \"Sagt \"\"Hallo\"\"\nzweite Zeile\";-7;-0,05;;\r\n\
             kurz;;;;\r\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn csv_english_numbers() {
        let bytes = to_csv(&sample_table(), false);
        let text = std::str::from_utf8(&bytes[3..]).expect("utf8");
        assert!(text.contains(";3;612.50;1234.5;2024-03-01\r\n"), "{text}");
        assert!(text.contains(";-7;-0.05;;\r\n"));
        assert!(!text.contains(','), "no commas without need: {text}");
    }

    #[test]
    fn csv_money_and_numbers() {
        assert_eq!(format::money_plain(locale(true), Cents(61250)), "612,50");
        assert_eq!(format::money_plain(locale(false), Cents(61250)), "612.50");
        assert_eq!(format::money_plain(locale(true), Cents(5)), "0,05");
        assert_eq!(format::money_plain(locale(true), Cents(-61250)), "-612,50");
        assert_eq!(
            format::money_plain(locale(true), Cents(i64::MIN)),
            "-92233720368547758,08"
        );
        assert_eq!(csv_field(&Cell::Number(0.1), true), "0,1");
        assert_eq!(
            csv_field(&Cell::Number(1e21), false),
            "1000000000000000000000"
        );
        assert_eq!(csv_field(&Cell::Number(f64::INFINITY), true), "");
    }

    #[test]
    fn csv_guards_against_formula_injection() {
        let dangerous = ["=SUM(A1:A2)", "+49 30 1234", "-2+3", "@cmd", "\tx", "\rx"];
        let table = Table {
            name: "x".into(),
            headers: vec!["=HEADER".into()],
            rows: dangerous
                .iter()
                .map(|t| vec![Cell::Text((*t).to_string())])
                .collect(),
        };
        let bytes = to_csv(&table, true);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(&bytes[3..]);
        let fields: Vec<String> = reader
            .records()
            .map(|r| r.expect("record")[0].to_string())
            .collect();
        assert_eq!(fields[0], "'=HEADER");
        for (field, original) in fields[1..].iter().zip(dangerous) {
            assert_eq!(field, &format!("'{original}"));
        }
        // Harmless text and numbers are left alone.
        assert_eq!(csv_field(&Cell::Text("a=b".into()), true), "a=b");
        assert_eq!(csv_field(&Cell::Int(-3), true), "-3");
        assert_eq!(csv_field(&Cell::Money(-300), true), "-3,00");
    }

    #[test]
    fn csv_round_trips_quoted_fields() {
        let tricky = ["a;b", "say \"hi\"", "line\nbreak", "cr\r\nlf", "plain", ""];
        let table = Table {
            name: "x".into(),
            headers: vec!["h".into()],
            rows: tricky
                .iter()
                .map(|t| vec![Cell::Text((*t).to_string())])
                .collect(),
        };
        let bytes = to_csv(&table, true);
        let text = std::str::from_utf8(&bytes[3..]).expect("utf8");
        assert!(text.contains("\"a;b\"\r\n\"say \"\"hi\"\"\"\r\n\"line\nbreak\"\r\n"));
        assert!(text.contains("\r\nplain\r\n"));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let back: Vec<String> = reader
            .records()
            .map(|r| r.expect("record")[0].to_string())
            .collect();
        assert_eq!(back, tricky);
    }

    #[test]
    fn csv_empty_table_is_just_the_bom() {
        let table = Table {
            name: String::new(),
            headers: vec![],
            rows: vec![],
        };
        assert_eq!(to_csv(&table, true), UTF8_BOM.to_vec());
    }

    // ---- XLSX ----

    #[test]
    fn xlsx_is_a_zip_with_one_sheet_per_table() {
        let mut second = sample_table();
        second.name = "zahlungen".to_string(); // collides case-insensitively
        second.rows.push(vec![
            Cell::Int(EXCEL_EXACT_INT + 1),
            Cell::Date(date(1850, 1, 1)), // outside Excel's range -> text
            Cell::Number(f64::NAN),
        ]);
        let bytes = to_xlsx(&[sample_table(), second], true).expect("xlsx");
        assert!(bytes.len() > 1000);
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(contains(b"xl/worksheets/sheet1.xml"));
        assert!(contains(b"xl/worksheets/sheet2.xml"));
        assert!(!contains(b"xl/worksheets/sheet3.xml"));

        let english = to_xlsx(&[sample_table()], false).expect("xlsx");
        assert!(english.starts_with(b"PK"));
        let none = to_xlsx(&[], true).expect("xlsx without tables");
        assert!(none.starts_with(b"PK"));
        let headerless = Table {
            name: "ohne".into(),
            headers: vec![],
            rows: vec![vec![Cell::Int(1)]],
        };
        assert!(
            to_xlsx(&[headerless], true)
                .expect("xlsx")
                .starts_with(b"PK")
        );
    }

    #[test]
    fn sheet_names_are_sanitised_and_unique() {
        let table = |name: &str| Table {
            name: name.to_string(),
            headers: vec![],
            rows: vec![],
        };
        let tables = vec![
            table("Kosten [2024]: Q1/Q2 *?\\"),
            table("Ein sehr langer Tabellenname für Übersichten 2024"),
            table("Ein sehr langer Tabellenname für Übersichten 2025"),
            table("'Zitat'"),
            table("[]:*?/\\"),
            table("Daten"),
            table("DATEN"),
            table("history"),
            table("😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"),
        ];
        let names = sheet_names(&tables, true);
        assert_eq!(names[0], "Kosten 2024 Q1Q2");
        assert_eq!(names[1], "Ein sehr langer Tabellenname fü");
        assert_eq!(names[2], "Ein sehr langer Tabellennam (2)");
        assert_eq!(names[3], "Zitat");
        assert_eq!(names[4], "Tabelle5");
        assert_eq!(names[5], "Daten");
        assert_eq!(names[6], "DATEN (2)");
        assert_eq!(names[7], "history (2)");
        assert_eq!(names[8].chars().count(), 15, "emoji count twice in UTF-16");
        let mut seen = HashSet::new();
        for name in &names {
            assert!(name.encode_utf16().count() <= 31, "{name}");
            assert!(
                !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
                "{name}"
            );
            assert!(!name.starts_with('\'') && !name.ends_with('\''));
            assert!(seen.insert(name.to_lowercase()), "duplicate {name}");
            assert!(
                rust_xlsxwriter::utility::check_sheet_name(name).is_ok(),
                "{name}"
            );
        }
        assert_eq!(sheet_names(&[table("")], false), vec!["Sheet1"]);
        // And the writer accepts all of them together.
        assert!(to_xlsx(&tables, true).is_ok());
    }

    #[test]
    fn xlsx_writer_errors_become_err() {
        let mut table = sample_table();
        table.rows.push(vec![Cell::Text("x".repeat(40_000))]);
        let error = to_xlsx(&[table], true).expect_err("text too long for Excel");
        assert!(
            error.contains("sheet 'Zahlungen', row 4, column 1"),
            "{error}"
        );
    }
}
