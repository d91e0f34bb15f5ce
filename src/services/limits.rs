//! Every rate limit in one place: what is counted, per whom, for how long and how often.
//!
//! Counters live in the database (`store::sessions`' fixed-window counters), so all
//! instances share them. A limit is checked in one of two ways:
//! - *failures only* ([`reached`] before the attempt, [`record`] after a failed one, and
//!   [`clear`] after a success): logins, API tokens and secret links, the current password;
//! - *every use* ([`take`]): e-mails to one address, one-time codes, forms kept over an
//!   expired session.

use chrono::Duration;

use crate::app::App;
use crate::store::sessions;

/// How many e-mails one address gets in an hour from the forms anybody can send (sign-up,
/// password reset, confirmation again): enough for a person, too few to flood a mailbox.
pub const MAILS_PER_ADDRESS_PER_HOUR: i32 = 3;

/// How many forms posted after their session expired are kept per account and day.
pub const KEPT_FORMS_PER_DAY: i32 = 20;

/// Wrong current passwords on the account page in 15 minutes (a session left open must not
/// be usable to guess the password).
pub const PASSWORD_TRIES: i32 = 10;

/// Wrong one-time codes of the second factor in 15 minutes.
pub const CODE_ATTEMPTS: i32 = 5;

/// The window of the login, token, password and code limits, in minutes.
pub const WINDOW_MINUTES: i64 = 15;

/// A limit; the subject (an address, an IP address, an account id) is given on each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Failed logins per e-mail address: `security.login_attempts`.
    LoginByAddress,
    /// Failed logins per IP address: four times `security.login_attempts`.
    LoginByIp,
    /// Wrong API tokens and wrong secret links per IP address: `security.token_attempts`.
    SecretByIp,
    /// Wrong current passwords per account: [`PASSWORD_TRIES`].
    CurrentPassword,
    /// E-mails to one address from the public forms: [`MAILS_PER_ADDRESS_PER_HOUR`].
    MailsToAddress,
    /// One-time codes typed per account: [`CODE_ATTEMPTS`].
    SecondFactorCode,
    /// Forms kept over an expired session per account: [`KEPT_FORMS_PER_DAY`].
    KeptForms,
}

impl Limit {
    /// The counter's key prefix (kept as before, so counters survive an upgrade).
    fn prefix(self) -> &'static str {
        match self {
            Limit::LoginByAddress => "login:email",
            Limit::LoginByIp => "login:ip",
            Limit::SecretByIp => "token:ip",
            Limit::CurrentPassword => "account:password",
            Limit::MailsToAddress => "mail",
            Limit::SecondFactorCode => "second-factor",
            Limit::KeptForms => "kept-form",
        }
    }

    /// How long one window lasts.
    pub fn window(self) -> Duration {
        match self {
            Limit::MailsToAddress => Duration::hours(1),
            Limit::KeptForms => Duration::days(1),
            _ => Duration::minutes(WINDOW_MINUTES),
        }
    }

    /// How many counted events a window allows.
    pub fn max(self, app: &App) -> i32 {
        let setting = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        match self {
            Limit::LoginByAddress => setting(app.settings.security.login_attempts),
            Limit::LoginByIp => setting(app.settings.security.login_attempts).saturating_mul(4),
            Limit::SecretByIp => setting(app.settings.security.token_attempts),
            Limit::CurrentPassword => PASSWORD_TRIES,
            Limit::MailsToAddress => MAILS_PER_ADDRESS_PER_HOUR,
            Limit::SecondFactorCode => CODE_ATTEMPTS,
            Limit::KeptForms => KEPT_FORMS_PER_DAY,
        }
    }

    fn key(self, subject: &str) -> String {
        match self {
            Limit::MailsToAddress => format!("{}:{}", self.prefix(), subject.trim().to_lowercase()),
            _ => format!("{}:{subject}", self.prefix()),
        }
    }
}

/// Whether the failures counted for `subject` have used up the window (nothing is counted).
pub async fn reached(app: &App, limit: Limit, subject: &str) -> Result<bool, sea_orm::DbErr> {
    let count = sessions::current_count(
        &app.db,
        &limit.key(subject),
        limit.window(),
        app.clock.now(),
    )
    .await?;
    Ok(count >= limit.max(app))
}

/// Counts one failure for `subject`.
pub async fn record(app: &App, limit: Limit, subject: &str) -> Result<(), sea_orm::DbErr> {
    sessions::count_event(
        &app.db,
        &limit.key(subject),
        limit.window(),
        app.clock.now(),
    )
    .await
    .map(|_| ())
}

/// Counts one use for `subject` and says whether it is still within the limit.
pub async fn take(app: &App, limit: Limit, subject: &str) -> Result<bool, sea_orm::DbErr> {
    let count = sessions::count_event(
        &app.db,
        &limit.key(subject),
        limit.window(),
        app.clock.now(),
    )
    .await?;
    Ok(count <= limit.max(app))
}

/// Forgets the count for `subject` (after a success).
pub async fn clear(app: &App, limit: Limit, subject: &str) -> Result<(), sea_orm::DbErr> {
    sessions::reset_counter(&app.db, &limit.key(subject)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_old_prefixes() {
        assert_eq!(Limit::LoginByAddress.key("a@b.de"), "login:email:a@b.de");
        assert_eq!(Limit::SecretByIp.key("::1"), "token:ip:::1");
        assert_eq!(Limit::MailsToAddress.key(" A@b.de"), "mail:a@b.de");
        assert_eq!(Limit::KeptForms.key("7"), "kept-form:7");
    }

    #[test]
    fn windows_follow_what_they_protect() {
        assert_eq!(Limit::MailsToAddress.window(), Duration::hours(1));
        assert_eq!(Limit::KeptForms.window(), Duration::days(1));
        assert_eq!(Limit::LoginByIp.window(), Duration::minutes(15));
    }
}
