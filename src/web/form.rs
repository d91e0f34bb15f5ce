//! Submitted forms: every field exactly as typed (so a form can come back with every value
//! in place), uploaded files, and the CSRF check every form goes through.
//!
//! A form posted after the session expired still carries the old session's CSRF token; if
//! it matches, the fields (and files) are kept in a new session and the person is asked
//! to log in again, after which the post is completed (see `pages::auth`). The same holds
//! for a form posted without its session cookie (blocked, cleared, or logged out in
//! another tab): its token names the session that rendered it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::error::PageError;
use super::pages::url_encode;
use super::session::{PendingPost, Session, StashedFile};
use crate::app::App;
use crate::domain::input::Fields;
use crate::services::limits::{self, Limit};

/// The name of the hidden CSRF field in every form.
pub const CSRF_FIELD: &str = "csrf";

/// An uploaded file, streamed to a temporary file as it arrives (never held whole in
/// memory); the file is removed when the last copy of this value is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub file: Arc<TempFile>,
    /// Bytes sent (also when more than were kept).
    pub size: u64,
    /// More than the field's limit was sent: only the start was kept, the upload is refused.
    pub too_large: bool,
}

impl UploadedFile {
    /// The file's content (only for files within their limit).
    pub fn bytes(&self) -> std::io::Result<Vec<u8>> {
        std::fs::read(&self.file.path)
    }
}

/// A temporary file that is removed when dropped.
#[derive(Debug, PartialEq, Eq)]
pub struct TempFile {
    pub path: std::path::PathBuf,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Largest text of one form field (a description has at most 5,000 characters).
pub const FIELD_MAX_BYTES: usize = 64 * 1024;
/// Largest body of a form without files.
pub const FORM_MAX_BYTES: usize = 256 * 1024;
/// Largest CSV file to import.
pub const IMPORT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The most one uploaded file of `field` may have: a photo its limit, an import file its
/// own; other fields take no files.
fn file_limit(app: &App, field: &str) -> u64 {
    match field {
        "photos" => app.settings.uploads.max_photo_mb * 1024 * 1024,
        "file" => IMPORT_MAX_BYTES,
        "logo" => crate::services::documents::templates::LOGO_MAX as u64,
        "photo" => crate::services::outreach::PHOTO_MAX as u64,
        _ => 0,
    }
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
    /// Larger than the route accepts.
    TooLarge,
    /// The token does not belong to this (or any) session of this browser.
    Csrf,
    /// Sent after the session expired; kept until the user logs in again.
    Kept,
    /// Sent after the session ended, but not kept (too large, or too many today).
    NotKept,
    /// Sent without its session cookie; kept until the user logs in again.
    KeptWithoutCookie,
    Page(PageError),
}

impl IntoResponse for FormRejection {
    fn into_response(self) -> Response {
        match self {
            FormRejection::Malformed(message) => PageError::BadRequest(message).into_response(),
            FormRejection::TooLarge => PageError::TooLarge.into_response(),
            FormRejection::Csrf => PageError::FormExpired.into_response(),
            FormRejection::NotKept => PageError::FormNotKept.into_response(),
            FormRejection::Kept => Redirect::to("/login?kept=1").into_response(),
            FormRejection::KeptWithoutCookie => Redirect::to("/login?kept=cookie").into_response(),
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
        let multipart = Multipart::from_request(request, state)
            .await
            .map_err(|e| FormRejection::Malformed(e.body_text()))?;
        read_multipart(multipart, state).await
    } else {
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                FormRejection::TooLarge
            } else {
                FormRejection::Malformed(e.body_text())
            }
        })?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| FormRejection::Malformed(e.to_string()))?;
        Ok(FormData {
            fields,
            files: Vec::new(),
        })
    }
}

/// Reads a multipart form: text fields up to `FIELD_MAX_BYTES` each, files streamed to
/// temporary files under `<data.dir>/uploads/` up to their field's limit (the rest is read
/// and dropped, and the file marked too large).
async fn read_multipart(mut multipart: Multipart, app: &App) -> Result<FormData, FormRejection> {
    use tokio::io::AsyncWriteExt;
    let malformed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            FormRejection::TooLarge
        } else {
            FormRejection::Malformed(e.body_text())
        }
    };
    let io = |e: std::io::Error| FormRejection::Page(PageError::Internal(e.into()));
    let mut form = FormData::default();
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or("").to_owned();
        let Some(filename) = field.file_name().map(str::to_owned) else {
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                if text.len() + chunk.len() > FIELD_MAX_BYTES {
                    return Err(FormRejection::Malformed(format!(
                        "the field {name} is too long"
                    )));
                }
                text.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(text)
                .map_err(|_| FormRejection::Malformed(format!("the field {name} is not UTF-8")))?;
            form.fields.push((name, value));
            continue;
        };
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let limit = file_limit(app, &name);
        let dir = app.settings.data.dir.join("uploads");
        tokio::fs::create_dir_all(&dir).await.map_err(io)?;
        let temp =
            TempFile {
                path: dir.join(crate::util::random_hex(16).map_err(|e| {
                    FormRejection::Page(PageError::Internal(anyhow::anyhow!("{e}")))
                })?),
            };
        let mut out = tokio::fs::File::create(&temp.path).await.map_err(io)?;
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            let before = size;
            size += chunk.len() as u64;
            if before < limit {
                let room = (limit - before).min(chunk.len() as u64) as usize;
                out.write_all(&chunk[..room]).await.map_err(io)?;
            }
        }
        out.flush().await.map_err(io)?;
        // Browsers send an empty part for a file input left empty.
        if size > 0 {
            form.files.push(UploadedFile {
                field: name,
                filename,
                content_type,
                file: Arc::new(temp),
                size,
                too_large: size > limit,
            });
        }
    }
    Ok(form)
}

