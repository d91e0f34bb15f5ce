//! `action_tokens`: A signed, single-use, expiring link (confirmation, reset, invitation, proposal answer).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A signed, single-use, expiring link (confirmation, reset, invitation, proposal answer).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "action_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub token_hash: String,
    pub purpose: String,
    pub user_id: Option<i64>,
    pub proposal_id: Option<i64>,
    pub landlord_id: Option<i64>,
    pub party: Option<String>,
    pub action: Option<String>,
    /// For an e-mail change: the new address, set once the link is opened.
    pub new_email: Option<String>,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::proposal::Entity",
        from = "Column::ProposalId",
        to = "super::proposal::Column::Id"
    )]
    Proposal,
    #[sea_orm(
        belongs_to = "super::landlord::Entity",
        from = "Column::LandlordId",
        to = "super::landlord::Column::Id"
    )]
    Landlord,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl Related<super::proposal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Proposal.def()
    }
}

impl Related<super::landlord::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Landlord.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
