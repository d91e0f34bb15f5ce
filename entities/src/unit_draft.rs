//! `unit_drafts`: A unit form saved before it is complete: the raw fields as typed (JSON).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A unit form saved before it is complete: the raw fields as typed (JSON).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "unit_drafts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub landlord_id: i64,
    pub unit_id: Option<i64>,
    pub form_data: String,
    pub created_by_user_id: Option<i64>,
    /// The key of the new-flat form that started this draft (a repeated post finds it).
    pub form_key: Option<String>,
    /// When the landlord was reminded that this old draft will be deleted.
    pub reminded_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::landlord::Entity",
        from = "Column::LandlordId",
        to = "super::landlord::Column::Id"
    )]
    Landlord,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id"
    )]
    Unit,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedByUserId",
        to = "super::user::Column::Id"
    )]
    CreatedBy,
}

impl Related<super::landlord::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Landlord.def()
    }
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CreatedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
