//! The unit form (new, draft, edit), the unit page with withdrawal, unit photos, and the
//! postal-code lookup the form's script uses.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::incentive::IncentiveStatus;
use crate::domain::input::Fields;
use crate::domain::roles::Role;
use crate::domain::unit::{LandlordPreference, UnitStatus};
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale};
use crate::i18n::Texts;
use crate::services::units::{self, Action, Editor, Outcome, Target, Upload};
use crate::services::{CurrentUser, ServiceError};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};

mod form;
mod show;

pub use form::form_page;
pub use show::*;

/// A photo as the form shows it.
#[derive(Debug, Clone)]
pub struct PhotoView {
    pub id: i64,
    pub thumb: String,
    /// The image's text alternative.
    pub name: String,
    /// What the landlord wrote it shows (the form's value).
    pub alt: String,
}

/// A programme as the form offers it.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    pub id: i64,
    pub name: String,
    pub conditions: String,
    pub selected: bool,
}

/// The unit form.
#[derive(Template, WebTemplate)]
#[template(path = "unit_form.html")]
pub struct UnitFormPage {
    pub chrome: Chrome,
    pub title: String,
    pub intro: String,
    pub notice: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub action: String,
    pub csrf: String,
    pub address: Section,
    pub sections: Vec<Section>,
    pub photos: Vec<PhotoView>,
    pub photo_field: Field,
    pub programmes: Vec<ProgrammeView>,
    pub municipality: Option<String>,
    pub incentive_error: Option<String>,
    pub lat: String,
    pub lon: String,
    pub tiles: String,
    pub attribution: String,
    pub is_edit: bool,
    /// The key that ties the posts of a new flat's form to one draft.
    pub draft_key: String,
    /// Where a draft is thrown away.
    pub delete_url: Option<String>,
    /// The version of the flat the form was opened at (edits only).
    pub version: String,
    /// Someone saved the flat since the form was opened: the link to the current one.
    pub stale: Option<String>,
}

fn text(t: Texts, key: &str) -> String {
    t.get(key).to_owned()
}

fn action_of(form: &FormData) -> Action {
    match form.get("action") {
        "draft" => Action::SaveDraft,
        "refresh" => Action::Refresh,
        _ => Action::Submit,
    }
}

fn uploads(form: &FormData) -> Vec<Upload> {
    form.files
        .iter()
        .filter(|f| f.field == "photos")
        .map(|f| Upload {
            filename: f.filename.clone(),
            path: f.file.path.clone(),
            too_large: f.too_large,
        })
        .collect()
}

async fn handle(
    ctx: &PageCtx,
    user: &CurrentUser,
    target: Target,
    form: FormData,
) -> Result<Response, PageError> {
    let action = action_of(&form);
    let files = uploads(&form);
    let outcome = units::save(
        &ctx.app,
        user,
        target,
        action,
        form.fields,
        files,
        ctx.locale,
    )
    .await;
    match outcome {
        Ok(Outcome::Submitted(_)) => {
            ctx.session.flash("success", "unit.submitted");
            Ok(Redirect::to(if user.role == Role::Landlord {
                "/dashboard"
            } else {
                "/workspace"
            })
            .into_response())
        }
        Ok(Outcome::Updated(id)) => {
            ctx.session.flash("success", "unit.updated");
            Ok(Redirect::to(&format!("/units/{id}")).into_response())
        }
        Ok(Outcome::DraftSaved { id, anchor }) => {
            if anchor.is_none() {
                ctx.session.flash("success", "unit.draft_saved");
            }
            let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            Ok(Redirect::to(&format!("/units/drafts/{id}{fragment}")).into_response())
        }
        Ok(Outcome::Saved(editor)) => Ok(form_page(
            ctx,
            &editor,
            Some(text(ctx.t(), "unit.draft_saved")),
        )),
        Ok(Outcome::Again(editor)) => Ok(form_page(ctx, &editor, None)),
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(ctx.t(), "unit.locked"))),
        Err(e) => Err(e.into()),
    }
}

async fn landlord_id_of(ctx: &PageCtx, user: &CurrentUser) -> Result<i64, PageError> {
    if user.role != Role::Landlord {
        return Err(PageError::NotFound);
    }
    Ok(units::own_landlord(&ctx.app, user).await?.id)
}

/// `GET /units/new`.
pub async fn new_unit(Authed { ctx, user }: Authed) -> Result<Response, PageError> {
    let landlord_id = landlord_id_of(&ctx, &user).await?;
    let editor = units::editor_for_new(&ctx.app, &user, landlord_id).await?;
    Ok(form_page(&ctx, &editor, None))
}

