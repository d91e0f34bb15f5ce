//! `landlord_origins`: how a landlord came to Bleibe (page, campaign, their own answer).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The channel a landlord signed up through.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "landlord_origins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub landlord_id: i64,
    pub municipality_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub heard_from: Option<String>,
    pub created_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::campaign::Entity",
        from = "Column::CampaignId",
        to = "super::campaign::Column::Id"
    )]
    Campaign,
}

impl Related<super::campaign::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Campaign.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
