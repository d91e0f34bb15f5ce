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

fn signup_page(ctx: &PageCtx, form: &FormData, errors: &FieldErrors) -> Response {
    let t = ctx.t();
    let mut p = page(
        ctx,
        "auth.signup_title",
        "/signup",
        "auth.signup_submit",
        single_section(signup_fields(ctx, form, errors)),
    );
    p.intro = vec![t.get("auth.signup_intro").to_owned()];
    p.links = vec![(t.get("auth.have_account").to_owned(), "/login".into())];
    form_page(ctx, p)
}

/// `GET /signup`.
pub async fn show_signup(ctx: PageCtx) -> Response {
    signup_page(&ctx, &FormData::default(), &FieldErrors::default())
}

/// `POST /signup`.
pub async fn create_account(ctx: PageCtx, CsrfForm(form): CsrfForm) -> Result<Response, PageError> {
    let input = SignUp {
        name: form.text("name"),
        email: form.text("email"),
        password: form.get("password").to_owned(),
        password_repeat: form.get("password_repeat").to_owned(),
        accept_privacy: form.checked("accept_privacy"),
        locale: ctx.locale,
    };
    match accounts::sign_up(&ctx.app, input).await {
        Ok(()) => Ok(Redirect::to("/signup/sent").into_response()),
        Err(ServiceError::Fields(errors)) => Ok(signup_page(&ctx, &form, &errors)),
        Err(e) => Err(e.into()),
    }
}

/// `GET /signup/sent`.
pub async fn signup_sent(ctx: PageCtx) -> MessagePage {
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

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    kept: Option<String>,
}

fn login_page(
    ctx: &PageCtx,
    form: &FormData,
    errors: &FieldErrors,
    notice: Option<String>,
    next: &str,
) -> Response {
    let t = ctx.t();
    let fields = vec![
        Field::new(t, "auth", "email", Kind::Email)
            .value(form.text("email"))
            .required()
            .autocomplete("username")
            .wide()
            .error_from(t, errors),
        Field::new(t, "auth", "login_password", Kind::Password)
            .required()
            .autocomplete("current-password")
            .wide()
            .error_from(t, errors),
        Field::new(t, "auth", "next", Kind::Hidden).value(next),
    ];
    let mut p = page(
        ctx,
        "auth.login_title",
        "/login",
        "auth.login_submit",
        single_section(fields),
    );
    p.notice = notice;
    p.links = vec![
        (t.get("auth.forgot_link").to_owned(), "/forgot".into()),
        (t.get("auth.no_account").to_owned(), "/signup".into()),
    ];
    if errors.get("email") == Some("auth.not_confirmed") {
        p.extra_forms.push(ExtraForm {
            action: "/confirm/resend".into(),
            hidden: vec![("email".into(), form.text("email"))],
            text: t.get("auth.resend_text").to_owned(),
            button: t.get("auth.resend_link").to_owned(),
        });
    }
    // A wrong password is never shown as a field error of one field only, so the summary
    // must not give away which one was wrong: both point at the same message.
    form_page(ctx, p)
}

/// `GET /login`.
pub async fn show_login(ctx: PageCtx, Query(query): Query<LoginQuery>) -> Response {
    if let Some(user) = &ctx.user {
        return Redirect::to(home_of(Some(user.role))).into_response();
    }
    let notice = query.kept.map(|why| {
        ctx.t()
            .get(if why == "cookie" {
                "auth.kept_cookie_notice"
            } else {
                "auth.kept_notice"
            })
            .to_owned()
    });
    let next = safe_next(query.next.as_deref());
    login_page(
        &ctx,
        &FormData::default(),
        &FieldErrors::default(),
        notice,
        &next,
    )
}

/// `POST /login`.
pub async fn login(
    ctx: PageCtx,
    ClientIp(ip): ClientIp,
    CsrfForm(form): CsrfForm,
) -> Result<Response, PageError> {
    let next = safe_next(Some(form.get("next")));
    let characters = character_errors(&form.fields, &[]);
    if !characters.is_empty() {
        return Ok(login_page(&ctx, &form, &characters, None, &next));
    }
    let result =
        accounts::login(&ctx.app, form.get("email"), form.get("login_password"), &ip).await?;
    let user = match result {
        Ok(user) => user,
        Err(failure) => {
            let key = match failure {
                LoginFailure::Invalid => "auth.invalid_login",
                LoginFailure::NotConfirmed => "auth.not_confirmed",
                LoginFailure::Locked { .. } => "auth.locked",
            };
            let mut errors = FieldErrors::default();
            errors.add("email", key);
            return Ok(login_page(&ctx, &form, &errors, None, &next));
        }
    };
    if second_factor::enabled(&ctx.app, user.id).await? {
        ctx.session
            .await_second_factor(user.id, &next, ctx.app.clock.now());
        return Ok(Redirect::to("/login/code").into_response());
    }
    complete_login(&ctx, &user, next).await
}

