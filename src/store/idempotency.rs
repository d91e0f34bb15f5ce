//! `idempotency_keys`: the API requests made with an `Idempotency-Key`, so that a
//! repeated request answers as the first did instead of acting twice.

use chrono::{DateTime, Utc};
use entities::idempotency_key;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// What a key is known for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// New: this request goes ahead (the row's id, to finish or release it).
    Fresh(i64),
    /// The first request with this key is done: its status and the resource it led to.
    Done {
        same_request: bool,
        status: i32,
        resource: Option<String>,
    },
    /// The first request with this key is still running.
    Running { same_request: bool },
}

/// The request itself, as a key is bound to it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub user_id: i64,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    /// SHA-256 of the body, hex.
    pub body_hash: &'a str,
}

/// Claims `request.key` for `request.user_id`, or tells what the key was used for. A key
/// created before `expired_before` is forgotten first.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    request: &Request<'_>,
    now: DateTime<Utc>,
    expired_before: DateTime<Utc>,
) -> Result<Claim, sea_orm::DbErr> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::UserId.eq(request.user_id))
        .filter(idempotency_key::Column::Key.eq(request.key))
        .filter(idempotency_key::Column::CreatedAt.lt(expired_before))
        .exec(db)
        .await?;
    let row = idempotency_key::ActiveModel {
        user_id: Set(request.user_id),
        key: Set(request.key.to_owned()),
        method: Set(request.method.to_owned()),
        path: Set(request.path.to_owned()),
        body_hash: Set(request.body_hash.to_owned()),
        status: Set(None),
        resource: Set(None),
        created_at: Set(now),
        completed_at: Set(None),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(row) => Ok(Claim::Fresh(row.id)),
        Err(e) if super::is_unique_violation(&e) => {
            let Some(first) = idempotency_key::Entity::find()
                .filter(idempotency_key::Column::UserId.eq(request.user_id))
                .filter(idempotency_key::Column::Key.eq(request.key))
                .one(db)
                .await?
            else {
                return Err(e);
            };
            let same_request = first.method == request.method
                && first.path == request.path
                && first.body_hash == request.body_hash;
            Ok(match first.status {
                Some(status) => Claim::Done {
                    same_request,
                    status,
                    resource: first.resource,
                },
                None => Claim::Running { same_request },
            })
        }
        Err(e) => Err(e),
    }
}

/// Records the answer of the request that claimed row `id`.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: i32,
    resource: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    idempotency_key::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        status: Set(Some(status)),
        resource: Set(resource),
        completed_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Forgets the claim of row `id` (the request changed nothing: a retry may go ahead).
pub async fn release<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), sea_orm::DbErr> {
    idempotency_key::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Removes keys created before `before`; how many.
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes the keys whose key or path mention `reference` (a household's erasure).
pub async fn forget_mentions<C: ConnectionTrait>(
    db: &C,
    reference: &str,
) -> Result<u64, sea_orm::DbErr> {
    if reference.trim().is_empty() {
        return Ok(0);
    }
    Ok(idempotency_key::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(super::mentions(idempotency_key::Column::Key, reference))
                .add(super::mentions(idempotency_key::Column::Path, reference)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
