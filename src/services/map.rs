//! What the map of a municipality shows: its units by status and the important places
//! (anchors) of its households. Only for those who manage the municipality.

use super::{CurrentUser, ServiceError};
use crate::app::App;
use crate::domain::unit::OneLine;
use crate::store::map as store;

/// A unit on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitPoint {
    pub id: i64,
    pub status: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
}

/// A household's important place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct AnchorPoint {
    pub household_id: i64,
    pub reference: String,
    pub kind: String,
    pub label: String,
    pub lat: f64,
    pub lon: f64,
}

/// The points of the map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapPoints {
    pub units: Vec<UnitPoint>,
    pub anchors: Vec<AnchorPoint>,
}

/// The municipality's units (not withdrawn) and the anchors of its looking households.
pub async fn points(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<MapPoints, ServiceError> {
    if !user.can_manage(municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let units = store::units(&app.db, municipality_id)
        .await?
        .into_iter()
        .map(|u| UnitPoint {
            address: u.one_line(),
            id: u.id,
            status: u.status,
            lat: u.lat,
            lon: u.lon,
        })
        .collect();
    let anchors = store::anchors(&app.db, municipality_id)
        .await?
        .into_iter()
        .map(|(reference, a)| AnchorPoint {
            household_id: a.household_id,
            reference,
            kind: a.kind,
            label: a.label,
            lat: a.lat,
            lon: a.lon,
        })
        .collect();
    Ok(MapPoints { units, anchors })
}
