//! `follow_ups`: A check-in 1, 3, 6 or 12 months after move-in (Begleitung).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A check-in 1, 3, 6 or 12 months after move-in (Begleitung).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub placement_id: i64,
    pub month: i32,
    pub due_on: Date,
    pub status: String,
    pub done_on: Option<Date>,
    pub rent_paid: Option<bool>,
    pub problems: Option<String>,
    pub support_needed: Option<bool>,
    pub note: Option<String>,
    pub recorded_by_user_id: Option<i64>,
    pub reminder_sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::placement::Entity",
        from = "Column::PlacementId",
        to = "super::placement::Column::Id"
    )]
    Placement,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::RecordedByUserId",
        to = "super::user::Column::Id"
    )]
    RecordedBy,
}

impl Related<super::placement::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Placement.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RecordedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
