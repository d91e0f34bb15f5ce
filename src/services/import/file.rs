//! Reading a CSV file: its encoding (UTF-8 or Windows-1252), its separator, and its rows
//! with the line each came from, or every problem of the file at once.

use super::*;

/// Text in a file: UTF-8 (with or without BOM) or, as spreadsheet programs on Windows write
/// it, Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    }
}

pub(super) fn windows_1252(b: u8) -> char {
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
pub(super) fn separator(text: &str) -> u8 {
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

/// A parsed row: its line, the cells by column, and the form fields made from them.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) cells: BTreeMap<String, String>,
}

pub(super) fn cut(value: &str) -> String {
    value.chars().take(100).collect()
}

/// The line (from 1) of a byte offset in `text`.
pub(super) fn line_of(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = (byte as usize).min(bytes.len());
    // The reader reports a record after blank lines at the start of those lines.
    while end < bytes.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') {
        end += 1;
    }
    bytes[..end].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// A problem of the file rather than of a cell's value.
fn file_problem(line: u64, column: Option<&str>, key: &str) -> Problem {
    Problem {
        line,
        column: column.map(str::to_owned),
        key: key.into(),
        value: None,
    }
}

/// The problems of a header line: unknown and repeated columns, or no column at all.
fn header_problems(headers: &[String], known: &dyn Fn(&str) -> bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for h in headers.iter().filter(|h| !h.is_empty()) {
        if !known(h) {
            problems.push(file_problem(1, Some(h), "import.unknown_column"));
        } else if !seen.insert(h.clone()) {
            problems.push(file_problem(1, Some(h), "import.repeated_column"));
        }
    }
    if headers.iter().all(|h| h.is_empty()) {
        problems.push(file_problem(1, None, "import.no_header"));
    }
    problems
}

/// Reads a CSV file into rows; file-level problems (unknown columns, unreadable CSV) come
/// back as problems of line 0 or of the line that could not be read.
pub(super) fn read_rows(
    text: &str,
    known: &dyn Fn(&str) -> bool,
) -> Result<(Vec<Row>, u64), Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => return Err(vec![file_problem(1, None, "import.unreadable")]),
    };
    let problems = header_problems(&headers, known);
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
                return Err(vec![file_problem(line, None, "import.unreadable")]);
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
            return Err(vec![file_problem(line, None, "import.too_many_cells")]);
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
