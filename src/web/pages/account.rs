//! `/account`: one's own account, for every role: one's own personal data (DSGVO Art. 15),
//! the password, the e-mail address, a landlord's phone number, the language, the second
//! factor, API tokens (create, shown once, revoke), and deleting the account (Art. 17).
//! Every form is checked on the server; a wrong one comes back with the messages at the
//! fields (422) and every value but passwords kept.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::validation::FieldErrors;
use crate::i18n::Texts;
use crate::services::account_settings;
use crate::services::{CurrentUser, ServiceError, api_tokens, privacy};
use crate::web::error::PageError;
use crate::web::form::{CsrfForm, FormData};
use crate::web::forms::{Field, Kind};
use crate::web::session::hash_token;

/// A token in the list.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub live: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub tokens: Vec<TokenRow>,
    pub fields: Vec<Field>,
    /// A token just created: shown this once.
    pub new_token: Option<String>,
    /// The login address now.
    pub email: String,
    pub password_fields: Vec<Field>,
    pub email_fields: Vec<Field>,
    /// Landlords only.
    pub phone_fields: Vec<Field>,
    pub language_fields: Vec<Field>,
    /// The messages of the form just sent, at the top, each linked to its field.
    pub summary: Vec<crate::web::forms::SummaryItem>,
}

/// Which form of the page was sent (its values and messages go back into it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Nothing,
    Token,
    Password,
    Email,
    Phone,
    Language,
}

fn day(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| {
        crate::domain::time::to_berlin(t)
            .format("%d.%m.%Y")
            .to_string()
    })
    .unwrap_or_else(|| "–".to_owned())
}

async fn page(
    ctx: &PageCtx,
    user: &CurrentUser,
    form: Option<&FormData>,
    errors: &FieldErrors,
    new_token: Option<String>,
) -> Result<AccountPage, PageError> {
    let sent = if form.is_some() {
        Sent::Token
    } else {
        Sent::Nothing
    };
    page_with(ctx, user, sent, form, errors, new_token).await
}

async fn page_with(
    ctx: &PageCtx,
    user: &CurrentUser,
    sent: Sent,
    form: Option<&FormData>,
    errors: &FieldErrors,
    new_token: Option<String>,
) -> Result<AccountPage, PageError> {
    let t = ctx.t();
    let settings = account_settings::settings(&ctx.app, user).await?;
    let none = FieldErrors::default();
    // Values and messages go back only into the form that was sent.
    let of = |which: Sent| {
        if which == sent {
            (form, errors)
        } else {
            (None, &none)
        }
    };
    let (_, password_errors) = of(Sent::Password);
    let password_fields = password_fields(t, password_errors);
    let (email_form, email_errors) = of(Sent::Email);
    let email_fields = email_fields(t, email_form, email_errors);
    let (phone_form, phone_errors) = of(Sent::Phone);
    let phone_fields = if settings.is_landlord {
        phone_fields(t, &settings, phone_form, phone_errors)
    } else {
        Vec::new()
    };
    let (language_form, language_errors) = of(Sent::Language);
    let language_fields = language_fields(t, &settings, language_form, language_errors);
    let (form, errors) = of(Sent::Token);
    let now = ctx.app.clock.now();
    let tokens = api_tokens::list(&ctx.app, user)
        .await?
        .into_iter()
        .map(|row| TokenRow {
            live: api_tokens::is_live(&row, now),
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            created: day(Some(row.created_at)),
            last_used: day(row.last_used_at),
            expires: day(row.expires_at),
        })
        .collect();
    let fields = token_fields(t, form, errors);
    let summary = crate::web::forms::summary(&[crate::web::forms::Section {
        id: "account".into(),
        title: String::new(),
        intro: None,
        fields: [
            &password_fields,
            &email_fields,
            &phone_fields,
            &language_fields,
            &fields,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect(),
    }]);
    Ok(AccountPage {
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        tokens,
        fields,
        new_token,
        email: settings.email,
        password_fields,
        email_fields,
        phone_fields,
        language_fields,
        summary,
    })
}

/// The form that changes the password.
fn password_fields(t: Texts, errors: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new(t, "account", "current_password", Kind::Password)
            .autocomplete("current-password")
            .required()
            .error_from(t, errors),
        Field::new(t, "account", "new_password", Kind::Password)
            .autocomplete("new-password")
            .required()
            .error_from(t, errors),
        Field::new(t, "account", "new_password_repeat", Kind::Password)
            .autocomplete("new-password")
            .required()
            .error_from(t, errors),
    ]
}

