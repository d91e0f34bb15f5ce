//! The policy lab. `match_runs.fairness` keeps each run's fairness report (group figures
//! and notes, no household named) as JSON. `lab_runs` holds a comparison a coordinator or
//! admin started on the lab page: its settings, its progress while it runs in the
//! background, and its result (figures only) when done.

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
        manager
            .alter_table(
                Table::alter()
                    .table("match_runs")
                    .add_column(ColumnDef::new("fairness").text().null())
                    .to_owned(),
            )
            .await?;
        let mut runs = Table::create();
        runs.table("lab_runs")
            .col(id())
            .col(ref_id_null("municipality_id"))
            .col(ref_id_null("created_by_user_id"))
            .col(int("months"))
            .col(text_len("policies", 500))
            .col(int("seeds"))
            .col(text_len("status", 20))
            .col(int("done"))
            .col(int("total"))
            .col(text_null("result"))
            .col(text_null("error"))
            .col(at("created_at"))
            .col(at_null("finished_at"));
        create_table(
            manager,
            runs,
            vec![
                fk(
                    "lab_runs",
                    "municipality_id",
                    "municipalities",
                    ForeignKeyAction::Cascade,
                ),
                fk(
                    "lab_runs",
                    "created_by_user_id",
                    "users",
                    ForeignKeyAction::SetNull,
                ),
            ],
        )
        .await?;
        create_indexes(
            manager,
            vec![index("lab_runs", &["municipality_id", "created_at"], false)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["lab_runs"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("match_runs")
                    .drop_column("fairness")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
