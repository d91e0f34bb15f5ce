//! The start page: what Bleibe is, for landlords and for municipal staff.

use askama::Template;
use askama_web::WebTemplate;

use super::{Chrome, PageCtx};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    chrome: Chrome,
}

/// `GET /`.
pub async fn show_home(ctx: PageCtx) -> HomePage {
    HomePage {
        chrome: ctx.chrome(),
    }
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
