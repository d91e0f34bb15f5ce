//! `bleibe demo`.

use std::sync::Arc;

use clap::Args;

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
}

pub async fn run(loaded: LoadedSettings, args: DemoArgs) -> anyhow::Result<()> {
    let settings = loaded.settings;
    let db = db::connect(&settings.database).await?;
    if args.reset {
        db::migrate_down(&db, None).await?;
    }
    db::migrate_up(&db).await?;
    if !db::is_empty(&db).await? {
        anyhow::bail!(
            "the database already has data; run `bleibe demo --reset` to replace it with demo data (this deletes everything)"
        );
    }
    let app = App::new(db, settings, Arc::new(SystemClock))?;
    let logins = demo::seed(&app).await?;
    println!("{}", demo::describe_logins(&logins));
    Ok(())
}
