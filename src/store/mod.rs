//! sea-orm queries over the entities: load what a use case needs, save what it changed,
//! and convert between rows and `domain` types. Every function takes a connection or a
//! transaction, so the caller decides the transaction's extent.

pub mod api_tokens;
pub mod audit;
pub mod drafts;
pub mod households;
pub mod incentives;
pub mod jobs;
pub mod landlords;
pub mod matching;
pub mod municipalities;
pub mod outbox;
pub mod photos;
pub mod pipeline;
pub mod proposals;
pub mod role_policies;
pub mod sessions;
pub mod tokens;
pub mod units;
pub mod users;

use sea_orm::DbErr;

/// A stored value that does not parse into its domain type: the database holds something
/// the code does not know (a bug or a manual edit).
pub fn corrupt(table: &str, id: impl std::fmt::Display, detail: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("{table} row {id}: {detail}"))
}

/// Serialises a value into a JSON text column.
pub fn to_json_text<T: serde::Serialize>(value: &T) -> Result<String, DbErr> {
    serde_json::to_string(value).map_err(|e| DbErr::Custom(format!("cannot serialise JSON: {e}")))
}

/// Whether a database error is a unique-key violation (the driver's error code, on SQLite
/// and PostgreSQL alike).
pub fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
