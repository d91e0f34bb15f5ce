//! Who may do what with flats: enter and edit them, see them, list them.

use super::{StoredUnit, municipality_for, units};
use crate::app::App;
use crate::domain::input::Fields;
use crate::domain::roles::Role;
use crate::services::{CurrentUser, ServiceError};
use crate::store::{drafts, landlords};

/// Whether `user` may enter and edit units of landlord `landlord_id` and unit `unit`.
pub(super) async fn may_edit(
    app: &App,
    user: &CurrentUser,
    landlord_id: i64,
    municipality_id: Option<i64>,
    created_by: Option<i64>,
) -> Result<bool, ServiceError> {
    Ok(match user.role {
        Role::Admin => true,
        Role::Landlord => landlords::find_by_user(&app.db, user.id)
            .await?
            .is_some_and(|l| l.id == landlord_id),
        // Staff: what they started themselves, or what is in their area by its stored place.
        Role::Coordinator | Role::Volunteer => {
            created_by == Some(user.id)
                || municipality_id.is_some_and(|m| user.municipalities.contains(&m))
        }
    })
}

/// The draft `id`, if `user` may act on it. A draft belongs to its author and its
/// landlord; other staff may open it only where its stored place is in their area (never by
/// the place they post).
pub(crate) async fn draft_of(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<drafts::Draft, ServiceError> {
    let draft = drafts::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("draft".into()))?;
    let place = municipality_for(
        app,
        Fields(&draft.fields).get("postal_code"),
        Fields(&draft.fields).get("town"),
    )
    .await?
    .ok()
    .map(|(m, _)| m.id);
    if !may_edit(app, user, draft.landlord_id, place, draft.created_by).await? {
        return Err(ServiceError::Forbidden);
    }
    Ok(draft)
}

/// The landlord record of a landlord user.
pub async fn own_landlord(
    app: &App,
    user: &CurrentUser,
) -> Result<entities::landlord::Model, ServiceError> {
    landlords::find_by_user(&app.db, user.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no landlord record for this account".into()))
}

/// The landlord record of a landlord's account with their flats (newest first) and the
/// flats' incentive requests.
pub async fn own_landlord_and_units(
    app: &App,
    user: &CurrentUser,
) -> Result<units::LandlordUnits, ServiceError> {
    units::landlord_with_units(&app.db, user.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no landlord record for this account".into()))
}

/// Whether `user` may see unit `unit_id` (its page and photos).
pub async fn may_see(
    app: &App,
    user: &CurrentUser,
    unit: &StoredUnit,
) -> Result<bool, ServiceError> {
    may_edit(
        app,
        user,
        unit.landlord_id,
        Some(unit.municipality_id),
        None,
    )
    .await
}

/// One page of the units a person may see that pass `filter`, by id, with the number in
/// all: a landlord's own; the units of the municipalities a staff member works for (only
/// `municipality` when given, which must be one of them). Paged in the database.
pub async fn visible(
    app: &App,
    user: &CurrentUser,
    municipality: Option<i64>,
    mut filter: units::ListFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<StoredUnit>, u64), ServiceError> {
    if user.role == Role::Landlord {
        let Some(landlord) = landlords::find_by_user(&app.db, user.id).await? else {
            return Ok((Vec::new(), 0));
        };
        filter.landlord_id = Some(landlord.id);
        filter.municipalities = municipality.map(|m| vec![m]);
    } else {
        let scope = crate::services::staff::scope(app, user).await?;
        filter.municipalities = Some(match municipality {
            Some(m) if scope.contains(&m) => vec![m],
            Some(_) => return Err(ServiceError::Forbidden),
            None => scope,
        });
    }
    Ok(units::page(&app.db, &filter, offset, limit).await?)
}

/// One unit, if the person may see it (`Forbidden` otherwise).
pub async fn one_visible(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<StoredUnit, ServiceError> {
    let unit = units::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    if !may_see(app, user, &unit).await? {
        return Err(ServiceError::Forbidden);
    }
    Ok(unit)
}
