//! Match review: the runs of a municipality, starting a run, one run's proposals with
//! their explanations and alternatives, bulk approval, picking an alternative, and
//! "why not" for any pair.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::pipeline::{blocked_message, state_label, when};
use super::staff::{Staff, StaffNav, nav, require_coordinator};
use super::{AuthedForm, Chrome};
use crate::domain::Locale;
use crate::domain::format;
use crate::domain::pipeline::ProposalState;
use crate::i18n::{Texts, fill};
use crate::services::matching::{self, Scope, Trigger};
use crate::services::pipeline::{self, StoredCriterion};
use crate::services::review::{self, WhyNot};
use crate::services::{Actor, staff};
use crate::web::error::PageError;

mod fairness;
mod runs;
mod why_not;
pub use runs::*;
pub use why_not::*;

/// A criterion line.
#[derive(Debug, Clone)]
pub struct CriterionLine {
    pub name: String,
    pub weight: String,
    pub points: String,
    pub text: String,
}

/// The criteria of a score as lines of a table.
pub fn criterion_lines(
    t: Texts,
    locale: Locale,
    criteria: &[StoredCriterion],
) -> Vec<CriterionLine> {
    criteria
        .iter()
        .map(|c| CriterionLine {
            name: t
                .optional(&format!("criteria.{}", c.name))
                .map_or_else(|| c.name.clone(), str::to_owned),
            weight: format!("{} %", format::number(locale, c.weight * 100.0, 0)),
            points: format::number(locale, c.points * c.weight * 100.0, 1),
            text: c.text(locale).to_owned(),
        })
        .collect()
}

fn percent(locale: Locale, score: f64) -> String {
    format!("{} %", format::number(locale, score * 100.0, 1))
}

/// A candidate household in the review.
#[derive(Debug, Clone)]
pub struct CandidateView {
    pub id: i64,
    pub household_id: i64,
    pub reference: String,
    pub persons: String,
    pub score: String,
    pub criteria: Vec<CriterionLine>,
    /// Why the run did not choose this household here (alternatives only).
    pub note: Option<String>,
    /// The household may be picked now.
    pub can_pick: bool,
    /// The reason typed when picking this household came back.
    pub reason: String,
    pub reason_error: Option<String>,
}

/// A pick of an alternative that came back: the candidate, the reason as typed, the
/// message for the reason field (if the field was at fault).
#[derive(Debug, Clone, Default)]
pub struct FailedPick {
    pub candidate: i64,
    pub reason: String,
    pub error: Option<String>,
}

/// A unit in the review.
#[derive(Debug, Clone)]
pub struct UnitView {
    pub unit_id: i64,
    pub address: String,
    pub facts: String,
    pub proposal_id: Option<i64>,
    pub state: String,
    pub waiting: bool,
    pub override_reason: Option<String>,
    pub chosen: Option<CandidateView>,
    pub alternatives: Vec<CandidateView>,
    /// The alternatives are shown open (a pick among them came back).
    pub open: bool,
}

/// `GET /runs/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "run.html")]
pub struct RunPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub mid: i64,
    pub summary: Vec<(String, String)>,
    pub units: Vec<UnitView>,
    pub waiting: usize,
    pub bulk_hint: String,
    /// What the last approval sent, one line per proposal.
    pub sent: Vec<String>,
    pub problems: Vec<String>,
    /// How groups of households fared (runs stored before it was kept have none).
    pub fairness: Option<fairness::FairnessView>,
}

/// The confirmation before ticked suggestions are sent: what will go out to whom.
#[derive(Template, WebTemplate)]
#[template(path = "run_confirm.html")]
pub struct ConfirmPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub heading: String,
    pub send_label: String,
    pub outgoing: Vec<OutgoingView>,
}

/// One proposal on the confirmation page.
#[derive(Debug, Clone)]
pub struct OutgoingView {
    pub proposal_id: i64,
    pub unit_address: String,
    pub household_reference: String,
    pub landlord: String,
    pub household: String,
}

