//! The placement pipeline for coordinators: the board of a municipality's proposals by
//! stage, one proposal with every step it can take next (each a small form), the
//! placements with their follow-ups, and for volunteers the viewings they accompany and
//! the units they may read.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::staff::{Staff, StaffNav, nav, require_coordinator, require_staff};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::Locale;
use crate::domain::pipeline::ProposalState;
use crate::domain::validation::FieldErrors;
use crate::engine::explain;
use crate::i18n::{Texts, fill};
use crate::services::pipeline::{
    self, HOUSEHOLD_REASONS, LEASE_KINDS, ProposalDetail, STAGES, StepError,
};
use crate::services::proposals::DECLINE_REASONS;
use crate::services::{CurrentUser, ServiceError, staff};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind};

/// The name of a state in the reader's language.
pub fn state_label(t: Texts, state: ProposalState) -> String {
    t.get(&format!("pipeline.state.{}", state.as_str()))
        .to_owned()
}

/// A sentence saying why a step was not taken.
pub fn blocked_message(t: Texts, locale: Locale, e: &StepError) -> String {
    match e {
        StepError::Illegal { from, to } => fill(
            t.get("pipeline.illegal"),
            &[
                ("from", &state_label(t, *from)),
                ("to", &state_label(t, *to)),
            ],
        ),
        StepError::Blocked { key, details } => {
            let mut text = t.get(key).to_owned();
            for (de, en) in details {
                text.push(' ');
                text.push_str(if locale == Locale::En { en } else { de });
            }
            text
        }
        StepError::Fields(errors) => errors
            .0
            .values()
            .map(|k| t.get(k).to_owned())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A point in time as German readers expect it: date and local time.
pub fn when(locale: Locale, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = crate::domain::time::to_berlin(at);
    format!(
        "{} {}",
        explain::date(locale, local.date_naive()),
        local.format("%H:%M")
    )
}

fn service_conflict(t: Texts, e: ServiceError) -> PageError {
    match e {
        ServiceError::Conflict(key) if key.starts_with("pipeline.") => {
            PageError::Conflict(t.get(&key).to_owned())
        }
        other => other.into(),
    }
}

// ---- the board ----

/// Query of the board.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub stage: String,
}

/// A stage tab with its count.
#[derive(Debug, Clone)]
pub struct StageTab {
    pub key: String,
    pub label: String,
    pub count: usize,
    pub current: bool,
}

/// A proposal in a list.
#[derive(Debug, Clone)]
pub struct ProposalLine {
    pub id: i64,
    pub unit: String,
    pub household_id: i64,
    pub household: String,
    pub state: String,
    pub since: String,
    pub due: String,
    pub overdue: bool,
}

/// `GET /m/{mid}/proposals`.
#[derive(Template, WebTemplate)]
#[template(path = "proposals_board.html")]
pub struct BoardPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub tabs: Vec<StageTab>,
    pub rows: Vec<ProposalLine>,
}

/// `GET /m/{mid}/proposals?stage=..`.
pub async fn board(
    Path(mid): Path<i64>,
    Query(q): Query<BoardQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let now = ctx.app.clock.now();
    let all = pipeline::for_municipality(&ctx.app, &user, mid, None).await?;
    let current = if STAGES.iter().any(|(k, _)| *k == q.stage) {
        q.stage.clone()
    } else {
        "waiting".to_owned()
    };
    let tabs = STAGES
        .iter()
        .map(|(key, states)| StageTab {
            key: (*key).to_owned(),
            label: t.get(&format!("pipeline.stage.{key}")).to_owned(),
            count: all.iter().filter(|p| states.contains(&p.state)).count(),
            current: *key == current,
        })
        .collect();
    let states = STAGES
        .iter()
        .find(|(k, _)| *k == current)
        .map(|(_, s)| *s)
        .unwrap_or(&[]);
    let rows = all
        .into_iter()
        .filter(|p| states.contains(&p.state))
        .map(|p| ProposalLine {
            id: p.id,
            unit: p.unit_address.clone(),
            household_id: p.household_id,
            household: p.household_reference.clone(),
            state: state_label(t, p.state),
            since: when(ctx.locale, p.state_changed_at),
            due: p
                .answer_due_at
                .filter(|_| p.state.awaits_answer())
                .map(|d| when(ctx.locale, d))
                .unwrap_or_default(),
            overdue: p.state.awaits_answer() && p.answer_due_at.is_some_and(|d| d < now),
        })
        .collect();
    Ok(BoardPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/proposals").await?,
        mid,
        tabs,
        rows,
    }
    .into_response())
}

