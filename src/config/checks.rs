//! The checks of the merged settings: each setting within its range, and the combinations
//! that cannot work together, named with the file or variable the value came from.

use super::*;

/// A setting that fails its check: its key and what is wrong, in one sentence.
type Checked = Result<(), (String, String)>;

fn fail(key: &str, message: String) -> Checked {
    Err((key.to_owned(), message))
}

/// The first setting that fails its check, named with where its value came from. The checks
/// run in the order of the settings file.
pub(super) fn validate(
    settings: &Settings,
    origins: &BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    let checks: [fn(&Settings) -> Checked; 5] =
        [server_and_storage, mail_and_log, jobs, limits, features];
    for check in checks {
        if let Err((key, message)) = check(settings) {
            return Err(ConfigError::new(
                &key,
                origins.get(&key).map(String::as_str),
                message,
            ));
        }
    }
    Ok(())
}

/// The server, the database and the data folder.
fn server_and_storage(s: &Settings) -> Checked {
    if s.server.host.trim().is_empty() {
        return fail("server.host", "must not be empty".into());
    }
    if !(s.server.base_url.starts_with("http://") || s.server.base_url.starts_with("https://")) {
        return fail(
            "server.base_url",
            format!(
                "must start with http:// or https://, not \"{}\"",
                s.server.base_url
            ),
        );
    }
    if s.server.request_timeout_secs == 0 {
        return fail("server.request_timeout_secs", "must be at least 1".into());
    }
    let url = s.database.url.expose_secret();
    if !(url.starts_with("sqlite:")
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://"))
    {
        return fail(
            "database.url",
            format!(
                "must start with sqlite: or postgres://, not \"{}\"",
                mask_url(url)
            ),
        );
    }
    if s.database.max_connections == 0 {
        return fail("database.max_connections", "must be at least 1".into());
    }
    if s.database.min_connections > s.database.max_connections {
        return fail(
            "database.min_connections",
            format!(
                "must not be larger than database.max_connections ({})",
                s.database.max_connections
            ),
        );
    }
    if s.data.dir.as_os_str().is_empty() {
        return fail("data.dir", "must not be empty".into());
    }
    Ok(())
}

/// The sender, the mail transport and the log filter.
fn mail_and_log(s: &Settings) -> Checked {
    if !looks_like_mailbox(&s.mail.from) {
        return fail(
            "mail.from",
            format!(
                "must be an e-mail address such as \"Bleibe <noreply@example.org>\", not \"{}\"",
                s.mail.from
            ),
        );
    }
    if !s.mail.reply_to.trim().is_empty() && !looks_like_mailbox(&s.mail.reply_to) {
        return fail(
            "mail.reply_to",
            format!(
                "must be an e-mail address or empty, not \"{}\"",
                s.mail.reply_to
            ),
        );
    }
    if s.mail.transport == MailTransportKind::Smtp && s.mail.smtp.host.trim().is_empty() {
        return fail(
            "mail.smtp.host",
            "is required when mail.transport is \"smtp\"".into(),
        );
    }
    if let Err(e) = tracing_subscriber::EnvFilter::try_new(&s.log.level) {
        return fail("log.level", format!("is not a valid log filter: {e}"));
    }
    Ok(())
}

/// The schedules of the jobs and their lease.
fn jobs(s: &Settings) -> Checked {
    for key in [
        "match_run",
        "outbox",
        "reminders",
        "follow_ups",
        "retention",
        "digest",
        "tidy",
    ] {
        let expression = s.jobs.schedule(key).unwrap_or_default();
        if let Err(e) = parse_cron(expression) {
            return fail(
                &format!("jobs.{key}"),
                format!(
                    "is not a cron expression with six fields (seconds minutes hours day month weekday), such as \"0 30 2 * * *\": \"{expression}\" ({e})"
                ),
            );
        }
    }
    if s.jobs.lease_secs < 10 {
        return fail("jobs.lease_secs", "must be at least 10".into());
    }
    Ok(())
}

/// Retries, sessions, attempts and uploads.
fn limits(s: &Settings) -> Checked {
    if s.mail.max_attempts == 0 {
        return fail("mail.max_attempts", "must be at least 1".into());
    }
    if s.security.session_idle_hours == 0 {
        return fail("security.session_idle_hours", "must be at least 1".into());
    }
    if s.security.login_attempts == 0 {
        return fail("security.login_attempts", "must be at least 1".into());
    }
    if s.security.token_attempts == 0 {
        return fail("security.token_attempts", "must be at least 1".into());
    }
    if !(1..=100).contains(&s.uploads.max_photo_mb) {
        return fail("uploads.max_photo_mb", "must be between 1 and 100".into());
    }
    if !(1..=50).contains(&s.uploads.max_photos) {
        return fail("uploads.max_photos", "must be between 1 and 50".into());
    }
    Ok(())
}

/// The map, the matching and the accessibility statement.
fn features(s: &Settings) -> Checked {
    let tiles = s.map.tile_url.trim();
    if !(tiles.is_empty() || tiles.starts_with("https://") || tiles.starts_with("http://")) {
        return fail(
            "map.tile_url",
            format!("must be empty or an http(s) URL with {{z}}/{{x}}/{{y}}, not \"{tiles}\""),
        );
    }
    if s.matching.top_k > 50 {
        return fail("matching.top_k", "must be 50 or less".into());
    }
    if !looks_like_mailbox(&s.accessibility.feedback_email) {
        return fail(
            "accessibility.feedback_email",
            "must be an e-mail address people read (the statement names it for reporting barriers)"
                .into(),
        );
    }
    if chrono::NaiveDate::parse_from_str(s.accessibility.reviewed_on.trim(), "%Y-%m-%d").is_err() {
        return fail(
            "accessibility.reviewed_on",
            format!(
                "must be a date as YYYY-MM-DD, not \"{}\"",
                s.accessibility.reviewed_on
            ),
        );
    }
    Ok(())
}

pub(super) fn looks_like_mailbox(value: &str) -> bool {
    let address = match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value.trim(),
    };
    let mut parts = address.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None) if !local.is_empty() && domain.contains('.') && !address.contains(' ')
    )
}
