//! `bleibe match`: run the engine on a scenario file, or on the service's data.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use crate::config::LoadedSettings;
use crate::engine::{self, Options};
use crate::services::Actor;
use crate::services::matching::{self, Scope, Trigger};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["scenario", "run"]))]
pub struct MatchArgs {
    /// Scenario file (JSON, see docs/scenario-format.md); `-` reads standard input.
    /// Prints one JSON result to standard output.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Also list the score of every eligible pair.
    #[arg(long)]
    all_scores: bool,
    /// Also list every ineligible pair with all the rules it breaks.
    #[arg(long)]
    explain_ineligible: bool,
    /// How many alternative households to list per unit.
    #[arg(long, value_name = "N", default_value_t = 5)]
    top_k: usize,
    /// Run matching on the service's database and store the suggestions for review.
    #[arg(long)]
    run: bool,
    /// With --run: only this municipality (database id, official key AGS or name).
    #[arg(long, value_name = "ID", requires = "run")]
    municipality: Option<String>,
}

impl MatchArgs {
    /// Whether the command works on a file and needs no settings.
    pub fn is_offline(&self) -> bool {
        self.scenario.is_some()
    }

    /// With --run: the municipality filter.
    pub fn municipality(&self) -> Option<&str> {
        self.municipality.as_deref()
    }

    /// The engine options.
    pub fn options(&self) -> Options {
        Options {
            top_k: self.top_k,
            all_scores: self.all_scores,
            explain_ineligible: self.explain_ineligible,
        }
    }
}

/// Runs the engine on a scenario file and prints the result. Malformed input: exit code 2
/// and one line on standard error, nothing on standard output.
pub fn run_scenario(args: &MatchArgs) -> ExitCode {
    let Some(path) = &args.scenario else {
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let name = path.display().to_string();
    let mut text = String::new();
    let read = if name == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    if let Err(e) = read {
        eprintln!("bleibe: cannot read {name}: {e}");
        return ExitCode::from(2);
    }
    let scenario = match engine::scenario::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bleibe: {name}: {e}");
            return ExitCode::from(2);
        }
    };
    drop(text);
    let mut result = match engine::run(&scenario, &args.options()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bleibe: {name}: {e}");
            return ExitCode::from(2);
        }
    };
    result.stats.elapsed_ms = started.elapsed().as_millis() as u64;
    let stdout = std::io::stdout().lock();
    let mut writer = std::io::BufWriter::new(stdout);
    if let Err(e) = serde_json::to_writer_pretty(&mut writer, &result)
        .map_err(std::io::Error::other)
        .and_then(|()| std::io::Write::write_all(&mut writer, b"\n"))
        .and_then(|()| std::io::Write::flush(&mut writer))
    {
        eprintln!("bleibe: cannot write the result: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// `bleibe match --run [--municipality ID]`: matches the service's data and stores the
/// suggestions for the coordinators to review.
pub async fn run_live(loaded: LoadedSettings, args: MatchArgs) -> anyhow::Result<()> {
    let app = super::open_app(loaded).await?;
    let scope = match args.municipality() {
        None => Scope::All,
        Some(key) => Scope::Municipality(matching::find_municipality(&app, key).await?.id),
    };
    let summary = matching::run(&app, &Actor::System, scope, Trigger::Cli).await?;
    println!(
        "Match run #{}: {} households, {} units, {} eligible pairs, {} proposals suggested (total score {:.3}) in {} ms.",
        summary.run_id,
        summary.households,
        summary.units,
        summary.eligible_pairs,
        summary.assigned,
        summary.total_score,
        summary.elapsed_ms
    );
    if summary.superseded > 0 {
        println!(
            "{} earlier suggestions were replaced by this run.",
            summary.superseded
        );
    }
    if summary.frozen_units + summary.frozen_households > 0 {
        println!(
            "{} units and {} households are held by open proposals and were left out.",
            summary.frozen_units, summary.frozen_households
        );
    }
    if summary.held_for_review > 0 {
        println!(
            "{} units may be duplicates (review flags from an import) and were left out until a coordinator decides.",
            summary.held_for_review
        );
    }
    Ok(())
}
