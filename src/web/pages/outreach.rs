//! The public side of winning landlords: a page per municipality (`/vermieten/<slug>`) with
//! its offer, the calculator "What would my flat bring?" and the way to sign up; the
//! start page's list of participating municipalities. No login, no cookie: the language
//! comes from `?lang=` (else the browser's), the campaign code from `?c=` and is carried
//! in the sign-up link. A page view adds one to a count; the calculator stores nothing.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Chrome, PageCtx};
use crate::domain::Cents;
use crate::domain::locale::Locale;
use crate::domain::outreach::{Estimate, WAITING_THRESHOLD, WaitingCount};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::i18n::{Texts, fill};
use crate::services::outreach::{self, PublicPage};
use crate::web::error::PageError;
use crate::web::forms::{Field, Kind, SummaryItem, summary};

/// One programme as the page shows it.
pub struct OfferView {
    pub name: String,
    pub amount: String,
    pub conditions: String,
}

/// One household size in the calculator's answer.
pub struct SizeView {
    pub persons: u32,
    pub cap: String,
    /// "ja", "Miete zu hoch", "zu wenig Platz".
    pub verdict: String,
    pub fits: bool,
}

/// The calculator's answer as sentences, the programmes with their amounts, and a table.
pub struct AnswerView {
    pub headline: String,
    pub sentences: Vec<String>,
    /// The programmes the flat could get: name and amount.
    pub offers: Vec<(String, String)>,
    pub sizes: Vec<SizeView>,
}

/// `GET /vermieten/{slug}`.
#[derive(Template, WebTemplate)]
#[template(path = "public_page.html")]
pub struct PublicPageView {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub lead: String,
    /// The admin's short text, paragraph by paragraph.
    pub text: Vec<String>,
    pub photo_alt: Option<String>,
    pub offers: Vec<OfferView>,
    pub steps: Vec<String>,
    pub care: Vec<String>,
    /// Contact lines with a link where one helps (e-mail, phone).
    pub contact: Vec<(String, Option<String>)>,
    pub signup_href: String,
    /// Hidden fields of the calculator (campaign code, language).
    pub keep: Vec<(String, String)>,
    pub fields: Vec<Field>,
    pub summary: Vec<SummaryItem>,
    pub answer: Option<AnswerView>,
    /// The participating municipalities a postal code of another town belongs to: name,
    /// page.
    pub elsewhere: Vec<(String, String)>,
    pub has_caps: bool,
    pub landlord: bool,
}

/// The query of the page: campaign code, language, and the calculator's fields.
fn query_value<'a>(query: &'a [(String, String)], name: &str) -> &'a str {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

const CALCULATOR: [&str; 5] = [
    "postal_code",
    "area_m2",
    "rooms",
    "cold_rent",
    "service_charges",
];

/// The reader's language on a public page: `?lang=` when given, else the usual one.
fn public_ctx(mut ctx: PageCtx, query: &[(String, String)]) -> PageCtx {
    if let Ok(locale) = query_value(query, "lang").parse::<Locale>() {
        ctx.locale = locale;
    }
    ctx
}

fn public_chrome(ctx: &PageCtx) -> Chrome {
    let mut chrome = ctx.chrome();
    chrome.lang_query = true;
    chrome
}

