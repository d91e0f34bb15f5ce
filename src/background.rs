//! Work the server does on its own while it runs: sending what waits in the e-mail outbox
//! and tidying up old sessions and kept uploads.

use std::time::Duration;

use chrono::Duration as ChronoDuration;

use crate::app::App;
use crate::mail::outbox::{self, DispatchReport};

/// Sends every due e-mail once (also called by tests and the CLI).
pub async fn dispatch_mail(app: &App, instance: &str) -> Result<DispatchReport, sea_orm::DbErr> {
    let clock = app.clock.clone();
    outbox::dispatch(
        &app.db,
        &app.mailer,
        instance,
        app.settings.mail.max_attempts,
        move || clock.now(),
    )
    .await
}

/// Removes sessions that expired more than a week ago and forms kept that long.
pub async fn tidy(app: &App) -> Result<u64, sea_orm::DbErr> {
    let before = app.clock.now() - ChronoDuration::days(7);
    let removed = crate::store::sessions::purge_expired(&app.db, before).await?;
    let stash = app.settings.data.dir.join("stash");
    if let Ok(entries) = std::fs::read_dir(&stash) {
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(7 * 24 * 3600));
            if old {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(removed)
}

/// Runs the loop until the task is dropped: e-mail every `mail.dispatch_every_secs`,
/// tidying once an hour.
pub async fn run(app: App) {
    let instance = outbox::instance_name();
    let mut ticker =
        tokio::time::interval(Duration::from_secs(app.settings.mail.dispatch_every_secs));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rounds: u64 = 0;
    let tidy_every = (3600 / app.settings.mail.dispatch_every_secs).max(1);
    loop {
        ticker.tick().await;
        match dispatch_mail(&app, &instance).await {
            Ok(report) if report != DispatchReport::default() => {
                tracing::info!(
                    sent = report.sent,
                    retried = report.retried,
                    failed = report.failed,
                    "outbox dispatched"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "outbox dispatch failed; will try again"),
        }
        if rounds.is_multiple_of(tidy_every)
            && let Err(error) = tidy(&app).await
        {
            tracing::warn!(%error, "tidying failed");
        }
        rounds += 1;
    }
}
