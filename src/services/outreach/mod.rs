//! Winning landlords: each participating municipality's public page (`/vermieten/<slug>`)
//! with its offer from the programme tables, the calculator "What would my flat bring?",
//! campaign codes and the flyer. The public side reads and never stores anything about the
//! visitor: a page view adds one to a count per municipality, campaign and day, and the
//! calculator stores nothing at all.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entities::{campaign, incentive_programme, landlord_origin, municipality, municipality_page};
use serde_json::json;

use crate::app::App;
use crate::domain::input::Reader;
use crate::domain::norms::RentCapTable;
use crate::domain::outreach::{self, Enquiry, Estimate, HeardFrom};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::services::{Actor, CurrentUser, ServiceError, audit, staff};
use crate::store;

pub mod flyer;

pub use flyer::{FlyerRequest, FlyerSize, flyer_pdf};

/// A municipality's page address part.
pub fn slug_of(m: &municipality::Model) -> String {
    outreach::slug(&m.name)
}

/// The page's address (with the campaign code, if any), absolute.
pub fn page_url(app: &App, slug: &str, code: Option<&str>) -> String {
    let base = app.settings.server.base_url.trim_end_matches('/');
    match code {
        Some(code) => format!("{base}/vermieten/{slug}?c={code}"),
        None => format!("{base}/vermieten/{slug}"),
    }
}

/// Everything a municipality's public page shows.
#[derive(Debug, Clone)]
pub struct PublicPage {
    pub municipality: municipality::Model,
    pub slug: String,
    /// The active programmes, as coordinators keep them.
    pub offers: Vec<incentive_programme::Model>,
    pub page: Option<municipality_page::Model>,
    /// The running campaign the address named, if any.
    pub campaign: Option<campaign::Model>,
    /// The cap table of the newest rules (none before a coordinator set one).
    pub caps: Option<RentCapTable>,
}

/// The active municipality whose page is at `slug`.
pub async fn find(app: &App, slug: &str) -> Result<Option<municipality::Model>, ServiceError> {
    Ok(staff::all_municipalities(app)
        .await?
        .iter()
        .filter(|m| m.active)
        .find(|m| slug_of(m) == slug)
        .cloned())
}

/// The one active municipality whose page address starts with `prefix-` (so
/// `/vermieten/esslingen` finds `esslingen-am-neckar`), if exactly one does.
pub async fn unique_prefix(app: &App, prefix: &str) -> Result<Option<String>, ServiceError> {
    let wanted = format!("{}-", outreach::slug(prefix));
    let found: Vec<String> = staff::all_municipalities(app)
        .await?
        .iter()
        .filter(|m| m.active)
        .map(slug_of)
        .filter(|s| wanted.len() > 1 && s.starts_with(&wanted))
        .collect();
    Ok(match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    })
}

/// The page of the municipality at `slug`, with the campaign `code` resolved (an unknown or
/// ended code is ignored). Reads only.
pub async fn page(
    app: &App,
    slug: &str,
    code: Option<&str>,
) -> Result<Option<PublicPage>, ServiceError> {
    let Some(m) = find(app, slug).await? else {
        return Ok(None);
    };
    let campaign = match code.filter(|c| outreach::is_campaign_code(c)) {
        Some(code) => store::outreach::running_campaign(&app.db, m.id, code).await?,
        None => None,
    };
    let offers = store::incentives::programmes_of(&app.db, m.id)
        .await?
        .into_iter()
        .filter(|p| p.active)
        .collect();
    Ok(Some(PublicPage {
        page: store::outreach::page_of(&app.db, m.id).await?,
        caps: store::outreach::current_caps(&app.db, m.id).await?,
        slug: slug_of(&m),
        municipality: m,
        offers,
        campaign,
    }))
}

/// Counts one view of the page (a number per municipality, campaign and day; nothing
/// about the visitor).
pub async fn count_visit(app: &App, page: &PublicPage) -> Result<(), ServiceError> {
    store::outreach::count_visit(
        &app.db,
        page.municipality.id,
        page.campaign.as_ref().map(|c| c.id),
        app.clock.today(),
    )
    .await?;
    Ok(())
}

