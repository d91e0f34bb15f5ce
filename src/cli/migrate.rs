//! `bleibe migrate [up|down|status]`.

use clap::{Args, ValueEnum};

use crate::config::LoadedSettings;
use crate::db;

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum Direction {
    /// Apply every pending migration.
    #[default]
    Up,
    /// Roll back the last migration (or --steps N, or --all).
    Down,
    /// List the migrations and whether each is applied.
    Status,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// What to do.
    #[arg(value_enum, default_value_t = Direction::Up)]
    direction: Direction,
    /// With `down`: how many migrations to roll back.
    #[arg(long, default_value_t = 1, conflicts_with = "all")]
    steps: u32,
    /// With `down`: roll back every migration (deletes all data).
    #[arg(long)]
    all: bool,
}

pub async fn run(loaded: LoadedSettings, args: MigrateArgs) -> anyhow::Result<()> {
    let db = db::connect(&loaded.settings.database).await?;
    match args.direction {
        Direction::Up => {
            db::migrate_up(&db).await?;
            println!("All migrations are applied.");
        }
        Direction::Down => {
            let steps = if args.all { None } else { Some(args.steps) };
            db::migrate_down(&db, steps).await?;
            println!(
                "Rolled back {}.",
                steps.map_or("every migration".to_owned(), |n| format!(
                    "{n} migration(s)"
                ))
            );
        }
        Direction::Status => {
            for state in db::migration_status(&db).await? {
                println!(
                    "{}  {}",
                    if state.applied { "applied" } else { "pending" },
                    state.name
                );
            }
        }
    }
    Ok(())
}
