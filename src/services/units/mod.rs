//! Units (flats) from the landlord's side: the unit form with drafts and photos, submitting,
//! editing and withdrawing, and the incentives asked for. Also used by volunteers and
//! coordinators who enter a flat on a landlord's behalf.
//!
//! Every post of the form is kept: a new unit's fields go into a draft before anything is
//! checked, and photos are stored as they arrive. Only "submit" validates everything;
//! a mistake brings the same form back with every value and a message at each field.

mod access;
mod editor;
mod page;

pub(crate) use access::draft_of;
use access::may_edit;
pub use access::{may_see, one_visible, own_landlord, own_landlord_and_units, visible};
pub use editor::*;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{incentive_programme, municipality, unit_photo};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use validator::Validate;

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::geo::GeoPoint;
use crate::domain::incentive::IncentiveStatus;
use crate::domain::input::{Fields, Reader, parse_date, parse_number};
use crate::domain::roles::Role;
use crate::domain::unit::{Address, LandlordPreference, LeaseType, UnitDetails, UnitStatus};
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale};
use crate::mail::compose::letter;
use crate::mail::outbox::{self, Outgoing};
use crate::services::photos;
use crate::store::photos::Owner;
pub use crate::store::units::StoredUnit;
/// What the unit list is filtered by (applied in the database).
pub use crate::store::units::{LandlordUnits, ListFilter};
use crate::store::{drafts, incentives, landlords, units};
pub use page::{FlatPage, LandlordContact, StaffView, flat_page, is_staff, visible_photo};

/// An uploaded photo.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    /// Where the upload was streamed to (the caller removes it afterwards).
    pub path: std::path::PathBuf,
    /// More was sent than a photo may have; only the start is on disk.
    pub too_large: bool,
}

/// What the form is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A new unit for this landlord (no draft yet).
    New { landlord_id: i64 },
    /// A saved draft.
    Draft(i64),
    /// An existing unit.
    Unit(i64),
}

/// Which button was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Keep what is there without checking it.
    SaveDraft,
    /// Check everything and send the unit (or save the changes of an existing one).
    Submit,
    /// Look up the municipality from the postal code and show its incentives.
    Refresh,
}

/// Everything the unit form page shows.
#[derive(Debug, Clone)]
pub struct Editor {
    pub target: Target,
    pub landlord_id: i64,
    pub landlord_name: String,
    pub fields: Vec<(String, String)>,
    pub photos: Vec<unit_photo::Model>,
    pub municipality: Option<municipality::Model>,
    pub programmes: Vec<incentive_programme::Model>,
    pub errors: FieldErrors,
    pub location: Option<GeoPoint>,
    pub status: Option<UnitStatus>,
    /// Someone other than the landlord is entering the unit (volunteer, coordinator).
    pub on_behalf: bool,
}

/// What a post of the form led to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A new unit was sent; its id.
    Submitted(i64),
    /// An existing unit's changes were saved.
    Updated(i64),
    /// Kept as a draft; the page of that draft comes next (at `anchor`, if given), so a
    /// reload never posts again.
    DraftSaved {
        id: i64,
        anchor: Option<&'static str>,
    },
    /// Kept as a draft but with a problem to show (a photo refused): shown again.
    Saved(Editor),
    /// Shown again: with errors after a submit, or with the incentives after a refresh.
    Again(Editor),
}

/// A valid form, ready to store.
#[derive(Debug, Clone)]
pub struct ValidUnit {
    pub municipality_id: i64,
    pub details: UnitDetails,
    pub programmes: Vec<i64>,
}

/// Parsed numbers, checked with `validator` (ranges); the rest are domain checks.
#[derive(Debug, Validate)]
struct Checks {
    #[validate(length(min = 1, max = 200, code = "required"))]
    street: String,
    #[validate(length(min = 1, max = 20, code = "required"))]
    house_number: String,
    #[validate(length(min = 1, max = 200, code = "required"))]
    town: String,
    #[validate(length(max = 200, code = "too_long"))]
    address_extra: String,
    #[validate(range(min = 10.0, max = 500.0, code = "area_range"))]
    area_m2: Option<f64>,
    #[validate(range(min = 1.0, max = 20.0, code = "rooms_range"))]
    rooms: Option<f64>,
    #[validate(range(min = -2, max = 40, code = "floor_range"))]
    floor: Option<i64>,
    #[validate(range(min = 1, max = 20, code = "occupants_range"))]
    max_occupants: Option<i64>,
    #[validate(range(min = 0.0, max = 10000.0, code = "rent_range"))]
    cold_rent: Option<f64>,
    #[validate(range(min = 0.0, max = 2000.0, code = "costs_range"))]
    service_charges: Option<f64>,
    #[validate(range(min = 0.0, max = 2000.0, code = "costs_range"))]
    heating_costs: Option<f64>,
    #[validate(range(min = 0.0, max = 30000.0, code = "deposit_range"))]
    deposit: Option<f64>,
    #[validate(range(min = 1, max = 20, code = "pref_size_range"))]
    pref_max_household_size: Option<i64>,
    #[validate(length(max = 1000, code = "too_long"))]
    pref_notes: String,
    #[validate(length(max = 5000, code = "too_long"))]
    description: String,
}

