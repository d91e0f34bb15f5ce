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
}

/// Which form failed, to show it open with its values and errors.
#[derive(Clone, Copy)]
enum Failed<'a> {
    None,
    Step(Action, &'a FormData, &'a FieldErrors),
    FollowUp(i64, &'a FormData, &'a FieldErrors),
    Payment(i64, &'a FormData, &'a FieldErrors),
}

impl<'a> Failed<'a> {
    fn step(self, action: Action) -> Option<(&'a FormData, &'a FieldErrors)> {
        match self {
            Failed::Step(a, f, e) if a == action => Some((f, e)),
            _ => None,
        }
    }

    fn follow_up(self, id: i64) -> Option<(&'a FormData, &'a FieldErrors)> {
        match self {
            Failed::FollowUp(i, f, e) if i == id => Some((f, e)),
            _ => None,
        }
    }

    fn payment(self, id: i64) -> Option<(&'a FormData, &'a FieldErrors)> {
        match self {
            Failed::Payment(i, f, e) if i == id => Some((f, e)),
            _ => None,
        }
    }
}

/// The labelled choices of `values`, their labels at `prefix.<value>`.
fn labelled(t: Texts, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), t.get(&format!("{prefix}.{v}")).to_owned()))
        .collect()
}

/// The choices of a field of a step's form.
fn choices(
    t: Texts,
    d: &ProposalDetail,
    action: Action,
    spec: &FieldSpec,
) -> Vec<(String, String)> {
    let choose = || (String::new(), t.get("pipeline.choose").to_owned());
    match spec.kind {
        FieldKind::Choice(values) if spec.name == "lease_kind" => {
            labelled(t, "pipeline.lease", values)
        }
        FieldKind::Choice(values) => {
            let prefix = match action {
                Action::LandlordDecline => "proposal.reasons",
                Action::HouseholdDecline => "pipeline.household_reasons",
                _ => "pipeline.end_reasons",
            };
            std::iter::once(choose())
                .chain(labelled(t, prefix, values))
                .collect()
        }
        FieldKind::YesNo => labelled(t, "followup.answer", YES_NO),
        FieldKind::Id => std::iter::once((String::new(), t.get("pipeline.nobody").to_owned()))
            .chain(
                d.companions
                    .iter()
                    .map(|(id, n)| (id.to_string(), n.clone())),
            )
            .collect(),
        _ => Vec::new(),
    }
}

/// What a step's field holds before anybody typed: today for dates, the flat's figures
/// for the lease, the household's size for the places freed.
fn default_value(ctx: &PageCtx, d: &ProposalDetail, name: &str) -> String {
    let today = ctx.app.clock.today();
    let unit = &d.unit.details;
    let euros = |c: crate::domain::Cents| format::number(ctx.locale, c.as_euros_f64(), 2);
    match name {
        "on" | "signed_on" | "moved_in_on" | "ended_on" | "done_on" => today.to_string(),
        "place" => {
            let a = &unit.address;
            a.one_line()
        }
        "lease_kind" => "direct".into(),
        "lease_start" => unit.available_from.max(today).to_string(),
        "rent_cold" => euros(unit.cold_rent),
        "service_charges" => euros(unit.service_charges),
        "heating_costs" => euros(unit.heating_costs),
        "freed_site" => d
            .household
            .profile
            .follow_up_site
            .clone()
            .unwrap_or_default(),
        "places_freed" => d.household.profile.members.len().to_string(),
        "rent_paid" | "support_needed" => "unknown".into(),
        _ => String::new(),
    }
}

/// One field of a form, rendered from its declaration.
fn spec_field(
    t: Texts,
    section: &str,
    form: &str,
    spec: &FieldSpec,
    value: String,
    choices: Vec<(String, String)>,
    errors: &FieldErrors,
) -> Field {
    let kind = match spec.kind {
        FieldKind::Text { .. } | FieldKind::DateTime => Kind::Text,
        FieldKind::Note { .. } => Kind::TextArea,
        FieldKind::Date => Kind::Date,
        FieldKind::Money { .. } | FieldKind::Count { .. } => Kind::Number,
        FieldKind::Choice(values) if values.len() <= 3 => Kind::Radio,
        FieldKind::YesNo => Kind::Radio,
        FieldKind::Choice(_) | FieldKind::Id => Kind::Select,
    };
    let mut field = Field::new(t, section, spec.name, kind)
        .in_form(form)
        .value(value);
    field = match spec.kind {
        FieldKind::Money { .. } => field.inputmode("decimal").suffix("€"),
        FieldKind::Count { .. } => field.inputmode("numeric"),
        FieldKind::Text { .. } => field.wide(),
        _ => field,
    };
    if !choices.is_empty() {
        field = field.choices(choices);
    }
    if spec.required {
        field = field.required();
    }
    field.error_from(t, errors)
}

