//! The admin's page for a municipality's document template: its part of every document
//! (letterhead, extra clauses, logo) as Typst, with the versions kept so far. A new version
//! is typeset with sample data of every document before it is kept; a broken one comes back
//! with status 422, the text as typed, and the document, line and message at the field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::staff::{Staff, StaffNav, nav};
use super::{AuthedForm, Chrome, PageCtx};
use crate::documents::BUILT_IN_PART;
use crate::domain::roles::Role;
use crate::i18n::fill;
use crate::services::CurrentUser;
use crate::services::documents::templates::{self, Refused};
use crate::web::error::PageError;
use crate::web::forms::SummaryItem;

/// `GET /admin/municipalities/{id}/templates`.
#[derive(Template, WebTemplate)]
#[template(path = "admin_templates.html")]
pub struct TemplatesPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub mid: i64,
    pub municipality: String,
    pub source: String,
    pub note: String,
    pub source_error: Option<String>,
    pub logo_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    /// Version, when, note, has a logo.
    pub versions: Vec<(i32, String, String, bool)>,
}

fn admin(user: &CurrentUser) -> Result<(), PageError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

struct Typed {
    source: String,
    note: String,
    source_error: Option<String>,
    logo_error: Option<String>,
}

async fn page(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    typed: Option<Typed>,
) -> Result<Response, PageError> {
    let m = crate::store::municipalities::find(&ctx.app.db, mid)
        .await
        .map_err(crate::services::ServiceError::from)?
        .ok_or(PageError::NotFound)?;
    let kept = templates::versions(&ctx.app, user, mid).await?;
    let refused = typed.is_some();
    let typed = typed.unwrap_or_else(|| Typed {
        source: kept
            .first()
            .map_or_else(|| BUILT_IN_PART.to_owned(), |v| v.source.clone()),
        note: String::new(),
        source_error: None,
        logo_error: None,
    });
    let mut summary = Vec::new();
    for (target, error) in [
        ("f-source", &typed.source_error),
        ("f-logo", &typed.logo_error),
    ] {
        if let Some(message) = error {
            summary.push(SummaryItem {
                target: target.into(),
                message: message.clone(),
            });
        }
    }
    let page = TemplatesPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(mid), "municipalities").await?,
        csrf: ctx.csrf(),
        mid,
        municipality: m.name,
        source: typed.source,
        note: typed.note,
        source_error: typed.source_error,
        logo_error: typed.logo_error,
        summary,
        versions: kept
            .iter()
            .map(|v| {
                (
                    v.version,
                    super::pipeline::when(ctx.locale, v.created_at),
                    v.note.clone().unwrap_or_default(),
                    v.logo.is_some(),
                )
            })
            .collect(),
    };
    let status = crate::web::form::status_for(!refused);
    Ok((status, page).into_response())
}

/// `GET /admin/municipalities/{id}/templates`.
pub async fn show(Path(mid): Path<i64>, Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    admin(&user)?;
    page(&ctx, &user, mid, None).await
}

/// `POST /admin/municipalities/{id}/templates`.
pub async fn upload(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    admin(&user)?;
    let t = ctx.t();
    let source = form.text("source");
    let note = form.text("note");
    let logo_file = form.files.iter().find(|f| f.field == "logo" && f.size > 0);
    let mut logo_error = None;
    let logo = match logo_file {
        Some(f) if f.too_large => {
            logo_error = Some(t.get("documents.logo_size").to_owned());
            None
        }
        Some(f) => Some(f.bytes().map_err(|e| PageError::Internal(e.into()))?),
        None => None,
    };
    if logo_error.is_none() {
        let outcome = templates::upload(
            &ctx.app,
            &user,
            mid,
            source.clone(),
            logo,
            Some(note.clone()),
        )
        .await?;
        match outcome {
            Ok(_) => {
                ctx.session.flash("success", "documents.template_saved");
                return Ok(
                    Redirect::to(&format!("/admin/municipalities/{mid}/templates")).into_response(),
                );
            }
            Err(Refused::Fields(errors)) => {
                let typed = Typed {
                    source,
                    note,
                    source_error: errors.get("source").map(|k| t.get(k).to_owned()),
                    logo_error: errors.get("logo").map(|k| t.get(k).to_owned()),
                };
                return page(&ctx, &user, mid, Some(typed)).await;
            }
            Err(Refused::Broken(kind, e)) => {
                let message = fill(
                    t.get("documents.template_broken"),
                    &[
                        (
                            "document",
                            t.get(&format!("documents.kinds.{}", kind.as_str())),
                        ),
                        ("file", &e.file),
                        ("line", &e.line.to_string()),
                        ("message", &e.message),
                    ],
                );
                let typed = Typed {
                    source,
                    note,
                    source_error: Some(message),
                    logo_error: None,
                };
                return page(&ctx, &user, mid, Some(typed)).await;
            }
        }
    }
    let typed = Typed {
        source,
        note,
        source_error: None,
        logo_error,
    };
    page(&ctx, &user, mid, Some(typed)).await
}
