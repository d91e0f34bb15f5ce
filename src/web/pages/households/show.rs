//! A household's profile page and its status (pause, close, reactivate).

use super::*;

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
    let p = &h.profile;
    let areas = households::area_choices(&ctx.app).await?;
    let opt = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| format::date(locale, d));
    let mut facts = vec![
        (
            "household.labels.residence_status",
            t.get(&format!(
                "household.residence.{}",
                p.residence_status.as_str()
            ))
            .to_owned(),
        ),
        (
            "household.labels.benefit_type",
            opt(p.benefit_type.map(|b| {
                t.get(&format!("household.benefit.{}", b.as_str()))
                    .to_owned()
            })),
        ),
        (
            "household.labels.work_situation",
            opt(p.work_situation.map(|w| {
                t.get(&format!("proposal.work_situation.{}", w.as_str()))
                    .to_owned()
            })),
        ),
        ("household.labels.wheelchair", yes_no(t, p.wheelchair)),
        (
            "household.labels.max_floor_without_lift",
            opt(p.max_floor_without_lift.map(|v| v.to_string())),
        ),
        (
            "household.labels.rooms_wanted",
            opt(p.rooms_wanted.map(|v| format::compact(locale, v))),
        ),
        ("household.labels.pets", yes_no(t, p.pets)),
        (
            "household.labels.allowed",
            if p.residence_obligation {
                let names: Vec<String> = h
                    .allowed_municipalities
                    .iter()
                    .filter_map(|id| areas.iter().find(|(a, _)| a == id))
                    .map(|(_, n)| n.clone())
                    .collect();
                let until = date(p.residence_obligation_until)
                    .map(|d| format!(" ({} {d})", t.get("household.until")))
                    .unwrap_or_default();
                format!("{}{until}", names.join(", "))
            } else {
                t.get("household.no_obligation").to_owned()
            },
        ),
        (
            "household.labels.max_distance_km",
            opt(p.max_distance_km.map(|v| format::km(locale, v))),
        ),
        (
            "household.labels.latest_move_date",
            opt(date(p.latest_move_date)),
        ),
        (
            "household.labels.follow_up_site",
            opt(p.follow_up_site.clone()),
        ),
        (
            "household.labels.in_follow_up_since",
            opt(date(p.in_follow_up_since)),
        ),
        (
            "household.labels.urgency",
            format!(
                "{}{}",
                t.get(&format!("household.urgency.{}", p.urgency)),
                p.urgency_reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ),
        (
            "household.labels.languages",
            p.languages
                .iter()
                .map(|code| crate::web::pages::dashboard::language_name(t, code))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "household.labels.preferred_language",
            language_label(t, p.preferred_language),
        ),
        ("household.labels.email", opt(p.email.clone())),
        ("household.labels.phone", opt(p.phone.clone())),
        (
            "household.labels.caseworker_name",
            opt(p.caseworker_name.clone().map(|n| {
                [
                    Some(n),
                    p.caseworker_email.clone(),
                    p.caseworker_phone.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
            })),
        ),
        (
            "household.labels.landlord_text",
            opt(p.landlord_text.clone()),
        ),
        (
            "household.labels.consent_given",
            match &h.consent {
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
            },
        ),
        ("household.labels.notes", opt(p.notes.clone())),
    ];
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
    let today = ctx.app.clock.today();
    let members = p
        .members
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
        .collect();
    let anchors = p
        .anchors
        .iter()
        .map(|a| Fact {
            label: format!(
                "{}: {}",
                t.get(&format!("household.anchor.{}", a.kind.as_str())),
                a.label
            ),
            value: [
                a.street.clone(),
                Some(
                    format!(
                        "{} {}",
                        a.postal_code.as_deref().unwrap_or_default(),
                        a.town.as_deref().unwrap_or_default()
                    )
                    .trim()
                    .to_owned(),
                ),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
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
        reference: p.reference.clone(),
        status: t
            .get(&format!("household.status.{}", h.status.as_str()))
            .to_owned(),
        status_key: h.status.as_str().to_owned(),
        facts,
        members,
        anchors,
        proposals,
        reason_error,
        reason,
    };
    Ok((status, page).into_response())
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