/// `POST /units/new`.
pub async fn create_unit(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let landlord_id = landlord_id_of(&ctx, &user).await?;
    handle(&ctx, &user, Target::New { landlord_id }, form).await
}

/// `GET /landlords/{id}/units/new`: a volunteer or coordinator enters a unit for a landlord.
pub async fn new_unit_for(
    Authed { ctx, user }: Authed,
    Path(landlord_id): Path<i64>,
) -> Result<Response, PageError> {
    let editor = units::editor_for_new(&ctx.app, &user, landlord_id).await?;
    Ok(form_page(&ctx, &editor, None))
}

/// `POST /landlords/{id}/units/new`.
pub async fn create_unit_for(
    Path(landlord_id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    handle(&ctx, &user, Target::New { landlord_id }, form).await
}

/// `GET /units/drafts/{id}`.
pub async fn show_draft(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let editor = units::editor_for_draft(&ctx.app, &user, id).await?;
    Ok(form_page(&ctx, &editor, None))
}

/// `POST /units/drafts/{id}`.
pub async fn save_draft(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    handle(&ctx, &user, Target::Draft(id), form).await
}

/// The page that asks before a draft is thrown away.
#[derive(Template, WebTemplate)]
#[template(path = "draft_delete.html")]
pub struct DraftDeletePage {
    pub chrome: Chrome,
    pub csrf: String,
    pub id: i64,
    pub intro: String,
    pub back: String,
}

/// `GET /units/drafts/{id}/delete`: what would be deleted, and the button.
pub async fn confirm_delete_draft(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<DraftDeletePage, PageError> {
    let draft = crate::services::drafts::to_delete(&ctx.app, &user, id, ctx.locale).await?;
    let intro = crate::i18n::fill(
        ctx.t().get("unit.delete_intro"),
        &[
            ("draft", &draft.title),
            (
                "date",
                &crate::domain::format::date(ctx.locale, draft.saved),
            ),
        ],
    );
    Ok(DraftDeletePage {
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        id,
        intro,
        back: format!("/units/drafts/{id}"),
    })
}

/// `POST /units/drafts/{id}/delete`: throws the draft away, back to the overview.
pub async fn delete_draft(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    crate::services::drafts::delete(&ctx.app, &user, id).await?;
    ctx.session.flash("success", "unit.draft_deleted");
    Ok(Redirect::to(if user.role == Role::Landlord {
        "/dashboard"
    } else {
        "/workspace"
    })
    .into_response())
}

/// `GET /units/{id}/edit`.
pub async fn edit_unit(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match units::editor_for_unit(&ctx.app, &user, id, ctx.locale).await {
        Ok(editor) => Ok(form_page(&ctx, &editor, None)),
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(ctx.t(), "unit.locked"))),
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{id}/edit`.
pub async fn update_unit(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    handle(&ctx, &user, Target::Unit(id), form).await
}

// ---- the unit page ----

#[derive(Debug, Deserialize)]
pub struct PhotoQuery {
    size: Option<String>,
}

/// `GET /photos/{key}[?size=thumb]`: only for who may see the unit (or edit the draft).
pub async fn serve_photo(
    Authed { ctx, user }: Authed,
    Path(key): Path<String>,
    Query(q): Query<PhotoQuery>,
) -> Result<Response, PageError> {
    let photo = units::visible_photo(&ctx.app, &user, &key)
        .await?
        .ok_or(PageError::NotFound)?;
    let thumb = q.size.as_deref() == Some("thumb");
    let path = crate::services::photos::file_of(&ctx.app, &photo.storage_key, thumb)
        .ok_or(PageError::NotFound)?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| PageError::NotFound)?;
    let content_type = if thumb {
        "image/jpeg".to_owned()
    } else {
        photo.content_type
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

// ---- postal codes ----

/// `GET /geo/postal/{code}`: place, centre and municipality for the form's script.
pub async fn postal_lookup(ctx: PageCtx, Path(code): Path<String>) -> Result<Response, PageError> {
    let entry = crate::geodata::postal(&code).ok_or(PageError::NotFound)?;
    let t = ctx.t();
    let found = units::municipality_for(&ctx.app, &code, &entry.place).await?;
    let (municipality, message) = match &found {
        Ok((m, _)) => (
            Some(m.name.clone()),
            crate::i18n::fill(t.get("unit.place_served"), &[("municipality", &m.name)]),
        ),
        Err((_, key)) => (None, text(t, key)),
    };
    Ok(Json(serde_json::json!({
        "postal_code": entry.code,
        "place": entry.place,
        "lat": entry.centre.lat,
        "lon": entry.centre.lon,
        "municipality": municipality,
        "message": message,
    }))
    .into_response())
}
