//! Households looking for a flat: members, residence-obligation area and anchors.

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "household_anchors",
    "household_allowed_municipalities",
    "household_members",
    "households",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every database (SQLite has transactional DDL too): a migration
    /// is applied or rolled back completely, on one connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut households = Table::create();
        households
            .table("households")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(text_len("reference", 50))
            .col(text_len("status", 20))
            // Aufenthaltsstatus and Wohnsitzauflage (§12a AufenthG).
            .col(text_len("residence_status", 30))
            .col(flag("residence_obligation", false))
            .col(date_null("residence_obligation_until"))
            .col(text_len_null("benefit_type", 20))
            .col(text_len_null("work_situation", 30))
            // Needs.
            .col(flag("wheelchair", false))
            .col(int_null("max_floor_without_lift"))
            .col(real_null("rooms_wanted"))
            .col(flag("pets", false))
            .col(real_null("max_distance_km"))
            .col(date_null("latest_move_date"))
            // Anschlussunterbringung and urgency.
            .col(text_len_null("follow_up_site", 200))
            .col(date_null("in_follow_up_since"))
            .col(int_default("urgency", 0))
            .col(text_null("urgency_reason"))
            // Languages and contact.
            .col(json_text("languages"))
            .col(text_len("preferred_language", 8).default("de").take())
            .col(text_len_null("email", 254))
            .col(text_len_null("phone", 50))
            .col(ref_id_null("caseworker_user_id"))
            .col(text_len_null("caseworker_name", 200))
            .col(text_len_null("caseworker_email", 254))
            .col(text_len_null("caseworker_phone", 50))
            .col(text_null("landlord_text"))
            // Consent (DSGVO): without it, no matching and no e-mail.
            .col(at_null("consent_at"))
            .col(text_null("consent_scope"))
            .col(ref_id_null("consent_recorded_by_user_id"))
            .col(at_null("consent_withdrawn_at"))
            .col(text_null("notes"))
            .col(at_null("closed_at"))
            .col(text_null("close_reason"))
            .col(at_null("anonymized_at"));
        timestamps(&mut households);
        create_table(
            manager,
            households,
            vec![
                fk(
                    "households",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "households",
                    "caseworker_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "households",
                    "consent_recorded_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("households", &["municipality_id", "reference"], true),
                index("households", &["municipality_id", "status"], false),
                index("households", &["caseworker_user_id"], false),
            ],
        )
        .await?;

        let mut members = Table::create();
        members
            .table("household_members")
            .col(id())
            .col(ref_id("household_id"))
            .col(text_len("first_name", 100))
            .col(text_len_null("last_name", 100))
            .col(int("birth_year"))
            .col(text_len("role", 20))
            .col(int("position"));
        create_table(
            manager,
            members,
            vec![fk(
                "household_members",
                "household_id",
                "households",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "household_members",
                &["household_id", "position"],
                false,
            )],
        )
        .await?;

        // The Wohnsitzauflage area: the municipalities a household may move to.
        let mut allowed = Table::create();
        allowed
            .table("household_allowed_municipalities")
            .col(ref_id("household_id"))
            .col(ref_id("municipality_id"))
            .primary_key(Index::create().col("household_id").col("municipality_id"));
        create_table(
            manager,
            allowed,
            vec![
                fk(
                    "household_allowed_municipalities",
                    "household_id",
                    "households",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "household_allowed_municipalities",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
            ],
        )
        .await?;

        // Places that tie a household to an area: work, school, kindergarten, course, doctor.
        let mut anchors = Table::create();
        anchors
            .table("household_anchors")
            .col(id())
            .col(ref_id("household_id"))
            .col(text_len("kind", 20))
            .col(text_len("label", 200))
            .col(text_len_null("street", 200))
            .col(text_len_null("postal_code", 5))
            .col(text_len_null("town", 200))
            .col(real("lat"))
            .col(real("lon"))
            .col(real("importance"))
            .col(int("position"));
        create_table(
            manager,
            anchors,
            vec![fk(
                "household_anchors",
                "household_id",
                "households",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "household_anchors",
                &["household_id", "position"],
                false,
            )],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
