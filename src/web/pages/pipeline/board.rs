//! The board: a municipality's proposals by stage.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{state_label, when};
use crate::services::pipeline::{self, STAGES};
use crate::web::error::PageError;
use crate::web::pages::Chrome;
use crate::web::pages::staff::{Staff, StaffNav, nav, require_coordinator};

/// Query of the board.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub stage: String,
}

/// A stage tab with its count.
#[derive(Debug, Clone)]
pub struct StageTab {
    pub key: String,
    pub label: String,
    pub count: usize,
    pub current: bool,
}

/// A proposal in a list.
#[derive(Debug, Clone)]
pub struct ProposalLine {
    pub id: i64,
    pub unit: String,
    pub household_id: i64,
    pub household: String,
    pub state: String,
    pub since: String,
    pub due: String,
    pub overdue: bool,
}

/// `GET /m/{mid}/proposals`.
#[derive(Template, WebTemplate)]
#[template(path = "proposals_board.html")]
pub struct BoardPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub tabs: Vec<StageTab>,
    pub rows: Vec<ProposalLine>,
}

/// `GET /m/{mid}/proposals?stage=..`.
pub async fn board(
    Path(mid): Path<i64>,
    Query(q): Query<BoardQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let now = ctx.app.clock.now();
    let all = pipeline::for_municipality(&ctx.app, &user, mid, None).await?;
    let current = if STAGES.iter().any(|(k, _)| *k == q.stage) {
        q.stage.clone()
    } else {
        "waiting".to_owned()
    };
    let tabs = STAGES
        .iter()
        .map(|(key, states)| StageTab {
            key: (*key).to_owned(),
            label: t.get(&format!("pipeline.stage.{key}")).to_owned(),
            count: all.iter().filter(|p| states.contains(&p.state)).count(),
            current: *key == current,
        })
        .collect();
    let states = STAGES
        .iter()
        .find(|(k, _)| *k == current)
        .map(|(_, s)| *s)
        .unwrap_or(&[]);
    let rows = all
        .into_iter()
        .filter(|p| states.contains(&p.state))
        .map(|p| ProposalLine {
            id: p.id,
            unit: p.unit_address.clone(),
            household_id: p.household_id,
            household: p.household_reference.clone(),
            state: state_label(t, p.state),
            since: when(ctx.locale, p.state_changed_at),
            due: p
                .answer_due_at
                .filter(|_| p.state.awaits_answer())
                .map(|d| when(ctx.locale, d))
                .unwrap_or_default(),
            overdue: p.state.awaits_answer() && p.answer_due_at.is_some_and(|d| d < now),
        })
        .collect();
    Ok(BoardPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/proposals").await?,
        mid,
        tabs,
        rows,
    }
    .into_response())
}
