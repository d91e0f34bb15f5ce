//! Winning landlords. `municipality_pages` holds what an admin adds to a municipality's
//! public page (a short text in German and English, a photo). `campaigns` are the codes
//! coordinators create for their channels ("Amtsblatt März"); `page_visits` counts the
//! public page's visits per municipality, campaign and day (a number, nothing about the
//! visitor); `landlord_origins` records how a landlord came: the municipality's page, the
//! campaign code or their answer to "Wie haben Sie von uns erfahren?".

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
        let mut pages = Table::create();
        pages
            .table("municipality_pages")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(text("text_de"))
            .col(text("text_en"))
            .col(text_len_null("contact_name", 200))
            .col(ColumnDef::new("photo").blob().null())
            .col(text_len_null("photo_type", 40))
            .col(text_null("photo_alt"))
            .col(ref_id_null("updated_by_user_id"))
            .col(at("updated_at"));
        create_table(
            manager,
            pages,
            vec![
                fk(
                    "municipality_pages",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "municipality_pages",
                    "updated_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        let mut campaigns = Table::create();
        campaigns
            .table("campaigns")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(text_len("code", 40))
            .col(text_len("label", 120))
            .col(ref_id_null("created_by_user_id"))
            .col(at("created_at"))
            .col(at_null("archived_at"));
        create_table(
            manager,
            campaigns,
            vec![
                fk(
                    "campaigns",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "campaigns",
                    "created_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        let mut visits = Table::create();
        visits
            .table("page_visits")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(ref_id_null("campaign_id"))
            .col(date("day"))
            .col(big("visits"));
        create_table(
            manager,
            visits,
            vec![
                fk(
                    "page_visits",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "page_visits",
                    "campaign_id",
                    "campaigns",
                    ForeignKeyAction::Cascade,
                ),
            ],
        )
        .await?;
        let mut origins = Table::create();
        origins
            .table("landlord_origins")
            .col(id())
            .col(ref_id("landlord_id"))
            .col(ref_id_null("municipality_id"))
            .col(ref_id_null("campaign_id"))
            .col(text_len_null("heard_from", 40))
            .col(at("created_at"));
        create_table(
            manager,
            origins,
            vec![
                fk(
                    "landlord_origins",
                    "landlord_id",
                    "landlords",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "landlord_origins",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "landlord_origins",
                    "campaign_id",
                    "campaigns",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("municipality_pages", &["municipality_id"], true),
                index("campaigns", &["municipality_id", "code"], true),
                index("page_visits", &["municipality_id", "day"], false),
                index("landlord_origins", &["landlord_id"], true),
                index("landlord_origins", &["municipality_id"], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "landlord_origins",
                "page_visits",
                "campaigns",
                "municipality_pages",
            ],
        )
        .await
    }
}
