//! The rows a municipality's figures are computed from, in five round trips (six when a
//! proposal joins a flat here with a household of another municipality): the households
//! with their member counts, the flats with their incentive requests, the proposals
//! touching the municipality with their flat and household, the placements with their
//! follow-ups, and the incentive programmes with the answer time of the newest rule set.

use std::collections::BTreeMap;

use entities::{
    follow_up, household, incentive_programme, municipality, placement, unit, unit_incentive,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QueryResult, QuerySelect,
};

use super::pipeline::{self, ProposalRow};

/// What the figures of one municipality read.
#[derive(Debug, Clone, Default)]
pub struct FigureRows {
    /// The municipality's households, by id.
    pub households: Vec<household::Model>,
    /// Persons per household (its members), for its own households and the other
    /// municipalities' households of its proposals.
    pub persons: BTreeMap<i64, usize>,
    /// The municipality's flats, by id.
    pub units: Vec<unit::Model>,
    /// Their incentive requests, by id.
    pub incentives: Vec<unit_incentive::Model>,
    /// Proposals whose flat or household is here, newest first.
    pub proposals: Vec<ProposalRow>,
    /// Their placements, by id.
    pub placements: Vec<placement::Model>,
    /// The placements' follow-ups, by placement and month.
    pub follow_ups: Vec<follow_up::Model>,
    /// The municipality's incentive programmes, by id.
    pub programmes: Vec<incentive_programme::Model>,
    /// Days to answer a proposal, from the newest rule set (none stored: `None`).
    pub answer_days: Option<u32>,
}

/// The rows of municipality `municipality_id`.
pub async fn of_municipality<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<FigureRows, DbErr> {
    let mut out = FigureRows::default();
    for row in household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality_id))
        .expr_as(Expr::cust(super::households::MEMBER_COUNT), "persons")
        .order_by_asc(household::Column::Id)
        .into_model::<WithPersons>()
        .all(db)
        .await?
    {
        out.persons
            .insert(row.household.id, row.persons.max(0) as usize);
        out.households.push(row.household);
    }
    let mut incentives = BTreeMap::new();
    for (unit, request) in unit::Entity::find()
        .filter(unit::Column::MunicipalityId.eq(municipality_id))
        .find_also_related(unit_incentive::Entity)
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?
    {
        if let Some(r) = request {
            incentives.insert(r.id, r);
        }
        if out.units.last().is_none_or(|last| last.id != unit.id) {
            out.units.push(unit);
        }
    }
    out.incentives = incentives.into_values().collect();
    let proposals = pipeline::proposals_of_municipality(db, municipality_id).await?;
    out.proposals =
        pipeline::with_known_parties(db, proposals, &out.units, &out.households).await?;
    // Households of other municipalities in this one's proposals: their sizes too.
    let mut foreign: Vec<i64> = out
        .proposals
        .iter()
        .map(|r| r.household.id)
        .filter(|id| !out.persons.contains_key(id))
        .collect();
    foreign.sort_unstable();
    foreign.dedup();
    out.persons
        .extend(super::households::member_counts(db, &foreign).await?);
    let (placements, follow_ups) = placements_touching(db, municipality_id).await?;
    out.placements = placements;
    out.follow_ups = follow_ups;
    let (programmes, answer_days) = programmes_and_answer_days(db, municipality_id).await?;
    out.programmes = programmes;
    out.answer_days = answer_days;
    Ok(out)
}

/// A household row with its member count.
struct WithPersons {
    household: household::Model,
    persons: i64,
}

impl FromQueryResult for WithPersons {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            household: household::Model::from_query_result(res, pre)?,
            persons: res.try_get(pre, "persons")?,
        })
    }
}

/// The placements whose flat or household is in the municipality, with their
/// follow-ups, in one round trip.
async fn placements_touching<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<(Vec<placement::Model>, Vec<follow_up::Model>), DbErr> {
    let units_here = Query::select()
        .column(unit::Column::Id)
        .from(unit::Entity)
        .and_where(unit::Column::MunicipalityId.eq(municipality_id))
        .to_owned();
    let households_here = Query::select()
        .column(household::Column::Id)
        .from(household::Entity)
        .and_where(household::Column::MunicipalityId.eq(municipality_id))
        .to_owned();
    let mut placements = Vec::new();
    let mut follow_ups = Vec::new();
    for (p, f) in placement::Entity::find()
        .filter(
            Condition::any()
                .add(placement::Column::UnitId.in_subquery(units_here))
                .add(placement::Column::HouseholdId.in_subquery(households_here)),
        )
        .find_also_related(follow_up::Entity)
        .order_by_asc(placement::Column::Id)
        .order_by_asc(follow_up::Column::Month)
        .order_by_asc(follow_up::Column::Id)
        .all(db)
        .await?
    {
        follow_ups.extend(f);
        if placements
            .last()
            .is_none_or(|last: &placement::Model| last.id != p.id)
        {
            placements.push(p);
        }
    }
    Ok((placements, follow_ups))
}

/// The answer days of the newest rule set, as a column of the municipality's row.
const ANSWER_DAYS: &str = "(SELECT rule_sets.answer_days FROM rule_sets \
     WHERE rule_sets.municipality_id = municipalities.id \
     ORDER BY rule_sets.version DESC LIMIT 1)";

/// Only the answer days of a municipality's row.
struct AnswerDays(Option<i32>);

impl FromQueryResult for AnswerDays {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self(res.try_get(pre, "answer_days")?))
    }
}

/// The municipality's programmes (by id) and answer days, in one round trip: the
/// municipality's row joined with its programmes, the days a column beside it.
async fn programmes_and_answer_days<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<(Vec<incentive_programme::Model>, Option<u32>), DbErr> {
    let rows = municipality::Entity::find_by_id(municipality_id)
        .find_also_related(incentive_programme::Entity)
        .expr_as(Expr::cust(ANSWER_DAYS), "A_answer_days")
        .order_by_asc(incentive_programme::Column::Id)
        .into_model::<AnswerDays, incentive_programme::Model>()
        .all(db)
        .await?;
    let days = rows.first().and_then(|(d, _)| d.0).map(|d| d.max(0) as u32);
    Ok((rows.into_iter().filter_map(|(_, p)| p).collect(), days))
}
