//! The two jobs that keep the service itself in order: sending what waits in the e-mail
//! outbox, and tidying up expired sessions and kept forms.

use std::collections::HashSet;
use std::path::Path;
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

/// The outbox job: [`dispatch_mail`], then the webhook outbox, with their counts.
pub async fn outbox_job(app: &App, instance: &str) -> Result<Counts, sea_orm::DbErr> {
    let report = dispatch_mail(app, instance).await?;
    let hooks = crate::services::webhooks::dispatch(app)
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("webhooks: {e}")))?;
    Ok(Counts::from([
        ("sent".to_owned(), report.sent as i64),
        ("retried".to_owned(), report.retried as i64),
        ("failed".to_owned(), report.failed as i64),
        ("webhooks_delivered".to_owned(), hooks.delivered as i64),
        ("webhooks_retried".to_owned(), hooks.retried as i64),
        ("webhooks_failed".to_owned(), hooks.failed as i64),
    ]))
}

/// How long sent e-mails stay in the outbox (their bodies hold names and addresses).
pub const SENT_MAIL_DAYS: i64 = 90;

/// How long a form posted after its session expired is kept for the next login (and the
/// expired session that recognises it).
pub const KEPT_FORM_HOURS: i64 = 24;

/// How old a file without a row must be before the tidy job removes it (a photo is
/// written a moment before its row).
pub const ORPHAN_FILE_MINUTES: u64 = 60;

/// Reminds landlords of drafts nobody saved for long and deletes those still unsaved after
/// the reminder (see [`crate::domain::draft`]); removes sessions that expired more than
/// `KEPT_FORM_HOURS` ago and forms kept that long, API idempotency keys older than
/// `services::idempotency::KEEP_HOURS`, webhook deliveries delivered `SENT_MAIL_DAYS` ago,
/// sent e-mails older than `SENT_MAIL_DAYS` and their files, counters of attempts older than
/// a day, the cells of refused rows from import reports older than `SENT_MAIL_DAYS`, and
/// files left behind by an erasure (photos without a row, e-mail files of redacted or
/// removed messages).
pub async fn tidy(app: &App) -> Result<Counts, sea_orm::DbErr> {
    let now = app.clock.now();
    let before = now - ChronoDuration::hours(KEPT_FORM_HOURS);
    let removed = crate::store::sessions::purge_expired(&app.db, before).await?;
    let long_ago = now - ChronoDuration::days(SENT_MAIL_DAYS);
    let mails = crate::store::outbox::purge_sent(&app.db, long_ago).await?;
    let counters =
        crate::store::erasure::purge_counters(&app.db, now - ChronoDuration::days(1)).await?;
    let reports = crate::store::erasure::purge_import_cells(&app.db, long_ago).await?;
    let hooks = crate::store::webhooks::purge_delivered(&app.db, long_ago).await?;
    let keys = crate::store::idempotency::purge(
        &app.db,
        now - ChronoDuration::hours(crate::services::idempotency::KEEP_HOURS),
    )
    .await?;
    let (drafts_reminded, drafts_deleted) = crate::services::drafts::tidy(app)
        .await
        .map_err(|e| sea_orm::DbErr::Custom(format!("drafts: {e}")))?;
    let forms = remove_old_entries(
        &app.settings.data.dir.join("stash"),
        Duration::from_secs(KEPT_FORM_HOURS as u64 * 3600),
        |_| true,
    );
    let photos = {
        let keys = crate::store::erasure::photo_keys(&app.db).await?;
        let stems: HashSet<&str> = keys.iter().map(|k| stem(k)).collect();
        remove_old_entries(
            &app.settings.uploads.dir(&app.settings.data),
            Duration::from_secs(ORPHAN_FILE_MINUTES * 60),
            |name| is_photo_name(name) && !stems.contains(stem(name)),
        )
    };
    let mail_files = {
        let keys: HashSet<String> = crate::store::outbox::unredacted_keys(&app.db)
            .await?
            .iter()
            .map(|k| crate::mail::sanitize_key(k))
            .collect();
        remove_old_entries(
            &app.settings.mail.file_dir(&app.settings.data),
            Duration::from_secs(ORPHAN_FILE_MINUTES * 60),
            |name| {
                name.strip_suffix(".eml")
                    .is_some_and(|key| !key.starts_with('.') && !keys.contains(key))
            },
        )
    };
    Ok(Counts::from([
        ("sessions".to_owned(), removed as i64),
        ("kept_forms".to_owned(), forms),
        ("sent_mails".to_owned(), mails as i64),
        ("counters".to_owned(), counters as i64),
        ("idempotency_keys".to_owned(), keys as i64),
        ("webhook_deliveries".to_owned(), hooks as i64),
        ("import_reports".to_owned(), reports as i64),
        ("drafts_reminded".to_owned(), drafts_reminded),
        ("drafts_deleted".to_owned(), drafts_deleted),
        ("photo_files".to_owned(), photos),
        ("mail_files".to_owned(), mail_files),
    ]))
}

/// Whether a file name is one Bleibe gives photos (32 hex digits, then the kind), so the
/// tidy job never touches other files in the folder.
fn is_photo_name(name: &str) -> bool {
    let key = stem(name);
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()) && name.len() > key.len()
}

/// A stored name up to its first dot (a photo and its thumbnail share it).
fn stem(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// Removes the entries of `folder` older than `age` that `remove` picks; returns how many.
fn remove_old_entries(folder: &Path, age: Duration, remove: impl Fn(&str) -> bool) -> i64 {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|elapsed| elapsed > age);
        if !old || !remove(&name) {
            continue;
        }
        let path = entry.path();
        let gone = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if gone.is_ok() {
            removed += 1;
        }
    }
    removed
}