fn money(value: Option<f64>) -> Cents {
    value.and_then(Cents::from_euros_f64).unwrap_or(Cents::ZERO)
}

/// Finds the municipality of a postal code among those Bleibe serves. Errors name the field.
pub async fn municipality_for(
    app: &App,
    postal_code: &str,
    town: &str,
) -> Result<Result<(municipality::Model, GeoPoint), (&'static str, &'static str)>, ServiceError> {
    let code = postal_code.trim();
    if code.len() != 5 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Err(("postal_code", "validation.postal_format")));
    }
    let Some(entry) = crate::geodata::postal(code) else {
        return Ok(Err(("postal_code", "validation.postal_unknown")));
    };
    let keys = crate::geodata::municipalities_of_postal(code);
    let served = municipality::Entity::find()
        .filter(municipality::Column::Ags.is_in(keys.iter().cloned()))
        .filter(municipality::Column::Active.eq(true))
        .all(&app.db)
        .await?;
    let chosen = match served.len() {
        0 => return Ok(Err(("postal_code", "validation.postal_not_served"))),
        1 => served.into_iter().next(),
        _ => {
            let town = town.trim().to_lowercase();
            served.into_iter().find(|m| {
                let name = m.name.to_lowercase();
                !town.is_empty()
                    && (name == town || name.starts_with(&town) || town.starts_with(&name))
            })
        }
    };
    Ok(match chosen {
        Some(m) => Ok((m, entry.centre)),
        None => Err(("town", "validation.town_ambiguous")),
    })
}

