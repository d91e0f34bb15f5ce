//! In-process metrics, written out in Prometheus' text format at `GET /metrics`: HTTP
//! requests and latencies by route, job runs by outcome, match-run durations. Counts are
//! per process; Prometheus sums over instances. The outbox gauges are read from the
//! database at each scrape, so every instance reports the same (shared) values.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};

/// Upper bounds of the latency buckets, in seconds.
const HTTP_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Upper bounds of the match-run buckets, in seconds.
const RUN_BUCKETS: [f64; 8] = [0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0];

#[derive(Debug, Clone, Default)]
struct Histogram {
    buckets: Vec<u64>,
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], value: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; bounds.len()];
        }
        for (slot, bound) in self.buckets.iter_mut().zip(bounds) {
            if value <= *bound {
                *slot += 1;
            }
        }
        self.count += 1;
        self.sum += value;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str, bounds: &[f64]) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, n) in bounds.iter().zip(&self.buckets) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Registry {
    /// (method, route, status) → count.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency.
    latency: BTreeMap<(String, String), Histogram>,
    /// (job, outcome) → count.
    jobs: BTreeMap<(String, String), u64>,
    match_runs: Histogram,
}

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Records one HTTP request. `route` is the matched pattern (`/units/{id}`), never the
/// raw path, so ids do not multiply the series.
pub fn http_request(method: &str, route: &str, status: u16, seconds: f64) {
    let mut r = registry();
    *r.requests
        .entry((method.to_owned(), route.to_owned(), status))
        .or_default() += 1;
    r.latency
        .entry((method.to_owned(), route.to_owned()))
        .or_default()
        .observe(&HTTP_BUCKETS, seconds);
}

/// Records a job run's outcome (`succeeded`, `failed`, `busy`, `already_ran`).
pub fn job_run(job: &str, outcome: &str) {
    *registry()
        .jobs
        .entry((job.to_owned(), outcome.to_owned()))
        .or_default() += 1;
}

/// Records how long a match run took.
pub fn match_run(seconds: f64) {
    registry().match_runs.observe(&RUN_BUCKETS, seconds);
}

/// Escapes a label value.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The process's metrics plus the given gauges (name, help, value), as Prometheus text.
pub fn render(gauges: &[(&str, &str, f64)]) -> String {
    let r = registry();
    let mut out = String::new();
    out.push_str("# HELP http_requests_total HTTP requests by method, route and status.\n");
    out.push_str("# TYPE http_requests_total counter\n");
    for ((method, route, status), n) in &r.requests {
        let _ = writeln!(
            out,
            "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
            label(method),
            label(route)
        );
    }
    out.push_str("# HELP http_request_duration_seconds Time to answer HTTP requests.\n");
    out.push_str("# TYPE http_request_duration_seconds histogram\n");
    for ((method, route), h) in &r.latency {
        let labels = format!("method=\"{}\",route=\"{}\"", label(method), label(route));
        h.write(
            &mut out,
            "http_request_duration_seconds",
            &labels,
            &HTTP_BUCKETS,
        );
    }
    out.push_str("# HELP bleibe_job_runs_total Scheduled job runs by job and outcome.\n");
    out.push_str("# TYPE bleibe_job_runs_total counter\n");
    for ((job, outcome), n) in &r.jobs {
        let _ = writeln!(
            out,
            "bleibe_job_runs_total{{job=\"{}\",outcome=\"{}\"}} {n}",
            label(job),
            label(outcome)
        );
    }
    out.push_str("# HELP bleibe_match_run_duration_seconds Time of match runs.\n");
    out.push_str("# TYPE bleibe_match_run_duration_seconds histogram\n");
    let mut runs = r.match_runs.clone();
    if runs.buckets.is_empty() {
        runs.buckets = vec![0; RUN_BUCKETS.len()];
    }
    runs.write(
        &mut out,
        "bleibe_match_run_duration_seconds",
        "",
        &RUN_BUCKETS,
    );
    for (name, help, value) in gauges {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_count_into_every_bucket_at_or_above_the_value() {
        let mut h = Histogram::default();
        h.observe(&[0.1, 1.0, 10.0], 0.5);
        h.observe(&[0.1, 1.0, 10.0], 0.05);
        assert_eq!(h.buckets, [1, 2, 2]);
        assert_eq!(h.count, 2);
        let mut out = String::new();
        h.write(&mut out, "x", "a=\"b\"", &[0.1, 1.0, 10.0]);
        assert!(out.contains("x_bucket{a=\"b\",le=\"+Inf\"} 2"), "{out}");
        assert!(out.contains("x_count{a=\"b\"} 2"), "{out}");
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
