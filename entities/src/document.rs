//! `documents`: a document made (PDF), with the template version and the data it used.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A document made for a proposal, or a municipality's yearly report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub proposal_id: Option<i64>,
    pub kind: String,
    pub lang: String,
    pub template_version: i32,
    pub data: String,
    pub sha256: String,
    pub pdf: Vec<u8>,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::proposal::Entity",
        from = "Column::ProposalId",
        to = "super::proposal::Column::Id"
    )]
    Proposal,
}

impl Related<super::proposal::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Proposal.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
