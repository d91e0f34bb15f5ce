//! Match runs, their candidates, and the proposals they suggest.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use entities::{match_candidate, match_run, match_run_rule_set, proposal, proposal_event, unit};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::domain::pipeline::ProposalState;

/// Rows per multi-row insert: well below SQLite's limit of bound parameters.
const CHUNK: usize = 500;

/// Pairs a household or landlord has declined, as (unit id, household id).
#[derive(Debug, Default, Clone)]
pub struct Declines {
    pub by_household: BTreeSet<(i64, i64)>,
    pub by_landlord: BTreeSet<(i64, i64)>,
}

/// Every pair declined by either side in any earlier proposal.
pub async fn declines<C: ConnectionTrait>(db: &C) -> Result<Declines, sea_orm::DbErr> {
    let rows: Vec<(i64, i64, String)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::UnitId)
        .column(proposal::Column::HouseholdId)
        .column(proposal::Column::State)
        .filter(proposal::Column::State.is_in([
            ProposalState::HouseholdDeclined.as_str(),
            ProposalState::LandlordDeclined.as_str(),
        ]))
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Declines::default();
    for (unit, household, state) in rows {
        if state == ProposalState::HouseholdDeclined.as_str() {
            out.by_household.insert((unit, household));
        } else {
            out.by_landlord.insert((unit, household));
        }
    }
    Ok(out)
}

/// Units and households held by an open proposal: frozen for other runs.
pub async fn frozen<C: ConnectionTrait>(
    db: &C,
) -> Result<(BTreeSet<i64>, BTreeSet<i64>), sea_orm::DbErr> {
    let rows: Vec<(i64, i64)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::UnitId)
        .column(proposal::Column::HouseholdId)
        .filter(proposal::Column::IsOpen.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    Ok((
        rows.iter().map(|r| r.0).collect(),
        rows.iter().map(|r| r.1).collect(),
    ))
}

