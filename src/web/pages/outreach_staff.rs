//! "Vermieter gewinnen" for coordinators: the municipality's public page, its campaign
//! codes with their links and visits, flyers and posters as PDF (with a campaign's code in
//! the QR code), and for admins the page's short text, contact name and photo.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::figures::download;
use super::staff::{Staff, StaffNav, nav};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::format;
use crate::domain::locale::Locale;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::services::outreach::{self, FlyerRequest, FlyerSize, PageInput};
use crate::services::{Actor, CurrentUser};
use crate::web::error::PageError;
use crate::web::forms::{Field, Kind, SummaryItem, summary};

/// One campaign in the list.
pub struct CampaignRow {
    pub id: i64,
    pub label: String,
    pub code: String,
    pub link: String,
    pub created: String,
    pub visits: i64,
    pub running: bool,
}

/// `GET /m/{mid}/outreach`.
#[derive(Template, WebTemplate)]
#[template(path = "outreach.html")]
pub struct OutreachPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub mid: i64,
    pub page_url: String,
    pub visits_without: i64,
    pub campaigns: Vec<CampaignRow>,
    pub campaign_fields: Vec<Field>,
    pub page_fields: Vec<Field>,
    pub summary: Vec<SummaryItem>,
    pub admin: bool,
    pub has_photo: bool,
}

/// What comes back into the forms after a mistake.
#[derive(Default)]
struct Typed {
    campaign: Vec<(String, String)>,
    campaign_errors: FieldErrors,
    page: Option<Vec<(String, String)>>,
    page_errors: FieldErrors,
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

async fn render(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    typed: Typed,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let nav = nav(ctx, user, Some(mid), "/outreach").await?;
    let m = crate::store::municipalities::find(&ctx.app.db, mid)
        .await
        .map_err(crate::services::ServiceError::from)?
        .ok_or(PageError::NotFound)?;
    let slug = outreach::slug_of(&m);
    let (campaigns, visits_without) = campaign_rows(ctx, user, mid, &slug).await?;
    let campaign_fields = campaign_fields(t, &typed);
    let stored = outreach::page_additions(&ctx.app, user, mid).await?;
    let has_photo = stored.as_ref().is_some_and(|p| p.photo.is_some());
    let page_values = typed.page.clone().unwrap_or_else(|| {
        stored.map_or_else(Vec::new, |p| {
            vec![
                ("text_de".into(), p.text_de),
                ("text_en".into(), p.text_en),
                ("contact_name".into(), p.contact_name.unwrap_or_default()),
                ("photo_alt".into(), p.photo_alt.unwrap_or_default()),
            ]
        })
    });
    let page_fields = page_fields(t, &page_values, &typed.page_errors);
    let section = |fields: &[Field]| crate::web::forms::Section {
        id: String::new(),
        title: String::new(),
        intro: None,
        fields: fields.to_vec(),
    };
    let summary = summary(&[section(&campaign_fields), section(&page_fields)]);
    let status = if summary.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = OutreachPage {
        chrome: ctx.chrome(),
        nav,
        csrf: ctx.csrf(),
        mid,
        page_url: outreach::page_url(&ctx.app, &slug, None),
        visits_without,
        campaigns,
        campaign_fields,
        page_fields,
        summary,
        admin: user.role == Role::Admin,
        has_photo,
    };
    Ok((status, page).into_response())
}

/// The campaigns with their links and visits, and the visits without a code.
async fn campaign_rows(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    slug: &str,
) -> Result<(Vec<CampaignRow>, i64), PageError> {
    let visits = outreach::visit_totals(&ctx.app, user, mid).await?;
    let rows = outreach::campaigns(&ctx.app, user, mid)
        .await?
        .into_iter()
        .map(|c| CampaignRow {
            link: outreach::page_url(&ctx.app, slug, Some(&c.code)),
            visits: visits.get(&Some(c.id)).copied().unwrap_or(0),
            created: format::date(ctx.locale, crate::domain::time::berlin_date(c.created_at)),
            running: c.archived_at.is_none(),
            id: c.id,
            label: c.label,
            code: c.code,
        })
        .collect();
    Ok((rows, visits.get(&None).copied().unwrap_or(0)))
}

fn campaign_fields(t: crate::i18n::Texts, typed: &Typed) -> Vec<Field> {
    let c = &typed.campaign;
    vec![
        Field::new(t, "outreach", "label", Kind::Text)
            .value(value(c, "label"))
            .required()
            .wide()
            .error_from(t, &typed.campaign_errors),
        Field::new(t, "outreach", "code", Kind::Text)
            .value(value(c, "code"))
            .error_from(t, &typed.campaign_errors),
    ]
}

fn page_fields(t: crate::i18n::Texts, values: &[(String, String)], e: &FieldErrors) -> Vec<Field> {
    let text = |name: &str, kind: Kind| {
        Field::new(t, "outreach", name, kind)
            .value(value(values, name))
            .wide()
            .error_from(t, e)
    };
    vec![
        text("text_de", Kind::TextArea),
        text("text_en", Kind::TextArea),
        text("contact_name", Kind::Text),
        Field::new(t, "outreach", "photo", Kind::File)
            .files("image/jpeg,image/png", false)
            .error_from(t, e),
        text("photo_alt", Kind::Text),
    ]
}

/// `GET /m/{mid}/outreach`.
pub async fn show(Path(mid): Path<i64>, Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    render(&ctx, &user, mid, Typed::default()).await
}

/// `POST /m/{mid}/outreach/campaigns`: a new campaign code.
pub async fn create_campaign(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match outreach::create_campaign(&ctx.app, &user, mid, &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "outreach.campaign_created");
            Ok(Redirect::to(&format!("/m/{mid}/outreach#campaigns")).into_response())
        }
        Err(errors) => {
            let typed = Typed {
                campaign: form.fields.clone(),
                campaign_errors: errors,
                ..Typed::default()
            };
            render(&ctx, &user, mid, typed).await
        }
    }
}

