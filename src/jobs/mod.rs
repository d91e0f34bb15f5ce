//! Scheduled jobs: which exist, how one run is claimed, recorded and executed, and the
//! tokio-cron-scheduler wiring (`scheduler`). Each job body is a plain, idempotent
//! service call that tests and the CLI (`bleibe job run NAME`) can call directly.
//!
//! Exactly once per schedule with several instances on one database: a run first takes
//! the job's lease (`job_locks`; an instance that dies lets it lapse after the lease time),
//! then claims its slot (`job_runs` is unique on job and scheduled time). An instance that
//! finds the lease taken or the slot claimed skips that slot.

pub mod housekeeping;
pub mod scheduler;

use chrono::{DateTime, Duration, Utc};

use crate::app::App;
use crate::services::routine::{self, Counts};
use crate::services::{ServiceError, retention};
use crate::store::jobs as store;

/// A scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    MatchRun,
    Outbox,
    Reminders,
    FollowUps,
    Retention,
    Digest,
    Tidy,
}

impl Job {
    /// Every job, in the order `bleibe job list` shows them.
    pub const ALL: [Job; 7] = [
        Job::MatchRun,
        Job::Outbox,
        Job::Reminders,
        Job::FollowUps,
        Job::Retention,
        Job::Digest,
        Job::Tidy,
    ];

    /// The job's name (`bleibe job run <name>`).
    pub fn name(self) -> &'static str {
        match self {
            Job::MatchRun => "match-run",
            Job::Outbox => "outbox",
            Job::Reminders => "reminders",
            Job::FollowUps => "follow-ups",
            Job::Retention => "retention",
            Job::Digest => "digest",
            Job::Tidy => "tidy",
        }
    }

    /// Its schedule's setting under `[jobs]`.
    pub fn setting(self) -> &'static str {
        match self {
            Job::MatchRun => "match_run",
            Job::Outbox => "outbox",
            Job::Reminders => "reminders",
            Job::FollowUps => "follow_ups",
            Job::Retention => "retention",
            Job::Digest => "digest",
            Job::Tidy => "tidy",
        }
    }

    /// What it does, in German and English.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Job::MatchRun => (
                "Nächtlicher Abgleich je Gemeinde (Vorschläge zur Prüfung; ohne Prüfung verschickt nur, wo die Gemeinde das eingeschaltet hat)",
                "Nightly match run per municipality (suggestions for review; sent without review only where the municipality turned that on)",
            ),
            Job::Outbox => (
                "Wartende E-Mails verschicken, mit Wiederholung",
                "Send pending e-mails, with retries",
            ),
            Job::Reminders => (
                "An unbeantwortete Vorschläge erinnern; abgelaufene beenden und Wohnung und Haushalt freigeben",
                "Remind about unanswered proposals; end expired ones and free unit and household",
            ),
            Job::FollowUps => (
                "Fällige Nachfragen nach 1, 3, 6 und 12 Monaten an Koordination und Vermieter",
                "Follow-up check-ins due after 1, 3, 6 and 12 months, to coordinators and landlords",
            ),
            Job::Retention => (
                "Daten von Haushalten, die länger als die Aufbewahrungsfrist abgeschlossen sind, anonymisieren",
                "Anonymise households closed for longer than the retention period",
            ),
            Job::Digest => (
                "Wochenübersicht für die Koordination",
                "Weekly digest for coordinators",
            ),
            Job::Tidy => (
                "Abgelaufene Sitzungen und alte gemerkte Formulare löschen",
                "Remove expired sessions and old kept forms",
            ),
        }
    }

    /// A job by its name or setting (`follow-ups`, `follow_ups`), or a common alias.
    pub fn parse(text: &str) -> Option<Job> {
        let text = text.trim().to_lowercase().replace('_', "-");
        Job::ALL
            .into_iter()
            .find(|j| j.name() == text)
            .or(match text.as_str() {
                "match" | "matching" | "nightly-match" => Some(Job::MatchRun),
                "mail" | "dispatch" | "outbox-dispatch" => Some(Job::Outbox),
                "expiry" | "deadlines" => Some(Job::Reminders),
                "followups" | "follow-up" => Some(Job::FollowUps),
                "weekly-digest" => Some(Job::Digest),
                _ => None,
            })
    }

    /// How long a run holds the job's lease before another instance may take over.
    fn lease(self, app: &App) -> Duration {
        let configured = Duration::seconds(app.settings.jobs.lease_secs as i64);
        match self {
            // Each message has its own lease; a stuck outbox lease must not block mail long.
            Job::Outbox => configured.min(Duration::seconds(120)),
            _ => configured,
        }
    }
}

