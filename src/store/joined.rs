//! Reading a joined query's rows part by part. sea-orm's `find_also…` chains decode every
//! table's model on every row, so a wide parent row (a household of 47 columns, a flat of
//! 50) joined with its children is decoded once per child row, by name, with a formatted
//! prefix per column: on a landlord's overview with 371 flats that was two thirds of the
//! CPU. [`rows`] runs the same query and hands out the raw rows; a caller decodes a part
//! only when its id changes from the row before.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, QueryResult, QueryTrait};

/// The parts of a row of a query joining up to four tables, in the order of the
/// `find_also…` chain: sea-orm prefixes their columns `A_`, `B_`, `C_` and `D_`.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    A,
    B,
    C,
    D,
}

impl Part {
    fn prefix(self) -> &'static str {
        match self {
            Part::A => "A_",
            Part::B => "B_",
            Part::C => "C_",
            Part::D => "D_",
        }
    }
}

/// The rows of `query` (a `find_also…` chain), not yet decoded.
pub async fn rows<C: ConnectionTrait, Q: QueryTrait>(
    db: &C,
    query: Q,
) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all_raw(query.build(db.get_database_backend()))
        .await
}

/// The id of a part of `row`; `None` when the outer join found nothing.
pub fn id(row: &QueryResult, part: Part) -> Result<Option<i64>, DbErr> {
    row.try_get(part.prefix(), "id")
}

/// A part of `row` decoded; `None` when the outer join found nothing (told by its id
/// alone: decoding a part that is all NULL costs as much as decoding one that is not).
pub fn model<M: FromQueryResult>(row: &QueryResult, part: Part) -> Result<Option<M>, DbErr> {
    if id(row, part)?.is_none() {
        return Ok(None);
    }
    M::from_query_result_optional(row, part.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefixes_are_sea_orms() {
        use sea_orm::Iden;
        assert_eq!(Part::A.prefix(), sea_orm::SelectA.to_string());
        assert_eq!(Part::B.prefix(), sea_orm::SelectB.to_string());
        assert_eq!(Part::C.prefix(), sea_orm::SelectC.to_string());
        assert_eq!(Part::D.prefix(), "D_");
    }
}
