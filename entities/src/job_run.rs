//! `job_runs`: One execution of a scheduled or manual job.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One execution of a scheduled or manual job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job: String,
    pub scheduled_for: Option<DateTimeUtc>,
    pub instance: String,
    pub status: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub counts: Option<String>,
    pub error: Option<String>,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
