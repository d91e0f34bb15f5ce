//! `lab_runs`: a policy-lab comparison started on the lab page.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A comparison of matching policies on a municipality's history (or all), with its
/// progress while it runs and its figures when done. It names no household.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "lab_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None`: every municipality (admins only).
    pub municipality_id: Option<i64>,
    pub created_by_user_id: Option<i64>,
    /// Months of history simulated.
    pub months: i32,
    /// The policies, comma-separated as `bleibe simulate --policy` takes them.
    pub policies: String,
    pub seeds: i32,
    /// `running`, `done` or `failed`.
    pub status: String,
    /// Simulated runs finished, of `total`.
    pub done: i32,
    pub total: i32,
    /// The comparison's JSON (as `bleibe simulate` writes `result.json`) when done.
    pub result: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::municipality::Entity",
        from = "Column::MunicipalityId",
        to = "super::municipality::Column::Id"
    )]
    Municipality,
}

impl Related<super::municipality::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Municipality.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
