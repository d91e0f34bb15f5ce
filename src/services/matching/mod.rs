//! Running the matching engine on the service's data and storing what it suggests.
//!
//! A run for one municipality matches that municipality's active, consenting households
//! with its available units; a run for all matches everything at once (so a household
//! with a district-wide Wohnsitzauflage can be proposed a flat in a neighbouring town).
//! Units and households held by an open proposal are frozen and left out; pairs declined
//! before are never proposed again. The engine runs off the async runtime; the run, every
//! candidate with its explained criteria, and the suggested proposals are stored in one
//! transaction, which also retires the previous run's suggestions in the same scope.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::NaiveDate;
use entities::municipality;
use sea_orm::TransactionTrait;

use super::{Actor, ServiceError};
use crate::app::App;
use crate::domain::household::{HouseholdStatus, WorkSituation};
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::engine::fairness::FairnessReport;
use crate::engine::scenario::{
    AnchorInput, AreaNormRow, HouseholdInput, Id, MunicipalityInput, RentCapRow, Scenario,
    UnitInput,
};
use crate::engine::{self, Options, PairVerdict};
use crate::store::households::StoredHousehold;
use crate::store::matching::{NewCandidate, NewRun, NewSuggestion};
use crate::store::units::StoredUnit;
use crate::store::{households, matching as store, municipalities, units};

mod load;
pub use load::*;

/// Which part of the data a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Municipality(i64),
}

impl Scope {
    /// The municipality, or `None` for all.
    pub fn municipality(self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::Municipality(id) => Some(id),
        }
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `bleibe match --run`.
    Cli,
    /// A coordinator pressed the button.
    Manual,
    /// The nightly job.
    Schedule,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Cli => "cli",
            Trigger::Manual => "manual",
            Trigger::Schedule => "schedule",
        }
    }
}

/// A scenario built from the database, with what it used and left out.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    pub scenario: Scenario,
    /// Rule-set versions used, one per municipality.
    pub rule_set_ids: Vec<i64>,
    /// Units and households left out because they are frozen by an open proposal.
    pub frozen_units: usize,
    pub frozen_households: usize,
    /// Units left out because they may be a duplicate of another (an open review flag
    /// from an import) until a coordinator decides.
    pub held_for_review: usize,
    /// Left out because their municipality has no rule tables, or (households) no members.
    pub skipped: usize,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub run_id: i64,
    pub households: usize,
    pub units: usize,
    pub pairs_scored: u64,
    pub eligible_pairs: u64,
    pub assigned: usize,
    pub total_score: f64,
    pub elapsed_ms: u64,
    pub superseded: usize,
    pub frozen_units: usize,
    pub frozen_households: usize,
    pub held_for_review: usize,
}

/// Finds a municipality by database id, official key (AGS) or exact name.
pub async fn find_municipality(app: &App, key: &str) -> Result<municipality::Model, ServiceError> {
    let key = key.trim();
    crate::store::municipalities::find_by_key(&app.db, key)
        .await?
        .ok_or_else(|| {
            ServiceError::NotFound(format!(
                "no municipality \"{key}\" (give its id, official key or name)"
            ))
        })
}

pub(crate) fn may_run(actor: &Actor, scope: Scope) -> bool {
    match (actor, scope) {
        (Actor::System, _) => true,
        (Actor::User(user), Scope::All) => user.role == Role::Admin,
        (Actor::User(user), Scope::Municipality(m)) => user.can_manage(m),
    }
}

/// Why a household and a unit are (not) a match today: every broken hard rule, or the
/// explained score. Frozen, paused and non-consenting households are explained too (the
/// answer then names that rule). `None` when a side's municipality has no rule tables.
pub async fn explain_pair(
    app: &App,
    unit: &StoredUnit,
    household: &StoredHousehold,
) -> Result<Option<PairVerdict>, ServiceError> {
    Ok(explain_unit(app, unit, std::slice::from_ref(household))
        .await?
        .pop()
        .and_then(|(_, verdict)| verdict))
}

