//! Match runs with every computed candidate, proposals and their event history, viewings,
//! placements and their follow-ups.

use sea_orm_migration::prelude::*;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &[
    "follow_ups",
    "placements",
    "viewings",
    "proposal_events",
    "proposals",
    "match_candidates",
    "match_run_rule_sets",
    "match_runs",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every database (SQLite has transactional DDL too): a migration
    /// is applied or rolled back completely, on one connection.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One run of the matching engine, for one municipality or (municipality NULL) all.
        let mut runs = Table::create();
        runs.table("match_runs")
            .col(id())
            .col(ref_id_null("municipality_id"))
            .col(text_len("status", 20))
            .col(text_len("trigger", 20))
            .col(ref_id_null("triggered_by_user_id"))
            .col(date("as_of"))
            .col(at("started_at"))
            .col(at_null("finished_at"))
            .col(int_default("households_count", 0))
            .col(int_default("units_count", 0))
            .col(
                ColumnDef::new("pairs_scored")
                    .big_integer()
                    .not_null()
                    .default(0),
            )
            .col(
                ColumnDef::new("eligible_pairs")
                    .big_integer()
                    .not_null()
                    .default(0),
            )
            .col(int_default("assigned_count", 0))
            .col(real("total_score").default(0.0).take())
            .col(
                ColumnDef::new("elapsed_ms")
                    .big_integer()
                    .not_null()
                    .default(0),
            )
            .col(text_len("engine_version", 20))
            .col(text_null("error"));
        create_table(
            manager,
            runs,
            vec![
                fk(
                    "match_runs",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "match_runs",
                    "triggered_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "match_runs",
                &["municipality_id", "started_at"],
                false,
            )],
        )
        .await?;

        // Which rule-table versions a run used.
        let mut run_rules = Table::create();
        run_rules
            .table("match_run_rule_sets")
            .col(ref_id("match_run_id"))
            .col(ref_id("rule_set_id"))
            .primary_key(Index::create().col("match_run_id").col("rule_set_id"));
        create_table(
            manager,
            run_rules,
            vec![
                fk(
                    "match_run_rule_sets",
                    "match_run_id",
                    "match_runs",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "match_run_rule_sets",
                    "rule_set_id",
                    "rule_sets",
                    ForeignKeyAction::Restrict,
                ),
            ],
        )
        .await?;

        // A scored pair the run reports: rank 0 is the proposed assignment for the unit,
        // ranks 1.. are the alternatives. `criteria` holds every criterion's weight, points
        // and sentences exactly as computed, so the explanation shown later never drifts.
        let mut candidates = Table::create();
        candidates
            .table("match_candidates")
            .col(id())
            .col(ref_id("match_run_id"))
            .col(ref_id("unit_id"))
            .col(ref_id("household_id"))
            .col(int("rank"))
            .col(real("score"))
            .col(json_text("criteria"));
        create_table(
            manager,
            candidates,
            vec![
                fk(
                    "match_candidates",
                    "match_run_id",
                    "match_runs",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "match_candidates",
                    "unit_id",
                    "units",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "match_candidates",
                    "household_id",
                    "households",
                    ForeignKeyAction::Cascade,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index(
                    "match_candidates",
                    &["match_run_id", "unit_id", "household_id"],
                    true,
                ),
                index(
                    "match_candidates",
                    &["match_run_id", "unit_id", "rank"],
                    false,
                ),
                index("match_candidates", &["household_id"], false),
            ],
        )
        .await?;

        // A proposal moves one way through the placement pipeline. `is_open` is true from
        // approval until it ends; while open, the unit and the household are frozen for
        // other runs, which the two partial unique indexes enforce in the database itself.
        let mut proposals = Table::create();
        proposals
            .table("proposals")
            .col(id())
            .col(ref_id_null("match_run_id"))
            .col(ref_id_null("candidate_id"))
            .col(ref_id("unit_id"))
            .col(ref_id("household_id"))
            .col(text_len("state", 30))
            .col(flag("is_open", false))
            .col(text_len("origin", 20))
            .col(real("score"))
            .col(text_null("override_reason"))
            .col(at("state_changed_at"))
            .col(at_null("approved_at"))
            .col(ref_id_null("approved_by_user_id"))
            .col(at_null("sent_at"))
            .col(at_null("answer_due_at"))
            .col(at_null("reminded_at"))
            .col(at_null("landlord_answered_at"))
            .col(at_null("household_answered_at"))
            .col(at_null("closed_at"));
        timestamps(&mut proposals);
        create_table(
            manager,
            proposals,
            vec![
                fk(
                    "proposals",
                    "match_run_id",
                    "match_runs",
                    ForeignKeyAction::SetNull,
                ),
                fk(
                    "proposals",
                    "candidate_id",
                    "match_candidates",
                    ForeignKeyAction::SetNull,
                ),
                fk("proposals", "unit_id", "units", ForeignKeyAction::Restrict),
                fk(
                    "proposals",
                    "household_id",
                    "households",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "proposals",
                    "approved_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("proposals", &["unit_id", "state"], false),
                index("proposals", &["household_id", "state"], false),
                index("proposals", &["state", "answer_due_at"], false),
                index("proposals", &["match_run_id"], false),
                Index::create()
                    .name("uq_proposals_open_unit")
                    .table("proposals")
                    .col("unit_id")
                    .unique()
                    .and_where(Expr::col("is_open").eq(true))
                    .take(),
                Index::create()
                    .name("uq_proposals_open_household")
                    .table("proposals")
                    .col("household_id")
                    .unique()
                    .and_where(Expr::col("is_open").eq(true))
                    .take(),
            ],
        )
        .await?;

        // Every move of a proposal: from, to, who, when, why.
        let mut events = Table::create();
        events
            .table("proposal_events")
            .col(id())
            .col(ref_id("proposal_id"))
            .col(text_len_null("from_state", 30))
            .col(text_len("to_state", 30))
            .col(text_len("actor_kind", 20))
            .col(ref_id_null("actor_user_id"))
            .col(text_len_null("reason_code", 50))
            .col(text_null("reason"))
            .col(text_null("data"))
            .col(at("created_at"));
        create_table(
            manager,
            events,
            vec![
                fk(
                    "proposal_events",
                    "proposal_id",
                    "proposals",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "proposal_events",
                    "actor_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index(
                "proposal_events",
                &["proposal_id", "created_at"],
                false,
            )],
        )
        .await?;

        let mut viewings = Table::create();
        viewings
            .table("viewings")
            .col(id())
            .col(ref_id("proposal_id"))
            .col(text_len("status", 20))
            .col(text_len("proposed_by", 20))
            .col(at("starts_at"))
            .col(at_null("ends_at"))
            .col(text_len("place", 300))
            .col(ref_id_null("accompanied_by_user_id"))
            .col(text_len_null("accompanied_by_name", 200))
            .col(text_null("note"));
        timestamps(&mut viewings);
        create_table(
            manager,
            viewings,
            vec![
                fk(
                    "viewings",
                    "proposal_id",
                    "proposals",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "viewings",
                    "accompanied_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("viewings", &["proposal_id", "starts_at"], false),
                index("viewings", &["accompanied_by_user_id"], false),
            ],
        )
        .await?;

        // A placement: from both sides' acceptance through Zusicherung, lease and move-in.
        let mut placements = Table::create();
        placements
            .table("placements")
            .col(id())
            .col(ref_id("proposal_id"))
            .col(ref_id("unit_id"))
            .col(ref_id("household_id"))
            .col(ref_id("municipality_id"))
            .col(text_len_null("jobcenter_status", 20))
            .col(date_null("jobcenter_requested_on"))
            .col(date_null("jobcenter_decided_on"))
            .col(text_len_null("lease_kind", 20))
            .col(date_null("lease_signed_on"))
            .col(date_null("lease_start"))
            .col(cents_null("rent_cold_cents"))
            .col(cents_null("service_charges_cents"))
            .col(cents_null("heating_costs_cents"))
            .col(date_null("moved_in_on"))
            .col(text_len_null("freed_site", 200))
            .col(int_default("places_freed", 0))
            .col(text_len("outcome", 20))
            .col(date_null("ended_on"))
            .col(text_null("end_reason"));
        timestamps(&mut placements);
        create_table(
            manager,
            placements,
            vec![
                fk(
                    "placements",
                    "proposal_id",
                    "proposals",
                    ForeignKeyAction::Restrict,
                ),
                fk("placements", "unit_id", "units", ForeignKeyAction::Restrict),
                fk(
                    "placements",
                    "household_id",
                    "households",
                    ForeignKeyAction::Restrict,
                ),
                fk(
                    "placements",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Restrict,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("placements", &["proposal_id"], true),
                index("placements", &["municipality_id", "moved_in_on"], false),
                index("placements", &["household_id"], false),
                index("placements", &["unit_id"], false),
            ],
        )
        .await?;

        // Begleitung: check-ins 1, 3, 6 and 12 months after move-in.
        let mut follow_ups = Table::create();
        follow_ups
            .table("follow_ups")
            .col(id())
            .col(ref_id("placement_id"))
            .col(int("month"))
            .col(date("due_on"))
            .col(text_len("status", 20))
            .col(date_null("done_on"))
            .col(flag_null("rent_paid"))
            .col(text_null("problems"))
            .col(flag_null("support_needed"))
            .col(text_null("note"))
            .col(ref_id_null("recorded_by_user_id"))
            .col(at_null("reminder_sent_at"));
        timestamps(&mut follow_ups);
        create_table(
            manager,
            follow_ups,
            vec![
                fk(
                    "follow_ups",
                    "placement_id",
                    "placements",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "follow_ups",
                    "recorded_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![
                index("follow_ups", &["placement_id", "month"], true),
                index("follow_ups", &["status", "due_on"], false),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, TABLES).await
    }
}
