//! Criterion benchmark of the policy lab: a generated year in the demo's five towns
//! (1,000 households, 400 flats), every policy under 5 seeds. `cargo bench --bench lab`;
//! `bleibe simulate --generate 12 --seeds 5` prints the same run's time.

use std::hint::black_box;

use bleibe::engine::lab::{self, Lab, Policy};
use bleibe::sim::stream::{StreamOptions, generate_stream};
use criterion::{Criterion, criterion_group, criterion_main};

fn lab_benchmarks(c: &mut Criterion) {
    let Ok(stream) = generate_stream(&StreamOptions::demo(12, 1)) else {
        return;
    };
    let Ok(prepared) = Lab::new(&stream) else {
        return;
    };
    let mut group = c.benchmark_group("policy lab, a year, 1000 households x 400 flats");
    group.sample_size(10);
    group.bench_function("pairs and scores (Lab::new)", |b| {
        b.iter(|| Lab::new(black_box(&stream)).is_ok())
    });
    group.bench_function("all 7 policies x 5 seeds", |b| {
        b.iter(|| lab::compare(&prepared, &Policy::ALL, &lab::seeds(1, 5), &|_, _| {}))
    });
    group.bench_function("batch:week, one seed", |b| {
        b.iter(|| lab::simulate(&prepared, Policy::Batch { every_days: 7 }, black_box(1)))
    });
    group.finish();
}

criterion_group!(benches, lab_benchmarks);
criterion_main!(benches);
