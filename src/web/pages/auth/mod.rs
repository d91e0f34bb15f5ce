//! Account pages: sign-up, e-mail confirmation, login and logout, password reset, and the
//! invitation a landlord gets when someone else entered their flat.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower::ServiceExt;

use super::language::safe_next;
use super::{Chrome, PageCtx, home_of};
use crate::domain::input::character_errors;
use crate::domain::outreach::HeardFrom;
use crate::domain::validation::FieldErrors;
use crate::services::ServiceError;
use crate::services::accounts::{self, LinkOutcome, LoginFailure, SignUp};
use crate::services::limits::{self, Limit};
use crate::services::{CurrentUser, second_factor};
use crate::web::error::PageError;
use crate::web::extract::ClientIp;
use crate::web::form::{CSRF_FIELD, CsrfForm, FormData};
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};
use crate::web::session::{PendingPost, SESSION_COOKIE};

mod login;
mod reset;
pub use login::*;
pub use reset::*;

/// A page with one form.
#[derive(Template, WebTemplate)]
#[template(path = "form_page.html")]
pub struct FormPage {
    pub chrome: Chrome,
    pub title: String,
    pub intro: Vec<String>,
    pub notice: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub action: String,
    pub csrf: String,
    pub sections: Vec<Section>,
    pub submit: String,
    pub links: Vec<(String, String)>,
    pub extra_forms: Vec<ExtraForm>,
}

/// A small second form under the main one (e.g. "send the link again").
#[derive(Debug, Clone)]
pub struct ExtraForm {
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub text: String,
    pub button: String,
}

/// A page with a message and links.
#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub links: Vec<(String, String)>,
}

/// A message page in the reader's language from text keys.
pub fn message(
    ctx: &PageCtx,
    title: &str,
    paragraphs: &[&str],
    links: &[(&str, &str)],
) -> MessagePage {
    let t = ctx.t();
    MessagePage {
        chrome: ctx.chrome(),
        title: t.get(title).to_owned(),
        paragraphs: paragraphs.iter().map(|p| t.get(p).to_owned()).collect(),
        links: links
            .iter()
            .map(|(label, href)| (t.get(label).to_owned(), (*href).to_owned()))
            .collect(),
    }
}

/// A form page: `(status, page)`; 422 when there are errors.
fn form_page(ctx: &PageCtx, page: FormPage) -> Response {
    let status = crate::web::form::status_for(page.summary.is_empty());
    let _ = ctx;
    (status, page).into_response()
}

fn single_section(fields: Vec<Field>) -> Vec<Section> {
    vec![Section {
        id: "main".into(),
        title: String::new(),
        intro: None,
        fields,
    }]
}

pub(crate) fn page(
    ctx: &PageCtx,
    title: &str,
    action: &str,
    submit: &str,
    sections: Vec<Section>,
) -> FormPage {
    let t = ctx.t();
    FormPage {
        chrome: ctx.chrome(),
        title: t.get(title).to_owned(),
        intro: Vec::new(),
        notice: None,
        summary: summary(&sections),
        action: action.to_owned(),
        csrf: ctx.csrf(),
        sections,
        submit: t.get(submit).to_owned(),
        links: Vec::new(),
        extra_forms: Vec::new(),
    }
}

// ---- sign-up ----

fn signup_fields(ctx: &PageCtx, form: &FormData, errors: &FieldErrors) -> Vec<Field> {
    let t = ctx.t();
    vec![
        Field::new(t, "auth", "name", Kind::Text)
            .value(form.text("name"))
            .required()
            .autocomplete("name")
            .wide()
            .error_from(t, errors),
        Field::new(t, "auth", "email", Kind::Email)
            .value(form.text("email"))
            .required()
            .autocomplete("email")
            .wide()
            .error_from(t, errors),
        Field::new(t, "auth", "password", Kind::Password)
            .required()
            .autocomplete("new-password")
            .wide()
            .error_from(t, errors),
        Field::new(t, "auth", "password_repeat", Kind::Password)
            .required()
            .autocomplete("new-password")
            .wide()
            .error_from(t, errors),
        Field::new(t, "auth", "accept_privacy", Kind::Checkbox)
            .checked(form.checked("accept_privacy"))
            .error_from(t, errors),
    ]
}

