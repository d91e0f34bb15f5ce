//! `incentive_programmes`: An incentive a municipality offers landlords (guarantee, grant, head lease, bonus, advice).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An incentive a municipality offers landlords (guarantee, grant, head lease, bonus, advice).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "incentive_programmes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub kind: String,
    pub name_de: String,
    pub name_en: String,
    pub conditions_de: String,
    pub conditions_en: String,
    pub amount_cents: Option<i64>,
    pub duration_months: Option<i32>,
    pub occupancy_years: Option<i32>,
    pub budget_cents: Option<i64>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