/// `POST /m/{mid}/outreach/campaigns/{id}/{end|restart}`.
pub async fn campaign_action(
    Path((mid, id, action)): Path<(i64, i64, String)>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    let archived = match action.as_str() {
        "end" => true,
        "restart" => false,
        _ => return Err(PageError::NotFound),
    };
    outreach::set_campaign_archived(&ctx.app, &user, mid, id, archived).await?;
    ctx.session.flash(
        "success",
        if archived {
            "outreach.campaign_ended"
        } else {
            "outreach.campaign_restarted"
        },
    );
    Ok(Redirect::to(&format!("/m/{mid}/outreach#campaigns")).into_response())
}

/// The flyer's options: paper size, a second language, a campaign.
#[derive(Debug, Deserialize)]
pub struct FlyerQuery {
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    second: Option<String>,
    #[serde(default)]
    campaign: Option<String>,
}

/// `GET /m/{mid}/outreach/flyer.pdf?size=a4|a3[&second=en][&campaign=ID]`.
pub async fn flyer(
    Path(mid): Path<i64>,
    Query(q): Query<FlyerQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    let size = match q.size.as_deref().filter(|s| !s.is_empty()) {
        None => FlyerSize::A4,
        Some(s) => s.parse().map_err(|_| PageError::NotFound)?,
    };
    let second = match q.second.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<Locale>().map_err(|_| PageError::NotFound)?),
    };
    let campaign = match q.campaign.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| PageError::NotFound)?),
    };
    let request = FlyerRequest {
        size: Some(size),
        second,
        campaign_id: campaign,
        campaign_code: None,
    };
    let (name, bytes) =
        outreach::flyer_pdf(&ctx.app, &Actor::User(user.clone()), mid, request).await?;
    let mut response = download(&name, "application/pdf", bytes);
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// `POST /m/{mid}/outreach/page` (admins, with a photo): the page's text, contact, photo.
pub async fn save_page(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    if user.role != Role::Admin {
        return Err(PageError::NotFound);
    }
    let file = form.files.iter().find(|f| f.field == "photo" && f.size > 0);
    let mut errors = FieldErrors::default();
    let photo = match file {
        Some(f) if f.too_large => {
            errors.add("photo", "outreach.photo_size");
            None
        }
        Some(f) => Some(f.bytes().map_err(|e| PageError::Internal(e.into()))?),
        None => None,
    };
    if errors.is_empty() {
        let input = PageInput {
            text_de: form.text("text_de"),
            text_en: form.text("text_en"),
            contact_name: form.text("contact_name"),
            photo,
            photo_alt: form.text("photo_alt"),
            remove_photo: form.checked("remove_photo"),
        };
        match outreach::save_page(&ctx.app, &user, mid, input).await? {
            Ok(()) => {
                ctx.session.flash("success", "outreach.page_saved");
                return Ok(Redirect::to(&format!("/m/{mid}/outreach#page")).into_response());
            }
            Err(e) => errors = e,
        }
    }
    let typed = Typed {
        page: Some(form.fields.clone()),
        page_errors: errors,
        ..Typed::default()
    };
    render(&ctx, &user, mid, typed).await
}
