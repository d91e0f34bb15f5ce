//! What keeps the service running: e-mail outbox, audit log, job runs and locks,
//! sessions, single-use action links, API tokens, rate limits, imports and review flags.

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "review_flags",
    "imports",
    "rate_limits",
    "api_tokens",
    "action_tokens",
    "sessions",
    "job_locks",
    "job_runs",
    "audit_log",
    "outbox",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every database (SQLite has transactional DDL too): a migration
    /// is applied or rolled back completely, on one connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Transactional outbox: a message is written in the same transaction as the change
        // that causes it; the dispatcher sends it. `idempotency_key` makes the same message
        // impossible to enqueue twice and is the Message-ID's stem, so receivers can dedupe.
        let mut outbox = Table::create();
        outbox
            .table("outbox")
            .col(id())
            .col(text_len("idempotency_key", 200))
            .col(text_len("kind", 50))
            .col(text_len("to_address", 254))
            .col(text_len_null("to_name", 200))
            .col(text_len_null("reply_to", 254))
            .col(text_len("locale", 8))
            .col(text_len("subject", 300))
            .col(text("body_text"))
            .col(text_null("body_html"))
            .col(text_null("attachments"))
            .col(text_len("status", 20))
            .col(int_default("attempts", 0))
            .col(at("next_attempt_at"))
            .col(at_null("locked_until"))
            .col(text_len_null("locked_by", 100))
            .col(text_null("last_error"))
            .col(at_null("sent_at"))
            .col(ref_id_null("municipality_id"))
            .col(ref_id_null("proposal_id"));
        timestamps(&mut outbox);
        create_table(
            manager,
            outbox,
            vec![
                fk(
                    "outbox",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "outbox",
                    "proposal_id",
                    "proposals",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("outbox", &["idempotency_key"], true),
                index("outbox", &["status", "next_attempt_at"], false),
                index("outbox", &["municipality_id", "status"], false),
            ],
        )
        .await?;

        // Who changed or exported what, when. Details name fields, not personal values,
        // so erasure keeps the trail's shape.
        let mut audit = Table::create();
        audit
            .table("audit_log")
            .col(id())
            .col(at("occurred_at"))
            .col(ref_id_null("actor_user_id"))
            .col(text_len("actor_label", 200))
            .col(text_len("action", 60))
            .col(text_len("entity", 40))
            .col(ColumnDef::new("entity_id").big_integer().null())
            .col(ref_id_null("municipality_id"))
            .col(text_null("details"));
        create_table(
            manager,
            audit,
            vec![
                fk(
                    "audit_log",
                    "actor_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "audit_log",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("audit_log", &["entity", "entity_id"], false),
                index("audit_log", &["occurred_at"], false),
                index("audit_log", &["municipality_id", "occurred_at"], false),
            ],
        )
        .await?;

        // One row per job execution. A scheduled run claims its slot through the unique
        // (job, scheduled_for) key, so two instances never run the same slot twice.
        let mut job_runs = Table::create();
        job_runs
            .table("job_runs")
            .col(id())
            .col(text_len("job", 60))
            .col(at_null("scheduled_for"))
            .col(text_len("instance", 100))
            .col(text_len("status", 20))
            .col(at("started_at"))
            .col(at_null("finished_at"))
            .col(text_null("counts"))
            .col(text_null("error"));
        create_table(manager, job_runs, vec![]).await?;
        create_indexes(
            manager,
            vec![
                index("job_runs", &["job", "scheduled_for"], true),
                index("job_runs", &["started_at"], false),
            ],
        )
        .await?;

        // A lease on a job: whoever holds an unexpired lease runs it; a crashed holder's
        // lease simply runs out.
        let mut job_locks = Table::create();
        job_locks
            .table("job_locks")
            .col(
                ColumnDef::new("job")
                    .string_len(60)
                    .not_null()
                    .primary_key(),
            )
            .col(text_len("locked_by", 100))
            .col(at("locked_until"))
            .col(at("acquired_at"));
        create_table(manager, job_locks, vec![]).await?;

        // Server-side sessions; the cookie carries a random token whose hash is the key.
        let mut sessions = Table::create();
        sessions
            .table("sessions")
            .col(ColumnDef::new("id").string_len(64).not_null().primary_key())
            .col(ref_id_null("user_id"))
            .col(text_len("csrf_token", 64))
            .col(json_text("data"))
            .col(at("expires_at"));
        timestamps(&mut sessions);
        create_table(
            manager,
            sessions,
            vec![fk(
                "sessions",
                "user_id",
                "users",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("sessions", &["expires_at"], false),
                index("sessions", &["user_id"], false),
            ],
        )
        .await?;

        // Signed, single-use, expiring links: e-mail confirmation, password reset, invitation,
        // and a party's answer to a proposal. Only the hash of the token is stored.
        let mut tokens = Table::create();
        tokens
            .table("action_tokens")
            .col(id())
            .col(text_len("token_hash", 64))
            .col(text_len("purpose", 30))
            .col(ref_id_null("user_id"))
            .col(ref_id_null("proposal_id"))
            .col(ref_id_null("landlord_id"))
            .col(text_len_null("party", 20))
            .col(text_len_null("action", 30))
            .col(at("expires_at"))
            .col(at_null("used_at"))
            .col(at("created_at"));
        create_table(
            manager,
            tokens,
            vec![
                fk(
                    "action_tokens",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "action_tokens",
                    "proposal_id",
                    "proposals",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "action_tokens",
                    "landlord_id",
                    "landlords",
                    ForeignKeyAction::Cascade,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("action_tokens", &["token_hash"], true),
                index("action_tokens", &["proposal_id"], false),
                index("action_tokens", &["user_id", "purpose"], false),
            ],
        )
        .await?;

        // Per-user tokens for the JSON API; only the hash is stored, the prefix is shown.
        let mut api_tokens = Table::create();
        api_tokens
            .table("api_tokens")
            .col(id())
            .col(ref_id("user_id"))
            .col(text_len("name", 100))
            .col(text_len("token_hash", 64))
            .col(text_len("prefix", 12))
            .col(at("created_at"))
            .col(at_null("last_used_at"))
            .col(at_null("expires_at"))
            .col(at_null("revoked_at"));
        create_table(
            manager,
            api_tokens,
            vec![fk(
                "api_tokens",
                "user_id",
                "users",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("api_tokens", &["token_hash"], true),
                index("api_tokens", &["user_id"], false),
            ],
        )
        .await?;

        // Fixed-window counters shared by all instances (login attempts, token endpoints).
        let mut rate_limits = Table::create();
        rate_limits
            .table("rate_limits")
            .col(
                ColumnDef::new("key")
                    .string_len(300)
                    .not_null()
                    .primary_key(),
            )
            .col(at("window_start"))
            .col(int("count"));
        create_table(manager, rate_limits, vec![]).await?;

        // A CSV import and its report: every rejected row with its reason.
        let mut imports = Table::create();
        imports
            .table("imports")
            .col(id())
            .col(text_len("kind", 20))
            .col(ref_id_null("municipality_id"))
            .col(text_len("file_name", 255))
            .col(ref_id_null("uploaded_by_user_id"))
            .col(text_len("status", 20))
            .col(int("rows_total"))
            .col(int("rows_accepted"))
            .col(int("rows_rejected"))
            .col(json_text("report"))
            .col(at("created_at"));
        create_table(
            manager,
            imports,
            vec![
                fk(
                    "imports",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "imports",
                    "uploaded_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("imports", &["municipality_id", "created_at"], false)],
        )
        .await?;

        // Something a person should look at: a likely duplicate from an import, say.
        let mut flags = Table::create();
        flags
            .table("review_flags")
            .col(id())
            .col(text_len("kind", 40))
            .col(text_len("entity", 20))
            .col(big("entity_id"))
            .col(ColumnDef::new("other_entity_id").big_integer().null())
            .col(ref_id_null("municipality_id"))
            .col(ref_id_null("import_id"))
            .col(text("reason"))
            .col(at_null("resolved_at"))
            .col(ref_id_null("resolved_by_user_id"))
            .col(text_null("resolution"))
            .col(at("created_at"));
        create_table(
            manager,
            flags,
            vec![
                fk(
                    "review_flags",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "review_flags",
                    "import_id",
                    "imports",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "review_flags",
                    "resolved_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("review_flags", &["municipality_id", "resolved_at"], false),
                index("review_flags", &["entity", "entity_id"], false),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
