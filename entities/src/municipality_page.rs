//! `municipality_pages`: what an admin adds to a municipality's public page.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A municipality's short text (German, English) and photo for its public page.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "municipality_pages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub text_de: String,
    pub text_en: String,
    pub contact_name: Option<String>,
    pub photo: Option<Vec<u8>>,
    pub photo_type: Option<String>,
    pub photo_alt: Option<String>,
    pub updated_by_user_id: Option<i64>,
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

impl ActiveModelBehavior for ActiveModel {}