/// Checks a complete unit form. `keep_date` allows an availability date in the past when it
/// is the one already stored (an existing unit that has been free for a while).
pub async fn validate_unit(
    app: &App,
    fields: Fields<'_>,
    keep_date: Option<NaiveDate>,
) -> Result<Result<ValidUnit, FieldErrors>, ServiceError> {
    // Ranges are checked below with their own sentences (area, rooms, rent, …).
    let mut r = Reader::new(fields.0);
    r.check_characters(&["pref_notes", "description"]);
    let any = f64::MIN..=f64::MAX;
    let any_whole = i64::MIN..=i64::MAX;
    let area_m2 = r.number("area_m2", any.clone(), true);
    let rooms = r.number("rooms", any.clone(), true);
    let floor = r.whole("floor", any_whole.clone(), true);
    let max_occupants = r.whole("max_occupants", any_whole.clone(), true);
    let cold_rent = r.number("cold_rent", any.clone(), true);
    let service_charges = r.number("service_charges", any.clone(), true);
    let heating_costs = r.number("heating_costs", any.clone(), false);
    let deposit = r.number("deposit", any, false);
    let pref_max = r.whole("pref_max_household_size", any_whole, false);
    let mut errors = r.into_errors();
    let checks = Checks {
        street: fields.get("street").to_owned(),
        house_number: fields.get("house_number").to_owned(),
        town: fields.get("town").to_owned(),
        address_extra: fields.get("address_extra").to_owned(),
        area_m2,
        rooms,
        floor,
        max_occupants,
        cold_rent,
        service_charges,
        heating_costs,
        deposit,
        pref_max_household_size: pref_max,
        pref_notes: fields.get("pref_notes").to_owned(),
        description: fields.get("description").to_owned(),
    };
    if let Err(e) = checks.validate() {
        errors.add_validator(&e);
    }

    // Domain checks.
    if let Some(r) = rooms
        && (r * 2.0).fract() != 0.0
    {
        errors.add("rooms", "validation.rooms_half");
    }
    // Only with a plausible area: a wrong area must not also make the rent look wrong.
    if let (Some(rent), Some(area)) = (cold_rent, area_m2)
        && area > 0.0
        && errors.get("cold_rent").is_none()
        && errors.get("area_m2").is_none()
    {
        let per_m2 = rent / area;
        if !(2.0..=40.0).contains(&per_m2) {
            errors.add("cold_rent", "validation.rent_implausible");
        }
    }
    if let (Some(deposit), Some(rent)) = (deposit, cold_rent)
        && deposit > rent * 3.0 + 0.005
        && errors.get("deposit").is_none()
    {
        errors.add("deposit", "validation.deposit_too_high");
    }
    if let (Some(pref), Some(max)) = (pref_max, max_occupants)
        && pref > max
        && errors.get("pref_max_household_size").is_none()
    {
        errors.add("pref_max_household_size", "validation.pref_size_above_max");
    }
    let today = app.clock.today();
    let available_from = match fields.get("available_from") {
        "" => {
            errors.add("available_from", "validation.required");
            None
        }
        text => match parse_date(text) {
            None => {
                errors.add("available_from", "validation.date");
                None
            }
            Some(d) if d < today && Some(d) != keep_date => {
                errors.add("available_from", "validation.date_past");
                None
            }
            Some(d) => Some(d),
        },
    };
    let lease_type = match fields.get("lease_type") {
        "open_ended" => Some(LeaseType::OpenEnded),
        "fixed_term" => Some(LeaseType::FixedTerm),
        _ => {
            errors.add("lease_type", "validation.choose_one");
            None
        }
    };
    let lease_end = if lease_type == Some(LeaseType::FixedTerm) {
        match fields.get("lease_end") {
            "" => {
                errors.add("lease_end", "validation.lease_end_required");
                None
            }
            text => match parse_date(text) {
                None => {
                    errors.add("lease_end", "validation.date");
                    None
                }
                Some(end) if available_from.is_some_and(|start| end <= start) => {
                    errors.add("lease_end", "validation.lease_end_before");
                    None
                }
                Some(end) => Some(end),
            },
        }
    } else {
        None
    };
    let mut preferences = Vec::new();
    for tag in fields.all("pref_tags") {
        match tag.parse::<LandlordPreference>() {
            Ok(p) if !preferences.contains(&p) => preferences.push(p),
            Ok(_) => {}
            Err(_) => errors.add("pref_tags", "validation.choose_one"),
        }
    }

    let place = if errors.get("postal_code").is_none() {
        match municipality_for(app, fields.get("postal_code"), fields.get("town")).await? {
            Ok(found) => Some(found),
            Err((field, key)) => {
                errors.add(field, key);
                None
            }
        }
    } else {
        None
    };
    if fields.get("postal_code").is_empty() {
        errors.add("postal_code", "validation.required");
    }

    let mut programmes = Vec::new();
    if let Some((m, _)) = &place {
        let offered: Vec<i64> = incentives::programmes_of(&app.db, m.id)
            .await?
            .iter()
            .map(|p| p.id)
            .collect();
        for value in fields.all("incentive") {
            match value.parse::<i64>() {
                Ok(id) if offered.contains(&id) => {
                    if !programmes.contains(&id) {
                        programmes.push(id);
                    }
                }
                _ => errors.add("incentive", "validation.incentive_unknown"),
            }
        }
    }

    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let (
        Some((municipality, centre)),
        Some(area_m2),
        Some(rooms),
        Some(floor),
        Some(max_occupants),
        Some(available_from),
        Some(lease_type),
    ) = (
        place,
        area_m2,
        rooms,
        floor,
        max_occupants,
        available_from,
        lease_type,
    )
    else {
        return Ok(Err(FieldErrors::single("street", "validation.required")));
    };
    // The map pin, when moved, wins over the postal code's centre (within 25 km of it).
    let pin = match (
        parse_number(fields.get("lat")),
        parse_number(fields.get("lon")),
    ) {
        (Some(lat), Some(lon)) => GeoPoint::new(lat, lon).filter(|p| p.distance_km(centre) <= 25.0),
        _ => None,
    };
    let optional_text = |name: &str| Some(fields.get(name).to_owned()).filter(|s| !s.is_empty());
    Ok(Ok(ValidUnit {
        municipality_id: municipality.id,
        programmes,
        details: UnitDetails {
            address: Address {
                street: fields.get("street").to_owned(),
                house_number: fields.get("house_number").to_owned(),
                postal_code: fields.get("postal_code").to_owned(),
                town: fields.get("town").to_owned(),
                extra: optional_text("address_extra"),
            },
            location: pin.unwrap_or(centre),
            area_m2,
            rooms,
            floor: floor as i32,
            has_lift: fields.checked("has_lift"),
            step_free: fields.checked("step_free"),
            wheelchair_accessible: fields.checked("wheelchair_accessible"),
            furnished: fields.checked("furnished"),
            pets_allowed: fields.checked("pets_allowed"),
            max_occupants: max_occupants as u32,
            cold_rent: money(cold_rent),
            service_charges: money(service_charges),
            heating_costs: money(heating_costs),
            deposit: money(deposit),
            municipal_top_up: Cents::ZERO,
            available_from,
            lease_type,
            lease_end,
            pref_min_household_size: None,
            pref_max_household_size: pref_max.map(|v| v as u32),
            preferences,
            pref_notes: optional_text("pref_notes"),
            description: optional_text("description"),
        },
    }))
}

