//! The viewings a volunteer accompanies, and recording that one took place.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::{notices, refusal, when};
use crate::domain::validation::FieldErrors;
use crate::services::CurrentUser;
use crate::services::pipeline::{self, StepError};
use crate::web::error::PageError;
use crate::web::form::{FormData, status_for};
use crate::web::forms::{Field, Kind};
use crate::web::pages::staff::{Staff, StaffNav, nav, require_staff};
use crate::web::pages::{AuthedForm, Chrome, PageCtx};

/// A viewing a volunteer accompanies.
#[derive(Debug, Clone)]
pub struct ViewingLine {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub unit: String,
    pub status: String,
    /// The coordinator's note for this viewing (e.g. that an interpreter comes).
    pub coordinator_note: Option<String>,
    /// Both sides' contacts, as label and value lines (while the viewing is arranged).
    pub contacts: Vec<(String, String)>,
    pub can_record: bool,
    pub note: Field,
    /// Why the last try was refused (a message for the whole form).
    pub notices: Vec<String>,
}

/// `GET /viewings`.
#[derive(Template, WebTemplate)]
#[template(path = "viewings.html")]
pub struct ViewingsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub rows: Vec<ViewingLine>,
}

/// `GET /viewings`: the viewings the user accompanies.
pub async fn my_viewings(Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    viewings_page(&ctx, &user, None).await
}

async fn viewings_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    failed: Option<(i64, &FormData, &FieldErrors)>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let none = FieldErrors::default();
    let rows = pipeline::viewings_for_volunteer(&ctx.app, user)
        .await?
        .into_iter()
        .map(|a| {
            let contacts = contact_lines(t, &a);
            let (v, p) = (a.viewing, a.proposal);
            let (value, errors) = match failed {
                Some((id, form, errors)) if id == v.id => (form.text("note"), errors),
                _ => (String::new(), &none),
            };
            let note = Field::new(t, "pipeline", "note", Kind::TextArea)
                .in_form(&format!("viewing-{}", v.id))
                .value(value)
                .error_from(t, errors);
            ViewingLine {
                id: v.id,
                when: when(ctx.locale, v.starts_at),
                place: v.place.clone(),
                unit: p.unit_address,
                status: t
                    .get(&format!("pipeline.viewing_status.{}", v.status))
                    .to_owned(),
                coordinator_note: v.note.clone().filter(|n| !n.trim().is_empty()),
                contacts,
                can_record: v.status == "scheduled",
                notices: notices(t, errors, &["note"]),
                note,
            }
        })
        .collect();
    let page = ViewingsPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, None, "viewings").await?,
        csrf: ctx.csrf(),
        rows,
    };
    Ok((status_for(failed.is_none()), page).into_response())
}

/// The landlord's and the household's contacts for whoever accompanies the viewing.
fn contact_lines(t: crate::i18n::Texts, a: &pipeline::AccompaniedViewing) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some((name, email, phone)) = &a.landlord {
        let mut parts = vec![name.clone()];
        parts.extend(email.clone());
        parts.extend(phone.clone());
        out.push((
            t.get("pipeline.companion_landlord").to_owned(),
            parts.join(", "),
        ));
    }
    if let Some(h) = &a.household {
        let mut parts = vec![h.name.clone()];
        if let Some(cw) = &h.caseworker {
            parts.push(crate::i18n::fill(
                t.get("pipeline.companion_via_caseworker"),
                &[("name", cw)],
            ));
        }
        parts.extend(h.email.clone());
        parts.extend(h.phone.clone());
        out.push((
            t.get("pipeline.companion_household").to_owned(),
            parts.join(", "),
        ));
    }
    out
}

/// `POST /viewings/{id}`: the viewing took place.
pub async fn record_viewing(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_staff(&user)?;
    match pipeline::record_viewing(&ctx.app, &user, id, &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "pipeline.viewing_saved");
            Ok(Redirect::to("/viewings").into_response())
        }
        Err(StepError::Fields(errors)) => {
            viewings_page(&ctx, &user, Some((id, &form, &errors))).await
        }
        Err(e) => Err(refusal(&e, Some("/viewings".to_owned()))),
    }
}
