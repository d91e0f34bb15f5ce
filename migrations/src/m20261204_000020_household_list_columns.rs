//! The household list without sub-queries: `households.list_name` (the first member's
//! first and last name) and `households.list_birth_years` (every member's year of birth,
//! comma-separated, in the members' order) are copies Bleibe writes with the members, so
//! a page of the list is read from the household rows alone. On the district data set the
//! three sub-queries per row (first member, birth years, allowed places) cost PostgreSQL
//! three quarters of the page query's time. Filled here for the households there are.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// "First Last", or the first name alone, as `store::households` writes it on the day of
/// this migration (a migration is a frozen record, so the rule is written out here).
fn list_name(first: &str, last: Option<&str>) -> String {
    format!("{} {}", first.trim(), last.unwrap_or_default().trim())
        .trim()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["list_name", "list_birth_years"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("households")
                        .add_column(ColumnDef::new(column).text().not_null().default(""))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let members = db
            .query_all(
                &Query::select()
                    .columns(["household_id", "first_name", "last_name", "birth_year"])
                    .from("household_members")
                    .order_by("household_id", Order::Asc)
                    .order_by("position", Order::Asc)
                    .order_by("id", Order::Asc)
                    .to_owned(),
            )
            .await?;
        let mut lists: std::collections::BTreeMap<i64, (String, Vec<String>)> = Default::default();
        for m in members {
            let id: i64 = m.try_get("", "household_id")?;
            let year: i32 = m.try_get("", "birth_year")?;
            let first: String = m.try_get("", "first_name")?;
            let last: Option<String> = m.try_get("", "last_name")?;
            let entry = lists
                .entry(id)
                .or_insert_with(|| (list_name(&first, last.as_deref()), Vec::new()));
            entry.1.push(year.to_string());
        }
        for (id, (name, years)) in lists {
            let update = Query::update()
                .table("households")
                .value("list_name", name)
                .value("list_birth_years", years.join(","))
                .and_where(Expr::col("id").eq(id))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["list_birth_years", "list_name"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("households")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
