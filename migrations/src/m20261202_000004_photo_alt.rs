//! Landlords describe each photo of a flat in words (`unit_photos.alt_text`), read out to
//! people who cannot see it and shown where the image does not load.

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
                    .table("unit_photos")
                    .add_column(text_null("alt_text"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("unit_photos")
                    .drop_column("alt_text")
                    .to_owned(),
            )
            .await
    }
}
