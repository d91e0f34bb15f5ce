//! One's own account, for every role: the password, the e-mail address (confirmed from a
//! link sent to the new address), a landlord's phone number, the language of the pages and
//! e-mails; deleting the account (DSGVO Art. 17) is in [`super::account_deletion`].
//!
//! Each change asks for the current password where it matters, runs in one transaction
//! with its audit entry and its e-mails (written to the outbox in that transaction), and
//! answers wrong input with the messages at the fields ([`ServiceError::Fields`]).

use chrono::Duration;
use sea_orm::TransactionTrait;
use validator::Validate;

use super::accounts::{LinkOutcome, check_link, enqueue, issue_token, link, random_token};
use super::limits::{self, Limit};
use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::mail::compose::letter;
use crate::services::passwords::{hash_password, verify_password};
use crate::store::tokens::{self, NewToken};
use crate::store::{api_tokens, landlords, sessions, users};
use crate::util::sha256_hex as hash_token;

/// How long the link that confirms a new address works.
pub const CHANGE_EMAIL_VALID_HOURS: i64 = 24;
/// Shortest and longest phone number, in characters.
pub const PHONE_MIN: usize = 6;
pub const PHONE_MAX: usize = 30;

/// What the account page shows of the account.
#[derive(Debug, Clone)]
pub struct Settings {
    pub email: String,
    pub locale: Locale,
    /// A landlord's phone number (`None` for staff, or none given).
    pub phone: Option<String>,
    pub is_landlord: bool,
}

/// The account's current settings.
pub async fn settings(app: &App, user: &CurrentUser) -> Result<Settings, ServiceError> {
    let account = account(app, user).await?;
    let landlord = if user.role == Role::Landlord {
        landlords::find_by_user(&app.db, user.id).await?
    } else {
        None
    };
    Ok(Settings {
        email: account.email,
        locale: account.locale.parse().unwrap_or_default(),
        phone: landlord.and_then(|l| l.phone),
        is_landlord: user.role == Role::Landlord,
    })
}

pub(super) async fn account(
    app: &App,
    user: &CurrentUser,
) -> Result<entities::user::Model, ServiceError> {
    users::find(&app.db, user.id)
        .await?
        .filter(|u| u.disabled_at.is_none() && u.anonymized_at.is_none())
        .ok_or_else(|| ServiceError::NotFound("user".into()))
}

/// Whether `password` is the account's current one. Wrong tries are counted; after
/// [`limits::PASSWORD_TRIES`] in 15 minutes every try is refused for the rest of the window, so a
/// session left open cannot be used to guess the password. Returns the error key, if any.
pub(super) async fn current_password_problem(
    app: &App,
    account: &entities::user::Model,
    password: &str,
) -> Result<Option<&'static str>, ServiceError> {
    let subject = account.id.to_string();
    if limits::reached(app, Limit::CurrentPassword, &subject).await? {
        return Ok(Some("account.errors.too_many_tries"));
    }
    if password.is_empty() {
        return Ok(Some("account.errors.password_required"));
    }
    let right = account
        .password_hash
        .as_deref()
        .is_some_and(|hash| verify_password(password, hash));
    if right {
        return Ok(None);
    }
    limits::record(app, Limit::CurrentPassword, &subject).await?;
    Ok(Some("account.errors.wrong_password"))
}

fn locale_of(account: &entities::user::Model) -> Locale {
    account.locale.parse().unwrap_or_default()
}

/// A key for an e-mail that is unique even when the clock stands still (as in tests).
fn mail_key(kind: &str, user_id: i64) -> Result<String, ServiceError> {
    Ok(format!("{kind}-{user_id}-{}", &random_token()?[..16]))
}

