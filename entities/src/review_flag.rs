//! `review_flags`: Something a person should look at, such as a likely duplicate from an import.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Something a person should look at, such as a likely duplicate from an import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "review_flags")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub entity: String,
    pub entity_id: i64,
    pub other_entity_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub import_id: Option<i64>,
    pub reason: String,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by_user_id: Option<i64>,
    pub resolution: Option<String>,
    pub created_at: DateTimeUtc,
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
        belongs_to = "super::import::Entity",
        from = "Column::ImportId",
        to = "super::import::Column::Id"
    )]
    Import,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ResolvedByUserId",
        to = "super::user::Column::Id"
    )]
    ResolvedBy,
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl Related<super::import::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Import.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ResolvedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
