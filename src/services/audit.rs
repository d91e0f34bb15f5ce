//! The audit log: who changed or exported what, when. Details name fields and counts, not
//! personal values, so erasing a person keeps the trail's shape.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::Actor;
use crate::store;

/// Records an entry in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    municipality_id: Option<i64>,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    store::audit::insert(
        db,
        &store::audit::NewEntry {
            actor_user_id: actor.user_id(),
            actor_label: actor.label(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id,
            municipality_id,
            details: Some(details.to_string()),
        },
        now,
    )
    .await
}
