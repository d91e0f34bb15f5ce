//! Units (flats) from the landlord's side: the unit form with drafts and photos, submitting,
//! editing and withdrawing, and the incentives asked for. Also used by volunteers and
//! coordinators who enter a flat on a landlord's behalf.
//!
//! Every post of the form is kept: a new unit's fields go into a draft before anything is
//! checked, and photos are stored as they arrive. Only "submit" validates everything;
//! a mistake brings the same form back with every value and a message at each field.

mod access;
mod direct;
mod editor;
mod form;
mod page;
mod submit;
mod uploads;

pub(crate) use access::draft_of;
use access::may_edit;
pub use access::{may_see, one_visible, own_landlord, own_landlord_and_units, visible};
pub use direct::{
    IncentiveRequestRow, create_direct, fields_for_change, update_direct, with_requests,
};
pub use editor::*;
pub use form::*;
use submit::{insert_submitted, stale, submit};
use uploads::change_photos;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{incentive_programme, municipality, unit_photo};
use sea_orm::{ConnectionTrait, TransactionTrait};
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
    /// Nothing was saved: someone else saved the flat since the form was opened. The
    /// fields carry the current version, so saving again overwrites theirs knowingly.
    pub stale: bool,
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

impl Outcome {
    /// Whether a save was refused because the flat changed since the form was opened.
    pub fn is_stale(&self) -> bool {
        matches!(self, Outcome::Again(e) if e.stale)
    }
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
    let (form, form_key, kept) = split_post(fields);
    let resolved = resolve(app, user, target, form_key.as_deref(), &kept, now).await?;
    let (target, landlord_id) = (resolved.target, resolved.landlord_id);
    // A flat saved by someone else since the form was opened: nothing is changed (not
    // even the photos), the form comes back with what was typed.
    let expected = crate::domain::input::expected_version(Fields(&kept));
    if action == Action::Submit
        && resolved
            .stored_unit
            .as_ref()
            .is_some_and(|u| expected.is_some_and(|v| v != u.version))
    {
        return stale(app, target, landlord_id, kept, on_behalf).await;
    }
    let errors = change_photos(app, resolved.owner, &form, &uploads, now).await?;
    let status = resolved.stored_unit.as_ref().map(|u| u.status);

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
        (Action::Refresh | Action::SaveDraft, _) => {
            let editor =
                build_editor(app, target, landlord_id, kept, errors, status, on_behalf).await?;
            return Ok(
                if action == Action::SaveDraft && resolved.stored_unit.is_none() {
                    Outcome::Saved(editor)
                } else {
                    Outcome::Again(editor)
                },
            );
        }
        (Action::Submit, _) => {}
    }
    submit(app, user, resolved, kept, errors, locale, now).await
}

/// Posted form fields, name and value.
type Posted = Vec<(String, String)>;

/// A post's fields without the button, its draft key (when well-formed) and what a draft
/// keeps of it (without the photo removals and the key).
fn split_post(fields: Posted) -> (Posted, Option<String>, Posted) {
    let form: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "action").collect();
    let form_key = Some(Fields(&form).get(DRAFT_KEY).to_owned())
        .filter(|k| !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_alphanumeric()));
    let kept = form
        .iter()
        .filter(|(k, _)| k != "remove_photo" && k != DRAFT_KEY)
        .cloned()
        .collect();
    (form, form_key, kept)
}

/// What a form post acts on, once checked.
struct Resolved {
    /// A new unit has become a draft.
    target: Target,
    landlord_id: i64,
    /// The stored unit being edited.
    stored_unit: Option<StoredUnit>,
    /// Who the photos belong to.
    owner: Owner,
}

/// Checks who may act on the form's target; a new unit becomes a draft at once, and a
/// draft is updated with what was posted (`kept`).
async fn resolve(
    app: &App,
    user: &CurrentUser,
    target: Target,
    form_key: Option<&str>,
    kept: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Resolved, ServiceError> {
    let draft = |id: i64, landlord_id: i64| Resolved {
        target: Target::Draft(id),
        landlord_id,
        stored_unit: None,
        owner: Owner::Draft(id),
    };
    match target {
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
            let existing = match form_key {
                Some(key) => drafts::find_by_key(&app.db, landlord_id, key)
                    .await?
                    .filter(|d| d.created_by == Some(user.id)),
                None => None,
            };
            let id = match existing {
                Some(existing) => {
                    drafts::update(&app.db, existing.id, kept, now).await?;
                    existing.id
                }
                None => {
                    drafts::insert(&app.db, landlord_id, Some(user.id), form_key, kept, now).await?
                }
            };
            Ok(draft(id, landlord_id))
        }
        Target::Draft(id) => {
            let stored = draft_of(app, user, id).await?;
            drafts::update(&app.db, id, kept, now).await?;
            Ok(draft(id, stored.landlord_id))
        }
        Target::Unit(id) => {
            let unit = units::find(&app.db, id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
            let municipality = Some(unit.municipality_id);
            if !may_edit(app, user, unit.landlord_id, municipality, None).await? {
                return Err(ServiceError::Forbidden);
            }
            if matches!(unit.status, UnitStatus::Let | UnitStatus::Reserved) {
                return Err(ServiceError::Conflict(Conflict::UnitLocked));
            }
            Ok(Resolved {
                target: Target::Unit(id),
                landlord_id: unit.landlord_id,
                stored_unit: Some(unit),
                owner: Owner::Unit(id),
            })
        }
    }
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
    let municipality = crate::store::municipalities::find(db, valid.municipality_id).await?;
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
