//! Placements (from both sides' yes to the end of the tenancy) and their follow-ups.

use chrono::{DateTime, NaiveDate, Utc};
use entities::{follow_up, placement, proposal};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::CHUNK;

/// The placement of a proposal, if one was started.
pub async fn placement_of<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
) -> Result<Option<placement::Model>, sea_orm::DbErr> {
    placement::Entity::find()
        .filter(placement::Column::ProposalId.eq(proposal_id))
        .one(db)
        .await
}

/// The placement of a proposal, created (empty) when missing.
pub async fn ensure_placement<C: ConnectionTrait>(
    db: &C,
    p: &proposal::Model,
    municipality_id: i64,
    now: DateTime<Utc>,
) -> Result<placement::Model, sea_orm::DbErr> {
    if let Some(existing) = placement_of(db, p.id).await? {
        return Ok(existing);
    }
    placement::ActiveModel {
        proposal_id: Set(p.id),
        unit_id: Set(p.unit_id),
        household_id: Set(p.household_id),
        municipality_id: Set(municipality_id),
        jobcenter_status: Set(None),
        jobcenter_requested_on: Set(None),
        jobcenter_decided_on: Set(None),
        lease_kind: Set(None),
        lease_signed_on: Set(None),
        lease_start: Set(None),
        rent_cold_cents: Set(None),
        service_charges_cents: Set(None),
        heating_costs_cents: Set(None),
        moved_in_on: Set(None),
        freed_site: Set(None),
        places_freed: Set(0),
        outcome: Set("open".into()),
        ended_on: Set(None),
        end_reason: Set(None),
        end_reason_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Saves a changed placement.
pub async fn save_placement<C: ConnectionTrait>(
    db: &C,
    placement: placement::Model,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut row: placement::ActiveModel = placement.into();
    row = row.reset_all();
    row.updated_at = Set(now);
    row.id = sea_orm::ActiveValue::Unchanged(row.id.take().unwrap_or_default());
    row.update(db).await?;
    Ok(())
}

/// One page of the placements of some municipalities (optionally with one outcome),
/// newest first; and how many there are in all.
pub async fn placements_page<C: ConnectionTrait>(
    db: &C,
    municipalities: &[i64],
    outcome: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<placement::Model>, u64), sea_orm::DbErr> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut cond =
        Condition::all().add(placement::Column::MunicipalityId.is_in(municipalities.to_vec()));
    if let Some(outcome) = outcome {
        cond = cond.add(placement::Column::Outcome.eq(outcome));
    }
    let total = placement::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let rows = placement::Entity::find()
        .filter(cond)
        .order_by_desc(placement::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Creates the follow-ups of a placement (months after move-in, with due dates).
pub async fn insert_follow_ups<C: ConnectionTrait>(
    db: &C,
    placement_id: i64,
    due: &[(i32, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    for (month, due_on) in due {
        follow_up::ActiveModel {
            placement_id: Set(placement_id),
            month: Set(*month),
            due_on: Set(*due_on),
            status: Set("due".into()),
            done_on: Set(None),
            rent_paid: Set(None),
            problems: Set(None),
            support_needed: Set(None),
            note: Set(None),
            recorded_by_user_id: Set(None),
            reminder_sent_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The follow-ups of placements, by placement and month.
pub async fn follow_ups_of<C: ConnectionTrait>(
    db: &C,
    placement_ids: &[i64],
) -> Result<Vec<follow_up::Model>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for chunk in placement_ids.chunks(CHUNK) {
        out.extend(
            follow_up::Entity::find()
                .filter(follow_up::Column::PlacementId.is_in(chunk.to_vec()))
                .order_by_asc(follow_up::Column::PlacementId)
                .order_by_asc(follow_up::Column::Month)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// What a follow-up found.
#[derive(Debug, Clone)]
pub struct FollowUpOutcome {
    pub done_on: NaiveDate,
    pub rent_paid: Option<bool>,
    pub problems: Option<String>,
    pub support_needed: Option<bool>,
    pub note: Option<String>,
    pub by: i64,
}

/// Records a follow-up's outcome; false when it was recorded already.
pub async fn record_follow_up<C: ConnectionTrait>(
    db: &C,
    id: i64,
    outcome: &FollowUpOutcome,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let result = follow_up::Entity::update_many()
        .col_expr(follow_up::Column::Status, "done".into())
        .col_expr(follow_up::Column::DoneOn, Some(outcome.done_on).into())
        .col_expr(follow_up::Column::RentPaid, outcome.rent_paid.into())
        .col_expr(follow_up::Column::Problems, outcome.problems.clone().into())
        .col_expr(
            follow_up::Column::SupportNeeded,
            outcome.support_needed.into(),
        )
        .col_expr(follow_up::Column::Note, outcome.note.clone().into())
        .col_expr(follow_up::Column::RecordedByUserId, Some(outcome.by).into())
        .col_expr(follow_up::Column::UpdatedAt, now.into())
        .filter(follow_up::Column::Id.eq(id))
        .filter(follow_up::Column::Status.eq("due"))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks the open follow-ups of a placement as no longer needed (the tenancy ended).
pub async fn cancel_follow_ups<C: ConnectionTrait>(
    db: &C,
    placement_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    follow_up::Entity::update_many()
        .col_expr(follow_up::Column::Status, "cancelled".into())
        .col_expr(follow_up::Column::UpdatedAt, now.into())
        .filter(follow_up::Column::PlacementId.eq(placement_id))
        .filter(follow_up::Column::Status.eq("due"))
        .exec(db)
        .await?;
    Ok(())
}

/// Marks a follow-up's check-in as sent; false when it was already, so it goes out once.
pub async fn mark_follow_up_reminded<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    Ok(follow_up::Entity::update_many()
        .col_expr(
            follow_up::Column::ReminderSentAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(follow_up::Column::Id.eq(id))
        .filter(follow_up::Column::ReminderSentAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// A follow-up with the id of the proposal its placement came from (one query).
pub async fn follow_up_with_proposal<C: ConnectionTrait>(
    db: &C,
    follow_up_id: i64,
) -> Result<Option<(follow_up::Model, i64)>, sea_orm::DbErr> {
    Ok(follow_up::Entity::find_by_id(follow_up_id)
        .find_also_related(placement::Entity)
        .one(db)
        .await?
        .and_then(|(f, p)| p.map(|p| (f, p.proposal_id))))
}
