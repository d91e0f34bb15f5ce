//! The audit log table.

use chrono::{DateTime, Utc};
use entities::audit_entry;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

/// An entry to write.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub municipality_id: Option<i64>,
    /// JSON text.
    pub details: Option<String>,
}

/// Writes an entry.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    entry: &NewEntry,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    audit_entry::ActiveModel {
        occurred_at: Set(now),
        actor_user_id: Set(entry.actor_user_id),
        actor_label: Set(entry.actor_label.clone()),
        action: Set(entry.action.clone()),
        entity: Set(entry.entity.clone()),
        entity_id: Set(entry.entity_id),
        municipality_id: Set(entry.municipality_id),
        details: Set(entry.details.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
