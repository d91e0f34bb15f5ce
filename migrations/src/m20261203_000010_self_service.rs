//! Self-service: a new flat's form carries a key so that posting it again (a failed submit,
//! a reload) updates the one draft it started instead of making another
//! (`unit_drafts.form_key`); old drafts are deleted only after a reminder
//! (`unit_drafts.reminded_at`); a form posted without its session cookie is recognised by
//! its form token (index on `sessions.csrf_token`).

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
        // One column per statement: SQLite alters one thing at a time.
        for column in [text_len_null("form_key", 64), at_null("reminded_at")] {
            manager
                .alter_table(
                    Table::alter()
                        .table("unit_drafts")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        create_indexes(
            manager,
            vec![
                index("unit_drafts", &["landlord_id", "form_key"], true),
                index("sessions", &["csrf_token"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, name) in [
            ("sessions", "idx_sessions_csrf_token"),
            ("unit_drafts", "uq_unit_drafts_landlord_id_form_key"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for column in ["reminded_at", "form_key"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("unit_drafts")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
