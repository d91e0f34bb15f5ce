//! Viewings of a proposal's flat: offered, arranged, held, cancelled.

use chrono::{DateTime, Utc};
use entities::viewing;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// A viewing arranged by a coordinator.
#[derive(Debug, Clone)]
pub struct NewViewing {
    pub proposal_id: i64,
    pub starts_at: DateTime<Utc>,
    pub place: String,
    pub companion_user_id: Option<i64>,
    pub companion_name: Option<String>,
    pub note: Option<String>,
}

/// Stores a scheduled viewing; proposed times of the same proposal that were not chosen
/// are marked as such. Returns the viewing's id.
pub async fn schedule_viewing<C: ConnectionTrait>(
    db: &C,
    v: &NewViewing,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    viewing::Entity::update_many()
        .col_expr(viewing::Column::Status, "not_chosen".into())
        .col_expr(viewing::Column::UpdatedAt, now.into())
        .filter(viewing::Column::ProposalId.eq(v.proposal_id))
        .filter(viewing::Column::Status.eq("proposed"))
        .exec(db)
        .await?;
    viewing::Entity::update_many()
        .col_expr(viewing::Column::Status, "moved".into())
        .col_expr(viewing::Column::UpdatedAt, now.into())
        .filter(viewing::Column::ProposalId.eq(v.proposal_id))
        .filter(viewing::Column::Status.eq("scheduled"))
        .exec(db)
        .await?;
    let row = viewing::ActiveModel {
        proposal_id: Set(v.proposal_id),
        status: Set("scheduled".into()),
        proposed_by: Set("coordinator".into()),
        starts_at: Set(v.starts_at),
        ends_at: Set(None),
        place: Set(v.place.clone()),
        accompanied_by_user_id: Set(v.companion_user_id),
        accompanied_by_name: Set(v.companion_name.clone()),
        note: Set(v.note.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The viewing of a proposal that is arranged and still ahead, if any.
pub async fn viewing_ahead<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<viewing::Model>, sea_orm::DbErr> {
    viewing::Entity::find()
        .filter(viewing::Column::ProposalId.eq(proposal_id))
        .filter(viewing::Column::Status.eq("scheduled"))
        .filter(viewing::Column::StartsAt.gt(now))
        .one(db)
        .await
}

/// The proposal ended: its arranged and offered viewings are cancelled.
pub async fn cancel_viewings<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    viewing::Entity::update_many()
        .col_expr(viewing::Column::Status, "cancelled".into())
        .col_expr(viewing::Column::UpdatedAt, now.into())
        .filter(viewing::Column::ProposalId.eq(proposal_id))
        .filter(viewing::Column::Status.is_in(["scheduled", "proposed"]))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks the scheduled viewing of a proposal as held, with a note.
pub async fn viewing_held<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut update = viewing::Entity::update_many()
        .col_expr(viewing::Column::Status, "held".into())
        .col_expr(viewing::Column::UpdatedAt, now.into());
    if note.is_some() {
        update = update.col_expr(viewing::Column::Note, note.into());
    }
    update
        .filter(viewing::Column::ProposalId.eq(proposal_id))
        .filter(viewing::Column::Status.eq("scheduled"))
        .exec(db)
        .await?;
    Ok(())
}

/// Scheduled and held viewings a volunteer accompanies, by time.
pub async fn viewings_accompanied_by<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<viewing::Model>, sea_orm::DbErr> {
    viewing::Entity::find()
        .filter(viewing::Column::AccompaniedByUserId.eq(user_id))
        .filter(viewing::Column::Status.is_in(["scheduled", "held"]))
        .order_by_asc(viewing::Column::StartsAt)
        .all(db)
        .await
}
