//! Unit drafts: a unit form saved before it is complete, with every field as typed.

use chrono::{DateTime, Utc};
use entities::unit_draft;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{corrupt, to_json_text};

/// A draft with its fields.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub landlord_id: i64,
    pub created_by: Option<i64>,
    pub fields: Vec<(String, String)>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reminded_at: Option<DateTime<Utc>>,
}

fn from_row(row: unit_draft::Model) -> Result<Draft, sea_orm::DbErr> {
    Ok(Draft {
        id: row.id,
        landlord_id: row.landlord_id,
        created_by: row.created_by_user_id,
        fields: serde_json::from_str(&row.form_data)
            .map_err(|e| corrupt("unit_drafts", row.id, e))?,
        created_at: row.created_at,
        updated_at: row.updated_at,
        reminded_at: row.reminded_at,
    })
}

/// Creates a draft, started by the new-flat form with key `form_key`.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
    created_by: Option<i64>,
    form_key: Option<&str>,
    fields: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = unit_draft::ActiveModel {
        landlord_id: Set(landlord_id),
        unit_id: Set(None),
        form_data: Set(to_json_text(&fields)?),
        created_by_user_id: Set(created_by),
        form_key: Set(form_key.map(str::to_owned)),
        reminded_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Replaces a draft's fields.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i64,
    fields: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    unit_draft::Entity::update_many()
        .col_expr(unit_draft::Column::FormData, to_json_text(&fields)?.into())
        .col_expr(unit_draft::Column::UpdatedAt, now.into())
        .filter(unit_draft::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The draft a landlord's new-flat form with key `form_key` started, if any.
pub async fn find_by_key<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
    form_key: &str,
) -> Result<Option<Draft>, sea_orm::DbErr> {
    unit_draft::Entity::find()
        .filter(unit_draft::Column::LandlordId.eq(landlord_id))
        .filter(unit_draft::Column::FormKey.eq(form_key))
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// Drafts not saved since `before` (candidates for a reminder or deletion), oldest first.
pub async fn idle_since<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<Vec<Draft>, sea_orm::DbErr> {
    unit_draft::Entity::find()
        .filter(unit_draft::Column::UpdatedAt.lt(before))
        .order_by_asc(unit_draft::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Notes that the landlord was reminded of a draft.
pub async fn mark_reminded<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    unit_draft::Entity::update_many()
        .col_expr(unit_draft::Column::RemindedAt, Some(now).into())
        .filter(unit_draft::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The draft with this id.
pub async fn find<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<Draft>, sea_orm::DbErr> {
    unit_draft::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// A landlord's drafts, newest first.
pub async fn list_for_landlord<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
) -> Result<Vec<Draft>, sea_orm::DbErr> {
    unit_draft::Entity::find()
        .filter(unit_draft::Column::LandlordId.eq(landlord_id))
        .order_by_desc(unit_draft::Column::UpdatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Deletes a draft (after it became a unit, or when thrown away).
pub async fn delete<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), sea_orm::DbErr> {
    unit_draft::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
