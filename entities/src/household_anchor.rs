//! `household_anchors`: A place that ties a household to an area (work, school, kindergarten, course, doctor).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A place that ties a household to an area (work, school, kindergarten, course, doctor).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "household_anchors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub kind: String,
    pub label: String,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub town: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub importance: f64,
    pub position: i32,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::household::Entity",
        from = "Column::HouseholdId",
        to = "super::household::Column::Id"
    )]
    Household,
}

impl Related<super::household::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Household.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
