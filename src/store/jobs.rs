//! Job leases and job-run records.
//!
//! A lease (`job_locks`) says which instance runs a job until when; a crashed holder's lease
//! simply lapses. A scheduled run also claims its slot in `job_runs` through the unique
//! (job, scheduled_for) key, so two instances that both fire for the same slot run it once.

use chrono::{DateTime, Duration, Utc};
use entities::{job_lock, job_run};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

/// Takes the lease on `job` for `instance` until `now + lease`, if nobody else holds an
/// unexpired one. True when taken.
pub async fn acquire_lease<C: ConnectionTrait>(
    db: &C,
    job: &str,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<bool, sea_orm::DbErr> {
    let taken = job_lock::Entity::update_many()
        .col_expr(job_lock::Column::LockedBy, instance.into())
        .col_expr(job_lock::Column::LockedUntil, (now + lease).into())
        .col_expr(job_lock::Column::AcquiredAt, now.into())
        .filter(job_lock::Column::Job.eq(job))
        .filter(
            Condition::any()
                .add(job_lock::Column::LockedUntil.lte(now))
                .add(job_lock::Column::LockedBy.eq(instance)),
        )
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(true);
    }
    if job_lock::Entity::find_by_id(job.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let inserted = job_lock::ActiveModel {
        job: Set(job.to_owned()),
        locked_by: Set(instance.to_owned()),
        locked_until: Set(now + lease),
        acquired_at: Set(now),
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        // Another instance inserted it first.
        Err(e) if crate::store::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Gives the lease back (it lapses now).
pub async fn release_lease<C: ConnectionTrait>(
    db: &C,
    job: &str,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    job_lock::Entity::update_many()
        .col_expr(job_lock::Column::LockedUntil, now.into())
        .filter(job_lock::Column::Job.eq(job))
        .filter(job_lock::Column::LockedBy.eq(instance))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the start of a run. For a scheduled run (`scheduled_for` given) `None` means
/// another instance has claimed that slot already.
pub async fn start_run<C: ConnectionTrait>(
    db: &C,
    job: &str,
    scheduled_for: Option<DateTime<Utc>>,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sea_orm::DbErr> {
    let inserted = job_run::ActiveModel {
        job: Set(job.to_owned()),
        scheduled_for: Set(scheduled_for),
        instance: Set(instance.to_owned()),
        status: Set("running".into()),
        started_at: Set(now),
        finished_at: Set(None),
        counts: Set(None),
        error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(row) => Ok(Some(row.id)),
        Err(e) if scheduled_for.is_some() && crate::store::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Records how a run ended: `succeeded` or `failed`, with counts (JSON) or an error.
pub async fn finish_run<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: &str,
    counts: Option<String>,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    job_run::Entity::update_many()
        .col_expr(job_run::Column::Status, status.into())
        .col_expr(job_run::Column::FinishedAt, Some(now).into())
        .col_expr(job_run::Column::Counts, counts.into())
        .col_expr(job_run::Column::Error, error.into())
        .filter(job_run::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Runs of `job` still marked running although their instance's lease is gone: they were
/// cut off (a crash). Marked `abandoned`.
pub async fn abandon_stale<C: ConnectionTrait>(
    db: &C,
    job: &str,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let result = job_run::Entity::update_many()
        .col_expr(job_run::Column::Status, "abandoned".into())
        .col_expr(job_run::Column::FinishedAt, Some(now).into())
        .col_expr(
            job_run::Column::Error,
            Some("the instance stopped while running it".to_owned()).into(),
        )
        .filter(job_run::Column::Job.eq(job))
        .filter(job_run::Column::Status.eq("running"))
        .filter(job_run::Column::Instance.ne(instance))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The newest runs, optionally of one job.
pub async fn recent_runs<C: ConnectionTrait>(
    db: &C,
    job: Option<&str>,
    limit: u64,
) -> Result<Vec<job_run::Model>, sea_orm::DbErr> {
    let mut query = job_run::Entity::find();
    if let Some(job) = job {
        query = query.filter(job_run::Column::Job.eq(job));
    }
    query
        .order_by_desc(job_run::Column::StartedAt)
        .order_by_desc(job_run::Column::Id)
        .limit(limit)
        .all(db)
        .await
}
