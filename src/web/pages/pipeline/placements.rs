//! The placements of a municipality with their next follow-up.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::domain::format;
use crate::i18n::fill;
use crate::services::pipeline;
use crate::web::error::PageError;
use crate::web::pager::{self, Pager};
use crate::web::pages::Chrome;
use crate::web::pages::staff::{Staff, StaffNav, nav, require_coordinator};

/// A placement in the table.
#[derive(Debug, Clone)]
pub struct PlacementLine {
    pub proposal_id: i64,
    pub unit: String,
    pub household: String,
    pub moved_in: String,
    pub lease: String,
    pub places: i32,
    pub outcome: String,
    pub next_follow_up: String,
}

/// `GET /m/{mid}/placements`.
#[derive(Template, WebTemplate)]
#[template(path = "placements.html")]
pub struct PlacementsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub rows: Vec<PlacementLine>,
    pub pager: Pager,
}

/// The address's part after `?`: which page.
#[derive(Debug, Default, Deserialize)]
pub struct PlacementsQuery {
    /// From 1; anything else is the first page.
    #[serde(default)]
    pub page: String,
}

/// `GET /m/{mid}/placements`.
pub async fn placements(
    Path(mid): Path<i64>,
    Query(query): Query<PlacementsQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let locale = ctx.locale;
    let page = pager::page_number(&query.page);
    let (found, total) = pipeline::placements_page(
        &ctx.app,
        &user,
        &[mid],
        None,
        pager::offset(page),
        pager::PER_PAGE,
    )
    .await?;
    let pager = Pager::new(
        t,
        &format!("/m/{mid}/placements"),
        &[],
        page,
        found.len(),
        total,
    );
    let rows = found
        .into_iter()
        .map(|p| PlacementLine {
            proposal_id: p.placement.proposal_id,
            unit: p.unit_address,
            household: p.household_reference,
            moved_in: p
                .placement
                .moved_in_on
                .map(|d| format::date(locale, d))
                .unwrap_or_default(),
            lease: p
                .placement
                .lease_kind
                .as_ref()
                .map(|k| t.get(&format!("pipeline.lease.{k}")).to_owned())
                .unwrap_or_default(),
            places: p.placement.places_freed,
            outcome: t
                .get(&format!("pipeline.outcomes.{}", p.placement.outcome))
                .to_owned(),
            next_follow_up: p
                .next_follow_up
                .map(|(month, due)| {
                    fill(
                        t.get("followup.next"),
                        &[
                            ("month", &month.to_string()),
                            ("date", &format::date(locale, due)),
                        ],
                    )
                })
                .unwrap_or_default(),
        })
        .collect();
    Ok(PlacementsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/proposals").await?,
        mid,
        rows,
        pager,
    }
    .into_response())
}
