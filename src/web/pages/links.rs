//! The pages behind the links in proposal e-mails: no login, one action per link. Opening
//! a link changes nothing (mail scanners open links too); the answer is the form on the
//! page. A used, expired or outdated link gets a friendly page saying whom to contact.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::auth::MessagePage;
use super::{Chrome, PageCtx};
use crate::domain::Language;
use crate::domain::format;
use crate::domain::pipeline::ProposalState;
use crate::domain::validation::FieldErrors;
use crate::i18n::{Texts, fill};
use crate::services::ServiceError;
use crate::services::links::Party;
use crate::services::proposals::{self, LandlordAnswer, LinkContact, LinkPage, LinkView};
use crate::web::error::PageError;
use crate::web::form::{CsrfForm, FormData};

#[derive(Template, WebTemplate)]
#[template(path = "answer_link.html")]
pub struct AnswerPage {
    pub chrome: Chrome,
    pub token: String,
    pub action: String,
    pub title: String,
    pub address: String,
    pub facts: Vec<(String, String)>,
    pub note: Option<String>,
    /// The heading above the note: the caseworker's words (landlords) or the flat's
    /// description (households).
    pub note_heading: String,
    /// For households: the flat's photos (address, description).
    pub photos: Vec<(String, String)>,
    pub due: String,
    pub csrf: String,
    pub reasons: Vec<(String, String, bool)>,
    pub reason: String,
    pub slots: [String; 3],
    pub place: String,
    pub errors: Vec<(String, String)>,
    pub field_errors: FieldErrors,
    /// `?lang=xx` when the reader chose a language other than the household's own.
    pub lang_query: String,
    /// Whom to ask ("Fragen? Ihre Ansprechperson: …").
    pub contact: String,
}

/// The language a link's reader chose with `?lang=xx`, if any.
fn chosen_language(path: &str) -> Option<Language> {
    let query = path.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(|code| code.parse::<Language>().ok())
}

/// The page frame for a link: a household's link in the household's language (or the
/// one it chose), with links to its other languages; a landlord's in the interface
/// language.
fn frame(ctx: &PageCtx, token: &str, contact: Option<&LinkContact>) -> Chrome {
    let chrome = ctx.chrome();
    match contact.and_then(|c| c.language) {
        Some(own) => {
            let lang = chosen_language(&ctx.path).unwrap_or(own);
            chrome.for_household(lang, &format!("/a/{token}"))
        }
        None => chrome,
    }
}

impl AnswerPage {
    /// The direction of a value in the facts: numbers, amounts and Latin text run left to
    /// right even on a right-to-left page ("76 m²", "680,00 €"); words follow their script.
    pub fn value_dir(&self, value: &str) -> &'static str {
        let rtl_script = value.chars().any(|c| {
            ('\u{0590}'..='\u{08FF}').contains(&c) || ('\u{FB1D}'..='\u{FEFC}').contains(&c)
        });
        if rtl_script { "auto" } else { "ltr" }
    }

    /// The message for a field, if it has one.
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.field_errors
            .get(field)
            .map(|key| self.chrome.t.get(key).to_owned())
    }
}

fn flat_facts(t: Texts, view: &LinkView) -> Vec<(String, String)> {
    let Some(d) = &view.flat else {
        return Vec::new();
    };
    let l = t.locale;
    let warm = d.cold_rent + d.service_charges + d.heating_costs;
    vec![
        (t.get("link.flat.rooms").into(), format::compact(l, d.rooms)),
        (
            t.get("link.flat.area").into(),
            format!("{} m²", format::compact(l, d.area_m2)),
        ),
        (
            t.get("link.flat.floor").into(),
            crate::i18n::floor(t.lang, d.floor),
        ),
        (
            t.get("link.flat.lift").into(),
            t.get(if d.has_lift {
                "common.yes"
            } else {
                "common.no"
            })
            .into(),
        ),
        (
            t.get("link.flat.step_free").into(),
            t.get(if d.step_free {
                "common.yes"
            } else {
                "common.no"
            })
            .into(),
        ),
        (t.get("link.flat.cold_rent").into(), d.cold_rent.format(l)),
        (
            t.get("link.flat.service_charges").into(),
            d.service_charges.format(l),
        ),
        (t.get("link.flat.heating").into(), d.heating_costs.format(l)),
        (t.get("link.flat.total").into(), warm.format(l)),
        (
            t.get("link.flat.available").into(),
            format::date(l, d.available_from),
        ),
    ]
}

