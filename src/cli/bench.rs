//! `bleibe bench`: times the matching engine on generated scenarios, phase by phase, with
//! the peak memory of each run, and (with --scipy) compares the assignment with scipy's
//! solvers on the same eligible-score graph.
//!
//! Each size runs in a child process (`bleibe bench --child FILE`), so the peak memory
//! reported is that run's own: parse, pair generation, scoring, assignment, alternatives
//! and explanations, the whole of `bleibe match`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::Args;
use serde::{Deserialize, Serialize};

use crate::engine::{self, Options, model, pairs};
use crate::sim::{self, GenerateOptions};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Sizes as HOUSEHOLDSxUNITS, comma-separated; a trailing `d` makes a dense case in
    /// which every household fits every unit.
    #[arg(long, default_value = "2000x500,20000x5000,200000x50000,2000x500d")]
    sizes: String,
    /// Seed of the generated scenarios.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Timed runs per size; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Also solve each eligible-score graph with scipy (needs python3 with numpy and scipy;
    /// `benches/run.sh` sets that up) and compare times and totals.
    #[arg(long)]
    scipy: bool,
    /// Folder for the generated scenarios and exported graphs.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Internal: measure one scenario file and print one JSON line.
    #[arg(long, hide = true)]
    child: Option<PathBuf>,
    /// Internal: with --child, also export the graph to this BLBG file.
    #[arg(long, hide = true)]
    export_graph: Option<PathBuf>,
}

/// What one child measured (medians in milliseconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Measurement {
    households: usize,
    units: usize,
    pairs_checked: u64,
    eligible_pairs: u64,
    assigned: usize,
    total_micro: i64,
    parse_ms: f64,
    prepare_ms: f64,
    pairs_ms: f64,
    assign_ms: f64,
    alternatives_ms: f64,
    result_ms: f64,
    total_ms: f64,
    peak_rss_mb: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// The process's peak resident memory (VmHWM) in MiB, on Linux.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Writes a graph in the BLBG v1 format `benches/assignment_vs_scipy.py` reads.
fn export_blbg(path: &Path, graph: &engine::assign::SparseGraph) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut w = std::io::BufWriter::new(file);
    w.write_all(b"BLBG")?;
    w.write_all(&1u32.to_le_bytes())?;
    w.write_all(&(graph.n_rows as u32).to_le_bytes())?;
    w.write_all(&(graph.n_cols as u32).to_le_bytes())?;
    w.write_all(&(graph.cols.len() as u64).to_le_bytes())?;
    for r in 0..graph.n_rows {
        for _ in graph.row_start[r]..graph.row_start[r + 1] {
            w.write_all(&(r as u32).to_le_bytes())?;
        }
    }
    for c in &graph.cols {
        w.write_all(&c.to_le_bytes())?;
    }
    for weight in &graph.weights {
        w.write_all(&weight.to_le_bytes())?;
    }
    w.flush()?;
    Ok(())
}

fn run_child(file: &Path, runs: usize, export: Option<&Path>) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)?;
    let options = Options::default();
    let mut samples: Vec<[f64; 7]> = Vec::new();
    let mut last = None;
    for run in 0..runs.max(1) {
        let start = Instant::now();
        let t = Instant::now();
        let scenario = engine::scenario::parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
        let parse = ms(t);
        let t = Instant::now();
        let prepared = model::prepare(&scenario);
        drop(scenario);
        let prepare = ms(t);
        let t = Instant::now();
        let graph = pairs::build(&prepared);
        let pairs = ms(t);
        let t = Instant::now();
        let matching = engine::assign::max_weight_matching(&graph.graph);
        let assign = ms(t);
        let t = Instant::now();
        let alternatives = engine::alternatives(&prepared, &graph, &matching, options.top_k);
        let alternatives_ms = ms(t);
        let t = Instant::now();
        let result = engine::result(&prepared, &graph, &matching, &alternatives, &options);
        let result_ms = ms(t);
        samples.push([
            parse,
            prepare,
            pairs,
            assign,
            alternatives_ms,
            result_ms,
            ms(start),
        ]);
        if run == 0
            && let Some(path) = export
        {
            export_blbg(path, &graph.graph)?;
        }
        last = Some((result, graph.pairs_checked));
    }
    let (result, pairs_checked) = last.ok_or_else(|| anyhow::anyhow!("no run"))?;
    let column = |i: usize| median(samples.iter().map(|s| s[i]).collect());
    let m = Measurement {
        households: result.stats.households,
        units: result.stats.units,
        pairs_checked,
        eligible_pairs: result.stats.eligible_pairs,
        assigned: result.assignments.len(),
        total_micro: (result.total_score * engine::scoring::SCORE_SCALE).round() as i64,
        parse_ms: column(0),
        prepare_ms: column(1),
        pairs_ms: column(2),
        assign_ms: column(3),
        alternatives_ms: column(4),
        result_ms: column(5),
        total_ms: column(6),
        peak_rss_mb: peak_rss_mb(),
    };
    println!("{}", serde_json::to_string(&m)?);
    Ok(())
}

struct Size {
    households: usize,
    units: usize,
    dense: bool,
}

