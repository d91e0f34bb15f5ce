//! Safe writes: the body of a write read once (for its fields and its hash), the
//! `Idempotency-Key` that makes a repeated `POST` answer as the first one did, and the
//! `ETag`/`If-Match` pair that refuses a write based on an old version with 412.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::extract::ApiUser;
use super::problem::Problem;
use crate::app::App;
use crate::services::idempotency::{self, Begin};

/// The header that makes a write safe to repeat.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The header that marks an answer as the repetition of an earlier one.
pub const REPLAYED: &str = "idempotent-replayed";

/// The `ETag` of a record at `version`.
pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

/// What `If-Match` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// No condition.
    Absent,
    /// `*`: any version, as long as the record exists.
    Any,
    /// One of these entity tags.
    Tags(Vec<String>),
}

impl IfMatch {
    /// Reads the header (several headers and lists are one list).
    pub fn of(headers: &HeaderMap) -> Self {
        let values: Vec<&str> = headers
            .get_all(header::IF_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            IfMatch::Absent
        } else if values.contains(&"*") {
            IfMatch::Any
        } else {
            IfMatch::Tags(values.into_iter().map(str::to_owned).collect())
        }
    }

    /// The version the write must find, given the record's `current` one: `None` for no
    /// condition, the current one when a tag names it, and an impossible one (so the
    /// write is refused with 412) when none does.
    pub fn expected(&self, current: i64) -> Option<i64> {
        match self {
            IfMatch::Absent | IfMatch::Any => None,
            // A weak tag does not match for a write (RFC 9110, strong comparison).
            IfMatch::Tags(tags) if tags.iter().any(|t| *t == etag(current)) => Some(current),
            IfMatch::Tags(_) => Some(-1),
        }
    }

    /// Whether a condition was sent.
    pub fn is_present(&self) -> bool {
        !matches!(self, IfMatch::Absent)
    }
}

/// A write's JSON object with what makes it safe: its `Idempotency-Key`, its `If-Match`,
/// and the hash of its body.
#[derive(Debug, Clone)]
pub struct ApiWrite {
    pub body: Map<String, Value>,
    pub key: Option<String>,
    pub if_match: IfMatch,
    pub method: String,
    pub path: String,
    body_hash: String,
}

impl<S: Send + Sync> FromRequest<S> for ApiWrite {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers().clone();
        let method = req.method().as_str().to_owned();
        let path = req.uri().path().to_owned();
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::trim)
            .is_some_and(|t| t == "application/json" || t.ends_with("+json"));
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| Problem::bad_request(format!("body: {}", e.body_text())))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| Problem::bad_request(format!("body: {e}")))?;
        let Value::Object(body) = value else {
            return Err(Problem::bad_request("body: expected a JSON object"));
        };
        let key = headers
            .get(IDEMPOTENCY_KEY)
            .map(|v| idempotency::normalise_key(v.as_bytes()))
            .filter(|k| !k.is_empty());
        Ok(ApiWrite {
            body,
            key,
            if_match: IfMatch::of(&headers),
            method,
            path,
            body_hash: crate::util::sha256_hex(&String::from_utf8_lossy(&bytes)),
        })
    }
}

/// What a write led to: the API path of the resource, and whether it is new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub resource: String,
    pub created: bool,
    /// The answer repeats the first one for this `Idempotency-Key`.
    pub replayed: bool,
}

impl Written {
    pub fn created(resource: String) -> Self {
        Self {
            resource,
            created: true,
            replayed: false,
        }
    }

    pub fn changed(resource: String) -> Self {
        Self {
            resource,
            created: false,
            replayed: false,
        }
    }

    /// The id at the end of the resource's path.
    pub fn id(&self) -> Option<i64> {
        self.resource.rsplit('/').next()?.parse().ok()
    }

    fn status(&self) -> StatusCode {
        if self.created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        }
    }
}

/// Runs `write` once per `Idempotency-Key`: the first request runs it (and, when it fails,
/// forgets the key so that a retry runs again); a repetition with the same body gets the
/// first request's answer; the same key with another request is refused with 422, and a
/// repetition while the first is still running with 409. Without a key, `write` runs.
pub async fn once<F, Fut>(
    app: &App,
    api: &ApiUser,
    w: &ApiWrite,
    write: F,
) -> Result<Written, Problem>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Written, Problem>>,
{
    let Some(key) = &w.key else {
        return write().await;
    };
    // A path longer than its column (a very long reference) is compared by its hash.
    let path = if w.path.len() > 300 {
        format!("sha256:{}", crate::util::sha256_hex(&w.path))
    } else {
        w.path.clone()
    };
    let request = crate::store::idempotency::Request {
        user_id: api.user.id,
        key,
        method: &w.method,
        path: &path,
        body_hash: &w.body_hash,
    };
    let begun = idempotency::begin(app, &request)
        .await
        .map_err(|e| Problem::from_service(e, "key", false, &api.texts))?;
    match begun {
        Begin::Go(claim) => {
            let result = write().await;
            let recorded = match &result {
                Ok(done) => {
                    idempotency::finish(app, claim, done.status().as_u16(), &done.resource).await
                }
                Err(_) => idempotency::release(app, claim).await,
            };
            if let Err(e) = recorded {
                tracing::warn!(error = %e, "could not record an idempotency key's answer");
            }
            result
        }
        Begin::Replay { status, resource } => Ok(Written {
            resource,
            created: status == StatusCode::CREATED.as_u16(),
            replayed: true,
        }),
        Begin::Busy => Err(Problem::conflict(
            "a request with this Idempotency-Key is still being processed; try again in a moment",
        )),
        Begin::OtherRequest => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "this Idempotency-Key was used for a different request (method, path or body); \
             use a new key for a new request",
        )),
    }
}

/// The answer to a write: the resource as `GET` shows it, its `ETag`, `Location` when
/// it is new, and `Idempotent-Replayed` when it repeats an earlier answer.
pub fn answer<T: serde::Serialize>(written: &Written, version: i64, body: &T) -> Response {
    let mut response = (written.status(), axum::Json(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        headers.insert(header::ETAG, v);
    }
    if written.created
        && let Ok(v) = HeaderValue::from_str(&written.resource)
    {
        headers.insert(header::LOCATION, v);
    }
    if written.replayed {
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

/// A `GET` answer with the record's `ETag`; 304 when `If-None-Match` names it.
pub fn tagged<T: serde::Serialize>(headers: &HeaderMap, version: i64, body: &T) -> Response {
    let tag = etag(version);
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == tag || t == "*");
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        axum::Json(body).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(if_match: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in if_match {
            h.append(header::IF_MATCH, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn if_match_holds_a_write_to_the_version_it_names() {
        assert_eq!(IfMatch::of(&headers(&[])).expected(4), None);
        assert_eq!(IfMatch::of(&headers(&["*"])).expected(4), None);
        assert_eq!(IfMatch::of(&headers(&["\"v4\""])).expected(4), Some(4));
        assert_eq!(
            IfMatch::of(&headers(&["\"v3\", \"v4\""])).expected(4),
            Some(4)
        );
        assert_eq!(IfMatch::of(&headers(&["\"v3\""],)).expected(4), Some(-1));
        assert_eq!(IfMatch::of(&headers(&["W/\"v4\""])).expected(4), Some(-1));
        assert_eq!(IfMatch::of(&headers(&["v4"])).expected(4), Some(-1));
    }

    #[test]
    fn a_written_resource_knows_its_id() {
        assert_eq!(
            Written::created("/api/v1/households/17".into()).id(),
            Some(17)
        );
        assert_eq!(Written::changed("/api/v1/x".into()).id(), None);
    }
}