/// [`explain_pair`] for one flat and many households at once (the rules are read once),
/// in the households' order.
pub async fn explain_unit(
    app: &App,
    unit: &StoredUnit,
    households: &[StoredHousehold],
) -> Result<Vec<(i64, Option<PairVerdict>)>, ServiceError> {
    let db = &app.db;
    let as_of = app.clock.today();
    let all_municipalities = municipalities::list(db).await?;
    let rules = municipalities::current_rule_sets(db).await?;
    let has_rules = |m: i64| rules.contains_key(&m);
    let explainable = |h: &StoredHousehold| {
        has_rules(unit.municipality_id)
            && has_rules(h.municipality_id)
            && !h.profile.members.is_empty()
    };
    let declines = store::declines(db).await?;
    let in_scenario = BTreeSet::from([unit.id]);
    let scenario = Scenario {
        as_of,
        municipalities: municipality_inputs(&all_municipalities, &rules),
        units: vec![unit_input(unit)],
        households: households
            .iter()
            .filter(|h| explainable(h))
            .map(|h| household_input(h, as_of, &has_rules, &declines, &in_scenario))
            .collect(),
    };
    engine::scenario::validate(&scenario)
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("inconsistent data for matching: {e}")))?;
    let prepared = engine::model::prepare(&scenario);
    Ok(households
        .iter()
        .map(|h| {
            let verdict = explainable(h)
                .then(|| engine::explain(&prepared, &Id::Num(unit.id), &Id::Num(h.id)))
                .flatten();
            (h.id, verdict)
        })
        .collect())
}

fn id_number(id: &Id) -> i64 {
    match id {
        Id::Num(n) => *n,
        Id::Str(_) => 0,
    }
}

/// Runs the engine for `scope` and stores the run and its suggestions.
pub async fn run(
    app: &App,
    actor: &Actor,
    scope: Scope,
    trigger: Trigger,
) -> Result<RunSummary, ServiceError> {
    if !may_run(actor, scope) {
        return Err(ServiceError::Forbidden);
    }
    if let Scope::Municipality(id) = scope
        && crate::store::municipalities::find(&app.db, id)
            .await?
            .is_none()
    {
        return Err(ServiceError::NotFound(format!(
            "no municipality with id {id}"
        )));
    }
    // One run at a time: two at once would each suggest for the same flats.
    let instance = crate::util::random_hex(8).map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = app.clock.now();
    let lease = chrono::Duration::minutes(RUN_LEASE_MINUTES);
    if !crate::store::jobs::acquire_lease(&app.db, RUN_LOCK, &instance, now, lease).await? {
        return Err(ServiceError::Conflict(super::Conflict::RunInProgress));
    }
    let result = run_alone(app, actor, scope, trigger).await;
    crate::store::jobs::release_lease(&app.db, RUN_LOCK, &instance, app.clock.now()).await?;
    result
}

/// The lock every match run takes (a crashed run's lapses after `RUN_LEASE_MINUTES`).
const RUN_LOCK: &str = "match-run-any";
const RUN_LEASE_MINUTES: i64 = 10;

