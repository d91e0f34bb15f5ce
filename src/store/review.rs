//! A match run's rows for its review page: the run with its rule sets, and its
//! candidates with their households' references and sizes (two round trips).

use entities::{household, match_candidate, match_run, match_run_rule_set, rule_set};
use sea_orm::sea_query::Expr;
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
