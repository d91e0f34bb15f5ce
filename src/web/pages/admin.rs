//! Admin pages: staff accounts and municipalities.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::rules::StaffFormPage;
use super::staff::{Staff, StaffNav, nav};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::Locale;
use crate::domain::format;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::i18n::Texts;
use crate::services::admin::{self, MunicipalityInput, NewStaff};
use crate::services::{Actor, CurrentUser};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};

fn admin_only(user: &CurrentUser) -> Result<Actor, PageError> {
    if user.role == Role::Admin {
        Ok(Actor::User(user.clone()))
    } else {
        Err(PageError::NotFound)
    }
}

/// A user in the list.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub municipalities: String,
    pub state: String,
    pub invited: bool,
    pub disabled: bool,
    pub last_login: String,
}

/// A staff member in the list, with their state (invited, active, disabled).
fn user_row(t: Texts, locale: Locale, l: &admin::UserLine) -> UserRow {
    let u = &l.user;
    let (state, invited) = if u.disabled_at.is_some() {
        (t.get("admin.state.disabled"), false)
    } else if u.password_hash.is_none() {
        (t.get("admin.state.invited"), true)
    } else {
        (t.get("admin.state.active"), false)
    };
    UserRow {
        id: u.id,
        name: u.display_name.clone(),
        email: u.email.clone(),
        role: t.get(&format!("admin.roles.{}", u.role)).to_owned(),
        municipalities: l.municipalities.join(", "),
        state: state.to_owned(),
        invited,
        disabled: u.disabled_at.is_some(),
        last_login: u
            .last_login_at
            .map(|d| format::date(locale, crate::domain::time::berlin_date(d)))
            .unwrap_or_default(),
    }
}

/// The fields of the form that creates a staff member (a coordinator in German unless
/// chosen otherwise).
fn new_user_fields(
    t: Texts,
    form: &FormData,
    errors: &FieldErrors,
    municipalities: &[entities::municipality::Model],
) -> Vec<Field> {
    let chosen: Vec<&str> = form.all("municipalities");
    vec![
        Field::new(t, "admin", "name", Kind::Text)
            .value(form.text("name"))
            .required()
            .wide()
            .error_from(t, errors),
        Field::new(t, "admin", "email", Kind::Email)
            .value(form.text("email"))
            .required()
            .wide()
            .error_from(t, errors),
        Field::new(t, "admin", "role", Kind::Radio)
            .value(if form.get("role").is_empty() {
                "coordinator".to_owned()
            } else {
                form.text("role")
            })
            .choices(
                ["coordinator", "volunteer", "admin"]
                    .iter()
                    .map(|r| {
                        (
                            (*r).to_owned(),
                            t.get(&format!("admin.roles.{r}")).to_owned(),
                        )
                    })
                    .collect(),
            )
            .required()
            .error_from(t, errors),
        Field::new(t, "admin", "municipalities", Kind::Checkboxes)
            .options(
                municipalities
                    .iter()
                    .map(|m| (m.id.to_string(), m.name.clone()))
                    .collect(),
                &chosen,
            )
            .error_from(t, errors),
        Field::new(t, "admin", "locale", Kind::Select)
            .value(if form.get("locale").is_empty() {
                "de".to_owned()
            } else {
                form.text("locale")
            })
            .choices(
                Locale::ALL
                    .iter()
                    .map(|l| (l.code().to_owned(), l.native_name().to_owned()))
                    .collect(),
            )
            .error_from(t, errors),
    ]
}

/// The roles that must use a second factor, as checkboxes of their own form.
fn second_factor_field(t: Texts, requirements: &[(Role, bool)]) -> Field {
    let selected: Vec<&str> = requirements
        .iter()
        .filter(|(_, on)| *on)
        .map(|(r, _)| r.as_str())
        .collect();
    Field::labelled(
        "required",
        t.get("second_factor.policy_title").to_owned(),
        Kind::Checkboxes,
    )
    .in_form("second-factor")
    .options(
        requirements
            .iter()
            .map(|(r, _)| {
                (
                    r.as_str().to_owned(),
                    t.get(&format!("admin.roles.{}", r.as_str())).to_owned(),
                )
            })
            .collect(),
        &selected,
    )
}

/// `GET /admin/users`.
#[derive(Template, WebTemplate)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub rows: Vec<UserRow>,
    pub summary: Vec<SummaryItem>,
    pub fields: Vec<Field>,
    pub own_id: i64,
    /// Which staff roles must use a second factor: the checkbox group.
    pub second_factor: Field,
}

