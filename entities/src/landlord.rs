//! `landlords`: A landlord (person or company); may exist before its user account does.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A landlord (person or company); may exist before its user account does.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "landlords")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: Option<i64>,
    pub kind: String,
    pub display_name: String,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub town: Option<String>,
    pub preferred_locale: String,
    pub notes: Option<String>,
    pub created_by_user_id: Option<i64>,
    pub anonymized_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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
        belongs_to = "super::user::Entity",
        from = "Column::CreatedByUserId",
        to = "super::user::Column::Id"
    )]
    CreatedBy,
}

impl Related<super::unit::Entity> for Entity {
    fn to() -> RelationDef {
        super::unit::Relation::Landlord.def().rev()
    }
}

impl ActiveModelBehavior for ActiveModel {}
