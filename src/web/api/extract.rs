//! Extractors of the JSON API: the token's person, and query, path and body readers whose
//! rejections are problem documents.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::problem::Problem;
use crate::app::App;
use crate::services::limits::{self, Limit};
use crate::services::{CurrentUser, api_tokens};
use crate::web::extract::{ClientIp, Lang};

/// The person an API token acts for, and the language for messages.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub user: CurrentUser,
    pub texts: crate::i18n::Texts,
}

impl FromRequestParts<App> for ApiUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Ok(Lang(locale)) = Lang::from_request_parts(parts, app).await;
        let texts = crate::i18n::Texts::new(locale);
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let Some(secret) = secret else {
            return Err(Problem::unauthorized());
        };
        if let Some(user) = api_tokens::authenticate(app, secret)
            .await
            .map_err(|e| Problem::from_service(e, "token", false, &texts))?
        {
            return Ok(ApiUser { user, texts });
        }
        // A wrong token: counted per address. Over the limit, wrong tokens get 429 instead
        // of 401 until the window ends (valid tokens still work: they are 192 random bits,
        // so the limit is about load and noise, not about guessing).
        let ip = ClientIp::of(parts, app.settings.security.trust_forwarded_for).0;
        if limits::reached(app, Limit::SecretByIp, &ip)
            .await
            .map_err(|e| Problem::from_db(&e))?
        {
            let seconds = Limit::SecretByIp.window().num_seconds().unsigned_abs();
            return Err(Problem::too_many(seconds));
        }
        limits::record(app, Limit::SecretByIp, &ip)
            .await
            .map_err(|e| Problem::from_db(&e))?;
        Err(Problem::unauthorized())
    }
}

/// A query string read into `T`; a malformed one is a 400 problem.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + validator::Validate, S: Send + Sync> FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let value: T = serde_urlencoded::from_str(query)
            .map_err(|e| Problem::bad_request(format!("query string: {e}")))?;
        value.validate().map_err(|errors| {
            let fields = errors.field_errors();
            let mut names: Vec<&str> = fields.keys().map(|k| k.as_ref()).collect();
            names.sort_unstable();
            Problem::bad_request(format!("out of range: {}", names.join(", ")))
        })?;
        Ok(ApiQuery(value))
    }
}

/// Path parameters read into `T`; a malformed one is a 400 problem.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| Problem::bad_request(format!("path: {}", e.body_text())))
    }
}

/// A JSON body read into `T`; a body that is not JSON (or not this shape) is a 400
/// problem, a wrong media type 415.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        let locale = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.trim_start().starts_with("en"))
            .map_or(crate::domain::Locale::De, |_| crate::domain::Locale::En);
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(json) => {
                // Text with a control character (a NUL byte, say) is named, not stored.
                let mut bad = Vec::new();
                control_characters(&json.0, "", &mut bad);
                if !bad.is_empty() {
                    let mut errors = crate::domain::validation::FieldErrors::default();
                    for field in bad {
                        errors.add(&field, "validation.control_characters");
                    }
                    return Err(Problem::fields(&errors, &crate::i18n::Texts::new(locale)));
                }
                serde_json::from_value(json.0)
                    .map(ApiJson)
                    .map_err(|e| Problem::bad_request(format!("body: {e}")))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as application/json",
            )),
            Err(e) => Err(Problem::bad_request(format!("body: {}", e.body_text()))),
        }
    }
}

/// The members (as `a.b[2]`) whose strings hold a control character other than a tab or a
/// line break.
fn control_characters(value: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(s) if crate::domain::input::has_control_characters(s) => {
            out.push(if path.is_empty() {
                "body".into()
            } else {
                path.to_owned()
            });
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                control_characters(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(members) => {
            for (name, member) in members {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                if crate::domain::input::has_control_characters(name) {
                    out.push(inner.clone());
                }
                control_characters(member, &inner, out);
            }
        }
        _ => {}
    }
}
