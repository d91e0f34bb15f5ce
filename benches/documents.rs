//! Criterion benchmark of typesetting each document (Typst, PDF/A-2b) from its data, as a
//! coordinator's click or the Jobcenter step does after loading the data:
//! `cargo bench --bench documents`.

use std::hint::black_box;

use bleibe::documents::{self, Input};
use bleibe::services::documents::samples;
use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

fn municipality() -> entities::municipality::Model {
    let at = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    entities::municipality::Model {
        id: 1,
        ags: "08116056".into(),
        name: "Plochingen".into(),
        district: "Esslingen".into(),
        state: "Baden-Württemberg".into(),
        center_lat: 48.71,
        center_lon: 9.42,
        contact_email: Some("wohnen@plochingen.example".into()),
        contact_phone: Some("07153 7005-0".into()),
        active: true,
        created_at: at,
        updated_at: at,
    }
}

fn render(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap_or_default();
    let mut group = c.benchmark_group("documents");
    group.sample_size(20);
    for (kind, data, files) in samples::all(&municipality(), None, today) {
        group.bench_function(kind.as_str(), |b| {
            b.iter(|| {
                let input = Input {
                    data: &data,
                    part: None,
                    files: files.clone(),
                    date: today,
                    ident: "bench".into(),
                };
                documents::render(black_box(kind), &input)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
