//! Single-use, expiring action tokens. Only the SHA-256 of a token is stored; the token
//! itself travels in the link.

use chrono::{DateTime, Utc};
use entities::action_token;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// What a token is for.
pub const CONFIRM_EMAIL: &str = "confirm_email";
pub const PASSWORD_RESET: &str = "password_reset";
pub const INVITATION: &str = "invitation";
/// A new e-mail address of an account, confirmed from a link sent to it.
pub const CHANGE_EMAIL: &str = "change_email";

/// A token to store.
#[derive(Debug, Clone, Default)]
pub struct NewToken {
    pub hash: String,
    pub purpose: &'static str,
    pub user_id: Option<i64>,
    pub proposal_id: Option<i64>,
    pub landlord_id: Option<i64>,
    pub party: Option<String>,
    pub action: Option<String>,
    /// For [`CHANGE_EMAIL`]: the address asked for.
    pub new_email: Option<String>,
}

/// Stores a token valid until `expires_at`.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    token: &NewToken,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = action_token::ActiveModel {
        token_hash: Set(token.hash.clone()),
        purpose: Set(token.purpose.to_owned()),
        user_id: Set(token.user_id),
        proposal_id: Set(token.proposal_id),
        landlord_id: Set(token.landlord_id),
        party: Set(token.party.clone()),
        action: Set(token.action.clone()),
        new_email: Set(token.new_email.clone()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The token with this hash and purpose, used or not.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    hash: &str,
    purpose: &str,
) -> Result<Option<action_token::Model>, sea_orm::DbErr> {
    action_token::Entity::find()
        .filter(action_token::Column::TokenHash.eq(hash))
        .filter(action_token::Column::Purpose.eq(purpose))
        .one(db)
        .await
}

/// Marks a token used; false when it was used already (a concurrent second use).
pub async fn mark_used<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let result = action_token::Entity::update_many()
        .col_expr(action_token::Column::UsedAt, Some(now).into())
        .filter(action_token::Column::Id.eq(id))
        .filter(action_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Invalidates a user's unused tokens of one purpose (e.g. older reset links).
pub async fn retire<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    action_token::Entity::update_many()
        .col_expr(action_token::Column::UsedAt, Some(now).into())
        .filter(action_token::Column::UserId.eq(user_id))
        .filter(action_token::Column::Purpose.eq(purpose))
        .filter(action_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Marks the unused links of a proposal for `purpose` used (of one party, or all).
pub async fn retire_of_proposal<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
    purpose: &str,
    party: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut update = action_token::Entity::update_many()
        .col_expr(action_token::Column::UsedAt, Some(now).into())
        .filter(action_token::Column::ProposalId.eq(proposal_id))
        .filter(action_token::Column::Purpose.eq(purpose))
        .filter(action_token::Column::UsedAt.is_null());
    if let Some(party) = party {
        update = update.filter(action_token::Column::Party.eq(party));
    }
    update.exec(db).await?;
    Ok(())
}
