//! The forms of a proposal's open steps, rendered from each step's declared fields: labels,
//! choices, the values to start from, and a refused form's values and messages kept.

use super::*;

/// Which form failed, to show it open with its values and errors.
#[derive(Clone, Copy)]
pub(super) enum Failed<'a> {
    None,
    Step(Action, &'a FormData, &'a FieldErrors),
    FollowUp(i64, &'a FormData, &'a FieldErrors),
    Payment(i64, &'a FormData, &'a FieldErrors),
}

impl<'a> Failed<'a> {
    pub(super) fn step(self, action: Action) -> Option<(&'a FormData, &'a FieldErrors)> {
        match self {
            Failed::Step(a, f, e) if a == action => Some((f, e)),
            _ => None,
        }
    }

    pub(super) fn follow_up(self, id: i64) -> Option<(&'a FormData, &'a FieldErrors)> {
        match self {
            Failed::FollowUp(i, f, e) if i == id => Some((f, e)),
            _ => None,
        }
    }

    pub(super) fn payment(self, id: i64) -> Option<(&'a FormData, &'a FieldErrors)> {
        match self {
            Failed::Payment(i, f, e) if i == id => Some((f, e)),
            _ => None,
        }
    }
}

/// The labelled choices of `values`, their labels at `prefix.<value>`.
pub(super) fn labelled(t: Texts, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), t.get(&format!("{prefix}.{v}")).to_owned()))
        .collect()
}

/// The choices of a field of a step's form.
pub(super) fn choices(
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
pub(super) fn default_value(ctx: &PageCtx, d: &ProposalDetail, name: &str) -> String {
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
pub(super) fn spec_field(
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
pub(super) fn step_fields(
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

pub(super) fn field_names(fields: &[Field]) -> Vec<&str> {
    fields.iter().map(|f| f.name.as_str()).collect()
}

/// A form for every step open from the proposal's state.
pub(super) fn action_forms(
    ctx: &PageCtx,
    d: &ProposalDetail,
    failed: Failed<'_>,
) -> Vec<ActionForm> {
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

/// The error summary of the forms that came back: each field's message linked to it, and
/// the messages about a whole step linked to its form.
pub(super) fn error_summary(
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
