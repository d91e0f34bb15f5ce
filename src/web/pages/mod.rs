//! Server-rendered pages, one typed template struct per page.

pub mod account;
pub mod account_delete;
pub mod admin;
pub mod auth;
pub mod documents;
pub mod figures;
pub mod home;
pub mod households;
pub mod import;
pub mod lab;
pub mod language;
pub mod links;
pub mod outreach;
pub mod outreach_staff;
pub mod overview;
pub mod pipeline;
pub mod privacy;
pub mod review;
pub mod rules;
pub mod second_factor;
pub mod staff;
pub mod templates;
pub mod unit_list;
pub mod units;
pub mod webhooks;
pub mod workspace;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::PageError;
use super::extract::Lang;
use super::session::{Flash, Session};
use crate::app::App;
use crate::domain::roles::Role;
use crate::domain::{Language, Locale};
use crate::i18n::Texts;
use crate::services::{CurrentUser, accounts};

/// What every page's layout needs: texts, language, the current path (for the language
/// switcher, which returns to the same page), the logged-in user and a one-time message.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub t: Texts,
    pub locale: Locale,
    pub path: String,
    pub user: Option<CurrentUser>,
    /// The form token for the logout button (empty when nobody is logged in).
    pub csrf: String,
    pub flash: Option<Flash>,
    /// On a household's pages: the languages it can switch to (code, own name, link),
    /// instead of the interface languages; the page has no login link.
    pub household_languages: Vec<(String, String, String)>,
    /// The language switcher links to this page with `?lang=xx` instead of remembering
    /// the choice in a cookie (public pages, which set no cookie).
    pub lang_query: bool,
}

impl Chrome {
    /// Layout data for an anonymous page at `path` in `locale`.
    pub fn new(locale: Locale, path: impl Into<String>) -> Self {
        Self {
            t: Texts::new(locale),
            locale,
            path: path.into(),
            user: None,
            csrf: String::new(),
            flash: None,
            household_languages: Vec::new(),
            lang_query: false,
        }
    }

    /// The same layout in a household's language `lang`, with links to the page at
    /// `base` in every other household language (`?lang=xx`).
    pub fn for_household(mut self, lang: Language, base: &str) -> Self {
        self.t = Texts::in_language(lang);
        self.household_languages = Language::ALL
            .into_iter()
            .filter(|l| *l != lang)
            .map(|l| {
                (
                    l.code().to_owned(),
                    l.native_name().to_owned(),
                    format!("{base}?lang={}", l.code()),
                )
            })
            .collect();
        self
    }

    /// The other languages, for the switcher.
    pub fn other_locales(&self) -> Vec<Locale> {
        Locale::ALL
            .into_iter()
            .filter(|l| *l != self.locale)
            .collect()
    }

    /// The link that switches to `locale` and comes back here.
    pub fn switch_href(&self, locale: &Locale) -> String {
        if self.lang_query {
            return with_lang(&self.path, locale.code());
        }
        format!("/lang/{}?next={}", locale.code(), url_encode(&self.path))
    }

    /// Where the logged-in user's overview is.
    pub fn home_href(&self) -> &'static str {
        home_of(self.user.as_ref().map(|u| u.role))
    }
}

/// `path` (with its query) with `lang=code` instead of any `lang` it had.
pub fn with_lang(path: &str, code: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut parts: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let lang = format!("lang={code}");
    parts.push(&lang);
    format!("{base}?{}", parts.join("&"))
}

/// The start page of a role.
pub fn home_of(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Landlord) => "/dashboard",
        Some(Role::Admin | Role::Coordinator | Role::Volunteer) => "/workspace",
        None => "/",
    }
}

/// The request as pages see it.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub app: App,
    pub locale: Locale,
    pub session: Session,
    pub user: Option<CurrentUser>,
    /// Path and query of the request.
    pub path: String,
    /// The reader chose a language in this browser (the language cookie is set); else
    /// the account's saved language is applied at login.
    pub language_chosen: bool,
    /// The person's role requires a second factor they have not set up yet.
    pub second_factor_missing: bool,
}

