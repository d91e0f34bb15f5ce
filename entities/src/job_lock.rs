//! `job_locks`: A lease on a job held by one instance until it expires.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A lease on a job held by one instance until it expires.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "job_locks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job: String,
    pub locked_by: String,
    pub locked_until: DateTimeUtc,
    pub acquired_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
