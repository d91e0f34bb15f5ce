//! The placement pipeline's rows: proposals with their unit and household (here),
//! placements with their follow-ups, and viewings (in the submodules).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entities::{household, proposal, unit};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::domain::pipeline::ProposalState;

pub mod detail;
mod placements;
mod viewings;

pub use placements::*;
pub use viewings::*;

/// Ids per `IN (...)` list: well below SQLite's limit of bound parameters.
pub(crate) const CHUNK: usize = 500;

/// A proposal with the rows of its unit and household.
#[derive(Debug, Clone)]
pub struct ProposalRow {
    pub proposal: proposal::Model,
    pub unit: unit::Model,
    pub household: household::Model,
}

async fn units_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<BTreeMap<i64, unit::Model>, sea_orm::DbErr> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        for u in unit::Entity::find()
            .filter(unit::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(u.id, u);
        }
    }
    Ok(out)
}

/// Household rows by id.
pub async fn households_by_id<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<BTreeMap<i64, household::Model>, sea_orm::DbErr> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        for h in household::Entity::find()
            .filter(household::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(h.id, h);
        }
    }
    Ok(out)
}

/// Attaches units and households to proposals (in their order), taking those already
/// loaded from `units` and `households` and fetching only the others (proposals across
/// municipalities), so a page that loaded a municipality's rows asks again for none.
pub async fn with_known_parties<C: ConnectionTrait>(
    db: &C,
    proposals: Vec<proposal::Model>,
    units: &[unit::Model],
    households: &[household::Model],
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    let mut unit_rows: BTreeMap<i64, unit::Model> =
        units.iter().map(|u| (u.id, u.clone())).collect();
    let mut household_rows: BTreeMap<i64, household::Model> =
        households.iter().map(|h| (h.id, h.clone())).collect();
    let mut missing_units: Vec<i64> = proposals
        .iter()
        .map(|p| p.unit_id)
        .filter(|id| !unit_rows.contains_key(id))
        .collect();
    missing_units.sort_unstable();
    missing_units.dedup();
    let mut missing_households: Vec<i64> = proposals
        .iter()
        .map(|p| p.household_id)
        .filter(|id| !household_rows.contains_key(id))
        .collect();
    missing_households.sort_unstable();
    missing_households.dedup();
    unit_rows.extend(units_by_id(db, &missing_units).await?);
    household_rows.extend(households_by_id(db, &missing_households).await?);
    Ok(proposals
        .into_iter()
        .filter_map(|p| {
            let unit = unit_rows.get(&p.unit_id)?.clone();
            let household = household_rows.get(&p.household_id)?.clone();
            Some(ProposalRow {
                proposal: p,
                unit,
                household,
            })
        })
        .collect())
}

/// The proposals touching a municipality (its unit or its household), newest first,
/// without their parties.
pub async fn proposals_of_municipality<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<proposal::Model>, sea_orm::DbErr> {
    proposal::Entity::find()
        .filter(touching(&[municipality_id]))
        .order_by_desc(proposal::Column::Id)
        .all(db)
        .await
}

/// Proposals whose flat or household belongs to one of the municipalities.
fn touching(municipalities: &[i64]) -> Condition {
    let mut units_of = Query::select();
    units_of
        .column(unit::Column::Id)
        .from(unit::Entity)
        .and_where(unit::Column::MunicipalityId.is_in(municipalities.to_vec()));
    let mut households_of = Query::select();
    households_of
        .column(household::Column::Id)
        .from(household::Entity)
        .and_where(household::Column::MunicipalityId.is_in(municipalities.to_vec()));
    Condition::any()
        .add(proposal::Column::UnitId.in_subquery(units_of))
        .add(proposal::Column::HouseholdId.in_subquery(households_of))
}

/// The proposals `query` selects (in its order) with their flat and household, joined in
/// one round trip.
async fn joined<C: ConnectionTrait>(
    db: &C,
    query: sea_orm::Select<proposal::Entity>,
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    Ok(query
        .find_also_related(unit::Entity)
        .find_also_related(household::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(proposal, unit, household)| {
            Some(ProposalRow {
                proposal,
                unit: unit?,
                household: household?,
            })
        })
        .collect())
}

/// Proposals touching a municipality (its unit or its household), optionally only in
/// some states, newest first.
pub async fn of_municipality<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    states: Option<&[ProposalState]>,
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    let mut query = proposal::Entity::find().filter(touching(&[municipality_id]));
    if let Some(states) = states {
        query = query.filter(proposal::Column::State.is_in(states.iter().map(|s| s.as_str())));
    }
    joined(db, query.order_by_desc(proposal::Column::Id)).await
}

/// Which proposals a page of the API lists.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// Proposals touching these municipalities (their flat's or their household's).
    pub municipalities: Vec<i64>,
    /// Only these states (a stage of the board, a state asked for, or both intersected).
    pub states: Option<Vec<ProposalState>>,
    pub unit_id: Option<i64>,
}

/// One page of the proposals matching `filter`, newest first, with their parties; and how
/// many match in all. Filtered, counted and cut in the database.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    filter: &ProposalFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<ProposalRow>, u64), sea_orm::DbErr> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut cond = Condition::all().add(touching(&filter.municipalities));
    if let Some(states) = &filter.states {
        cond = cond.add(proposal::Column::State.is_in(states.iter().map(|s| s.as_str())));
    }
    if let Some(unit_id) = filter.unit_id {
        cond = cond.add(proposal::Column::UnitId.eq(unit_id));
    }
    let total = proposal::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let query = proposal::Entity::find()
        .filter(cond)
        .order_by_desc(proposal::Column::Id)
        .offset(offset)
        .limit(limit);
    Ok((joined(db, query).await?, total))
}