fn answer_page(
    ctx: &PageCtx,
    token: &str,
    view: &LinkView,
    errors: &FieldErrors,
    form: Option<&FormData>,
) -> Response {
    let chrome = frame(ctx, token, Some(&view.contact));
    let t = chrome.t;
    let action = view.link.action.clone();
    let (facts, note) = facts_and_note(t, view);
    let value = |name: &str| form.map(|f| f.text(name)).unwrap_or_default();
    let lang_query = chosen_language(&ctx.path)
        .filter(|_| view.contact.language.is_some())
        .map(|l| format!("?lang={}", l.code()))
        .unwrap_or_default();
    let page = AnswerPage {
        lang_query,
        contact: contact_line(t, &view.contact),
        chrome,
        token: token.to_owned(),
        title: t
            .get(&format!(
                "link.title.{}_{}",
                view.link.party.as_str(),
                action
            ))
            .to_owned(),
        action,
        address: view.address.clone(),
        facts,
        note,
        note_heading: t
            .get(match view.link.party {
                Party::Landlord => "proposal.caseworker_says",
                Party::Household => "link.flat.description",
            })
            .to_owned(),
        photos: photos(t, token, view),
        due: view
            .answer_due_at
            .map(|d| {
                fill(
                    t.get("link.due"),
                    &[(
                        "due",
                        &format::date(t.locale, crate::domain::time::berlin_date(d)),
                    )],
                )
            })
            .unwrap_or_default(),
        csrf: ctx.csrf(),
        reasons: reasons(
            t,
            view.link.party,
            &form.map(|f| f.text("reason_code")).unwrap_or_default(),
        ),
        reason: value("reason"),
        slots: [value("slot1"), value("slot2"), value("slot3")],
        place: value("place"),
        errors: errors
            .0
            .iter()
            .map(|(f, k)| (f.to_owned(), t.get(k).to_owned()))
            .collect(),
        field_errors: errors.clone(),
    };
    let status = crate::web::form::status_for(errors.is_empty());
    (status, page).into_response()
}

/// The reasons a side may give for a no, in the reader's language, the one chosen marked.
fn reasons(t: Texts, party: Party, selected: &str) -> Vec<(String, String, bool)> {
    let (names, prefix): (&[&str], &str) = match party {
        Party::Landlord => (
            crate::domain::pipeline::LandlordDeclineReason::NAMES,
            "proposal.reasons",
        ),
        Party::Household => (
            crate::domain::pipeline::HouseholdDeclineReason::NAMES,
            "pipeline.household_reasons",
        ),
    };
    names
        .iter()
        .map(|r| {
            (
                (*r).to_owned(),
                t.get(&format!("{prefix}.{r}")).to_owned(),
                *r == selected,
            )
        })
        .collect()
}

/// What the reader learns of the other side: for landlords the household's facts and its
/// caseworker's words, for households the flat's facts and its description.
fn facts_and_note(t: Texts, view: &LinkView) -> (Vec<(String, String)>, Option<String>) {
    match view.link.party {
        Party::Landlord => (
            view.household
                .as_ref()
                .map(|h| super::overview::household_facts(t, h))
                .unwrap_or_default(),
            view.household
                .as_ref()
                .and_then(|h| h.landlord_text.clone()),
        ),
        Party::Household => (
            flat_facts(t, view),
            view.flat
                .as_ref()
                .and_then(|d| d.description.clone())
                .filter(|d| !d.trim().is_empty()),
        ),
    }
}

/// The flat's photos with their addresses under the link, each with a text for screen
/// readers.
fn photos(t: Texts, token: &str, view: &LinkView) -> Vec<(String, String)> {
    view.photos
        .iter()
        .enumerate()
        .map(|(i, (key, alt))| {
            (
                format!("/a/{token}/photos/{key}"),
                alt.clone().unwrap_or_else(|| {
                    fill(
                        t.get("unit.photo_alt"),
                        &[("n", &(i + 1).to_string()), ("address", &view.address)],
                    )
                }),
            )
        })
        .collect()
}

fn contact_line(t: Texts, c: &LinkContact) -> String {
    if c.person.reachable() {
        let who = if t.lang.is_rtl() {
            crate::mail::compose::isolate(&c.person.line())
        } else {
            c.person.line()
        };
        fill(t.get("mail.contact_line"), &[("who", &who)])
    } else {
        fill(
            t.get("link.contact_plain"),
            &[("municipality", &c.person.name)],
        )
    }
}

