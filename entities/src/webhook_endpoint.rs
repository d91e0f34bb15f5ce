//! `webhook_endpoints`: where a municipality's events are sent.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An address that receives a municipality's events, signed with its secret.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub municipality_id: i64,
    pub url: String,
    /// The signing secret (HMAC-SHA256); shown to the admin once, when created.
    pub secret: String,
    /// The event types sent, comma-separated.
    pub events: String,
    /// Payloads may carry the household's reference (the receiver is the municipality's
    /// own case-management system).
    pub trusted: bool,
    pub active: bool,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::webhook_delivery::Entity")]
    Deliveries,
}

impl Related<super::webhook_delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deliveries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