async fn users_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    form: &FormData,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let actor = admin_only(user)?;
    let t = ctx.t();
    let locale = ctx.locale;
    let rows = admin::users(&ctx.app, &actor)
        .await?
        .iter()
        .map(|l| user_row(t, locale, l))
        .collect();
    let municipalities = admin::municipalities(&ctx.app, &actor).await?;
    let fields = new_user_fields(t, form, errors, &municipalities);
    let sections = vec![Section {
        id: "new".into(),
        title: String::new(),
        intro: None,
        fields: fields.clone(),
    }];
    let requirements = crate::services::second_factor::requirements(&ctx.app).await?;
    let second_factor = second_factor_field(t, &requirements);
    let page = UsersPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, None, "users").await?,
        csrf: ctx.csrf(),
        rows,
        summary: summary(&sections),
        fields,
        own_id: user.id,
        second_factor,
    };
    let status = crate::web::form::status_for(errors.is_empty());
    Ok((status, page).into_response())
}

/// `GET /admin/users`.
pub async fn list_users(Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    users_page(&ctx, &user, &FormData::default(), &FieldErrors::default()).await
}

/// `POST /admin/users`: creates an account and sends the invitation.
pub async fn create_user(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    let new = NewStaff {
        email: form.text("email"),
        name: form.text("name"),
        role: form.text("role"),
        municipalities: form
            .all("municipalities")
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        locale: form.get("locale").parse().unwrap_or_default(),
    };
    match admin::create_user(&ctx.app, &actor, &new).await? {
        Ok(_) => {
            ctx.session.flash("success", "admin.user_created");
            Ok(Redirect::to("/admin/users").into_response())
        }
        Err(errors) => users_page(&ctx, &user, &form, &errors).await,
    }
}

/// `POST /admin/users/{id}/{action}`: disable, enable or invite again.
pub async fn user_action(
    Path((id, action)): Path<(i64, String)>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    let flash = match action.as_str() {
        "disable" => {
            admin::set_disabled(&ctx.app, &actor, id, true)
                .await
                .map_err(PageError::from)?;
            "admin.user_disabled"
        }
        "enable" => {
            admin::set_disabled(&ctx.app, &actor, id, false)
                .await
                .map_err(PageError::from)?;
            "admin.user_enabled"
        }
        "invite" => {
            admin::resend_invitation(&ctx.app, &actor, id)
                .await
                .map_err(PageError::from)?;
            "admin.invitation_sent"
        }
        _ => return Err(PageError::NotFound),
    };
    ctx.session.flash("success", flash);
    Ok(Redirect::to("/admin/users").into_response())
}

/// A municipality in the list.
#[derive(Debug, Clone)]
pub struct MunicipalityRow {
    pub id: i64,
    pub ags: String,
    pub name: String,
    pub district: String,
    pub active: bool,
}

/// `GET /admin/municipalities`.
#[derive(Template, WebTemplate)]
#[template(path = "admin_municipalities.html")]
pub struct MunicipalitiesPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub rows: Vec<MunicipalityRow>,
}

/// `GET /admin/municipalities`.
pub async fn list_municipalities(Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    let rows = admin::municipalities(&ctx.app, &actor)
        .await?
        .into_iter()
        .map(|m| MunicipalityRow {
            id: m.id,
            ags: m.ags,
            name: m.name,
            district: m.district,
            active: m.active,
        })
        .collect();
    Ok(MunicipalitiesPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, None, "municipalities").await?,
        rows,
    }
    .into_response())
}

fn municipality_input(form: &FormData) -> MunicipalityInput {
    MunicipalityInput {
        ags: form.text("ags"),
        name: form.text("name"),
        district: form.text("district"),
        state: form.text("state"),
        lat: form.text("lat"),
        lon: form.text("lon"),
        contact_email: form.text("contact_email"),
        contact_phone: form.text("contact_phone"),
        active: form.checked("active"),
    }
}

async fn municipality_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: Option<i64>,
    input: &MunicipalityInput,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let text = |name: &str, value: &str| {
        Field::new(t, "municipality", name, Kind::Text)
            .value(value)
            .error_from(t, errors)
    };
    let mut fields = vec![
        text("ags", &input.ags).required().inputmode("numeric"),
        text("name", &input.name).required().wide(),
        text("district", &input.district).required().wide(),
        text("state", &input.state).wide(),
        text("lat", &input.lat).required().inputmode("decimal"),
        text("lon", &input.lon).required().inputmode("decimal"),
        text("contact_email", &input.contact_email).wide(),
        text("contact_phone", &input.contact_phone),
    ];
    if id.is_some() {
        fields.push(
            Field::new(t, "municipality", "active", Kind::Checkbox)
                .checked(input.active)
                .error_from(t, errors),
        );
    }
    let sections = vec![Section {
        id: "municipality".into(),
        title: String::new(),
        intro: None,
        fields,
    }];
    let (title, action) = match id {
        Some(id) => (
            t.get("municipality.edit_title").to_owned(),
            format!("/admin/municipalities/{id}/edit"),
        ),
        None => (
            t.get("municipality.new_title").to_owned(),
            "/admin/municipalities/new".to_owned(),
        ),
    };
    Ok(StaffFormPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, None, "municipalities").await?,
        title,
        intro: vec![t.get("municipality.intro").to_owned()],
        summary: summary(&sections),
        action,
        csrf: ctx.csrf(),
        multipart: false,
        sections,
        submit: t.get("municipality.save").to_owned(),
        cancel: "/admin/municipalities".into(),
    }
    .respond())
}

