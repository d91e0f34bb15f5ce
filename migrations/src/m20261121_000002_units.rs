//! Flats (units) offered by landlords, their drafts, photos and requested incentives.

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["unit_incentives", "unit_photos", "unit_drafts", "units"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every database (SQLite has transactional DDL too): a migration
    /// is applied or rolled back completely, on one connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut units = Table::create();
        units
            .table("units")
            .col(id())
            .col(ref_id("landlord_id"))
            .col(ref_id("municipality_id"))
            .col(text_len("status", 20))
            // Address, resolved to coordinates through the postal-code table and the map pin.
            .col(text_len("street", 200))
            .col(text_len("house_number", 20))
            .col(text_len("postal_code", 5))
            .col(text_len("town", 200))
            .col(text_len_null("address_extra", 200))
            .col(real("lat"))
            .col(real("lon"))
            // The flat.
            .col(real("area_m2"))
            .col(real("rooms"))
            .col(int("floor"))
            .col(flag("has_lift", false))
            .col(flag("step_free", false))
            .col(flag("wheelchair_accessible", false))
            .col(flag("furnished", false))
            .col(flag("pets_allowed", false))
            .col(int("max_occupants"))
            // Costs per month; Bruttokaltmiete = cold rent + service charges (heating apart).
            .col(cents("cold_rent_cents"))
            .col(cents("service_charges_cents"))
            .col(cents("heating_costs_cents"))
            .col(cents("deposit_cents"))
            .col(cents_default("municipal_top_up_cents", 0))
            // Lease.
            .col(date("available_from"))
            .col(text_len("lease_type", 20))
            .col(date_null("lease_end"))
            // Landlord's wishes.
            .col(int_null("pref_min_household_size"))
            .col(int_null("pref_max_household_size"))
            .col(json_text("pref_tags"))
            .col(text_null("pref_notes"))
            .col(text_null("description"))
            // Life cycle.
            .col(at_null("submitted_at"))
            .col(at_null("checked_at"))
            .col(ref_id_null("checked_by_user_id"))
            .col(at_null("withdrawn_at"))
            .col(text_null("withdrawn_reason"))
            .col(ref_id_null("entered_by_user_id"));
        timestamps(&mut units);
        create_table(
            manager,
            units,
            vec![
                fk(
                    "units",
                    "landlord_id",
                    "landlords",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "units",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "units",
                    "checked_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "units",
                    "entered_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("units", &["municipality_id", "status"], false),
                index("units", &["landlord_id", "status"], false),
                // Duplicate detection on import: same address, floor and landlord.
                index(
                    "units",
                    &[
                        "landlord_id",
                        "postal_code",
                        "street",
                        "house_number",
                        "floor",
                    ],
                    false,
                ),
            ],
        )
        .await?;

        // A unit form saved before it is complete: the raw fields exactly as typed, so
        // nothing a landlord entered is ever lost. `unit_id` is set when editing a unit.
        let mut drafts = Table::create();
        drafts
            .table("unit_drafts")
            .col(id())
            .col(ref_id("landlord_id"))
            .col(ref_id_null("unit_id"))
            .col(json_text("form_data"))
            .col(ref_id_null("created_by_user_id"));
        timestamps(&mut drafts);
        create_table(
            manager,
            drafts,
            vec![
                fk(
                    "unit_drafts",
                    "landlord_id",
                    "landlords",
                    ForeignKeyAction::Cascade,
                ),
                fk("unit_drafts", "unit_id", "units", ForeignKeyAction::Cascade),
                fk(
                    "unit_drafts",
                    "created_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(manager, vec![index("unit_drafts", &["landlord_id"], false)]).await?;

        // Photo files live on disk under the data folder; the row holds what was checked.
        // A photo belongs to a unit, or, while the unit is still a draft, to the draft.
        let mut photos = Table::create();
        photos
            .table("unit_photos")
            .col(id())
            .col(ref_id_null("unit_id"))
            .col(ref_id_null("draft_id"))
            .col(text_len("storage_key", 100))
            .col(text_len("original_name", 255))
            .col(text_len("content_type", 50))
            .col(big("byte_size"))
            .col(int("width"))
            .col(int("height"))
            .col(int("position"))
            .col(at("created_at"));
        create_table(
            manager,
            photos,
            vec![
                fk("unit_photos", "unit_id", "units", ForeignKeyAction::Cascade),
                fk(
                    "unit_photos",
                    "draft_id",
                    "unit_drafts",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("unit_photos", &["storage_key"], true),
                index("unit_photos", &["unit_id", "position"], false),
                index("unit_photos", &["draft_id"], false),
            ],
        )
        .await?;

        // An incentive a landlord asked for, and what the municipality decided and paid.
        let mut incentives = Table::create();
        incentives
            .table("unit_incentives")
            .col(id())
            .col(ref_id("unit_id"))
            .col(ref_id("programme_id"))
            .col(text_len("status", 20))
            .col(text_null("landlord_note"))
            .col(at("requested_at"))
            .col(at_null("decided_at"))
            .col(ref_id_null("decided_by_user_id"))
            .col(text_null("decision_note"))
            .col(cents_null("granted_amount_cents"))
            .col(date_null("granted_from"))
            .col(date_null("granted_until"))
            .col(cents_null("paid_amount_cents"))
            .col(date_null("paid_on"));
        timestamps(&mut incentives);
        create_table(
            manager,
            incentives,
            vec![
                fk(
                    "unit_incentives",
                    "unit_id",
                    "units",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "unit_incentives",
                    "programme_id",
                    "incentive_programmes",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "unit_incentives",
                    "decided_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("unit_incentives", &["unit_id", "programme_id"], true),
                index("unit_incentives", &["programme_id", "status"], false),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
