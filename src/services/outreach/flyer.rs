//! The printable flyer (A4) and poster (A3) of a municipality's offer: the programmes as
//! coordinators keep them, the steps, what the town takes care of, the contact and a QR
//! code to the public page (with a campaign code, if one is chosen).

use entities::incentive_programme;
use serde_json::{Value, json};

use super::{PublicPage, page, page_url, slug_of};
use crate::app::App;
use crate::documents::{self, Input};
use crate::domain::Cents;
use crate::domain::incentive::IncentiveKind;
use crate::domain::locale::Locale;
use crate::i18n::{Texts, fill};
use crate::services::{Actor, ServiceError};
use crate::store;

crate::domain::string_enum! {
    /// Paper size: the flyer (A4) or the poster (A3).
    pub enum FlyerSize {
        A4 = "a4",
        A3 = "a3",
    }
}

/// One programme in plain words: name, amount and period, conditions.
pub fn offer_lines(locale: Locale, p: &incentive_programme::Model) -> (String, String, String) {
    let t = Texts::new(locale);
    let en = locale == Locale::En;
    let mut amount = Vec::new();
    if let Some(cents) = p.amount_cents {
        let money = Cents(cents).format(locale);
        let key = match p.kind.parse::<IncentiveKind>() {
            Ok(IncentiveKind::PlacementBonus) => "outreach.amount_once",
            _ => "outreach.amount_up_to",
        };
        amount.push(fill(t.get(key), &[("amount", &money)]));
    }
    if let Some(months) = p.duration_months.filter(|m| *m > 0) {
        amount.push(match months % 12 {
            0 => fill(
                t.get("outreach.for_years"),
                &[("n", &(months / 12).to_string())],
            ),
            _ => fill(t.get("outreach.for_months"), &[("n", &months.to_string())]),
        });
    }
    if let Some(years) = p.occupancy_years.filter(|y| *y > 0) {
        amount.push(fill(
            t.get("outreach.occupancy_years"),
            &[("n", &years.to_string())],
        ));
    }
    let (name, conditions) = if en {
        (&p.name_en, &p.conditions_en)
    } else {
        (&p.name_de, &p.conditions_de)
    };
    (name.clone(), amount.join(", "), conditions.clone())
}

/// The contact lines of a page: the person, the office's e-mail and phone.
pub fn contact_lines(page: &PublicPage) -> Vec<String> {
    let m = &page.municipality;
    let mut lines: Vec<String> = page
        .page
        .as_ref()
        .and_then(|p| p.contact_name.clone())
        .into_iter()
        .collect();
    lines.push(m.name.clone());
    lines.extend(m.contact_email.clone());
    lines.extend(m.contact_phone.clone());
    lines
}

fn texts(locale: Locale, page: &PublicPage) -> Value {
    let t = Texts::new(locale);
    let name = &page.municipality.name;
    let get = |key: &str| fill(t.get(&format!("outreach.{key}")), &[("municipality", name)]);
    json!({
        "title": get("flyer_title"),
        "subtitle": get("flyer_subtitle"),
        "offer_title": get("offer_title"),
        "no_offers": get("no_offers"),
        "steps_title": get("steps_title"),
        "care_title": get("care_title"),
        "contact_title": get("contact_title"),
        "scan": get("flyer_scan"),
    })
}

fn offers(locale: Locale, page: &PublicPage) -> Vec<Value> {
    page.offers
        .iter()
        .map(|p| {
            let (name, amount, conditions) = offer_lines(locale, p);
            json!({"name": name, "amount": amount, "conditions": conditions})
        })
        .collect()
}

/// The numbered steps from registration to move-in, and what the town takes care of.
pub fn steps_and_care(locale: Locale, municipality: &str) -> (Vec<String>, Vec<String>) {
    let t = Texts::new(locale);
    let get = |key: String| fill(t.get(&key), &[("municipality", municipality)]);
    (
        (1..=5).map(|i| get(format!("outreach.step_{i}"))).collect(),
        (1..=4).map(|i| get(format!("outreach.care_{i}"))).collect(),
    )
}

