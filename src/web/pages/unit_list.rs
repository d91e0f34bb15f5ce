//! Every flat of a municipality, for its coordinators and volunteers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};

use crate::domain::format;
use crate::services::staff;
use crate::web::error::PageError;
use crate::web::pages::Chrome;
use crate::web::pages::staff::{Staff, StaffNav, nav};

/// A unit in the municipality's list.
#[derive(Debug, Clone)]
pub struct UnitLine {
    pub id: i64,
    pub address: String,
    pub facts: String,
    pub status: String,
    pub available: String,
}

/// `GET /m/{mid}/units`.
#[derive(Template, WebTemplate)]
#[template(path = "units_list.html")]
pub struct UnitsPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub rows: Vec<UnitLine>,
    pub counts: Vec<(String, usize)>,
}

/// `GET /m/{mid}/units`: every unit of the municipality (volunteers may read them).
pub async fn units_list(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let units = staff::units_of(&ctx.app, &user, mid).await?;
    let counts = crate::domain::unit::UnitStatus::ALL
        .iter()
        .map(|s| {
            (
                t.get(&format!("unit.status.{}", s.as_str())).to_owned(),
                units.iter().filter(|u| u.status == *s).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let rows = units
        .iter()
        .map(|u| {
            let d = &u.details;
            let a = &d.address;
            UnitLine {
                id: u.id,
                address: a.one_line(),
                facts: format!(
                    "{} m² · {} {} · {}",
                    format::compact(locale, d.area_m2),
                    format::compact(locale, d.rooms),
                    t.get("pipeline.rooms"),
                    (d.cold_rent + d.service_charges).format(locale)
                ),
                status: t
                    .get(&format!("unit.status.{}", u.status.as_str()))
                    .to_owned(),
                available: format::date(locale, d.available_from),
            }
        })
        .collect();
    Ok(UnitsPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/units").await?,
        rows,
        counts,
    }
    .into_response())
}
