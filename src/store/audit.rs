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

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
}

/// Entries matching `filter`, newest first, one page; and how many match in all.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<audit_entry::Model>, u64), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut query = audit_entry::Entity::find();
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_entry::Column::Entity.eq(entity.clone()));
    }
    if let Some(id) = filter.entity_id {
        query = query.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(actor) = filter.actor_user_id {
        query = query.filter(audit_entry::Column::ActorUserId.eq(actor));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_entry::Column::Action.eq(action.clone()));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Replaces the name under which a person appears as actor (after their erasure): the
/// entries stay, with what was done and when, but no longer name them.
pub async fn relabel_actor<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    label: &str,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    audit_entry::Entity::update_many()
        .col_expr(audit_entry::Column::ActorLabel, Expr::value(label))
        .filter(audit_entry::Column::ActorUserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// What the log's filter offers: the areas (tables), the actions, and the accounts that
/// acted (id, label), each sorted.
#[derive(Debug, Clone, Default)]
pub struct Kinds {
    pub entities: Vec<String>,
    pub actions: Vec<String>,
    pub actors: Vec<(i64, String)>,
}

/// The areas, actions and acting accounts that occur in the log.
pub async fn kinds<C: ConnectionTrait>(db: &C) -> Result<Kinds, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let entities = audit_entry::Entity::find()
        .select_only()
        .column(audit_entry::Column::Entity)
        .distinct()
        .order_by_asc(audit_entry::Column::Entity)
        .into_tuple::<String>()
        .all(db)
        .await?;
    let actions = audit_entry::Entity::find()
        .select_only()
        .column(audit_entry::Column::Action)
        .distinct()
        .order_by_asc(audit_entry::Column::Action)
        .into_tuple::<String>()
        .all(db)
        .await?;
    let mut actors: Vec<(i64, String)> = audit_entry::Entity::find()
        .select_only()
        .column(audit_entry::Column::ActorUserId)
        .column(audit_entry::Column::ActorLabel)
        .distinct()
        .filter(audit_entry::Column::ActorUserId.is_not_null())
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?;
    actors.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    actors.dedup_by_key(|a| a.0);
    Ok(Kinds {
        entities,
        actions,
        actors,
    })
}
