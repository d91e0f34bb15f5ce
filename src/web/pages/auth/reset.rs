//! A forgotten password: asking for a link, and setting a new password through it.

use super::*;

pub(super) fn forgot_page(ctx: &PageCtx, form: &FormData, errors: &FieldErrors) -> Response {
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

pub(super) fn link_problem(ctx: &PageCtx, outcome: LinkOutcome) -> Response {
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

pub(super) fn new_password_page(
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