/// The calculator's answer for what a landlord typed, or the mistakes at their fields. A
/// postal code must be the municipality's. Stores nothing.
pub async fn estimate(
    app: &App,
    page: &PublicPage,
    pairs: &[(String, String)],
) -> Result<Result<Estimate, FieldErrors>, ServiceError> {
    let mut enquiry = Enquiry::parse(pairs);
    let code = Reader::new(pairs).raw("postal_code").to_owned();
    if code.len() == 5
        && code.chars().all(|c| c.is_ascii_digit())
        && !crate::geodata::municipalities_of_postal(&code).contains(&page.municipality.ags)
    {
        let mut errors = enquiry.err().unwrap_or_default();
        errors.add("postal_code", "outreach.postal_elsewhere");
        enquiry = Err(errors);
    }
    let enquiry = match enquiry {
        Ok(e) => e,
        Err(errors) => return Ok(Err(errors)),
    };
    let Some(caps) = &page.caps else {
        return Err(ServiceError::NotFound("rent caps".into()));
    };
    let waiting = store::outreach::waiting_by_size(&app.db, page.municipality.id).await?;
    Ok(Ok(outreach::estimate(&enquiry, caps, &waiting)))
}

/// The participating municipalities for the start page, by name; `query` narrows them to
/// a postal code (its municipalities) or a part of the name.
pub async fn participating(
    app: &App,
    query: &str,
) -> Result<Vec<(municipality::Model, String)>, ServiceError> {
    let query = query.trim();
    let all = staff::all_municipalities(app).await?;
    let digits = !query.is_empty() && query.chars().all(|c| c.is_ascii_digit());
    let keys: &[String] = if digits && query.len() == 5 {
        crate::geodata::municipalities_of_postal(query)
    } else {
        &[]
    };
    let wanted = outreach::slug(query);
    Ok(all
        .iter()
        .filter(|m| m.active)
        .filter(|m| match (query.is_empty(), digits) {
            (true, _) => true,
            (false, true) => keys.contains(&m.ags),
            (false, false) => slug_of(m).contains(&wanted),
        })
        .map(|m| (m.clone(), slug_of(m)))
        .collect())
}

/// The photo of a municipality's page: bytes and content type.
pub async fn photo(app: &App, slug: &str) -> Result<Option<(Vec<u8>, String)>, ServiceError> {
    let Some(m) = find(app, slug).await? else {
        return Ok(None);
    };
    Ok(store::outreach::page_of(&app.db, m.id)
        .await?
        .and_then(|p| p.photo.zip(p.photo_type)))
}

/// How a new landlord came, from the sign-up form: the page's municipality (`slug`), the
/// campaign code it carried and the answer to "Wie haben Sie von uns erfahren?". Anything
/// unknown is dropped; `None` when nothing is known.
pub async fn origin(
    app: &App,
    slug: &str,
    code: &str,
    heard_from: &str,
    now: DateTime<Utc>,
) -> Result<Option<landlord_origin::Model>, ServiceError> {
    let municipality = if slug.is_empty() {
        None
    } else {
        find(app, slug).await?
    };
    let campaign = match (&municipality, outreach::is_campaign_code(code)) {
        (Some(m), true) => store::outreach::running_campaign(&app.db, m.id, code).await?,
        _ => None,
    };
    let heard_from = heard_from
        .parse::<HeardFrom>()
        .ok()
        .filter(|_| campaign.is_none());
    if municipality.is_none() && heard_from.is_none() {
        return Ok(None);
    }
    Ok(Some(landlord_origin::Model {
        id: 0,
        landlord_id: 0,
        municipality_id: municipality.map(|m| m.id),
        campaign_id: campaign.map(|c| c.id),
        heard_from: heard_from.map(|h| h.as_str().to_owned()),
        created_at: now,
    }))
}

