//! Column and constraint helpers shared by the migrations, so every table spells ids,
//! timestamps, money and foreign keys the same way. Migrations name tables and columns
//! with plain strings: a migration is a frozen record of the schema at one time and must
//! not depend on the entity crate, which keeps changing.

use sea_orm_migration::prelude::*;

/// Surrogate primary key: 64-bit auto-increment (`integer` on SQLite, `bigserial` on PostgreSQL).
pub fn id() -> ColumnDef {
    ColumnDef::new("id")
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

/// A short text, required.
pub fn text_len(col: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().take()
}

/// A short text, optional.
pub fn text_len_null(col: &'static str, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().take()
}

/// A long text, required.
pub fn text(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

/// A long text, optional.
pub fn text_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

/// A JSON document stored as text (portable between SQLite and PostgreSQL).
pub fn json_text(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

/// A whole number, required.
pub fn int(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().take()
}

/// A whole number, optional.
pub fn int_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).integer().null().take()
}

/// A whole number with a default.
pub fn int_default(col: &'static str, default: i32) -> ColumnDef {
    ColumnDef::new(col)
        .integer()
        .not_null()
        .default(default)
        .take()
}

/// A 64-bit count, required.
pub fn big(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

/// A measurement (area, coordinates, score): never money.
pub fn real(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).double().not_null().take()
}

/// An optional measurement.
pub fn real_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).double().null().take()
}

/// A yes/no flag with a default.
pub fn flag(col: &'static str, default: bool) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(default)
        .take()
}

/// An optional yes/no answer (unknown until recorded).
pub fn flag_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).boolean().null().take()
}

/// A calendar date, required.
pub fn date(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).date().not_null().take()
}

/// A calendar date, optional.
pub fn date_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).date().null().take()
}

/// A point in time, stored with its time zone (always UTC in Bleibe).
pub fn at(col: &'static str) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// An optional point in time.
pub fn at_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

/// An amount of money in euro cents. Money is never stored as a float.
pub fn cents(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

/// An amount of money in euro cents with a default.
pub fn cents_default(col: &'static str, default: i64) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .default(default)
        .take()
}

/// An optional amount of money in euro cents.
pub fn cents_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

/// A reference to another row's `id`.
pub fn ref_id(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

/// An optional reference to another row's `id`.
pub fn ref_id_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

/// The `created_at` and `updated_at` columns every mutable table carries.
pub fn timestamps(table: &mut TableCreateStatement) {
    table.col(at("created_at")).col(at("updated_at"));
}

/// A foreign key `fk_<table>_<column>` from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

/// An index `idx_<table>_<columns>` (or `uq_...` when unique).
pub fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let prefix = if unique { "uq" } else { "idx" };
    let mut stmt = Index::create();
    stmt.name(format!("{prefix}_{table}_{}", columns.join("_")))
        .table(table);
    for column in columns {
        stmt.col(*column);
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

/// Creates a table with its foreign keys (SQLite only accepts them inside `CREATE TABLE`).
pub async fn create_table(
    manager: &SchemaManager<'_>,
    mut table: TableCreateStatement,
    foreign_keys: Vec<ForeignKeyCreateStatement>,
) -> Result<(), DbErr> {
    for mut key in foreign_keys {
        table.foreign_key(&mut key);
    }
    manager.create_table(table).await
}

/// Creates indexes in order.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for stmt in indexes {
        manager.create_index(stmt).await?;
    }
    Ok(())
}

/// Drops tables in the given order (children before parents).
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}
