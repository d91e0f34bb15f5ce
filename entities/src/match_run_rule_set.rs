//! `match_run_rule_sets`: Which rule-table version a match run used.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Which rule-table version a match run used.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "match_run_rule_sets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub match_run_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub rule_set_id: i64,
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
        belongs_to = "super::rule_set::Entity",
        from = "Column::RuleSetId",
        to = "super::rule_set::Column::Id"
    )]
    RuleSet,
}

impl Related<super::match_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MatchRun.def()
    }
}

impl Related<super::rule_set::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RuleSet.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
