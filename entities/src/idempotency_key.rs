//! `idempotency_keys`: which resource an API request with an `Idempotency-Key` led to.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A request made with an `Idempotency-Key`, kept for a day: its method, path and a hash
/// of its body, and once it is done the answer's status and the resource it created or
/// changed (never the body itself).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub key: String,
    pub method: String,
    pub path: String,
    /// SHA-256 of the body, hex.
    pub body_hash: String,
    /// The answer's status; `None` while the first request is still running.
    pub status: Option<i32>,
    /// The API path of the resource the request created or changed.
    pub resource: Option<String>,
    pub created_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
