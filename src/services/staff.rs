//! What municipal staff do with landlords' flats: enter a flat for a landlord (who is then
//! invited), check and release submitted units, and decide on requested incentives.

use entities::{incentive_programme, unit_incentive};
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
use validator::Validate;

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::incentive::{self, Decision, GrantLimits, IncentiveStatus};
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale};
use crate::store::landlords::NewLandlord;
use crate::store::units::StoredUnit;
use crate::store::{landlords, units};

fn is_staff(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Admin | Role::Coordinator | Role::Volunteer)
}

/// Every municipality, by name, from this process's cache (see [`crate::app::Cache`]):
/// the navigation of every staff page needs the names, and they seldom change.
pub async fn all_municipalities(
    app: &App,
) -> Result<std::sync::Arc<Vec<entities::municipality::Model>>, ServiceError> {
    use crate::app::{Cache, Cached};
    {
        let slot = app
            .cache
            .municipalities
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(c) = slot.as_ref()
            && c.at.elapsed() < Cache::MUNICIPALITIES_FOR
        {
            return Ok(std::sync::Arc::clone(&c.rows));
        }
    }
    let rows = std::sync::Arc::new(crate::store::municipalities::list(&app.db).await?);
    let mut slot = app
        .cache
        .municipalities
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    *slot = Some(Cached {
        at: std::time::Instant::now(),
        rows: std::sync::Arc::clone(&rows),
    });
    Ok(rows)
}

/// The municipalities a staff member works for (all for admins).
pub async fn scope(app: &App, user: &CurrentUser) -> Result<Vec<i64>, ServiceError> {
    Ok(match user.role {
        Role::Admin => all_municipalities(app)
            .await?
            .iter()
            .map(|m| m.id)
            .collect(),
        Role::Coordinator | Role::Volunteer => user.municipalities.clone(),
        Role::Landlord => Vec::new(),
    })
}

/// The municipalities a staff member works for, by name.
pub async fn municipalities(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<entities::municipality::Model>, ServiceError> {
    let all = all_municipalities(app).await?;
    Ok(match user.role {
        Role::Admin => all.to_vec(),
        Role::Coordinator | Role::Volunteer => all
            .iter()
            .filter(|m| user.municipalities.contains(&m.id))
            .cloned()
            .collect(),
        Role::Landlord => Vec::new(),
    })
}

/// The municipality with this id, if the user works for it (coordinators and admins
/// when `manage`, volunteers too otherwise).
pub async fn municipality(
    app: &App,
    user: &CurrentUser,
    id: i64,
    manage: bool,
) -> Result<entities::municipality::Model, ServiceError> {
    let allowed = if manage {
        user.can_manage(id)
    } else {
        user.can_read(id)
    };
    if !allowed {
        return Err(ServiceError::Forbidden);
    }
    crate::store::municipalities::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))
}

/// The units of a municipality (volunteers too), optionally in some statuses, by id.
pub async fn units_of(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Vec<StoredUnit>, ServiceError> {
    if !user.can_read(municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    Ok(units::list_in(&app.db, &[municipality_id], UnitStatus::ALL).await?)
}

/// A landlord to enter a flat for.
#[derive(Debug, Clone, Validate)]
pub struct LandlordContact {
    #[validate(
        custom(function = "crate::domain::input::one_line"),
        length(min = 2, max = 200, code = "name_length")
    )]
    pub name: String,
    #[validate(
        custom(function = "crate::domain::input::one_line"),
        email(code = "email_invalid")
    )]
    pub email: String,
    #[validate(
        custom(function = "crate::domain::input::one_line"),
        length(max = 50, code = "too_long")
    )]
    pub phone: String,
    pub locale: Locale,
}

