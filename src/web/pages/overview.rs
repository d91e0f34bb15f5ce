//! The landlord's overview (their units, drafts and incentives, proposals waiting for an
//! answer) and the proposal page where they answer.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::units::status_class;
use super::{Authed, AuthedForm, Chrome};
use crate::domain::Locale;
use crate::domain::pipeline::ProposalState;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::i18n::Texts;
use crate::services::proposals::{self, HouseholdSummary, LandlordAnswer, LandlordProposal};
use crate::services::{ServiceError, units as unit_service};
use crate::web::error::PageError;

/// A unit on the overview.
#[derive(Debug, Clone)]
pub struct UnitCard {
    pub id: i64,
    pub address: String,
    pub status: String,
    pub status_class: &'static str,
    pub next_step: String,
    pub incentives: Vec<(String, String)>,
    pub editable: bool,
}

/// A draft on the overview.
#[derive(Debug, Clone)]
pub struct DraftCard {
    pub id: i64,
    pub title: String,
    pub saved: String,
    /// When it will be deleted (after the reminder), in words.
    pub deleted_on: Option<String>,
}

/// A proposal on the overview.
#[derive(Debug, Clone)]
pub struct ProposalCard {
    pub id: i64,
    pub address: String,
    pub household: String,
    pub state: String,
    pub waiting: bool,
}

/// The landlord's overview.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub name: String,
    pub units: Vec<UnitCard>,
    pub drafts: Vec<DraftCard>,
    pub waiting: Vec<ProposalCard>,
    pub running: Vec<ProposalCard>,
}

fn text(t: Texts, key: &str) -> String {
    t.get(key).to_owned()
}

/// "3 Personen: 2 Erwachsene, Kinder (4, 9 Jahre)".
pub fn household_line(t: Texts, h: &HouseholdSummary) -> String {
    let mut parts = vec![crate::domain::format::persons(t.locale, h.persons)];
    if !h.children_ages.is_empty() {
        let ages: Vec<String> = h.children_ages.iter().map(u32::to_string).collect();
        parts.push(crate::i18n::fill(
            t.get("proposal.children"),
            &[("ages", &ages.join(", "))],
        ));
    }
    parts.join(", ")
}

fn proposal_card(t: Texts, p: &LandlordProposal) -> ProposalCard {
    ProposalCard {
        id: p.proposal.id,
        address: p.unit_address.clone(),
        household: household_line(t, &p.household),
        state: landlord_state(t, p),
        waiting: p.awaits_landlord(),
    }
}

/// Where a proposal stands, as its landlord reads it: after "first a viewing" and until a
/// time is fixed, that answer, not a plain yes.
fn landlord_state(t: Texts, p: &LandlordProposal) -> String {
    let key = match p.state {
        ProposalState::LandlordAccepted if p.viewing_first() => "viewing_wanted",
        ProposalState::Accepted if p.viewing_first() => "viewing_wanted_both",
        s => s.as_str(),
    };
    text(t, &format!("proposal.state.{key}"))
}

/// Whom the landlord contacts, as label and value lines (empty before both said yes or
/// without the household's consent).
fn contact_lines(t: Texts, p: &LandlordProposal) -> Vec<(String, String)> {
    let Some(c) = &p.contact else {
        return Vec::new();
    };
    let mut lines = vec![(text(t, "proposal.contact_name"), c.name.clone())];
    if let Some(cw) = &c.caseworker {
        lines.push((text(t, "proposal.contact_caseworker"), cw.clone()));
    }
    if let Some(e) = &c.email {
        lines.push((text(t, "proposal.contact_email"), e.clone()));
    }
    if let Some(ph) = &c.phone {
        lines.push((text(t, "proposal.contact_phone"), ph.clone()));
    }
    lines
}

