//! Webhooks. `webhook_endpoints` are the addresses an admin registers per municipality
//! (with the signing secret, the event types sent, and whether payloads may carry the
//! household's reference); `webhook_deliveries` is their outbox: one row per event and
//! endpoint, written in the transaction of the change, sent by the outbox job, retried
//! with back-off and given up after a number of attempts.

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
                index("webhook_endpoints", &["municipality_id"], false),
                index("webhook_deliveries", &["status", "id"], false),
                index("webhook_deliveries", &["endpoint_id", "id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["webhook_deliveries", "webhook_endpoints"]).await
    }
}