fn require_manager(user: &CurrentUser, municipality_id: i64) -> Result<(), ServiceError> {
    if user.can_manage(municipality_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// A municipality's campaigns, newest first, for its coordinators.
pub async fn campaigns(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Vec<campaign::Model>, ServiceError> {
    require_manager(user, municipality_id)?;
    Ok(store::outreach::campaigns_of(&app.db, municipality_id).await?)
}

/// Creates a campaign from its label (`label`) and optional code (`code`, else made from
/// the label); returns its id, or the mistakes at their fields.
pub async fn create_campaign(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    pairs: &[(String, String)],
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    require_manager(user, municipality_id)?;
    let mut r = Reader::new(pairs);
    r.check_characters(&[]);
    let label = r.text("label", 120, true);
    r.refine("label", "validation.too_long", "outreach.label_too_long");
    let typed_code = r.raw("code").to_lowercase();
    let code = match (&label, typed_code.is_empty()) {
        (_, false) => typed_code.clone(),
        (Some(label), true) => outreach::slug(label),
        (None, true) => String::new(),
    };
    if !typed_code.is_empty() && !outreach::is_campaign_code(&typed_code) {
        r.error("code", "outreach.code_format");
    } else if label.is_some() && code.is_empty() {
        r.error("code", "outreach.code_required");
    } else if !code.is_empty()
        && store::outreach::code_taken(&app.db, municipality_id, &code).await?
    {
        let field = if typed_code.is_empty() {
            "label"
        } else {
            "code"
        };
        r.error(field, "outreach.code_taken");
    }
    let label = match r.finish(|| label) {
        Ok(label) => label,
        Err(errors) => return Ok(Err(errors)),
    };
    let now = app.clock.now();
    let id = store::outreach::insert_campaign(
        &app.db,
        municipality_id,
        &code,
        label.trim(),
        Some(user.id),
        now,
    )
    .await?;
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "campaign_created",
        "campaigns",
        Some(id),
        Some(municipality_id),
        json!({"code": code}),
        now,
    )
    .await?;
    Ok(Ok(id))
}

/// Ends or restarts a campaign (its links then count without it, or with it again).
pub async fn set_campaign_archived(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    campaign_id: i64,
    archived: bool,
) -> Result<(), ServiceError> {
    require_manager(user, municipality_id)?;
    let now = app.clock.now();
    if !store::outreach::set_archived(&app.db, municipality_id, campaign_id, archived, now).await? {
        return Err(ServiceError::NotFound("campaign".into()));
    }
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        if archived {
            "campaign_ended"
        } else {
            "campaign_restarted"
        },
        "campaigns",
        Some(campaign_id),
        Some(municipality_id),
        json!({}),
        now,
    )
    .await?;
    Ok(())
}

/// The largest photo of a municipality's page.
pub const PHOTO_MAX: usize = 2 * 1024 * 1024;

/// What an admin typed for a municipality's page.
#[derive(Debug, Clone, Default)]
pub struct PageInput {
    pub text_de: String,
    pub text_en: String,
    pub contact_name: String,
    pub photo: Option<Vec<u8>>,
    pub photo_alt: String,
    pub remove_photo: bool,
}

/// Stores an admin's short texts, contact name and photo for a municipality's page.
pub async fn save_page(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    input: PageInput,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    if user.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let pairs = vec![
        ("text_de".to_owned(), input.text_de.clone()),
        ("text_en".to_owned(), input.text_en.clone()),
        ("contact_name".to_owned(), input.contact_name.clone()),
        ("photo_alt".to_owned(), input.photo_alt.clone()),
    ];
    let mut r = Reader::new(&pairs);
    r.check_characters(&["text_de", "text_en"]);
    r.text("text_de", 1200, false);
    r.text("text_en", 1200, false);
    r.text("contact_name", 200, false);
    r.text("photo_alt", 200, false);
    let photo = match input.photo.filter(|b| !b.is_empty()) {
        None => None,
        Some(bytes) if bytes.len() > PHOTO_MAX => {
            r.error("photo", "outreach.photo_size");
            None
        }
        Some(bytes) => match crate::services::photos::sniff(&bytes) {
            Some((_, kind @ ("image/png" | "image/jpeg"), _)) => Some((bytes, kind.to_owned())),
            _ => {
                r.error("photo", "outreach.photo_type");
                None
            }
        },
    };
    let has_photo = photo.is_some()
        || (!input.remove_photo
            && store::outreach::page_of(&app.db, municipality_id)
                .await?
                .is_some_and(|p| p.photo.is_some()));
    if has_photo && input.photo_alt.trim().is_empty() {
        r.error("photo_alt", "outreach.photo_alt_required");
    }
    if let Err(errors) = r.finish(|| Some(())) {
        return Ok(Err(errors));
    }
    let now = app.clock.now();
    let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    store::outreach::save_page(
        &app.db,
        municipality_id,
        store::outreach::PageText {
            text_de: input.text_de.trim().to_owned(),
            text_en: input.text_en.trim().to_owned(),
            contact_name: optional(&input.contact_name),
            photo,
            remove_photo: input.remove_photo,
            photo_alt: optional(&input.photo_alt).filter(|_| has_photo),
        },
        user.id,
        now,
    )
    .await?;
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "public_page_saved",
        "municipalities",
        Some(municipality_id),
        Some(municipality_id),
        json!({}),
        now,
    )
    .await?;
    Ok(Ok(()))
}

/// Visits of a municipality's page so far, per campaign (`None`: without a code).
pub async fn visit_totals(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<BTreeMap<Option<i64>, i64>, ServiceError> {
    require_manager(user, municipality_id)?;
    let mut out = BTreeMap::new();
    for row in store::outreach::visits_of(&app.db, municipality_id).await? {
        *out.entry(row.campaign_id).or_insert(0) += row.visits;
    }
    Ok(out)
}

/// The additions to a municipality's page, for the admin's form.
pub async fn page_additions(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Option<municipality_page::Model>, ServiceError> {
    require_manager(user, municipality_id)?;
    Ok(store::outreach::page_of(&app.db, municipality_id).await?)
}
