//! `municipalities`: A Gemeinde, identified by its Amtlicher Gemeindeschlüssel (AGS).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A Gemeinde, identified by its Amtlicher Gemeindeschlüssel (AGS).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "municipalities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ags: String,
    pub name: String,
    pub district: String,
    pub state: String,
    pub center_lat: f64,
    pub center_lon: f64,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl Related<super::incentive_programme::Entity> for Entity {
    fn to() -> RelationDef {
        super::incentive_programme::Relation::Municipality
            .def()
            .rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
