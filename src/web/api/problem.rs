//! Errors of the JSON API as `application/problem+json` (RFC 9457).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::validation::FieldErrors;
use crate::i18n::Texts;
use crate::services::ServiceError;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A field that was not accepted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name as in the request.
    pub field: String,
    /// A stable code, e.g. `validation.required`.
    pub code: String,
    /// The message for people, in the request's language (German or English).
    pub message: String,
}

/// An error: what went wrong, in words, with the fields at fault where there are any.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank`: the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields at fault (validation errors).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

impl Problem {
    /// A problem with `status`; the title is the status's reason phrase.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            kind: "about:blank".to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: (!detail.is_empty()).then_some(detail),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400: the request cannot be read (bad JSON, bad query or path parameter).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401: no usable token.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "send a valid API token as `Authorization: Bearer <token>`; tokens are created \
             on the page /account/tokens",
        )
    }

    /// 403: the token's person may not do this.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "this token's account may not do this",
        )
    }

    /// 404: unknown, or outside the token's scope (the two are not told apart).
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("no such {what}"))
    }

    /// 409: the request contradicts the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    /// 412: the record changed since the version named in `If-Match`.
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "the record was changed since the version named in If-Match (by a person in the \
             web interface or another client); nothing was saved. GET it again, apply your \
             change to what it is now, and send it with the new ETag",
        )
    }

    /// 429: too many failed attempts from this address.
    pub fn too_many(retry_after_secs: u64) -> Self {
        let mut p = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed attempts from this address; try again later",
        );
        p.retry_after = Some(retry_after_secs);
        p
    }

    /// 503: the database cannot be reached right now.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database cannot be reached right now; try again in a minute",
        )
    }

    /// 422 with the fields at fault, their messages in the request's language.
    pub fn fields(errors: &FieldErrors, t: &Texts) -> Self {
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "some fields are not acceptable; see errors",
        );
        p.errors = errors
            .0
            .iter()
            .map(|(field, code)| FieldProblem {
                field: field.clone(),
                code: code.clone(),
                message: t.get(code).to_owned(),
            })
            .collect();
        p
    }

    /// A service error as a problem. `what` names the thing for 404s; `Forbidden` becomes
    /// 404 too where `hide` is set (an item outside the scope is not admitted to exist).
    pub fn from_service(err: ServiceError, what: &str, hide: bool, t: &Texts) -> Self {
        match err {
            ServiceError::NotFound(_) => Self::not_found(what),
            ServiceError::Forbidden if hide => Self::not_found(what),
            ServiceError::Forbidden => Self::forbidden(),
            ServiceError::Conflict(crate::services::Conflict::StaleVersion) => {
                Self::precondition_failed()
            }
            ServiceError::Conflict(conflict) => Self::conflict(t.get(conflict.key()).to_owned()),
            ServiceError::Invalid(message) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, message),
            ServiceError::Fields(errors) => Self::fields(&errors, t),
            ServiceError::Db(e) => Self::from_db(&e),
            ServiceError::Other(e) => Self::internal(&e),
        }
    }

    /// A database error: 503 when the database is away, 500 otherwise.
    pub fn from_db(err: &sea_orm::DbErr) -> Self {
        if crate::web::error::is_connection_error(err) {
            Self::unavailable()
        } else {
            Self::internal(err)
        }
    }

    /// 500, logged with an id the answer names.
    pub fn internal(err: &dyn std::fmt::Display) -> Self {
        let id = format!("{:016x}", crate::util::random_u64());
        tracing::error!(error.id = %id, error = %err, "API request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("an unexpected error happened (error id {id}); it has been logged"),
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let unauthorized = status == StatusCode::UNAUTHORIZED;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if unauthorized {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"bleibe\""),
            );
        }
        response
    }
}

/// The error answers of the operations, for the OpenAPI document (each operation lists the
/// ones it can give). All are problem documents.
pub mod answers {
    use utoipa::IntoResponses;

    use super::Problem;

    /// What every operation can answer: no valid token, or too many wrong ones.
    #[derive(IntoResponses)]
    pub enum Always {
        /// No valid token
        #[response(status = 401, content_type = "application/problem+json")]
        Unauthorized(Problem),
        /// Too many wrong tokens from this address
        #[response(status = 429, content_type = "application/problem+json")]
        TooMany(Problem),
    }

    /// A malformed query, path parameter or body
    #[derive(IntoResponses)]
    #[response(status = 400, content_type = "application/problem+json")]
    pub struct BadRequest(pub Problem);

    /// The token's person may not do this (or not for this municipality)
    #[derive(IntoResponses)]
    #[response(status = 403, content_type = "application/problem+json")]
    pub struct Forbidden(pub Problem);

    /// Unknown, or outside the token's scope
    #[derive(IntoResponses)]
    #[response(status = 404, content_type = "application/problem+json")]
    pub struct NotFound(pub Problem);

    /// Not possible in the current state
    #[derive(IntoResponses)]
    #[response(status = 409, content_type = "application/problem+json")]
    pub struct Conflict(pub Problem);

    /// The record changed since the version named in `If-Match`
    #[derive(IntoResponses)]
    #[response(status = 412, content_type = "application/problem+json")]
    pub struct Precondition(pub Problem);

    /// A body that is not JSON, or fields that are not acceptable
    #[derive(IntoResponses)]
    pub enum BodyRefused {
        /// The body is not application/json
        #[response(status = 415, content_type = "application/problem+json")]
        NotJson(Problem),
        /// Fields not acceptable; `errors` names them
        #[response(status = 422, content_type = "application/problem+json")]
        Invalid(Problem),
    }
}
