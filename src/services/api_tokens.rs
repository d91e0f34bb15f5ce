//! API tokens: a person creates named tokens for municipal systems; each acts exactly as
//! its person (same role, same municipalities). The token is shown once; only its SHA-256
//! and a short prefix (to recognise it in the list) are stored.

use chrono::{DateTime, Duration, Utc};
use entities::api_token;

use super::{Actor, CurrentUser, ServiceError, accounts, audit};
use crate::app::App;
use crate::domain::validation::FieldErrors;
use crate::store::api_tokens as store;
use crate::util::{random_hex, sha256_hex};

/// Every token starts with this, so secret scanners and people recognise it.
pub const TOKEN_PREFIX: &str = "blb_";
/// Longest token name.
pub const NAME_MAX: usize = 100;
/// Longest validity a token can be given, in days.
pub const MAX_DAYS: u32 = 730;

/// A token just created: the secret (shown once) and its row.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub secret: String,
    pub row: api_token::Model,
}

/// Checks a token's name and validity; the field errors, if any.
pub fn check(name: &str, days: Option<u32>) -> FieldErrors {
    let mut errors = crate::domain::input::line_errors([("name", name)], &[]);
    let length = name.trim().chars().count();
    if length == 0 {
        errors.add("name", "validation.required");
    } else if length > NAME_MAX {
        errors.add("name", "validation.too_long");
    }
    if days.is_some_and(|d| d == 0 || d > MAX_DAYS) {
        errors.add("days", "api_tokens.days_range");
    }
    errors
}

/// Creates a token for `user`, valid for `days` (none: until revoked).
pub async fn create(
    app: &App,
    user: &CurrentUser,
    name: &str,
    days: Option<u32>,
) -> Result<Result<NewApiToken, FieldErrors>, ServiceError> {
    let errors = check(name, days);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let now = app.clock.now();
    let secret = format!(
        "{TOKEN_PREFIX}{}",
        random_hex(24).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?
    );
    let prefix: String = secret.chars().take(10).collect();
    let expires_at = days.map(|d| now + Duration::days(i64::from(d)));
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    let row = store::insert(
        &txn,
        user.id,
        name.trim(),
        &sha256_hex(&secret),
        &prefix,
        expires_at,
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "api_token_created",
        "api_tokens",
        Some(row.id),
        None,
        serde_json::json!({ "prefix": prefix, "expires_at": expires_at }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(NewApiToken { secret, row }))
}

/// The user's tokens, newest first.
pub async fn list(app: &App, user: &CurrentUser) -> Result<Vec<api_token::Model>, ServiceError> {
    Ok(store::of_user(&app.db, user.id).await?)
}

/// Revokes one of the user's own tokens.
pub async fn revoke(app: &App, user: &CurrentUser, id: i64) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    if !store::revoke(&txn, user.id, id, now).await? {
        return Err(ServiceError::NotFound("api token".into()));
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "api_token_revoked",
        "api_tokens",
        Some(id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Whether a token is usable at `now`.
pub fn is_live(row: &api_token::Model, now: DateTime<Utc>) -> bool {
    live(row.revoked_at, row.expires_at, now)
}

/// Whether a token neither revoked nor expired is usable at `now`.
fn live(
    revoked_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    revoked_at.is_none() && expires_at.is_none_or(|e| e > now)
}

/// The person a bearer token acts for, or `None` when the token is unknown, revoked,
/// expired, or its account is disabled.
pub async fn authenticate(app: &App, secret: &str) -> Result<Option<CurrentUser>, ServiceError> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 100 {
        return Ok(None);
    }
    let now = app.clock.now();
    // The token and its person in one round trip: every API request starts here.
    let Some((token, user)) = store::with_user_by_hash(&app.db, &sha256_hex(secret)).await? else {
        return Ok(None);
    };
    if !live(token.token_revoked_at, token.token_expires_at, now) {
        return Ok(None);
    }
    if token
        .token_last_used_at
        .is_none_or(|last| now - last > Duration::minutes(1))
    {
        store::touch(&app.db, token.token_id, now).await?;
    }
    Ok(accounts::current_of(user)?.map(|(user, _)| user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_validity_are_checked() {
        assert!(check("Fachverfahren", Some(90)).is_empty());
        assert!(check("Fachverfahren", None).is_empty());
        assert!(!check("  ", None).is_empty());
        assert!(!check(&"x".repeat(101), None).is_empty());
        assert!(!check("ok", Some(0)).is_empty());
        assert!(!check("ok", Some(MAX_DAYS + 1)).is_empty());
    }
}