fn parse_sizes(text: &str) -> anyhow::Result<Vec<Size>> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let (body, dense) = match part.strip_suffix('d') {
                Some(body) => (body, true),
                None => (part, false),
            };
            let (h, u) = body
                .split_once('x')
                .ok_or_else(|| anyhow::anyhow!("a size is HOUSEHOLDSxUNITS, not \"{part}\""))?;
            Ok(Size {
                households: h
                    .parse()
                    .map_err(|_| anyhow::anyhow!("bad household count in \"{part}\""))?,
                units: u
                    .parse()
                    .map_err(|_| anyhow::anyhow!("bad unit count in \"{part}\""))?,
                dense,
            })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct ScipyFigures {
    seconds: std::collections::BTreeMap<String, f64>,
    ok: bool,
}

fn run_scipy(graph: &Path, expect: i64) -> Result<ScipyFigures, String> {
    let script = [
        "benches/assignment_vs_scipy.py",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/assignment_vs_scipy.py"
        ),
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
    .ok_or("benches/assignment_vs_scipy.py not found")?;
    let python = std::env::var("BLEIBE_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let output = Command::new(&python)
        .arg(&script)
        .arg(graph)
        .args([
            "--expect",
            &expect.to_string(),
            "--orient",
            "smaller-rows",
            "--runs",
            "3",
            "--json",
        ])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| {
            format!(
                "scipy comparison failed: {}",
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            )
        })?;
    serde_json::from_str(line).map_err(|e| format!("unreadable scipy output: {e}"))
}

/// `bleibe bench`.
/// One size measured in a child process (its own peak memory): the scenario generated
/// and written to `out`, the child run on it, its figures read back.
fn measure(
    args: &BenchArgs,
    exe: &Path,
    size: &Size,
    label: &str,
    graph_file: &Path,
) -> anyhow::Result<Measurement> {
    let scenario = sim::generate(GenerateOptions {
        households: size.households,
        units: size.units,
        seed: args.seed,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
        dense: size.dense,
    });
    let file = args.out.join(format!("scenario-{label}.json"));
    super::scenario::write_json(&scenario, Some(&file))?;
    drop(scenario);
    let mut child = Command::new(exe);
    child
        .arg("bench")
        .arg("--child")
        .arg(&file)
        .args(["--runs", &args.runs.to_string()]);
    if args.scipy {
        child.arg("--export-graph").arg(graph_file);
    }
    let output = child.output()?;
    if !output.status.success() {
        anyhow::bail!(
            "benchmark of {label} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_str(
        String::from_utf8_lossy(&output.stdout).trim(),
    )?)
}

/// The scipy column: its sparse and dense times, whether the totals agree, and how many
/// times faster our assignment was.
fn scipy_column(f: &ScipyFigures, m: &Measurement) -> String {
    let s = |k: &str| {
        f.seconds
            .get(k)
            .map_or("-".to_owned(), |v| format!("{v:.3}"))
    };
    let check = if f.ok {
        "totals equal"
    } else {
        "TOTALS DIFFER"
    };
    let speedup = f.seconds.get("sparse").map_or(String::new(), |v| {
        format!(
            ", sparse ÷ ours = {:.1}×",
            v * 1000.0 / m.assign_ms.max(1e-3)
        )
    });
    format!("{} / {} ({check}{speedup})", s("sparse"), s("dense"))
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    if let Some(file) = &args.child {
        return run_child(file, args.runs, args.export_graph.as_deref());
    }
    std::fs::create_dir_all(&args.out)?;
    let exe = std::env::current_exe()?;
    println!(
        "Bleibe matching benchmark: seed {}, median of {} run(s), {} thread(s)",
        args.seed,
        args.runs,
        rayon::current_num_threads()
    );
    println!(
        "{:>15} {:>11} {:>11} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8}  scipy (sparse / dense, s)",
        "households×units",
        "checked",
        "eligible",
        "parse",
        "pairs",
        "assign",
        "altern.",
        "explain",
        "total",
        "peak MiB",
        "assigned"
    );
    let mut mismatches = Vec::new();
    for size in parse_sizes(&args.sizes)? {
        let label = format!(
            "{}x{}{}",
            size.households,
            size.units,
            if size.dense { "d" } else { "" }
        );
        let graph_file = args.out.join(format!("graph-{label}.blbg"));
        let m = measure(args, &exe, &size, &label, &graph_file)?;
        let scipy = if args.scipy {
            match run_scipy(&graph_file, m.total_micro) {
                Ok(f) => {
                    if !f.ok {
                        mismatches.push(label.clone());
                    }
                    scipy_column(&f, &m)
                }
                Err(e) => {
                    mismatches.push(format!("{label} ({e})"));
                    e
                }
            }
        } else {
            "-".to_owned()
        };
        println!(
            "{:>16} {:>11} {:>11} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>9.0} {:>8}  {}",
            label,
            m.pairs_checked,
            m.eligible_pairs,
            m.parse_ms,
            m.pairs_ms,
            m.assign_ms,
            m.alternatives_ms,
            m.result_ms,
            m.total_ms,
            m.peak_rss_mb,
            m.assigned,
            scipy
        );
    }
    println!(
        "Times in milliseconds. \"pairs\" = candidate generation, hard rules and scoring; \"explain\" = sentences for every proposal."
    );
    if !mismatches.is_empty() {
        anyhow::bail!("the scipy comparison failed for: {}", mismatches.join(", "));
    }
    Ok(())
}
