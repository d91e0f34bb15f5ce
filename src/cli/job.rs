//! `bleibe job list` and `bleibe job run NAME`: the scheduled jobs by hand.

use clap::{Args, Subcommand};

use crate::config::LoadedSettings;
use crate::jobs::{self, Job, Outcome};

#[derive(Debug, Args)]
pub struct JobArgs {
    #[command(subcommand)]
    pub command: JobCommand,
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// List the jobs with their schedules and their last runs.
    List,
    /// Run one job now (recorded like a scheduled run; waits if another instance runs it).
    Run {
        /// match-run, outbox, reminders, follow-ups, retention, digest or tidy.
        name: String,
    },
}

pub async fn run(loaded: LoadedSettings, args: JobArgs) -> anyhow::Result<()> {
    match args.command {
        JobCommand::List => list(loaded).await,
        JobCommand::Run { name } => run_one(loaded, &name).await,
    }
}

fn names() -> String {
    Job::ALL.map(|j| j.name()).join(", ")
}

async fn list(loaded: LoadedSettings) -> anyhow::Result<()> {
    let app = super::open_app(loaded).await?;
    let runs = crate::store::jobs::recent_runs(&app.db, None, 500).await?;
    println!(
        "{:<12} {:<18} {:<28} Aufgabe / what it does",
        "NAME", "SCHEDULE", "LAST RUN"
    );
    for job in Job::ALL {
        let schedule = app.settings.jobs.schedule(job.setting()).unwrap_or("");
        let last = runs
            .iter()
            .find(|r| r.job == job.name())
            .map(|r| {
                format!(
                    "{} {}",
                    crate::domain::time::to_berlin(r.started_at).format("%Y-%m-%d %H:%M"),
                    r.status
                )
            })
            .unwrap_or_else(|| "never".into());
        let (de, en) = job.describe();
        println!(
            "{:<12} {:<18} {:<28} {de}\n{:<60} {en}",
            job.name(),
            schedule,
            last,
            ""
        );
    }
    if !app.settings.jobs.enabled {
        println!("\njobs.enabled = false: `bleibe serve` does not run them on schedule here.");
    }
    Ok(())
}

async fn run_one(loaded: LoadedSettings, name: &str) -> anyhow::Result<()> {
    let Some(job) = Job::parse(name) else {
        anyhow::bail!("there is no job \"{name}\"; the jobs are: {}", names());
    };
    let app = super::open_app(loaded).await?;
    let instance = format!("cli-{}", crate::mail::outbox::instance_name());
    match jobs::execute(&app, job, None, &instance).await? {
        Outcome::Done { run_id, counts } => {
            let counts: Vec<String> = counts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            println!(
                "{} done (run {run_id}). {}",
                job.name(),
                if counts.is_empty() {
                    "Nothing to do.".to_owned()
                } else {
                    counts.join(", ")
                }
            );
            Ok(())
        }
        Outcome::Failed { run_id, error } => {
            anyhow::bail!("{} failed (run {run_id}): {error}", job.name())
        }
        Outcome::Busy => anyhow::bail!(
            "{} is running in another instance right now; try again when it has finished",
            job.name()
        ),
        Outcome::AlreadyRan => anyhow::bail!("{} has run for this slot already", job.name()),
    }
}
