//! `placements`: A placement from both sides' acceptance through Zusicherung and lease to move-in and beyond.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A placement from both sides' acceptance through Zusicherung and lease to move-in and beyond.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "placements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub municipality_id: i64,
    pub jobcenter_status: Option<String>,
    pub jobcenter_requested_on: Option<Date>,
    pub jobcenter_decided_on: Option<Date>,
    pub lease_kind: Option<String>,
    pub lease_signed_on: Option<Date>,
    pub lease_start: Option<Date>,
    pub rent_cold_cents: Option<i64>,
    pub service_charges_cents: Option<i64>,
    pub heating_costs_cents: Option<i64>,
    pub moved_in_on: Option<Date>,
    pub freed_site: Option<String>,
    pub places_freed: i32,
    pub outcome: String,
    pub ended_on: Option<Date>,
    pub end_reason: Option<String>,
    /// Why the tenancy ended early, from the closed list (`domain::pipeline::EndReason`).
    pub end_reason_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::proposal::Entity",
        from = "Column::ProposalId",
        to = "super::proposal::Column::Id"
    )]
    Proposal,
    #[sea_orm(
        belongs_to = "super::unit::Entity",
        from = "Column::UnitId",
        to = "super::unit::Column::Id"
    )]
    Unit,
    #[sea_orm(
        belongs_to = "super::household::Entity",
        from = "Column::HouseholdId",
        to = "super::household::Column::Id"
    )]
    Household,
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
}

impl Related<super::proposal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Proposal.def()
    }
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Unit.def()
    }
}

impl Related<super::household::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Household.def()
    }
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl Related<super::follow_up::Entity> for Entity {
    fn to() -> RelationDef {
        super::follow_up::Relation::Placement.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
