//! Every document typesets with sample data through the built-in part, and a part that
//! does not typeset is refused with the place of its error.

use chrono::{NaiveDate, TimeZone, Utc};

use super::samples;
use crate::documents::{self, Input};

fn municipality() -> entities::municipality::Model {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    entities::municipality::Model {
        id: 1,
        ags: "08116019".into(),
        name: "Esslingen am Neckar".into(),
        district: "Esslingen".into(),
        state: "Baden-Württemberg".into(),
        center_lat: 48.74,
        center_lon: 9.31,
        contact_email: Some("wohnen@esslingen.example".into()),
        contact_phone: Some("0711 123456".into()),
        active: true,
        created_at: at,
        updated_at: at,
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn render_all(
    part: Option<&str>,
) -> Vec<(
    documents::DocumentKind,
    Result<Vec<u8>, documents::RenderError>,
)> {
    samples::all(&municipality(), None, today())
        .into_iter()
        .map(|(kind, data, files)| {
            let input = Input {
                data: &data,
                part,
                files,
                date: today(),
                ident: format!("test-{}", kind.as_str()),
            };
            (kind, documents::render(kind, &input))
        })
        .collect()
}

#[test]
fn every_document_typesets_with_the_built_in_part() {
    for (kind, result) in render_all(None) {
        let pdf = result.unwrap_or_else(|e| panic!("{}: {e}", kind.as_str()));
        assert!(pdf.starts_with(b"%PDF-"), "{}", kind.as_str());
        if std::env::var("BLEIBE_KEEP_SAMPLES").is_ok() {
            std::fs::create_dir_all("target/documents").unwrap();
            std::fs::write(
                format!("target/documents/sample-{}.pdf", kind.as_str()),
                &pdf,
            )
            .unwrap();
        }
    }
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let a = render_all(None);
    let b = render_all(None);
    for ((kind, x), (_, y)) in a.into_iter().zip(b) {
        assert_eq!(x.unwrap(), y.unwrap(), "{}", kind.as_str());
    }
}

#[test]
fn a_broken_part_is_refused_with_its_line() {
    let broken =
        "#let letterhead(m) = [#m.name]\n#let clauses(kind) = ()\n#let footer(m) = [#m.nam]\n";
    let (_, result) = render_all(Some(broken)).into_iter().next().unwrap();
    let e = result.unwrap_err();
    assert_eq!(e.file, "municipality.typ");
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("nam"), "{e}");
    let missing = "#let letterhead(m) = [#m.name]\n";
    let (_, result) = render_all(Some(missing)).into_iter().next().unwrap();
    let e = result.unwrap_err();
    assert!(e.message.contains("clauses"), "{e}");
}
