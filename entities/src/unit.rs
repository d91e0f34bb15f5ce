//! `units`: A flat offered by a landlord. Money in euro cents; Bruttokaltmiete = cold rent + service charges.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A flat offered by a landlord. Money in euro cents; Bruttokaltmiete = cold rent + service charges.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "units")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub landlord_id: i64,
    pub municipality_id: i64,
    pub status: String,
    pub street: String,
    pub house_number: String,
    pub postal_code: String,
    pub town: String,
    pub address_extra: Option<String>,
    pub lat: f64,
    pub lon: f64,
    pub area_m2: f64,
    pub rooms: f64,
    pub floor: i32,
    pub has_lift: bool,
    pub step_free: bool,
    pub wheelchair_accessible: bool,
    pub furnished: bool,
    pub pets_allowed: bool,
    pub max_occupants: i32,
    pub cold_rent_cents: i64,
    pub service_charges_cents: i64,
    pub heating_costs_cents: i64,
    pub deposit_cents: i64,
    pub municipal_top_up_cents: i64,
    pub available_from: Date,
    pub lease_type: String,
    pub lease_end: Option<Date>,
    pub pref_min_household_size: Option<i32>,
    pub pref_max_household_size: Option<i32>,
    pub pref_tags: String,
    pub pref_notes: Option<String>,
    pub description: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub checked_at: Option<DateTimeUtc>,
    pub checked_by_user_id: Option<i64>,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_reason: Option<String>,
    pub entered_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// How many times the row was written: the API's `ETag` and the edit form's version.
    pub version: i64,
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
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CheckedByUserId",
        to = "super::user::Column::Id"
    )]
    CheckedBy,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::EnteredByUserId",
        to = "super::user::Column::Id"
    )]
    EnteredBy,
}

impl Related<super::landlord::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Landlord.def()
    }
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl Related<super::unit_incentive::Entity> for Entity {
    fn to() -> RelationDef {
        super::unit_incentive::Relation::Unit.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
