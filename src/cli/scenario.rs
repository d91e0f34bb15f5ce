//! `bleibe scenario generate|export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::config::LoadedSettings;
use crate::services::matching::{self, Scope};
use crate::sim::{self, GenerateOptions};

#[derive(Debug, Args)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    pub command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Write a realistic synthetic scenario for Baden-Württemberg (real municipality centres).
    Generate(GenerateArgs),
    /// Write the service's live data for one municipality (or all) as a scenario.
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of households.
    #[arg(long)]
    pub households: usize,
    /// Number of units (flats).
    #[arg(long)]
    pub units: usize,
    /// Seed: the same seed gives the same scenario.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The scenario's "as of" date (YYYY-MM-DD).
    #[arg(long, default_value = "2026-11-21")]
    pub as_of: NaiveDate,
    /// Every household fits every unit (a dense case for benchmarks).
    #[arg(long)]
    pub dense: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Municipality: database id, official key (AGS) or name; `all` for every municipality.
    #[arg(long)]
    pub municipality: String,
    /// Write the stream of the last months instead (flats, households, how proposals were
    /// answered) for `bleibe simulate --stream`.
    #[arg(long)]
    pub history: bool,
    /// With --history: how many months back (1 to 36).
    #[arg(long, default_value_t = 12, requires = "history")]
    pub months: u32,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Writes JSON to a file or standard output.
pub fn write_json<T: serde::Serialize>(value: &T, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            serde_json::to_writer(&mut writer, value)?;
            writer.write_all(b"\n")?;
            writer.flush()?;
        }
        None => {
            let mut writer = std::io::BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer(&mut writer, value)?;
            writer.write_all(b"\n")?;
            writer.flush()?;
        }
    }
    Ok(())
}

/// `bleibe scenario generate`.
pub fn generate(args: &GenerateArgs) -> anyhow::Result<()> {
    let scenario = sim::generate(GenerateOptions {
        households: args.households,
        units: args.units,
        seed: args.seed,
        as_of: args.as_of,
        dense: args.dense,
    });
    write_json(&scenario, args.output.as_deref())
}

/// `bleibe scenario export`.
pub async fn export(loaded: LoadedSettings, args: ExportArgs) -> anyhow::Result<()> {
    let app = super::open_app(loaded).await?;
    let scope = if args.municipality.eq_ignore_ascii_case("all") {
        Scope::All
    } else {
        Scope::Municipality(
            matching::find_municipality(&app, &args.municipality)
                .await?
                .id,
        )
    };
    if args.history {
        let stream = crate::services::lab::history::history_stream(
            &app,
            &crate::services::Actor::System,
            scope,
            args.months,
        )
        .await?;
        return write_json(&stream, args.output.as_deref());
    }
    let loaded = matching::load_scenario(&app, scope, app.clock.today()).await?;
    write_json(&loaded.scenario, args.output.as_deref())
}
