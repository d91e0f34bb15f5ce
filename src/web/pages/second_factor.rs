//! `/account/second-factor`: set up the second factor (the QR code and the secret as text,
//! confirmed with a first code; the recovery codes are shown once), see how many recovery
//! codes are left, and turn it off; and the admins' choice of which roles must use one.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::services::second_factor::{self, Setup, Status};
use crate::services::{Actor, CurrentUser};
use crate::web::error::PageError;
use crate::web::form::status_for;
use crate::web::forms::{Field, Kind};

/// The set-up and status page.
#[derive(Template, WebTemplate)]
#[template(path = "second_factor.html")]
pub struct SecondFactorPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub status: Status,
    pub setup: Option<Setup>,
    /// The secret in groups of four, easier to type.
    pub secret_groups: String,
    pub code: Field,
    /// The recovery codes, right after the set-up (shown once).
    pub recovery: Vec<String>,
}

async fn page(
    ctx: &PageCtx,
    user: &CurrentUser,
    errors: &FieldErrors,
    recovery: Vec<String>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let status = second_factor::status(&ctx.app, user).await?;
    let setup = second_factor::setup(&ctx.app, user).await?;
    let secret_groups = setup
        .as_ref()
        .map(|s| {
            s.secret
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let mut code = Field::new(t, "second_factor", "code", Kind::Text)
        .required()
        .autocomplete("one-time-code")
        .inputmode("numeric")
        .error_from(t, errors);
    // The recovery codes come only after the set-up.
    code.hint = Some(t.get("second_factor.app_code_hint").to_owned());
    let page = SecondFactorPage {
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        status,
        setup,
        secret_groups,
        code,
        recovery,
    };
    Ok((status_for(errors.is_empty()), page).into_response())
}

/// `GET /account/second-factor`.
pub async fn show(Authed { ctx, user }: Authed) -> Result<Response, PageError> {
    // Right after the set-up: the recovery codes, this once.
    let recovery = ctx.session.take_revealed(RECOVERY);
    page(&ctx, &user, &FieldErrors::default(), recovery).await
}

/// What the recovery codes are kept under until the page shows them.
const RECOVERY: &str = "recovery_codes";

/// `POST /account/second-factor`: the first code confirms the set-up.
pub async fn confirm(AuthedForm { ctx, user, form }: AuthedForm) -> Result<Response, PageError> {
    match second_factor::confirm(&ctx.app, &user, form.get("code")).await? {
        Ok(codes) => {
            // Shown by the page the post leads to: a reload never posts the code again.
            ctx.session.flash("success", "second_factor.on");
            ctx.session.reveal_once(RECOVERY, codes);
            Ok(Redirect::to("/account/second-factor").into_response())
        }
        Err(errors) => page(&ctx, &user, &errors, Vec::new()).await,
    }
}

/// `POST /account/second-factor/off`.
pub async fn turn_off(AuthedForm { ctx, user, form }: AuthedForm) -> Result<Response, PageError> {
    match second_factor::disable(&ctx.app, &user, form.get("code")).await? {
        Ok(()) => {
            ctx.session.flash("success", "second_factor.off");
            Ok(Redirect::to("/account").into_response())
        }
        Err(errors) => page(&ctx, &user, &errors, Vec::new()).await,
    }
}

/// `POST /admin/second-factor`: which staff roles must use a second factor.
pub async fn set_requirements(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    if user.role != Role::Admin {
        return Err(PageError::NotFound);
    }
    let required: Vec<Role> = form
        .all("required")
        .iter()
        .filter_map(|r| r.parse().ok())
        .filter(|r| *r != Role::Landlord)
        .collect();
    second_factor::set_requirements(&ctx.app, &Actor::User(user), &required).await?;
    ctx.session.flash("success", "second_factor.policy_saved");
    Ok(Redirect::to("/admin/users").into_response())
}
