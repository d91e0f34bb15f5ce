//! `/account`: one's own account: API tokens (create, shown once, revoke) and one's own
//! personal data as a download (DSGVO Art. 15).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::validation::FieldErrors;
use crate::services::{CurrentUser, api_tokens, privacy};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind};

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
    let t = ctx.t();
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
    let value = |name: &str| form.map(|f| f.text(name)).unwrap_or_default();
    let fields = vec![
        Field::new(t, "account", "name", Kind::Text)
            .value(value("name"))
            .required()
            .error_from(t, errors),
        Field::new(t, "account", "days", Kind::Number)
            .value(form.map_or_else(|| "365".to_owned(), |f| f.text("days")))
            .inputmode("numeric")
            .error_from(t, errors),
    ];
    Ok(AccountPage {
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        tokens,
        fields,
        new_token,
    })
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