/// Flats that may be a duplicate of another (an open `duplicate_unit` review flag from an
/// import): held out of matching until a coordinator decides.
pub async fn duplicates_under_review<C: ConnectionTrait>(
    db: &C,
) -> Result<BTreeSet<i64>, sea_orm::DbErr> {
    use entities::review_flag;
    Ok(review_flag::Entity::find()
        .select_only()
        .column(review_flag::Column::EntityId)
        .filter(review_flag::Column::Kind.eq("duplicate_unit"))
        .filter(review_flag::Column::Entity.eq("units"))
        .filter(review_flag::Column::ResolvedAt.is_null())
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// A finished run to store.
#[derive(Debug, Clone)]
pub struct NewRun {
    pub municipality_id: Option<i64>,
    pub trigger: String,
    pub triggered_by: Option<i64>,
    pub as_of: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub households: i32,
    pub units: i32,
    pub pairs_scored: i64,
    pub eligible_pairs: i64,
    pub assigned: i32,
    pub total_score: f64,
    pub elapsed_ms: i64,
    pub engine_version: String,
    pub rule_set_ids: Vec<i64>,
    /// The fairness report as JSON.
    pub fairness: Option<String>,
}

/// A candidate to store: rank 0 is the proposed assignment, 1.. the alternatives.
#[derive(Debug, Clone)]
pub struct NewCandidate {
    pub unit_id: i64,
    pub household_id: i64,
    pub rank: i32,
    pub score: f64,
    /// The criteria as JSON, exactly as the engine explained them.
    pub criteria: String,
}

/// Inserts a completed run with its rule-set versions and returns its id.
pub async fn insert_run<C: ConnectionTrait>(db: &C, run: &NewRun) -> Result<i64, sea_orm::DbErr> {
    let row = match_run::ActiveModel {
        municipality_id: Set(run.municipality_id),
        status: Set("completed".into()),
        trigger: Set(run.trigger.clone()),
        triggered_by_user_id: Set(run.triggered_by),
        as_of: Set(run.as_of),
        started_at: Set(run.started_at),
        finished_at: Set(Some(run.finished_at)),
        households_count: Set(run.households),
        units_count: Set(run.units),
        pairs_scored: Set(run.pairs_scored),
        eligible_pairs: Set(run.eligible_pairs),
        assigned_count: Set(run.assigned),
        total_score: Set(run.total_score),
        elapsed_ms: Set(run.elapsed_ms),
        engine_version: Set(run.engine_version.clone()),
        error: Set(None),
        fairness: Set(run.fairness.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let links: Vec<match_run_rule_set::ActiveModel> = run
        .rule_set_ids
        .iter()
        .map(|id| match_run_rule_set::ActiveModel {
            match_run_id: Set(row.id),
            rule_set_id: Set(*id),
        })
        .collect();
    for chunk in links.chunks(CHUNK) {
        match_run_rule_set::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(row.id)
}

/// Inserts the run's candidates; returns their ids by (unit, household).
pub async fn insert_candidates<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
    candidates: &[NewCandidate],
) -> Result<HashMap<(i64, i64), i64>, sea_orm::DbErr> {
    let mut ids = HashMap::with_capacity(candidates.len());
    for chunk in candidates.chunks(CHUNK) {
        let rows: Vec<match_candidate::ActiveModel> = chunk
            .iter()
            .map(|c| match_candidate::ActiveModel {
                match_run_id: Set(run_id),
                unit_id: Set(c.unit_id),
                household_id: Set(c.household_id),
                rank: Set(c.rank),
                score: Set(c.score),
                criteria: Set(c.criteria.clone()),
                ..Default::default()
            })
            .collect();
        for model in match_candidate::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?
        {
            ids.insert((model.unit_id, model.household_id), model.id);
        }
    }
    Ok(ids)
}

/// A suggestion to store as a proposal in state `suggested`.
#[derive(Debug, Clone)]
pub struct NewSuggestion {
    pub candidate_id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub score: f64,
}

/// Inserts suggested proposals with their first event; returns how many.
pub async fn insert_suggestions<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
    suggestions: &[NewSuggestion],
    actor_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let actor_kind = if actor_user_id.is_some() {
        "user"
    } else {
        "system"
    };
    for chunk in suggestions.chunks(CHUNK) {
        let rows: Vec<proposal::ActiveModel> = chunk
            .iter()
            .map(|s| proposal::ActiveModel {
                match_run_id: Set(Some(run_id)),
                candidate_id: Set(Some(s.candidate_id)),
                unit_id: Set(s.unit_id),
                household_id: Set(s.household_id),
                state: Set(ProposalState::Suggested.as_str().into()),
                is_open: Set(false),
                origin: Set("engine".into()),
                score: Set(s.score),
                override_reason: Set(None),
                state_changed_at: Set(now),
                approved_at: Set(None),
                approved_by_user_id: Set(None),
                sent_at: Set(None),
                answer_due_at: Set(None),
                reminded_at: Set(None),
                landlord_answered_at: Set(None),
                household_answered_at: Set(None),
                closed_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        let inserted = proposal::Entity::insert_many(rows)
            .exec_with_returning(db)
            .await?;
        let events: Vec<proposal_event::ActiveModel> = inserted
            .iter()
            .map(|p| {
                let mut e = event(p.id, None, ProposalState::Suggested, "match_run", now);
                e.actor_kind = Set(actor_kind.into());
                e.actor_user_id = Set(actor_user_id);
                e.reason = Set(Some(format!("match run #{run_id}")));
                e
            })
            .collect();
        proposal_event::Entity::insert_many(events)
            .exec_without_returning(db)
            .await?;
    }
    Ok(suggestions.len())
}

/// An event of the system moving a proposal, with its reason code.
fn event(
    proposal_id: i64,
    from: Option<ProposalState>,
    to: ProposalState,
    reason_code: &str,
    now: DateTime<Utc>,
) -> proposal_event::ActiveModel {
    proposal_event::ActiveModel {
        proposal_id: Set(proposal_id),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        to_state: Set(to.as_str().into()),
        actor_kind: Set("system".into()),
        actor_user_id: Set(None),
        reason_code: Set(Some(reason_code.to_owned())),
        reason: Set(None),
        data: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Moves these `suggested` proposals to `rejected` by the system, with an event giving
/// `reason_code` (and `reason`) for each.
pub async fn reject_suggested<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    reason_code: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    for chunk in ids.chunks(CHUNK) {
        proposal::Entity::update_many()
            .col_expr(
                proposal::Column::State,
                ProposalState::Rejected.as_str().into(),
            )
            .col_expr(proposal::Column::StateChangedAt, now.into())
            .col_expr(proposal::Column::ClosedAt, Some(now).into())
            .col_expr(proposal::Column::UpdatedAt, now.into())
            .filter(proposal::Column::Id.is_in(chunk.to_vec()))
            .filter(proposal::Column::State.eq(ProposalState::Suggested.as_str()))
            .exec(db)
            .await?;
        let events: Vec<proposal_event::ActiveModel> = chunk
            .iter()
            .map(|id| {
                let from = Some(ProposalState::Suggested);
                let mut e = event(*id, from, ProposalState::Rejected, reason_code, now);
                e.reason = Set(reason.map(str::to_owned));
                e
            })
            .collect();
        proposal_event::Entity::insert_many(events)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The `suggested` proposals of a household or of some flats.
pub async fn suggestions_of<C: ConnectionTrait>(
    db: &C,
    household_id: Option<i64>,
    unit_ids: &[i64],
) -> Result<Vec<i64>, sea_orm::DbErr> {
    proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::State.eq(ProposalState::Suggested.as_str()))
        .filter(super::pipeline::of_household_or_units(
            household_id,
            unit_ids,
        ))
        .order_by_asc(proposal::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Moves every `suggested` proposal touching the scope (a unit of the municipality or a
/// household of it; everything when `None`) to `rejected`, recorded as superseded by the
/// new run. Returns how many.
pub async fn supersede_suggestions<C: ConnectionTrait>(
    db: &C,
    municipality_id: Option<i64>,
    run_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let mut query = proposal::Entity::find()
        .filter(proposal::Column::State.eq(ProposalState::Suggested.as_str()));
    if let Some(m) = municipality_id {
        let mut units_of = Query::select();
        units_of
            .column(unit::Column::Id)
            .from(unit::Entity)
            .and_where(unit::Column::MunicipalityId.eq(m));
        let mut households_of = Query::select();
        households_of
            .column(entities::household::Column::Id)
            .from(entities::household::Entity)
            .and_where(entities::household::Column::MunicipalityId.eq(m));
        query = query.filter(
            Condition::any()
                .add(proposal::Column::UnitId.in_subquery(units_of))
                .add(proposal::Column::HouseholdId.in_subquery(households_of)),
        );
    }
    let stale: Vec<i64> = query
        .select_only()
        .column(proposal::Column::Id)
        .order_by_asc(proposal::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let reason = format!("superseded by match run #{run_id}");
    reject_suggested(db, &stale, "superseded", Some(&reason), now).await?;
    Ok(stale.len())
}

/// The scored pair with this id.
pub async fn candidate<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<match_candidate::Model>, sea_orm::DbErr> {
    match_candidate::Entity::find_by_id(id).one(db).await
}

/// The run's suggestion for a flat that still waits for review, if any.
pub async fn suggestion_for_unit<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
    unit_id: i64,
) -> Result<Option<proposal::Model>, sea_orm::DbErr> {
    proposal::Entity::find()
        .filter(proposal::Column::MatchRunId.eq(run_id))
        .filter(proposal::Column::UnitId.eq(unit_id))
        .filter(proposal::Column::State.eq(ProposalState::Suggested.as_str()))
        .one(db)
        .await
}