// ---- one proposal ----

/// A step's form on the proposal page.
#[derive(Debug, Clone)]
pub struct ActionForm {
    pub action: String,
    pub title: String,
    pub intro: String,
    pub button: String,
    pub fields: Vec<Field>,
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
    pub has_errors: bool,
}

/// An incentive of the unit.
#[derive(Debug, Clone)]
pub struct IncentiveView {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub granted: String,
    pub paid: String,
    pub can_pay: bool,
    pub can_decide: bool,
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
    pub criteria: Vec<super::review::CriterionLine>,
    pub actions: Vec<ActionForm>,
    pub viewings: Vec<(String, String)>,
    pub placement: Vec<(String, String)>,
    pub follow_ups: Vec<FollowUpView>,
    pub incentives: Vec<IncentiveView>,
    pub events: Vec<EventLine>,
    pub error_summary: Option<String>,
    pub unit_id: i64,
    pub household_id: i64,
}

fn field(
    t: Texts,
    name: &str,
    kind: Kind,
    f: &FormData,
    default: &str,
    errors: &FieldErrors,
) -> Field {
    let value = if f.fields.is_empty() {
        default.to_owned()
    } else {
        f.text(name)
    };
    Field::new(t, "pipeline", name, kind)
        .value(value)
        .error_from(t, errors)
}

fn reason_choices(t: Texts, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), t.get("pipeline.choose").to_owned())];
    out.extend(
        values
            .iter()
            .map(|v| ((*v).to_owned(), t.get(&format!("{prefix}.{v}")).to_owned())),
    );
    out
}

