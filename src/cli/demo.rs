//! `bleibe demo`.

use std::sync::Arc;

use clap::{Args, ValueEnum};

use crate::app::App;
use crate::clock::SystemClock;
use crate::config::LoadedSettings;
use crate::db;
use crate::services::demo;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Delete everything in the database first (rolls back and re-applies all migrations).
    #[arg(long)]
    reset: bool,
    /// How much: `town` (5 municipalities, about 200 households and 80 flats, no history)
    /// or `district` (the 45 municipalities of the Landkreis Biberach, 20,000 households,
    /// 5,000 flats, 500 landlords and two years of proposals and placements; for
    /// measuring).
    #[arg(long, value_enum, default_value_t = Scale::Town)]
    scale: Scale,
}

/// The size of the demo data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    Town,
    District,
}

pub async fn run(loaded: LoadedSettings, args: DemoArgs) -> anyhow::Result<()> {
    let settings = loaded.settings;
    let db = db::connect(&settings.database).await?;
    if args.reset {
        db::migrate_down(&db, None).await?;
    }
    db::migrate_up(&db).await?;
    if !crate::store::is_empty(&db).await? {
        anyhow::bail!(
            "the database already has data; run `bleibe demo --reset` to replace it with demo data (this deletes everything)"
        );
    }
    let app = App::new(db, settings, Arc::new(SystemClock))?;
    let started = std::time::Instant::now();
    let logins = match args.scale {
        Scale::Town => demo::seed(&app).await?,
        Scale::District => demo::district::seed(&app, demo::district::Size::DISTRICT).await?,
    };
    if args.scale == Scale::District {
        eprintln!(
            "{} in {:.1} s",
            demo::district::DISTRICT,
            started.elapsed().as_secs_f64()
        );
    }
    println!("{}", demo::describe_logins(&logins));
    Ok(())
}
