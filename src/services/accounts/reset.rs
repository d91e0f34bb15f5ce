//! Forgotten passwords: the reset link by e-mail, checking it, setting the new password.

use super::*;

/// Sends a password-reset link if the address belongs to an active account. The answer
/// is the same either way.
pub async fn request_password_reset(app: &App, email: &str) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let Some(user) = users::find_by_email(&app.db, email).await? else {
        return Ok(());
    };
    if user.disabled_at.is_some() || user.anonymized_at.is_some() {
        return Ok(());
    }
    if !limits::take(app, Limit::MailsToAddress, &user.email).await? {
        return Ok(());
    }
    let txn = app.db.begin().await?;
    send_reset_link(app, &txn, &user, "password-reset", now).await?;
    txn.commit().await?;
    Ok(())
}

/// A new password-reset link by e-mail; earlier links of the user stop working.
pub(super) async fn send_reset_link<C: ConnectionTrait>(
    app: &App,
    db: &C,
    user: &entities::user::Model,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let locale: Locale = user.locale.parse().unwrap_or_default();
    tokens::retire(db, user.id, tokens::PASSWORD_RESET, now).await?;
    let (token, token_id) = issue_token(
        db,
        NewToken {
            purpose: tokens::PASSWORD_RESET,
            user_id: Some(user.id),
            ..Default::default()
        },
        now + Duration::hours(RESET_VALID_HOURS),
        now,
    )
    .await?;
    let url = link(app, &format!("/reset/{token}"));
    let mail = letter(
        locale,
        "password_reset",
        &[("name", &user.display_name)],
        Some(&url),
    )
    .with_contact(&crate::services::letters::support_contact(app));
    enqueue(
        db,
        mail.to_email(
            format!("{kind}-{}-{token_id}", user.id),
            &user.email,
            Some(&user.display_name),
        ),
        "password_reset",
        locale,
        now,
    )
    .await?;
    Ok(())
}

/// Whether a reset link can still be used (for showing the form).
pub async fn check_reset_link(app: &App, token: &str) -> Result<LinkOutcome, ServiceError> {
    Ok(
        match check_link(&app.db, token, tokens::PASSWORD_RESET, app.clock.now()).await? {
            Ok(_) => LinkOutcome::Done,
            Err(outcome) => outcome,
        },
    )
}

/// Sets a new password from a reset link and ends the user's other sessions.
pub async fn reset_password(
    app: &App,
    token: &str,
    password: &str,
    repeat: &str,
) -> Result<Result<i64, LinkOutcome>, ServiceError> {
    let now = app.clock.now();
    let row = match check_link(&app.db, token, tokens::PASSWORD_RESET, now).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(Err(outcome)),
    };
    let Some(user) = users::find(&app.db, row.user_id.unwrap_or(0)).await? else {
        return Ok(Err(LinkOutcome::Unknown));
    };
    let mut errors = FieldErrors::default();
    if let Some(problem) = password_problem(password, &user.email) {
        errors.add("password", problem);
    }
    if password != repeat {
        errors.add("password_repeat", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let hash = hash_password(password)?;
    let txn = app.db.begin().await?;
    if !tokens::mark_used(&txn, row.id, now).await? {
        return Ok(Err(LinkOutcome::AlreadyUsed));
    }
    users::set_password(&txn, user.id, &hash, now).await?;
    sessions::delete_for_user(&txn, user.id, None).await?;
    // Whoever reset the password may not be whoever made the tokens.
    crate::store::api_tokens::revoke_all(&txn, user.id, now).await?;
    audit::record(
        &txn,
        &Actor::System,
        "password_reset",
        "users",
        Some(user.id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user.id))
}