/// `GET /admin/municipalities/new`.
pub async fn new_municipality(Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    admin_only(&user)?;
    let input = MunicipalityInput {
        state: "Baden-Württemberg".into(),
        active: true,
        ..Default::default()
    };
    municipality_page(&ctx, &user, None, &input, &FieldErrors::default()).await
}

/// `POST /admin/municipalities/new`.
pub async fn create_municipality(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    let input = municipality_input(&form);
    match admin::save_municipality(&ctx.app, &actor, None, &input).await? {
        Ok(id) => {
            ctx.session.flash("success", "municipality.created");
            Ok(Redirect::to(&format!("/m/{id}/rules")).into_response())
        }
        Err(errors) => municipality_page(&ctx, &user, None, &input, &errors).await,
    }
}

/// `GET /admin/municipalities/{id}/edit`.
pub async fn edit_municipality(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    let m = admin::municipality(&ctx.app, &actor, id).await?;
    municipality_page(
        &ctx,
        &user,
        Some(id),
        &MunicipalityInput::of(&m),
        &FieldErrors::default(),
    )
    .await
}

/// `POST /admin/municipalities/{id}/edit`.
pub async fn update_municipality(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    admin::municipality(&ctx.app, &actor, id).await?;
    let input = municipality_input(&form);
    match admin::save_municipality(&ctx.app, &actor, Some(id), &input).await? {
        Ok(_) => {
            ctx.session.flash("success", "municipality.saved");
            Ok(Redirect::to("/admin/municipalities").into_response())
        }
        Err(errors) => municipality_page(&ctx, &user, Some(id), &input, &errors).await,
    }
}

/// A scheduled job with its schedule.
#[derive(Debug, Clone)]
pub struct JobRow {
    pub name: &'static str,
    pub description: &'static str,
    pub schedule: String,
}

/// A job run in the list.
#[derive(Debug, Clone)]
pub struct JobRunRow {
    pub job: String,
    pub status: String,
    pub instance: String,
    pub scheduled_for: String,
    pub started_at: String,
    pub seconds: String,
    pub counts: String,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_jobs.html")]
pub struct JobsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub jobs: Vec<JobRow>,
    pub runs: Vec<JobRunRow>,
}

/// `GET /admin/jobs`: the scheduled jobs and their latest runs.
pub async fn list_jobs(Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    let actor = admin_only(&user)?;
    let english = ctx.locale == crate::domain::Locale::En;
    let when = |t: chrono::DateTime<chrono::Utc>| {
        crate::domain::time::to_berlin(t)
            .format("%d.%m.%Y %H:%M:%S")
            .to_string()
    };
    let jobs = crate::jobs::Job::ALL
        .iter()
        .map(|j| {
            let (de, en) = j.describe();
            JobRow {
                name: j.name(),
                description: if english { en } else { de },
                schedule: ctx
                    .app
                    .settings
                    .jobs
                    .schedule(j.setting())
                    .unwrap_or_default()
                    .to_owned(),
            }
        })
        .collect();
    let t = ctx.t();
    // A run's counts in words: "verschickt: 3, fehlgeschlagen: 0".
    let counts_words = |raw: Option<String>| -> String {
        let Some(map) = raw.as_deref().and_then(|r| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(r).ok()
        }) else {
            return String::new();
        };
        map.iter()
            .map(|(k, v)| {
                let name = t
                    .optional(&format!("jobs.counts.{k}"))
                    .map_or_else(|| k.replace('_', " "), str::to_owned);
                format!(
                    "{name}: {}",
                    v.as_i64().map_or_else(|| v.to_string(), |n| n.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let runs = admin::job_runs(&ctx.app, &actor, 200)
        .await?
        .into_iter()
        .map(|r| JobRunRow {
            seconds: r
                .finished_at
                .map(|f| {
                    crate::domain::format::number(
                        ctx.locale,
                        (f - r.started_at).num_milliseconds() as f64 / 1000.0,
                        1,
                    )
                })
                .unwrap_or_default(),
            scheduled_for: r.scheduled_for.map(when).unwrap_or_else(|| "–".into()),
            started_at: when(r.started_at),
            job: r.job,
            status: t
                .optional(&format!("jobs.status.{}", r.status))
                .map_or_else(|| r.status.clone(), str::to_owned),
            instance: r.instance,
            counts: counts_words(r.counts),
            error: r.error.unwrap_or_default(),
        })
        .collect();
    Ok(JobsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, None, "jobs").await?,
        jobs,
        runs,
    }
    .into_response())
}