async fn run_alone(
    app: &App,
    actor: &Actor,
    scope: Scope,
    trigger: Trigger,
) -> Result<RunSummary, ServiceError> {
    let started_at = app.clock.now();
    let as_of = app.clock.today();
    let timer = Instant::now();
    let loaded = load_scenario(app, scope, as_of).await?;
    let top_k = app.settings.matching.top_k;

    let (result, candidates, fairness) = compute_apart(loaded.scenario, top_k).await?;
    let elapsed_ms = timer.elapsed().as_millis() as u64;
    crate::metrics::match_run(timer.elapsed().as_secs_f64());
    let now = app.clock.now();

    let txn = app.db.begin().await?;
    let run_id = store::insert_run(
        &txn,
        &NewRun {
            municipality_id: scope.municipality(),
            trigger: trigger.as_str().into(),
            triggered_by: actor.user_id(),
            as_of,
            started_at,
            finished_at: now,
            households: result.stats.households as i32,
            units: result.stats.units as i32,
            pairs_scored: result.stats.pairs_scored as i64,
            eligible_pairs: result.stats.eligible_pairs as i64,
            assigned: result.assignments.len() as i32,
            total_score: result.total_score,
            elapsed_ms: elapsed_ms as i64,
            engine_version: env!("CARGO_PKG_VERSION").into(),
            rule_set_ids: loaded.rule_set_ids,
            fairness: serde_json::to_string(&fairness).ok(),
        },
    )
    .await?;
    let superseded = store::supersede_suggestions(&txn, scope.municipality(), run_id, now).await?;
    let ids = store::insert_candidates(&txn, run_id, &candidates).await?;
    let suggestions = suggestions_of(&result, &ids);
    store::insert_suggestions(&txn, run_id, &suggestions, actor.user_id(), now).await?;
    super::audit::record(
        &txn,
        actor,
        "match_run",
        "match_runs",
        Some(run_id),
        scope.municipality(),
        serde_json::json!({
            "households": result.stats.households,
            "units": result.stats.units,
            "assigned": result.assignments.len(),
            "superseded": superseded,
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        match_run.id = run_id,
        households = result.stats.households,
        units = result.stats.units,
        eligible_pairs = result.stats.eligible_pairs,
        assigned = result.assignments.len(),
        elapsed_ms,
        "match run stored"
    );
    Ok(RunSummary {
        frozen_units: loaded.frozen_units,
        frozen_households: loaded.frozen_households,
        held_for_review: loaded.held_for_review,
        ..summary(run_id, &result, elapsed_ms, superseded)
    })
}

/// What a stored run reports back (without what loading its scenario left out).
fn summary(
    run_id: i64,
    result: &engine::MatchResult,
    elapsed_ms: u64,
    superseded: usize,
) -> RunSummary {
    RunSummary {
        run_id,
        households: result.stats.households,
        units: result.stats.units,
        pairs_scored: result.stats.pairs_scored,
        eligible_pairs: result.stats.eligible_pairs,
        assigned: result.assignments.len(),
        total_score: result.total_score,
        elapsed_ms,
        superseded,
        frozen_units: 0,
        frozen_households: 0,
        held_for_review: 0,
    }
}

/// [`compute`] on a blocking thread.
async fn compute_apart(
    scenario: Scenario,
    top_k: usize,
) -> Result<(engine::MatchResult, Vec<NewCandidate>, FairnessReport), ServiceError> {
    tokio::task::spawn_blocking(move || compute(&scenario, top_k))
        .await
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("the matching engine stopped: {e}")))?
}

/// The engine's part of a run (blocking): the best set of proposals, the candidates to
/// store (each flat's assigned household, rank 0, and its alternatives with their scores)
/// and the run's fairness report.
fn compute(
    scenario: &Scenario,
    top_k: usize,
) -> Result<(engine::MatchResult, Vec<NewCandidate>, FairnessReport), ServiceError> {
    engine::scenario::validate(scenario)
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("inconsistent data for matching: {e}")))?;
    let prepared = engine::model::prepare(scenario);
    let options = Options {
        top_k,
        ..Options::default()
    };
    let (result, fairness) = engine::run_with_fairness(&prepared, &options);
    let mut candidates = Vec::new();
    for a in &result.assignments {
        candidates.push(NewCandidate {
            unit_id: id_number(&a.unit),
            household_id: id_number(&a.household),
            rank: 0,
            score: a.score,
            criteria: serde_json::to_string(&a.criteria)
                .map_err(|e| ServiceError::Other(e.into()))?,
        });
    }
    for (unit, list) in &result.alternatives.0 {
        for (rank, alternative) in list.iter().enumerate() {
            if let Some(PairVerdict::Eligible { score, criteria }) =
                engine::explain(&prepared, unit, &alternative.household)
            {
                candidates.push(NewCandidate {
                    unit_id: id_number(unit),
                    household_id: id_number(&alternative.household),
                    rank: rank as i32 + 1,
                    score,
                    criteria: serde_json::to_string(&criteria)
                        .map_err(|e| ServiceError::Other(e.into()))?,
                });
            }
        }
    }
    Ok((result, candidates, fairness))
}

/// The run's suggestions: its assignments, each with the id its candidate row was stored
/// under.
fn suggestions_of(
    result: &engine::MatchResult,
    ids: &std::collections::HashMap<(i64, i64), i64>,
) -> Vec<NewSuggestion> {
    result
        .assignments
        .iter()
        .filter_map(|a| {
            let key = (id_number(&a.unit), id_number(&a.household));
            ids.get(&key).map(|candidate_id| NewSuggestion {
                candidate_id: *candidate_id,
                unit_id: key.0,
                household_id: key.1,
                score: a.score,
            })
        })
        .collect()
}

/// Names of municipalities by id, for reports.
pub async fn municipality_names(app: &App) -> Result<BTreeMap<i64, String>, ServiceError> {
    Ok(super::staff::all_municipalities(app)
        .await?
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect())
}