/// `GET /dashboard`.
pub async fn show_dashboard(Authed { ctx, user }: Authed) -> Result<Response, PageError> {
    if user.role != Role::Landlord {
        return Ok(Redirect::to(super::home_of(Some(user.role))).into_response());
    }
    let t = ctx.t();
    let unit_service::LandlordUnits {
        landlord,
        units: own,
        requests: all_requests,
    } = unit_service::own_landlord_and_units(&ctx.app, &user).await?;
    // The requests by flat (one pass: a landlord may have hundreds of flats).
    let mut requests: std::collections::HashMap<i64, Vec<_>> = std::collections::HashMap::new();
    for (request, programme) in all_requests {
        requests
            .entry(request.unit_id)
            .or_default()
            .push((request, programme));
    }
    let proposals = proposals::for_own_units(&ctx.app, &own).await?;
    let units = own
        .iter()
        .map(|unit| {
            let incentives = requests.remove(&unit.id).unwrap_or_default();
            unit_card(t, ctx.locale, unit, incentives, &proposals)
        })
        .collect();
    let drafts = crate::services::drafts::of_landlord(&ctx.app, landlord.id, ctx.locale)
        .await?
        .into_iter()
        .map(|(id, summary)| DraftCard {
            id,
            title: summary.title,
            saved: crate::domain::format::date(ctx.locale, summary.saved),
            deleted_on: summary.deleted_on.map(|day| {
                crate::i18n::fill(
                    t.get("dashboard.draft_deleted_on"),
                    &[("date", &crate::domain::format::date(ctx.locale, day))],
                )
            }),
        })
        .collect();
    let (waiting, running): (Vec<_>, Vec<_>) = proposals
        .iter()
        .map(|p| proposal_card(t, p))
        .partition(|c| c.waiting);
    Ok(DashboardPage {
        chrome: ctx.chrome(),
        name: landlord.display_name,
        units,
        drafts,
        waiting,
        running,
    }
    .into_response())
}

/// A flat's card on the overview: its address, status, next step and incentives.
fn unit_card(
    t: Texts,
    locale: Locale,
    unit: &crate::store::units::StoredUnit,
    requests: Vec<(
        entities::unit_incentive::Model,
        entities::incentive_programme::Model,
    )>,
    proposals: &[LandlordProposal],
) -> UnitCard {
    let incentives = requests
        .into_iter()
        .map(|(request, programme)| {
            let name = if locale == Locale::En {
                programme.name_en
            } else {
                programme.name_de
            };
            (
                name,
                text(t, &format!("incentive.status.{}", request.status)),
            )
        })
        .collect();
    UnitCard {
        id: unit.id,
        address: unit.details.address.one_line(),
        status: text(t, &format!("unit.status.{}", unit.status.as_str())),
        status_class: status_class(unit.status),
        next_step: match unit.status {
            // Reserved: an answer is asked only while the landlord still has to give one.
            crate::domain::unit::UnitStatus::Reserved => {
                let open = proposals.iter().find(|p| p.proposal.unit_id == unit.id);
                text(
                    t,
                    match open {
                        Some(p) if p.awaits_landlord() => "unit.next.reserved",
                        Some(p) if p.viewing_first() => "unit.next.reserved_times",
                        _ => "unit.next.reserved_answered",
                    },
                )
            }
            s => text(t, &format!("unit.next.{}", s.as_str())),
        },
        incentives,
        editable: !matches!(
            unit.status,
            crate::domain::unit::UnitStatus::Let | crate::domain::unit::UnitStatus::Reserved
        ),
    }
}

/// The proposal page for a landlord.
#[derive(Template, WebTemplate)]
#[template(path = "proposal_landlord.html")]
pub struct ProposalPage {
    pub chrome: Chrome,
    pub documents: super::documents::DocumentsView,
    pub id: i64,
    pub address: String,
    pub state: String,
    pub waiting: bool,
    pub household: Vec<(String, String)>,
    /// The household's contact, once both said yes (and it agreed).
    pub contact: Vec<(String, String)>,
    /// Above the household's facts: why names are not shown yet, or that the household
    /// did not agree to share them.
    pub contact_note: String,
    pub landlord_text: Option<String>,
    pub viewings: Vec<String>,
    pub csrf: String,
    pub reasons: Vec<(String, String, bool)>,
    pub errors: Vec<(String, String)>,
    pub reason: String,
    pub slots: [String; 3],
    pub place: String,
}

