//! A household's profile page and its status (pause, close, reactivate).

use super::*;
use crate::domain::household::HouseholdProfile;

/// A line of the profile.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A proposal of the household, as the profile lists it.
#[derive(Debug, Clone)]
pub struct ProposalLine {
    pub id: i64,
    pub unit: String,
    pub state: String,
    pub since: String,
}

/// `GET /households/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "household_show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub reference: String,
    pub status: String,
    pub status_key: String,
    pub facts: Vec<Fact>,
    pub members: Vec<Fact>,
    pub anchors: Vec<Fact>,
    pub proposals: Vec<ProposalLine>,
    pub reason_error: Option<String>,
    pub reason: String,
}

fn yes_no(t: Texts, v: bool) -> String {
    t.get(if v { "common.yes" } else { "common.no" }).to_owned()
}

async fn show_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    h: StoredHousehold,
    reason_error: Option<String>,
    reason: String,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let areas = households::area_choices(&ctx.app).await?;
    let mut facts = situation_facts(t, locale, &h, &areas);
    facts.extend(contact_facts(t, locale, &h));
    if !h.consents_to_matching() {
        facts.insert(
            0,
            (
                "household.warning",
                t.get("household.not_matched").to_owned(),
            ),
        );
    }
    let facts = facts
        .into_iter()
        .map(|(k, v)| Fact {
            label: t.get(k).to_owned(),
            value: v,
        })
        .collect();
    let proposals = pipeline::for_household(&ctx.app, user, h.id)
        .await?
        .into_iter()
        .map(|p| ProposalLine {
            id: p.id,
            unit: p.unit_address,
            state: t
                .get(&format!("pipeline.state.{}", p.state.as_str()))
                .to_owned(),
            since: format::date(locale, crate::domain::time::berlin_date(p.state_changed_at)),
        })
        .collect();
    let status = crate::web::form::status_for(reason_error.is_none());
    let page = ShowPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(h.municipality_id), "/households").await?,
        csrf: ctx.csrf(),
        id: h.id,
        reference: h.profile.reference.clone(),
        status: t
            .get(&format!("household.status.{}", h.status.as_str()))
            .to_owned(),
        status_key: h.status.as_str().to_owned(),
        facts,
        members: member_facts(t, &h.profile, ctx.app.clock.today()),
        anchors: anchor_facts(t, &h.profile),
        proposals,
        reason_error,
        reason,
    };
    Ok((status, page).into_response())
}

/// A missing value as the profile shows it.
fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "–".into())
}

/// The household's situation: status, needs, where and when it may move, urgency.
fn situation_facts(
    t: Texts,
    locale: crate::domain::Locale,
    h: &StoredHousehold,
    areas: &[(i64, String)],
) -> Vec<(&'static str, String)> {
    let p = &h.profile;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format::date(locale, d));
    let word = |prefix: &str, value: &str| t.get(&format!("{prefix}.{value}")).to_owned();
    let allowed = allowed_text(t, locale, h, areas);
    let reason = p
        .urgency_reason
        .as_ref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    vec![
        (
            "household.labels.residence_status",
            word("household.residence", p.residence_status.as_str()),
        ),
        (
            "household.labels.benefit_type",
            or_dash(
                p.benefit_type
                    .map(|b| word("household.benefit", b.as_str())),
            ),
        ),
        (
            "household.labels.work_situation",
            or_dash(
                p.work_situation
                    .map(|w| word("proposal.work_situation", w.as_str())),
            ),
        ),
        ("household.labels.wheelchair", yes_no(t, p.wheelchair)),
        (
            "household.labels.max_floor_without_lift",
            or_dash(p.max_floor_without_lift.map(|v| v.to_string())),
        ),
        (
            "household.labels.rooms_wanted",
            or_dash(p.rooms_wanted.map(|v| format::compact(locale, v))),
        ),
        ("household.labels.pets", yes_no(t, p.pets)),
        ("household.labels.allowed", allowed),
        (
            "household.labels.max_distance_km",
            or_dash(p.max_distance_km.map(|v| format::km(locale, v))),
        ),
        (
            "household.labels.latest_move_date",
            or_dash(date(p.latest_move_date)),
        ),
        (
            "household.labels.follow_up_site",
            or_dash(p.follow_up_site.clone()),
        ),
        (
            "household.labels.in_follow_up_since",
            or_dash(date(p.in_follow_up_since)),
        ),
        (
            "household.labels.urgency",
            format!(
                "{}{reason}",
                word("household.urgency", &p.urgency.to_string())
            ),
        ),
    ]
}

