//! Bleibe's database migrations.
//!
//! One file per change, named `mYYYYMMDD_NNNNNN_what.rs`. A migration that has landed on
//! `main` is never edited; a change to the schema is a new file. Every migration has a
//! `down` that undoes it exactly, and both directions are tested on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261121_000001_people_and_places;
mod m20261121_000002_units;
mod m20261121_000003_households;
mod m20261121_000004_matching_and_pipeline;
mod m20261121_000005_operations;
mod m20261202_000001_end_reason_code;
mod m20261202_000002_second_factor;
mod m20261202_000003_redacted_mail;
mod m20261202_000004_photo_alt;
mod m20261203_000010_self_service;
mod m20261203_000020_email_change;
mod m20261203_000030_household_search;
mod m20261204_000010_household_waiting_index;
mod m20261204_000020_household_list_columns;
mod m20261205_000010_documents;
mod m20261206_000010_outreach;
mod m20261207_000010_api_writes;
mod m20261207_000020_webhooks;
mod m20261208_000010_policy_lab;

/// The ordered list of all migrations.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_people_and_places::Migration),
            Box::new(m20261121_000002_units::Migration),
            Box::new(m20261121_000003_households::Migration),
            Box::new(m20261121_000004_matching_and_pipeline::Migration),
            Box::new(m20261121_000005_operations::Migration),
            Box::new(m20261202_000001_end_reason_code::Migration),
            Box::new(m20261202_000002_second_factor::Migration),
            Box::new(m20261202_000003_redacted_mail::Migration),
            Box::new(m20261202_000004_photo_alt::Migration),
            Box::new(m20261203_000010_self_service::Migration),
            Box::new(m20261203_000020_email_change::Migration),
            Box::new(m20261203_000030_household_search::Migration),
            Box::new(m20261204_000010_household_waiting_index::Migration),
            Box::new(m20261204_000020_household_list_columns::Migration),
            Box::new(m20261205_000010_documents::Migration),
            Box::new(m20261206_000010_outreach::Migration),
            Box::new(m20261207_000010_api_writes::Migration),
            Box::new(m20261207_000020_webhooks::Migration),
            Box::new(m20261208_000010_policy_lab::Migration),
        ]
    }
}