/// Logs `user` in and goes on: a form kept over an expired session is completed, else the
/// page asked for (or the person's start page).
async fn complete_login(
    ctx: &PageCtx,
    user: &CurrentUser,
    next: String,
) -> Result<Response, PageError> {
    ctx.session.login(user.id)?;
    let pending = ctx.session.take_pending();
    let mut response = match pending {
        Some(pending) if pending.user_id == user.id => replay(ctx, pending).await?,
        other => {
            // A form kept for another account is not sent as this one: it is dropped, and
            // the person is told (they may log in with the other account and type it again).
            if let Some(pending) = other {
                for file in &pending.files {
                    let _ = std::fs::remove_file(&file.path);
                }
                ctx.session.flash("info", "auth.kept_other_account");
            }
            let target = if next == "/" {
                home_of(Some(user.role)).to_owned()
            } else {
                next
            };
            Redirect::to(&target).into_response()
        }
    };
    // On a browser where nobody chose a language yet, the account's saved one applies.
    if !ctx.language_chosen
        && let Some(locale) = accounts::saved_locale(&ctx.app, user.id).await?
        && let Ok(value) = HeaderValue::from_str(&crate::web::pages::language::cookie_value(locale))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

fn code_page(ctx: &PageCtx, errors: &FieldErrors) -> Response {
    let t = ctx.t();
    let fields = vec![
        Field::new(t, "second_factor", "code", Kind::Text)
            .required()
            .autocomplete("one-time-code")
            .error_from(t, errors),
    ];
    let mut p = page(
        ctx,
        "second_factor.login_title",
        "/login/code",
        "second_factor.login_submit",
        single_section(fields),
    );
    p.intro = vec![t.get("second_factor.login_intro").to_owned()];
    form_page(ctx, p)
}

/// `GET /login/code`: the second factor after the password.
pub async fn show_code(ctx: PageCtx) -> Response {
    if ctx
        .session
        .awaiting_second_factor(ctx.app.clock.now())
        .is_none()
    {
        return Redirect::to("/login").into_response();
    }
    code_page(&ctx, &FieldErrors::default())
}

/// `POST /login/code`.
pub async fn submit_code(ctx: PageCtx, CsrfForm(form): CsrfForm) -> Result<Response, PageError> {
    let now = ctx.app.clock.now();
    let Some(waiting) = ctx.session.awaiting_second_factor(now) else {
        return Ok(Redirect::to("/login").into_response());
    };
    let subject = waiting.user_id.to_string();
    if !limits::take(&ctx.app, Limit::SecondFactorCode, &subject).await? {
        return Ok(code_page(
            &ctx,
            &FieldErrors::single("code", "second_factor.too_many"),
        ));
    }
    if !character_errors(&form.fields, &[]).is_empty()
        || !second_factor::verify(&ctx.app, waiting.user_id, form.get("code")).await?
    {
        return Ok(code_page(
            &ctx,
            &FieldErrors::single("code", "second_factor.wrong_code"),
        ));
    }
    limits::clear(&ctx.app, Limit::SecondFactorCode, &subject).await?;
    let Some(user) = accounts::current_user(&ctx.app, waiting.user_id).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    complete_login(&ctx, &user, waiting.next).await
}

/// Completes a form that was posted after the session had expired: it is sent again,
/// with the new session and form token, through the router.
async fn replay(ctx: &PageCtx, pending: PendingPost) -> Result<Response, PageError> {
    let router = ctx
        .app
        .router
        .get()
        .cloned()
        .ok_or_else(|| PageError::Internal(anyhow::anyhow!("router not registered")))?;
    ctx.session.persist(&ctx.app).await?;
    let token = ctx.session.token().unwrap_or_default();
    let csrf = ctx.session.csrf_token();
    let mut fields = pending.fields.clone();
    fields.push((CSRF_FIELD.into(), csrf));
    let (content_type, body) = if pending.files.is_empty() {
        (
            "application/x-www-form-urlencoded".to_owned(),
            serde_urlencoded::to_string(&fields)
                .map_err(|e| PageError::Internal(e.into()))?
                .into_bytes(),
        )
    } else {
        multipart_body(&fields, &pending)?
    };
    let request = Request::post(&pending.path)
        .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .map_err(|e| PageError::Internal(e.into()))?;
    let response = router
        .oneshot(request)
        .await
        .map_err(|e| PageError::Internal(anyhow::anyhow!("{e}")))?;
    for file in &pending.files {
        let _ = std::fs::remove_file(&file.path);
    }
    Ok(response)
}

fn multipart_body(
    fields: &[(String, String)],
    pending: &PendingPost,
) -> Result<(String, Vec<u8>), PageError> {
    let boundary = format!(
        "bleibe-{}",
        crate::util::random_hex(12).map_err(|e| PageError::Internal(anyhow::anyhow!("{e}")))?
    );
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for file in &pending.files {
        let bytes = std::fs::read(&file.path).map_err(|e| PageError::Internal(e.into()))?;
        let filename = file.filename.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{filename}\"\r\nContent-Type: {}\r\n\r\n",
                file.field, file.content_type
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), body))
}