/// The fields of an action's form, filled with `f` (or sensible defaults when empty).
fn action_fields(
    ctx: &PageCtx,
    d: &ProposalDetail,
    action: &str,
    f: &FormData,
    errors: &FieldErrors,
) -> Vec<Field> {
    let t = ctx.t();
    let today = ctx.app.clock.today().to_string();
    let unit = &d.unit.details;
    let euros = |c: crate::domain::Cents| explain::number(ctx.locale, c.as_euros_f64(), 2);
    match action {
        "reject" | "withdraw" => {
            vec![field(t, "reason", Kind::TextArea, f, "", errors).required()]
        }
        "landlord_accept" | "household_accept" | "sustained" => {
            vec![field(t, "reason", Kind::TextArea, f, "", errors)]
        }
        "landlord_decline" => vec![
            field(t, "reason_code", Kind::Select, f, "", errors)
                .choices(reason_choices(t, "proposal.reasons", DECLINE_REASONS))
                .required(),
            field(t, "reason", Kind::TextArea, f, "", errors),
        ],
        "household_decline" => vec![
            field(t, "reason_code", Kind::Select, f, "", errors)
                .choices(reason_choices(
                    t,
                    "pipeline.household_reasons",
                    HOUSEHOLD_REASONS,
                ))
                .required(),
            field(t, "reason", Kind::TextArea, f, "", errors),
        ],
        "schedule_viewing" => {
            let a = &unit.address;
            let mut companions = vec![(String::new(), t.get("pipeline.nobody").to_owned())];
            companions.extend(
                d.companions
                    .iter()
                    .map(|(id, n)| (id.to_string(), n.clone())),
            );
            vec![
                field(t, "starts_at", Kind::Text, f, "", errors).required(),
                field(
                    t,
                    "place",
                    Kind::Text,
                    f,
                    &format!(
                        "{} {}, {} {}",
                        a.street, a.house_number, a.postal_code, a.town
                    ),
                    errors,
                )
                .required()
                .wide(),
                field(t, "companion", Kind::Select, f, "", errors).choices(companions),
                field(t, "companion_name", Kind::Text, f, "", errors),
                field(t, "note", Kind::TextArea, f, "", errors),
            ]
        }
        "viewing_held" => vec![field(t, "note", Kind::TextArea, f, "", errors)],
        "jobcenter_requested" | "jobcenter_granted" => vec![
            field(t, "on", Kind::Date, f, &today, errors).required(),
            field(t, "reason", Kind::TextArea, f, "", errors),
        ],
        "jobcenter_refused" => vec![
            field(t, "on", Kind::Date, f, &today, errors).required(),
            field(t, "reason", Kind::TextArea, f, "", errors).required(),
        ],
        "lease_signed" => vec![
            field(t, "lease_kind", Kind::Radio, f, "direct", errors)
                .choices(
                    LEASE_KINDS
                        .iter()
                        .map(|k| {
                            (
                                (*k).to_owned(),
                                t.get(&format!("pipeline.lease.{k}")).to_owned(),
                            )
                        })
                        .collect(),
                )
                .required(),
            field(t, "signed_on", Kind::Date, f, &today, errors).required(),
            field(
                t,
                "lease_start",
                Kind::Date,
                f,
                &unit.available_from.max(ctx.app.clock.today()).to_string(),
                errors,
            )
            .required(),
            field(
                t,
                "rent_cold",
                Kind::Number,
                f,
                &euros(unit.cold_rent),
                errors,
            )
            .inputmode("decimal")
            .suffix("€")
            .required(),
            field(
                t,
                "service_charges",
                Kind::Number,
                f,
                &euros(unit.service_charges),
                errors,
            )
            .inputmode("decimal")
            .suffix("€")
            .required(),
            field(
                t,
                "heating_costs",
                Kind::Number,
                f,
                &euros(unit.heating_costs),
                errors,
            )
            .inputmode("decimal")
            .suffix("€")
            .required(),
        ],
        "moved_in" => vec![
            field(t, "moved_in_on", Kind::Date, f, &today, errors).required(),
            field(
                t,
                "freed_site",
                Kind::Text,
                f,
                d.household
                    .profile
                    .follow_up_site
                    .as_deref()
                    .unwrap_or_default(),
                errors,
            )
            .wide(),
            field(
                t,
                "places_freed",
                Kind::Number,
                f,
                &d.household.profile.members.len().to_string(),
                errors,
            )
            .inputmode("numeric"),
        ],
        "ended_early" => vec![
            field(t, "ended_on", Kind::Date, f, &today, errors).required(),
            field(t, "reason", Kind::TextArea, f, "", errors).required(),
        ],
        _ => Vec::new(),
    }
}

fn follow_up_fields(t: Texts, f: &FormData, errors: &FieldErrors, today: &str) -> Vec<Field> {
    let yes_no = |name: &str| {
        Field::new(t, "followup", name, Kind::Radio)
            .value(if f.fields.is_empty() {
                "unknown".to_owned()
            } else {
                f.text(name)
            })
            .choices(
                ["yes", "no", "unknown"]
                    .iter()
                    .map(|v| {
                        (
                            (*v).to_owned(),
                            t.get(&format!("followup.answer.{v}")).to_owned(),
                        )
                    })
                    .collect(),
            )
            .error_from(t, errors)
    };
    vec![
        Field::new(t, "followup", "done_on", Kind::Date)
            .value(if f.fields.is_empty() {
                today.to_owned()
            } else {
                f.text("done_on")
            })
            .required()
            .error_from(t, errors),
        yes_no("rent_paid"),
        yes_no("support_needed"),
        Field::new(t, "followup", "problems", Kind::TextArea)
            .value(f.text("problems"))
            .error_from(t, errors),
        Field::new(t, "followup", "note", Kind::TextArea)
            .value(f.text("note"))
            .error_from(t, errors),
    ]
}

/// Which form failed, to show it open with its values and errors.
enum Failed<'a> {
    None,
    Action(&'a str, &'a FormData, &'a FieldErrors),
    FollowUp(i64, &'a FormData, &'a FieldErrors),
}

