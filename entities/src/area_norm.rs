//! `area_norms`: The angemessene Wohnfläche for one household size.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The angemessene Wohnfläche for one household size.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "area_norms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rule_set_id: i64,
    pub persons: i32,
    pub area_m2: f64,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::rule_set::Entity",
        from = "Column::RuleSetId",
        to = "super::rule_set::Column::Id"
    )]
    RuleSet,
}

impl Related<super::rule_set::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RuleSet.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
