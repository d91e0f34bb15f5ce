//! Accounts: sign-up with e-mail confirmation, login with limits on failed attempts,
//! password reset, and the invitation a landlord gets when someone else entered their flat.
//!
//! Links carry a random token; only its SHA-256 is stored, it works once and expires.
//! The e-mail goes into the outbox in the same transaction as the change it belongs to.
//! Nothing here tells a stranger whether an address is registered: sign-up and reset
//! answer the same either way (the owner of a registered address gets a mail instead).

mod invitations;
mod reset;

pub use invitations::*;
pub use reset::*;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use validator::Validate;

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::mail::compose::letter;
use crate::mail::outbox::{self, Outgoing};
use crate::services::limits::{self, Limit};
use crate::services::passwords::{hash_password, verify_password};
use crate::store::landlords::NewLandlord;
use crate::store::tokens::{self, NewToken};
use crate::store::users::NewUser;
use crate::store::{landlords, sessions, users};
use crate::util::sha256_hex as hash_token;

/// How long links stay valid.
pub const CONFIRM_VALID_DAYS: i64 = 7;
pub const RESET_VALID_HOURS: i64 = 1;
pub const INVITATION_VALID_DAYS: i64 = 14;

/// Passwords people choose first; refused outright.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "passwort123",
    "password123",
    "qwertzuiop",
    "qwertyuiop",
    "hallo12345",
    "passwort1234",
    "password1234",
    "1q2w3e4r5t",
    "abcdefghij",
    "sommer2026",
    "winter2026",
    "bleibe2026",
    "wohnung123",
];

/// Checks a new password; returns the error key or `None` when acceptable.
pub fn password_problem(password: &str, email: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if length < 10 {
        return Some("validation.password_short");
    }
    if length > 200 {
        return Some("validation.password_long");
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str())
        || lower
            .chars()
            .all(|c| c == lower.chars().next().unwrap_or(' '))
    {
        return Some("validation.password_common");
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if !local.is_empty() && (lower == email.to_lowercase() || lower == local) {
        return Some("validation.password_like_email");
    }
    None
}

/// What a sign-up form holds.
#[derive(Debug, Clone, Validate)]
pub struct SignUp {
    #[validate(
        custom(function = "crate::domain::input::one_line"),
        length(min = 2, max = 200, code = "name_length")
    )]
    pub name: String,
    #[validate(
        custom(function = "crate::domain::input::one_line"),
        email(code = "email_invalid"),
        length(max = 254, code = "email_invalid")
    )]
    pub email: String,
    pub password: String,
    pub password_repeat: String,
    pub accept_privacy: bool,
    pub locale: Locale,
    /// How the landlord came (a municipality's page, a campaign, their answer); see
    /// `services::outreach::origin`.
    pub origin: Option<entities::landlord_origin::Model>,
}

pub(crate) fn random_token() -> Result<String, ServiceError> {
    crate::util::random_hex(32)
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("no randomness: {e}")))
}

