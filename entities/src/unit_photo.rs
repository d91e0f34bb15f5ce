//! `unit_photos`: A photo of a unit (or of a unit's draft); the file lives on disk under the data folder.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A photo of a unit (or of a unit's draft); the file lives on disk under the data folder.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "unit_photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: Option<i64>,
    pub draft_id: Option<i64>,
    pub storage_key: String,
    pub original_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub position: i32,
    /// What the photo shows, in the landlord's words (the image's text alternative).
    pub alt_text: Option<String>,
    pub created_at: DateTimeUtc,
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
        belongs_to = "super::unit_draft::Entity",
        from = "Column::DraftId",
        to = "super::unit_draft::Column::Id"
    )]
    Draft,
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::unit_draft::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Draft.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
