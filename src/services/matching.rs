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
use crate::engine::scenario::{
    AnchorInput, AreaNormRow, HouseholdInput, Id, MunicipalityInput, RentCapRow, Scenario,
    UnitInput,
};
use crate::engine::{self, Options, PairVerdict};
use crate::store::households::StoredHousehold;
use crate::store::matching::{NewCandidate, NewRun, NewSuggestion};
use crate::store::units::StoredUnit;
use crate::store::{households, matching as store, municipalities, units};

/// Which part of the data a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Municipality(i64),
}

impl Scope {
    fn municipality(self) -> Option<i64> {
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

fn may_run(actor: &Actor, scope: Scope) -> bool {
    match (actor, scope) {
        (Actor::System, _) => true,
        (Actor::User(user), Scope::All) => user.role == Role::Admin,
        (Actor::User(user), Scope::Municipality(m)) => user.can_manage(m),
    }
}

/// The engine's view of the municipalities that have rule tables.
fn municipality_inputs(
    all: &[municipality::Model],
    rules: &BTreeMap<i64, municipalities::StoredRuleSet>,
) -> Vec<MunicipalityInput> {
    all.iter()
        .filter_map(|m| {
            let set = rules.get(&m.id)?;
            Some(MunicipalityInput {
                id: Id::Num(m.id),
                name: Some(m.name.clone()),
                lat: m.center_lat,
                lon: m.center_lon,
                rent_caps: set
                    .rules
                    .rent_caps
                    .rows()
                    .iter()
                    .map(|(persons, cap)| RentCapRow {
                        persons: *persons,
                        max_gross_cold_rent: cap.as_euros_f64(),
                    })
                    .collect(),
                extra_person_cap: set.rules.rent_caps.extra_person().as_euros_f64(),
                weights: Some(set.rules.weights.to_map()),
                area_norms: Some(
                    set.rules
                        .area_norms
                        .rows()
                        .iter()
                        .map(|(persons, area)| AreaNormRow {
                            persons: *persons,
                            area_m2: *area,
                        })
                        .collect(),
                ),
                extra_person_area_m2: Some(set.rules.area_norms.extra_person_m2()),
            })
        })
        .collect()
}

/// The engine's view of a stored unit.
fn unit_input(u: &StoredUnit) -> UnitInput {
    let d = &u.details;
    UnitInput {
        id: Id::Num(u.id),
        municipality: Id::Num(u.municipality_id),
        lat: d.location.lat,
        lon: d.location.lon,
        area_m2: d.area_m2,
        rooms: d.rooms,
        floor: d.floor,
        lift: d.has_lift,
        wheelchair_accessible: d.wheelchair_accessible,
        cold_rent: d.cold_rent.as_euros_f64(),
        service_charges: d.service_charges.as_euros_f64(),
        heating_costs: d.heating_costs.as_euros_f64(),
        municipal_top_up: d.municipal_top_up.as_euros_f64(),
        available_from: Some(d.available_from),
        max_occupants: d.max_occupants.max(1),
        pets_allowed: d.pets_allowed,
        landlord_max_household_size: d.pref_max_household_size,
        landlord_min_household_size: d.pref_min_household_size,
        landlord_preferences: d.preferences.clone(),
        active: u.status == UnitStatus::Available,
    }
}

/// The engine's view of a stored household; `in_scenario` are the units whose earlier
/// declines matter.
fn household_input(
    h: &StoredHousehold,
    as_of: NaiveDate,
    has_rules: &dyn Fn(i64) -> bool,
    declines: &store::Declines,
    in_scenario: &BTreeSet<i64>,
) -> HouseholdInput {
    let (adults, children_ages) = h.profile.adults_and_children(as_of);
    let p = &h.profile;
    let obligation_applies = p.residence_obligation
        && p.residence_obligation_until
            .is_none_or(|until| until >= as_of);
    let allowed: Vec<Id> = h
        .allowed_municipalities
        .iter()
        .filter(|m| has_rules(**m))
        .map(|m| Id::Num(*m))
        .collect();
    let declined = |set: &BTreeSet<(i64, i64)>| -> Vec<Id> {
        set.iter()
            .filter(|(unit, household)| *household == h.id && in_scenario.contains(unit))
            .map(|(unit, _)| Id::Num(*unit))
            .collect()
    };
    HouseholdInput {
        id: Id::Num(h.id),
        municipality: Id::Num(h.municipality_id),
        adults,
        children_ages,
        wheelchair: p.wheelchair,
        max_floor_without_lift: p.max_floor_without_lift,
        pets: p.pets,
        allowed_municipalities: (obligation_applies && !h.allowed_municipalities.is_empty())
            .then_some(allowed),
        max_distance_km: p.max_distance_km,
        latest_move_date: p.latest_move_date,
        in_follow_up_since: p.in_follow_up_since,
        urgency: p.urgency.min(3),
        anchors: p
            .anchors
            .iter()
            .map(|a| AnchorInput {
                kind: a.kind,
                lat: a.location.lat,
                lon: a.location.lon,
                importance: a.importance.clamp(0.0, 1.0),
            })
            .collect(),
        declined_units: declined(&declines.by_household),
        declined_by_landlords_of_units: declined(&declines.by_landlord),
        rooms_wanted: p.rooms_wanted,
        employed: matches!(
            p.work_situation,
            Some(WorkSituation::Employed | WorkSituation::InTraining)
        ),
        languages: p.languages.clone(),
        active: h.status == HouseholdStatus::Active,
        consent: h.consents_to_matching(),
    }
}

/// Builds the engine's scenario from the database.
pub async fn load_scenario(
    app: &App,
    scope: Scope,
    as_of: NaiveDate,
) -> Result<LoadedScenario, ServiceError> {
    let db = &app.db;
    let all_municipalities = municipalities::list(db).await?;
    let rules = municipalities::current_rule_sets(db).await?;
    let (frozen_units, frozen_households) = store::frozen(db).await?;
    let under_review = store::duplicates_under_review(db).await?;
    let declines = store::declines(db).await?;

    let municipality_inputs = municipality_inputs(&all_municipalities, &rules);
    let has_rules = |m: i64| rules.contains_key(&m);
    let mut skipped = 0;

    let stored_units =
        units::list_by_status(db, &[UnitStatus::Available], scope.municipality()).await?;
    let mut frozen_unit_count = 0;
    let mut held_for_review = 0;
    let mut unit_inputs = Vec::new();
    for u in stored_units {
        if frozen_units.contains(&u.id) {
            frozen_unit_count += 1;
            continue;
        }
        if under_review.contains(&u.id) {
            held_for_review += 1;
            continue;
        }
        if !has_rules(u.municipality_id) {
            skipped += 1;
            continue;
        }
        unit_inputs.push(unit_input(&u));
    }
    let in_scenario: BTreeSet<i64> = unit_inputs
        .iter()
        .filter_map(|u| match u.id {
            Id::Num(id) => Some(id),
            Id::Str(_) => None,
        })
        .collect();

    let stored_households =
        households::list_by_status(db, &[HouseholdStatus::Active], scope.municipality()).await?;
    let mut frozen_household_count = 0;
    let mut household_inputs = Vec::new();
    for h in stored_households {
        if frozen_households.contains(&h.id) {
            frozen_household_count += 1;
            continue;
        }
        if !h.consents_to_matching() {
            continue;
        }
        if h.profile.members.is_empty() || !has_rules(h.municipality_id) {
            skipped += 1;
            continue;
        }
        household_inputs.push(household_input(
            &h,
            as_of,
            &has_rules,
            &declines,
            &in_scenario,
        ));
    }

    let rule_set_ids: Vec<i64> = {
        // The versions this run depends on: of every municipality of a unit, of a
        // household, or named in a household's residence-obligation area.
        let mut used = BTreeSet::new();
        for u in &unit_inputs {
            if let Id::Num(m) = u.municipality {
                used.insert(m);
            }
        }
        for h in &household_inputs {
            if let Id::Num(m) = h.municipality {
                used.insert(m);
            }
            for a in h.allowed_municipalities.iter().flatten() {
                if let Id::Num(m) = a {
                    used.insert(*m);
                }
            }
        }
        rules
            .values()
            .filter(|r| used.contains(&r.municipality_id))
            .map(|r| r.id)
            .collect()
    };
    Ok(LoadedScenario {
        scenario: Scenario {
            as_of,
            municipalities: municipality_inputs,
            units: unit_inputs,
            households: household_inputs,
        },
        rule_set_ids,
        frozen_units: frozen_unit_count,
        frozen_households: frozen_household_count,
        held_for_review,
        skipped,
    })
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

    let scenario = loaded.scenario;
    let (result, candidates) = tokio::task::spawn_blocking(move || -> Result<_, ServiceError> {
        engine::scenario::validate(&scenario).map_err(|e| {
            ServiceError::Other(anyhow::anyhow!("inconsistent data for matching: {e}"))
        })?;
        let prepared = engine::model::prepare(&scenario);
        let options = Options {
            top_k,
            ..Options::default()
        };
        let result = engine::run_prepared(&prepared, &options);
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
        Ok((result, candidates))
    })
    .await
    .map_err(|e| ServiceError::Other(anyhow::anyhow!("the matching engine stopped: {e}")))??;
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
        },
    )
    .await?;
    let superseded = store::supersede_suggestions(&txn, scope.municipality(), run_id, now).await?;
    let ids = store::insert_candidates(&txn, run_id, &candidates).await?;
    let suggestions: Vec<NewSuggestion> = result
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
        .collect();
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
        run_id,
        households: result.stats.households,
        units: result.stats.units,
        pairs_scored: result.stats.pairs_scored,
        eligible_pairs: result.stats.eligible_pairs,
        assigned: result.assignments.len(),
        total_score: result.total_score,
        elapsed_ms,
        superseded,
        frozen_units: loaded.frozen_units,
        frozen_households: loaded.frozen_households,
        held_for_review: loaded.held_for_review,
    })
}

/// Names of municipalities by id, for reports.
pub async fn municipality_names(app: &App) -> Result<BTreeMap<i64, String>, ServiceError> {
    Ok(super::staff::all_municipalities(app)
        .await?
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect())
}