/// Changes the password: the current one is required, the new one is checked as at
/// sign-up and typed twice. Every other session of the account ends (the one of
/// `keep_session`, the table key of the current session, stays), every API token is
/// revoked, and a notice goes to the account's address.
pub async fn change_password(
    app: &App,
    user: &CurrentUser,
    keep_session: Option<&str>,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let account = account(app, user).await?;
    let mut errors = FieldErrors::default();
    if let Some(problem) = current_password_problem(app, &account, current).await? {
        errors.add("current_password", problem);
    }
    if let Some(problem) = super::accounts::password_problem(new, &account.email) {
        errors.add("new_password", problem);
    } else if new == current {
        errors.add("new_password", "account.errors.same_password");
    }
    if new != repeat {
        errors.add("new_password_repeat", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let hash = hash_password(new)?;
    let locale = locale_of(&account);
    let mail = letter(
        locale,
        "password_changed",
        &[("name", &account.display_name)],
        None,
    )
    .with_contact(&super::letters::support_contact(app));
    let txn = app.db.begin().await?;
    users::set_password(&txn, account.id, &hash, now).await?;
    sessions::delete_for_user(&txn, account.id, keep_session).await?;
    api_tokens::revoke_all(&txn, account.id, now).await?;
    // A reset link asked for earlier would set yet another password.
    tokens::retire(&txn, account.id, tokens::PASSWORD_RESET, now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "password_change",
        "users",
        Some(account.id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    enqueue(
        &txn,
        mail.to_email(
            mail_key("password-changed", account.id)?,
            &account.email,
            Some(&account.display_name),
        ),
        "password_changed",
        locale,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A new address as typed.
#[derive(Debug, Clone, Validate)]
struct NewAddress {
    #[validate(
        custom(function = "crate::domain::input::one_line"),
        email(code = "email_invalid"),
        length(max = 254, code = "email_invalid")
    )]
    new_email: String,
}

/// "re****@example.org": enough for the owner to recognise an address, not to read it.
pub fn masked(address: &str) -> String {
    let Some((local, domain)) = address.split_once('@') else {
        return "****".to_owned();
    };
    let shown: String = local.chars().take(2).collect();
    format!("{shown}****@{domain}")
}

/// The checks of an address change: a valid new address that is not the current one nor
/// taken, the current password, and the limit on mails to one address.
async fn check_email_change(
    app: &App,
    account: &entities::user::Model,
    new_email: &str,
    password: &str,
) -> Result<(), ServiceError> {
    let mut errors = FieldErrors::default();
    let input = NewAddress {
        new_email: new_email.to_owned(),
    };
    if new_email.is_empty() {
        errors.add("new_email", "validation.required");
    } else if let Err(e) = input.validate() {
        errors.add_validator(&e);
    } else if new_email == account.email.to_lowercase() {
        errors.add("new_email", "account.errors.email_same");
    } else if users::find_by_email(&app.db, new_email).await?.is_some() {
        errors.add("new_email", "account.errors.email_taken");
    }
    if let Some(problem) = current_password_problem(app, account, password).await? {
        errors.add("email_password", problem);
    }
    if errors.is_empty() && !limits::take(app, Limit::MailsToAddress, new_email).await? {
        errors.add("new_email", "account.errors.too_many_mails");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    Ok(())
}

/// The link token that confirms a new address, valid for a few hours; an earlier one of
/// the same account stops working. Returns the secret for the link.
async fn issue_change_token(
    txn: &sea_orm::DatabaseTransaction,
    user_id: i64,
    new_email: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, ServiceError> {
    tokens::retire(txn, user_id, tokens::CHANGE_EMAIL, now).await?;
    let token = NewToken {
        purpose: tokens::CHANGE_EMAIL,
        user_id: Some(user_id),
        new_email: Some(new_email.to_owned()),
        ..Default::default()
    };
    let valid_until = now + Duration::hours(CHANGE_EMAIL_VALID_HOURS);
    let (secret, _) = issue_token(txn, token, valid_until, now).await?;
    Ok(secret)
}

/// Asks to change the login address: checks the new address (well-formed, not the current
/// one, not another account's) and the current password, then sends a link to the new
/// address (the change happens only when it is opened) and a notice to the current one.
/// Earlier links of this kind stop working.
pub async fn request_email_change(
    app: &App,
    user: &CurrentUser,
    new_email: &str,
    password: &str,
) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let account = account(app, user).await?;
    let new_email = new_email.trim().to_lowercase();
    check_email_change(app, &account, &new_email, password).await?;
    let locale = locale_of(&account);
    let contact = super::letters::support_contact(app);
    let txn = app.db.begin().await?;
    let token = issue_change_token(&txn, account.id, &new_email, now).await?;
    let url = link(app, &format!("/account/email/confirm/{token}"));
    let name = account.display_name.as_str();
    let confirm = letter(
        locale,
        "change_email",
        &[("name", name), ("new_email", &new_email)],
        Some(&url),
    )
    .with_contact(&contact);
    let notice = letter(
        locale,
        "change_email_notice",
        &[("name", name), ("new_email", &masked(&new_email))],
        None,
    )
    .with_contact(&contact);
    enqueue(
        &txn,
        confirm.to_email(
            mail_key("change-email", account.id)?,
            &new_email,
            Some(name),
        ),
        "change_email",
        locale,
        now,
    )
    .await?;
    enqueue(
        &txn,
        notice.to_email(
            mail_key("change-email-notice", account.id)?,
            &account.email,
            Some(name),
        ),
        "change_email_notice",
        locale,
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "email_change_requested",
        "users",
        Some(account.id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What became of a link that confirms a new address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailChange {
    /// The address is changed.
    Done,
    /// Another account took the address meanwhile; nothing changed.
    Taken,
    /// The link was used, is past its time, or unknown.
    Link(LinkOutcome),
}

/// What a link that confirms a new address is, before anyone uses it (opening the link
/// changes nothing: a mail scanner that follows it leaves the address as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailLink {
    /// Still to be confirmed: the button changes the login address to `new_email`.
    Open { new_email: String, locale: Locale },
    /// Used already; `changed` says whether the account's address is now the new one.
    Used { changed: bool, locale: Locale },
    /// Past its time.
    Expired { locale: Locale },
    /// Not a link of ours (or its account is gone).
    Unknown,
}

/// Looks at a link that confirms a new address without using it.
pub async fn email_change_link(app: &App, token: &str) -> Result<EmailLink, ServiceError> {
    let Some(row) = tokens::find(&app.db, &hash_token(token), tokens::CHANGE_EMAIL).await? else {
        return Ok(EmailLink::Unknown);
    };
    let (Some(user_id), Some(new_email)) = (row.user_id, row.new_email.clone()) else {
        return Ok(EmailLink::Unknown);
    };
    let Some(account) = users::find(&app.db, user_id)
        .await?
        .filter(|u| u.disabled_at.is_none() && u.anonymized_at.is_none())
    else {
        return Ok(EmailLink::Unknown);
    };
    let locale = account.locale.parse().unwrap_or_default();
    Ok(if row.used_at.is_some() {
        EmailLink::Used {
            changed: account.email.eq_ignore_ascii_case(&new_email),
            locale,
        }
    } else if row.expires_at <= app.clock.now() {
        EmailLink::Expired { locale }
    } else {
        EmailLink::Open { new_email, locale }
    })
}

/// Changes the address from the link sent to it (no login needed: the link proves the
/// address is the person's). A landlord's contact address follows when it was the login
/// address. Earlier password-reset links (sent to the old address) stop working.
pub async fn confirm_email_change(app: &App, token: &str) -> Result<EmailChange, ServiceError> {
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let row = match check_link(&txn, token, tokens::CHANGE_EMAIL, now).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(EmailChange::Link(outcome)),
    };
    if !tokens::mark_used(&txn, row.id, now).await? {
        return Ok(EmailChange::Link(LinkOutcome::AlreadyUsed));
    }
    let (Some(user_id), Some(new_email)) = (row.user_id, row.new_email.clone()) else {
        return Ok(EmailChange::Link(LinkOutcome::Unknown));
    };
    let Some(account) = users::find(&txn, user_id)
        .await?
        .filter(|u| u.disabled_at.is_none() && u.anonymized_at.is_none())
    else {
        return Ok(EmailChange::Link(LinkOutcome::Unknown));
    };
    if users::find_by_email(&txn, &new_email)
        .await?
        .is_some_and(|other| other.id != user_id)
    {
        // The link is used up all the same: a new request sends a new one.
        txn.commit().await?;
        return Ok(EmailChange::Taken);
    }
    users::set_email(&txn, user_id, &new_email, now).await?;
    if let Some(landlord) = landlords::find_by_user(&txn, user_id).await?
        && landlord
            .contact_email
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(&account.email))
    {
        landlords::set_contact_email(&txn, landlord.id, Some(&new_email), now).await?;
    }
    tokens::retire(&txn, user_id, tokens::PASSWORD_RESET, now).await?;
    audit::record(
        &txn,
        &Actor::System,
        "email_change",
        "users",
        Some(user_id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(EmailChange::Done)
}

/// The error key of a phone number as typed, if it is not acceptable: digits, spaces and
/// `+ / - ( )`, 6 to 30 characters, with at least 4 digits.
pub fn phone_problem(phone: &str) -> Option<&'static str> {
    let length = phone.chars().count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '/' | '-' | '(' | ')'));
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed {
        Some("account.errors.phone_characters")
    } else if !(PHONE_MIN..=PHONE_MAX).contains(&length) {
        Some("account.errors.phone_length")
    } else if digits < 4 {
        Some("account.errors.phone_digits")
    } else {
        None
    }
}

/// Sets or removes (empty) a landlord's phone number. Coordinators see it; a household
/// only once both sides said yes.
pub async fn set_phone(app: &App, user: &CurrentUser, phone: &str) -> Result<(), ServiceError> {
    if user.role != Role::Landlord {
        return Err(ServiceError::Forbidden);
    }
    let landlord = landlords::find_by_user(&app.db, user.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    let phone = phone.split_whitespace().collect::<Vec<_>>().join(" ");
    if !phone.is_empty()
        && let Some(problem) = phone_problem(&phone)
    {
        return Err(ServiceError::Fields(FieldErrors::single("phone", problem)));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    landlords::set_phone(
        &txn,
        landlord.id,
        Some(phone.as_str()).filter(|p| !p.is_empty()),
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "phone_change",
        "landlords",
        Some(landlord.id),
        None,
        serde_json::json!({"removed": phone.is_empty()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the language of the pages and e-mails (a landlord's e-mails about their flats too).
pub async fn set_locale(app: &App, user: &CurrentUser, code: &str) -> Result<Locale, ServiceError> {
    let locale: Locale = code.trim().parse().map_err(|_| {
        ServiceError::Fields(FieldErrors::single("locale", "validation.choose_one"))
    })?;
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    users::set_locale(&txn, user.id, locale, now).await?;
    if user.role == Role::Landlord
        && let Some(landlord) = landlords::find_by_user(&txn, user.id).await?
    {
        landlords::set_locale(&txn, landlord.id, locale, now).await?;
    }
    txn.commit().await?;
    Ok(locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_take_digits_and_the_usual_signs() {
        assert_eq!(phone_problem("0711 555-0142"), None);
        assert_eq!(phone_problem("+49 (0)711 / 555 01 42"), None);
        assert_eq!(
            phone_problem("0711 555 x"),
            Some("account.errors.phone_characters")
        );
        assert_eq!(phone_problem("12345"), Some("account.errors.phone_length"));
        assert_eq!(
            phone_problem(&"1".repeat(31)),
            Some("account.errors.phone_length")
        );
        assert_eq!(
            phone_problem("+ ( ) - 1"),
            Some("account.errors.phone_digits")
        );
    }

    #[test]
    fn a_masked_address_shows_its_start_and_domain() {
        assert_eq!(masked("renate.maier@example.org"), "re****@example.org");
        assert_eq!(masked("kein-at"), "****");
    }
}
