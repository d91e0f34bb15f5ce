//! A flat's page: its facts, photos and incentives, and for staff the checks and
//! decisions; withdrawing it.

use super::*;

/// A label and a value on the unit page.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A requested incentive and where it stands.
#[derive(Debug, Clone)]
pub struct IncentiveView {
    /// For staff: what the programme has left to grant.
    pub budget: Option<String>,
    pub name: String,
    pub status: String,
    pub detail: Option<String>,
}

/// The unit page.
#[derive(Template, WebTemplate)]
#[template(path = "unit_show.html")]
pub struct UnitPage {
    pub chrome: Chrome,
    /// What staff see besides the landlord's view: the landlord, the proposals, actions.
    pub staff: Option<StaffPart>,
    pub id: i64,
    pub address: String,
    pub status: String,
    pub status_class: &'static str,
    pub next_step: String,
    pub facts: Vec<Fact>,
    pub photos: Vec<PhotoView>,
    pub incentives: Vec<IncentiveView>,
    pub can_edit: bool,
    pub can_withdraw: bool,
    pub withdrawn_reason: Option<String>,
    /// The flat can still be matched (not let, reserved or withdrawn).
    pub open: bool,
    /// A request waits for a decision.
    pub any_requested: bool,
    pub csrf: String,
    pub reason_error: Option<String>,
    pub reason_value: String,
}

/// The staff part of a flat's page.
#[derive(Debug, Clone)]
pub struct StaffPart {
    pub municipality_id: i64,
    pub landlord: Vec<(String, String)>,
    /// (proposal id, household reference, state, last change).
    pub proposals: Vec<(i64, String, String, String)>,
    pub can_check: bool,
    pub can_release: bool,
    pub manages: bool,
}

/// What staff see of a flat besides its facts.
fn staff_part(
    ctx: &PageCtx,
    user: &CurrentUser,
    unit: &units::StoredUnit,
    staff: units::StaffView,
) -> StaffPart {
    let t = ctx.t();
    let mut landlord = Vec::new();
    match staff.landlord {
        Some(units::LandlordContact::Erased) => landlord.push((
            text(t, "unit.staff.landlord"),
            text(t, "unit.landlord_erased"),
        )),
        Some(units::LandlordContact::Known {
            name,
            email,
            phone,
            address,
        }) => {
            landlord.push((text(t, "unit.staff.landlord"), name));
            for (key, value) in [
                ("unit.staff.email", email),
                ("unit.staff.phone", phone),
                ("unit.staff.address", address),
            ] {
                if let Some(v) = value {
                    landlord.push((text(t, key), v));
                }
            }
        }
        None => {}
    }
    let proposals = staff
        .proposals
        .into_iter()
        .map(|p| {
            (
                p.id,
                p.household_reference.clone(),
                crate::web::pages::pipeline::state_label(t, p.state),
                crate::web::pages::pipeline::when(ctx.locale, p.state_changed_at),
            )
        })
        .collect();
    let manages = user.can_manage(unit.municipality_id);
    StaffPart {
        municipality_id: unit.municipality_id,
        landlord,
        proposals,
        can_check: manages && unit.status == UnitStatus::Submitted,
        can_release: manages && matches!(unit.status, UnitStatus::Submitted | UnitStatus::Checked),
        manages,
    }
}

/// An amount, or "not given" for 0 € (how a field left blank is stored: heating paid by
/// the tenant directly, or no deposit asked, read better as "not given" than as 0 €).
fn amount_or_blank(t: Texts, amount: Cents) -> String {
    if amount.0 == 0 {
        text(t, "unit.not_given")
    } else {
        amount.format(t.locale)
    }
}

/// The CSS class of a status badge.
pub fn status_class(status: UnitStatus) -> &'static str {
    match status {
        UnitStatus::Submitted | UnitStatus::Checked => "badge-wait",
        UnitStatus::Available | UnitStatus::Reserved => "badge-active",
        UnitStatus::Let => "badge-done",
        UnitStatus::Withdrawn => "badge-off",
    }
}

fn yes(t: Texts, on: bool) -> String {
    text(t, if on { "common.yes" } else { "common.no" })
}

