//! PDF documents, typeset by Typst used as a library (`typst` + `typst-pdf`): the rent
//! certificate for the Jobcenter, the incentive agreements, the household's proposal letter
//! and the yearly report. A document is a built-in template (`templates/<kind>.typ`) fed
//! with its data as `data.json`; the municipality's part (`municipality.typ`: letterhead,
//! extra clauses, logo) is the built-in one or one an admin uploaded. Output is PDF/A-2b
//! with the shipped fonts embedded as subsets; the same data and template give the same
//! bytes. No external program, no network.

use chrono::{Datelike, NaiveDate};
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

mod world;

use world::DocumentWorld;

pub use crate::domain::document::DocumentKind;

/// The built-in template's Typst source of `kind`.
fn template(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::RentCertificate => include_str!("templates/rent-certificate.typ"),
        DocumentKind::RentGuarantee
        | DocumentKind::OccupancyAgreement
        | DocumentKind::HeadLease => {
            include_str!("templates/agreement.typ")
        }
        DocumentKind::ProposalLetter => include_str!("templates/proposal-letter.typ"),
        DocumentKind::YearlyReport => include_str!("templates/yearly-report.typ"),
    }
}

/// The built-in municipality part: letterhead, no extra clauses, no logo.
pub const BUILT_IN_PART: &str = include_str!("templates/municipality.typ");
/// Shared layout every template imports.
const STYLE: &str = include_str!("templates/style.typ");

/// What a document is made from besides its kind.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    /// The data the template reads as `data.json`.
    pub data: &'a serde_json::Value,
    /// The municipality's part (Typst), or `None` for the built-in one.
    pub part: Option<&'a str>,
    /// Further files the data names (photos, QR codes, the logo): absolute path, bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// The document's date (its metadata and `datetime.today()`).
    pub date: NaiveDate,
    /// A stable identifier (e.g. `rent-certificate-17`), hashed into the PDF's id.
    pub ident: String,
}

/// Why a document could not be made: where in which file, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct RenderError {
    /// `municipality.typ` for the municipality's part, else the template's name.
    pub file: String,
    /// 1-based; 0 when the problem has no place in a file.
    pub line: usize,
    pub message: String,
}

/// Typesets `kind` from `input` and returns the PDF.
pub fn render(kind: DocumentKind, input: &Input<'_>) -> Result<Vec<u8>, RenderError> {
    typeset(kind.as_str(), template(kind), input)
}

/// Typesets a municipality's flyer (A4) or poster (A3, `data.size` = `"a3"`) for winning
/// landlords; it does not use the municipality's part.
pub fn flyer(input: &Input<'_>) -> Result<Vec<u8>, RenderError> {
    typeset("flyer", include_str!("templates/flyer.typ"), input)
}

/// Typesets the template `source` (named `name` in errors) from `input`.
fn typeset(name: &str, source: &str, input: &Input<'_>) -> Result<Vec<u8>, RenderError> {
    let data = serde_json::to_string(input.data).map_err(|e| RenderError {
        file: "data.json".into(),
        line: 0,
        message: e.to_string(),
    })?;
    let mut files = input.files.clone();
    files.push(("/data.json".into(), data.into_bytes()));
    let today = datetime(input.date)?;
    let world = DocumentWorld::new(
        vec![
            ("/main.typ", source.to_owned()),
            ("/style.typ", STYLE.to_owned()),
            (
                "/municipality.typ",
                input.part.unwrap_or(BUILT_IN_PART).to_owned(),
            ),
        ],
        files,
        today,
    )
    .ok_or_else(|| RenderError {
        file: "main.typ".into(),
        line: 0,
        message: "invalid file name".into(),
    })?;
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| first_error(&world, name, &errors[..]))?;
    let options = PdfOptions {
        ident: Smart::Custom(input.ident.clone()),
        creator: Smart::Custom(Some("Bleibe".into())),
        timestamp: Some(Timestamp::new_utc(today)),
        standards: PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| RenderError {
            file: "main.typ".into(),
            line: 0,
            message: e.message().to_string(),
        })?,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| first_error(&world, name, &errors[..]));
    // Typst memoizes what it computed; results unused for the last ten documents are
    // dropped, so a long-running server keeps what documents share (library, fonts,
    // layout of fixed text) and its memory stays bounded.
    typst::comemo::evict(10);
    pdf
}

fn datetime(date: NaiveDate) -> Result<Datetime, RenderError> {
    Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8).ok_or_else(|| {
        RenderError {
            file: "data.json".into(),
            line: 0,
            message: format!("date out of range: {date}"),
        }
    })
}

/// The first error, placed at its file and line.
fn first_error(world: &DocumentWorld, kind: &str, errors: &[SourceDiagnostic]) -> RenderError {
    let Some(error) = errors
        .iter()
        .find(|e| e.severity == Severity::Error)
        .or(errors.first())
    else {
        return RenderError {
            file: format!("{kind}.typ"),
            line: 0,
            message: "unknown error".into(),
        };
    };
    let mut message = error.message.to_string();
    for hint in &error.hints {
        message.push_str("; ");
        message.push_str(&hint.v);
    }
    let place = error.span.id().and_then(|id| {
        let source = world.source_of(id)?;
        let range = typst::WorldExt::range(world, error.span)?;
        let line = source.lines().byte_to_line(range.start)? + 1;
        let name = id.get().vpath().get_without_slash().to_owned();
        let snippet = source
            .text()
            .get(range)
            .unwrap_or_default()
            .trim()
            .to_owned();
        Some((name, line, snippet))
    });
    let (file, line) = match place {
        // The shared layout imports the municipality's part: a name it does not define is
        // the part's fault, not the layout's.
        Some((name, _, snippet)) if name == "style.typ" && message == "unresolved import" => {
            message = format!(
                "municipality.typ defines no `{snippet}` (letterhead, clauses and footer are needed)"
            );
            ("municipality.typ".to_owned(), 0)
        }
        Some((name, line, _)) if name == "main.typ" => (format!("{kind}.typ"), line),
        Some((name, line, _)) => (name, line),
        None => (format!("{kind}.typ"), 0),
    };
    RenderError {
        file,
        line,
        message,
    }
}

/// A QR code of `text` as SVG, for a template to place with `image`.
pub fn qr_svg(text: &str) -> Option<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .quiet_zone(true)
            .min_dimensions(200, 200)
            .build()
            .into_bytes(),
    )
}
