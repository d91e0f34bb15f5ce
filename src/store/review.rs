//! A match run's rows for its review page: the run with its rule sets, and its
//! candidates with their households' references and sizes (two round trips).

use entities::{household, match_candidate, match_run, match_run_rule_set, rule_set};
use sea_orm::sea_query::Expr;

use crate::domain::pipeline::ProposalState;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, QuerySelect,
};

/// The run and the (municipality, version) of each rule set it used, by municipality.
pub async fn run_with_rule_sets<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
) -> Result<Option<(match_run::Model, Vec<(i64, i32)>)>, DbErr> {
    let rows = match_run::Entity::find_by_id(run_id)
        .find_also_related(match_run_rule_set::Entity)
        .and_also_related(rule_set::Entity)
        .order_by_asc(rule_set::Column::MunicipalityId)
        .all(db)
        .await?;
    let Some((run, ..)) = rows.first() else {
        return Ok(None);
    };
    let run = run.clone();
    let sets = rows
        .into_iter()
        .filter_map(|(_, _, set)| set.map(|s| (s.municipality_id, s.version)))
        .collect();
    Ok(Some((run, sets)))
}

/// A candidate of a run with its household's reference and number of persons.
#[derive(Debug, Clone)]
pub struct CandidateRow {
    pub candidate: match_candidate::Model,
    pub reference: String,
    pub persons: usize,
}

/// The candidate's row with the member count beside it.
struct WithPersons {
    candidate: match_candidate::Model,
    persons: i64,
}

impl FromQueryResult for WithPersons {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            candidate: match_candidate::Model::from_query_result(res, pre)?,
            persons: res.try_get(pre, "persons")?,
        })
    }
}

/// The run's candidates by flat and rank, each with its household's reference and size.
pub async fn candidates<C: ConnectionTrait>(
    db: &C,
    run_id: i64,
) -> Result<Vec<CandidateRow>, DbErr> {
    Ok(match_candidate::Entity::find()
        .filter(match_candidate::Column::MatchRunId.eq(run_id))
        .find_also_related(household::Entity)
        .expr_as(Expr::cust(super::households::MEMBER_COUNT), "A_persons")
        .order_by_asc(match_candidate::Column::UnitId)
        .order_by_asc(match_candidate::Column::Rank)
        .into_model::<WithPersons, household::Model>()
        .all(db)
        .await?
        .into_iter()
        .map(|(c, h)| CandidateRow {
            reference: h.map(|h| h.reference).unwrap_or_default(),
            persons: usize::try_from(c.persons).unwrap_or(0),
            candidate: c.candidate,
        })
        .collect())
}

/// One page of the runs of these municipalities, newest first, with the number over all
/// pages; with `with_unscoped` also the runs over every municipality (those have none).
pub async fn runs_page<C: ConnectionTrait>(
    db: &C,
    municipalities: &[i64],
    with_unscoped: bool,
    offset: u64,
    limit: u64,
) -> Result<(Vec<match_run::Model>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let mut which = sea_orm::Condition::any()
        .add(match_run::Column::MunicipalityId.is_in(municipalities.iter().copied()));
    if with_unscoped {
        which = which.add(match_run::Column::MunicipalityId.is_null());
    }
    let runs = match_run::Entity::find()
        .filter(which.clone())
        .order_by_desc(match_run::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    let shown = runs.len() as u64;
    let total = if shown < limit && (offset == 0 || shown > 0) {
        offset + shown
    } else {
        match_run::Entity::find().filter(which).count(db).await?
    };
    Ok((runs, total))
}

/// Whether the flat has a proposal under way or a suggestion waiting for review.
pub async fn under_way_or_suggested<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
) -> Result<bool, DbErr> {
    use entities::proposal;
    Ok(proposal::Entity::find()
        .filter(proposal::Column::UnitId.eq(unit_id))
        .filter(
            sea_orm::Condition::any()
                .add(proposal::Column::IsOpen.eq(true))
                .add(proposal::Column::State.eq(ProposalState::Suggested.as_str())),
        )
        .one(db)
        .await?
        .is_some())
}

/// Which of these households have a suggestion waiting for review (once each or more).
pub async fn suggested_households<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Vec<i64>, DbErr> {
    use entities::proposal;
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        found.extend(
            proposal::Entity::find()
                .filter(proposal::Column::HouseholdId.is_in(chunk.to_vec()))
                .filter(proposal::Column::State.eq(ProposalState::Suggested.as_str()))
                .all(db)
                .await?
                .into_iter()
                .map(|p| p.household_id),
        );
    }
    Ok(found)
}