/// The fields of a step's form (follow-ups without their month, which the row gives).
fn step_fields(
    ctx: &PageCtx,
    d: &ProposalDetail,
    action: Action,
    form: &str,
    failed: Option<(&FormData, &FieldErrors)>,
) -> Vec<Field> {
    let t = ctx.t();
    let none = FieldErrors::default();
    let section = if action == Action::FollowUp {
        "followup"
    } else {
        "pipeline"
    };
    action
        .fields()
        .iter()
        .filter(|spec| spec.name != "month")
        .map(|spec| {
            let (value, errors) = match failed {
                Some((f, e)) => (f.text(spec.name), e),
                None => (default_value(ctx, d, spec.name), &none),
            };
            let choices = choices(t, d, action, spec);
            spec_field(t, section, form, spec, value, choices, errors)
        })
        .collect()
}

fn field_names(fields: &[Field]) -> Vec<&str> {
    fields.iter().map(|f| f.name.as_str()).collect()
}

/// A form for every step open from the proposal's state.
fn action_forms(ctx: &PageCtx, d: &ProposalDetail, failed: Failed<'_>) -> Vec<ActionForm> {
    let t = ctx.t();
    Action::open_from(d.view.state)
        .into_iter()
        .map(|action| {
            let tried = failed.step(action);
            let name = action.as_str();
            let fields = step_fields(ctx, d, action, name, tried);
            ActionForm {
                action: name.to_owned(),
                title: t.get(&format!("pipeline.actions.{name}")).to_owned(),
                intro: t
                    .optional(&format!("pipeline.intros.{name}"))
                    .unwrap_or_default()
                    .to_owned(),
                button: t.get(&format!("pipeline.buttons.{name}")).to_owned(),
                notices: tried
                    .map(|(_, e)| notices(t, e, &field_names(&fields)))
                    .unwrap_or_default(),
                fields,
                danger: action.is_ending(),
                open: tried.is_some(),
            }
        })
        .collect()
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

fn placement_lines(ctx: &PageCtx, d: &ProposalDetail) -> Vec<(String, String)> {
    let (t, locale) = (ctx.t(), ctx.locale);
    let Some(p) = &d.placement else {
        return Vec::new();
    };
    let date = |x: Option<chrono::NaiveDate>| x.map(|d| format::date(locale, d));
    let mut lines = Vec::new();
    if let Some(status) = &p.jobcenter_status {
        lines.push((
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
        lines.push((
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
        lines.push((
            t.get("pipeline.moved_in").to_owned(),
            fill(
                t.get("pipeline.moved_in_text"),
                &[
                    ("date", &format::date(locale, on)),
                    ("places", &p.places_freed.to_string()),
                    ("site", p.freed_site.as_deref().unwrap_or("–")),
                ],
            ),
        ));
    }
    lines.push((
        t.get("pipeline.outcome").to_owned(),
        t.get(&format!("pipeline.outcomes.{}", p.outcome))
            .to_owned(),
    ));
    let code = p.end_reason_code.as_deref().and_then(|c| {
        t.optional(&format!("pipeline.end_reasons.{c}"))
            .map(str::to_owned)
    });
    let end = [code, p.end_reason.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    if !end.is_empty() {
        lines.push((t.get("pipeline.end_reason").to_owned(), end));
    }
    lines
}

fn follow_up_outcome(t: Texts, locale: Locale, fu: &entities::follow_up::Model) -> String {
    let answer = |v: Option<bool>| {
        t.get(match v {
            Some(true) => "followup.answer.yes",
            Some(false) => "followup.answer.no",
            None => "followup.answer.unknown",
        })
    };
    format!(
        "{} {} · {}: {} · {}: {}{}",
        t.get("followup.done_on_text"),
        fu.done_on
            .map(|d| format::date(locale, d))
            .unwrap_or_default(),
        t.get("followup.labels.rent_paid"),
        answer(fu.rent_paid),
        t.get("followup.labels.support_needed"),
        answer(fu.support_needed),
        [&fu.problems, &fu.note]
            .into_iter()
            .flatten()
            .map(|p| format!(" · {p}"))
            .collect::<String>()
    )
}

fn follow_up_views(ctx: &PageCtx, d: &ProposalDetail, failed: Failed<'_>) -> Vec<FollowUpView> {
    let (t, locale) = (ctx.t(), ctx.locale);
    d.follow_ups
        .iter()
        .map(|fu| {
            let tried = failed.follow_up(fu.id);
            let fields = step_fields(ctx, d, Action::FollowUp, &format!("fu{}", fu.id), tried);
            FollowUpView {
                id: fu.id,
                heading: if fu.month == 1 {
                    t.get("followup.heading_one").to_owned()
                } else {
                    fill(t.get("followup.heading"), &[("n", &fu.month.to_string())])
                },
                due: format::date(locale, fu.due_on),
                status: t.get(&format!("followup.status.{}", fu.status)).to_owned(),
                done: fu.status != "due",
                outcome: if fu.status == "done" {
                    follow_up_outcome(t, locale, fu)
                } else {
                    String::new()
                },
                notices: tried
                    .map(|(_, e)| notices(t, e, &field_names(&fields)))
                    .unwrap_or_default(),
                fields,
                has_errors: tried.is_some(),
            }
        })
        .collect()
}

fn incentive_views(
    ctx: &PageCtx,
    d: &ProposalDetail,
    is_coordinator: bool,
    failed: Failed<'_>,
) -> Vec<IncentiveView> {
    let (t, locale) = (ctx.t(), ctx.locale);
    let none = FieldErrors::default();
    d.incentives
        .iter()
        .map(|(r, p)| {
            let granted = r
                .granted_amount_cents
                .map(|c| crate::domain::Cents(c).format(locale))
                .unwrap_or_default();
            // A grant may be paid in parts: the form offers what is still open.
            let open = crate::domain::Cents(
                r.granted_amount_cents.unwrap_or(0) - r.paid_amount_cents.unwrap_or(0),
            );
            let form = format!("paid{}", r.id);
            let (values, errors) = match failed.payment(r.id) {
                Some((f, e)) => ((f.text("paid_amount"), f.text("paid_on")), e),
                None => (
                    (open.format(locale), ctx.app.clock.today().to_string()),
                    &none,
                ),
            };
            let fields = vec![
                Field::new(t, "pipeline", "paid_amount", Kind::Number)
                    .in_form(&form)
                    .value(values.0)
                    .inputmode("decimal")
                    .required()
                    .error_from(t, errors),
                Field::new(t, "pipeline", "paid_on", Kind::Date)
                    .in_form(&form)
                    .value(values.1)
                    .required()
                    .error_from(t, errors),
            ];
            IncentiveView {
                id: r.id,
                name: if locale == Locale::En {
                    p.name_en.clone()
                } else {
                    p.name_de.clone()
                },
                status: t.get(&format!("incentive.status.{}", r.status)).to_owned(),
                paid: match (r.paid_amount_cents, r.paid_on) {
                    (Some(c), Some(on)) if open.0 > 0 => format!(
                        "{} ({}) · {} {}",
                        crate::domain::Cents(c).format(locale),
                        format::date(locale, on),
                        t.get("pipeline.still_open"),
                        open.format(locale)
                    ),
                    (Some(c), Some(on)) => format!(
                        "{} ({})",
                        crate::domain::Cents(c).format(locale),
                        format::date(locale, on)
                    ),
                    _ => String::new(),
                },
                granted,
                can_pay: r.status == "granted" && is_coordinator,
                can_decide: r.status == "requested" && is_coordinator,
                fields,
            }
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

/// The error summary of the forms that came back: each field's message linked to it, and
/// the messages about a whole step linked to its form.
fn error_summary(
    actions: &[ActionForm],
    follow_ups: &[FollowUpView],
    incentives: &[IncentiveView],
) -> Vec<SummaryItem> {
    let of_fields = |fields: &[Field]| {
        fields
            .iter()
            .filter_map(|f| {
                f.error.as_ref().map(|e| SummaryItem {
                    target: f.id(),
                    message: format!("{}: {e}", f.label),
                })
            })
            .collect::<Vec<_>>()
    };
    let of_notices = |target: String, notices: &[String]| {
        notices
            .iter()
            .map(|n| SummaryItem {
                target: target.clone(),
                message: n.clone(),
            })
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    for a in actions.iter().filter(|a| a.open) {
        out.extend(of_notices(format!("step-{}", a.action), &a.notices));
        out.extend(of_fields(&a.fields));
    }
    for f in follow_ups.iter().filter(|f| f.has_errors) {
        out.extend(of_notices(format!("fu-{}", f.id), &f.notices));
        out.extend(of_fields(&f.fields));
    }
    for i in incentives {
        out.extend(of_fields(&i.fields));
    }
    out
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