/// The flat's facts as the page lists them.
fn facts(t: Texts, d: &crate::domain::unit::UnitDetails) -> Vec<Fact> {
    let l = t.locale;
    let fact = |key: &str, value: String| Fact {
        label: text(t, key),
        value,
    };
    let measure = |v: f64| crate::domain::format::compact(l, v);
    let lease = match d.lease_end {
        Some(end) => format!(
            "{} ({})",
            text(t, "unit.lease.fixed_term"),
            crate::domain::format::date(l, end)
        ),
        None => text(t, "unit.lease.open_ended"),
    };
    let mut facts = vec![
        fact("unit.labels.area_m2", format!("{} m²", measure(d.area_m2))),
        fact("unit.labels.rooms", measure(d.rooms)),
        fact(
            "unit.labels.floor",
            crate::domain::format::floor(l, d.floor),
        ),
        fact("unit.labels.max_occupants", d.max_occupants.to_string()),
        fact("unit.labels.cold_rent", d.cold_rent.format(l)),
        fact("unit.labels.service_charges", d.service_charges.format(l)),
        fact(
            "unit.labels.heating_costs",
            amount_or_blank(t, d.heating_costs),
        ),
        fact("unit.gross_cold_rent", d.gross_cold_rent().format(l)),
        fact("unit.labels.deposit", amount_or_blank(t, d.deposit)),
        fact(
            "unit.labels.available_from",
            crate::domain::format::date(l, d.available_from),
        ),
        fact("unit.labels.lease_type", lease),
        fact("unit.labels.has_lift", yes(t, d.has_lift)),
        fact("unit.labels.step_free", yes(t, d.step_free)),
        fact(
            "unit.labels.wheelchair_accessible",
            yes(t, d.wheelchair_accessible),
        ),
        fact("unit.labels.pets_allowed", yes(t, d.pets_allowed)),
        fact("unit.labels.furnished", yes(t, d.furnished)),
    ];
    if !d.preferences.is_empty() {
        facts.push(fact(
            "unit.labels.pref_tags",
            d.preferences
                .iter()
                .map(|p| text(t, &format!("unit.tags.{}", p.as_str())))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if let Some(notes) = d.pref_notes.as_ref().filter(|n| !n.trim().is_empty()) {
        facts.push(fact("unit.labels.pref_notes", notes.clone()));
    }
    if let Some(max) = d.pref_max_household_size {
        facts.push(fact("unit.labels.pref_max_household_size", max.to_string()));
    }
    if let Some(description) = &d.description {
        facts.push(fact("unit.labels.description", description.clone()));
    }
    facts
}

async fn unit_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: i64,
    reason_error: Option<String>,
    reason_value: String,
) -> Result<Response, PageError> {
    let units::FlatPage {
        unit,
        requests,
        budgets,
        photos,
        staff,
        running,
    } = units::flat_page(&ctx.app, user, id)
        .await?
        .ok_or(PageError::NotFound)?;
    let t = ctx.t();
    let a = &unit.details.address;
    let is_staff = units::is_staff(user);
    let any_requested = requests
        .iter()
        .any(|(r, _)| r.status == IncentiveStatus::Requested.as_str());
    let incentives = incentive_views(t, requests, &budgets);
    let photos = flat_photo_views(t, photos, &a.one_line());
    let staff_part = staff.map(|s| staff_part(ctx, user, &unit, s));
    let withdrawn_reason = unit.withdrawn_reason.clone();
    let erased = withdrawn_reason.as_deref() == Some(crate::domain::personal_data::ERASED);
    let open = !matches!(
        unit.status,
        UnitStatus::Let | UnitStatus::Reserved | UnitStatus::Withdrawn
    );
    let next_step_key = next_step(t, &unit, is_staff, running.as_ref());
    let page = UnitPage {
        chrome: ctx.chrome(),
        staff: staff_part,
        id,
        address: crate::domain::unit::one_line(
            &a.street,
            &match &a.extra {
                Some(extra) => format!("{} ({extra})", a.house_number),
                None => a.house_number.clone(),
            },
            &a.postal_code,
            &a.town,
        ),
        status: text(t, &format!("unit.status.{}", unit.status.as_str())),
        status_class: status_class(unit.status),
        next_step: if erased {
            text(t, "unit.landlord_erased")
        } else {
            next_step_key
        },
        facts: facts(t, &unit.details),
        photos,
        incentives,
        can_edit: !erased && (open || unit.status == UnitStatus::Withdrawn),
        can_withdraw: open && !erased,
        withdrawn_reason: withdrawn_reason.filter(|_| !erased),
        open,
        any_requested: any_requested && unit.status != UnitStatus::Withdrawn,
        csrf: ctx.csrf(),
        reason_error,
        reason_value,
    };
    let status = crate::web::form::status_for(page.reason_error.is_none());
    Ok((status, page).into_response())
}

/// The incentives asked for, with their state, the amount granted (or the decision's
/// note) and what is left of the programme's budget.
fn incentive_views(
    t: Texts,
    requests: Vec<(
        entities::unit_incentive::Model,
        entities::incentive_programme::Model,
    )>,
    budgets: &std::collections::BTreeMap<i64, Option<Cents>>,
) -> Vec<IncentiveView> {
    let l = t.locale;
    requests
        .into_iter()
        .map(|(request, programme)| {
            let budget = budgets.get(&programme.id).copied().flatten().map(|left| {
                crate::i18n::fill(t.get("unit.budget_left"), &[("amount", &left.format(l))])
            });
            let amount = request.granted_amount_cents.map(|c| Cents(c).format(l));
            IncentiveView {
                budget,
                name: if l == Locale::En {
                    programme.name_en
                } else {
                    programme.name_de
                },
                status: text(t, &format!("incentive.status.{}", request.status)),
                detail: amount.or(request.decision_note),
            }
        })
        .collect()
}

/// The flat's photos, described in the landlord's words, else by what they are (never
/// by file name).
fn flat_photo_views(
    t: Texts,
    photos: Vec<entities::unit_photo::Model>,
    address: &str,
) -> Vec<PhotoView> {
    photos
        .into_iter()
        .enumerate()
        .map(|(i, p)| PhotoView {
            id: p.id,
            thumb: format!("/photos/{}?size=thumb", p.storage_key),
            name: p.alt_text.clone().unwrap_or_else(|| {
                crate::i18n::fill(
                    t.get("unit.photo_alt"),
                    &[("n", &(i + 1).to_string()), ("address", address)],
                )
            }),
            alt: String::new(),
        })
        .collect()
}

/// What comes next for the flat, for staff or for its landlord. Reserved: the landlord is
/// asked for an answer only while one is due from them.
fn next_step(
    t: Texts,
    unit: &units::StoredUnit,
    is_staff: bool,
    running: Option<&crate::services::proposals::LandlordProposal>,
) -> String {
    let status = unit.status.as_str();
    if is_staff {
        return text(t, &format!("unit.next_staff.{status}"));
    }
    if unit.status != UnitStatus::Reserved {
        return text(t, &format!("unit.next.{status}"));
    }
    let key = match running {
        Some(p) if p.awaits_landlord() => "unit.next.reserved",
        Some(p) if p.viewing_first() => "unit.next.reserved_times",
        _ => "unit.next.reserved_answered",
    };
    text(t, key)
}

/// `GET /units/{id}`.
pub async fn show_unit(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    unit_page(&ctx, &user, id, None, String::new()).await
}

/// `POST /units/{id}/withdraw`.
pub async fn withdraw_unit(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match units::withdraw(&ctx.app, &user, id, form.get("reason")).await {
        Ok(Ok(())) => {
            ctx.session.flash("success", "unit.withdrawn");
            Ok(Redirect::to(&format!("/units/{id}")).into_response())
        }
        Ok(Err(errors)) => {
            let message = errors.get("reason").map(|k| text(ctx.t(), k));
            unit_page(&ctx, &user, id, message, form.text("reason")).await
        }
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(ctx.t(), "unit.locked"))),
        Err(e) => Err(e.into()),
    }
}

// ---- photos ----
