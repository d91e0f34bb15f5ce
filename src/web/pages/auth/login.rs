//! Logging in and out: the login form, the second factor's code, and the form that was
//! waiting for the login sent on afterwards.

use super::*;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    kept: Option<String>,
}

pub(super) fn login_page(
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
pub(super) async fn complete_login(
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

pub(super) fn code_page(ctx: &PageCtx, errors: &FieldErrors) -> Response {
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
pub(super) async fn replay(ctx: &PageCtx, pending: PendingPost) -> Result<Response, PageError> {
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

pub(super) fn multipart_body(
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
