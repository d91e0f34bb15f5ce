//! API tokens: per-user bearer tokens for the JSON API. Only the SHA-256 is stored.

use chrono::{DateTime, Utc};
use entities::api_token;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Inserts a token row and returns it.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<api_token::Model, sea_orm::DbErr> {
    api_token::Entity::insert(api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(token_hash.to_owned()),
        prefix: Set(prefix.to_owned()),
        created_at: Set(now),
        last_used_at: Set(None),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

/// A user's tokens, newest first.
pub async fn of_user<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<api_token::Model>, sea_orm::DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

/// Whether a token may still be used, and when it last was.
#[derive(Debug, Clone, PartialEq, sea_orm::FromQueryResult)]
pub struct TokenState {
    pub token_id: i64,
    pub token_last_used_at: Option<DateTime<Utc>>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub token_revoked_at: Option<DateTime<Utc>>,
}

/// The token with this hash and the person it acts for as every request needs them (see
/// [`super::users::for_request`]), in one round trip.
pub async fn with_user_by_hash<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<(TokenState, super::users::RequestUser)>, sea_orm::DbErr> {
    use super::users::{RequestUserRow, request_user, request_user_query};
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    #[derive(sea_orm::FromQueryResult)]
    struct Row {
        #[sea_orm(nested)]
        token: TokenState,
        #[sea_orm(nested)]
        user: RequestUserRow,
    }
    let rows = request_user_query()
        .column_as(api_token::Column::Id, "token_id")
        .column_as(api_token::Column::LastUsedAt, "token_last_used_at")
        .column_as(api_token::Column::ExpiresAt, "token_expires_at")
        .column_as(api_token::Column::RevokedAt, "token_revoked_at")
        .join_rev(JoinType::InnerJoin, api_token::Relation::User.def())
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .into_model::<Row>()
        .all(db)
        .await?;
    let Some(token) = rows.first().map(|r| r.token.clone()) else {
        return Ok(None);
    };
    let people: Vec<RequestUserRow> = rows.into_iter().map(|r| r.user).collect();
    Ok(request_user(&people).map(|user| (token, user)))
}

/// Marks a user's token revoked; returns whether one was.
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let result = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Records a use (callers do this at most once a minute per token).
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    api_token::Entity::update_many()
        .col_expr(
            api_token::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every token of a user (account disabled or erased).
pub async fn revoke_all<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let result = api_token::Entity::update_many()
        .col_expr(
            api_token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