/// The channel a sign-up came through: the municipality's page (`m`) and its campaign
/// code (`c`) as hidden fields; without a code, the question "Wie haben Sie von uns
/// erfahren?" (optional).
fn origin_fields(ctx: &PageCtx, form: &FormData) -> Vec<Field> {
    let t = ctx.t();
    let mut fields = vec![
        Field::labelled("m", String::new(), Kind::Hidden).value(form.text("m")),
        Field::labelled("c", String::new(), Kind::Hidden).value(form.text("c")),
    ];
    if !form.get("lang").is_empty() {
        fields.push(Field::labelled("lang", String::new(), Kind::Hidden).value(form.text("lang")));
    }
    if form.get("c").is_empty() {
        let mut choices = vec![(String::new(), t.get("outreach.heard_from_none").to_owned())];
        choices.extend(HeardFrom::ALL.iter().map(|h| {
            (
                h.as_str().to_owned(),
                t.get(&format!("outreach.heard_from.{}", h.as_str()))
                    .to_owned(),
            )
        }));
        let chosen = form.text("heard_from");
        fields.push(
            Field::new(t, "auth", "heard_from", Kind::Select)
                .options(choices, &[chosen.as_str()])
                .wide(),
        );
    }
    fields
}

async fn signup_page(
    ctx: &PageCtx,
    form: &FormData,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let mut fields = signup_fields(ctx, form, errors);
    fields.extend(origin_fields(ctx, form));
    let mut p = page(
        ctx,
        "auth.signup_title",
        "/signup",
        "auth.signup_submit",
        single_section(fields),
    );
    p.intro = vec![t.get("auth.signup_intro").to_owned()];
    let slug = form.get("m");
    if !slug.is_empty()
        && let Some(m) = crate::services::outreach::find(&ctx.app, slug).await?
    {
        p.intro.push(crate::i18n::fill(
            t.get("outreach.signup_via"),
            &[("municipality", &m.name)],
        ));
    }
    p.links = vec![(t.get("auth.have_account").to_owned(), "/login".into())];
    Ok(form_page(ctx, p))
}

/// Where a sign-up link came from: `/signup?m=<municipality page>&c=<campaign code>`, and
/// the language chosen there (`lang`; public pages choose it in the address, not a cookie).
#[derive(Debug, Default, Deserialize)]
pub struct SignupQuery {
    #[serde(default)]
    m: String,
    #[serde(default)]
    c: String,
    #[serde(default)]
    lang: String,
}

/// `GET /signup`.
pub async fn show_signup(
    mut ctx: PageCtx,
    Query(query): Query<SignupQuery>,
) -> Result<Response, PageError> {
    let lang = query.lang.parse::<crate::domain::Locale>().ok();
    if let Some(locale) = lang {
        ctx.locale = locale;
    }
    let keep = |v: &str| {
        Some(v.trim().to_owned())
            .filter(|v| crate::domain::outreach::is_campaign_code(v))
            .unwrap_or_default()
    };
    let form = FormData {
        fields: vec![
            ("m".into(), keep(&query.m)),
            ("c".into(), keep(&query.c)),
            (
                "lang".into(),
                lang.map(|l| l.code().to_owned()).unwrap_or_default(),
            ),
        ],
        files: Vec::new(),
    };
    signup_page(&ctx, &form, &FieldErrors::default()).await
}

/// `POST /signup`.
pub async fn create_account(
    mut ctx: PageCtx,
    CsrfForm(form): CsrfForm,
) -> Result<Response, PageError> {
    if let Ok(locale) = form.get("lang").parse::<crate::domain::Locale>() {
        ctx.locale = locale;
    }
    let input = SignUp {
        name: form.text("name"),
        email: form.text("email"),
        password: form.get("password").to_owned(),
        password_repeat: form.get("password_repeat").to_owned(),
        accept_privacy: form.checked("accept_privacy"),
        locale: ctx.locale,
        origin: crate::services::outreach::origin(
            &ctx.app,
            form.get("m"),
            form.get("c"),
            form.get("heard_from"),
            ctx.app.clock.now(),
        )
        .await?,
    };
    match accounts::sign_up(&ctx.app, input).await {
        Ok(()) => Ok(Redirect::to(&match form.get("lang") {
            "" => "/signup/sent".to_owned(),
            _ => format!("/signup/sent?lang={}", ctx.locale.code()),
        })
        .into_response()),
        Err(ServiceError::Fields(errors)) => signup_page(&ctx, &form, &errors).await,
        Err(e) => Err(e.into()),
    }
}

/// `GET /signup/sent[?lang=en]`.
pub async fn signup_sent(mut ctx: PageCtx, Query(query): Query<SignupQuery>) -> MessagePage {
    if let Ok(locale) = query.lang.parse::<crate::domain::Locale>() {
        ctx.locale = locale;
    }
    message(
        &ctx,
        "auth.sent_title",
        &["auth.sent_text", "auth.sent_spam"],
        &[("common.login", "/login")],
    )
}

