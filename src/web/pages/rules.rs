//! Rule tables and incentive programmes of a municipality.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::staff::{Staff, StaffNav, nav, require_coordinator};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::criteria::Criterion;
use crate::domain::format;
use crate::domain::incentive::IncentiveKind;
use crate::domain::input::Fields;
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale};
use crate::i18n::{Texts, fill};
use crate::services::rules::{self, SIZES};
use crate::services::{CurrentUser, staff};
use crate::web::error::PageError;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};

/// `GET /m/{mid}/rules`.
#[derive(Template, WebTemplate)]
#[template(path = "rules.html")]
pub struct RulesPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub mid: i64,
    pub current_version: Option<i32>,
    pub source: Option<String>,
    pub table: Vec<(String, String, String)>,
    pub settings: Vec<(String, String)>,
    pub summary: Vec<SummaryItem>,
    pub sections: Vec<Section>,
    pub versions: Vec<(i32, String, String, String, u64)>,
    pub programmes: Vec<ProgrammeLine>,
}

/// A programme in the list.
#[derive(Debug, Clone)]
pub struct ProgrammeLine {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub amount: String,
    pub budget: String,
    pub committed: String,
    pub paid: String,
    pub active: bool,
}

fn field(t: Texts, f: Fields<'_>, errors: &FieldErrors, name: &str, label: String) -> Field {
    Field::labelled(name, label, Kind::Number)
        .value(f.get(name))
        .inputmode("decimal")
        .error_from(t, errors)
}

/// The rent caps and area norms per household size, then for each further person.
fn cap_fields(t: Texts, f: Fields<'_>, errors: &FieldErrors) -> Vec<Field> {
    let mut caps = Vec::new();
    for persons in 1..=SIZES {
        let p = persons.to_string();
        caps.push(
            field(
                t,
                f,
                errors,
                &format!("cap_{persons}"),
                fill(t.get("rules.cap_for"), &[("n", &p)]),
            )
            .suffix("€"),
        );
        caps.push(
            field(
                t,
                f,
                errors,
                &format!("area_{persons}"),
                fill(t.get("rules.area_for"), &[("n", &p)]),
            )
            .suffix("m²"),
        );
    }
    caps.push(
        field(
            t,
            f,
            errors,
            "extra_cap",
            t.get("rules.labels.extra_cap").into(),
        )
        .suffix("€"),
    );
    caps.push(
        field(
            t,
            f,
            errors,
            "extra_area",
            t.get("rules.labels.extra_area").into(),
        )
        .suffix("m²"),
    );
    caps
}

fn sections(t: Texts, f: Fields<'_>, errors: &FieldErrors) -> Vec<Section> {
    let caps = cap_fields(t, f, errors);
    let weights = Criterion::ALL
        .iter()
        .map(|c| {
            field(
                t,
                f,
                errors,
                &format!("weight_{}", c.as_str()),
                t.get(&format!("criteria.{}", c.as_str())).into(),
            )
            .suffix("%")
        })
        .collect();
    vec![
        Section {
            id: "caps".into(),
            title: t.get("rules.sections.caps").into(),
            intro: Some(t.get("rules.sections.caps_intro").into()),
            fields: caps,
        },
        Section {
            id: "weights".into(),
            title: t.get("rules.sections.weights").into(),
            intro: Some(t.get("rules.sections.weights_intro").into()),
            fields: weights,
        },
        Section {
            id: "deadlines".into(),
            title: t.get("rules.sections.deadlines").into(),
            intro: None,
            fields: vec![
                Field::new(t, "rules", "answer_days", Kind::Number)
                    .value(f.get("answer_days"))
                    .inputmode("numeric")
                    .required()
                    .error_from(t, errors),
                Field::new(t, "rules", "reminder_days", Kind::Number)
                    .value(f.get("reminder_days"))
                    .inputmode("numeric")
                    .required()
                    .error_from(t, errors),
                Field::new(t, "rules", "auto_approve", Kind::Checkbox)
                    .checked(f.checked("auto_approve"))
                    .error_from(t, errors),
            ],
        },
        Section {
            id: "note".into(),
            title: t.get("rules.sections.note").into(),
            intro: None,
            fields: vec![
                Field::new(t, "rules", "source_note", Kind::Text)
                    .value(f.get("source_note"))
                    .wide()
                    .error_from(t, errors),
                Field::new(t, "rules", "change_note", Kind::Text)
                    .value(f.get("change_note"))
                    .wide()
                    .required()
                    .error_from(t, errors),
            ],
        },
    ]
}

