//! The municipalities' own parts of the documents (letterhead, extra clauses, logo):
//! uploaded by an admin, checked at upload by typesetting every document with sample data
//! (a broken part is refused there, with its line), kept as numbered versions. Making a
//! document uses the newest version; should it still fail on real data, the document is
//! made with the built-in part rather than not at all.

use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::app::App;
use crate::documents::{self, Input, RenderError};
use crate::domain::document::DocumentKind;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::services::{Actor, CurrentUser, ServiceError, audit};
use crate::store::documents::{self as store, NewTemplate};

/// The largest part accepted (Typst source).
pub const SOURCE_MAX: usize = 64 * 1024;
/// The largest logo accepted.
pub const LOGO_MAX: usize = 512 * 1024;

/// A municipality's part as used for a document: its source and logo, or the built-in
/// part (version 0).
#[derive(Debug, Clone, Default)]
pub struct Part {
    pub version: i32,
    pub source: Option<String>,
    /// Bytes and file extension (`png`, `jpg`).
    pub logo: Option<(Vec<u8>, String)>,
}

impl Part {
    /// Where the data points the letterhead to the logo.
    pub fn logo_path(&self) -> Option<&'static str> {
        self.logo.as_ref().map(|(_, ext)| match ext.as_str() {
            "png" => "/logo.png",
            _ => "/logo.jpg",
        })
    }

    /// The files the part brings (its logo).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        match (&self.logo, self.logo_path()) {
            (Some((bytes, _)), Some(path)) => vec![(path.to_owned(), bytes.clone())],
            _ => Vec::new(),
        }
    }
}

fn part_from(t: entities::document_template::Model) -> Part {
    let logo = match (t.logo, t.logo_type) {
        (Some(bytes), Some(ext)) => Some((bytes, ext)),
        _ => None,
    };
    Part {
        version: t.version,
        source: Some(t.source),
        logo,
    }
}

/// The part a municipality's documents use now.
pub async fn part_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Part, ServiceError> {
    Ok(store::current_template(db, municipality_id)
        .await?
        .map(part_from)
        .unwrap_or_default())
}

/// Typesets off the async threads. Returns the PDF and the part's version used: the
/// municipality's, or 0 when it failed on this data and the built-in part stood in.
pub async fn render_with(
    kind: DocumentKind,
    data: &Value,
    part: &Part,
    files: Vec<(String, Vec<u8>)>,
    date: NaiveDate,
    ident: String,
) -> Result<(Vec<u8>, i32), ServiceError> {
    let data = data.clone();
    let part = part.clone();
    tokio::task::spawn_blocking(move || {
        let mut input = Input {
            data: &data,
            part: part.source.as_deref(),
            files,
            date,
            ident,
        };
        match documents::render(kind, &input) {
            Ok(pdf) => Ok((pdf, part.version)),
            Err(e) if part.source.is_some() => {
                tracing::warn!(kind = kind.as_str(), version = part.version, error = %e,
                    "the municipality's template failed; using the built-in one");
                input.part = None;
                documents::render(kind, &input).map(|pdf| (pdf, 0))
            }
            Err(e) => Err(e),
        }
    })
    .await
    .map_err(|e| ServiceError::Other(anyhow::anyhow!("typesetting stopped: {e}")))?
    .map_err(|e| ServiceError::Other(anyhow::anyhow!("document {}: {e}", kind.as_str())))
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refused {
    /// The form's fields: which and why.
    Fields(FieldErrors),
    /// The part does not typeset: in which document, where and what.
    Broken(DocumentKind, RenderError),
}

/// Keeps a new version of a municipality's part after typesetting every document with
/// sample data through it. Admins only.
pub async fn upload(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    source: String,
    logo: Option<Vec<u8>>,
    note: Option<String>,
) -> Result<Result<i32, Refused>, ServiceError> {
    if user.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let municipality = crate::store::municipalities::find(&app.db, municipality_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    let mut errors = FieldErrors::default();
    if source.trim().is_empty() {
        errors.add("source", "validation.required");
    } else if source.len() > SOURCE_MAX {
        errors.add("source", "validation.too_long");
    }
    let logo = match logo.filter(|b| !b.is_empty()) {
        None => None,
        Some(bytes) if bytes.len() > LOGO_MAX => {
            errors.add("logo", "validation.photo_size");
            None
        }
        Some(bytes) => match crate::services::photos::sniff(&bytes) {
            Some((_, "image/png", _)) => Some((bytes, "png".to_owned())),
            Some((_, "image/jpeg", _)) => Some((bytes, "jpg".to_owned())),
            _ => {
                errors.add("logo", "documents.logo_type");
                None
            }
        },
    };
    if !errors.is_empty() {
        return Ok(Err(Refused::Fields(errors)));
    }
    let part = Part {
        version: 0,
        source: Some(source.clone()),
        logo: logo.clone(),
    };
    if let Err((kind, e)) = check(&municipality, &part, app.clock.today()).await? {
        return Ok(Err(Refused::Broken(kind, e)));
    }
    let now = app.clock.now();
    let version = store::insert_template(
        &app.db,
        NewTemplate {
            municipality_id,
            source,
            logo,
            note: note.filter(|n| !n.trim().is_empty()),
            uploaded_by_user_id: Some(user.id),
        },
        now,
    )
    .await?;
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "document_template",
        "municipalities",
        Some(municipality_id),
        Some(municipality_id),
        json!({"version": version}),
        now,
    )
    .await?;
    Ok(Ok(version))
}

/// Typesets every kind of document with sample data through `part`; the first that fails.
async fn check(
    m: &entities::municipality::Model,
    part: &Part,
    today: NaiveDate,
) -> Result<Result<(), (DocumentKind, RenderError)>, ServiceError> {
    let samples = super::samples::all(m, part.logo_path(), today);
    let part = part.clone();
    tokio::task::spawn_blocking(move || {
        for (kind, data, mut files) in samples {
            files.extend(part.files());
            let input = Input {
                data: &data,
                part: part.source.as_deref(),
                files,
                date: today,
                ident: format!("check-{}", kind.as_str()),
            };
            if let Err(e) = documents::render(kind, &input) {
                return Err((kind, e));
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| ServiceError::Other(anyhow::anyhow!("typesetting stopped: {e}")))
}

/// A municipality's versions, newest first, for the admin page.
pub async fn versions(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Vec<entities::document_template::Model>, ServiceError> {
    if user.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    Ok(store::templates(&app.db, municipality_id).await?)
}