/// `POST /logout`.
pub async fn logout(ctx: PageCtx, CsrfForm(_form): CsrfForm) -> Redirect {
    ctx.session.logout();
    Redirect::to("/")
}

// ---- password reset ----

fn forgot_page(ctx: &PageCtx, form: &FormData, errors: &FieldErrors) -> Response {
    let t = ctx.t();
    let fields = vec![
        Field::new(t, "auth", "email", Kind::Email)
            .value(form.text("email"))
            .required()
            .autocomplete("email")
            .wide()
            .error_from(t, errors),
    ];
    let mut p = page(
        ctx,
        "auth.forgot_title",
        "/forgot",
        "auth.forgot_submit",
        single_section(fields),
    );
    p.intro = vec![t.get("auth.forgot_intro").to_owned()];
    form_page(ctx, p)
}

/// `GET /forgot`.
pub async fn show_forgot(ctx: PageCtx, Query(query): Query<ForgotQuery>) -> Response {
    if query.sent.is_some() {
        return message(
            &ctx,
            "auth.reset_sent_title",
            &["auth.reset_sent_text"],
            &[("common.login", "/login")],
        )
        .into_response();
    }
    forgot_page(&ctx, &FormData::default(), &FieldErrors::default())
}

/// `GET /forgot?sent=1`: the answer after the request (a reload sends nothing again).
#[derive(Debug, Deserialize)]
pub struct ForgotQuery {
    sent: Option<String>,
}

/// `POST /forgot`.
pub async fn request_reset(ctx: PageCtx, CsrfForm(form): CsrfForm) -> Result<Response, PageError> {
    let characters = character_errors(&form.fields, &[]);
    if !characters.is_empty() {
        return Ok(forgot_page(&ctx, &form, &characters));
    }
    if !form.get("email").contains('@') {
        return Ok(forgot_page(
            &ctx,
            &form,
            &FieldErrors::single("email", "validation.email_invalid"),
        ));
    }
    // The same answer at the same time for every address: the link is made and sent after
    // the answer.
    let email = form.get("email").to_owned();
    in_background(&ctx, "password reset", move |app| async move {
        accounts::request_password_reset(&app, &email).await
    });
    Ok(Redirect::to("/forgot?sent=1").into_response())
}

fn link_problem(ctx: &PageCtx, outcome: LinkOutcome) -> Response {
    let status = match outcome {
        LinkOutcome::Done => StatusCode::NOT_FOUND,
        ref other => link_status(other),
    };
    let page = match outcome {
        LinkOutcome::AlreadyUsed => message(
            ctx,
            "auth.link_used_title",
            &["auth.link_used_text"],
            &[("auth.forgot_link", "/forgot")],
        ),
        LinkOutcome::Expired => message(
            ctx,
            "auth.link_expired_title",
            &["auth.link_expired_text"],
            &[("auth.forgot_link", "/forgot")],
        ),
        LinkOutcome::Unknown | LinkOutcome::Done => message(
            ctx,
            "auth.link_unknown_title",
            &["auth.link_unknown_text"],
            &[("common.back_home", "/")],
        ),
    };
    (status, page).into_response()
}

fn new_password_page(
    ctx: &PageCtx,
    action: &str,
    title: &str,
    intro: Option<String>,
    errors: &FieldErrors,
) -> Response {
    let t = ctx.t();
    let fields = vec![
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
    ];
    let mut p = page(
        ctx,
        title,
        action,
        "auth.password_submit",
        single_section(fields),
    );
    p.intro = intro.into_iter().collect();
    form_page(ctx, p)
}

/// `GET /reset/{token}`.
pub async fn show_reset(ctx: PageCtx, Path(token): Path<String>) -> Result<Response, PageError> {
    Ok(match accounts::check_reset_link(&ctx.app, &token).await? {
        LinkOutcome::Done => new_password_page(
            &ctx,
            &format!("/reset/{token}"),
            "auth.reset_title",
            None,
            &FieldErrors::default(),
        ),
        other => link_problem(&ctx, other),
    })
}

/// `POST /reset/{token}`.
pub async fn reset_password(
    ctx: PageCtx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm,
) -> Result<Response, PageError> {
    match accounts::reset_password(
        &ctx.app,
        &token,
        form.get("password"),
        form.get("password_repeat"),
    )
    .await
    {
        Ok(Ok(_)) => {
            ctx.session.flash("success", "auth.password_changed");
            Ok(Redirect::to("/login").into_response())
        }
        Ok(Err(outcome)) => Ok(link_problem(&ctx, outcome)),
        Err(ServiceError::Fields(errors)) => Ok(new_password_page(
            &ctx,
            &format!("/reset/{token}"),
            "auth.reset_title",
            None,
            &errors,
        )),
        Err(e) => Err(e.into()),
    }
}

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
