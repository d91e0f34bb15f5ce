//! Submitted forms: every field exactly as typed (so a form can come back with every value
//! in place), uploaded files, and the CSRF check every form goes through.
//!
//! A form posted after the session expired still carries the old session's CSRF token; if
//! it matches, the fields (and files) are kept in a new session and the person is asked
//! to log in again, after which the post is completed (see `pages::auth`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::PageError;
use super::pages::url_encode;
use super::session::{PendingPost, Session, StashedFile};
use crate::app::App;
use crate::domain::input::Fields;

/// The name of the hidden CSRF field in every form.
pub const CSRF_FIELD: &str = "csrf";

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A submitted form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormData {
    pub fields: Vec<(String, String)>,
    pub files: Vec<UploadedFile>,
}

impl FormData {
    /// The submitted values, read as the one field reader reads them.
    pub fn values(&self) -> Fields<'_> {
        Fields(&self.fields)
    }

    /// The first value of `name`, or "" (trimmed of surrounding white space).
    pub fn get(&self, name: &str) -> &str {
        self.values().get(name)
    }

    /// Every value of `name` (repeated fields, checkboxes of a group).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.values().all(name)
    }

    /// Whether a checkbox `name` was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.values().checked(name)
    }

    /// The value of `name` as an owned string (for re-rendering).
    pub fn text(&self, name: &str) -> String {
        self.get(name).to_owned()
    }
}

/// A form that passed the CSRF check.
#[derive(Debug, Clone)]
pub struct CsrfForm(pub FormData);

/// What became of a form that did not pass.
pub enum FormRejection {
    /// Not a readable form body.
    Malformed(String),
    /// The token does not belong to this (or any) session of this browser.
    Csrf,
    /// Sent after the session expired; kept until the user logs in again.
    Kept,
    Page(PageError),
}

impl IntoResponse for FormRejection {
    fn into_response(self) -> Response {
        match self {
            FormRejection::Malformed(message) => PageError::BadRequest(message).into_response(),
            FormRejection::Csrf => PageError::FormExpired.into_response(),
            FormRejection::Kept => Redirect::to("/login?kept=1").into_response(),
            FormRejection::Page(e) => e.into_response(),
        }
    }
}

impl From<PageError> for FormRejection {
    fn from(e: PageError) -> Self {
        FormRejection::Page(e)
    }
}

async fn read_form(request: Request, state: &App) -> Result<FormData, FormRejection> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| FormRejection::Malformed(e.body_text()))?;
        let mut form = FormData::default();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| FormRejection::Malformed(e.body_text()))?
        {
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                Some(filename) => {
                    let content_type = field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_owned();
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|e| FormRejection::Malformed(e.body_text()))?;
                    // Browsers send an empty part for a file input left empty.
                    if !bytes.is_empty() || !filename.is_empty() {
                        form.files.push(UploadedFile {
                            field: name,
                            filename,
                            content_type,
                            bytes: bytes.to_vec(),
                        });
                    }
                }
                None => {
                    let value = field
                        .text()
                        .await
                        .map_err(|e| FormRejection::Malformed(e.body_text()))?;
                    form.fields.push((name, value));
                }
            }
        }
        form.files.retain(|f| !f.bytes.is_empty());
        Ok(form)
    } else {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| FormRejection::Malformed(e.body_text()))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| FormRejection::Malformed(e.to_string()))?;
        Ok(FormData {
            fields,
            files: Vec::new(),
        })
    }
}

/// Keeps the files of a form posted after expiry under `<data.dir>/stash/<random>/`.
fn stash_files(app: &App, files: &[UploadedFile]) -> Result<Vec<StashedFile>, PageError> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let folder = app.settings.data.dir.join("stash").join(
        crate::util::random_hex(12).map_err(|e| PageError::Internal(anyhow::anyhow!("{e}")))?,
    );
    std::fs::create_dir_all(&folder).map_err(|e| PageError::Internal(e.into()))?;
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let path = folder.join(format!("{i}"));
            std::fs::write(&path, &f.bytes).map_err(|e| PageError::Internal(e.into()))?;
            Ok(StashedFile {
                field: f.field.clone(),
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                path: path.display().to_string(),
            })
        })
        .collect()
}

impl FromRequest<App> for CsrfForm {
    type Rejection = FormRejection;

    async fn from_request(request: Request, state: &App) -> Result<Self, Self::Rejection> {
        let session = request
            .extensions()
            .get::<Session>()
            .cloned()
            .ok_or_else(|| {
                FormRejection::Page(PageError::Internal(anyhow::anyhow!(
                    "session middleware missing"
                )))
            })?;
        let path = request.uri().path().to_owned();
        let mut form = read_form(request, state).await?;
        let token = form.get(CSRF_FIELD).to_owned();
        if !token.is_empty() && session.csrf_matches(&token) {
            form.fields.retain(|(k, _)| k != CSRF_FIELD);
            return Ok(CsrfForm(form));
        }
        if let Some(user_id) = session
            .expired_user_with_csrf(&token)
            .filter(|_| !token.is_empty())
        {
            form.fields.retain(|(k, _)| k != CSRF_FIELD);
            let files = stash_files(state, &form.files)?;
            session.set_pending(PendingPost {
                user_id,
                path,
                fields: form.fields,
                files,
            });
            return Err(FormRejection::Kept);
        }
        Err(FormRejection::Csrf)
    }
}

/// The login page that comes back to `path` afterwards.
pub fn login_then(path: &str) -> String {
    format!("/login?next={}", url_encode(path))
}

/// The status of a page with a form: 200, or 422 when what was sent is not acceptable (the
/// page then shows the messages at the fields and keeps the values).
pub fn status_for(acceptable: bool) -> axum::http::StatusCode {
    if acceptable {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}
