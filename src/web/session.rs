//! Server-side sessions in the database. The cookie holds a random token; the table holds
//! its SHA-256, so a leaked database does not leak live sessions. Anonymous visitors get a
//! session only when a page needs one (a form's CSRF token); a login rotates the token.
//!
//! The middleware loads the session before the handler and saves what changed after it.
//! Expired sessions stay in the table for a week: a form posted after expiry carries the
//! old session's CSRF token, which proves it was filled in by that user, so its contents
//! can be kept and the action completed once the same person logs in again.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::error::PageError;
use super::extract::cookie;
use crate::app::App;
use crate::store::sessions::{self, SessionRow};
use crate::store::users::RequestUser;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "bleibe_session";

/// A one-time message shown on the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// "success", "info" or "error".
    pub kind: String,
    /// An interface text key.
    pub key: String,
}

/// A form posted after the session expired, kept until the same user logs in again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPost {
    pub user_id: i64,
    pub path: String,
    /// The form fields as sent (the old CSRF token removed).
    pub fields: Vec<(String, String)>,
    /// Uploaded files, kept on disk under `<data.dir>/stash/`.
    pub files: Vec<StashedFile>,
}

/// An uploaded file of a pending post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StashedFile {
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub path: String,
}

/// What a session remembers besides its user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flash: Option<Flash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingPost>,
    /// The password was right; the second factor is asked next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<PendingLogin>,
    /// Secrets made by a post (a new API token, recovery codes), shown once by the page
    /// the post leads to and then forgotten, so that a reload never makes them again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reveal: Option<Reveal>,
}

/// Secrets kept for one page to show once: which page's (`what`), and the secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reveal {
    pub what: String,
    pub secrets: Vec<String>,
}

/// A login waiting for its second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    pub user_id: i64,
    /// Where to go afterwards.
    pub next: String,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    None,
    Touched,
    Dirty,
    New,
    Destroyed,
}

#[derive(Debug)]
struct State_ {
    /// The cookie's token, when the session has a row (or will get one).
    token: Option<String>,
    /// The key of the row that was loaded, to delete it on rotation.
    loaded_key: Option<String>,
    user_id: Option<i64>,
    csrf: Option<String>,
    data: SessionData,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    change: Change,
    /// User and CSRF token of an expired session the request still carried.
    expired: Option<(Option<i64>, String)>,
    /// A cookie from an early save, still to be sent with the response.
    cookie: Option<HeaderValue>,
    /// The logged-in person as read with the session (one query for both).
    person: Option<RequestUser>,
}

/// The current request's session.
#[derive(Debug, Clone)]
pub struct Session(Arc<Mutex<State_>>);

/// The SHA-256 of a token, as hex: the table key.
pub fn hash_token(token: &str) -> String {
    crate::util::sha256_hex(token)
}

fn new_token() -> Result<String, PageError> {
    crate::util::random_hex(32)
        .map_err(|e| PageError::Internal(anyhow::anyhow!("no randomness: {e}")))
}

impl Session {
    fn lock(&self) -> MutexGuard<'_, State_> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The logged-in user's id.
    pub fn user_id(&self) -> Option<i64> {
        self.lock().user_id
    }

    /// The logged-in person as read together with the session, while they are still the
    /// session's user (a login during the request makes it someone to read anew).
    pub fn person(&self) -> Option<RequestUser> {
        let s = self.lock();
        s.person.clone().filter(|p| Some(p.id) == s.user_id)
    }

    /// The form token of this session, creating the session if needed.
    pub fn csrf_token(&self) -> String {
        let mut s = self.lock();
        if let Some(csrf) = &s.csrf {
            return csrf.clone();
        }
        let csrf = crate::util::random_hex(24).unwrap_or_default();
        s.csrf = Some(csrf.clone());
        if s.token.is_none() {
            s.token = crate::util::random_hex(32).ok();
            s.change = Change::New;
        } else if s.change != Change::New {
            s.change = Change::Dirty;
        }
        csrf
    }

    /// Whether `token` is this session's form token (compared in constant time).
    pub fn csrf_matches(&self, token: &str) -> bool {
        self.lock()
            .csrf
            .as_deref()
            .is_some_and(|mine| constant_time_eq(mine, token))
    }