/// The form that changes the e-mail address (the new address kept when it comes back).
fn email_fields(t: Texts, form: Option<&FormData>, errors: &FieldErrors) -> Vec<Field> {
    vec![
        Field::new(t, "account", "new_email", Kind::Email)
            .value(form.map(|f| f.text("new_email")).unwrap_or_default())
            .autocomplete("email")
            .required()
            .wide()
            .error_from(t, errors),
        Field::new(t, "account", "email_password", Kind::Password)
            .autocomplete("current-password")
            .required()
            .error_from(t, errors),
    ]
}

/// The landlord's phone number (the stored one until a sent form brings another).
fn phone_fields(
    t: Texts,
    settings: &account_settings::Settings,
    form: Option<&FormData>,
    errors: &FieldErrors,
) -> Vec<Field> {
    vec![
        Field::new(t, "account", "phone", Kind::Text)
            .value(
                form.map(|f| f.text("phone"))
                    .unwrap_or_else(|| settings.phone.clone().unwrap_or_default()),
            )
            .autocomplete("tel")
            .inputmode("tel")
            .error_from(t, errors),
    ]
}

/// The language of the pages and e-mails.
fn language_fields(
    t: Texts,
    settings: &account_settings::Settings,
    form: Option<&FormData>,
    errors: &FieldErrors,
) -> Vec<Field> {
    vec![
        Field::new(t, "account", "locale", Kind::Radio)
            .value(
                form.map(|f| f.text("locale"))
                    .unwrap_or_else(|| settings.locale.code().to_owned()),
            )
            .choices(vec![
                ("de".to_owned(), "Deutsch".to_owned()),
                ("en".to_owned(), "English".to_owned()),
            ])
            .error_from(t, errors),
    ]
}

/// The form that creates an API token: its name and how many days it lasts.
fn token_fields(t: Texts, form: Option<&FormData>, errors: &FieldErrors) -> Vec<Field> {
    let value = |name: &str| form.map(|f| f.text(name)).unwrap_or_default();
    vec![
        Field::new(t, "account", "name", Kind::Text)
            .value(value("name"))
            .required()
            .error_from(t, errors),
        Field::new(t, "account", "days", Kind::Number)
            .value(form.map_or_else(|| "365".to_owned(), |f| f.text("days")))
            .inputmode("numeric")
            .error_from(t, errors),
    ]
}