async fn run_page(
    ctx: &super::PageCtx,
    user: &crate::services::CurrentUser,
    id: i64,
    problems: Vec<String>,
) -> Result<Response, PageError> {
    run_page_with(ctx, user, id, problems, None, Vec::new()).await
}

async fn run_page_with(
    ctx: &super::PageCtx,
    user: &crate::services::CurrentUser,
    id: i64,
    problems: Vec<String>,
    pick: Option<FailedPick>,
    sent: Vec<String>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let detail = review::run_detail(&ctx.app, user, id).await?;
    let run = &detail.run;
    let mid = match run.municipality_id {
        Some(m) => m,
        None => detail
            .units
            .first()
            .map(|u| u.municipality_id)
            .or(user.municipalities.first().copied())
            .unwrap_or(0),
    };
    let names = matching::municipality_names(&ctx.app).await?;
    let versions = detail
        .rule_sets
        .iter()
        .map(|(m, v)| format!("{} v{v}", names.get(m).cloned().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(", ");
    let summary = run_summary(t, locale, run, versions);
    let waiting = detail.waiting().len();
    let units = detail
        .units
        .iter()
        .map(|u| unit_view(t, locale, u, pick.as_ref()))
        .collect();
    let status = crate::web::form::status_for(problems.is_empty() && pick.is_none());
    let page = RunPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(mid), "/runs").await?,
        csrf: ctx.csrf(),
        id,
        mid,
        summary,
        units,
        waiting,
        bulk_hint: fill(
            t.get("review.bulk_hint"),
            &[("waiting", &waiting.to_string())],
        ),
        sent,
        problems,
        fairness: fairness::view(run.fairness.as_deref(), locale),
    };
    Ok((status, page).into_response())
}

/// The run's facts at the top of its page.
fn run_summary(
    t: Texts,
    locale: Locale,
    run: &entities::match_run::Model,
    versions: String,
) -> Vec<(String, String)> {
    vec![
        (
            t.get("review.started").to_owned(),
            when(locale, run.started_at),
        ),
        (
            t.get("review.as_of").to_owned(),
            format::date(locale, run.as_of),
        ),
        (
            t.get("review.counts").to_owned(),
            fill(
                t.get("review.counts_text"),
                &[
                    ("households", &run.households_count.to_string()),
                    ("units", &run.units_count.to_string()),
                    ("eligible", &run.eligible_pairs.to_string()),
                    ("assigned", &run.assigned_count.to_string()),
                ],
            ),
        ),
        (t.get("review.rules_used").to_owned(), versions),
        (
            t.get("review.elapsed").to_owned(),
            format!("{} ms", run.elapsed_ms),
        ),
    ]
}

/// A flat of the run with its proposal, the household chosen and the alternatives.
fn unit_view(t: Texts, locale: Locale, u: &review::RunUnit, pick: Option<&FailedPick>) -> UnitView {
    // What is proposed now: the coordinator's pick, or the engine's suggestion.
    let chosen = match &u.proposal {
        Some(p) if p.origin == "override" => u
            .alternatives
            .iter()
            .find(|c| Some(c.id) == p.candidate_id)
            .map(|c| candidate_view(t, locale, c, pick)),
        _ => u
            .assigned
            .as_ref()
            .map(|c| candidate_view(t, locale, c, pick)),
    };
    UnitView {
        unit_id: u.unit_id,
        address: u.address.clone(),
        facts: format!(
            "{} m² · {} {} · {} {}",
            format::compact(locale, u.area_m2),
            format::compact(locale, u.rooms),
            t.get("pipeline.rooms"),
            u.gross_cold_rent.format(locale),
            t.get("review.gross_cold_short"),
        ),
        proposal_id: u.proposal.as_ref().map(|p| p.id),
        state: u
            .proposal
            .as_ref()
            .map(|p| state_label(t, p.state))
            .unwrap_or_default(),
        waiting: u
            .proposal
            .as_ref()
            .is_some_and(|p| p.state == ProposalState::Suggested),
        override_reason: u.proposal.as_ref().and_then(|p| p.override_reason.clone()),
        alternatives: u
            .alternatives
            .iter()
            .filter(|c| chosen.as_ref().is_none_or(|x| x.id != c.id))
            .map(|c| candidate_view(t, locale, c, pick))
            .collect(),
        open: pick.is_some_and(|p| u.alternatives.iter().any(|c| c.id == p.candidate)),
        chosen,
    }
}

