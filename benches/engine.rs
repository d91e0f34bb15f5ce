//! Criterion benchmarks of the matching engine's phases on generated scenarios.
//! `cargo bench --bench engine`; `bleibe bench` prints the whole-run table with memory
//! and the scipy comparison.

use std::hint::black_box;

use bleibe::engine::{self, Options, model, pairs};
use bleibe::sim::{GenerateOptions, generate};
use criterion::{Criterion, criterion_group, criterion_main};

fn scenario(households: usize, units: usize, dense: bool) -> engine::Scenario {
    generate(GenerateOptions {
        households,
        units,
        seed: 1,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
        dense,
    })
}

fn phases(c: &mut Criterion, label: &str, households: usize, units: usize, dense: bool) {
    let scenario = scenario(households, units, dense);
    let json = serde_json::to_string(&scenario).unwrap_or_default();
    let prepared = model::prepare(&scenario);
    let graph = pairs::build(&prepared);
    let matching = engine::assign::max_weight_matching(&graph.graph);
    let mut group = c.benchmark_group(label);
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| engine::scenario::parse(black_box(&json)))
    });
    group.bench_function("pairs and scores", |b| {
        b.iter(|| pairs::build(black_box(&prepared)))
    });
    group.bench_function("assignment", |b| {
        b.iter(|| engine::assign::max_weight_matching(black_box(&graph.graph)))
    });
    group.bench_function("alternatives", |b| {
        b.iter(|| engine::alternatives(&prepared, &graph, &matching, 5))
    });
    group.bench_function("whole run", |b| {
        b.iter(|| {
            let s = engine::scenario::parse(black_box(&json))
                .map(|s| engine::run(&s, &Options::default()));
            black_box(s.is_ok())
        })
    });
    group.finish();
}

fn engine_benchmarks(c: &mut Criterion) {
    phases(c, "2000x500", 2_000, 500, false);
    phases(c, "20000x5000", 20_000, 5_000, false);
    phases(c, "2000x500 dense", 2_000, 500, true);
}

criterion_group!(benches, engine_benchmarks);
criterion_main!(benches);