/// Stores the photos that arrived with a post; bad ones become field errors.
async fn take_photos(
    app: &App,
    owner: Owner,
    uploads: &[Upload],
    errors: &mut FieldErrors,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let max = app.settings.uploads.max_photos as u64;
    for upload in uploads {
        if crate::store::photos::count(&app.db, owner).await? >= max {
            errors.add("photos", "validation.photo_count");
            break;
        }
        let stored = if upload.too_large {
            Err("validation.photo_size")
        } else {
            photos::store_file(app, &upload.path).await
        };
        match stored {
            Ok(stored) => {
                crate::store::photos::insert(
                    &app.db,
                    owner,
                    &stored.storage_key,
                    &upload.filename,
                    &stored.content_type,
                    stored.byte_size,
                    stored.width,
                    stored.height,
                    now,
                )
                .await?;
            }
            Err(key) => errors.add("photos", key),
        }
    }
    Ok(())
}

/// The hidden field of the new-flat form that ties its posts to one draft.
pub const DRAFT_KEY: &str = "draft_key";

/// Longest description of a photo.
pub const PHOTO_ALT_MAX: usize = 200;

/// Handles a post of the unit form.
pub async fn save(
    app: &App,
    user: &CurrentUser,
    target: Target,
    action: Action,
    fields: Vec<(String, String)>,
    uploads: Vec<Upload>,
    locale: Locale,
) -> Result<Outcome, ServiceError> {
    let now = app.clock.now();
    let on_behalf = user.role != Role::Landlord;
    let form: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "action").collect();
    let removed: Vec<i64> = Fields(&form)
        .all("remove_photo")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let form_key = Fields(&form).get(DRAFT_KEY).to_owned();
    let form_key = Some(form_key)
        .filter(|k| !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_alphanumeric()));
    let kept: Vec<(String, String)> = form
        .iter()
        .filter(|(k, _)| k != "remove_photo" && k != DRAFT_KEY)
        .cloned()
        .collect();

    // Resolve the target, checking who may act on it; a new unit becomes a draft at once.
    let (target, landlord_id, stored_unit, owner) = match target {
        Target::New { landlord_id } => {
            // Staff enter flats only for a landlord they entered (the place posted does not
            // count: it is what the requester chose).
            let creator = landlords::find(&app.db, landlord_id)
                .await?
                .and_then(|l| l.created_by_user_id);
            if !may_edit(app, user, landlord_id, None, creator).await? {
                return Err(ServiceError::Forbidden);
            }
            // The same form posted again (a failed submit, a reload) updates its draft.
            let existing = match &form_key {
                Some(key) => drafts::find_by_key(&app.db, landlord_id, key)
                    .await?
                    .filter(|d| d.created_by == Some(user.id)),
                None => None,
            };
            let id = match existing {
                Some(draft) => {
                    drafts::update(&app.db, draft.id, &kept, now).await?;
                    draft.id
                }
                None => {
                    drafts::insert(
                        &app.db,
                        landlord_id,
                        Some(user.id),
                        form_key.as_deref(),
                        &kept,
                        now,
                    )
                    .await?
                }
            };
            (Target::Draft(id), landlord_id, None, Owner::Draft(id))
        }
        Target::Draft(id) => {
            let draft = draft_of(app, user, id).await?;
            drafts::update(&app.db, id, &kept, now).await?;
            (Target::Draft(id), draft.landlord_id, None, Owner::Draft(id))
        }
        Target::Unit(id) => {
            let unit = units::find(&app.db, id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
            if !may_edit(
                app,
                user,
                unit.landlord_id,
                Some(unit.municipality_id),
                None,
            )
            .await?
            {
                return Err(ServiceError::Forbidden);
            }
            if matches!(unit.status, UnitStatus::Let | UnitStatus::Reserved) {
                return Err(ServiceError::Conflict(Conflict::UnitLocked));
            }
            (
                Target::Unit(id),
                unit.landlord_id,
                Some(unit),
                Owner::Unit(id),
            )
        }
    };
    let gone = crate::store::photos::delete(&app.db, owner, &removed).await?;
    for key in &gone {
        photos::remove_files(app, key);
    }
    let mut errors = FieldErrors::default();
    // What each photo shows, in the landlord's words (`photo_alt_<id>`).
    for (name, value) in &form {
        let Some(id) = name
            .strip_prefix("photo_alt_")
            .and_then(|v| v.parse::<i64>().ok())
        else {
            continue;
        };
        let text = value.trim();
        if text.chars().count() > PHOTO_ALT_MAX
            || !crate::domain::input::line_errors([("alt", text)], &[]).is_empty()
        {
            errors.add("photos", "validation.photo_alt");
            continue;
        }
        crate::store::photos::set_alt(&app.db, owner, id, Some(text).filter(|t| !t.is_empty()))
            .await?;
    }
    take_photos(app, owner, &uploads, &mut errors, now).await?;
    let status = stored_unit.as_ref().map(|u| u.status);

    match (action, target) {
        // Kept: the draft's own page comes next (post/redirect/get).
        (Action::SaveDraft, Target::Draft(id)) if errors.is_empty() => {
            return Ok(Outcome::DraftSaved { id, anchor: None });
        }
        (Action::Refresh, Target::Draft(id)) if errors.is_empty() => {
            return Ok(Outcome::DraftSaved {
                id,
                anchor: Some("incentives"),
            });
        }
        (Action::SaveDraft, _) if stored_unit.is_none() => {
            let editor =
                build_editor(app, target, landlord_id, kept, errors, status, on_behalf).await?;
            return Ok(Outcome::Saved(editor));
        }
        (Action::Refresh | Action::SaveDraft, _) => {
            let editor =
                build_editor(app, target, landlord_id, kept, errors, status, on_behalf).await?;
            return Ok(Outcome::Again(editor));
        }
        (Action::Submit, _) => {}
    }

    let keep_date = stored_unit.as_ref().map(|u| u.details.available_from);
    let valid = match validate_unit(app, Fields(&kept), keep_date).await? {
        Ok(valid) if errors.is_empty() => valid,
        Ok(_) => {
            return Ok(Outcome::Again(
                build_editor(app, target, landlord_id, kept, errors, status, on_behalf).await?,
            ));
        }
        Err(mut field_errors) => {
            for (field, key) in errors.0 {
                field_errors.add(&field, &key);
            }
            return Ok(Outcome::Again(
                build_editor(
                    app,
                    target,
                    landlord_id,
                    kept,
                    field_errors,
                    status,
                    on_behalf,
                )
                .await?,
            ));
        }
    };

    let actor = Actor::User(user.clone());
    let txn = app.db.begin().await?;
    let outcome = match (target, stored_unit) {
        (Target::Draft(draft_id), None) => {
            let unit_id = units::insert(
                &txn,
                landlord_id,
                valid.municipality_id,
                UnitStatus::Submitted,
                &valid.details,
                on_behalf.then_some(user.id),
                now,
            )
            .await?;
            crate::store::photos::move_to_unit(&txn, draft_id, unit_id).await?;
            for programme in &valid.programmes {
                incentives::request(&txn, unit_id, *programme, None, now).await?;
            }
            drafts::delete(&txn, draft_id).await?;
            audit::record(
                &txn,
                &actor,
                "submit_unit",
                "units",
                Some(unit_id),
                Some(valid.municipality_id),
                serde_json::json!({"incentives": valid.programmes.len()}),
                now,
            )
            .await?;
            notify_submission(app, &txn, landlord_id, unit_id, &valid, user, locale, now).await?;
            Outcome::Submitted(unit_id)
        }
        (Target::Unit(unit_id), Some(_)) => {
            units::update_details(&txn, unit_id, valid.municipality_id, &valid.details, now)
                .await?;
            let existing = incentives::requests_for_unit(&txn, unit_id).await?;
            for (request, programme) in &existing {
                let wanted = valid.programmes.contains(&programme.id);
                if !wanted && request.status == IncentiveStatus::Requested.as_str() {
                    incentives::withdraw_request(&txn, request.id, now).await?;
                } else if wanted && request.status == IncentiveStatus::Withdrawn.as_str() {
                    incentives::renew_request(&txn, request.id, now).await?;
                }
            }
            for programme in &valid.programmes {
                if !existing.iter().any(|(_, p)| p.id == *programme) {
                    incentives::request(&txn, unit_id, *programme, None, now).await?;
                }
            }
            audit::record(
                &txn,
                &actor,
                "update_unit",
                "units",
                Some(unit_id),
                Some(valid.municipality_id),
                serde_json::json!({}),
                now,
            )
            .await?;
            Outcome::Updated(unit_id)
        }
        _ => {
            return Err(ServiceError::Other(anyhow::anyhow!(
                "inconsistent unit form target"
            )));
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Tells the landlord their unit arrived (or, when someone else entered it, invites them).
#[allow(clippy::too_many_arguments)]
async fn notify_submission<C: ConnectionTrait>(
    app: &App,
    db: &C,
    landlord_id: i64,
    unit_id: i64,
    valid: &ValidUnit,
    user: &CurrentUser,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Some(landlord) = landlords::find(db, landlord_id).await? else {
        return Ok(());
    };
    let Some(email) = landlord.contact_email.clone() else {
        return Ok(());
    };
    let municipality = municipality::Entity::find_by_id(valid.municipality_id)
        .one(db)
        .await?;
    let contact = municipality
        .as_ref()
        .map(super::letters::municipality_contact)
        .unwrap_or_default();
    let municipality_name = municipality.map(|m| m.name).unwrap_or_default();
    let a = &valid.details.address;
    let address = a.one_line();
    let landlord_locale: Locale = landlord.preferred_locale.parse().unwrap_or(locale);
    if landlord.user_id.is_none() {
        return super::accounts::invite_landlord(
            app,
            db,
            landlord_id,
            &landlord.display_name,
            &email,
            landlord_locale,
            &user.display_name,
            &address,
            &municipality_name,
            valid.municipality_id,
            now,
        )
        .await;
    }
    let url = format!(
        "{}/dashboard",
        app.settings.server.base_url.trim_end_matches('/')
    );
    let mail = letter(
        landlord_locale,
        "unit_submitted",
        &[
            ("name", &landlord.display_name),
            ("address", &address),
            ("municipality", &municipality_name),
        ],
        Some(&url),
    )
    .with_contact(&contact);
    outbox::enqueue(
        db,
        &Outgoing {
            email: mail.to_email(
                format!("unit-submitted-{unit_id}"),
                &email,
                Some(&landlord.display_name),
            ),
            kind: "unit_submitted".into(),
            locale: landlord_locale.code().into(),
            municipality_id: Some(valid.municipality_id),
            proposal_id: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Withdraws a unit with a reason (not while a placement is under way or done).
pub async fn withdraw(
    app: &App,
    user: &CurrentUser,
    unit_id: i64,
    reason: &str,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    let unit = units::find(&app.db, unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    if !may_edit(
        app,
        user,
        unit.landlord_id,
        Some(unit.municipality_id),
        None,
    )
    .await?
    {
        return Err(ServiceError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Ok(Err(FieldErrors::single(
            "reason",
            "validation.reason_required",
        )));
    }
    if reason.chars().count() > 1000 {
        return Ok(Err(FieldErrors::single("reason", "validation.too_long")));
    }
    if matches!(
        unit.status,
        UnitStatus::Let | UnitStatus::Reserved | UnitStatus::Withdrawn
    ) {
        return Err(ServiceError::Conflict(Conflict::UnitLocked));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    units::set_status(
        &txn,
        unit_id,
        UnitStatus::Withdrawn,
        Some(reason.to_owned()),
        Some(user.id),
        now,
    )
    .await?;
    for (request, _) in incentives::requests_for_unit(&txn, unit_id).await? {
        incentives::withdraw_request(&txn, request.id, now).await?;
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "withdraw_unit",
        "units",
        Some(unit_id),
        Some(unit.municipality_id),
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}