async fn proposal_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: i64,
    failed: Failed<'_>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let d = pipeline::detail(&ctx.app, user, id).await?;
    let v = &d.view;
    let u = &d.unit.details;
    let h = &d.household.profile;
    let empty = FormData::default();
    let no_errors = FieldErrors::default();
    let mut facts = vec![
        (t.get("pipeline.unit").to_owned(), v.unit_address.clone()),
        (
            t.get("pipeline.unit_facts").to_owned(),
            format!(
                "{} m² · {} {} · {} {} · {}: {}",
                explain::compact(locale, u.area_m2),
                explain::compact(locale, u.rooms),
                t.get("pipeline.rooms"),
                t.get("pipeline.floor"),
                u.floor,
                t.get("pipeline.gross_cold"),
                (u.cold_rent + u.service_charges).format(locale)
            ),
        ),
        (
            t.get("pipeline.landlord").to_owned(),
            [
                Some(d.landlord.display_name.clone()),
                d.landlord.contact_email.clone(),
                d.landlord.phone.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        ),
        (
            t.get("pipeline.household").to_owned(),
            format!(
                "{} · {}",
                h.reference,
                explain::persons(locale, h.members.len() as u32)
            ),
        ),
        (
            t.get("pipeline.household_contact").to_owned(),
            pipeline::household_address(&d.household)
                .unwrap_or_else(|| t.get("pipeline.no_address").to_owned()),
        ),
        (
            t.get("pipeline.score").to_owned(),
            format!("{} %", explain::number(locale, v.score * 100.0, 1)),
        ),
    ];
    if let Some(reason) = &v.override_reason {
        facts.push((t.get("pipeline.override_reason").to_owned(), reason.clone()));
    }
    if let Some(due) = v.answer_due_at.filter(|_| v.state.awaits_answer()) {
        facts.push((t.get("pipeline.answer_due").to_owned(), when(locale, due)));
    }
    let open_action = match &failed {
        Failed::Action(a, _, _) => Some(*a),
        _ => None,
    };
    let is_coordinator =
        user.can_manage(v.unit_municipality_id) || user.can_manage(v.household_municipality_id);
    let actions = if is_coordinator {
        pipeline::actions_from(v.state)
            .into_iter()
            .map(|action| {
                let (form, errors) = match &failed {
                    Failed::Action(a, f, e) if *a == action => (*f, *e),
                    _ => (&empty, &no_errors),
                };
                ActionForm {
                    action: action.to_owned(),
                    title: t.get(&format!("pipeline.actions.{action}")).to_owned(),
                    intro: t
                        .optional(&format!("pipeline.intros.{action}"))
                        .unwrap_or_default()
                        .to_owned(),
                    button: t.get(&format!("pipeline.buttons.{action}")).to_owned(),
                    fields: action_fields(ctx, &d, action, form, errors),
                    danger: matches!(
                        action,
                        "reject"
                            | "withdraw"
                            | "landlord_decline"
                            | "household_decline"
                            | "jobcenter_refused"
                            | "ended_early"
                    ),
                    open: open_action == Some(action),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let viewings = d
        .viewings
        .iter()
        .map(|vw| {
            let who = vw
                .accompanied_by_user_id
                .and_then(|id| {
                    d.companions
                        .iter()
                        .find(|(c, _)| *c == id)
                        .map(|(_, n)| n.clone())
                })
                .or_else(|| vw.accompanied_by_name.clone())
                .map(|n| format!(" · {}: {n}", t.get("pipeline.labels.companion")))
                .unwrap_or_default();
            (
                format!(
                    "{} · {}",
                    when(locale, vw.starts_at),
                    t.get(&format!("pipeline.viewing_status.{}", vw.status))
                ),
                format!(
                    "{}{who}{}",
                    vw.place,
                    vw.note
                        .as_ref()
                        .map(|n| format!(" · {n}"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect();
    let mut placement = Vec::new();
    if let Some(p) = &d.placement {
        let date = |x: Option<chrono::NaiveDate>| x.map(|d| explain::date(locale, d));
        if let Some(status) = &p.jobcenter_status {
            placement.push((
                t.get("pipeline.jobcenter").to_owned(),
                format!(
                    "{}{}{}",
                    t.get(&format!("pipeline.jobcenter_status.{status}")),
                    date(p.jobcenter_requested_on)
                        .map(|d| format!(", {} {d}", t.get("pipeline.requested_on")))
                        .unwrap_or_default(),
                    date(p.jobcenter_decided_on)
                        .map(|d| format!(", {} {d}", t.get("pipeline.decided_on")))
                        .unwrap_or_default()
                ),
            ));
        }
        if let Some(kind) = &p.lease_kind {
            placement.push((
                t.get("pipeline.lease_title").to_owned(),
                format!(
                    "{}, {} {}, {} {}, {} {}",
                    t.get(&format!("pipeline.lease.{kind}")),
                    t.get("pipeline.signed"),
                    date(p.lease_signed_on).unwrap_or_default(),
                    t.get("pipeline.starts"),
                    date(p.lease_start).unwrap_or_default(),
                    t.get("pipeline.cold_rent"),
                    crate::domain::Cents(p.rent_cold_cents.unwrap_or(0)).format(locale)
                ),
            ));
        }
        if let Some(on) = p.moved_in_on {
            placement.push((
                t.get("pipeline.moved_in").to_owned(),
                fill(
                    t.get("pipeline.moved_in_text"),
                    &[
                        ("date", &explain::date(locale, on)),
                        ("places", &p.places_freed.to_string()),
                        ("site", p.freed_site.as_deref().unwrap_or("–")),
                    ],
                ),
            ));
        }
        placement.push((
            t.get("pipeline.outcome").to_owned(),
            t.get(&format!("pipeline.outcomes.{}", p.outcome))
                .to_owned(),
        ));
        if let Some(reason) = &p.end_reason {
            placement.push((t.get("pipeline.end_reason").to_owned(), reason.clone()));
        }
    }
    let today = ctx.app.clock.today().to_string();
    let follow_ups = d
        .follow_ups
        .iter()
        .map(|fu| {
            let (form, errors, has_errors) = match &failed {
                Failed::FollowUp(id, f, e) if *id == fu.id => (*f, *e, true),
                _ => (&empty, &no_errors, false),
            };
            let answer = |v: Option<bool>| {
                t.get(match v {
                    Some(true) => "followup.answer.yes",
                    Some(false) => "followup.answer.no",
                    None => "followup.answer.unknown",
                })
            };
            FollowUpView {
                id: fu.id,
                heading: if fu.month == 1 {
                    t.get("followup.heading_one").to_owned()
                } else {
                    fill(t.get("followup.heading"), &[("n", &fu.month.to_string())])
                },
                due: explain::date(locale, fu.due_on),
                status: t.get(&format!("followup.status.{}", fu.status)).to_owned(),
                done: fu.status != "due",
                outcome: if fu.status == "done" {
                    format!(
                        "{} {} · {}: {} · {}: {}{}",
                        t.get("followup.done_on_text"),
                        fu.done_on
                            .map(|d| explain::date(locale, d))
                            .unwrap_or_default(),
                        t.get("followup.labels.rent_paid"),
                        answer(fu.rent_paid),
                        t.get("followup.labels.support_needed"),
                        answer(fu.support_needed),
                        fu.problems
                            .as_ref()
                            .map(|p| format!(" · {p}"))
                            .unwrap_or_default()
                    )
                } else {
                    String::new()
                },
                fields: follow_up_fields(t, form, errors, &today),
                has_errors,
            }
        })
        .collect();
    let incentives = d
        .incentives
        .iter()
        .map(|(r, p)| IncentiveView {
            id: r.id,
            name: if locale == Locale::En {
                p.name_en.clone()
            } else {
                p.name_de.clone()
            },
            status: t.get(&format!("incentive.status.{}", r.status)).to_owned(),
            granted: r
                .granted_amount_cents
                .map(|c| crate::domain::Cents(c).format(locale))
                .unwrap_or_default(),
            paid: match (r.paid_amount_cents, r.paid_on) {
                (Some(c), Some(on)) => format!(
                    "{} ({})",
                    crate::domain::Cents(c).format(locale),
                    explain::date(locale, on)
                ),
                _ => String::new(),
            },
            can_pay: r.status == "granted" && is_coordinator,
            can_decide: r.status == "requested" && is_coordinator,
        })
        .collect();
    let events = d
        .events
        .iter()
        .map(|e| EventLine {
            when: when(locale, e.created_at),
            state: e
                .to_state
                .parse::<ProposalState>()
                .map(|s| state_label(t, s))
                .unwrap_or_else(|_| e.to_state.clone()),
            who: {
                let kind = t
                    .get(&format!("pipeline.actor.{}", e.actor_kind))
                    .to_owned();
                match e.actor_user_id.and_then(|id| d.actors.get(&id)) {
                    Some(name) => format!("{kind} ({name})"),
                    None => kind,
                }
            },
            reason: [
                e.reason_code.as_ref().map(|c| {
                    let key = format!("pipeline.reason_codes.{c}");
                    let label = t.get(&key);
                    if label == key {
                        c.clone()
                    } else {
                        label.to_owned()
                    }
                }),
                // System reasons are English technical notes; their code says it all.
                e.reason.clone().filter(|_| {
                    !matches!(
                        e.reason_code.as_deref(),
                        Some("match_run" | "superseded" | "sent")
                    )
                }),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": "),
        })
        .collect();
    let error_summary = match &failed {
        Failed::None => None,
        _ => Some(t.get("form.summary_title").to_owned()),
    };
    let status = if error_summary.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ProposalPage {
        chrome: ctx.chrome(),
        nav: nav(
            ctx,
            user,
            Some(v.unit_municipality_id)
                .filter(|m| user.can_manage(*m))
                .or(Some(v.household_municipality_id)),
            "/proposals",
        )
        .await?,
        csrf: ctx.csrf(),
        id,
        state: state_label(t, v.state),
        facts,
        criteria: super::review::criterion_lines(t, locale, &d.criteria),
        actions,
        viewings,
        placement,
        follow_ups,
        incentives,
        events,
        error_summary,
        unit_id: d.unit.id,
        household_id: d.household.id,
    };
    Ok((status, page).into_response())
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
    match pipeline::act(&ctx.app, &user, id, &action, &form.fields).await {
        Ok(Ok(state)) => {
            ctx.session
                .flash("success", &format!("pipeline.done.{}", state.as_str()));
            Ok(Redirect::to(&format!("/workspace/proposals/{id}")).into_response())
        }
        Ok(Err(StepError::Fields(errors))) => {
            proposal_page(&ctx, &user, id, Failed::Action(&action, &form, &errors)).await
        }
        Ok(Err(e)) => Err(PageError::Conflict(blocked_message(t, ctx.locale, &e))),
        Err(e) => Err(service_conflict(t, e)),
    }
}

/// `POST /workspace/follow-ups/{id}`.
pub async fn record_follow_up(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    match pipeline::record_follow_up(&ctx.app, &user, id, &form.fields).await {
        Ok(Ok(proposal_id)) => {
            ctx.session.flash("success", "followup.saved");
            Ok(Redirect::to(&format!("/workspace/proposals/{proposal_id}")).into_response())
        }
        Ok(Err(errors)) => {
            let proposal_id = pipeline::proposal_of_follow_up(&ctx.app, id).await?;
            proposal_page(
                &ctx,
                &user,
                proposal_id,
                Failed::FollowUp(id, &form, &errors),
            )
            .await
        }
        Err(e) => Err(service_conflict(t, e)),
    }
}

/// `POST /workspace/incentives/{id}/paid`.
pub async fn incentive_paid(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    match pipeline::incentive_paid(
        &ctx.app,
        &user,
        id,
        form.get("paid_amount"),
        form.get("paid_on"),
    )
    .await
    {
        Ok(Ok(_)) => {
            ctx.session.flash("success", "pipeline.paid_saved");
            let back = form.get("back");
            let back = if back.starts_with("/workspace/proposals/") {
                back.to_owned()
            } else {
                "/workspace".to_owned()
            };
            Ok(Redirect::to(&back).into_response())
        }
        Ok(Err(errors)) => Err(PageError::Conflict(
            errors
                .0
                .values()
                .map(|k| t.get(k).to_owned())
                .collect::<Vec<_>>()
                .join(" "),
        )),
        Err(e) => Err(service_conflict(t, e)),
    }
}

// ---- placements ----

/// A placement in the table.
#[derive(Debug, Clone)]
pub struct PlacementLine {
    pub proposal_id: i64,
    pub unit: String,
    pub household: String,
    pub moved_in: String,
    pub lease: String,
    pub places: i32,
    pub outcome: String,
    pub next_follow_up: String,
}

/// `GET /m/{mid}/placements`.
#[derive(Template, WebTemplate)]
#[template(path = "placements.html")]
pub struct PlacementsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub rows: Vec<PlacementLine>,
}

/// `GET /m/{mid}/placements`.
pub async fn placements(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let locale = ctx.locale;
    let rows = pipeline::placements(&ctx.app, &user, mid)
        .await?
        .into_iter()
        .map(|p| PlacementLine {
            proposal_id: p.placement.proposal_id,
            unit: p.unit_address,
            household: p.household_reference,
            moved_in: p
                .placement
                .moved_in_on
                .map(|d| explain::date(locale, d))
                .unwrap_or_default(),
            lease: p
                .placement
                .lease_kind
                .as_ref()
                .map(|k| t.get(&format!("pipeline.lease.{k}")).to_owned())
                .unwrap_or_default(),
            places: p.placement.places_freed,
            outcome: t
                .get(&format!("pipeline.outcomes.{}", p.placement.outcome))
                .to_owned(),
            next_follow_up: p
                .next_follow_up
                .map(|(month, due)| {
                    fill(
                        t.get("followup.next"),
                        &[
                            ("month", &month.to_string()),
                            ("date", &explain::date(locale, due)),
                        ],
                    )
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(PlacementsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/proposals").await?,
        mid,
        rows,
    }
    .into_response())
}

// ---- volunteers ----

/// A viewing a volunteer accompanies.
#[derive(Debug, Clone)]
pub struct ViewingLine {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub unit: String,
    pub status: String,
    pub can_record: bool,
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
    let t = ctx.t();
    let rows = pipeline::viewings_for_volunteer(&ctx.app, &user)
        .await?
        .into_iter()
        .map(|(v, p)| ViewingLine {
            id: v.id,
            when: when(ctx.locale, v.starts_at),
            place: v.place.clone(),
            unit: p.unit_address,
            status: t
                .get(&format!("pipeline.viewing_status.{}", v.status))
                .to_owned(),
            can_record: v.status == "scheduled",
        })
        .collect();
    Ok(ViewingsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, None, "viewings").await?,
        csrf: ctx.csrf(),
        rows,
    }
    .into_response())
}

/// `POST /viewings/{id}`: the viewing took place.
pub async fn record_viewing(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_staff(&user)?;
    let t = ctx.t();
    pipeline::record_viewing(&ctx.app, &user, id, form.get("note"))
        .await
        .map_err(|e| service_conflict(t, e))?;
    ctx.session.flash("success", "pipeline.viewing_saved");
    Ok(Redirect::to("/viewings").into_response())
}

/// A unit in the municipality's list.
#[derive(Debug, Clone)]
pub struct UnitLine {
    pub id: i64,
    pub address: String,
    pub facts: String,
    pub status: String,
    pub available: String,
}

/// `GET /m/{mid}/units`.
#[derive(Template, WebTemplate)]
#[template(path = "units_list.html")]
pub struct UnitsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub rows: Vec<UnitLine>,
    pub counts: Vec<(String, usize)>,
}

/// `GET /m/{mid}/units`: every unit of the municipality (volunteers may read them).
pub async fn units_list(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let units = staff::units_of(&ctx.app, &user, mid).await?;
    let counts = crate::domain::unit::UnitStatus::ALL
        .iter()
        .map(|s| {
            (
                t.get(&format!("unit.status.{}", s.as_str())).to_owned(),
                units.iter().filter(|u| u.status == *s).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let rows = units
        .iter()
        .map(|u| {
            let d = &u.details;
            let a = &d.address;
            UnitLine {
                id: u.id,
                address: format!(
                    "{} {}, {} {}",
                    a.street, a.house_number, a.postal_code, a.town
                ),
                facts: format!(
                    "{} m² · {} {} · {}",
                    explain::compact(locale, d.area_m2),
                    explain::compact(locale, d.rooms),
                    t.get("pipeline.rooms"),
                    (d.cold_rent + d.service_charges).format(locale)
                ),
                status: t
                    .get(&format!("unit.status.{}", u.status.as_str()))
                    .to_owned(),
                available: explain::date(locale, d.available_from),
            }
        })
        .collect();
    Ok(UnitsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/units").await?,
        rows,
        counts,
    }
    .into_response())
}
