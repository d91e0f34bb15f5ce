//! Why a tenancy ended early, as a code from a closed list (`placements.end_reason_code`);
//! the free text stays in `end_reason`. Placements that ended early before the list existed
//! get "other".

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("placements")
                    .add_column(text_len_null("end_reason_code", 40))
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE placements SET end_reason_code = 'other' WHERE outcome = 'ended_early'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("placements")
                    .drop_column("end_reason_code")
                    .to_owned(),
            )
            .await
    }
}