// ---- confirmation ----

/// `GET /confirm/{token}`.
pub async fn confirm_email(ctx: PageCtx, Path(token): Path<String>) -> Result<Response, PageError> {
    let outcome = accounts::confirm_email(&ctx.app, &token).await?;
    let status = link_status(&outcome);
    let page = match outcome {
        LinkOutcome::Done => message(
            &ctx,
            "auth.confirmed_title",
            &["auth.confirmed_text"],
            &[("common.login", "/login")],
        ),
        LinkOutcome::AlreadyUsed => message(
            &ctx,
            "auth.link_used_title",
            &["auth.confirm_used_text"],
            &[("common.login", "/login")],
        ),
        LinkOutcome::Expired => message(
            &ctx,
            "auth.link_expired_title",
            &["auth.confirm_expired_text"],
            &[("auth.resend_link", "/login")],
        ),
        LinkOutcome::Unknown => message(
            &ctx,
            "auth.link_unknown_title",
            &["auth.link_unknown_text"],
            &[("common.back_home", "/")],
        ),
    };
    Ok((status, page).into_response())
}

/// The status of a page about a secret link: unknown 404, used or expired 410 (these count
/// towards the per-address limit on wrong links).
fn link_status(outcome: &LinkOutcome) -> StatusCode {
    match outcome {
        LinkOutcome::Done => StatusCode::OK,
        LinkOutcome::AlreadyUsed | LinkOutcome::Expired => StatusCode::GONE,
        LinkOutcome::Unknown => StatusCode::NOT_FOUND,
    }
}

/// `POST /confirm/resend`.
pub async fn resend_confirmation(
    ctx: PageCtx,
    CsrfForm(form): CsrfForm,
) -> Result<Redirect, PageError> {
    let email = form.get("email").to_owned();
    if character_errors(&form.fields, &[]).is_empty() {
        // The work is done after the answer, so its time does not tell whether the
        // address has an account.
        in_background(&ctx, "resend confirmation", move |app| async move {
            accounts::resend_confirmation(&app, &email).await
        });
    }
    Ok(Redirect::to("/signup/sent"))
}

/// Runs `work` after the answer is sent (errors are logged): for requests whose answer
/// must not depend on what the work finds.
fn in_background<F, Fut>(ctx: &PageCtx, what: &'static str, work: F)
where
    F: FnOnce(crate::app::App) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), crate::services::ServiceError>> + Send,
{
    let app = ctx.app.clone();
    tokio::spawn(async move {
        if let Err(err) = work(app).await {
            tracing::error!(error = %err, "{what} failed");
        }
    });
}

// ---- login ----

// ---- password reset ----

// ---- invitation ----

/// `GET /invitation/{token}`.
pub async fn show_invitation(
    ctx: PageCtx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    Ok(match accounts::check_invitation(&ctx.app, &token).await? {
        Ok((_, name, email)) => {
            let intro = crate::i18n::fill(
                ctx.t().get("auth.invitation_intro"),
                &[("name", &name), ("email", &email)],
            );
            new_password_page(
                &ctx,
                &format!("/invitation/{token}"),
                "auth.invitation_title",
                Some(intro),
                &FieldErrors::default(),
            )
        }
        Err(outcome) => link_problem(&ctx, outcome),
    })
}

/// `POST /invitation/{token}`.
pub async fn accept_invitation(
    ctx: PageCtx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, PageError> {
    match accounts::accept_invitation(
        &ctx.app,
        &token,
        form.get("password"),
        form.get("password_repeat"),
        ctx.locale,
    )
    .await
    {
        Ok(Ok(user_id)) => {
            ctx.session.login(user_id)?;
            let role = accounts::current_user(&ctx.app, user_id)
                .await?
                .map(|u| u.role);
            ctx.session.flash(
                "success",
                if role == Some(crate::domain::roles::Role::Landlord) {
                    "auth.invitation_done"
                } else {
                    "auth.invitation_done_staff"
                },
            );
            Ok(Redirect::to(super::home_of(role)).into_response())
        }
        Ok(Err(outcome)) => Ok(link_problem(&ctx, outcome)),
        Err(ServiceError::Fields(errors)) => Ok(new_password_page(
            &ctx,
            &format!("/invitation/{token}"),
            "auth.invitation_title",
            None,
            &errors,
        )),
        Err(ServiceError::Conflict(_)) => Ok(message(
            &ctx,
            "auth.account_exists_title",
            &["auth.account_exists_text"],
            &[("common.login", "/login")],
        )
        .into_response()),
        Err(e) => Err(e.into()),
    }
}
