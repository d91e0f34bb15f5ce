//! `document_templates`: a municipality's own part of the documents, versioned.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One version of a municipality's part (Typst source, optional logo).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "document_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub version: i32,
    pub source: String,
    pub logo: Option<Vec<u8>>,
    pub logo_type: Option<String>,
    pub note: Option<String>,
    pub uploaded_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

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
