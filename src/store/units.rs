//! Units (flats).

use chrono::{DateTime, Utc};
use entities::unit;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{corrupt, to_json_text};
use crate::domain::Cents;
use crate::domain::geo::GeoPoint;
use crate::domain::unit::{Address, LandlordPreference, UnitDetails, UnitStatus};

impl crate::domain::unit::OneLine for unit::Model {
    fn one_line(&self) -> String {
        crate::domain::unit::one_line(
            &self.street,
            &self.house_number,
            &self.postal_code,
            &self.town,
        )
    }
}

/// A unit as stored, with its owner and place.
#[derive(Debug, Clone)]
pub struct StoredUnit {
    pub id: i64,
    pub landlord_id: i64,
    pub municipality_id: i64,
    pub status: UnitStatus,
    pub details: UnitDetails,
    /// Why the flat was withdrawn (the landlord's words, or the erasure marker).
    pub withdrawn_reason: Option<String>,
    /// How many times it was written (the API's `ETag`, the edit form's version).
    pub version: i64,
}

/// The columns a flat's details fill, as the landlord's form and the import give them.
///
/// The municipal top-up is left out on purpose: it is the municipality's decision, not part
/// of what a landlord enters (the form reads it as zero), so editing a flat must keep the
/// stored amount. Only a new row takes it from `details` (the data sets and demo set it).
fn detail_columns(
    d: &UnitDetails,
    municipality_id: i64,
) -> Result<unit::ActiveModel, sea_orm::DbErr> {
    let tags: Vec<&str> = d.preferences.iter().map(|p| p.as_str()).collect();
    Ok(unit::ActiveModel {
        municipality_id: Set(municipality_id),
        street: Set(d.address.street.clone()),
        house_number: Set(d.address.house_number.clone()),
        postal_code: Set(d.address.postal_code.clone()),
        town: Set(d.address.town.clone()),
        address_extra: Set(d.address.extra.clone()),
        lat: Set(d.location.lat),
        lon: Set(d.location.lon),
        area_m2: Set(d.area_m2),
        rooms: Set(d.rooms),
        floor: Set(d.floor),
        has_lift: Set(d.has_lift),
        step_free: Set(d.step_free),
        wheelchair_accessible: Set(d.wheelchair_accessible),
        furnished: Set(d.furnished),
        pets_allowed: Set(d.pets_allowed),
        max_occupants: Set(d.max_occupants as i32),
        cold_rent_cents: Set(d.cold_rent.0),
        service_charges_cents: Set(d.service_charges.0),
        heating_costs_cents: Set(d.heating_costs.0),
        deposit_cents: Set(d.deposit.0),
        available_from: Set(d.available_from),
        lease_type: Set(d.lease_type.as_str().to_owned()),
        lease_end: Set(d.lease_end),
        pref_min_household_size: Set(d.pref_min_household_size.map(|v| v as i32)),
        pref_max_household_size: Set(d.pref_max_household_size.map(|v| v as i32)),
        pref_tags: Set(to_json_text(&tags)?),
        pref_notes: Set(d.pref_notes.clone()),
        description: Set(d.description.clone()),
        ..Default::default()
    })
}

/// A new unit's row.
fn new_row(
    landlord_id: i64,
    municipality_id: i64,
    status: UnitStatus,
    details: &UnitDetails,
    entered_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<unit::ActiveModel, sea_orm::DbErr> {
    let mut row = detail_columns(details, municipality_id)?;
    row.landlord_id = Set(landlord_id);
    row.status = Set(status.as_str().to_owned());
    row.municipal_top_up_cents = Set(details.municipal_top_up.0);
    row.submitted_at = Set(Some(now));
    row.checked_at = Set(None);
    row.checked_by_user_id = Set(None);
    row.withdrawn_at = Set(None);
    row.withdrawn_reason = Set(None);
    row.entered_by_user_id = Set(entered_by);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    Ok(row)
}

/// Inserts a unit and returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
    municipality_id: i64,
    status: UnitStatus,
    details: &UnitDetails,
    entered_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = new_row(
        landlord_id,
        municipality_id,
        status,
        details,
        entered_by,
        now,
    )?
    .insert(db)
    .await?;
    Ok(row.id)
}