impl FromRequestParts<App> for PageCtx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Lang(locale) = Lang::from_request_parts(parts, app)
            .await
            .unwrap_or(Lang(Locale::De));
        let session = Session::from_request_parts(parts, app).await?;
        // The person was read with the session (one round trip for both), unless the
        // session is new to them.
        let (user, second_factor_missing) = match (session.user_id(), session.person()) {
            (Some(_), Some(person)) => accounts::current_of(person)?,
            (Some(id), None) => accounts::for_request(app, id).await?,
            (None, _) => None,
        }
        .map_or((None, false), |(user, missing)| (Some(user), missing));
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
        let language_chosen =
            crate::web::extract::cookie(&parts.headers, crate::web::extract::LANG_COOKIE).is_some();
        Ok(Self {
            app: app.clone(),
            locale,
            session,
            user,
            path,
            language_chosen,
            second_factor_missing,
        })
    }
}

impl PageCtx {
    /// Interface texts in the reader's language.
    pub fn t(&self) -> Texts {
        Texts::new(self.locale)
    }

    /// The layout data (takes the one-time message).
    pub fn chrome(&self) -> Chrome {
        Chrome {
            t: self.t(),
            locale: self.locale,
            path: self.path.clone(),
            user: self.user.clone(),
            csrf: if self.user.is_some() {
                self.session.csrf_token()
            } else {
                String::new()
            },
            flash: self.session.take_flash(),
            household_languages: Vec::new(),
            lang_query: false,
        }
    }

    /// The form token (creates the session when needed).
    pub fn csrf(&self) -> String {
        self.session.csrf_token()
    }
}

/// A page only for logged-in users; others are sent to the login page and back.
#[derive(Debug, Clone)]
pub struct Authed {
    pub ctx: PageCtx,
    pub user: CurrentUser,
}

/// Sends a visitor to the login page, coming back to where they were.
#[derive(Debug)]
pub struct LoginFirst(String);

impl IntoResponse for LoginFirst {
    fn into_response(self) -> Response {
        Redirect::to(&super::form::login_then(&self.0)).into_response()
    }
}

/// Either a page error or "log in first".
#[derive(Debug)]
pub enum AuthRejection {
    Login(LoginFirst),
    Page(PageError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Login(l) => l.into_response(),
            AuthRejection::Page(p) => p.into_response(),
        }
    }
}

impl FromRequestParts<App> for Authed {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let ctx = PageCtx::from_request_parts(parts, app)
            .await
            .map_err(AuthRejection::Page)?;
        match ctx.user.clone() {
            Some(user) => {
                second_factor_first(&ctx, &user)
                    .await
                    .map_err(AuthRejection::Page)?;
                Ok(Authed { ctx, user })
            }
            None => Err(AuthRejection::Login(LoginFirst(ctx.path.clone()))),
        }
    }
}

/// A person whose role requires a second factor and who has none yet goes to its set-up
/// page first, whatever page they asked for.
async fn second_factor_first(ctx: &PageCtx, _user: &CurrentUser) -> Result<(), PageError> {
    if ctx.path.starts_with("/account/second-factor") {
        return Ok(());
    }
    if ctx.second_factor_missing {
        return Err(PageError::SeeOther("/account/second-factor".to_owned()));
    }
    Ok(())
}

/// Percent-encodes a value for use in a query parameter.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A form post by a logged-in user. The form is read (and its CSRF token checked) first,
/// so a post whose session expired is kept and completed after the next login instead
/// of being lost on the way to the login page.
#[derive(Debug, Clone)]
pub struct AuthedForm {
    pub ctx: PageCtx,
    pub user: CurrentUser,
    pub form: super::form::FormData,
}

impl axum::extract::FromRequest<App> for AuthedForm {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        app: &App,
    ) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let ctx = PageCtx::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let request = axum::extract::Request::from_parts(parts, body);
        let super::form::CsrfForm(form) = super::form::CsrfForm::from_request(request, app)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.user.clone() {
            Some(user) => {
                second_factor_first(&ctx, &user)
                    .await
                    .map_err(IntoResponse::into_response)?;
                Ok(AuthedForm { ctx, user, form })
            }
            None => Err(LoginFirst(ctx.path.clone()).into_response()),
        }
    }
}