/// Where a residence obligation allows the household to live, and until when.
fn allowed_text(
    t: Texts,
    locale: crate::domain::Locale,
    h: &StoredHousehold,
    areas: &[(i64, String)],
) -> String {
    let p = &h.profile;
    if !p.residence_obligation {
        return t.get("household.no_obligation").to_owned();
    }
    let names: Vec<String> = h
        .allowed_municipalities
        .iter()
        .filter_map(|id| areas.iter().find(|(a, _)| a == id))
        .map(|(_, n)| n.clone())
        .collect();
    let until = p
        .residence_obligation_until
        .map(|d| {
            format!(
                " ({} {})",
                t.get("household.until"),
                format::date(locale, d)
            )
        })
        .unwrap_or_default();
    format!("{}{until}", names.join(", "))
}

/// Languages, contact, what landlords may read, consent and notes.
fn contact_facts(
    t: Texts,
    locale: crate::domain::Locale,
    h: &StoredHousehold,
) -> Vec<(&'static str, String)> {
    let p = &h.profile;
    let languages = p
        .languages
        .iter()
        .map(|code| crate::web::pages::overview::language_name(t, code))
        .collect::<Vec<_>>()
        .join(", ");
    let caseworker = p.caseworker_name.clone().map(|n| {
        [
            Some(n),
            p.caseworker_email.clone(),
            p.caseworker_phone.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    });
    let consent = match &h.consent {
        Some(c) => format!(
            "{} {} ({})",
            t.get("household.consent_on"),
            format::date(locale, crate::domain::time::berlin_date(c.at)),
            c.scope
                .split(',')
                .map(|s| t.get(&format!("household.scope.{}", s.trim())).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => t.get("household.no_consent").to_owned(),
    };
    vec![
        ("household.labels.languages", languages),
        (
            "household.labels.preferred_language",
            language_label(t, p.preferred_language),
        ),
        ("household.labels.email", or_dash(p.email.clone())),
        ("household.labels.phone", or_dash(p.phone.clone())),
        ("household.labels.caseworker_name", or_dash(caseworker)),
        (
            "household.labels.landlord_text",
            or_dash(p.landlord_text.clone()),
        ),
        ("household.labels.consent_given", consent),
        ("household.labels.notes", or_dash(p.notes.clone())),
    ]
}

/// The members: name, then role, year of birth and age `today`.
fn member_facts(t: Texts, p: &HouseholdProfile, today: chrono::NaiveDate) -> Vec<Fact> {
    p.members
        .iter()
        .map(|m| Fact {
            label: format!(
                "{} {}",
                m.first_name,
                m.last_name.as_deref().unwrap_or_default()
            )
            .trim()
            .to_owned(),
            value: format!(
                "{}, {} {} ({})",
                t.get(&format!("household.role.{}", m.role.as_str())),
                t.get("household.born"),
                m.birth_year,
                crate::i18n::fill(
                    t.get("household.age"),
                    &[("n", &m.age_on(today).to_string())]
                )
            ),
        })
        .collect()
}

/// The important places: kind and name, then the address.
fn anchor_facts(t: Texts, p: &HouseholdProfile) -> Vec<Fact> {
    p.anchors
        .iter()
        .map(|a| {
            let town = format!(
                "{} {}",
                a.postal_code.as_deref().unwrap_or_default(),
                a.town.as_deref().unwrap_or_default()
            );
            Fact {
                label: format!(
                    "{}: {}",
                    t.get(&format!("household.anchor.{}", a.kind.as_str())),
                    a.label
                ),
                value: [a.street.clone(), Some(town.trim().to_owned())]
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect()
}

/// `GET /households/{id}`.
pub async fn show_household(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = households::get(&ctx.app, &user, id).await?;
    show_page(&ctx, &user, h, None, String::new()).await
}

/// `POST /households/{id}/status`: pause, close (with a reason) or reactivate.
pub async fn change_status(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let to: HouseholdStatus = form
        .get("to")
        .parse()
        .map_err(|_| PageError::BadRequest("unknown status".into()))?;
    match households::set_status(&ctx.app, &user, id, to, form.get("reason")).await {
        Ok(Ok(())) => {
            ctx.session.flash("success", "household.status_changed");
            Ok(Redirect::to(&format!("/households/{id}")).into_response())
        }
        Ok(Err(errors)) => {
            let h = households::get(&ctx.app, &user, id).await?;
            let message = errors.get("reason").map(|k| ctx.t().get(k).to_owned());
            show_page(&ctx, &user, h, message, form.text("reason")).await
        }
        Err(e) => Err(e.into()),
    }
}
