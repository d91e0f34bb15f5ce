//! sea-orm queries over the entities: load what a use case needs, save what it changed,
//! and convert between rows and `domain` types. Every function takes a connection or a
//! transaction, so the caller decides the transaction's extent.

pub mod api_tokens;
pub mod audit;
pub mod bulk;
pub mod documents;
pub mod dossier;
pub mod drafts;
pub mod erasure;
pub mod figures;
pub mod history;
pub mod households;
pub mod idempotency;
pub mod imports;
pub mod incentives;
pub mod jobs;
pub mod joined;
pub mod lab;
pub mod landlords;
pub mod map;
pub mod matching;
pub mod municipalities;
pub mod outbox;
pub mod outreach;
pub mod photos;
pub mod pipeline;
pub mod proposals;
pub mod review;
pub mod role_policies;
pub mod routine;
pub mod sessions;
pub mod tokens;
pub mod units;
pub mod users;
pub mod webhooks;

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

/// `LOWER(column) LIKE '%needle%'`, the needle in lower case with `%`, `_` and `\`
/// escaped. (SQLite lowers only ASCII letters; needles come from [`Scrubber`], whose
/// matching in Rust then decides.)
///
/// [`Scrubber`]: crate::domain::personal_data::Scrubber
pub fn mentions<C: sea_orm::sea_query::IntoColumnRef>(
    column: C,
    needle: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let escaped: String = needle
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    Expr::expr(Func::lower(Expr::col(column)))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

/// Whether the database holds no municipality and no account yet (an empty database gets
/// the demo data).
pub async fn is_empty<C: sea_orm::ConnectionTrait>(db: &C) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(entities::municipality::Entity::find().count(db).await? == 0
        && entities::user::Entity::find().count(db).await? == 0)
}