/// The flyer's options: paper size, a box in a second language, a campaign (its id or
/// code) whose code the QR code carries.
#[derive(Debug, Clone, Default)]
pub struct FlyerRequest {
    pub size: Option<FlyerSize>,
    pub second: Option<Locale>,
    pub campaign_id: Option<i64>,
    pub campaign_code: Option<String>,
}

/// The flyer or poster of a municipality as PDF, with its file name, for its staff (or the
/// command line).
pub async fn flyer_pdf(
    app: &App,
    actor: &Actor,
    municipality_id: i64,
    request: FlyerRequest,
) -> Result<(String, Vec<u8>), ServiceError> {
    if let Actor::User(user) = actor
        && !user.can_read(municipality_id)
    {
        return Err(ServiceError::Forbidden);
    }
    let size = request.size.unwrap_or(FlyerSize::A4);
    let second = request.second;
    let m = store::municipalities::find(&app.db, municipality_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    let code = if request.campaign_id.is_some() || request.campaign_code.is_some() {
        Some(
            // An ended campaign's code counts no more: no flyer carries it.
            store::outreach::campaigns_of(&app.db, municipality_id)
                .await?
                .into_iter()
                .filter(|c| c.archived_at.is_none())
                .find(|c| {
                    Some(c.id) == request.campaign_id
                        || Some(&c.code) == request.campaign_code.as_ref()
                })
                .ok_or_else(|| ServiceError::NotFound("campaign".into()))?
                .code,
        )
    } else {
        None
    };
    let slug = slug_of(&m);
    let page = page(app, &slug, None)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    let url = page_url(app, &slug, code.as_deref());
    let bytes = render(&page, size, second, &url, app.clock.today())?;
    let suffix = code.map(|c| format!("-{c}")).unwrap_or_default();
    Ok((format!("{slug}-{}{suffix}.pdf", size.as_str()), bytes))
}

/// Typesets the flyer of `page` leading to `url`.
pub fn render(
    page: &PublicPage,
    size: FlyerSize,
    second: Option<Locale>,
    url: &str,
    date: chrono::NaiveDate,
) -> Result<Vec<u8>, ServiceError> {
    let locale = Locale::De;
    let name = &page.municipality.name;
    let qr = documents::qr_svg(url)
        .ok_or_else(|| ServiceError::Invalid("address too long for a QR code".into()))?;
    let mut files = vec![("/qr.svg".to_owned(), qr)];
    let photo = page.page.as_ref().and_then(|p| {
        let bytes = p.photo.clone()?;
        let path = match p.photo_type.as_deref() {
            Some("image/png") => "/photo.png",
            _ => "/photo.jpg",
        };
        files.push((path.to_owned(), bytes));
        Some(path)
    });
    let intro = |l: Locale| {
        page.page
            .as_ref()
            .map(|p| match l {
                Locale::En if !p.text_en.is_empty() => p.text_en.clone(),
                _ => p.text_de.clone(),
            })
            .unwrap_or_default()
    };
    // One side per language: the German front, and on request the same in a second
    // language on the back (a two-sided flyer), each complete with contact and QR code.
    let sides: Vec<Value> = std::iter::once(locale)
        .chain(second.filter(|l| *l != locale))
        .map(|l| {
            let (steps, care) = steps_and_care(l, name);
            json!({
                "lang": l.code(),
                "t": texts(l, page),
                "intro": intro(l),
                "offers": offers(l, page),
                "steps": steps,
                "care": care,
            })
        })
        .collect();
    let data = json!({
        "size": size.as_str(),
        "municipality": name,
        "sides": sides,
        "contact": contact_lines(page),
        "url": url,
        "qr": "/qr.svg",
        "photo": photo,
    });
    documents::flyer(&Input {
        data: &data,
        part: None,
        files,
        date,
        ident: format!("flyer-{}-{}", page.slug, size.as_str()),
    })
    .map_err(|e| ServiceError::Other(anyhow::anyhow!("flyer: {e}")))
}
