//! The start page: what Bleibe is, for landlords and for municipal staff.

use askama::Template;
use askama_web::WebTemplate;

use super::{Chrome, PageCtx};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    chrome: Chrome,
    /// The participating municipalities (name, page address, district), narrowed by `q`.
    municipalities: Vec<(String, String, String)>,
    q: String,
}

/// The start page's search: `?q=` a postal code or part of a name.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HomeQuery {
    #[serde(default)]
    q: String,
}

/// `GET /[?q=…]`.
pub async fn show_home(
    ctx: PageCtx,
    axum::extract::Query(query): axum::extract::Query<HomeQuery>,
) -> Result<HomePage, crate::web::error::PageError> {
    let q: String = query.q.trim().chars().take(60).collect();
    let municipalities = crate::services::outreach::participating(&ctx.app, &q)
        .await?
        .into_iter()
        .map(|(m, slug)| (m.name, slug, m.district))
        .collect();
    Ok(HomePage {
        chrome: ctx.chrome(),
        municipalities,
        q,
    })
}

/// The privacy notice.
#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    chrome: Chrome,
}

/// `GET /privacy`.
pub async fn show_privacy(ctx: PageCtx) -> PrivacyPage {
    PrivacyPage {
        chrome: ctx.chrome(),
    }
}

/// The accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0).
#[derive(Template, WebTemplate)]
#[template(path = "accessibility.html")]
pub struct AccessibilityPage {
    chrome: Chrome,
    /// Where to report a barrier: the e-mail address and, when set, a phone number.
    feedback_email: String,
    feedback_phone: String,
    /// When the statement was last reviewed, in the reader's date format.
    reviewed_on: String,
}

/// `GET /barrierefreiheit` (also `/accessibility`).
pub async fn show_accessibility(ctx: PageCtx) -> AccessibilityPage {
    let a = &ctx.app.settings.accessibility;
    let reviewed_on = chrono::NaiveDate::parse_from_str(a.reviewed_on.trim(), "%Y-%m-%d")
        .map(|d| crate::domain::format::date(ctx.locale, d))
        .unwrap_or_else(|_| a.reviewed_on.clone());
    AccessibilityPage {
        chrome: ctx.chrome(),
        feedback_email: a.feedback_email.trim().to_owned(),
        feedback_phone: a.feedback_phone.trim().to_owned(),
        reviewed_on,
    }
}

/// `GET /favicon.ico`.
pub async fn favicon() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, "image/x-icon"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        &include_bytes!("../static/favicon.ico")[..],
    )
        .into_response()
}
