//! Imports of CSV files (their reports) and the review flags they raise for likely
//! duplicates.

use chrono::{DateTime, Utc};
use entities::{import, review_flag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

/// An import as first recorded.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub kind: &'static str,
    pub municipality_id: Option<i64>,
    pub file_name: String,
    pub uploaded_by: Option<i64>,
    /// "imported" or "rejected".
    pub status: &'static str,
    pub rows_total: i32,
    pub rows_accepted: i32,
    pub rows_rejected: i32,
    /// The report as JSON.
    pub report: String,
}

/// Records an import; returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewImport,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = import::ActiveModel {
        kind: Set(new.kind.into()),
        municipality_id: Set(new.municipality_id),
        file_name: Set(new.file_name),
        uploaded_by_user_id: Set(new.uploaded_by),
        status: Set(new.status.into()),
        rows_total: Set(new.rows_total),
        rows_accepted: Set(new.rows_accepted),
        rows_rejected: Set(new.rows_rejected),
        report: Set(new.report),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Replaces an import's report (JSON).
pub async fn set_report<C: ConnectionTrait>(db: &C, id: i64, report: String) -> Result<(), DbErr> {
    import::Entity::update_many()
        .col_expr(import::Column::Report, report.into())
        .filter(import::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The imports made for a municipality, newest first.
pub async fn of_municipality<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<import::Model>, DbErr> {
    import::Entity::find()
        .filter(import::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(import::Column::Id)
        .all(db)
        .await
}

/// The import with this id.
pub async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<import::Model>, DbErr> {
    import::Entity::find_by_id(id).one(db).await
}

/// A likely duplicate put up for review.
#[derive(Debug, Clone)]
pub struct NewFlag<'a> {
    /// What kind of doubt, e.g. "duplicate_reference".
    pub kind: &'a str,
    /// The table of the record in doubt and its id.
    pub entity: &'a str,
    pub entity_id: i64,
    /// The record it may duplicate.
    pub other_entity_id: Option<i64>,
    pub municipality_id: Option<i64>,
    pub import_id: i64,
    pub reason: &'a str,
}

/// Raises a review flag (the reason cut at 2,000 characters).
pub async fn insert_flag<C: ConnectionTrait>(
    db: &C,
    flag: NewFlag<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    review_flag::ActiveModel {
        kind: Set(flag.kind.into()),
        entity: Set(flag.entity.into()),
        entity_id: Set(flag.entity_id),
        other_entity_id: Set(flag.other_entity_id),
        municipality_id: Set(flag.municipality_id),
        import_id: Set(Some(flag.import_id)),
        reason: Set(flag.reason.chars().take(2000).collect()),
        resolved_at: Set(None),
        resolved_by_user_id: Set(None),
        resolution: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The open review flags of a municipality, oldest first.
pub async fn open_flags<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<review_flag::Model>, DbErr> {
    review_flag::Entity::find()
        .filter(review_flag::Column::MunicipalityId.eq(municipality_id))
        .filter(review_flag::Column::ResolvedAt.is_null())
        .order_by_asc(review_flag::Column::Id)
        .all(db)
        .await
}

/// The review flag with this id.
pub async fn find_flag<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<review_flag::Model>, DbErr> {
    review_flag::Entity::find_by_id(id).one(db).await
}

/// Marks a review flag dealt with, by whom and how (cut at 500 characters).
pub async fn resolve_flag<C: ConnectionTrait>(
    db: &C,
    flag: review_flag::Model,
    by: Option<i64>,
    resolution: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut row: review_flag::ActiveModel = flag.into();
    row.resolved_at = Set(Some(now));
    row.resolved_by_user_id = Set(by);
    row.resolution = Set(Some(resolution.chars().take(500).collect()));
    row.update(db).await?;
    Ok(())
}
