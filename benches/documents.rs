//! Criterion benchmark of typesetting each document (Typst, PDF/A-2b) from its data, as a
//! coordinator's click or the Jobcenter step does after loading the data:
//! `cargo bench --bench documents`. Two cases per document: `cold` empties Typst's
//! memoization cache first (the first document after a start); `served` gives each
//! document new data, as the service does, with what documents share still cached.

use std::hint::black_box;

use bleibe::documents::{self, Input};
use bleibe::services::documents::samples;
use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

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
        let input = |data: serde_json::Value| (data, files.clone());
        group.bench_function(format!("{}/cold", kind.as_str()), |b| {
            b.iter_batched(
                || {
                    typst::comemo::evict(0);
                    input(data.clone())
                },
                |(data, files)| {
                    let input = Input {
                        data: &data,
                        part: None,
                        files,
                        date: today,
                        ident: "bench".into(),
                    };
                    documents::render(black_box(kind), &input)
                },
                BatchSize::PerIteration,
            )
        });
        let mut n = 0u64;
        group.bench_function(format!("{}/served", kind.as_str()), |b| {
            b.iter_batched(
                || {
                    // New data each time: another municipality name in the letterhead.
                    n += 1;
                    let mut data = data.clone();
                    data["municipality"]["name"] = serde_json::json!(format!("Plochingen {n}"));
                    input(data)
                },
                |(data, files)| {
                    let input = Input {
                        data: &data,
                        part: None,
                        files,
                        date: today,
                        ident: "bench".into(),
                    };
                    documents::render(black_box(kind), &input)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
