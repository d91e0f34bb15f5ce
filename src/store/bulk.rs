//! Loading many rows at once (a data set's bulk load): multi-row inserts sized to the
//! databases' parameter limits, ids handed out by the loader, and PostgreSQL's id
//! sequences moved past them afterwards.

use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable, Statement};

/// Parameters one statement may carry: below SQLite's limit (32,766) and PostgreSQL's
/// (65,535) with room to spare.
const PARAMETERS: usize = 16_000;

/// Inserts `rows` in as few statements as the parameter limit allows. Every row must set
/// the same columns.
pub async fn insert_all<C, A>(db: &C, rows: Vec<A>) -> Result<(), sea_orm::DbErr>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
    let per_statement = (PARAMETERS / columns).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The id after the highest in `table` (1 for an empty table).
pub async fn next_id<C: ConnectionTrait>(
    db: &C,
    table: &'static str,
) -> Result<i64, sea_orm::DbErr> {
    let query = Query::select()
        .expr_as(
            Func::coalesce([Func::max(Expr::col("id")).into(), Expr::val(0i64)]),
            "top",
        )
        .from(table)
        .to_owned();
    let row = db.query_one(&query).await?;
    let top: i64 = row.map_or(Ok(0), |r| r.try_get("", "top"))?;
    Ok(top + 1)
}

/// After ids were given by the loader: PostgreSQL's sequences continue above the highest
/// id of each table (SQLite's AUTOINCREMENT follows by itself).
pub async fn sync_sequences<C: ConnectionTrait>(
    db: &C,
    tables: &[&'static str],
) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in tables {
        db.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            ),
        ))
        .await?;
    }
    Ok(())
}

/// After a bulk load: PostgreSQL learns the tables' new sizes and spreads at once (its
/// planner would otherwise guess from empty tables until autovacuum runs).
pub async fn analyze<C: ConnectionTrait>(
    db: &C,
    tables: &[&'static str],
) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    db.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        format!("ANALYZE {}", tables.join(", ")),
    ))
    .await?;
    Ok(())
}