/// Stores a new one-time token for `token`'s purpose and owner (only its hash; `hash` is
/// filled here), valid until `expires_at`, and returns the secret for the link with the
/// token's row id.
pub(crate) async fn issue_token<C: ConnectionTrait>(
    db: &C,
    token: NewToken,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(String, i64), ServiceError> {
    let secret = random_token()?;
    let id = tokens::insert(
        db,
        &NewToken {
            hash: hash_token(&secret),
            ..token
        },
        expires_at,
        now,
    )
    .await?;
    Ok((secret, id))
}

pub(crate) fn link(app: &App, path: &str) -> String {
    format!(
        "{}{path}",
        app.settings.server.base_url.trim_end_matches('/')
    )
}

/// Registers a landlord: a user (not yet confirmed), their landlord record, the
/// confirmation link by e-mail. An address that is registered already gets a mail
/// pointing to login and password reset instead, and the answer is the same.
pub async fn sign_up(app: &App, input: SignUp) -> Result<(), ServiceError> {
    let email = input.email.trim().to_lowercase();
    let input = SignUp {
        email: email.clone(),
        name: input.name.trim().to_owned(),
        ..input
    };
    let mut errors = FieldErrors::default();
    if let Err(e) = input.validate() {
        errors.add_validator(&e);
    }
    if let Some(problem) = password_problem(&input.password, &email) {
        errors.add("password", problem);
    }
    if input.password != input.password_repeat {
        errors.add("password_repeat", "validation.password_mismatch");
    }
    if !input.accept_privacy {
        errors.add("accept_privacy", "validation.accept_privacy");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let now = app.clock.now();
    let existing = users::find_by_email(&app.db, &email).await?;
    let hash = hash_password(&input.password)?;
    let txn = app.db.begin().await?;
    match existing {
        Some(user) => {
            if limits::take(app, Limit::MailsToAddress, &user.email).await? {
                send_reset_link(app, &txn, &user, "signup-existing", now).await?;
            }
        }
        None => create_landlord(app, &txn, &input, hash, now).await?,
    }
    txn.commit().await?;
    Ok(())
}

/// A new landlord's account and record, where they came from, the confirmation link and
/// the audit entry.
async fn create_landlord(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    input: &SignUp,
    hash: String,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let email = input.email.clone();
    let user_id = users::insert(
        txn,
        &NewUser {
            email: email.clone(),
            display_name: input.name.clone(),
            role: Role::Landlord,
            locale: input.locale,
            password_hash: Some(hash),
            email_confirmed: false,
        },
        now,
    )
    .await?;
    let landlord_id = landlords::insert(
        txn,
        &NewLandlord {
            user_id: Some(user_id),
            kind: "private".into(),
            display_name: input.name.clone(),
            contact_email: Some(email.clone()),
            phone: None,
            locale: input.locale,
            created_by: Some(user_id),
        },
        now,
    )
    .await?;
    if let Some(origin) = &input.origin {
        let origin = entities::landlord_origin::Model {
            landlord_id,
            created_at: now,
            ..origin.clone()
        };
        crate::store::outreach::insert_origin(txn, &origin).await?;
    }
    send_confirmation(app, txn, user_id, &email, &input.name, input.locale, now).await?;
    audit::record(
        txn,
        &Actor::System,
        "sign_up",
        "users",
        Some(user_id),
        None,
        serde_json::json!({"role": "landlord"}),
        now,
    )
    .await?;
    Ok(())
}

pub(crate) async fn enqueue<C: ConnectionTrait>(
    db: &C,
    email: crate::mail::Email,
    kind: &str,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    outbox::enqueue(
        db,
        &Outgoing {
            email,
            kind: kind.into(),
            locale: locale.code().into(),
            municipality_id: None,
            proposal_id: None,
        },
        now,
    )
    .await?;
    Ok(())
}

async fn send_confirmation<C: ConnectionTrait>(
    app: &App,
    db: &C,
    user_id: i64,
    email: &str,
    name: &str,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (token, token_id) = issue_token(
        db,
        NewToken {
            purpose: tokens::CONFIRM_EMAIL,
            user_id: Some(user_id),
            ..Default::default()
        },
        now + Duration::days(CONFIRM_VALID_DAYS),
        now,
    )
    .await?;
    let url = link(app, &format!("/confirm/{token}"));
    let mail = letter(locale, "confirm_email", &[("name", name)], Some(&url))
        .with_contact(&super::letters::support_contact(app));
    enqueue(
        db,
        mail.to_email(
            format!("confirm-email-{user_id}-{token_id}"),
            email,
            Some(name),
        ),
        "confirm_email",
        locale,
        now,
    )
    .await
}

/// Sends the confirmation link again (only to unconfirmed accounts; same answer either way).
pub async fn resend_confirmation(app: &App, email: &str) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let Some(user) = users::find_by_email(&app.db, email).await? else {
        return Ok(());
    };
    if user.email_confirmed_at.is_some() || user.disabled_at.is_some() {
        return Ok(());
    }
    if !limits::take(app, Limit::MailsToAddress, &user.email).await? {
        return Ok(());
    }
    let txn = app.db.begin().await?;
    tokens::retire(&txn, user.id, tokens::CONFIRM_EMAIL, now).await?;
    send_confirmation(
        app,
        &txn,
        user.id,
        &user.email,
        &user.display_name,
        user.locale.parse().unwrap_or_default(),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What became of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    Done,
    AlreadyUsed,
    Expired,
    Unknown,
}

pub(crate) async fn check_link<C: ConnectionTrait>(
    db: &C,
    token: &str,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<Result<entities::action_token::Model, LinkOutcome>, ServiceError> {
    let Some(row) = tokens::find(db, &hash_token(token), purpose).await? else {
        return Ok(Err(LinkOutcome::Unknown));
    };
    if row.used_at.is_some() {
        return Ok(Err(LinkOutcome::AlreadyUsed));
    }
    if row.expires_at <= now {
        return Ok(Err(LinkOutcome::Expired));
    }
    Ok(Ok(row))
}

/// Confirms an e-mail address from its link.
pub async fn confirm_email(app: &App, token: &str) -> Result<LinkOutcome, ServiceError> {
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let row = match check_link(&txn, token, tokens::CONFIRM_EMAIL, now).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(outcome),
    };
    if !tokens::mark_used(&txn, row.id, now).await? {
        return Ok(LinkOutcome::AlreadyUsed);
    }
    if let Some(user_id) = row.user_id {
        users::confirm_email(&txn, user_id, now).await?;
        audit::record(
            &txn,
            &Actor::System,
            "confirm_email",
            "users",
            Some(user_id),
            None,
            serde_json::json!({}),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(LinkOutcome::Done)
}

/// The language saved with an account (for a browser where nobody chose one yet).
pub async fn saved_locale(app: &App, user_id: i64) -> Result<Option<Locale>, ServiceError> {
    Ok(users::find(&app.db, user_id)
        .await?
        .and_then(|u| u.locale.parse().ok()))
}

/// Why a login failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    /// Wrong address or password (never says which).
    Invalid,
    /// The address is not confirmed yet.
    NotConfirmed,
    /// Too many failed attempts; try again after this many minutes.
    Locked { minutes: i64 },
}

/// Checks a login. Failed attempts are counted per address and per IP address; after
/// `security.login_attempts` failures (four times as many per IP) logins are refused for
/// the rest of the 15-minute window, even with the right password.
pub async fn login(
    app: &App,
    email: &str,
    password: &str,
    ip: &str,
) -> Result<Result<CurrentUser, LoginFailure>, ServiceError> {
    let now = app.clock.now();
    let email = email.trim().to_lowercase();
    if limits::reached(app, Limit::LoginByAddress, &email).await?
        || limits::reached(app, Limit::LoginByIp, ip).await?
    {
        return Ok(Err(LoginFailure::Locked {
            minutes: limits::WINDOW_MINUTES,
        }));
    }
    let user = users::find_by_email(&app.db, &email).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    // Without a user, verify against a fixed hash anyway, so timing does not tell.
    let valid = match &hash {
        Some(hash) => verify_password(password, hash),
        None => {
            let _ = verify_password(password, DUMMY_HASH);
            false
        }
    };
    let user = match user {
        Some(user) if valid && user.disabled_at.is_none() && user.anonymized_at.is_none() => user,
        _ => {
            limits::record(app, Limit::LoginByAddress, &email).await?;
            limits::record(app, Limit::LoginByIp, ip).await?;
            return Ok(Err(LoginFailure::Invalid));
        }
    };
    if user.email_confirmed_at.is_none() {
        return Ok(Err(LoginFailure::NotConfirmed));
    }
    limits::clear(app, Limit::LoginByAddress, &email).await?;
    users::touch_login(&app.db, user.id, now).await?;
    Ok(current_user(app, user.id)
        .await?
        .ok_or(LoginFailure::Invalid))
}

/// An argon2 hash of a random password, for constant-time failures.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2s8NnTKQKj1DqB9UaHJ3xg0zCS3pQqV0w2j3K8Yx3aM";

/// The logged-in person, or `None` when the account is gone or disabled.
pub async fn current_user(app: &App, id: i64) -> Result<Option<CurrentUser>, ServiceError> {
    Ok(for_request(app, id).await?.map(|(user, _)| user))
}

/// The logged-in person for a page, and whether their role requires a second factor they
/// have not set up yet; one query (see `store::users::for_request`).
pub async fn for_request(app: &App, id: i64) -> Result<Option<(CurrentUser, bool)>, ServiceError> {
    match users::for_request(&app.db, id).await? {
        Some(user) => current_of(user),
        None => Ok(None),
    }
}

/// The person read for a request as the services know them, and whether their role's
/// second factor is still to be set up; `None` when disabled or erased.
pub fn current_of(
    user: crate::store::users::RequestUser,
) -> Result<Option<(CurrentUser, bool)>, ServiceError> {
    let id = user.id;
    if user.inactive {
        return Ok(None);
    }
    let role: Role = user
        .role
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    let setup_missing =
        role != Role::Landlord && user.second_factor_required && !user.second_factor_enabled;
    // Only coordinators and volunteers work for municipalities.
    let municipalities = match role {
        Role::Coordinator | Role::Volunteer => user.municipalities,
        Role::Admin | Role::Landlord => Vec::new(),
    };
    Ok(Some((
        CurrentUser {
            id,
            display_name: user.display_name,
            role,
            municipalities,
        },
        setup_missing,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert_eq!(
            password_problem("kurz", "a@b.de"),
            Some("validation.password_short")
        );
        assert_eq!(
            password_problem("Password123", "a@b.de"),
            Some("validation.password_common")
        );
        assert_eq!(
            password_problem("aaaaaaaaaaaa", "a@b.de"),
            Some("validation.password_common")
        );
        assert_eq!(
            password_problem("renate.maier", "renate.maier@example.org"),
            Some("validation.password_like_email")
        );
        assert_eq!(password_problem("Gartenhaus am See 7", "a@b.de"), None);
    }

    #[test]
    fn the_dummy_hash_is_a_valid_argon2_hash() {
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
