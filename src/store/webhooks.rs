//! Webhook endpoints and their outbox of deliveries.

use chrono::{DateTime, Utc};
use entities::{household, proposal, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::webhooks::EventType;

/// A delivery waiting to be sent (or sent, or given up).
pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";

/// A new endpoint.
#[derive(Debug, Clone)]
pub struct NewEndpoint<'a> {
    pub municipality_id: i64,
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a [EventType],
    pub trusted: bool,
    pub created_by: Option<i64>,
}

/// Stores an endpoint; its id.
pub async fn insert_endpoint<C: ConnectionTrait>(
    db: &C,
    e: &NewEndpoint<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let events: Vec<&str> = e.events.iter().map(|t| t.as_str()).collect();
    Ok(webhook_endpoint::ActiveModel {
        municipality_id: Set(e.municipality_id),
        url: Set(e.url.trim().to_owned()),
        secret: Set(e.secret.to_owned()),
        events: Set(events.join(",")),
        trusted: Set(e.trusted),
        active: Set(true),
        created_by_user_id: Set(e.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Every endpoint, by municipality and id.
pub async fn endpoints<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<webhook_endpoint::Model>, sea_orm::DbErr> {
    webhook_endpoint::Entity::find()
        .order_by_asc(webhook_endpoint::Column::MunicipalityId)
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await
}

/// One endpoint.
pub async fn endpoint<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<webhook_endpoint::Model>, sea_orm::DbErr> {
    webhook_endpoint::Entity::find_by_id(id).one(db).await
}

/// Switches an endpoint on or off.
pub async fn set_active<C: ConnectionTrait>(
    db: &C,
    id: i64,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    webhook_endpoint::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        active: Set(active),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// What an event is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct About {
    pub proposal_id: Option<i64>,
    pub household_id: Option<i64>,
}

/// Writes `event` to the outbox of every active endpoint of the municipality that wants
/// it, in the caller's transaction. The municipality is the household's (of the proposal,
/// or the household itself). `data` is the payload's `data`: ids and states.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    event: EventType,
    about: About,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let municipality = match (about.proposal_id, about.household_id) {
        (Some(p), _) => Query::select()
            .column((household::Entity, household::Column::MunicipalityId))
            .from(household::Entity)
            .inner_join(
                proposal::Entity,
                Expr::col((proposal::Entity, proposal::Column::HouseholdId))
                    .equals((household::Entity, household::Column::Id)),
            )
            .and_where(Expr::col((proposal::Entity, proposal::Column::Id)).eq(p))
            .to_owned(),
        (None, Some(h)) => Query::select()
            .column(household::Column::MunicipalityId)
            .from(household::Entity)
            .and_where(Expr::col(household::Column::Id).eq(h))
            .to_owned(),
        (None, None) => return Ok(0),
    };
    let wanted: Vec<webhook_endpoint::Model> = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Active.eq(true))
        .filter(webhook_endpoint::Column::MunicipalityId.in_subquery(municipality))
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|e| e.events.split(',').any(|t| t == event.as_str()))
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    // Ids of the flat and the household of a proposal, for the payload.
    let (mut data, mut about) = (data, about);
    if let Some(p) = about.proposal_id
        && let Some(row) = proposal::Entity::find_by_id(p).one(db).await?
    {
        data["unit_id"] = row.unit_id.into();
        data["household_id"] = row.household_id.into();
        about.household_id = Some(row.household_id);
    }
    let event_id = crate::util::random_hex(16)
        .map(|hex| format!("evt_{hex}"))
        .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    let municipality_id = wanted[0].municipality_id;
    let payload = serde_json::json!({
        "id": event_id,
        "type": event.as_str(),
        "created_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "municipality_id": municipality_id,
        "data": data,
    });
    let rows = wanted.iter().map(|e| webhook_delivery::ActiveModel {
        endpoint_id: Set(e.id),
        event: Set(event.as_str().to_owned()),
        event_id: Set(event_id.clone()),
        proposal_id: Set(about.proposal_id),
        household_id: Set(about.household_id),
        payload: Set(payload.to_string()),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_attempt_at: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    });
    webhook_delivery::Entity::insert_many(rows).exec(db).await?;
    Ok(wanted.len())
}

/// Deliveries not yet delivered or given up, oldest first, with their endpoints.
pub async fn pending<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<(webhook_delivery::Model, webhook_endpoint::Model)>, sea_orm::DbErr> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(PENDING))
        .find_also_related(webhook_endpoint::Entity)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(d, e)| e.map(|e| (d, e)))
        .collect())
}

/// What an attempt led to.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status: Option<i32>,
    pub error: Option<String>,
    /// Delivered, or when to try again (`None`: given up).
    pub outcome: Result<(), Option<DateTime<Utc>>>,
}

/// Records an attempt of delivery `id`.
pub async fn record_attempt<C: ConnectionTrait>(
    db: &C,
    delivery: &webhook_delivery::Model,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut row = webhook_delivery::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(delivery.id),
        attempts: Set(delivery.attempts + 1),
        last_attempt_at: Set(Some(now)),
        last_status: Set(attempt.status),
        last_error: Set(attempt
            .error
            .as_ref()
            .map(|e| e.chars().take(500).collect())),
        ..Default::default()
    };
    match attempt.outcome {
        Ok(()) => {
            row.status = Set(DELIVERED.to_owned());
            row.delivered_at = Set(Some(now));
        }
        Err(Some(next)) => row.next_attempt_at = Set(next),
        Err(None) => row.status = Set(FAILED.to_owned()),
    }
    row.update(db).await?;
    Ok(())
}

/// An endpoint's latest deliveries, newest first.
pub async fn deliveries_of<C: ConnectionTrait>(
    db: &C,
    endpoint_id: i64,
    limit: u64,
) -> Result<Vec<webhook_delivery::Model>, sea_orm::DbErr> {
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// How many deliveries were given up, per endpoint.
pub async fn failed_counts<C: ConnectionTrait>(db: &C) -> Result<Vec<(i64, i64)>, sea_orm::DbErr> {
    webhook_delivery::Entity::find()
        .select_only()
        .column(webhook_delivery::Column::EndpointId)
        .column_as(webhook_delivery::Column::Id.count(), "n")
        .filter(webhook_delivery::Column::Status.eq(FAILED))
        .group_by(webhook_delivery::Column::EndpointId)
        .into_tuple()
        .all(db)
        .await
}

/// One delivery.
pub async fn delivery<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<webhook_delivery::Model>, sea_orm::DbErr> {
    webhook_delivery::Entity::find_by_id(id).one(db).await
}

/// Sends a delivery again (the same event id and body): pending, due now, attempts anew.
pub async fn redeliver<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    webhook_delivery::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        delivered_at: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// The household reference for a trusted endpoint's payload.
pub async fn reference_of<C: ConnectionTrait>(
    db: &C,
    household_id: Option<i64>,
    proposal_id: Option<i64>,
) -> Result<Option<String>, sea_orm::DbErr> {
    let household = match (household_id, proposal_id) {
        (Some(h), _) => Some(h),
        (None, Some(p)) => proposal::Entity::find_by_id(p)
            .one(db)
            .await?
            .map(|p| p.household_id),
        (None, None) => None,
    };
    let Some(h) = household else { return Ok(None) };
    Ok(household::Entity::find_by_id(h)
        .one(db)
        .await?
        .map(|h| h.reference))
}

/// Removes deliveries delivered before `before`; how many.
pub async fn purge_delivered<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::Status.eq(DELIVERED))
        .filter(webhook_delivery::Column::DeliveredAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