/// A candidate household of a flat; a pick that came back keeps its form (and the reason
/// typed), with the message above saying why it could not go through.
fn candidate_view(
    t: Texts,
    locale: Locale,
    c: &review::Candidate,
    pick: Option<&FailedPick>,
) -> CandidateView {
    CandidateView {
        id: c.id,
        household_id: c.household_id,
        reference: c.reference.clone(),
        persons: format::persons(locale, c.persons as u32),
        score: percent(locale, c.score),
        criteria: criterion_lines(t, locale, &c.criteria),
        note: c.not_chosen.as_ref().map(|n| not_chosen_text(t, n)),
        can_pick: c
            .not_chosen
            .as_ref()
            .is_none_or(review::NotChosen::can_pick)
            || pick.is_some_and(|p| p.candidate == c.id),
        reason: pick
            .filter(|p| p.candidate == c.id)
            .map(|p| p.reason.clone())
            .unwrap_or_default(),
        reason_error: pick
            .filter(|p| p.candidate == c.id)
            .and_then(|p| p.error.clone()),
    }
}

/// Query of the run page: the proposals the last approval sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RunQuery {
    #[serde(default)]
    pub sent: String,
}

/// `GET /runs/{id}`.
pub async fn show_run(
    Path(id): Path<i64>,
    Query(q): Query<RunQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let ids: Vec<i64> = q
        .sent
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let sent = if ids.is_empty() {
        Vec::new()
    } else {
        let detail = review::run_detail(&ctx.app, &user, id).await?;
        ids.iter()
            .filter_map(|pid| sent_line(&detail, *pid, true))
            .collect()
    };
    run_page_with(&ctx, &user, id, Vec::new(), None, sent).await
}

/// "Flat · household" of a proposal of the run (only one no longer waiting when `gone`).
fn sent_line(detail: &review::RunDetail, pid: i64, gone: bool) -> Option<String> {
    detail
        .units
        .iter()
        .filter_map(|u| u.proposal.as_ref().map(|p| (u, p)))
        .find(|(_, p)| p.id == pid && (!gone || p.state != ProposalState::Suggested))
        .map(|(u, p)| format!("{} · {}", u.address, p.household_reference))
}

/// Why the run did not choose an alternative, in words.
fn not_chosen_text(t: Texts, n: &review::NotChosen) -> String {
    match n {
        review::NotChosen::Held { address } => {
            fill(t.get("review.not_chosen.held"), &[("address", address)])
        }
        review::NotChosen::ProposedElsewhere { address } => fill(
            t.get("review.not_chosen.elsewhere"),
            &[("address", address)],
        ),
        review::NotChosen::LowerScore => t.get("review.not_chosen.lower").to_owned(),
        review::NotChosen::WholeRun => t.get("review.not_chosen.whole_run").to_owned(),
    }
}

/// Who gets a letter, in words: name and address, or that nobody does.
fn recipient_text(
    t: Texts,
    to: Option<&crate::services::letters::Recipient>,
    label: &str,
) -> String {
    match to {
        Some(r) => {
            let who = match &r.name {
                Some(n) if !n.is_empty() => format!("{n} <{}>", r.address),
                _ => r.address.clone(),
            };
            // The language the letter is written in, when it is not the page's.
            let language = r
                .lang
                .parse::<crate::domain::Language>()
                .ok()
                .filter(|l| *l != t.lang)
                .map(|l| format!(" ({})", super::households::language_label(t, l)))
                .unwrap_or_default();
            format!("{}{language}", fill(t.get(label), &[("who", &who)]))
        }
        None => t.get("review.confirm_nobody").to_owned(),
    }
}

