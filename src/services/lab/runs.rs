//! Comparisons started on the lab page: checked, stored, run in the background with their
//! progress written as they go, and read back within the starter's municipalities.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use entities::lab_run;

use super::{LabResult, Source, compare, history::history_stream};
use crate::app::App;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::engine::lab::Policy;
use crate::services::matching::Scope;
use crate::services::{Actor, CurrentUser, ServiceError};
use crate::store::lab as store;

/// Most seeds the page offers.
pub const MAX_PAGE_SEEDS: usize = 10;
/// A run still "running" after this long was cut off (the service restarted).
pub const STALE_MINUTES: i64 = 30;

/// What the page's form asks (the municipality is the page's).
#[derive(Debug, Clone, PartialEq)]
pub struct LabRequest {
    pub municipality_id: i64,
    pub months: u32,
    pub policies: Vec<Policy>,
    pub seeds: usize,
}

/// Reads the form: months, policies (ticked names), seeds, for municipality `mid`.
pub fn read_form(
    user: &CurrentUser,
    mid: i64,
    pairs: &[(String, String)],
) -> Result<LabRequest, FieldErrors> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    let mut errors = FieldErrors::default();
    let municipality_id = user.can_manage(mid).then_some(mid);
    if municipality_id.is_none() {
        errors.add("months", "validation.lab_municipality");
    }
    let months = get("months")
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=24).contains(m));
    if months.is_none() {
        errors.add("months", "validation.lab_months");
    }
    let seeds = get("seeds")
        .parse::<usize>()
        .ok()
        .filter(|s| (1..=MAX_PAGE_SEEDS).contains(s));
    if seeds.is_none() {
        errors.add("seeds", "validation.lab_seeds");
    }
    let mut policies = Vec::new();
    for (_, v) in pairs.iter().filter(|(n, _)| n == "policies") {
        match Policy::parse(v) {
            Ok(p) if !policies.contains(&p) => policies.push(p),
            Ok(_) => {}
            Err(_) => errors.add("policies", "validation.lab_policies"),
        }
    }
    if policies.is_empty() {
        errors.add("policies", "validation.lab_policies");
    }
    match (municipality_id, months, seeds, errors.is_empty()) {
        (Some(municipality_id), Some(months), Some(seeds), true) => Ok(LabRequest {
            municipality_id,
            months,
            policies,
            seeds,
        }),
        _ => Err(errors),
    }
}

/// Starts a comparison: reads the history now (so its problems show on the form), stores
/// the run and simulates in the background. Returns the run's id.
pub async fn start(
    app: &App,
    user: &CurrentUser,
    request: LabRequest,
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    if !user.can_manage(request.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let actor = Actor::User(user.clone());
    let scope = Scope::Municipality(request.municipality_id);
    let stream = match history_stream(app, &actor, scope, request.months).await {
        Ok(s) => s,
        Err(ServiceError::Invalid(_)) => {
            let mut errors = FieldErrors::default();
            errors.add("months", "validation.lab_no_rules");
            return Ok(Err(errors));
        }
        Err(e) => return Err(e),
    };
    let names: Vec<String> = request.policies.iter().map(Policy::name).collect();
    let total = request.policies.len() * request.seeds;
    let new = store::NewLabRun {
        municipality_id: Some(request.municipality_id),
        created_by: Some(user.id),
        months: request.months as i32,
        policies: names.join(","),
        seeds: request.seeds as i32,
        total: total as i32,
    };
    let id = store::insert_run(&app.db, &new, app.clock.now()).await?;
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(e) = simulate_in_background(&app, id, stream, request).await {
            tracing::error!(lab_run.id = id, error = %e, "lab run failed");
            let _ = finish(&app, id, Err(e.to_string())).await;
        }
    });
    Ok(Ok(id))
}

async fn simulate_in_background(
    app: &App,
    id: i64,
    stream: crate::engine::lab::Stream,
    request: LabRequest,
) -> Result<(), ServiceError> {
    let done = Arc::new(AtomicUsize::new(0));
    let counter = done.clone();
    let months = request.months;
    let mut job = tokio::task::spawn_blocking(move || {
        let progress = move |n: usize, _total: usize| counter.store(n, Ordering::Relaxed);
        compare(
            &stream,
            Source::History { months },
            &request.policies,
            1,
            request.seeds,
            &progress,
        )
    });
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
    let outcome = loop {
        tokio::select! {
            joined = &mut job => break joined,
            _ = tick.tick() => {
                store::set_done(&app.db, id, done.load(Ordering::Relaxed) as i32).await?;
            }
        }
    };
    let result = outcome
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("the simulation stopped: {e}")))?
        .map_err(|e| {
            ServiceError::Other(anyhow::anyhow!("the history is not a valid stream: {e}"))
        })?;
    finish(app, id, Ok(result)).await
}

async fn finish(app: &App, id: i64, result: Result<LabResult, String>) -> Result<(), ServiceError> {
    let result = match result {
        Ok(r) => Ok(serde_json::to_string(&r).map_err(|e| ServiceError::Other(e.into()))?),
        Err(e) => Err(e),
    };
    store::finish_run(&app.db, id, result, app.clock.now()).await?;
    Ok(())
}

/// A stored comparison as the page shows it.
#[derive(Debug, Clone)]
pub struct LabRunView {
    pub run: lab_run::Model,
    /// `running`, `done`, `failed` or `interrupted`.
    pub state: &'static str,
    pub result: Option<LabResult>,
}

fn viewed(app: &App, run: lab_run::Model) -> LabRunView {
    let stale = app.clock.now() - run.created_at > Duration::minutes(STALE_MINUTES);
    let state = match run.status.as_str() {
        "done" => "done",
        "failed" => "failed",
        _ if stale => "interrupted",
        _ => "running",
    };
    let result = run
        .result
        .as_deref()
        .and_then(|json| serde_json::from_str::<LabResult>(json).ok());
    LabRunView { run, state, result }
}

fn may_see(user: &CurrentUser, run: &lab_run::Model) -> bool {
    match run.municipality_id {
        Some(m) => user.can_manage(m),
        None => user.role == Role::Admin,
    }
}

/// One comparison, if the user may see it.
pub async fn get(app: &App, user: &CurrentUser, id: i64) -> Result<LabRunView, ServiceError> {
    match store::find_run(&app.db, id).await? {
        Some(run) if may_see(user, &run) => Ok(viewed(app, run)),
        _ => Err(ServiceError::NotFound(format!("no lab run {id}"))),
    }
}

/// The latest comparisons the user may see.
pub async fn recent(app: &App, user: &CurrentUser) -> Result<Vec<LabRunView>, ServiceError> {
    let mine = (user.role != Role::Admin).then_some(user.municipalities.as_slice());
    Ok(store::recent_runs(&app.db, mine, 20)
        .await?
        .into_iter()
        .map(|r| viewed(app, r))
        .collect())
}
