//! The tokio-cron-scheduler wiring: every job on its cron schedule (German time), each
//! firing going through [`super::execute`] with the slot it fired for.

use tokio_cron_scheduler::{Job as CronJob, JobScheduler, JobSchedulerError};

use super::{Job, Outcome, execute, slot};
use crate::app::App;

/// Starts the scheduler with every job; keep the returned handle and call
/// `shutdown` on it when the process stops.
pub async fn start(app: &App, instance: &str) -> Result<JobScheduler, JobSchedulerError> {
    let scheduler = JobScheduler::new().await?;
    for job in Job::ALL {
        let expression = app
            .settings
            .jobs
            .schedule(job.setting())
            .unwrap_or_default()
            .to_owned();
        // Checked when the settings were loaded; a failure here is a bug.
        let Ok(schedule) = crate::config::parse_cron(&expression) else {
            return Err(JobSchedulerError::ParseSchedule);
        };
        let app = app.clone();
        let instance = instance.to_owned();
        let cron_job = CronJob::new_async_tz(
            expression.as_str(),
            chrono_tz::Europe::Berlin,
            move |_, _| {
                let app = app.clone();
                let instance = instance.clone();
                let schedule = schedule.clone();
                Box::pin(async move {
                    let fired_for = slot(&schedule, app.clock.now());
                    match execute(&app, job, fired_for, &instance).await {
                        Ok(Outcome::Busy | Outcome::AlreadyRan) => {
                            tracing::debug!(job = job.name(), "slot taken by another instance")
                        }
                        Ok(_) => {}
                        Err(error) => {
                            tracing::warn!(job = job.name(), %error, "job could not run; next slot tries again")
                        }
                    }
                })
            },
        )?;
        scheduler.add(cron_job).await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}
