//! One proposal for its coordinators: the facts, why it was proposed, a form for every step
//! open from its state (rendered from the step's declared fields, with element ids unique
//! per form), the viewings, the placement, the follow-ups, the incentives with their
//! payments, and the history. A refused form comes back with status 422, its values kept
//! and the message at the field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::{notices, refusal, state_label, when};
use crate::domain::Locale;
use crate::domain::format;
use crate::domain::input::{FieldKind, FieldSpec, YES_NO};
use crate::domain::pipeline::reasons::ReasonCode;
use crate::domain::pipeline::{Action, ProposalState};
use crate::domain::validation::FieldErrors;
use crate::i18n::{Texts, fill};
use crate::services::CurrentUser;
use crate::services::pipeline::{self, ProposalDetail, StepError};
use crate::web::error::PageError;
use crate::web::form::{FormData, status_for};
use crate::web::forms::{Field, Kind, SummaryItem};
use crate::web::pages::staff::{Staff, StaffNav, nav, require_coordinator};
use crate::web::pages::{AuthedForm, Chrome, PageCtx};

mod after;
mod forms;
use after::*;
use forms::*;

/// A step's form on the proposal page.
#[derive(Debug, Clone)]
pub struct ActionForm {
    pub action: String,
    pub title: String,
    pub intro: String,
    pub button: String,
    pub fields: Vec<Field>,
    /// Why the last try was refused, where no single field is at fault.
    pub notices: Vec<String>,
    pub danger: bool,
    pub open: bool,
}

/// A line of the history.
#[derive(Debug, Clone)]
pub struct EventLine {
    pub when: String,
    pub state: String,
    pub who: String,
    pub reason: String,
}

/// A follow-up with its form when due.
#[derive(Debug, Clone)]
pub struct FollowUpView {
    pub id: i64,
    pub heading: String,
    pub due: String,
    pub status: String,
    pub done: bool,
    pub outcome: String,
    pub fields: Vec<Field>,
    pub notices: Vec<String>,
    pub has_errors: bool,
}

/// An incentive of the flat, with the payment form once granted.
#[derive(Debug, Clone)]
pub struct IncentiveView {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub granted: String,
    pub paid: String,
    pub can_pay: bool,
    pub can_decide: bool,
    pub fields: Vec<Field>,
}

/// A viewing time the landlord proposed, taken with one click.
#[derive(Debug, Clone)]
pub struct ProposedTime {
    pub label: String,
    /// The time as the viewing form reads it (German civil time).
    pub starts_at: String,
    pub place: String,
    /// A viewing at this time is arranged already.
    pub taken: bool,
}

/// `GET /workspace/proposals/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "proposal_staff.html")]
pub struct ProposalPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub state: String,
    pub facts: Vec<(String, String)>,
    pub criteria: Vec<crate::web::pages::review::CriterionLine>,
    pub actions: Vec<ActionForm>,
    pub viewings: Vec<(String, String)>,
    /// Times the landlord proposed ("first a viewing"), still ahead.
    pub proposed_times: Vec<ProposedTime>,
    /// A viewing can be arranged now (both said yes).
    pub times_open: bool,
    pub placement: Vec<(String, String)>,
    pub follow_ups: Vec<FollowUpView>,
    pub incentives: Vec<IncentiveView>,
    pub events: Vec<EventLine>,
    /// What is wrong in the form that came back, each linked to its field.
    pub summary: Vec<SummaryItem>,
    pub unit_id: i64,
    pub household_id: i64,
    /// The household's data was erased: no link to its (gone) page.
    pub household_erased: bool,
    pub documents: crate::web::pages::documents::DocumentsView,
}