fn notice(
    ctx: &PageCtx,
    token: &str,
    status: StatusCode,
    kind: &str,
    contact: Option<&LinkContact>,
) -> Response {
    let chrome = frame(ctx, token, contact);
    let household = !chrome.household_languages.is_empty();
    let t = chrome.t;
    let mut paragraphs = vec![t.get(&format!("link.{kind}.text")).to_owned()];
    if let Some(c) = contact {
        paragraphs.push(contact_line(t, c));
    }
    let page = MessagePage {
        chrome,
        title: t.get(&format!("link.{kind}.title")).to_owned(),
        paragraphs,
        // The start page is for landlords and staff (German, English): a household's
        // page in its own language does not send it there.
        links: if household {
            Vec::new()
        } else {
            vec![(t.get("common.back_home").to_owned(), "/".to_owned())]
        },
    };
    (status, page).into_response()
}

fn not_open(ctx: &PageCtx, token: &str, page: LinkPage) -> Response {
    match page {
        LinkPage::Used(c) => notice(ctx, token, StatusCode::GONE, "used", Some(&c)),
        LinkPage::Expired(c) => notice(ctx, token, StatusCode::GONE, "expired", Some(&c)),
        LinkPage::Closed(c) => notice(ctx, token, StatusCode::GONE, "closed", Some(&c)),
        LinkPage::Unknown | LinkPage::Open(_) => {
            notice(ctx, token, StatusCode::NOT_FOUND, "unknown", None)
        }
    }
}

/// `GET /a/{token}`: the proposal and the form for the link's action.
pub async fn show(ctx: PageCtx, Path(token): Path<String>) -> Result<Response, PageError> {
    Ok(match proposals::open_link(&ctx.app, &token).await? {
        LinkPage::Open(view) => answer_page(&ctx, &token, &view, &FieldErrors::default(), None),
        other => not_open(&ctx, &token, other),
    })
}

/// `GET /a/{token}/photos/{key}`: a photo of the proposed flat, for the household whose
/// link is still open (small size only).
pub async fn photo(
    ctx: PageCtx,
    Path((token, key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let LinkPage::Open(view) = proposals::open_link(&ctx.app, &token).await? else {
        return Err(PageError::NotFound);
    };
    if view.link.party != Party::Household || !view.photos.iter().any(|(k, _)| *k == key) {
        return Err(PageError::NotFound);
    }
    let path = crate::services::photos::file_of(&ctx.app, &key, true).ok_or(PageError::NotFound)?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| PageError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/jpeg"),
            (axum::http::header::CACHE_CONTROL, "private, max-age=600"),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /a/{token}`: the answer.
pub async fn answer(
    ctx: PageCtx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, PageError> {
    let view = match proposals::open_link(&ctx.app, &token).await? {
        LinkPage::Open(view) => view,
        other => return Ok(not_open(&ctx, &token, other)),
    };
    let answer = match view.link.action.as_str() {
        "accept" => LandlordAnswer::Accept,
        "decline" => LandlordAnswer::Decline {
            reason_code: form.text("reason_code"),
            reason: form.text("reason"),
        },
        "viewing" => LandlordAnswer::ProposeViewing {
            slots: vec![form.text("slot1"), form.text("slot2"), form.text("slot3")],
            place: form.text("place"),
        },
        _ => return Ok(not_open(&ctx, &token, LinkPage::Unknown)),
    };
    let viewing_first = matches!(answer, LandlordAnswer::ProposeViewing { .. });
    match proposals::answer_by_link(&ctx.app, &view.link, answer).await {
        Ok(Ok(state)) => {
            let kind = match state {
                ProposalState::LandlordDeclined | ProposalState::HouseholdDeclined => "declined",
                _ if viewing_first => "viewing",
                ProposalState::Accepted => "both",
                _ => "accepted",
            };
            Ok(notice(
                &ctx,
                &token,
                StatusCode::OK,
                &format!("done_{kind}"),
                Some(&view.contact),
            ))
        }
        Ok(Err(errors)) => Ok(answer_page(&ctx, &token, &view, &errors, Some(&form))),
        Err(ServiceError::Conflict(_)) => Ok(notice(
            &ctx,
            &token,
            StatusCode::GONE,
            "used",
            Some(&view.contact),
        )),
        Err(e) => Err(e.into()),
    }
}
