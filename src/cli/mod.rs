//! The `bleibe` command line: one binary, one subcommand per task.

mod bench;
mod check_data;
mod demo;
mod document;
mod import;
mod job;
mod mail;
mod matching;
mod migrate;
mod scenario;
mod serve;
mod simulate;
mod token;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, LoadedSettings};

/// Bleibe: private flats for households in municipal follow-up housing.
#[derive(Debug, Parser)]
#[command(name = "bleibe", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web service (applies pending migrations first unless told not to).
    Serve(serve::ServeArgs),
    /// Apply, roll back or list database migrations.
    Migrate(migrate::MigrateArgs),
    /// Fill an empty database with realistic demo data and print the logins.
    Demo(demo::DemoArgs),
    /// Print the effective settings (secrets masked) and where each value comes from.
    CheckConfig,
    /// List the stored records that break a rule of the placement pipeline (exit 1 if any).
    CheckData(check_data::CheckDataArgs),
    /// Run the matching engine on a scenario file (prints JSON), or on the service's data (--run).
    Match(matching::MatchArgs),
    /// Generate a synthetic scenario, or export the service's data as one.
    Scenario(scenario::ScenarioArgs),
    /// The policy lab: simulate a stream of arrivals under matching policies and report.
    Simulate(simulate::SimulateArgs),
    /// Time the matching engine on generated scenarios (and compare with scipy).
    Bench(bench::BenchArgs),
    /// Import households or units from a CSV file (all or nothing, with a report).
    Import(import::ImportArgs),
    /// Manage staff accounts (`user create`).
    User(user::UserArgs),
    /// The scheduled jobs by hand: `job list`, `job run NAME`.
    Job(job::JobArgs),
    /// API tokens: `token create --email E --name N [--days D]`, `token list`, `token revoke`.
    Token(token::TokenArgs),
    /// E-mails: `mail preview [--lang xx] [--out DIR]` writes every e-mail in every language.
    Mail(mail::MailArgs),
    /// Documents as PDF: `document render KIND --proposal ID [--lang xx] [-o FILE]`.
    Document(document::DocumentArgs),
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckConfig => check_config(),
        Command::CheckData(args) => with_settings(|loaded| check_data::run(loaded, args)),
        Command::Serve(args) => with_settings(|loaded| serve::run(loaded, args)),
        Command::Migrate(args) => with_settings(|loaded| migrate::run(loaded, args)),
        Command::Demo(args) => with_settings(|loaded| demo::run(loaded, args)),
        Command::Match(args) if args.is_offline() => matching::run_scenario(&args),
        Command::Match(args) => with_settings(|loaded| matching::run_live(loaded, args)),
        Command::Bench(args) => report(bench::run(&args)),
        Command::Simulate(args) => report(simulate::run(&args)),
        Command::Import(args) => with_settings(|loaded| import::run(loaded, args)),
        Command::User(args) => with_settings(|loaded| user::run(loaded, args)),
        Command::Job(args) => with_settings(|loaded| job::run(loaded, args)),
        Command::Token(args) => with_settings(|loaded| token::run(loaded, args)),
        Command::Mail(args) => report(mail::run(args)),
        Command::Document(args) => with_settings(|loaded| document::run(loaded, args)),
        Command::Scenario(args) => match args.command {
            scenario::ScenarioCommand::Generate(generate) => report(scenario::generate(&generate)),
            scenario::ScenarioCommand::Export(export) => {
                with_settings(|loaded| scenario::export(loaded, export))
            }
        },
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bleibe: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Connects to the configured database and applies pending migrations (unless
/// `database.auto_migrate` is off), for commands that work on the service's data.
async fn open_app(loaded: LoadedSettings) -> anyhow::Result<crate::app::App> {
    let settings = loaded.settings;
    let db = crate::db::connect(&settings.database).await?;
    if settings.database.auto_migrate {
        crate::db::migrate_up(&db).await?;
    } else if let Err(reason) = crate::db::readiness(&db).await {
        anyhow::bail!("{reason}");
    }
    Ok(crate::app::App::new(
        db,
        settings,
        std::sync::Arc::new(crate::clock::SystemClock),
    )?)
}

fn check_config() -> ExitCode {
    match config::load() {
        Ok(loaded) => {
            print!("{}", loaded.render());
            ExitCode::SUCCESS
        }
        Err(err) => config_failure(&err),
    }
}

fn config_failure(err: &config::ConfigError) -> ExitCode {
    eprintln!("bleibe: configuration error: {err}");
    ExitCode::from(1)
}

/// Loads the settings, starts logging and a runtime, and runs `body`.
fn with_settings<F, Fut>(body: F) -> ExitCode
where
    F: FnOnce(LoadedSettings) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let loaded = match config::load() {
        Ok(loaded) => loaded,
        Err(err) => return config_failure(&err),
    };
    crate::telemetry::init(&loaded.settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("bleibe: cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(body(loaded)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bleibe: {err:#}");
            ExitCode::from(1)
        }
    }
}
