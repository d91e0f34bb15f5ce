//! The API both ways. `households.version` and `units.version` count the writes to a row:
//! the API's `ETag` and the edit forms' hidden version are this number, and a write that
//! names an older one is refused, so a page edit and a sync job never overwrite each
//! other unseen. `idempotency_keys` remembers, for a day, which resource a request with
//! an `Idempotency-Key` created (a hash of the body, never the body).

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
        for table in ["households", "units"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(
                            ColumnDef::new("version")
                                .big_integer()
                                .not_null()
                                .default(1),
                        )
                        .to_owned(),
                )
                .await?;
        }
        let mut keys = Table::create();
        keys.table("idempotency_keys")
            .col(id())
            .col(ref_id("user_id"))
            .col(text_len("key", 255))
            .col(text_len("method", 10))
            .col(text_len("path", 300))
            .col(text_len("body_hash", 64))
            .col(int_null("status"))
            .col(text_len_null("resource", 300))
            .col(at("created_at"))
            .col(at_null("completed_at"));
        create_table(
            manager,
            keys,
            vec![fk(
                "idempotency_keys",
                "user_id",
                "users",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("idempotency_keys", &["user_id", "key"], true),
                index("idempotency_keys", &["created_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["idempotency_keys"]).await?;
        for table in ["households", "units"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("version")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