/// `POST /runs/{id}/approve`: the ticked suggestions. Without `confirm=yes` nothing is
/// sent: the answer lists what would go out to whom, with a button to send it. With it,
/// each is approved on its own and the page reports, per proposal, what went out and
/// what was refused.
pub async fn approve_run(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let detail = review::run_detail(&ctx.app, &user, id).await?;
    let waiting = detail.waiting();
    let mut ticked: Vec<i64> = form
        .all("proposal")
        .iter()
        .filter_map(|v| v.parse().ok())
        .filter(|p| waiting.contains(p))
        .collect();
    ticked.sort_unstable();
    ticked.dedup();
    if ticked.is_empty() {
        return run_page(
            &ctx,
            &user,
            id,
            vec![t.get("review.none_ticked").to_owned()],
        )
        .await;
    }
    if form.get("confirm") != "yes" {
        let outgoing = pipeline::approval::preview(&ctx.app, &user, &ticked)
            .await?
            .into_iter()
            .map(|o| OutgoingView {
                proposal_id: o.proposal_id,
                landlord: recipient_text(t, o.landlord.as_ref(), "review.confirm_to"),
                household: recipient_text(
                    t,
                    o.household.as_ref(),
                    if o.household_direct {
                        "review.confirm_to"
                    } else {
                        "review.confirm_to_caseworker"
                    },
                ),
                unit_address: o.unit_address,
                household_reference: o.household_reference,
            })
            .collect::<Vec<_>>();
        let n = outgoing.len().to_string();
        return Ok(ConfirmPage {
            chrome: ctx.chrome(),
            nav: nav(&ctx, &user, None, "/runs").await?,
            csrf: ctx.csrf(),
            id,
            heading: fill(t.get("review.confirm_heading"), &[("n", &n)]),
            send_label: fill(t.get("review.confirm_send"), &[("n", &n)]),
            outgoing,
        }
        .into_response());
    }
    let (done, failed) = pipeline::approve_many(&ctx.app, &user, &ticked).await?;
    if failed.is_empty() {
        ctx.session.flash("success", "review.approved_all");
        let ids = done
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        return Ok(Redirect::to(&format!("/runs/{id}?sent={ids}")).into_response());
    }
    let line = |pid: i64| sent_line(&detail, pid, false).unwrap_or_else(|| format!("#{pid}"));
    let sent: Vec<String> = done.iter().map(|pid| line(*pid)).collect();
    let mut problems = vec![fill(
        t.get("review.approved_some"),
        &[
            ("done", &done.len().to_string()),
            ("failed", &failed.len().to_string()),
        ],
    )];
    for (pid, e) in failed {
        problems.push(format!(
            "{}: {}",
            line(pid),
            blocked_message(t, ctx.locale, &e)
        ));
    }
    run_page_with(&ctx, &user, id, problems, None, sent).await
}

/// `POST /runs/{id}/pick`: approves an alternative instead of the suggestion.
pub async fn pick_alternative(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let candidate: i64 = form
        .get("candidate")
        .parse()
        .map_err(|_| PageError::BadRequest("candidate".into()))?;
    match pipeline::pick_alternative(&ctx.app, &user, candidate, form.get("reason")).await? {
        Ok(pid) => {
            ctx.session.flash("success", "review.picked");
            let unit = review::run_detail(&ctx.app, &user, id)
                .await?
                .units
                .iter()
                .find(|u| u.proposal.as_ref().is_some_and(|p| p.id == pid))
                .map(|u| u.unit_id);
            let anchor = unit.map(|u| format!("#u-{u}")).unwrap_or_default();
            Ok(Redirect::to(&format!("/runs/{id}{anchor}")).into_response())
        }
        Err(e) => {
            // The reason as typed comes back, with the message at the field where it is at
            // fault, or above the page where the pick itself cannot go out.
            let reason_error = match &e {
                pipeline::StepError::Fields(errors) => {
                    errors.get("reason").map(|k| t.get(k).to_owned())
                }
                _ => None,
            };
            let problems = vec![blocked_message(t, ctx.locale, &e)];
            let pick = FailedPick {
                candidate,
                reason: form.text("reason"),
                error: reason_error,
            };
            run_page_with(&ctx, &user, id, problems, Some(pick), Vec::new()).await
        }
    }
}
