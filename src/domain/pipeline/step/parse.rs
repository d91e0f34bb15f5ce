//! Reading each step's fields from a form or a request, with the limits declared in the step's
//! field list; a step's fields are checked together and every error is reported.

use super::*;

/// The steps whose one required text is a reason (with a date for the Jobcenter's refusal).
pub(super) fn parse_with_reason(action: Action, mut r: Reader<'_>) -> Result<Step, FieldErrors> {
    let on = (action == Action::JobcenterRefused)
        .then(|| r.spec_date(&ON))
        .flatten();
    let reason = r.spec_text(&REASON);
    r.finish(|| {
        let reason = reason?;
        Some(match action {
            Action::Reject => Step::Reject { reason },
            Action::Withdraw => Step::Withdraw { reason },
            _ => Step::JobcenterRefused { on: on?, reason },
        })
    })
}

pub(super) fn parse_move_in(mut r: Reader<'_>) -> Result<Step, FieldErrors> {
    let on = r.spec_date(&MOVED_IN_ON);
    let freed_site = r.spec_text(&FREED_SITE);
    let places = r.spec_count(&PLACES_FREED);
    r.refine(
        "places_freed",
        "validation.out_of_range",
        "validation.places_range",
    );
    r.finish(|| {
        Some(Step::MovedIn(MoveIn {
            on: on?,
            freed_site,
            places_freed: places.map(|p| p as u32),
        }))
    })
}

/// A reason from a list and a text, which is needed when the reason is "other".
pub(super) fn decline<T: std::str::FromStr + Copy>(
    r: &mut Reader<'_>,
    spec: &FieldSpec,
    is_other: impl Fn(T) -> bool,
) -> (Option<T>, Option<String>) {
    let reason: Option<T> = r.spec_choice(spec);
    let note = r.spec_text(&REASON_OPTIONAL);
    if reason.is_some_and(&is_other) && note.is_none() && !r.has_error("reason") {
        r.error("reason", "validation.reason_required");
    }
    (reason, note)
}

pub(super) fn parse_viewing(mut r: Reader<'_>) -> Result<Step, FieldErrors> {
    let starts_at = r.spec_datetime(&STARTS_AT);
    let place = r.spec_text(&PLACE);
    let companion = r.spec_id(&COMPANION);
    let companion_name = r.spec_text(&COMPANION_NAME);
    let note = r.spec_text(&NOTE);
    r.finish(|| {
        Some(Step::ScheduleViewing(NewViewing {
            starts_at: starts_at?,
            place: place?,
            companion,
            companion_name,
            note,
        }))
    })
}

pub(super) fn parse_lease(mut r: Reader<'_>) -> Result<Step, FieldErrors> {
    let kind = r.spec_choice(&LEASE_KIND);
    let signed_on = r.spec_date(&SIGNED_ON);
    let start = r.spec_date(&LEASE_START);
    let rent_cold = r.spec_money(&RENT_COLD);
    let service_charges = r.spec_money(&SERVICE_CHARGES);
    let heating_costs = r.spec_money(&HEATING_COSTS);
    // The ranges in words, as in the flat form.
    r.refine(
        "rent_cold",
        "validation.out_of_range",
        "validation.rent_range",
    );
    for costs in ["service_charges", "heating_costs"] {
        r.refine(costs, "validation.out_of_range", "validation.costs_range");
    }
    r.finish(|| {
        Some(Step::LeaseSigned(Lease {
            kind: kind?,
            signed_on: signed_on?,
            start: start?,
            rent_cold: rent_cold?,
            service_charges: service_charges?,
            heating_costs: heating_costs?,
        }))
    })
}

pub(super) fn parse_check_in(mut r: Reader<'_>) -> Result<Step, FieldErrors> {
    let month = r.spec_count(&MONTH);
    r.refine(
        "month",
        "validation.out_of_range",
        "pipeline.invalid.follow_up_month",
    );
    if month.is_some_and(|m| !super::super::FOLLOW_UP_MONTHS.contains(&(m as u32))) {
        r.error("month", "pipeline.invalid.follow_up_month");
    }
    let done_on = r.spec_date(&DONE_ON);
    let rent_paid = r.yes_no(RENT_PAID.name);
    let support_needed = r.yes_no(SUPPORT_NEEDED.name);
    let problems = r.spec_text(&PROBLEMS);
    let note = r.spec_text(&FOLLOW_UP_NOTE);
    r.finish(|| {
        Some(Step::FollowUp(CheckIn {
            month: month? as u32,
            done_on: done_on?,
            rent_paid,
            support_needed,
            problems,
            note,
        }))
    })
}
