//! The two jobs that keep the service itself in order: sending what waits in the e-mail
//! outbox, and tidying up expired sessions and kept forms.

use std::time::Duration;

use chrono::Duration as ChronoDuration;

use crate::app::App;
use crate::mail::outbox::{self, DispatchReport};
use crate::services::routine::Counts;

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

/// The outbox job: [`dispatch_mail`] with its counts.
pub async fn outbox_job(app: &App, instance: &str) -> Result<Counts, sea_orm::DbErr> {
    let report = dispatch_mail(app, instance).await?;
    Ok(Counts::from([
        ("sent".to_owned(), report.sent as i64),
        ("retried".to_owned(), report.retried as i64),
        ("failed".to_owned(), report.failed as i64),
    ]))
}

/// How long sent e-mails stay in the outbox (their bodies hold names and addresses).
pub const SENT_MAIL_DAYS: i64 = 90;

/// How long a form posted after its session expired is kept for the next login (and the
/// expired session that recognises it).
pub const KEPT_FORM_HOURS: i64 = 24;

/// Removes sessions that expired more than `KEPT_FORM_HOURS` ago and forms kept that long,
/// and sent e-mails older than `SENT_MAIL_DAYS`.
pub async fn tidy(app: &App) -> Result<Counts, sea_orm::DbErr> {
    let before = app.clock.now() - ChronoDuration::hours(KEPT_FORM_HOURS);
    let removed = crate::store::sessions::purge_expired(&app.db, before).await?;
    let mails = crate::store::outbox::purge_sent(
        &app.db,
        app.clock.now() - ChronoDuration::days(SENT_MAIL_DAYS),
    )
    .await?;
    let stash = app.settings.data.dir.join("stash");
    let mut forms = 0;
    if let Ok(entries) = std::fs::read_dir(&stash) {
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(KEPT_FORM_HOURS as u64 * 3600));
            if old && std::fs::remove_dir_all(entry.path()).is_ok() {
                forms += 1;
            }
        }
    }
    Ok(Counts::from([
        ("sessions".to_owned(), removed as i64),
        ("kept_forms".to_owned(), forms),
        ("sent_mails".to_owned(), mails as i64),
    ]))
}
