//! `unit_incentives`: An incentive a landlord asked for on a unit, and what was decided and paid.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An incentive a landlord asked for on a unit, and what was decided and paid.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "unit_incentives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub programme_id: i64,
    pub status: String,
    pub landlord_note: Option<String>,
    pub requested_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by_user_id: Option<i64>,
    pub decision_note: Option<String>,
    pub granted_amount_cents: Option<i64>,
    pub granted_from: Option<Date>,
    pub granted_until: Option<Date>,
    pub paid_amount_cents: Option<i64>,
    pub paid_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id"
    )]
    Unit,
    #[sea_orm(
        belongs_to = "super::incentive_programme::Entity",
        from = "Column::ProgrammeId",
        to = "super::incentive_programme::Column::Id"
    )]
    Programme,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::DecidedByUserId",
        to = "super::user::Column::Id"
    )]
    DecidedBy,
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::incentive_programme::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Programme.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DecidedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
