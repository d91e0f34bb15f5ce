//! The match runs of a municipality, and starting one.

use super::*;

/// A run in the list.
#[derive(Debug, Clone)]
pub struct RunLine {
    pub id: i64,
    pub started: String,
    pub scope: String,
    pub trigger: String,
    pub households: i32,
    pub units: i32,
    pub assigned: i32,
    pub status: String,
}

/// `GET /m/{mid}/runs`.
#[derive(Template, WebTemplate)]
#[template(path = "runs.html")]
pub struct RunsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub mid: i64,
    pub runs: Vec<RunLine>,
}

/// `GET /m/{mid}/runs`.
pub async fn list_runs(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let runs = review::runs_of(&ctx.app, &user, mid)
        .await?
        .into_iter()
        .map(|r| RunLine {
            id: r.id,
            started: when(ctx.locale, r.started_at),
            scope: if r.municipality_id.is_some() {
                t.get("review.scope_municipality").to_owned()
            } else {
                t.get("review.scope_all").to_owned()
            },
            trigger: t.get(&format!("review.trigger.{}", r.trigger)).to_owned(),
            households: r.households_count,
            units: r.units_count,
            assigned: r.assigned_count,
            status: r.status,
        })
        .collect();
    Ok(RunsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/runs").await?,
        csrf: ctx.csrf(),
        mid,
        runs,
    }
    .into_response())
}

/// `POST /m/{mid}/runs`: starts a run for the municipality.
pub async fn start_run(
    Path(mid): Path<i64>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    staff::municipality(&ctx.app, &user, mid, true).await?;
    let summary = matching::run(
        &ctx.app,
        &Actor::User(user.clone()),
        Scope::Municipality(mid),
        Trigger::Manual,
    )
    .await?;
    ctx.session.flash("success", "review.run_done");
    Ok(Redirect::to(&format!("/runs/{}", summary.run_id)).into_response())
}