/// A household's proposals, newest first.
pub async fn of_household<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    let query = proposal::Entity::find()
        .filter(proposal::Column::HouseholdId.eq(household_id))
        .order_by_desc(proposal::Column::Id);
    joined(db, query).await
}

/// A unit's proposals, newest first.
pub async fn of_unit<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    let query = proposal::Entity::find()
        .filter(proposal::Column::UnitId.eq(unit_id))
        .order_by_desc(proposal::Column::Id);
    joined(db, query).await
}

/// The proposals a match run suggested (and overrides of them), by id.
pub async fn of_run<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    let query = proposal::Entity::find()
        .filter(proposal::Column::MatchRunId.eq(run_id))
        .order_by_asc(proposal::Column::Id);
    joined(db, query).await
}

/// One proposal with its parties.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<ProposalRow>, sea_orm::DbErr> {
    let query = proposal::Entity::find().filter(proposal::Column::Id.eq(id));
    Ok(joined(db, query).await?.pop())
}

/// The proposals with these ids (in id order) with their parties.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Vec<ProposalRow>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let query = proposal::Entity::find().filter(proposal::Column::Id.is_in(chunk.to_vec()));
        out.extend(joined(db, query).await?);
    }
    out.sort_by_key(|r| r.proposal.id);
    Ok(out)
}

/// The open proposal (if any) of each of these households.
pub async fn open_of_households<C: ConnectionTrait>(
    db: &C,
    household_ids: &[i64],
) -> Result<BTreeMap<i64, proposal::Model>, sea_orm::DbErr> {
    let mut out = BTreeMap::new();
    for chunk in household_ids.chunks(CHUNK) {
        for p in proposal::Entity::find()
            .filter(proposal::Column::IsOpen.eq(true))
            .filter(proposal::Column::HouseholdId.is_in(chunk.to_vec()))
            .order_by_asc(proposal::Column::Id)
            .all(db)
            .await?
        {
            out.entry(p.household_id).or_insert(p);
        }
    }
    Ok(out)
}

/// Whether the household or the unit is held by an open proposal other than `except`.
pub async fn held<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    household_id: i64,
    except: Option<i64>,
) -> Result<(bool, bool), sea_orm::DbErr> {
    let mut query = proposal::Entity::find()
        .filter(proposal::Column::IsOpen.eq(true))
        .filter(
            Condition::any()
                .add(proposal::Column::UnitId.eq(unit_id))
                .add(proposal::Column::HouseholdId.eq(household_id)),
        );
    if let Some(id) = except {
        query = query.filter(proposal::Column::Id.ne(id));
    }
    let open = query.all(db).await?;
    Ok((
        open.iter().any(|p| p.unit_id == unit_id),
        open.iter().any(|p| p.household_id == household_id),
    ))
}

/// Proposals of the household (if any) or of one of the flats.
pub fn of_household_or_units(household_id: Option<i64>, unit_ids: &[i64]) -> Condition {
    let which = Condition::any().add(proposal::Column::UnitId.is_in(unit_ids.to_vec()));
    match household_id {
        Some(h) => which.add(proposal::Column::HouseholdId.eq(h)),
        None => which,
    }
}

/// The open proposals of a household or of some flats, oldest first.
pub async fn open_proposals<C: ConnectionTrait>(
    db: &C,
    household_id: Option<i64>,
    unit_ids: &[i64],
) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::IsOpen.eq(true))
        .filter(of_household_or_units(household_id, unit_ids))
        .order_by_asc(proposal::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// A coordinator's own choice of household for a flat of a run.
#[derive(Debug, Clone)]
pub struct Override<'a> {
    pub run_id: i64,
    pub candidate_id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub score: f64,
    pub reason: &'a str,
    pub user_id: i64,
}

/// Creates a proposal in state `suggested` for a coordinator's own choice (an override
/// of a run's suggestion), with its first event. Returns its id.
pub async fn insert_override<C: ConnectionTrait>(
    db: &C,
    o: &Override<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = proposal::ActiveModel {
        match_run_id: Set(Some(o.run_id)),
        candidate_id: Set(Some(o.candidate_id)),
        unit_id: Set(o.unit_id),
        household_id: Set(o.household_id),
        state: Set(ProposalState::Suggested.as_str().into()),
        is_open: Set(false),
        origin: Set("override".into()),
        score: Set(o.score),
        override_reason: Set(Some(o.reason.to_owned())),
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
    }
    .insert(db)
    .await?;
    entities::proposal_event::ActiveModel {
        proposal_id: Set(row.id),
        from_state: Set(None),
        to_state: Set(ProposalState::Suggested.as_str().into()),
        actor_kind: Set("user".into()),
        actor_user_id: Set(Some(o.user_id)),
        reason_code: Set(Some("override".into())),
        reason: Set(Some(o.reason.to_owned())),
        data: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Records who approved a proposal and when.
pub async fn mark_approved<C: ConnectionTrait>(
    db: &C,
    id: i64,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    proposal::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        approved_at: Set(Some(now)),
        approved_by_user_id: Set(user_id),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Records when a proposal went out and by when the answers are due.
pub async fn mark_sent<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    proposal::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        sent_at: Set(Some(now)),
        answer_due_at: Set(Some(due)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
