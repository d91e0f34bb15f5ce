//! A person changes the e-mail address of their account: the new address waits in the
//! confirmation link's row (`action_tokens.new_email`) until the link sent to it is opened.

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
                    .table("action_tokens")
                    .add_column(text_len_null("new_email", 254))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("action_tokens")
                    .drop_column("new_email")
                    .to_owned(),
            )
            .await
    }
}
