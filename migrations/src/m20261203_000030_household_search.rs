//! Lists paged and filtered in SQL: the household list's search looks in
//! `households.search_text` (the reference and the members' names, lowercased by Bleibe,
//! because SQLite's `LOWER` only knows ASCII), filled here for the households there are;
//! an index serves the list's filter and order (municipality, status, longest waiting, id)
//! and holds the reference (erased households are left out by it), so a page's ids and
//! the count come from the index alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::common::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_households_municipality_id_status_in_follow_up_since_id_reference";

/// The search text as `domain::household::search_text` builds it on the day of this
/// migration (a migration is a frozen record, so the rule is written out here).
fn search_text(reference: &str, names: &[(String, Option<String>)]) -> String {
    let mut text = reference.trim().to_lowercase();
    for (first, last) in names {
        text.push('\n');
        text.push_str(&first.trim().to_lowercase());
        if let Some(last) = last.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            text.push(' ');
            text.push_str(&last.to_lowercase());
        }
    }
    text
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("households")
                    .add_column(ColumnDef::new("search_text").text().not_null().default(""))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let households = db
            .query_all(
                &Query::select()
                    .columns(["id", "reference"])
                    .from("households")
                    .order_by("id", Order::Asc)
                    .to_owned(),
            )
            .await?;
        let members = db
            .query_all(
                &Query::select()
                    .columns(["household_id", "first_name", "last_name"])
                    .from("household_members")
                    .order_by("household_id", Order::Asc)
                    .order_by("position", Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut names: std::collections::BTreeMap<i64, Vec<(String, Option<String>)>> =
            Default::default();
        for m in members {
            names
                .entry(m.try_get("", "household_id")?)
                .or_default()
                .push((m.try_get("", "first_name")?, m.try_get("", "last_name")?));
        }
        for h in households {
            let id: i64 = h.try_get("", "id")?;
            let reference: String = h.try_get("", "reference")?;
            let text = search_text(&reference, names.get(&id).map_or(&[][..], Vec::as_slice));
            let update = Query::update()
                .table("households")
                .value("search_text", text)
                .and_where(Expr::col("id").eq(id))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        create_indexes(
            manager,
            vec![index(
                "households",
                &[
                    "municipality_id",
                    "status",
                    "in_follow_up_since",
                    "id",
                    "reference",
                ],
                false,
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table("households").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("households")
                    .drop_column("search_text")
                    .to_owned(),
            )
            .await
    }
}
