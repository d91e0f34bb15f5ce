//! What follows both sides' yes on a proposal's page: the placement's facts, the follow-ups
//! after moving in, and the incentives with their payments.

use super::*;

pub(super) fn placement_lines(ctx: &PageCtx, d: &ProposalDetail) -> Vec<(String, String)> {
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

pub(super) fn follow_up_outcome(
    t: Texts,
    locale: Locale,
    fu: &entities::follow_up::Model,
) -> String {
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

pub(super) fn follow_up_views(
    ctx: &PageCtx,
    d: &ProposalDetail,
    failed: Failed<'_>,
) -> Vec<FollowUpView> {
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

pub(super) fn incentive_views(
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
