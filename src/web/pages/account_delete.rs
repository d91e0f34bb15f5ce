//! `/account/delete`: what deleting one's own account does, the form that does it, and the
//! page after it.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::validation::FieldErrors;
use crate::services::account_deletion::{self, DeletionPlan};
use crate::services::{Conflict, CurrentUser, ServiceError};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind};

/// What deleting one's account does, and the form that does it.
#[derive(Template, WebTemplate)]
#[template(path = "account_delete.html")]
pub struct DeletePage {
    pub chrome: Chrome,
    pub csrf: String,
    pub plan: DeletionPlan,
    /// (town, what holds it) of each proposal that stops the deletion.
    pub held: Vec<(String, String)>,
    pub contact: String,
    pub fields: Vec<Field>,
    pub summary: Vec<crate::web::forms::SummaryItem>,
}

async fn delete_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    form: Option<&FormData>,
    errors: &FieldErrors,
) -> Result<DeletePage, PageError> {
    let t = ctx.t();
    let plan = account_deletion::deletion_plan(&ctx.app, user).await?;
    let held = plan
        .held
        .iter()
        .map(|h| {
            let key = if h.state == crate::domain::pipeline::ProposalState::MovedIn {
                "account.delete.held_living"
            } else {
                "account.delete.held_lease"
            };
            (h.town.clone(), t.get(key).to_owned())
        })
        .collect();
    let fields = vec![
        Field::new(t, "account", "delete_password", Kind::Password)
            .autocomplete("current-password")
            .required()
            .error_from(t, errors),
        Field::new(t, "account", "confirm", Kind::Checkbox)
            .checked(form.is_some_and(|f| f.checked("confirm")))
            .error_from(t, errors),
    ];
    let summary = crate::web::forms::summary(&[crate::web::forms::Section {
        id: "delete".into(),
        title: String::new(),
        intro: None,
        fields: fields.clone(),
    }]);
    Ok(DeletePage {
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        contact: plan.contact.line(),
        held,
        plan,
        fields,
        summary,
    })
}

/// `GET /account/delete`: what happens, in plain words, and the form.
pub async fn show_delete(Authed { ctx, user }: Authed) -> Result<DeletePage, PageError> {
    delete_page(&ctx, &user, None, &FieldErrors::default()).await
}

/// `POST /account/delete`: deletes the account (current password and the box ticked),
/// logs out and says so; or the page again with the messages (422), or why not now (409).
pub async fn delete_account(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match account_deletion::delete_account(
        &ctx.app,
        &user,
        form.get("delete_password"),
        form.checked("confirm"),
    )
    .await
    {
        Ok(()) => {
            ctx.session.logout();
            Ok(Redirect::to("/account/deleted").into_response())
        }
        Err(ServiceError::Fields(errors)) => {
            let p = delete_page(&ctx, &user, Some(&form), &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(ServiceError::Conflict(Conflict::LastAdmin | Conflict::AccountHeld)) => {
            let p = delete_page(&ctx, &user, Some(&form), &FieldErrors::default()).await?;
            Ok((StatusCode::CONFLICT, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /account/deleted`: the account is gone (no login needed).
pub async fn deleted(ctx: PageCtx) -> Response {
    super::auth::message(
        &ctx,
        "account.delete.done_title",
        &["account.delete.done_text", "account.delete.done_thanks"],
        &[("common.back_home", "/")],
    )
    .into_response()
}
