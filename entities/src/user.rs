//! `users`: A person who logs in: administrator, coordinator, volunteer or landlord.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A person who logs in: administrator, coordinator, volunteer or landlord.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub locale: String,
    pub email_confirmed_at: Option<DateTimeUtc>,
    pub disabled_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub anonymized_at: Option<DateTimeUtc>,
    /// The shared secret of the second factor (base32), once set up.
    pub totp_secret: Option<String>,
    /// When the second factor was confirmed (from then on it is asked at every login).
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last time step whose code was used (each code works once).
    pub totp_last_step: Option<i64>,
    /// SHA-256 of the recovery codes not used yet, as a JSON list.
    pub totp_recovery: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Rows this table refers to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