/// Runs a job's body once, now, without lease or record (tests; `execute` wraps it).
pub async fn body(app: &App, job: Job, instance: &str) -> Result<Counts, ServiceError> {
    Ok(match job {
        Job::MatchRun => routine::nightly_match(app).await?,
        Job::Outbox => housekeeping::outbox_job(app, instance).await?,
        Job::Reminders => routine::deadlines(app).await?,
        Job::FollowUps => routine::follow_ups(app).await?,
        Job::Retention => retention::run(app, app.settings.jobs.retention_months).await?,
        Job::Digest => routine::weekly_digest(app).await?,
        Job::Tidy => housekeeping::tidy(app).await?,
    })
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Ran and succeeded.
    Done { run_id: i64, counts: Counts },
    /// Ran and failed; the error is recorded.
    Failed { run_id: i64, error: String },
    /// Another instance holds the job's lease (it is running there).
    Busy,
    /// Another instance ran this slot already.
    AlreadyRan,
}

impl Outcome {
    /// The outcome's name in metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Done { .. } => "succeeded",
            Outcome::Failed { .. } => "failed",
            Outcome::Busy => "busy",
            Outcome::AlreadyRan => "already_ran",
        }
    }
}

/// Runs a job with lease and record. `scheduled_for` is the schedule's slot (None for a
/// run by hand, which is never refused for having run before).
pub async fn execute(
    app: &App,
    job: Job,
    scheduled_for: Option<DateTime<Utc>>,
    instance: &str,
) -> Result<Outcome, ServiceError> {
    let now = app.clock.now();
    if !store::acquire_lease(&app.db, job.name(), instance, now, job.lease(app)).await? {
        crate::metrics::job_run(job.name(), Outcome::Busy.label());
        return Ok(Outcome::Busy);
    }
    let result = claimed(app, job, scheduled_for, instance).await;
    store::release_lease(&app.db, job.name(), instance, app.clock.now()).await?;
    if let Ok(outcome) = &result {
        crate::metrics::job_run(job.name(), outcome.label());
    }
    result
}

async fn claimed(
    app: &App,
    job: Job,
    scheduled_for: Option<DateTime<Utc>>,
    instance: &str,
) -> Result<Outcome, ServiceError> {
    let now = app.clock.now();
    store::abandon_stale(&app.db, job.name(), instance, now).await?;
    let Some(run_id) = store::start_run(&app.db, job.name(), scheduled_for, instance, now).await?
    else {
        return Ok(Outcome::AlreadyRan);
    };
    match body(app, job, instance).await {
        Ok(counts) => {
            let text = serde_json::to_string(&counts).ok();
            store::finish_run(&app.db, run_id, "succeeded", text, None, app.clock.now()).await?;
            tracing::info!(job = job.name(), ?counts, "job done");
            Ok(Outcome::Done { run_id, counts })
        }
        Err(error) => {
            let message = error.to_string();
            tracing::warn!(job = job.name(), %message, "job failed");
            store::finish_run(
                &app.db,
                run_id,
                "failed",
                None,
                Some(message.clone()),
                app.clock.now(),
            )
            .await?;
            Ok(Outcome::Failed {
                run_id,
                error: message,
            })
        }
    }
}

/// The slot of a schedule that fires at `now`: its latest time not after `now` (plus two
/// seconds for a timer that fires a little early), so every instance names it the same.
pub fn slot(schedule: &croner::Cron, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    use chrono::SubsecRound;
    let local = (now + Duration::seconds(2))
        .trunc_subsecs(0)
        .with_timezone(&chrono_tz::Europe::Berlin);
    schedule
        .find_previous_occurrence(&local, true)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_and_aliases_parse() {
        for job in Job::ALL {
            assert_eq!(Job::parse(job.name()), Some(job));
            assert_eq!(Job::parse(job.setting()), Some(job));
        }
        assert_eq!(Job::parse("expiry"), Some(Job::Reminders));
        assert_eq!(Job::parse("nothing"), None);
    }

    #[test]
    fn every_instance_names_the_same_slot() {
        let every_minute = crate::config::parse_cron("0 * * * * *").unwrap();
        let tick = Utc.with_ymd_and_hms(2026, 11, 21, 10, 15, 0).unwrap();
        for late_ms in [0, 3, 250, 1900] {
            let fired = tick + Duration::milliseconds(late_ms);
            assert_eq!(slot(&every_minute, fired), Some(tick));
        }
        let early = tick - Duration::milliseconds(300);
        assert_eq!(slot(&every_minute, early), Some(tick));
        // Nightly at 02:30 German time is 01:30 UTC in winter.
        let nightly = crate::config::parse_cron("0 30 2 * * *").unwrap();
        let fired = Utc.with_ymd_and_hms(2026, 11, 22, 1, 30, 0).unwrap();
        assert_eq!(slot(&nightly, fired), Some(fired));
    }
}
