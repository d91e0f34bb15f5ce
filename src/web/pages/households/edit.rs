//! The household form's pages: new and edit, with the rows added or removed without
//! saving, and the refusal when someone else saved the household in between.

use super::form::*;
use super::*;

/// What the household form page shows besides the values: its title, where it posts and
/// where "cancel" leads.
pub(super) struct FormFrame {
    mid: i64,
    title: String,
    action: String,
    cancel: String,
}

async fn form_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    frame: FormFrame,
    fields: &[(String, String)],
    errors: &FieldErrors,
    focus: Option<Focus>,
) -> Result<Response, PageError> {
    form_page_with(ctx, user, frame, fields, errors, focus, None).await
}

/// The form; `stale` links to the current household when the save was refused because
/// someone else saved it in between (the values typed are kept; the version is the
/// current one, so saving again overwrites theirs knowingly).
async fn form_page_with(
    ctx: &PageCtx,
    user: &CurrentUser,
    frame: FormFrame,
    fields: &[(String, String)],
    errors: &FieldErrors,
    focus: Option<Focus>,
    stale: Option<String>,
) -> Result<Response, PageError> {
    let areas = households::area_choices(&ctx.app).await?;
    let (first, members, sections, anchors, last) =
        build_form(ctx, Fields(fields), errors, &areas, focus);
    let mut all: Vec<Section> = vec![first.clone()];
    all.push(Section {
        id: "members".into(),
        title: String::new(),
        intro: None,
        fields: members.rows.iter().flat_map(|r| r.fields.clone()).collect(),
    });
    all.extend(sections.iter().cloned());
    all.push(Section {
        id: "anchors".into(),
        title: String::new(),
        intro: None,
        fields: anchors.rows.iter().flat_map(|r| r.fields.clone()).collect(),
    });
    all.extend(last.iter().cloned());
    let page = FormPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(frame.mid), "/households").await?,
        title: frame.title,
        action: frame.action,
        csrf: ctx.csrf(),
        summary: summary(&all),
        first,
        members,
        sections,
        anchors,
        last,
        cancel: frame.cancel,
        version: Fields(fields)
            .get(crate::domain::input::VERSION_FIELD)
            .to_owned(),
        stale: stale.clone(),
    };
    let status = if stale.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        crate::web::form::status_for(errors.is_empty())
    };
    Ok((status, page).into_response())
}

/// A press of "add a person", "remove place 2", ...: the form again with the row added
/// or taken out and every value kept; nothing is saved.
fn row_button(fields: &mut Vec<(String, String)>) -> Option<Focus> {
    let action = Fields(fields).get("action").to_owned();
    [MEMBERS, ANCHORS].into_iter().find_map(|group| {
        group.action(&action).map(|pressed| Focus {
            group: group.name,
            row: group.apply(fields, pressed, 1),
        })
    })
}

fn new_frame(t: Texts, mid: i64) -> FormFrame {
    FormFrame {
        mid,
        title: t.get("household.new_title").into(),
        action: format!("/m/{mid}/households/new"),
        cancel: format!("/m/{mid}/households"),
    }
}

fn edit_frame(t: Texts, h: &StoredHousehold) -> FormFrame {
    FormFrame {
        mid: h.municipality_id,
        title: crate::i18n::fill(
            t.get("household.edit_title"),
            &[("reference", &h.profile.reference)],
        ),
        action: format!("/households/{}/edit", h.id),
        cancel: format!("/households/{}", h.id),
    }
}

/// `GET /m/{mid}/households/new`.
pub async fn new_household(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let today = ctx.app.clock.today().to_string();
    let defaults = vec![
        ("urgency".to_owned(), "0".to_owned()),
        ("preferred_language".to_owned(), "de".to_owned()),
        ("consent_date".to_owned(), today),
    ];
    let frame = new_frame(ctx.t(), mid);
    form_page(&ctx, &user, frame, &defaults, &FieldErrors::default(), None).await
}

/// `POST /m/{mid}/households/new`: saves, or adds/removes a row (nothing saved).
pub async fn create_household(
    Path(mid): Path<i64>,
    AuthedForm {
        ctx,
        user,
        mut form,
    }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let frame = new_frame(ctx.t(), mid);
    if let Some(focus) = row_button(&mut form.fields) {
        // The municipality must be the coordinator's even when nothing is saved.
        households::check_scope(&user, mid)?;
        let errors = FieldErrors::default();
        return form_page(&ctx, &user, frame, &form.fields, &errors, Some(focus)).await;
    }
    match households::create(&ctx.app, &user, mid, &form.fields).await? {
        Ok(id) => {
            ctx.session.flash("success", "household.saved");
            Ok(Redirect::to(&format!("/households/{id}")).into_response())
        }
        Err(errors) => form_page(&ctx, &user, frame, &form.fields, &errors, None).await,
    }
}

/// `GET /households/{id}/edit`.
pub async fn edit_household(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = households::get(&ctx.app, &user, id).await?;
    let fields = households::fields_of(&h, ctx.locale);
    let frame = edit_frame(ctx.t(), &h);
    form_page(&ctx, &user, frame, &fields, &FieldErrors::default(), None).await
}

/// `POST /households/{id}/edit`: saves, or adds/removes a row (nothing saved).
pub async fn update_household(
    Path(id): Path<i64>,
    AuthedForm {
        ctx,
        user,
        mut form,
    }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = households::get(&ctx.app, &user, id).await?;
    let frame = edit_frame(ctx.t(), &h);
    if let Some(focus) = row_button(&mut form.fields) {
        let errors = FieldErrors::default();
        return form_page(&ctx, &user, frame, &form.fields, &errors, Some(focus)).await;
    }
    match households::update(&ctx.app, &user, id, &form.fields).await {
        Ok(Ok(())) => {
            ctx.session.flash("success", "household.saved");
            Ok(Redirect::to(&format!("/households/{id}")).into_response())
        }
        Ok(Err(errors)) => form_page(&ctx, &user, frame, &form.fields, &errors, None).await,
        Err(crate::services::ServiceError::Conflict(crate::services::Conflict::StaleVersion)) => {
            let now = households::get(&ctx.app, &user, id).await?;
            let mut fields = form.fields;
            fields.retain(|(k, _)| k != crate::domain::input::VERSION_FIELD);
            fields.push((
                crate::domain::input::VERSION_FIELD.into(),
                now.version.to_string(),
            ));
            let errors = FieldErrors::default();
            let current = Some(format!("/households/{id}"));
            form_page_with(&ctx, &user, frame, &fields, &errors, None, current).await
        }
        Err(e) => Err(e.into()),
    }
}