/// A unit for [`insert_many`].
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Given by the caller (see [`super::bulk::next_id`]).
    pub id: i64,
    pub landlord_id: i64,
    pub municipality_id: i64,
    pub status: UnitStatus,
    pub details: UnitDetails,
    /// When staff checked it (units past `submitted`).
    pub checked: Option<(DateTime<Utc>, i64)>,
    pub created_at: DateTime<Utc>,
}

/// Inserts many units in a few statements (a data set's bulk load); the ids are the
/// caller's.
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    units: &[NewUnit],
) -> Result<(), sea_orm::DbErr> {
    let rows = units
        .iter()
        .map(|u| {
            let mut row = new_row(
                u.landlord_id,
                u.municipality_id,
                u.status,
                &u.details,
                None,
                u.created_at,
            )?;
            row.id = Set(u.id);
            row.checked_at = Set(u.checked.map(|(at, _)| at));
            row.checked_by_user_id = Set(u.checked.map(|(_, by)| by));
            Ok(row)
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    super::bulk::insert_all(db, rows).await
}

/// Units in the given statuses, optionally of one municipality, by id.
pub async fn list_by_status<C: ConnectionTrait>(
    db: &C,
    statuses: &[UnitStatus],
    municipality_id: Option<i64>,
) -> Result<Vec<StoredUnit>, sea_orm::DbErr> {
    let mut query = unit::Entity::find()
        .filter(unit::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    if let Some(id) = municipality_id {
        query = query.filter(unit::Column::MunicipalityId.eq(id));
    }
    query
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Converts a row into the domain type.
pub fn from_row(row: unit::Model) -> Result<StoredUnit, sea_orm::DbErr> {
    let status = row
        .status
        .parse::<UnitStatus>()
        .map_err(|e| corrupt("units", row.id, e))?;
    let lease_type = row
        .lease_type
        .parse()
        .map_err(|e| corrupt("units", row.id, e))?;
    let tags: Vec<String> = serde_json::from_str(&row.pref_tags)
        .map_err(|e| corrupt("units", row.id, format!("pref_tags: {e}")))?;
    let preferences = tags
        .iter()
        .map(|t| t.parse::<LandlordPreference>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| corrupt("units", row.id, e))?;
    let location = GeoPoint::new(row.lat, row.lon)
        .ok_or_else(|| corrupt("units", row.id, "coordinates out of range"))?;
    Ok(StoredUnit {
        id: row.id,
        landlord_id: row.landlord_id,
        municipality_id: row.municipality_id,
        status,
        withdrawn_reason: row.withdrawn_reason.clone(),
        version: row.version,
        details: UnitDetails {
            address: Address {
                street: row.street,
                house_number: row.house_number,
                postal_code: row.postal_code,
                town: row.town,
                extra: row.address_extra,
            },
            location,
            area_m2: row.area_m2,
            rooms: row.rooms,
            floor: row.floor,
            has_lift: row.has_lift,
            step_free: row.step_free,
            wheelchair_accessible: row.wheelchair_accessible,
            furnished: row.furnished,
            pets_allowed: row.pets_allowed,
            max_occupants: row.max_occupants.max(0) as u32,
            cold_rent: Cents(row.cold_rent_cents),
            service_charges: Cents(row.service_charges_cents),
            heating_costs: Cents(row.heating_costs_cents),
            deposit: Cents(row.deposit_cents),
            municipal_top_up: Cents(row.municipal_top_up_cents),
            available_from: row.available_from,
            lease_type,
            lease_end: row.lease_end,
            pref_min_household_size: row.pref_min_household_size.map(|v| v.max(0) as u32),
            pref_max_household_size: row.pref_max_household_size.map(|v| v.max(0) as u32),
            preferences,
            pref_notes: row.pref_notes,
            description: row.description,
        },
    })
}

/// The unit with this id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<StoredUnit>, sea_orm::DbErr> {
    unit::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(from_row)
        .transpose()
}

/// The units with these ids, by id (one query for a list's rows).
pub async fn find_many<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, StoredUnit>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    unit::Entity::find()
        .filter(unit::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| from_row(row).map(|u| (u.id, u)))
        .collect()
}

/// A landlord's flats with this postal code on this floor (rows, for comparing addresses).
pub async fn of_landlord_at<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
    postal_code: &str,
    floor: i32,
) -> Result<Vec<unit::Model>, sea_orm::DbErr> {
    unit::Entity::find()
        .filter(unit::Column::LandlordId.eq(landlord_id))
        .filter(unit::Column::PostalCode.eq(postal_code))
        .filter(unit::Column::Floor.eq(floor))
        .all(db)
        .await
}

/// A landlord's units, newest first.
pub async fn list_for_landlord<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
) -> Result<Vec<StoredUnit>, sea_orm::DbErr> {
    unit::Entity::find()
        .filter(unit::Column::LandlordId.eq(landlord_id))
        .order_by_desc(unit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// Unit `id` with its landlord record, in one query.
pub async fn find_with_landlord<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<(StoredUnit, entities::landlord::Model)>, sea_orm::DbErr> {
    let Some((row, Some(landlord))) = unit::Entity::find_by_id(id)
        .find_also_related(entities::landlord::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((from_row(row)?, landlord)))
}

/// A landlord's record with their flats (newest first) and the flats' incentive requests
/// with their programmes (by request id).
#[derive(Debug, Clone)]
pub struct LandlordUnits {
    pub landlord: entities::landlord::Model,
    pub units: Vec<StoredUnit>,
    pub requests: Vec<(
        entities::unit_incentive::Model,
        entities::incentive_programme::Model,
    )>,
}

/// The landlord record of account `user_id` with its units and their incentive requests,
/// in one query (one row per request, or per flat without any).
pub async fn landlord_with_units<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Option<LandlordUnits>, sea_orm::DbErr> {
    use crate::store::joined::{self, Part};
    use entities::{incentive_programme, landlord, unit_incentive};
    let query = landlord::Entity::find()
        .filter(landlord::Column::UserId.eq(user_id))
        .find_also_related(unit::Entity)
        .and_also_related(unit_incentive::Entity)
        .find_also(unit_incentive::Entity, incentive_programme::Entity)
        .order_by_asc(landlord::Column::Id)
        .order_by_desc(unit::Column::Id)
        .order_by_asc(unit_incentive::Column::Id);
    // One row per flat and request: the landlord is decoded from the first row, a flat
    // on its first row (see `store::joined`).
    let rows = joined::rows(db, query).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let landlord: landlord::Model = joined::model(first, Part::A)?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("landlord".into()))?;
    let mut units: Vec<unit::Model> = Vec::new();
    let mut requests = std::collections::BTreeMap::new();
    for row in &rows {
        if joined::id(row, Part::A)? != Some(landlord.id) {
            continue;
        }
        let (request, programme) = (
            joined::model::<unit_incentive::Model>(row, Part::C)?,
            joined::model::<incentive_programme::Model>(row, Part::D)?,
        );
        if let (Some(request), Some(programme)) = (request, programme) {
            requests.insert(request.id, (request, programme));
        }
        let unit_id = joined::id(row, Part::B)?;
        if unit_id.is_some() && units.last().map(|last| last.id) != unit_id {
            units.extend(joined::model::<unit::Model>(row, Part::B)?);
        }
    }
    Ok(Some(LandlordUnits {
        landlord,
        units: units.into_iter().map(from_row).collect::<Result<_, _>>()?,
        requests: requests.into_values().collect(),
    }))
}

/// Replaces a unit's details (and municipality, when the address moved). The caller counts
/// the write ([`bump_version`]) in the same transaction.
pub async fn update_details<C: ConnectionTrait>(
    db: &C,
    id: i64,
    municipality_id: i64,
    details: &UnitDetails,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    // The municipal top-up stays as stored (see `detail_columns`).
    let mut row = detail_columns(details, municipality_id)?;
    row.id = sea_orm::ActiveValue::Unchanged(id);
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(())
}

/// Counts a write of unit `id` (see `households::bump_version`): false when `expected`
/// is given and the stored version is another.
pub async fn bump_version<C: ConnectionTrait>(
    db: &C,
    id: i64,
    expected: Option<i64>,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    let mut update = unit::Entity::update_many()
        .col_expr(
            unit::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(unit::Column::Version), 1),
        )
        .filter(unit::Column::Id.eq(id));
    if let Some(v) = expected {
        update = update.filter(unit::Column::Version.eq(v));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Sets a unit's status (with the reason, when withdrawn).
pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: UnitStatus,
    reason: Option<String>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut row = unit::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        status: Set(status.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    match status {
        UnitStatus::Withdrawn => {
            row.withdrawn_at = Set(Some(now));
            row.withdrawn_reason = Set(reason);
        }
        UnitStatus::Checked | UnitStatus::Available => {
            row.checked_at = Set(Some(now));
            row.checked_by_user_id = Set(by);
        }
        UnitStatus::Submitted => row.submitted_at = Set(Some(now)),
        _ => {}
    }
    row.update(db).await?;
    bump_version(db, id, None).await?;
    Ok(())
}

/// Units of the given municipalities in the given statuses, oldest first (work queues).
pub async fn list_in<C: ConnectionTrait>(
    db: &C,
    municipalities: &[i64],
    statuses: &[UnitStatus],
) -> Result<Vec<StoredUnit>, sea_orm::DbErr> {
    unit::Entity::find()
        .filter(unit::Column::MunicipalityId.is_in(municipalities.to_vec()))
        .filter(unit::Column::Status.is_in(statuses.iter().map(|s| s.as_str())))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect()
}

/// What a list of units is filtered by, in SQL.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this landlord's units.
    pub landlord_id: Option<i64>,
    /// Only units of these municipalities (`None`: any).
    pub municipalities: Option<Vec<i64>>,
    pub status: Option<UnitStatus>,
    pub postal_code: Option<String>,
    pub min_rooms: Option<f64>,
}

/// One page of the units passing `filter`, by id, and how many pass in all (two queries).
pub async fn page<C: ConnectionTrait>(
    db: &C,
    filter: &ListFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<StoredUnit>, u64), sea_orm::DbErr> {
    use sea_orm::{Condition, PaginatorTrait, QuerySelect};
    let mut cond = Condition::all();
    if let Some(landlord) = filter.landlord_id {
        cond = cond.add(unit::Column::LandlordId.eq(landlord));
    }
    if let Some(m) = &filter.municipalities {
        cond = cond.add(unit::Column::MunicipalityId.is_in(m.clone()));
    }
    if let Some(status) = filter.status {
        cond = cond.add(unit::Column::Status.eq(status.as_str()));
    }
    if let Some(postal) = &filter.postal_code {
        cond = cond.add(unit::Column::PostalCode.eq(postal.as_str()));
    }
    if let Some(rooms) = filter.min_rooms {
        cond = cond.add(unit::Column::Rooms.gte(rooms));
    }
    let total = unit::Entity::find().filter(cond.clone()).count(db).await?;
    if offset >= total {
        return Ok((Vec::new(), total));
    }
    let rows = unit::Entity::find()
        .filter(cond)
        .order_by_asc(unit::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}