    /// Whether this browser's session has a form token, or an expired session of a user
    /// had one (a form sent without either can only be recognised by its own token).
    pub fn has_form_token(&self) -> bool {
        let s = self.lock();
        s.csrf.is_some() || matches!(s.expired, Some((Some(_), _)))
    }

    /// The user of an expired session whose form token is `token`, if the request carried one.
    pub fn expired_user_with_csrf(&self, token: &str) -> Option<i64> {
        let s = self.lock();
        match &s.expired {
            Some((Some(user), csrf)) if constant_time_eq(csrf, token) => Some(*user),
            _ => None,
        }
    }

    /// Logs `user_id` in: a new token (against session fixation), a new form token.
    pub fn login(&self, user_id: i64) -> Result<(), PageError> {
        let mut s = self.lock();
        s.token = Some(new_token()?);
        s.user_id = Some(user_id);
        s.csrf = Some(crate::util::random_hex(24).unwrap_or_default());
        s.expired = None;
        s.data.second_factor = None;
        s.change = Change::New;
        Ok(())
    }

    /// Logs out and forgets the session.
    pub fn logout(&self) {
        let mut s = self.lock();
        s.change = Change::Destroyed;
        s.user_id = None;
    }

    /// Sets a one-time message for the next page.
    pub fn flash(&self, kind: &str, key: &str) {
        self.csrf_token();
        let mut s = self.lock();
        s.data.flash = Some(Flash {
            kind: kind.to_owned(),
            key: key.to_owned(),
        });
        if s.change != Change::New {
            s.change = Change::Dirty;
        }
    }

    /// Keeps secrets for the next page to show once (see [`SessionData::reveal`]).
    pub fn reveal_once(&self, what: &str, secrets: Vec<String>) {
        self.csrf_token();
        let mut s = self.lock();
        s.data.reveal = Some(Reveal {
            what: what.to_owned(),
            secrets,
        });
        if s.change != Change::New {
            s.change = Change::Dirty;
        }
    }

    /// Takes the secrets kept for the page `what` (empty when there are none).
    pub fn take_revealed(&self, what: &str) -> Vec<String> {
        let mut s = self.lock();
        if s.data.reveal.as_ref().is_none_or(|r| r.what != what) {
            return Vec::new();
        }
        let secrets = s.data.reveal.take().map(|r| r.secrets).unwrap_or_default();
        if s.change != Change::New {
            s.change = Change::Dirty;
        }
        secrets
    }

    /// Takes the one-time message.
    pub fn take_flash(&self) -> Option<Flash> {
        let mut s = self.lock();
        let flash = s.data.flash.take();
        if flash.is_some() && s.change != Change::New {
            s.change = Change::Dirty;
        }
        flash
    }

    /// Keeps a form posted after expiry until the user logs in again.
    pub fn set_pending(&self, pending: PendingPost) {
        self.csrf_token();
        let mut s = self.lock();
        s.data.pending = Some(pending);
        if s.change != Change::New {
            s.change = Change::Dirty;
        }
    }

    /// Remembers that `user_id` gave the right password and must give a code next.
    pub fn await_second_factor(&self, user_id: i64, next: &str, now: DateTime<Utc>) {
        self.csrf_token();
        let mut s = self.lock();
        s.data.second_factor = Some(PendingLogin {
            user_id,
            next: next.to_owned(),
            since: now,
        });
        if s.change != Change::New {
            s.change = Change::Dirty;
        }
    }

    /// The login waiting for its second factor (for at most 10 minutes).
    pub fn awaiting_second_factor(&self, now: DateTime<Utc>) -> Option<PendingLogin> {
        self.lock()
            .data
            .second_factor
            .clone()
            .filter(|p| p.since + Duration::minutes(10) > now)
    }

    /// Takes the kept form.
    pub fn take_pending(&self) -> Option<PendingPost> {
        let mut s = self.lock();
        let pending = s.data.pending.take();
        if pending.is_some() && s.change != Change::New {
            s.change = Change::Dirty;
        }
        pending
    }

    /// The cookie token (after a login, the new one).
    pub fn token(&self) -> Option<String> {
        self.lock().token.clone()
    }