fn facts(ctx: &PageCtx, d: &ProposalDetail) -> Vec<(String, String)> {
    let (t, locale) = (ctx.t(), ctx.locale);
    let (v, u, h) = (&d.view, &d.unit.details, &d.household.profile);
    let landlord = [
        Some(d.landlord.display_name.clone()),
        d.landlord.contact_email.clone(),
        d.landlord.phone.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let mut facts = vec![
        (t.get("pipeline.unit").to_owned(), v.unit_address.clone()),
        (
            t.get("pipeline.unit_facts").to_owned(),
            format!(
                "{} m² · {} {} · {} {} · {}: {}",
                format::compact(locale, u.area_m2),
                format::compact(locale, u.rooms),
                t.get("pipeline.rooms"),
                t.get("pipeline.floor"),
                u.floor,
                t.get("pipeline.gross_cold"),
                (u.cold_rent + u.service_charges).format(locale)
            ),
        ),
        (t.get("pipeline.landlord").to_owned(), landlord),
        (
            t.get("pipeline.household").to_owned(),
            format!(
                "{} · {}",
                h.reference,
                format::persons(locale, h.members.len() as u32)
            ),
        ),
        (
            t.get("pipeline.household_contact").to_owned(),
            if d.household.erased_at.is_some() {
                t.get("pipeline.household_erased").to_owned()
            } else {
                d.household
                    .mail_address()
                    .unwrap_or_else(|| t.get("pipeline.no_address").to_owned())
            },
        ),
        (
            t.get("pipeline.score").to_owned(),
            format!("{} %", format::number(locale, v.score * 100.0, 1)),
        ),
    ];
    if let Some(reason) = &v.override_reason {
        facts.push((t.get("pipeline.override_reason").to_owned(), reason.clone()));
    }
    if let Some(due) = v.answer_due_at.filter(|_| v.state.awaits_answer()) {
        facts.push((t.get("pipeline.answer_due").to_owned(), when(locale, due)));
    }
    facts
}

/// The landlord's proposed times that are still ahead, earliest first.
fn proposed_times(ctx: &PageCtx, d: &ProposalDetail) -> Vec<ProposedTime> {
    let now = ctx.app.clock.now();
    let mut out: Vec<ProposedTime> = d
        .viewings
        .iter()
        .filter(|v| {
            v.proposed_by == "landlord"
                && matches!(v.status.as_str(), "proposed" | "not_chosen")
                && v.starts_at > now
        })
        .map(|v| ProposedTime {
            label: format!("{} · {}", when(ctx.locale, v.starts_at), v.place),
            starts_at: crate::domain::time::to_berlin(v.starts_at)
                .format("%d.%m.%Y %H:%M")
                .to_string(),
            place: v.place.clone(),
            taken: d
                .viewings
                .iter()
                .any(|w| w.status == "scheduled" && w.starts_at == v.starts_at),
        })
        .collect();
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at));
    out
}

fn viewing_lines(ctx: &PageCtx, d: &ProposalDetail) -> Vec<(String, String)> {
    let t = ctx.t();
    d.viewings
        .iter()
        .map(|vw| {
            // Who comes along: someone of the team, someone else, or both.
            let team = vw.accompanied_by_user_id.and_then(|id| {
                d.companions
                    .iter()
                    .find(|(c, _)| *c == id)
                    .map(|(_, n)| n.clone())
            });
            let names: Vec<String> = [team, vw.accompanied_by_name.clone()]
                .into_iter()
                .flatten()
                .collect();
            let who = if names.is_empty() {
                String::new()
            } else {
                format!(" · {}: {}", t.get("pipeline.companions"), names.join(", "))
            };
            let note = vw
                .note
                .as_ref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default();
            (
                format!(
                    "{} · {}",
                    when(ctx.locale, vw.starts_at),
                    t.get(&format!("pipeline.viewing_status.{}", vw.status))
                ),
                format!("{}{who}{note}", vw.place),
            )
        })
        .collect()
}

fn event_lines(ctx: &PageCtx, d: &ProposalDetail) -> Vec<EventLine> {
    let t = ctx.t();
    d.events
        .iter()
        .map(|e| {
            let kind = t
                .get(&format!("pipeline.actor.{}", e.actor_kind))
                .to_owned();
            let code = e
                .reason_code
                .as_deref()
                .map(|c| match c.parse::<ReasonCode>() {
                    Ok(code) => (
                        code.is_system(),
                        t.get(&format!("pipeline.reason_codes.{c}")).to_owned(),
                    ),
                    Err(_) => (false, c.to_owned()),
                });
            // System reasons are English technical notes; their code says it all.
            let text = e
                .reason
                .clone()
                .filter(|_| !code.as_ref().is_some_and(|(system, _)| *system));
            EventLine {
                when: when(ctx.locale, e.created_at),
                state: e
                    .to_state
                    .parse::<ProposalState>()
                    .map(|s| state_label(t, s))
                    .unwrap_or_else(|_| e.to_state.clone()),
                who: match e.actor_user_id.and_then(|id| d.actors.get(&id)) {
                    Some(name) => format!("{kind} ({name})"),
                    None => kind,
                },
                reason: [code.map(|(_, label)| label), text]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": "),
            }
        })
        .collect()
}

