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