/// The page again with the messages of the form `sent` at its fields (422), or the error.
async fn refused(
    ctx: &PageCtx,
    user: &CurrentUser,
    sent: Sent,
    form: &FormData,
    error: ServiceError,
) -> Result<Response, PageError> {
    match error {
        ServiceError::Fields(errors) => {
            let p = page_with(ctx, user, sent, Some(form), &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        other => Err(other.into()),
    }
}

/// `POST /account/password`: changes the password; other sessions end, tokens are revoked.
pub async fn change_password(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let keep = ctx.session.token().map(|t| hash_token(&t));
    match account_settings::change_password(
        &ctx.app,
        &user,
        keep.as_deref(),
        form.get("current_password"),
        form.get("new_password"),
        form.get("new_password_repeat"),
    )
    .await
    {
        Ok(()) => {
            ctx.session.flash("success", "account.password_changed");
            Ok(Redirect::to("/account").into_response())
        }
        Err(e) => refused(&ctx, &user, Sent::Password, &form, e).await,
    }
}

/// `POST /account/email`: sends the link to the new address and a notice to the old one.
pub async fn change_email(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match account_settings::request_email_change(
        &ctx.app,
        &user,
        form.get("new_email"),
        form.get("email_password"),
    )
    .await
    {
        Ok(()) => {
            ctx.session.flash("success", "account.email_sent");
            Ok(Redirect::to("/account").into_response())
        }
        Err(e) => refused(&ctx, &user, Sent::Email, &form, e).await,
    }
}

/// `GET /account/email/confirm/{token}`: what the link does, with a button to confirm
/// (opening the link changes nothing). In the account's language unless the reader chose one.
pub async fn show_confirm_email(
    ctx: PageCtx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    use crate::services::account_settings::EmailLink;
    let link = account_settings::email_change_link(&ctx.app, &token).await?;
    let mut ctx = ctx;
    if let EmailLink::Open { locale, .. }
    | EmailLink::Used { locale, .. }
    | EmailLink::Expired { locale } = &link
        && !ctx.language_chosen
    {
        ctx.locale = *locale;
    }
    match link {
        EmailLink::Open { new_email, .. } => {
            let t = ctx.t();
            let mut p = super::auth::page(
                &ctx,
                "account.email_confirm.open_title",
                &format!("/account/email/confirm/{token}"),
                "account.email_confirm.button",
                Vec::new(),
            );
            p.intro = vec![crate::i18n::fill(
                t.get("account.email_confirm.open_text"),
                &[("email", &new_email)],
            )];
            Ok(p.into_response())
        }
        EmailLink::Used { changed, .. } => {
            let text = if changed {
                "account.email_confirm.used_changed"
            } else {
                "account.email_confirm.used_text"
            };
            Ok(link_message(
                &ctx,
                StatusCode::GONE,
                "auth.link_used_title",
                text,
            ))
        }
        EmailLink::Expired { .. } => Ok(link_message(
            &ctx,
            StatusCode::GONE,
            "auth.link_expired_title",
            "account.email_confirm.expired_text",
        )),
        EmailLink::Unknown => Ok(link_message(
            &ctx,
            StatusCode::NOT_FOUND,
            "auth.link_unknown_title",
            "auth.link_unknown_text",
        )),
    }
}

/// A page about an e-mail-change link, with the way on (Mein Konto, or the login).
fn link_message(ctx: &PageCtx, status: StatusCode, title: &str, text: &str) -> Response {
    let back = if ctx.user.is_some() {
        ("account.email_confirm.to_account", "/account")
    } else {
        ("common.login", "/login")
    };
    (status, super::auth::message(ctx, title, &[text], &[back])).into_response()
}

/// `POST /account/email/confirm/{token}`: the button on that page; changes the address.
pub async fn confirm_email(
    ctx: PageCtx,
    Path(token): Path<String>,
    CsrfForm(_form): CsrfForm,
) -> Result<Response, PageError> {
    use crate::services::account_settings::{EmailChange, EmailLink};
    use crate::services::accounts::LinkOutcome;
    let outcome = account_settings::confirm_email_change(&ctx.app, &token).await?;
    // The answer in the account's language too, unless the reader chose one.
    let mut ctx = ctx;
    if !ctx.language_chosen
        && let EmailLink::Used { locale, .. } =
            account_settings::email_change_link(&ctx.app, &token).await?
    {
        ctx.locale = locale;
    }
    let (status, title, text) = match outcome {
        EmailChange::Done => (
            StatusCode::OK,
            "account.email_confirm.done_title",
            "account.email_confirm.done_text",
        ),
        EmailChange::Taken => (
            StatusCode::CONFLICT,
            "account.email_confirm.taken_title",
            "account.email_confirm.taken_text",
        ),
        EmailChange::Link(LinkOutcome::AlreadyUsed | LinkOutcome::Done) => {
            // Sent twice (a double click): say what the address is now.
            return show_confirm_email(ctx, Path(token)).await;
        }
        EmailChange::Link(LinkOutcome::Expired) => (
            StatusCode::GONE,
            "auth.link_expired_title",
            "account.email_confirm.expired_text",
        ),
        EmailChange::Link(LinkOutcome::Unknown) => (
            StatusCode::NOT_FOUND,
            "auth.link_unknown_title",
            "auth.link_unknown_text",
        ),
    };
    Ok(link_message(&ctx, status, title, text))
}

/// `POST /account/phone`: a landlord's phone number (empty removes it).
pub async fn change_phone(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match account_settings::set_phone(&ctx.app, &user, form.get("phone")).await {
        Ok(()) => {
            ctx.session.flash("success", "account.phone_saved");
            Ok(Redirect::to("/account").into_response())
        }
        Err(e) => refused(&ctx, &user, Sent::Phone, &form, e).await,
    }
}

/// `POST /account/language`: the language of pages and e-mails; the next page is in it.
pub async fn change_language(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match account_settings::set_locale(&ctx.app, &user, form.get("locale")).await {
        Ok(locale) => {
            ctx.session.flash("success", "account.language_saved");
            let mut response = Redirect::to("/account").into_response();
            if let Ok(value) =
                HeaderValue::from_str(&crate::web::pages::language::cookie_value(locale))
            {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(e) => refused(&ctx, &user, Sent::Language, &form, e).await,
    }
}

/// `GET /account` and `GET /account/tokens`.
pub async fn show(Authed { ctx, user }: Authed) -> Result<AccountPage, PageError> {
    page(&ctx, &user, None, &FieldErrors::default(), None).await
}

/// `POST /account/tokens`: creates a token and shows it once (201), or the form again
/// with the messages at the fields (422).
pub async fn create_token(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let days_text = form.text("days");
    let days = match days_text.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(d) => Some(d),
            Err(_) => {
                let errors = FieldErrors::single("days", "api_tokens.days_range");
                let p = page(&ctx, &user, Some(&form), &errors, None).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
            }
        },
    };
    match api_tokens::create(&ctx.app, &user, &form.text("name"), days).await? {
        Ok(created) => {
            let p = page(
                &ctx,
                &user,
                None,
                &FieldErrors::default(),
                Some(created.secret),
            )
            .await?;
            Ok((
                StatusCode::CREATED,
                [(header::CACHE_CONTROL, "no-store")],
                p,
            )
                .into_response())
        }
        Err(errors) => {
            let p = page(&ctx, &user, Some(&form), &errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke_token(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    api_tokens::revoke(&ctx.app, &user, id).await?;
    ctx.session.flash("success", "account.revoked");
    Ok(Redirect::to("/account").into_response())
}

/// `GET /account/data`: everything Bleibe stores about the logged-in person, readable in
/// their language, with the JSON download (DSGVO Art. 15); audited.
#[derive(Template, WebTemplate)]
#[template(path = "account_data.html")]
pub struct AccountDataPage {
    pub chrome: Chrome,
    pub sections: Vec<crate::services::dossier::ReadableSection>,
}

/// `GET /account/data`.
pub async fn data_page(Authed { ctx, user }: Authed) -> Result<AccountDataPage, PageError> {
    let dossier = privacy::export_self(&ctx.app, &user).await?;
    Ok(AccountDataPage {
        chrome: ctx.chrome(),
        sections: dossier.readable(ctx.t()),
    })
}

/// `GET /account/data.json`: the same as JSON with stable field names.
pub async fn export(Authed { ctx, user }: Authed) -> Result<Response, PageError> {
    let dossier = privacy::export_self(&ctx.app, &user).await?;
    let json = dossier.to_json(ctx.app.clock.now(), &user.display_name);
    super::privacy::json_download(&json, &format!("bleibe-account-{}.json", user.id))
}