fn money(locale: Locale, c: Option<i64>) -> String {
    c.map(|c| Cents(c).format(locale))
        .unwrap_or_else(|| "–".into())
}

/// The rules in force as tables: caps and areas per household size, and the deadlines.
type RuleTables = (Vec<(String, String, String)>, Vec<(String, String)>);

fn current_tables(t: Texts, locale: Locale, r: &crate::domain::norms::RuleSet) -> RuleTables {
    let mut table = Vec::new();
    let mut settings = Vec::new();
    for persons in 1..=SIZES {
        table.push((
            persons.to_string(),
            r.rent_caps.cap_for(persons).format(locale),
            format!(
                "{} m²",
                format::compact(locale, r.area_norms.area_for(persons))
            ),
        ));
    }
    table.push((
        t.get("rules.each_further").to_owned(),
        format!("+ {}", r.rent_caps.extra_person().format(locale)),
        format!(
            "+ {} m²",
            format::compact(locale, r.area_norms.extra_person_m2())
        ),
    ));
    settings.push((
        t.get("rules.labels.answer_days").to_owned(),
        r.answer_days.to_string(),
    ));
    settings.push((
        t.get("rules.labels.reminder_days").to_owned(),
        r.reminder_days.to_string(),
    ));
    settings.push((
        t.get("rules.labels.auto_approve").to_owned(),
        t.get(if r.auto_approve {
            "common.yes"
        } else {
            "common.no"
        })
        .to_owned(),
    ));
    (table, settings)
}

/// An incentive programme with its budget and what is committed and paid.
fn programme_line(t: Texts, locale: Locale, p: &rules::ProgrammeView) -> ProgrammeLine {
    ProgrammeLine {
        id: p.programme.id,
        name: if locale == Locale::En {
            p.programme.name_en.clone()
        } else {
            p.programme.name_de.clone()
        },
        kind: t
            .get(&format!("rules.kinds.{}", p.programme.kind))
            .to_owned(),
        amount: money(locale, p.programme.amount_cents),
        budget: money(locale, p.programme.budget_cents),
        committed: p.committed.format(locale),
        paid: p.paid.format(locale),
        active: p.programme.active,
    }
}

async fn rules_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    fields: Option<&[(String, String)]>,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let (current, versions) = rules::rules_of(&ctx.app, user, mid).await?;
    let defaults = rules::fields_of(current.as_ref().map(|c| &c.rules));
    let f = Fields(fields.unwrap_or(&defaults));
    let sections = sections(t, f, errors);
    let (table, settings) = current
        .as_ref()
        .map(|c| current_tables(t, locale, &c.rules))
        .unwrap_or_default();
    let versions = versions
        .into_iter()
        .map(|v| {
            (
                v.version,
                format::date(locale, crate::domain::time::berlin_date(v.created_at)),
                v.created_by.unwrap_or_else(|| "–".into()),
                v.change_note.unwrap_or_default(),
                v.runs,
            )
        })
        .collect();
    let programmes = rules::programmes(&ctx.app, user, mid)
        .await?
        .iter()
        .map(|p| programme_line(t, locale, p))
        .collect();
    let page = RulesPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(mid), "/rules").await?,
        csrf: ctx.csrf(),
        mid,
        current_version: current.as_ref().map(|c| c.version),
        source: current.as_ref().and_then(|c| c.rules.source_note.clone()),
        table,
        settings,
        summary: summary(&sections),
        sections,
        versions,
        programmes,
    };
    let status = crate::web::form::status_for(errors.is_empty());
    Ok((status, page).into_response())
}

/// `GET /m/{mid}/rules`.
pub async fn show_rules(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    rules_page(&ctx, &user, mid, None, &FieldErrors::default()).await
}

/// `POST /m/{mid}/rules`: saves a new version.
pub async fn save_rules(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    match rules::save(&ctx.app, &user, mid, &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "rules.saved");
            Ok(Redirect::to(&format!("/m/{mid}/rules")).into_response())
        }
        Err(errors) => rules_page(&ctx, &user, mid, Some(&form.fields), &errors).await,
    }
}

