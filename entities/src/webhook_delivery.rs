//! `webhook_deliveries`: the webhook outbox, one row per event and endpoint.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// An event for one endpoint: written in the transaction of the change, sent by the
/// outbox job, retried with back-off and given up after a number of attempts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub endpoint_id: i64,
    /// The event type, e.g. `proposal.sent`.
    pub event: String,
    /// The event's id, the same for every endpoint and every attempt.
    pub event_id: String,
    pub proposal_id: Option<i64>,
    pub household_id: Option<i64>,
    /// The body sent (JSON): ids and states.
    pub payload: String,
    /// pending, delivered or failed (given up).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_attempt_at: Option<DateTimeUtc>,
    /// The receiver's HTTP status at the last attempt.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::webhook_endpoint::Entity",
        from = "Column::EndpointId",
        to = "super::webhook_endpoint::Column::Id"
    )]
    Endpoint,
}

impl Related<super::webhook_endpoint::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Endpoint.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
