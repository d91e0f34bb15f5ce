//! The upload page for CSV imports, import reports, templates and the review of likely
//! duplicates.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::staff::{Staff, StaffNav, nav, require_coordinator};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::format;
use crate::i18n::{Texts, fill};
use crate::services::import::{self, Kind, Options, Report};
use crate::services::{Actor, CurrentUser, staff};
use crate::web::error::PageError;

/// A line of a report.
#[derive(Debug, Clone)]
pub struct ProblemLine {
    pub line: u64,
    pub column: String,
    pub message: String,
    pub value: String,
}

/// A report as pages show it.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub when: String,
    pub imported: bool,
    pub summary: String,
    pub problems: Vec<ProblemLine>,
    pub flagged: Vec<ProblemLine>,
}

fn report_view(t: Texts, locale: crate::domain::Locale, r: &Report) -> ReportView {
    ReportView {
        id: r.import_id,
        kind: t.get(&format!("import.kinds.{}", r.kind)).to_owned(),
        file_name: r.file_name.clone(),
        when: r
            .created_at
            .map(|d| format::date(locale, crate::domain::time::berlin_date(d)))
            .unwrap_or_default(),
        imported: r.imported,
        summary: if r.imported {
            fill(
                t.get("import.summary_done"),
                &[
                    ("accepted", &r.accepted.to_string()),
                    ("rows", &r.rows.to_string()),
                    ("flagged", &r.flagged.len().to_string()),
                ],
            )
        } else {
            fill(
                t.get("import.summary_rejected"),
                &[("problems", &r.rejected.len().to_string())],
            )
        },
        problems: r
            .rejected
            .iter()
            .map(|p| ProblemLine {
                line: p.line,
                column: p.column.clone().unwrap_or_default(),
                message: t.get(&p.key).to_owned(),
                value: p.value.clone().unwrap_or_default(),
            })
            .collect(),
        flagged: r
            .flagged
            .iter()
            .map(|f| ProblemLine {
                line: f.line,
                column: String::new(),
                message: t.get(&f.key).to_owned(),
                value: format!("#{}", f.existing_id),
            })
            .collect(),
    }
}

/// An open review flag.
#[derive(Debug, Clone)]
pub struct FlagLine {
    pub id: i64,
    pub text: String,
    pub href: String,
}

/// `GET /m/{mid}/import`.
#[derive(Template, WebTemplate)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub mid: i64,
    pub error: Option<String>,
    pub kind: String,
    pub history: Vec<ReportView>,
    pub flags: Vec<FlagLine>,
}

async fn import_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    error: Option<String>,
    kind: &str,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let actor = Actor::User(user.clone());
    let history = import::history(&ctx.app, &actor, mid)
        .await?
        .iter()
        .take(20)
        .map(|r| report_view(t, ctx.locale, r))
        .collect();
    let flags = import::open_flags(&ctx.app, &actor, mid)
        .await?
        .into_iter()
        .map(|f| FlagLine {
            id: f.id,
            text: format!(
                "{}: {}",
                t.get(&format!("import.flag_kinds.{}", f.kind)),
                f.reason
            ),
            href: match f.entity.as_str() {
                "households" => format!("/households/{}", f.entity_id),
                _ => format!("/units/{}", f.entity_id),
            },
        })
        .collect();
    let status = crate::web::form::status_for(error.is_none());
    let page = ImportPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(mid), "/import").await?,
        csrf: ctx.csrf(),
        mid,
        error,
        kind: kind.to_owned(),
        history,
        flags,
    };
    Ok((status, page).into_response())
}

/// `GET /m/{mid}/import`.
pub async fn show_import(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    import_page(&ctx, &user, mid, None, "households").await
}

/// `GET /imports/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "import_report.html")]
pub struct ReportPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub report: ReportView,
}

async fn report_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    mid: i64,
    report: &Report,
) -> Result<Response, PageError> {
    let status = crate::web::form::status_for(report.imported);
    let page = ReportPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(mid), "/import").await?,
        mid,
        report: report_view(ctx.t(), ctx.locale, report),
    };
    Ok((status, page).into_response())
}

/// `POST /m/{mid}/import`: imports the uploaded file.
pub async fn upload(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    staff::municipality(&ctx.app, &user, mid, true).await?;
    let t = ctx.t();
    let kind_text = form.text("kind");
    let Ok(kind) = kind_text.parse::<Kind>() else {
        return import_page(
            &ctx,
            &user,
            mid,
            Some(t.get("import.choose_kind").into()),
            "households",
        )
        .await;
    };
    let Some(file) = form.files.iter().find(|f| f.field == "file" && f.size > 0) else {
        return import_page(
            &ctx,
            &user,
            mid,
            Some(t.get("import.choose_file").into()),
            &kind_text,
        )
        .await;
    };
    let bytes = match file.bytes() {
        Ok(bytes) if !file.too_large => bytes,
        _ => {
            return import_page(
                &ctx,
                &user,
                mid,
                Some(t.get("import.too_large").into()),
                &kind_text,
            )
            .await;
        }
    };
    let options = Options {
        file_name: file.filename.clone(),
        default_municipality: Some(mid),
        only_municipality: Some(mid),
    };
    let report = import::run(
        &ctx.app,
        &Actor::User(user.clone()),
        kind,
        &bytes,
        &options,
        &|_, _, _| {},
    )
    .await?;
    if report.imported {
        ctx.session.flash("success", "import.done");
        Ok(Redirect::to(&format!("/imports/{}", report.import_id)).into_response())
    } else {
        report_page(&ctx, &user, mid, &report).await
    }
}

/// `GET /imports/{id}`.
pub async fn show_report(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let report = import::report(&ctx.app, &Actor::User(user.clone()), id).await?;
    let mid = import::municipality_of(&ctx.app, id)
        .await?
        .or_else(|| user.municipalities.first().copied())
        .unwrap_or(0);
    let mut page = report_page(&ctx, &user, mid, &report).await?;
    *page.status_mut() = StatusCode::OK;
    Ok(page)
}

/// `POST /flags/{id}/resolve`.
pub async fn resolve_flag(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let resolution = match form.get("resolution") {
        "" => ctx.t().get("import.resolved_default").to_owned(),
        text => text.to_owned(),
    };
    let mid = import::resolve_flag(&ctx.app, &Actor::User(user.clone()), id, &resolution).await?;
    ctx.session.flash("success", "import.flag_resolved");
    Ok(Redirect::to(&format!("/m/{mid}/import#flags")).into_response())
}

/// `GET /m/{mid}/import/template/{file}`: an empty file with every column and one example.
pub async fn template(
    Path((mid, file)): Path<(i64, String)>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let m = staff::municipality(&ctx.app, &user, mid, true).await?;
    let body = match file.as_str() {
        "households.csv" => import::household_template(&m.name),
        "units.csv" => import::unit_template(),
        _ => return Err(PageError::NotFound),
    };
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