/// A form page for staff (programmes, users, municipalities, import).
#[derive(Template, WebTemplate)]
#[template(path = "staff_form.html")]
pub struct StaffFormPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub title: String,
    pub intro: Vec<String>,
    pub summary: Vec<SummaryItem>,
    pub action: String,
    pub csrf: String,
    pub multipart: bool,
    pub sections: Vec<Section>,
    pub submit: String,
    pub cancel: String,
}

impl StaffFormPage {
    /// The page with status 200, or 422 when a field has an error.
    pub fn respond(self) -> Response {
        let status = crate::web::form::status_for(self.summary.is_empty());
        (status, self).into_response()
    }
}

fn programme_sections(t: Texts, f: Fields<'_>, errors: &FieldErrors) -> Vec<Section> {
    let text = |name: &str, kind: Kind| {
        Field::new(t, "programme", name, kind)
            .value(f.get(name))
            .error_from(t, errors)
    };
    vec![Section {
        id: "programme".into(),
        title: String::new(),
        intro: None,
        fields: vec![
            text("kind", Kind::Select)
                .choices(
                    IncentiveKind::ALL
                        .iter()
                        .map(|k| {
                            (
                                k.as_str().to_owned(),
                                t.get(&format!("rules.kinds.{}", k.as_str())).to_owned(),
                            )
                        })
                        .collect(),
                )
                .required(),
            text("name_de", Kind::Text).required().wide(),
            text("name_en", Kind::Text).required().wide(),
            text("conditions_de", Kind::TextArea).required(),
            text("conditions_en", Kind::TextArea).required(),
            text("amount", Kind::Number)
                .inputmode("decimal")
                .suffix("€"),
            text("duration_months", Kind::Number).inputmode("numeric"),
            text("occupancy_years", Kind::Number).inputmode("numeric"),
            text("budget", Kind::Number)
                .inputmode("decimal")
                .suffix("€"),
            Field::new(t, "programme", "active", Kind::Checkbox)
                .checked(f.checked("active"))
                .error_from(t, errors),
        ],
    }]
}

#[allow(clippy::too_many_arguments)]
async fn programme_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    title: String,
    action: String,
    fields: &[(String, String)],
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let sections = programme_sections(t, Fields(fields), errors);
    Ok(StaffFormPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(mid), "/rules").await?,
        title,
        intro: vec![t.get("programme.intro").to_owned()],
        summary: summary(&sections),
        action,
        csrf: ctx.csrf(),
        multipart: false,
        sections,
        submit: t.get("programme.save").to_owned(),
        cancel: format!("/m/{mid}/rules#programmes"),
    }
    .respond())
}

/// `GET /m/{mid}/programmes/new`.
pub async fn new_programme(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    staff::municipality(&ctx.app, &user, mid, true).await?;
    programme_page(
        &ctx,
        &user,
        mid,
        ctx.t().get("programme.new_title").into(),
        format!("/m/{mid}/programmes/new"),
        &[("active".into(), "1".into())],
        &FieldErrors::default(),
    )
    .await
}

/// `POST /m/{mid}/programmes/new`.
pub async fn create_programme(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    match rules::save_programme(&ctx.app, &user, mid, None, &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "programme.saved");
            Ok(Redirect::to(&format!("/m/{mid}/rules#programmes")).into_response())
        }
        Err(errors) => {
            programme_page(
                &ctx,
                &user,
                mid,
                ctx.t().get("programme.new_title").into(),
                format!("/m/{mid}/programmes/new"),
                &form.fields,
                &errors,
            )
            .await
        }
    }
}

/// `GET /programmes/{id}/edit`.
pub async fn edit_programme(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let p = rules::programme(&ctx.app, &user, id).await?;
    programme_page(
        &ctx,
        &user,
        p.municipality_id,
        ctx.t().get("programme.edit_title").into(),
        format!("/programmes/{id}/edit"),
        &rules::programme_fields(&p),
        &FieldErrors::default(),
    )
    .await
}

/// `POST /programmes/{id}/edit`.
pub async fn update_programme(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let p = rules::programme(&ctx.app, &user, id).await?;
    let mid = p.municipality_id;
    match rules::save_programme(&ctx.app, &user, mid, Some(id), &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "programme.saved");
            Ok(Redirect::to(&format!("/m/{mid}/rules#programmes")).into_response())
        }
        Err(errors) => {
            programme_page(
                &ctx,
                &user,
                mid,
                ctx.t().get("programme.edit_title").into(),
                format!("/programmes/{id}/edit"),
                &form.fields,
                &errors,
            )
            .await
        }
    }
}
