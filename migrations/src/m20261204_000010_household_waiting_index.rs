//! The household list's default order (the waiting households of a municipality, longest in
//! follow-up housing first, those without a date last, then by id) read from an index in
//! that order: a partial index over the households the list shows by default (active or
//! paused, not erased), so a page is the first rows of the index instead of a sort of the
//! whole town, and the count reads the smaller index.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_households_waiting_list";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Written out: the same statement on PostgreSQL and SQLite (a partial index; the
        // column order is ascending with nulls last on PostgreSQL, which the list's
        // `NULLS LAST` order uses).
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX {INDEX} ON households (municipality_id, in_follow_up_since, id) \
                 WHERE status IN ('active', 'paused') AND reference NOT LIKE 'anon-%'"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table("households").to_owned())
            .await
    }
}
