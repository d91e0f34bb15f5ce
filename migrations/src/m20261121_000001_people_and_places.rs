//! Users, municipalities with their versioned rule tables, incentive programmes, landlords.

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "landlords",
    "incentive_programmes",
    "area_norms",
    "rent_caps",
    "rule_sets",
    "user_municipalities",
    "municipalities",
    "users",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every database (SQLite has transactional DDL too): a migration
    /// is applied or rolled back completely, on one connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Everyone who logs in. Landlords who have not claimed their account yet have no password.
        let mut users = Table::create();
        users
            .table("users")
            .col(id())
            .col(text_len("email", 254))
            .col(text_len("display_name", 200))
            .col(text_null("password_hash"))
            .col(text_len("role", 20))
            .col(text_len("locale", 8).default("de").take())
            .col(at_null("email_confirmed_at"))
            .col(at_null("disabled_at"))
            .col(at_null("last_login_at"))
            .col(at_null("anonymized_at"));
        timestamps(&mut users);
        create_table(manager, users, vec![]).await?;
        create_indexes(
            manager,
            vec![
                index("users", &["email"], true),
                index("users", &["role"], false),
            ],
        )
        .await?;

        // A Gemeinde, identified by its Amtlicher Gemeindeschlüssel (AGS).
        let mut municipalities = Table::create();
        municipalities
            .table("municipalities")
            .col(id())
            .col(text_len("ags", 8))
            .col(text_len("name", 200))
            .col(text_len("district", 200))
            .col(text_len("state", 100))
            .col(real("center_lat"))
            .col(real("center_lon"))
            .col(text_len_null("contact_email", 254))
            .col(text_len_null("contact_phone", 50))
            .col(flag("active", true));
        timestamps(&mut municipalities);
        create_table(manager, municipalities, vec![]).await?;
        create_indexes(
            manager,
            vec![
                index("municipalities", &["ags"], true),
                index("municipalities", &["name"], false),
            ],
        )
        .await?;

        // Which municipalities a coordinator or volunteer works for.
        let mut scope = Table::create();
        scope
            .table("user_municipalities")
            .col(ref_id("user_id"))
            .col(ref_id("municipality_id"))
            .col(at("created_at"))
            .primary_key(Index::create().col("user_id").col("municipality_id"));
        create_table(
            manager,
            scope,
            vec![
                fk(
                    "user_municipalities",
                    "user_id",
                    "users",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "user_municipalities",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("user_municipalities", &["municipality_id"], false)],
        )
        .await?;

        // One version of a municipality's rule tables. Rows are never changed once a match
        // run has used them; an edit writes a new version.
        let mut rule_sets = Table::create();
        rule_sets
            .table("rule_sets")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(int("version"))
            .col(cents("extra_person_cap_cents"))
            .col(real("extra_person_area_m2"))
            .col(json_text("weights"))
            .col(int("answer_days"))
            .col(int("reminder_days"))
            .col(flag("auto_approve", false))
            .col(text_null("source_note"))
            .col(text_null("change_note"))
            .col(ref_id_null("created_by_user_id"))
            .col(at("created_at"));
        create_table(
            manager,
            rule_sets,
            vec![
                fk(
                    "rule_sets",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "rule_sets",
                    "created_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("rule_sets", &["municipality_id", "version"], true)],
        )
        .await?;

        // KdU caps (Angemessenheitsgrenzen) on gross cold rent by household size.
        let mut rent_caps = Table::create();
        rent_caps
            .table("rent_caps")
            .col(id())
            .col(ref_id("rule_set_id"))
            .col(int("persons"))
            .col(cents("max_gross_cold_rent_cents"));
        create_table(
            manager,
            rent_caps,
            vec![fk(
                "rent_caps",
                "rule_set_id",
                "rule_sets",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("rent_caps", &["rule_set_id", "persons"], true)],
        )
        .await?;

        // Angemessene Wohnfläche by household size.
        let mut area_norms = Table::create();
        area_norms
            .table("area_norms")
            .col(id())
            .col(ref_id("rule_set_id"))
            .col(int("persons"))
            .col(real("area_m2"));
        create_table(
            manager,
            area_norms,
            vec![fk(
                "area_norms",
                "rule_set_id",
                "rule_sets",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("area_norms", &["rule_set_id", "persons"], true)],
        )
        .await?;

        // What a municipality offers landlords: guarantees, grants, head leases, bonuses, advice.
        let mut programmes = Table::create();
        programmes
            .table("incentive_programmes")
            .col(id())
            .col(ref_id("municipality_id"))
            .col(text_len("kind", 40))
            .col(text_len("name_de", 200))
            .col(text_len("name_en", 200))
            .col(text("conditions_de"))
            .col(text("conditions_en"))
            .col(cents_null("amount_cents"))
            .col(int_null("duration_months"))
            .col(int_null("occupancy_years"))
            .col(cents_null("budget_cents"))
            .col(flag("active", true));
        timestamps(&mut programmes);
        create_table(
            manager,
            programmes,
            vec![fk(
                "incentive_programmes",
                "municipality_id",
                "municipalities",
                ForeignKeyAction::Cascade,
            )],
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "incentive_programmes",
                &["municipality_id", "kind"],
                false,
            )],
        )
        .await?;

        // A landlord (person or company). May exist before its user account does, when a
        // volunteer or coordinator entered a flat on the landlord's behalf.
        let mut landlords = Table::create();
        landlords
            .table("landlords")
            .col(id())
            .col(ref_id_null("user_id"))
            .col(text_len("kind", 20))
            .col(text_len("display_name", 200))
            .col(text_len_null("contact_email", 254))
            .col(text_len_null("phone", 50))
            .col(text_len_null("street", 200))
            .col(text_len_null("postal_code", 5))
            .col(text_len_null("town", 200))
            .col(text_len("preferred_locale", 8).default("de").take())
            .col(text_null("notes"))
            .col(ref_id_null("created_by_user_id"))
            .col(at_null("anonymized_at"));
        timestamps(&mut landlords);
        create_table(
            manager,
            landlords,
            vec![
                fk("landlords", "user_id", "users", ForeignKeyAction::SetNull),
                fk(
                    "landlords",
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
                index("landlords", &["user_id"], true),
                index("landlords", &["contact_email"], false),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
