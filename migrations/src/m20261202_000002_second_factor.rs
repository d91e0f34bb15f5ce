//! A second factor for logging in (TOTP, RFC 6238) with recovery codes, and which roles
//! must use one.
//!
//! `users.totp_secret` holds the shared secret (base32) once set up, `totp_enabled_at`
//! when it was confirmed, `totp_last_step` the last time step used (a code works once),
//! `totp_recovery` the SHA-256 of the recovery codes not used yet (JSON list).
//! `role_policies` says per role whether a second factor is required.

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &[&str] = &[
    "totp_secret",
    "totp_enabled_at",
    "totp_last_step",
    "totp_recovery",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            text_len_null("totp_secret", 64),
            at_null("totp_enabled_at"),
            ColumnDef::new("totp_last_step").big_integer().null().take(),
            text_null("totp_recovery"),
        ] {
            manager
                .alter_table(Table::alter().table("users").add_column(column).to_owned())
                .await?;
        }
        let mut policies = Table::create();
        policies
            .table("role_policies")
            .col(
                ColumnDef::new("role")
                    .string_len(20)
                    .not_null()
                    .primary_key(),
            )
            .col(flag("second_factor_required", false))
            .col(at("updated_at"));
        manager.create_table(policies.to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("role_policies").to_owned())
            .await?;
        for column in COLUMNS.iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table("users")
                        .drop_column(*column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
