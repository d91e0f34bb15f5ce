//! `households`: A household in follow-up housing looking for a flat.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A household in follow-up housing looking for a flat.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "households")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub reference: String,
    pub status: String,
    pub residence_status: String,
    pub residence_obligation: bool,
    pub residence_obligation_until: Option<Date>,
    pub benefit_type: Option<String>,
    pub work_situation: Option<String>,
    pub wheelchair: bool,
    pub max_floor_without_lift: Option<i32>,
    pub rooms_wanted: Option<f64>,
    pub pets: bool,
    pub max_distance_km: Option<f64>,
    pub latest_move_date: Option<Date>,
    pub follow_up_site: Option<String>,
    pub in_follow_up_since: Option<Date>,
    pub urgency: i32,
    pub urgency_reason: Option<String>,
    pub languages: String,
    pub preferred_language: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub caseworker_user_id: Option<i64>,
    pub caseworker_name: Option<String>,
    pub caseworker_email: Option<String>,
    pub caseworker_phone: Option<String>,
    pub landlord_text: Option<String>,
    pub consent_at: Option<DateTimeUtc>,
    pub consent_scope: Option<String>,
    pub consent_recorded_by_user_id: Option<i64>,
    pub consent_withdrawn_at: Option<DateTimeUtc>,
    pub notes: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub close_reason: Option<String>,
    pub anonymized_at: Option<DateTimeUtc>,
    /// The reference and the members' names, lowercased, for the list's search.
    pub search_text: String,
    /// The first member's first and last name, a copy kept with the members for the list.
    pub list_name: String,
    /// Every member's year of birth, comma-separated in the members' order: a copy kept
    /// with the members for the list (persons and ages).
    pub list_birth_years: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// How many times the row was written: the API's `ETag` and the edit form's version.
    pub version: i64,
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
        belongs_to = "super::user::Entity",
        from = "Column::CaseworkerUserId",
        to = "super::user::Column::Id"
    )]
    Caseworker,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::ConsentRecordedByUserId",
        to = "super::user::Column::Id"
    )]
    ConsentRecordedBy,
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl Related<super::household_member::Entity> for Entity {
    fn to() -> RelationDef {
        super::household_member::Relation::Household.def().rev()
    }
}

impl Related<super::household_anchor::Entity> for Entity {
    fn to() -> RelationDef {
        super::household_anchor::Relation::Household.def().rev()
    }
}

impl Related<super::household_allowed_municipality::Entity> for Entity {
    fn to() -> RelationDef {
        super::household_allowed_municipality::Relation::Household
            .def()
            .rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
