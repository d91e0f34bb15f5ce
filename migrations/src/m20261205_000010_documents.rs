//! Documents as PDF. `document_templates` holds each municipality's own part of the
//! documents (letterhead, extra clauses, logo), versioned: an upload is a new version, the
//! newest is used, older ones stay for the documents made with them. `documents` keeps
//! every document made for a proposal (or a municipality's yearly report): its kind,
//! language, the template version (0 = the built-in part), the data it was made from
//! (JSON), the PDF itself and its SHA-256, who made it and when.

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
        let mut templates = Table::create();
        templates
            .table("document_templates")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(int("version"))
            .col(text("source"))
            .col(ColumnDef::new("logo").blob().null())
            .col(text_len_null("logo_type", 40))
            .col(text_null("note"))
            .col(ref_id_null("uploaded_by_user_id"))
            .col(at("created_at"));
        create_table(
            manager,
            templates,
            vec![
                fk(
                    "document_templates",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "document_templates",
                    "uploaded_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        let mut documents = Table::create();
        documents
            .table("documents")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(ref_id_null("proposal_id"))
            .col(text_len("kind", 40))
            .col(text_len("lang", 10))
            .col(int("template_version"))
            .col(text("data"))
            .col(text_len("sha256", 64))
            .col(ColumnDef::new("pdf").blob().not_null())
            .col(ref_id_null("created_by_user_id"))
            .col(at("created_at"));
        create_table(
            manager,
            documents,
            vec![
                fk(
                    "documents",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "documents",
                    "proposal_id",
                    "proposals",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "documents",
                    "created_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("document_templates", &["municipality_id", "version"], true),
                index("documents", &["proposal_id", "created_at"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["documents", "document_templates"]).await
    }
}
