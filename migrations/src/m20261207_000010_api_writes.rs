//! The API both ways. `households.version` and `units.version` count the writes to a row:
//! the API's `ETag` and the edit forms' hidden version are this number, and a write that
//! names an older one is refused, so a page edit and a sync job never overwrite each
//! other unseen. `idempotency_keys` remembers, for a day, which resource a request with
//! an `Idempotency-Key` created (a hash of the body, never the body). `webhook_endpoints`
//! are the addresses an admin registers per municipality; `webhook_deliveries` is their
//! outbox: one row per event and endpoint, written in the transaction of the change.

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
        let mut endpoints = Table::create();
        endpoints
            .table("webhook_endpoints")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(text_len("url", 500))
            .col(text_len("secret", 100))
            .col(text("events"))
            .col(flag("trusted", false))
            .col(flag("active", true))
            .col(ref_id_null("created_by_user_id"))
            .col(at("created_at"))
            .col(at("updated_at"));
        create_table(
            manager,
            endpoints,
            vec![
                fk(
                    "webhook_endpoints",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "webhook_endpoints",
                    "created_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        let mut deliveries = Table::create();
        deliveries
            .table("webhook_deliveries")
            .col(id())
            .col(ref_id("endpoint_id"))
            .col(text_len("event", 60))
            .col(text_len("event_id", 40))
            .col(ref_id_null("proposal_id"))
            .col(ref_id_null("household_id"))
            .col(json_text("payload"))
            .col(text_len("status", 20))
            .col(int_default("attempts", 0))
            .col(at("next_attempt_at"))
            .col(at_null("last_attempt_at"))
            .col(int_null("last_status"))
            .col(text_len_null("last_error", 500))
            .col(at_null("delivered_at"))
            .col(at("created_at"));
        create_table(
            manager,
            deliveries,
            vec![fk(
                "webhook_deliveries",
                "endpoint_id",
                "webhook_endpoints",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("idempotency_keys", &["user_id", "key"], true),
                index("idempotency_keys", &["created_at"], false),
                index("webhook_endpoints", &["municipality_id"], false),
                index("webhook_deliveries", &["status", "next_attempt_at"], false),
                index("webhook_deliveries", &["endpoint_id", "id"], false),
                index("webhook_deliveries", &["event_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "webhook_deliveries",
                "webhook_endpoints",
                "idempotency_keys",
            ],
        )
        .await?;
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