    /// Writes the session now (the middleware would do it after the handler; a handler
    /// that replays a request with the new cookie needs it stored first).
    pub async fn persist(&self, app: &App) -> Result<(), PageError> {
        let cookie = persist(self, app).await?;
        let mut s = self.lock();
        s.change = Change::None;
        if cookie.is_some() {
            s.cookie = cookie;
        }
        Ok(())
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            PageError::Internal(anyhow::anyhow!("session middleware missing on this route"))
        })
    }
}

fn idle(app: &App) -> Duration {
    Duration::hours(app.settings.security.session_idle_hours as i64)
}

async fn load(app: &App, token: Option<String>) -> Result<Session, PageError> {
    let now = app.clock.now();
    let fresh = |expired| State_ {
        token: None,
        loaded_key: None,
        user_id: None,
        csrf: None,
        data: SessionData::default(),
        expires_at: now + idle(app),
        created_at: now,
        change: Change::None,
        expired,
        cookie: None,
        person: None,
    };
    let Some(token) = token else {
        return Ok(Session(Arc::new(Mutex::new(fresh(None)))));
    };
    let key = hash_token(&token);
    let state = match sessions::find_with_user(&app.db, &key).await? {
        Some((row, person)) if row.expires_at > now => {
            let touch = row.expires_at - now < idle(app) - Duration::minutes(5);
            State_ {
                token: Some(token),
                loaded_key: Some(key),
                user_id: row.user_id,
                csrf: Some(row.csrf_token),
                data: serde_json::from_str(&row.data).unwrap_or_default(),
                expires_at: if touch {
                    now + idle(app)
                } else {
                    row.expires_at
                },
                created_at: row.created_at,
                change: if touch { Change::Touched } else { Change::None },
                expired: None,
                cookie: None,
                person,
            }
        }
        Some((row, _)) => fresh(Some((row.user_id, row.csrf_token))),
        None => fresh(None),
    };
    Ok(Session(Arc::new(Mutex::new(state))))
}

fn cookie_header(app: &App, token: &str, max_age: i64) -> Option<HeaderValue> {
    let secure = if app.settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

/// Saves the session's changes; returns the cookie to set, if any.
async fn persist(session: &Session, app: &App) -> Result<Option<HeaderValue>, PageError> {
    let now = app.clock.now();
    let (change, row, loaded_key, token) = {
        let s = session.lock();
        let row = s.token.as_ref().map(|t| SessionRow {
            id: hash_token(t),
            user_id: s.user_id,
            csrf_token: s.csrf.clone().unwrap_or_default(),
            data: serde_json::to_string(&s.data).unwrap_or_else(|_| "{}".into()),
            expires_at: s.expires_at,
            created_at: s.created_at,
            updated_at: now,
        });
        (s.change, row, s.loaded_key.clone(), s.token.clone())
    };
    let max_age = idle(app).num_seconds();
    match (change, row, token) {
        (Change::Destroyed, _, _) => {
            if let Some(key) = loaded_key {
                sessions::end(&app.db, &key, now).await?;
            }
            Ok(cookie_header(app, "", 0))
        }
        (Change::New, Some(mut row), Some(token)) => {
            if let Some(key) = loaded_key.filter(|k| *k != row.id) {
                sessions::delete(&app.db, &key).await?;
            }
            row.created_at = now;
            row.expires_at = now + idle(app);
            sessions::insert(&app.db, row).await?;
            let mut s = session.lock();
            s.loaded_key = Some(hash_token(&token));
            Ok(cookie_header(app, &token, max_age))
        }
        (Change::Dirty | Change::Touched, Some(row), Some(token)) => {
            sessions::update(&app.db, row).await?;
            Ok((change == Change::Touched)
                .then(|| cookie_header(app, &token, max_age))
                .flatten())
        }
        _ => Ok(None),
    }
}

/// The middleware: loads the session, runs the handler, saves the session.
pub async fn middleware(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let token = cookie(request.headers(), SESSION_COOKIE);
    let session = match load(&app, token).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    request.extensions_mut().insert(session.clone());
    let mut response = next.run(request).await;
    let early = session.lock().cookie.take();
    match persist(&session, &app).await {
        Ok(Some(cookie)) => {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
        Ok(None) => {
            if let Some(cookie) = early {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
        }
        Err(e) => return e.into_response(),
    }
    // Pages that depend on the session must not be cached by proxies.
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stored_hashed() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