async fn proposal_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: i64,
    failed: Failed<'_>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let d = pipeline::detail(&ctx.app, user, id).await?;
    let v = &d.view;
    let is_coordinator =
        user.can_manage(v.unit_municipality_id) || user.can_manage(v.household_municipality_id);
    let municipality = Some(v.unit_municipality_id)
        .filter(|m| user.can_manage(*m))
        .or(Some(v.household_municipality_id));
    let acceptable = matches!(failed, Failed::None);
    let actions = if is_coordinator {
        action_forms(ctx, &d, failed)
    } else {
        Vec::new()
    };
    let follow_ups = follow_up_views(ctx, &d, failed);
    let seen = crate::web::pages::documents::Seen {
        id,
        state: v.state,
        unit_id: v.unit_id,
        granted: Some(crate::services::documents::granted_kinds(&d.incentives)),
    };
    let documents = crate::web::pages::documents::view(
        ctx,
        user,
        seen,
        Some(d.household.profile.preferred_language),
    )
    .await?;
    let incentives = incentive_views(ctx, &d, is_coordinator, failed);
    let page = ProposalPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, municipality, "/proposals").await?,
        csrf: ctx.csrf(),
        id,
        state: state_label(t, v.state),
        facts: facts(ctx, &d),
        criteria: crate::web::pages::review::criterion_lines(t, ctx.locale, &d.criteria),
        summary: error_summary(&actions, &follow_ups, &incentives),
        actions,
        viewings: viewing_lines(ctx, &d),
        proposed_times: proposed_times(ctx, &d),
        times_open: is_coordinator && Action::ScheduleViewing.target(v.state).is_some(),
        placement: placement_lines(ctx, &d),
        follow_ups,
        incentives,
        events: event_lines(ctx, &d),
        documents,
        unit_id: d.unit.id,
        household_id: d.household.id,
        household_erased: d.household.erased_at.is_some(),
    };
    Ok((status_for(acceptable), page).into_response())
}

/// `GET /workspace/proposals/{id}`.
pub async fn show_proposal(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    proposal_page(&ctx, &user, id, Failed::None).await
}

/// `POST /workspace/proposals/{id}/{action}`.
pub async fn take_step(
    Path((id, action)): Path<(i64, String)>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let Ok(action) = action.parse::<Action>() else {
        return Err(PageError::Conflict(
            t.get("pipeline.blocked.unknown_action").to_owned(),
        ));
    };
    match pipeline::steps::act_on(&ctx.app, &user, id, action, &form.fields).await? {
        Ok(state) => {
            ctx.session
                .flash("success", &format!("pipeline.done.{}", state.as_str()));
            Ok(Redirect::to(&format!("/workspace/proposals/{id}")).into_response())
        }
        Err(StepError::Fields(errors)) => {
            proposal_page(&ctx, &user, id, Failed::Step(action, &form, &errors)).await
        }
        Err(e) => Err(refusal(&e, Some(format!("/workspace/proposals/{id}")))),
    }
}

/// `POST /workspace/follow-ups/{id}`.
pub async fn record_follow_up(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    match pipeline::record_follow_up(&ctx.app, &user, id, &form.fields).await? {
        Ok(proposal_id) => {
            ctx.session.flash("success", "followup.saved");
            Ok(Redirect::to(&format!("/workspace/proposals/{proposal_id}")).into_response())
        }
        Err(StepError::Fields(errors)) => {
            let proposal_id = pipeline::proposal_of_follow_up(&ctx.app, id).await?;
            let failed = Failed::FollowUp(id, &form, &errors);
            proposal_page(&ctx, &user, proposal_id, failed).await
        }
        Err(e) => {
            let proposal_id = pipeline::proposal_of_follow_up(&ctx.app, id).await?;
            Err(refusal(
                &e,
                Some(format!("/workspace/proposals/{proposal_id}")),
            ))
        }
    }
}

/// `POST /workspace/incentives/{id}/paid`: the payment form on a proposal's page
/// (`back` names the page).
pub async fn incentive_paid(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let back = form
        .get("back")
        .strip_prefix("/workspace/proposals/")
        .and_then(|p| p.parse::<i64>().ok());
    match pipeline::incentive_paid(&ctx.app, &user, id, &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "pipeline.paid_saved");
            let to = back.map_or_else(
                || "/workspace".to_owned(),
                |p| format!("/workspace/proposals/{p}"),
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(StepError::Fields(errors)) => match back {
            Some(proposal_id) => {
                let failed = Failed::Payment(id, &form, &errors);
                proposal_page(&ctx, &user, proposal_id, failed).await
            }
            None => Err(refusal(&StepError::Fields(errors), None)),
        },
        Err(e) => Err(refusal(
            &e,
            back.map(|p| format!("/workspace/proposals/{p}")),
        )),
    }
}
