//! What the map of a municipality shows: its units by status and the important places
//! (anchors) of its households. Only for those who manage the municipality.

use entities::{household, household_anchor, unit};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{CurrentUser, ServiceError};
use crate::app::App;
use crate::domain::unit::OneLine;

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
    let units = unit::Entity::find()
        .filter(unit::Column::MunicipalityId.eq(municipality_id))
        .filter(unit::Column::Status.ne("withdrawn"))
        .order_by_asc(unit::Column::Id)
        .all(&app.db)
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
    let households: Vec<household::Model> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality_id))
        .filter(household::Column::Status.is_in(["active", "paused"]))
        .all(&app.db)
        .await?;
    let ids: Vec<i64> = households.iter().map(|h| h.id).collect();
    let mut anchors = Vec::new();
    for chunk in ids.chunks(500) {
        anchors.extend(
            household_anchor::Entity::find()
                .filter(household_anchor::Column::HouseholdId.is_in(chunk.to_vec()))
                .order_by_asc(household_anchor::Column::HouseholdId)
                .order_by_asc(household_anchor::Column::Position)
                .all(&app.db)
                .await?,
        );
    }
    let anchors = anchors
        .into_iter()
        .filter_map(|a| {
            let h = households.iter().find(|h| h.id == a.household_id)?;
            Some(AnchorPoint {
                household_id: h.id,
                reference: h.reference.clone(),
                kind: a.kind,
                label: a.label,
                lat: a.lat,
                lon: a.lon,
            })
        })
        .collect();
    Ok(MapPoints { units, anchors })
}
