//! `bleibe simulate`: the policy lab on a stream file or a generated stream; writes
//! `result.json` and `report.html` and prints the table.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use crate::domain::Locale;
use crate::engine::lab::{self, Policy};
use crate::services::lab::{self as service, LabResult, Source, report};
use crate::sim::stream::{StreamOptions, generate_stream};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["stream", "generate"])))]
pub struct SimulateArgs {
    /// A stream file (docs/simulation.md; `bleibe scenario export --history` writes one).
    #[arg(long, value_name = "FILE")]
    pub stream: Option<PathBuf>,
    /// Generate a stream of this many months (1 to 36) in the demo's five towns (drawn
    /// from --seed too).
    #[arg(long, value_name = "N_MONTHS", value_parser = clap::value_parser!(u32).range(1..=36))]
    pub generate: Option<u32>,
    /// With --generate: households joining per year (the backlog at the start included).
    #[arg(long, default_value_t = 1000, requires = "generate", value_parser = clap::value_parser!(u64).range(1..=20_000))]
    pub households_per_year: u64,
    /// With --generate: flats offered per year.
    #[arg(long, default_value_t = 400, requires = "generate", value_parser = clap::value_parser!(u64).range(1..=20_000))]
    pub flats_per_year: u64,
    /// Policies, comma-separated: greedy, batch:day|week|fortnight|month|<N>d,
    /// batch-threshold[:<flats>:<days>], hindsight, or all.
    #[arg(long, default_value = "all", value_name = "P[,P...]")]
    pub policy: String,
    /// Runs per policy, each with other answers (1 to 20).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=20))]
    pub seeds: u64,
    /// The first seed: the runs' answers use it and the ones after it; with --generate it
    /// also draws the stream.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder for result.json and report.html.
    #[arg(long, default_value = "simulation")]
    pub out: PathBuf,
    /// Language of the report.
    #[arg(long, default_value = "de", value_parser = ["de", "en"])]
    pub lang: String,
}

/// Runs the comparison and writes the files.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    let policies = Policy::parse_list(&args.policy).map_err(anyhow::Error::msg)?;
    let locale = if args.lang == "en" {
        Locale::En
    } else {
        Locale::De
    };
    let (stream, source) = match (&args.stream, args.generate) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let stream =
                lab::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (stream, Source::File { name })
        }
        (None, Some(months)) => (
            generate_stream(&StreamOptions {
                households_per_year: args.households_per_year as usize,
                flats_per_year: args.flats_per_year as usize,
                ..StreamOptions::demo(months, args.seed)
            })
            .map_err(anyhow::Error::msg)?,
            Source::Generated {
                months,
                seed: args.seed,
            },
        ),
        (None, None) => anyhow::bail!("give --stream FILE or --generate N_MONTHS"),
    };
    let tty = std::io::stderr().is_terminal();
    let progress = |done: usize, total: usize| {
        if tty {
            eprint!("\rbleibe: {done} of {total} runs");
            if done == total {
                eprintln!();
            }
        }
    };
    let result = service::compare(
        &stream,
        source,
        &policies,
        args.seed,
        args.seeds as usize,
        &progress,
    )
    .map_err(|e| anyhow::anyhow!("stream: {e}"))?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.out.display()))?;
    let json = args.out.join("result.json");
    std::fs::write(&json, serde_json::to_string_pretty(&result)?)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", json.display()))?;
    let html = args.out.join("report.html");
    std::fs::write(&html, report::html(&result, locale)?)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", html.display()))?;
    print_table(&result, locale)?;
    println!("{}\n{}", json.display(), html.display());
    Ok(())
}

/// The summary table on standard output.
fn print_table(result: &LabResult, locale: Locale) -> anyhow::Result<()> {
    let view = report::view(result, locale);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} households, {} flats, {} – {}, {} seed(s), {:.1} s",
        result.facts.households,
        result.facts.flats,
        result.facts.start,
        result.facts.end,
        result.comparison.seeds.len(),
        result.elapsed_ms as f64 / 1000.0
    )?;
    let mut lines = vec![{
        let mut header = vec![view_label(locale)];
        header.extend(view.headers.iter().cloned());
        header
    }];
    for row in &view.rows {
        let mut line = vec![row.name.clone()];
        line.extend(row.cells.iter().map(|(mean, range)| {
            if range.is_empty() {
                mean.clone()
            } else {
                format!("{mean} {range}")
            }
        }));
        lines.push(line);
    }
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            lines
                .iter()
                .filter_map(|l| l.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(text, w)| format!("{text:<w$}"))
            .collect();
        writeln!(out, "{}", cells.join(" | ").trim_end())?;
    }
    Ok(())
}

fn view_label(locale: Locale) -> String {
    crate::i18n::Texts::new(locale)
        .get("lab.col.policy")
        .to_owned()
}
