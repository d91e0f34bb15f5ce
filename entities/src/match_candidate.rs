//! `match_candidates`: A scored pair of a run: rank 0 is the proposed assignment, 1.. the alternatives; criteria as computed (JSON).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A scored pair of a run: rank 0 is the proposed assignment, 1.. the alternatives; criteria as computed (JSON).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "match_candidates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub match_run_id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub rank: i32,
    pub score: f64,
    pub criteria: String,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::match_run::Entity",
        from = "Column::MatchRunId",
        to = "super::match_run::Column::Id"
    )]
    MatchRun,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id"
    )]
    Unit,
    #[sea_orm(
        belongs_to = "super::household::Entity",
        from = "Column::HouseholdId",
        to = "super::household::Column::Id"
    )]
    Household,
}

impl Related<super::match_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MatchRun.def()
    }
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::household::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Household.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
