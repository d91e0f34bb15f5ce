//! `proposals`: A proposal of a unit to a household, moving through the placement pipeline.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A proposal of a unit to a household, moving through the placement pipeline.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub match_run_id: Option<i64>,
    pub candidate_id: Option<i64>,
    pub unit_id: i64,
    pub household_id: i64,
    pub state: String,
    pub is_open: bool,
    pub origin: String,
    pub score: f64,
    pub override_reason: Option<String>,
    pub state_changed_at: DateTimeUtc,
    pub approved_at: Option<DateTimeUtc>,
    pub approved_by_user_id: Option<i64>,
    pub sent_at: Option<DateTimeUtc>,
    pub answer_due_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    pub landlord_answered_at: Option<DateTimeUtc>,
    pub household_answered_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::match_run::Entity",
        from = "Column::MatchRunId",
        to = "super::match_run::Column::Id"
    )]
    MatchRun,
    #[sea_orm(
        belongs_to = "super::match_candidate::Entity",
        from = "Column::CandidateId",
        to = "super::match_candidate::Column::Id"
    )]
    Candidate,
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
        belongs_to = "super::user::Entity",
        from = "Column::ApprovedByUserId",
        to = "super::user::Column::Id"
    )]
    ApprovedBy,
}

impl Related<super::match_run::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MatchRun.def()
    }
}

impl Related<super::match_candidate::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Candidate.def()
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

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApprovedBy.def()
    }
}

impl Related<super::viewing::Entity> for Entity {
    fn to() -> RelationDef {
        super::viewing::Relation::Proposal.def().rev()
    }
}

impl Related<super::placement::Entity> for Entity {
    fn to() -> RelationDef {
        super::placement::Relation::Proposal.def().rev()
    }
}

impl Related<super::proposal_event::Entity> for Entity {
    fn to() -> RelationDef {
        super::proposal_event::Relation::Proposal.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
