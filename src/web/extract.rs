//! Request extractors: the reader's language, cookies.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::domain::Locale;
use crate::i18n::Texts;

/// The name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "bleibe_lang";

/// The reader's language: the remembered choice, else the browser's `Accept-Language`,
/// else German.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Locale);

impl Lang {
    /// Interface texts in this language.
    pub fn texts(self) -> Texts {
        Texts::new(self.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(locale) =
            cookie(&parts.headers, LANG_COOKIE).and_then(|v| v.parse::<Locale>().ok())
        {
            return Ok(Lang(locale));
        }
        let header = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Ok(Lang(Locale::from_accept_language(header)))
    }
}

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client's IP address for rate limits: the TCP peer, or, with
/// `security.trust_forwarded_for`, the last `X-Forwarded-For` entry (the one the proxy in
/// front added; earlier entries are whatever the client sent).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl ClientIp {
    /// Reads the address from a request's parts.
    pub fn of(parts: &Parts, trust_forwarded_for: bool) -> Self {
        if trust_forwarded_for
            && let Some(last) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|v| v.parse::<std::net::IpAddr>().is_ok())
        {
            return ClientIp(last.to_owned());
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        ClientIp(peer)
    }
}

impl FromRequestParts<crate::app::App> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &crate::app::App,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp::of(
            parts,
            app.settings.security.trust_forwarded_for,
        ))
    }
}
