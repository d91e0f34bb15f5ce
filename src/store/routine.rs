//! What the scheduled jobs read: proposals waiting for an answer, follow-ups that are due,
//! and the digest's new flats and failed e-mails.

use chrono::{DateTime, NaiveDate, Utc};
use entities::{follow_up, outbox_message, placement, proposal, unit};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::pipeline::ProposalState;

/// Open proposals still waiting for an answer, by id, each with its flat's municipality
/// (one query).
pub async fn waiting_for_answer<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(proposal::Model, Option<i64>)>, DbErr> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::IsOpen.eq(true))
        .filter(proposal::Column::State.is_in([
            ProposalState::Sent.as_str(),
            ProposalState::LandlordAccepted.as_str(),
            ProposalState::HouseholdAccepted.as_str(),
        ]))
        .find_also_related(unit::Entity)
        .order_by_asc(proposal::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|(p, u)| (p, u.map(|u| u.municipality_id)))
        .collect())
}

/// Follow-up check-ins due by `today` whose reminder has not gone out, by id, each with
/// the proposal of its placement (one query).
pub async fn due_follow_ups<C: ConnectionTrait>(
    db: &C,
    today: NaiveDate,
) -> Result<Vec<(follow_up::Model, proposal::Model)>, DbErr> {
    Ok(follow_up::Entity::find()
        .filter(follow_up::Column::Status.eq("due"))
        .filter(follow_up::Column::DueOn.lte(today))
        .filter(follow_up::Column::ReminderSentAt.is_null())
        .find_also_related(placement::Entity)
        .find_also(placement::Entity, proposal::Entity)
        .order_by_asc(follow_up::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(f, _, p)| p.map(|p| (f, p)))
        .collect())
}

/// Flats of a municipality entered since `since` (drafts never), by id.
pub async fn new_units_since<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<unit::Model>, DbErr> {
    unit::Entity::find()
        .filter(unit::Column::MunicipalityId.eq(municipality_id))
        .filter(unit::Column::CreatedAt.gte(since))
        .filter(unit::Column::Status.ne("draft"))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await
}

/// E-mails of a municipality given up since `since`, by id.
pub async fn failed_mails_since<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<outbox_message::Model>, DbErr> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::MunicipalityId.eq(municipality_id))
        .filter(outbox_message::Column::Status.eq(super::outbox::FAILED))
        .filter(outbox_message::Column::UpdatedAt.gte(since))
        .order_by_asc(outbox_message::Column::Id)
        .all(db)
        .await
}
