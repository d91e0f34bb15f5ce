//! The web layer's one error type. A page error renders a short page in German and
//! English; database outages become 503 with a calm explanation, never a stack trace.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use sea_orm::DbErr;

use crate::domain::Locale;
use crate::i18n::Texts;

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The thing does not exist, or the user may not know it exists.
    #[error("not found")]
    NotFound,
    /// Logged in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// The request contradicts the current state (e.g. an illegal pipeline step).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The request contradicts what is stored: a catalog key, shown in each language.
    #[error("refused: {0}")]
    Refused(&'static str),
    /// The request contradicts what is stored, said in German and English, with the page
    /// to go back to (where nothing was changed).
    #[error("refused: {de}")]
    RefusedAt {
        de: String,
        en: String,
        back: Option<String>,
    },
    /// The form is larger than the page accepts.
    #[error("too large")]
    TooLarge,
    /// The request itself is malformed.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A form whose CSRF token does not belong to the session (e.g. sent twice, or from
    /// another site).
    #[error("form expired")]
    FormExpired,
    /// The session ended before the form was sent, and the form could not be kept (too
    /// large, or too many kept today): the page says so and how to save the input.
    #[error("session ended, form not kept")]
    FormNotKept,
    /// Too many wrong secret links from this address.
    #[error("too many attempts")]
    TooMany,
    /// The database cannot be reached right now.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Not an error: the person must go elsewhere first (e.g. set up a second factor).
    #[error("see {0}")]
    SeeOther(String),
    /// Anything else: logged with an error id that the page shows.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::services::ServiceError> for PageError {
    fn from(err: crate::services::ServiceError) -> Self {
        use crate::services::ServiceError;
        match err {
            ServiceError::NotFound(_) => PageError::NotFound,
            ServiceError::Forbidden => PageError::NotFound,
            ServiceError::Conflict(conflict) => PageError::Refused(conflict.key()),
            ServiceError::Invalid(message) => PageError::BadRequest(message),
            ServiceError::Fields(errors) => PageError::BadRequest(format!("{errors:?}")),
            ServiceError::Db(e) => e.into(),
            ServiceError::Other(e) => PageError::Internal(e),
        }
    }
}

impl From<DbErr> for PageError {
    fn from(err: DbErr) -> Self {
        if is_connection_error(&err) {
            PageError::Unavailable(err.to_string())
        } else {
            PageError::Internal(err.into())
        }
    }
}

/// Whether a database error means "the database is not reachable" rather than a bug.
pub fn is_connection_error(err: &DbErr) -> bool {
    matches!(err, DbErr::ConnectionAcquire(_) | DbErr::Conn(_)) || {
        let text = err.to_string().to_lowercase();
        text.contains("connection refused")
            || text.contains("pool timed out")
            || text.contains("connection reset")
            || text.contains("broken pipe")
            || text.contains("terminating connection")
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    de: ErrorText<'a>,
    en: ErrorText<'a>,
    error_id: Option<String>,
    /// The page to go back to, where nothing changed.
    back: Option<String>,
}

struct ErrorText<'a> {
    t: Texts,
    title: &'a str,
    text: String,
}

impl PageError {
    fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::Conflict(_) | PageError::Refused(_) | PageError::RefusedAt { .. } => {
                StatusCode::CONFLICT
            }
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageError::FormExpired | PageError::FormNotKept => StatusCode::FORBIDDEN,
            PageError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            PageError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            PageError::SeeOther(_) => StatusCode::SEE_OTHER,
        }
    }

    fn text_for(&self, locale: Locale, error_id: Option<&str>) -> ErrorText<'static> {
        let t = Texts::new(locale);
        let (title_key, text) = match self {
            PageError::NotFound => (
                "error.not_found_title",
                t.get("error.not_found_text").to_owned(),
            ),
            PageError::Forbidden => (
                "error.forbidden_title",
                t.get("error.forbidden_text").to_owned(),
            ),
            PageError::Conflict(message) => ("error.conflict_title", message.clone()),
            PageError::Refused(key) => ("error.conflict_title", t.get(key).to_owned()),
            PageError::RefusedAt { de, en, .. } => (
                "error.conflict_title",
                if locale == Locale::En { en } else { de }.clone(),
            ),
            PageError::BadRequest(message) => ("error.bad_request_title", message.clone()),
            PageError::TooLarge => (
                "error.too_large_title",
                t.get("error.too_large_text").to_owned(),
            ),
            PageError::FormExpired => (
                "error.form_expired_title",
                t.get("error.form_expired_text").to_owned(),
            ),
            PageError::FormNotKept => (
                "error.form_not_kept_title",
                t.get("error.form_not_kept_text").to_owned(),
            ),
            PageError::TooMany => (
                "error.too_many_title",
                t.get("error.too_many_text").to_owned(),
            ),
            PageError::Unavailable(_) => (
                "error.unavailable_title",
                t.get("error.unavailable_text").to_owned(),
            ),
            PageError::SeeOther(to) => ("error.title", to.clone()),
            PageError::Internal(_) => (
                "error.title",
                format!(
                    "{} {}",
                    t.get("error.internal_text"),
                    error_id.unwrap_or("-")
                ),
            ),
        };
        ErrorText {
            t,
            title: text_static(locale, title_key),
            text,
        }
    }
}

fn text_static(locale: Locale, key: &'static str) -> &'static str {
    crate::i18n::text(locale, key)
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::SeeOther(to) = &self {
            return axum::response::Redirect::to(to).into_response();
        }
        let status = self.status();
        let error_id = match &self {
            PageError::Internal(err) => {
                let id = format!("{:08x}", crate::util::random_u64() as u32);
                tracing::error!(error.id = %id, error = ?err, "request failed");
                Some(id)
            }
            PageError::Unavailable(reason) => {
                tracing::warn!(%reason, "database unavailable");
                None
            }
            _ => None,
        };
        render_error(status, &self, error_id)
    }
}

fn render_error(status: StatusCode, err: &PageError, error_id: Option<String>) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        de: err.text_for(Locale::De, error_id.as_deref()),
        en: err.text_for(Locale::En, error_id.as_deref()),
        error_id,
        back: match err {
            PageError::RefusedAt { back, .. } => back.clone(),
            _ => None,
        },
    };
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let retry = match status {
                StatusCode::SERVICE_UNAVAILABLE => Some("30"),
                StatusCode::TOO_MANY_REQUESTS => Some("900"),
                _ => None,
            };
            if let Some(secs) = retry {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static(secs),
                );
            }
            response
        }
        Err(_) => (status, status.canonical_reason().unwrap_or("error")).into_response(),
    }
}

/// The fallback for unknown paths.
pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// What a panicking handler answers: the ordinary 500 page.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    PageError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
}