/// How long a form token is recognised after its session ended (the session's row is
/// kept this long, see the `tidy` job).
pub const KEPT_FORM_HOURS: i64 = crate::jobs::housekeeping::KEPT_FORM_HOURS;

/// Largest text of a kept form (all fields together).
pub const KEPT_TEXT_MAX_BYTES: usize = 64 * 1024;
/// Largest files of a kept form (all together); only photos are kept.
pub const KEPT_FILES_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Keeps the photos of a form posted after expiry under `<data.dir>/stash/u<user>-<random>/`: only
/// files that are photos by their content, within their limit, up to
/// `KEPT_FILES_MAX_BYTES` together. Others are not kept (the person adds them again).
fn stash_files(
    app: &App,
    user_id: i64,
    files: &[UploadedFile],
) -> Result<Vec<StashedFile>, PageError> {
    let internal = |e: std::io::Error| PageError::Internal(e.into());
    let mut total = 0u64;
    let keep: Vec<&UploadedFile> = files
        .iter()
        .filter(|f| !f.too_large && f.field == "photos")
        .filter(|f| {
            let mut head = [0u8; 16];
            let read = std::fs::File::open(&f.file.path)
                .and_then(|mut file| std::io::Read::read(&mut file, &mut head));
            read.is_ok_and(|n| crate::services::photos::sniff(&head[..n]).is_some())
        })
        .filter(|f| {
            total += f.size;
            total <= KEPT_FILES_MAX_BYTES
        })
        .collect();
    if keep.is_empty() {
        return Ok(Vec::new());
    }
    let random =
        crate::util::random_hex(12).map_err(|e| PageError::Internal(anyhow::anyhow!("{e}")))?;
    // Named by account, so erasing the account removes its kept files at once.
    let folder = app
        .settings
        .data
        .dir
        .join("stash")
        .join(format!("u{user_id}-{random}"));
    std::fs::create_dir_all(&folder).map_err(internal)?;
    keep.iter()
        .enumerate()
        .map(|(i, f)| {
            let path = folder.join(format!("{i}"));
            std::fs::copy(&f.file.path, &path).map_err(internal)?;
            Ok(StashedFile {
                field: f.field.clone(),
                filename: f.filename.clone(),
                content_type: f.content_type.clone(),
                path: path.display().to_string(),
            })
        })
        .collect()
}

/// Keeps a form posted after its session expired, within the limits: a few per account and
/// day, small text, only photos. False when it is not kept.
async fn keep_form(
    app: &App,
    session: &Session,
    user_id: i64,
    path: String,
    form: FormData,
) -> Result<bool, FormRejection> {
    let text: usize = form.fields.iter().map(|(k, v)| k.len() + v.len()).sum();
    if text > KEPT_TEXT_MAX_BYTES {
        return Ok(false);
    }
    let within = limits::take(app, Limit::KeptForms, &user_id.to_string())
        .await
        .map_err(|e| FormRejection::Page(e.into()))?;
    if !within {
        return Ok(false);
    }
    let files = stash_files(app, user_id, &form.files)?;
    session.set_pending(PendingPost {
        user_id,
        path,
        fields: form.fields,
        files,
    });
    Ok(true)
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
        // A browser without a session can only be rescued by the form's own token (see
        // below), and only a small form is kept: anything larger is refused before its
        // body is read.
        if !session.has_form_token() && !small_enough_to_keep(&request) {
            return Err(FormRejection::Csrf);
        }
        let path = request.uri().path().to_owned();
        let mut form = read_form(request, state).await?;
        let token = form.get(CSRF_FIELD).to_owned();
        form.fields.retain(|(k, _)| k != CSRF_FIELD);
        if token.is_empty() {
            return Err(FormRejection::Csrf);
        }
        if session.csrf_matches(&token) {
            return Ok(CsrfForm(form));
        }
        if let Some(user_id) = session.expired_user_with_csrf(&token) {
            if keep_form(state, &session, user_id, path, form).await? {
                return Err(FormRejection::Kept);
            }
            return Err(FormRejection::NotKept);
        }
        // Sent without its session cookie (cookies blocked or cleared, or logged out in
        // another tab): the form token, a secret only the page rendered for that session
        // carried, names the session and so the person. The person logs in (again) and the
        // form is completed; someone already logged in as that person goes straight on.
        let since = state.clock.now() - chrono::Duration::hours(KEPT_FORM_HOURS);
        let owner = crate::store::sessions::user_of_form_token(&state.db, &token, since)
            .await
            .map_err(|e| FormRejection::Page(e.into()))?;
        match (owner, session.user_id()) {
            (Some(owner), Some(current)) if owner == current => Ok(CsrfForm(form)),
            (Some(owner), None) => {
                if keep_form(state, &session, owner, path, form).await? {
                    Err(FormRejection::KeptWithoutCookie)
                } else {
                    Err(FormRejection::NotKept)
                }
            }
            _ => Err(FormRejection::Csrf),
        }
    }
}

/// Whether a request says it is no larger than a kept form's text may be (browsers always
/// say how large a form is).
fn small_enough_to_keep(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|length| length <= KEPT_TEXT_MAX_BYTES)
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
