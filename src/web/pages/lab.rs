//! The policy lab for coordinators and admins: compare matching policies on the
//! municipality's own history. The comparison runs in the background; its page shows the
//! progress and then the report.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::staff::{Staff, StaffNav, nav};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::time;
use crate::domain::validation::FieldErrors;
use crate::engine::lab::Policy;
use crate::services::CurrentUser;
use crate::services::lab::report::{ReportView, policy_words, view};
use crate::services::lab::runs::{self, LabRunView};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind, SummaryItem, summary};

/// A comparison in the list.
pub struct RunRow {
    pub id: i64,
    pub started: String,
    pub months: i32,
    pub policies: String,
    pub seeds: i32,
    pub state: String,
}

/// `GET /m/{mid}/lab`.
#[derive(Template, WebTemplate)]
#[template(path = "lab.html")]
pub struct LabPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub mid: i64,
    pub fields: Vec<Field>,
    pub summary: Vec<SummaryItem>,
    pub runs: Vec<RunRow>,
}

/// `GET /m/{mid}/lab/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "lab_run.html")]
pub struct LabRunPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub id: i64,
    pub state: &'static str,
    pub state_text: String,
    pub done: i32,
    pub total: i32,
    pub progress_text: String,
    pub error: Option<String>,
    pub r: Option<ReportView>,
    /// The report's texts (the partial reads `t`).
    pub t: crate::i18n::Texts,
}

fn state_text(ctx: &PageCtx, state: &str) -> String {
    ctx.t().get(&format!("lab.state.{state}")).to_owned()
}

fn form_fields(ctx: &PageCtx, form: &FormData, errors: &FieldErrors) -> Vec<Field> {
    let t = ctx.t();
    let fresh = form.fields.is_empty();
    let text = |name: &str, default: &str| {
        if fresh {
            default.to_owned()
        } else {
            form.text(name)
        }
    };
    let all: Vec<String> = Policy::ALL.iter().map(Policy::name).collect();
    let chosen: Vec<&str> = if fresh {
        all.iter().map(String::as_str).collect()
    } else {
        form.all("policies")
    };
    vec![
        Field::new(t, "lab", "months", Kind::Number)
            .value(text("months", "12"))
            .required()
            .error_from(t, errors),
        Field::new(t, "lab", "policies", Kind::Checkboxes)
            .options(
                all.iter()
                    .map(|p| (p.clone(), format!("{p}: {}", policy_words(p, t))))
                    .collect(),
                &chosen,
            )
            .error_from(t, errors),
        Field::new(t, "lab", "seeds", Kind::Number)
            .value(text("seeds", "5"))
            .required()
            .error_from(t, errors),
    ]
}

async fn lab_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    form: &FormData,
    errors: &FieldErrors,
) -> Result<Response, PageError> {
    let nav = nav(ctx, user, Some(mid), "/lab").await?;
    let fields = form_fields(ctx, form, errors);
    let sections = vec![crate::web::forms::Section {
        id: "lab".into(),
        title: String::new(),
        intro: None,
        fields: fields.clone(),
    }];
    let runs = runs::recent(&ctx.app, user)
        .await?
        .into_iter()
        .filter(|v| v.run.municipality_id == Some(mid))
        .map(|v| RunRow {
            id: v.run.id,
            started: time::to_berlin(v.run.created_at)
                .format("%d.%m.%Y %H:%M")
                .to_string(),
            months: v.run.months,
            policies: v.run.policies.replace(',', ", "),
            seeds: v.run.seeds,
            state: state_text(ctx, v.state),
        })
        .collect();
    let page = LabPage {
        chrome: ctx.chrome(),
        nav,
        csrf: ctx.csrf(),
        mid,
        summary: summary(&sections),
        fields,
        runs,
    };
    Ok((crate::web::form::status_for(errors.is_empty()), page).into_response())
}

/// `GET /m/{mid}/lab`: the form and the earlier comparisons.
pub async fn show(Staff { ctx, user }: Staff, Path(mid): Path<i64>) -> Result<Response, PageError> {
    if !user.can_manage(mid) {
        return Err(PageError::NotFound);
    }
    lab_page(
        &ctx,
        &user,
        mid,
        &FormData::default(),
        &FieldErrors::default(),
    )
    .await
}

/// `POST /m/{mid}/lab`: starts a comparison and goes to its page.
pub async fn start(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    if !user.can_manage(mid) {
        return Err(PageError::NotFound);
    }
    let request = match runs::read_form(&user, mid, &form.fields) {
        Ok(r) => r,
        Err(errors) => return lab_page(&ctx, &user, mid, &form, &errors).await,
    };
    match runs::start(&ctx.app, &user, request).await? {
        Ok(id) => Ok(Redirect::to(&format!("/m/{mid}/lab/{id}")).into_response()),
        Err(errors) => lab_page(&ctx, &user, mid, &form, &errors).await,
    }
}

/// `GET /m/{mid}/lab/{id}`: the progress, then the report.
pub async fn show_run(
    Staff { ctx, user }: Staff,
    Path((mid, id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let v: LabRunView = runs::get(&ctx.app, &user, id).await?;
    if v.run.municipality_id != Some(mid) {
        return Err(PageError::NotFound);
    }
    let t = ctx.t();
    let progress_text = crate::i18n::fill(
        t.get("lab.progress"),
        &[
            ("done", &v.run.done.to_string()),
            ("total", &v.run.total.to_string()),
        ],
    );
    let page = LabRunPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/lab").await?,
        mid,
        id,
        state: v.state,
        state_text: state_text(&ctx, v.state),
        done: v.run.done,
        total: v.run.total.max(1),
        progress_text,
        error: v.run.error.clone(),
        r: v.result.as_ref().map(|r| view(r, ctx.locale)),
        t,
    };
    Ok(page.into_response())
}
