//! Photo rows of units and drafts (the files are handled by `services::photos`).

use chrono::{DateTime, Utc};
use entities::unit_photo;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

/// Whose photo: a unit's or a draft's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Unit(i64),
    Draft(i64),
}

fn owned_by(owner: Owner) -> Condition {
    match owner {
        Owner::Unit(id) => Condition::all().add(unit_photo::Column::UnitId.eq(id)),
        Owner::Draft(id) => Condition::all()
            .add(unit_photo::Column::DraftId.eq(id))
            .add(unit_photo::Column::UnitId.is_null()),
    }
}

/// The photos of a unit or draft, in order.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
) -> Result<Vec<unit_photo::Model>, sea_orm::DbErr> {
    unit_photo::Entity::find()
        .filter(owned_by(owner))
        .order_by_asc(unit_photo::Column::Position)
        .order_by_asc(unit_photo::Column::Id)
        .all(db)
        .await
}

/// How many photos a unit or draft has.
pub async fn count<C: ConnectionTrait>(db: &C, owner: Owner) -> Result<u64, sea_orm::DbErr> {
    unit_photo::Entity::find()
        .filter(owned_by(owner))
        .count(db)
        .await
}

/// Adds a photo at the end.
#[allow(clippy::too_many_arguments)]
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    storage_key: &str,
    original_name: &str,
    content_type: &str,
    byte_size: i64,
    width: u32,
    height: u32,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let position = count(db, owner).await? as i32;
    let (unit_id, draft_id) = match owner {
        Owner::Unit(id) => (Some(id), None),
        Owner::Draft(id) => (None, Some(id)),
    };
    let row = unit_photo::ActiveModel {
        unit_id: Set(unit_id),
        draft_id: Set(draft_id),
        storage_key: Set(storage_key.to_owned()),
        original_name: Set(original_name.chars().take(255).collect()),
        content_type: Set(content_type.to_owned()),
        byte_size: Set(byte_size),
        width: Set(width as i32),
        height: Set(height as i32),
        position: Set(position),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Deletes the given photos of an owner; returns the storage keys of those deleted.
pub async fn delete<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    ids: &[i64],
) -> Result<Vec<String>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = unit_photo::Entity::find()
        .filter(owned_by(owner))
        .filter(unit_photo::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?;
    let keys: Vec<String> = rows.iter().map(|r| r.storage_key.clone()).collect();
    unit_photo::Entity::delete_many()
        .filter(unit_photo::Column::Id.is_in(rows.iter().map(|r| r.id).collect::<Vec<_>>()))
        .exec(db)
        .await?;
    Ok(keys)
}

/// Sets what a photo of an owner shows in words (none clears it).
pub async fn set_alt<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    alt: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    unit_photo::Entity::update_many()
        .col_expr(unit_photo::Column::AltText, alt.map(str::to_owned).into())
        .filter(owned_by(owner))
        .filter(unit_photo::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves a draft's photos to the unit it became.
pub async fn move_to_unit<C: ConnectionTrait>(
    db: &C,
    draft_id: i64,
    unit_id: i64,
) -> Result<(), sea_orm::DbErr> {
    unit_photo::Entity::update_many()
        .col_expr(unit_photo::Column::UnitId, Some(unit_id).into())
        .col_expr(unit_photo::Column::DraftId, Option::<i64>::None.into())
        .filter(unit_photo::Column::DraftId.eq(draft_id))
        .filter(unit_photo::Column::UnitId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The photo with this storage key.
pub async fn by_key<C: ConnectionTrait>(
    db: &C,
    storage_key: &str,
) -> Result<Option<unit_photo::Model>, sea_orm::DbErr> {
    unit_photo::Entity::find()
        .filter(unit_photo::Column::StorageKey.eq(storage_key))
        .one(db)
        .await
}