/// `GET /vermieten/{slug}[?c=code][&lang=en][&calc=1&postal_code=…]`.
pub async fn show(
    ctx: PageCtx,
    Path(slug): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ctx = public_ctx(ctx, &query);
    let code = Some(query_value(&query, "c")).filter(|c| !c.is_empty());
    let Some(page) = outreach::page(&ctx.app, &slug, code).await? else {
        // `/vermieten/esslingen` leads to Esslingen am Neckar's page when only one fits.
        return match outreach::unique_prefix(&ctx.app, &slug).await? {
            Some(full) => {
                let query = ctx.path.split_once('?').map(|(_, q)| q).unwrap_or("");
                let to = match query {
                    "" => format!("/vermieten/{full}"),
                    q => format!("/vermieten/{full}?{q}"),
                };
                Ok(axum::response::Redirect::permanent(&to).into_response())
            }
            None => Err(PageError::NotFound),
        };
    };
    let calculating = !query_value(&query, "calc").is_empty();
    let (answer, errors) = if calculating {
        match outreach::estimate(&ctx.app, &page, &query).await {
            Ok(Ok(estimate)) => (
                Some(answer_view(ctx.t(), ctx.locale, &page, &estimate)),
                None,
            ),
            Ok(Err(errors)) => (None, Some(errors)),
            Err(crate::services::ServiceError::NotFound(_)) => (None, None),
            Err(e) => return Err(e.into()),
        }
    } else {
        outreach::count_visit(&ctx.app, &page).await?;
        (None, None)
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let errors = errors.unwrap_or_default();
    let elsewhere = if errors.get("postal_code") == Some("outreach.postal_elsewhere") {
        outreach::participating(&ctx.app, query_value(&query, "postal_code"))
            .await?
            .into_iter()
            .map(|(m, slug)| (m.name, slug))
            .collect()
    } else {
        Vec::new()
    };
    let mut view = view(&ctx, &page, &query, answer, errors);
    view.elsewhere = elsewhere;
    let mut response = (status, view).into_response();
    // Revalidated each time, but not `no-store`: the back button then brings the form back
    // as it was typed (a cold walk lost the values).
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

fn calculator_fields(t: Texts, query: &[(String, String)], errors: &FieldErrors) -> Vec<Field> {
    CALCULATOR
        .iter()
        .map(|name| {
            let field = Field::new(t, "outreach", name, Kind::Number)
                .value(query_value(query, name))
                .error_from(t, errors);
            match *name {
                "postal_code" => field
                    .inputmode("numeric")
                    .autocomplete("postal-code")
                    .required(),
                "area_m2" => field.inputmode("decimal").suffix("m²").required(),
                "rooms" => field.inputmode("decimal").required(),
                "cold_rent" => field.inputmode("decimal").suffix("€").required(),
                _ => field.inputmode("decimal").suffix("€"),
            }
        })
        .collect()
}

fn view(
    ctx: &PageCtx,
    page: &PublicPage,
    query: &[(String, String)],
    answer: Option<AnswerView>,
    errors: FieldErrors,
) -> PublicPageView {
    let t = ctx.t();
    let locale = ctx.locale;
    let name = &page.municipality.name;
    let get = |key: &str| fill(t.get(&format!("outreach.{key}")), &[("municipality", name)]);
    let (steps, care) = outreach::flyer::steps_and_care(locale, name);
    let code = page.campaign.as_ref().map(|c| c.code.clone());
    let mut keep = Vec::new();
    if let Some(code) = &code {
        keep.push(("c".to_owned(), code.clone()));
    }
    if !query_value(query, "lang").is_empty() {
        keep.push(("lang".to_owned(), locale.code().to_owned()));
    }
    let mut signup_href = match &code {
        Some(code) => format!("/signup?m={}&c={code}", page.slug),
        None => format!("/signup?m={}", page.slug),
    };
    if !query_value(query, "lang").is_empty() {
        signup_href.push_str(&format!("&lang={}", locale.code()));
    }
    let fields = calculator_fields(t, query, &errors);
    let extra = page.page.as_ref();
    PublicPageView {
        chrome: public_chrome(ctx),
        slug: page.slug.clone(),
        title: get("page_title"),
        lead: get("page_lead"),
        text: extra.map(|p| paragraphs(p, locale)).unwrap_or_default(),
        photo_alt: extra
            .filter(|p| p.photo.is_some())
            .map(|p| p.photo_alt.clone().unwrap_or_default()),
        offers: page
            .offers
            .iter()
            .map(|p| {
                let (name, amount, conditions) = outreach::flyer::offer_lines(locale, p);
                OfferView {
                    name,
                    amount,
                    conditions,
                }
            })
            .collect(),
        steps,
        care,
        contact: outreach::flyer::contact_lines(page)
            .into_iter()
            .map(with_href)
            .collect(),
        signup_href,
        keep,
        summary: summary(&[crate::web::forms::Section {
            id: "rechner".into(),
            title: String::new(),
            intro: None,
            fields: fields.clone(),
        }]),
        fields,
        answer,
        elsewhere: Vec::new(),
        has_caps: page.caps.is_some(),
        landlord: ctx.user.as_ref().is_some_and(|u| u.role == Role::Landlord),
    }
}

/// The admin's short text in the reader's language (else German), one paragraph per line.
fn paragraphs(p: &entities::municipality_page::Model, locale: Locale) -> Vec<String> {
    let text = if locale == Locale::En && !p.text_en.is_empty() {
        &p.text_en
    } else {
        &p.text_de
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A contact line with its link, if it has one.
fn with_href(line: String) -> (String, Option<String>) {
    let href = contact_href(&line);
    (line, href)
}

/// `mailto:` for an e-mail address, `tel:` for a phone number.
fn contact_href(line: &str) -> Option<String> {
    if line.contains('@') {
        return Some(format!("mailto:{line}"));
    }
    let digits: String = line
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let phone = line
        .chars()
        .all(|c| c.is_ascii_digit() || " +-/()".contains(c));
    (phone && digits.len() >= 6).then(|| format!("tel:{digits}"))
}

fn answer_view(t: Texts, locale: Locale, page: &PublicPage, e: &Estimate) -> AnswerView {
    let money = |c: Cents| c.format(locale);
    let gross = money(e.gross_cold_rent);
    let mut sentences = Vec::new();
    let headline = match (e.fitting.first(), e.fitting.last()) {
        (Some(from), Some(to)) if from == to => fill(
            t.get("outreach.fits_one"),
            &[("gross", &gross), ("n", &from.to_string())],
        ),
        (Some(from), Some(to)) => fill(
            t.get("outreach.fits_range"),
            &[
                ("gross", &gross),
                ("from", &from.to_string()),
                ("to", &to.to_string()),
            ],
        ),
        _ => fill(t.get("outreach.fits_none"), &[("gross", &gross)]),
    };
    if let Some(rent) = e.rent_to_fit {
        sentences.push(fill(
            t.get("outreach.rent_to_fit"),
            &[("cap", &money(rent))],
        ));
    }
    if !e.fitting.is_empty() {
        sentences.push(match e.waiting {
            WaitingCount::Few => fill(
                t.get("outreach.waiting_few"),
                &[("threshold", &WAITING_THRESHOLD.to_string())],
            ),
            WaitingCount::About(n) => fill(
                t.get("outreach.waiting_about"),
                &[
                    ("n", &n.to_string()),
                    ("municipality", &page.municipality.name),
                ],
            ),
        });
        sentences.push(if page.offers.is_empty() {
            t.get("outreach.no_offers").to_owned()
        } else {
            fill(
                t.get("outreach.offers_apply"),
                &[("municipality", &page.municipality.name)],
            )
        });
    }
    AnswerView {
        headline,
        sentences,
        sizes: e
            .sizes
            .iter()
            .map(|s| SizeView {
                persons: s.persons,
                cap: money(s.cap),
                verdict: t
                    .get(match (s.rent_fits, s.space_fits) {
                        (true, true) => "outreach.yes_fits",
                        (false, _) => "outreach.rent_too_high",
                        (true, false) => "outreach.too_small",
                    })
                    .to_owned(),
                fits: s.fits(),
            })
            .collect(),
        offers: if e.fitting.is_empty() {
            Vec::new()
        } else {
            page.offers
                .iter()
                .map(|p| {
                    let (name, amount, _) = outreach::flyer::offer_lines(locale, p);
                    (name, amount)
                })
                .collect()
        },
    }
}

/// `GET /vermieten/{slug}/foto`: the photo an admin chose for the page.
pub async fn photo(Path(slug): Path<String>, ctx: PageCtx) -> Result<Response, PageError> {
    let (bytes, kind) = outreach::photo(&ctx.app, &slug)
        .await?
        .ok_or(PageError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&kind) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}