/// Finds or creates the landlord record a volunteer or coordinator enters a flat for.
/// A landlord who has an account already keeps it; the flat is added to it.
pub async fn landlord_for_entry(
    app: &App,
    user: &CurrentUser,
    contact: LandlordContact,
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    if !is_staff(user) {
        return Err(ServiceError::Forbidden);
    }
    let contact = LandlordContact {
        email: contact.email.trim().to_lowercase(),
        name: contact.name.trim().to_owned(),
        ..contact
    };
    if let Err(e) = contact.validate() {
        let mut errors = FieldErrors::default();
        errors.add_validator(&e);
        let renamed = errors
            .0
            .into_iter()
            .map(|(k, v)| (format!("landlord_{k}"), v))
            .collect();
        return Ok(Err(FieldErrors(renamed)));
    }
    let now = app.clock.now();
    let existing = landlords::find_by_contact_email(&app.db, &contact.email).await?;
    if let Some(landlord) = existing {
        // Staff may add flats for a landlord they or a colleague entered; the record now
        // counts as created by this user for their next steps.
        if landlord.created_by_user_id != Some(user.id) {
            landlords::set_created_by(&app.db, landlord.id, user.id, now).await?;
        }
        return Ok(Ok(landlord.id));
    }
    let txn = app.db.begin().await?;
    let id = landlords::insert(
        &txn,
        &NewLandlord {
            user_id: None,
            kind: "private".into(),
            display_name: contact.name.clone(),
            contact_email: Some(contact.email.clone()),
            phone: Some(contact.phone.clone()).filter(|p| !p.trim().is_empty()),
            locale: contact.locale,
            created_by: Some(user.id),
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "create_landlord",
        "landlords",
        Some(id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Units waiting for a check or release in the user's municipalities.
pub async fn units_to_check(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<StoredUnit>, ServiceError> {
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Ok(Vec::new());
    }
    let scope = scope(app, user).await?;
    Ok(units::list_in(
        &app.db,
        &scope,
        &[UnitStatus::Submitted, UnitStatus::Checked],
    )
    .await?)
}

/// Marks a unit checked, or releases it for matching.
pub async fn set_unit_status(
    app: &App,
    user: &CurrentUser,
    unit_id: i64,
    to: UnitStatus,
) -> Result<(), ServiceError> {
    let unit = units::find(&app.db, unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    if !user.can_manage(unit.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let allowed = matches!(
        (unit.status, to),
        (UnitStatus::Submitted, UnitStatus::Checked)
            | (
                UnitStatus::Submitted | UnitStatus::Checked,
                UnitStatus::Available
            )
    );
    if !allowed {
        return Err(ServiceError::Conflict(Conflict::UnitStatus));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    units::set_status(&txn, unit_id, to, None, Some(user.id), now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "unit_status",
        "units",
        Some(unit_id),
        Some(unit.municipality_id),
        serde_json::json!({"to": to.as_str()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A requested incentive waiting for a decision.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub request: unit_incentive::Model,
    pub programme: incentive_programme::Model,
    pub unit: StoredUnit,
}

/// Requested incentives in the user's municipalities.
pub async fn open_requests(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<OpenRequest>, ServiceError> {
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Ok(Vec::new());
    }
    let scope = scope(app, user).await?;
    let rows = crate::store::incentives::open_requests(&app.db, &scope).await?;
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.unit_id).collect();
    let found = units::find_many(&app.db, &ids).await?;
    let mut out = Vec::new();
    for (request, programme) in rows {
        let (Some(programme), Some(unit)) = (programme, found.get(&request.unit_id).cloned())
        else {
            continue;
        };
        if unit.status == UnitStatus::Withdrawn {
            continue;
        }
        out.push(OpenRequest {
            request,
            programme,
            unit,
        });
    }
    Ok(out)
}

/// Grants or declines a requested incentive (stored with amount, dates and who decided);
/// the flat's id.
/// The form's fields (`decision`, `amount`, `from`, `until`, `note`) are read by the one
/// field reader; a grant stays within the programme's amount and what its budget has left.
pub async fn decide_incentive(
    app: &App,
    user: &CurrentUser,
    request_id: i64,
    pairs: &[(String, String)],
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    let (request, programme) =
        crate::store::incentives::request_with_programme(&app.db, request_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("incentive request".into()))?;
    if !user.can_manage(programme.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    if request.status != IncentiveStatus::Requested.as_str() {
        return Err(ServiceError::Conflict(Conflict::DecidedAlready));
    }
    let withdrawn = units::find(&app.db, request.unit_id)
        .await?
        .is_none_or(|u| u.status == UnitStatus::Withdrawn);
    if withdrawn {
        return Err(ServiceError::Conflict(Conflict::UnitStatus));
    }
    let decision = match Decision::parse(pairs) {
        Ok(d) => d,
        Err(errors) => return Ok(Err(errors)),
    };
    let limits = GrantLimits {
        programme_max: programme.amount_cents.map(Cents),
        budget_left: match programme.budget_cents {
            Some(budget) => Some(Cents(budget) - granted_from(app, programme.id).await?),
            None => None,
        },
    };
    if let Err(errors) = incentive::check_grant(&decision, limits) {
        return Ok(Err(errors));
    }
    let now = app.clock.now();
    let mut row: unit_incentive::ActiveModel = request.clone().into();
    row.decided_at = Set(Some(now));
    row.decided_by_user_id = Set(Some(user.id));
    row.updated_at = Set(now);
    let status = match &decision {
        Decision::Grant {
            amount,
            from,
            until,
            note,
        } => {
            row.granted_amount_cents = Set(amount.map(|a| a.0));
            row.granted_from = Set(*from);
            row.granted_until = Set(*until);
            row.decision_note = Set(note.clone());
            IncentiveStatus::Granted
        }
        Decision::Decline { note } => {
            row.decision_note = Set(Some(note.clone()));
            IncentiveStatus::Declined
        }
    };
    row.status = Set(status.as_str().to_owned());
    let txn = app.db.begin().await?;
    let decided = row.update(&txn).await?;
    // The flat's answer in the API lists its requests: its ETag changes with them.
    crate::store::units::bump_version(&txn, request.unit_id, None).await?;
    crate::services::letters::incentive_decided(&txn, &decided, &programme, now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "decide_incentive",
        "unit_incentives",
        Some(request_id),
        Some(programme.municipality_id),
        serde_json::json!({"status": status.as_str()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(request.unit_id))
}

/// What each programme has left of its budget (`None`: no budget set), in one query.
pub async fn budgets_left(
    app: &App,
    programmes: &[incentive_programme::Model],
) -> Result<std::collections::BTreeMap<i64, Option<Cents>>, ServiceError> {
    let with_budget: Vec<i64> = programmes
        .iter()
        .filter(|p| p.budget_cents.is_some())
        .map(|p| p.id)
        .collect();
    let granted = crate::store::incentives::granted_by_programme(&app.db, &with_budget).await?;
    Ok(programmes
        .iter()
        .map(|p| {
            let left = p
                .budget_cents
                .map(|budget| Cents(budget) - granted.get(&p.id).copied().unwrap_or(Cents(0)));
            (p.id, left)
        })
        .collect())
}

/// What a programme has granted so far (granted and paid requests).
async fn granted_from(app: &App, programme_id: i64) -> Result<Cents, ServiceError> {
    Ok(
        crate::store::incentives::granted_by_programme(&app.db, &[programme_id])
            .await?
            .remove(&programme_id)
            .unwrap_or(Cents(0)),
    )
}
