//! `campaigns`: a channel a municipality advertises in, with the code its links carry.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A campaign code ("amtsblatt-maerz") and its label ("Amtsblatt März").
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub code: String,
    pub label: String,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
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
