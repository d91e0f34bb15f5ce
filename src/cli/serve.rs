//! `bleibe serve`.

use std::sync::Arc;

use clap::Args;

use crate::app::App;
use crate::clock::SystemClock;
use crate::config::LoadedSettings;
use crate::services::demo;
use crate::{db, server};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Seed the demo data first if the database is empty, and print the logins.
    #[arg(long)]
    demo: bool,
    /// Do not apply pending migrations on start (the service reports not ready until
    /// `bleibe migrate up` has run).
    #[arg(long)]
    no_migrate: bool,
}

pub async fn run(loaded: LoadedSettings, args: ServeArgs) -> anyhow::Result<()> {
    let settings = loaded.settings;
    std::fs::create_dir_all(&settings.data.dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot create the data folder {} (setting data.dir): {e}",
            settings.data.dir.display()
        )
    })?;
    let db = db::connect(&settings.database).await?;
    if settings.database.auto_migrate && !args.no_migrate {
        db::migrate_up(&db).await?;
    }
    let app = App::new(db, settings, Arc::new(SystemClock))?;
    if args.demo {
        if crate::store::is_empty(&app.db).await? {
            let logins = demo::seed(&app).await?;
            println!("{}", demo::describe_logins(&logins));
        } else {
            tracing::info!("the database already has data; demo data not added");
        }
    }
    let listener = server::bind(&app).await?;
    let address = listener.local_addr()?;
    tracing::info!(
        %address,
        database = db::backend_name(&app.db),
        environment = loaded.environment.as_str(),
        "Bleibe is listening"
    );
    println!("Bleibe läuft auf / is running at http://{address}");
    let mut scheduler = if app.settings.jobs.enabled {
        let instance = crate::mail::outbox::instance_name();
        let scheduler = crate::jobs::scheduler::start(&app, &instance)
            .await
            .map_err(|e| anyhow::anyhow!("cannot start the scheduled jobs: {e}"))?;
        tracing::info!(%instance, "scheduled jobs started");
        Some(scheduler)
    } else {
        None
    };
    let result = server::serve_until(app, listener, server::shutdown_signal()).await;
    if let Some(scheduler) = scheduler.as_mut() {
        let _ = scheduler.shutdown().await;
    }
    result
}
