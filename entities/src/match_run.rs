//! `match_runs`: One run of the matching engine for one municipality, or for all (municipality NULL).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One run of the matching engine for one municipality, or for all (municipality NULL).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "match_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: Option<i64>,
    pub status: String,
    pub trigger: String,
    pub triggered_by_user_id: Option<i64>,
    pub as_of: Date,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub households_count: i32,
    pub units_count: i32,
    pub pairs_scored: i64,
    pub eligible_pairs: i64,
    pub assigned_count: i32,
    pub total_score: f64,
    pub elapsed_ms: i64,
    pub engine_version: String,
    pub error: Option<String>,
    /// The run's fairness report as JSON (group figures and notes; no household named).
    pub fairness: Option<String>,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::TriggeredByUserId",
        to = "super::user::Column::Id"
    )]
    TriggeredBy,
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TriggeredBy.def()
    }
}

impl Related<super::match_run_rule_set::Entity> for Entity {
    fn to() -> RelationDef {
        super::match_run_rule_set::Relation::MatchRun.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
