//! What the flat page (`/units/{id}`) shows, loaded for a person who may see it: the flat,
//! its incentive requests (with what each programme has left, for its coordinators), its
//! photos, and for staff the landlord's contact and the flat's proposals; for the landlord
//! of a reserved flat, the proposal running on it.

use std::collections::BTreeMap;

use entities::{incentive_programme, unit_incentive, unit_photo};

use super::may_see;
use crate::app::App;
use crate::domain::Cents;
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::services::pipeline::ProposalView;
use crate::services::proposals::LandlordProposal;
use crate::services::{CurrentUser, ServiceError};
use crate::store::units::StoredUnit;
use crate::store::{self, photos::Owner};

/// The landlord as staff see them beside a flat.
#[derive(Debug, Clone, PartialEq)]
pub enum LandlordContact {
    /// Their personal data was erased.
    Erased,
    Known {
        name: String,
        email: Option<String>,
        phone: Option<String>,
        /// Street, postal code and town on one line, when any is given.
        address: Option<String>,
    },
}

/// What staff see of a flat besides its facts.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub landlord: Option<LandlordContact>,
    pub proposals: Vec<ProposalView>,
}

/// Everything the flat page shows.
#[derive(Debug, Clone)]
pub struct FlatPage {
    pub unit: StoredUnit,
    /// The flat's incentive requests with their programmes, by request id.
    pub requests: Vec<(unit_incentive::Model, incentive_programme::Model)>,
    /// What each programme has left, by programme id (only for the flat's coordinators).
    pub budgets: BTreeMap<i64, Option<Cents>>,
    pub photos: Vec<unit_photo::Model>,
    /// Admins, coordinators and volunteers only.
    pub staff: Option<StaffView>,
    /// The landlord's proposal running on a reserved flat.
    pub running: Option<LandlordProposal>,
}

/// Whether the user sees a flat as staff (not as its landlord).
pub fn is_staff(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Coordinator | Role::Volunteer)
}

/// The flat page of flat `id` for `user`; `None` when there is no such flat or the user may
/// not see it (both answer "not found", so ids are not probed).
pub async fn flat_page(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<Option<FlatPage>, ServiceError> {
    let db = &app.db;
    let Some(unit) = store::units::find(db, id).await? else {
        return Ok(None);
    };
    if !may_see(app, user, &unit).await? {
        return Ok(None);
    }
    let requests = store::incentives::requests_for_unit(db, id).await?;
    let budgets = if user.can_manage(unit.municipality_id) {
        let programmes: Vec<_> = requests.iter().map(|(_, p)| p.clone()).collect();
        crate::services::staff::budgets_left(app, &programmes).await?
    } else {
        BTreeMap::new()
    };
    let photos = store::photos::list(db, Owner::Unit(id)).await?;
    let staff = if is_staff(user) {
        Some(StaffView {
            landlord: landlord_contact(app, unit.landlord_id).await?,
            proposals: crate::services::pipeline::for_unit(app, user, id).await?,
        })
    } else {
        None
    };
    let running = if unit.status == UnitStatus::Reserved && !is_staff(user) {
        crate::services::proposals::for_own_units(app, std::slice::from_ref(&unit))
            .await?
            .into_iter()
            .next()
    } else {
        None
    };
    Ok(Some(FlatPage {
        unit,
        requests,
        budgets,
        photos,
        staff,
        running,
    }))
}

/// The landlord's contact: their own e-mail address, else their account's.
async fn landlord_contact(
    app: &App,
    landlord_id: i64,
) -> Result<Option<LandlordContact>, ServiceError> {
    let Some(l) = store::landlords::find(&app.db, landlord_id).await? else {
        return Ok(None);
    };
    if l.anonymized_at.is_some() {
        return Ok(Some(LandlordContact::Erased));
    }
    let email = match (&l.contact_email, l.user_id) {
        (Some(e), _) => Some(e.clone()),
        (None, Some(uid)) => store::users::find(&app.db, uid).await?.map(|u| u.email),
        (None, None) => None,
    };
    let address: Vec<String> = [l.street.clone(), l.postal_code.clone(), l.town.clone()]
        .into_iter()
        .flatten()
        .filter(|x| !x.trim().is_empty())
        .collect();
    Ok(Some(LandlordContact::Known {
        name: l.display_name,
        email,
        phone: l.phone,
        address: (!address.is_empty()).then(|| address.join(" ")),
    }))
}

/// The photo stored under `key`, for a person who may see its flat (or edit its draft);
/// `None` otherwise, as for a key that does not exist.
pub async fn visible_photo(
    app: &App,
    user: &CurrentUser,
    key: &str,
) -> Result<Option<unit_photo::Model>, ServiceError> {
    let Some(photo) = store::photos::by_key(&app.db, key).await? else {
        return Ok(None);
    };
    let allowed = match (photo.unit_id, photo.draft_id) {
        (Some(unit_id), _) => match store::units::find(&app.db, unit_id).await? {
            Some(unit) => may_see(app, user, &unit).await?,
            None => false,
        },
        (None, Some(draft_id)) => super::editor_for_draft(app, user, draft_id).await.is_ok(),
        _ => false,
    };
    Ok(allowed.then_some(photo))
}