/// What a landlord learns about a household, as label and value lines.
pub(crate) fn household_facts(t: Texts, h: &HouseholdSummary) -> Vec<(String, String)> {
    let mut household = vec![
        (text(t, "proposal.size"), household_line(t, h)),
        (text(t, "proposal.adults"), h.adults.to_string()),
    ];
    if let Some(work) = h.work_situation {
        household.push((
            text(t, "proposal.work"),
            text(t, &format!("proposal.work_situation.{}", work.as_str())),
        ));
    }
    if let Some(benefit) = h.benefit_type {
        household.push((
            text(t, "proposal.rent_paid_by"),
            text(t, &format!("proposal.benefit.{}", benefit.as_str())),
        ));
    }
    if !h.languages.is_empty() {
        household.push((
            text(t, "proposal.languages"),
            h.languages
                .iter()
                .map(|l| language_name(t, l))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if h.pets {
        household.push((text(t, "proposal.pets"), text(t, "common.yes")));
    }
    if h.wheelchair {
        household.push((text(t, "proposal.wheelchair"), text(t, "common.yes")));
    }
    household
}

fn proposal_page(
    ctx: &super::PageCtx,
    p: &LandlordProposal,
    documents: super::documents::DocumentsView,
    errors: &FieldErrors,
    form: Option<&crate::web::form::FormData>,
) -> Response {
    let t = ctx.t();
    let h = &p.household;
    let household = household_facts(t, h);
    let selected = form.map(|f| f.text("reason_code")).unwrap_or_default();
    let page = ProposalPage {
        chrome: ctx.chrome(),
        documents,
        id: p.proposal.id,
        address: p.unit_address.clone(),
        state: landlord_state(t, p),
        waiting: p.awaits_landlord(),
        household,
        contact: contact_lines(t, p),
        contact_note: text(
            t,
            if p.contact_withheld {
                "proposal.contact_withheld"
            } else {
                "proposal.privacy"
            },
        ),
        landlord_text: h.landlord_text.clone(),
        viewings: p
            .viewings
            .iter()
            .filter(|v| v.status != "cancelled")
            .map(|v| {
                crate::domain::time::to_berlin(v.starts_at)
                    .format("%d.%m.%Y %H:%M")
                    .to_string()
            })
            .collect(),
        csrf: ctx.csrf(),
        reasons: crate::domain::pipeline::LandlordDeclineReason::NAMES
            .iter()
            .map(|r| {
                (
                    (*r).to_owned(),
                    text(t, &format!("proposal.reasons.{r}")),
                    *r == selected,
                )
            })
            .collect(),
        errors: errors
            .0
            .iter()
            .map(|(field, key)| (field.clone(), text(t, key)))
            .collect(),
        reason: form.map(|f| f.text("reason")).unwrap_or_default(),
        slots: [1, 2, 3].map(|i| {
            form.map(|f| f.text(&format!("slot{i}")))
                .unwrap_or_default()
        }),
        place: form.map(|f| f.text("place")).unwrap_or_default(),
    };
    let status = crate::web::form::status_for(errors.is_empty());
    (status, page).into_response()
}

/// A language's name in the reader's language; the code itself for a language Bleibe has
/// no name for.
pub fn language_name(t: Texts, code: &str) -> String {
    t.optional(&format!("languages.{code}"))
        .map_or_else(|| code.to_owned(), str::to_owned)
}

/// The proposal as the documents part needs it.
fn seen(p: &LandlordProposal) -> super::documents::Seen {
    super::documents::Seen {
        id: p.proposal.id,
        state: p.state,
        unit_id: p.proposal.unit_id,
        granted: None,
    }
}

/// `GET /proposals/{id}`.
pub async fn show_proposal(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let p = proposals::landlord_view(&ctx.app, &user, id).await?;
    let documents = super::documents::view(&ctx, &user, seen(&p), None).await?;
    Ok(proposal_page(
        &ctx,
        &p,
        documents,
        &FieldErrors::default(),
        None,
    ))
}

/// `POST /proposals/{id}/answer`.
pub async fn answer_proposal(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    // Who may answer is checked before what was sent (nobody else learns anything).
    proposals::landlord_view(&ctx.app, &user, id).await?;
    let answer = match form.get("answer") {
        "accept" => LandlordAnswer::Accept,
        "decline" => LandlordAnswer::Decline {
            reason_code: form.text("reason_code"),
            reason: form.text("reason"),
        },
        "viewing" => LandlordAnswer::ProposeViewing {
            slots: vec![form.text("slot1"), form.text("slot2"), form.text("slot3")],
            place: form.text("place"),
        },
        _ => return Err(PageError::BadRequest("unknown answer".into())),
    };
    let viewing_first = matches!(answer, LandlordAnswer::ProposeViewing { .. });
    match proposals::landlord_answer(&ctx.app, &user, id, answer).await {
        Ok(Ok(state)) => {
            let key = match state {
                ProposalState::LandlordDeclined => "proposal.declined_done",
                _ if viewing_first => "proposal.viewing_done",
                _ => "proposal.accepted_done",
            };
            ctx.session.flash("success", key);
            Ok(Redirect::to("/dashboard").into_response())
        }
        Ok(Err(errors)) => {
            let p = proposals::landlord_view(&ctx.app, &user, id).await?;
            let documents = super::documents::view(&ctx, &user, seen(&p), None).await?;
            Ok(proposal_page(&ctx, &p, documents, &errors, Some(&form)))
        }
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(
            ctx.t(),
            "proposal.answered_already",
        ))),
        Err(e) => Err(e.into()),
    }
}
