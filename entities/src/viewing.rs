//! `viewings`: A viewing (Besichtigung) of the unit by the household.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A viewing (Besichtigung) of the unit by the household.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "viewings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub status: String,
    pub proposed_by: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: Option<DateTimeUtc>,
    pub place: String,
    pub accompanied_by_user_id: Option<i64>,
    pub accompanied_by_name: Option<String>,
    pub note: Option<String>,
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
        belongs_to = "super::user::Entity",
        from = "Column::AccompaniedByUserId",
        to = "super::user::Column::Id"
    )]
    AccompaniedBy,
}

impl Related<super::proposal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Proposal.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AccompaniedBy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
