//! Sending the flat form: the checks, then a draft stored as a flat (with its incentive
//! requests, audit entry and e-mail) or a flat's changes saved; refused, with what was
//! typed kept, when someone else saved the flat since the form was opened.

use super::*;

/// The "send" of the form: checks everything, then stores the draft as a flat or saves
/// the flat's changes (refused when someone else saved it since the form was opened).
pub(super) async fn submit(
    app: &App,
    user: &CurrentUser,
    resolved: Resolved,
    kept: Posted,
    errors: FieldErrors,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    let on_behalf = user.role != Role::Landlord;
    let Resolved {
        target,
        landlord_id,
        stored_unit,
        ..
    } = resolved;
    let status = stored_unit.as_ref().map(|u| u.status);
    let expected = crate::domain::input::expected_version(Fields(&kept));
    let keep_date = stored_unit.as_ref().map(|u| u.details.available_from);
    let valid = match validate_unit(app, Fields(&kept), keep_date).await? {
        Ok(valid) if errors.is_empty() => valid,
        checked => {
            // The form's own errors first, then those of the photos.
            let mut all = checked.err().unwrap_or_default();
            for (field, key) in errors.0 {
                all.add(&field, &key);
            }
            return Ok(Outcome::Again(
                build_editor(app, target, landlord_id, kept, all, status, on_behalf).await?,
            ));
        }
    };
    let txn = app.db.begin().await?;
    let outcome = match (target, stored_unit) {
        (Target::Draft(draft_id), None) => {
            let id = submit_draft(&txn, user, draft_id, landlord_id, &valid, now).await?;
            notify_submission(app, &txn, landlord_id, id, &valid, user, locale, now).await?;
            Outcome::Submitted(id)
        }
        (Target::Unit(unit_id), Some(_)) => {
            if !update_unit(&txn, user, unit_id, &valid, expected, now).await? {
                drop(txn);
                return stale(app, target, landlord_id, kept, on_behalf).await;
            }
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

/// The form again after a refused save: what was typed, with the flat's current version.
pub(super) async fn stale(
    app: &App,
    target: Target,
    landlord_id: i64,
    mut kept: Posted,
    on_behalf: bool,
) -> Result<Outcome, ServiceError> {
    let Target::Unit(id) = target else {
        return Err(ServiceError::Other(anyhow::anyhow!(
            "only a stored flat has a version"
        )));
    };
    let current = units::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    kept.retain(|(k, _)| k != crate::domain::input::VERSION_FIELD);
    kept.push((
        crate::domain::input::VERSION_FIELD.into(),
        current.version.to_string(),
    ));
    let errors = FieldErrors::default();
    let status = Some(current.status);
    let mut editor =
        build_editor(app, target, landlord_id, kept, errors, status, on_behalf).await?;
    editor.stale = true;
    Ok(Outcome::Again(editor))
}

/// Turns a checked draft into a submitted unit with its photos and incentive requests.
async fn submit_draft<C: ConnectionTrait>(
    txn: &C,
    user: &CurrentUser,
    draft_id: i64,
    landlord_id: i64,
    valid: &ValidUnit,
    now: DateTime<Utc>,
) -> Result<i64, ServiceError> {
    let unit_id = insert_submitted(txn, user, landlord_id, valid, now).await?;
    crate::store::photos::move_to_unit(txn, draft_id, unit_id).await?;
    drafts::delete(txn, draft_id).await?;
    Ok(unit_id)
}

/// Stores a checked flat as submitted, with its incentive requests and audit entry.
pub(super) async fn insert_submitted<C: ConnectionTrait>(
    txn: &C,
    user: &CurrentUser,
    landlord_id: i64,
    valid: &ValidUnit,
    now: DateTime<Utc>,
) -> Result<i64, ServiceError> {
    let on_behalf = user.role != Role::Landlord;
    let unit_id = units::insert(
        txn,
        landlord_id,
        valid.municipality_id,
        UnitStatus::Submitted,
        &valid.details,
        on_behalf.then_some(user.id),
        now,
    )
    .await?;
    for programme in &valid.programmes {
        incentives::request(txn, unit_id, *programme, None, now).await?;
    }
    let details = serde_json::json!({"incentives": valid.programmes.len()});
    record(txn, user, "submit_unit", unit_id, valid, details, now).await?;
    Ok(unit_id)
}

/// Writes a change of flat `unit_id` (of `valid`'s municipality) to the audit log.
async fn record<C: ConnectionTrait>(
    txn: &C,
    user: &CurrentUser,
    action: &str,
    unit_id: i64,
    valid: &ValidUnit,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let actor = Actor::User(user.clone());
    let municipality = Some(valid.municipality_id);
    audit::record(
        txn,
        &actor,
        action,
        "units",
        Some(unit_id),
        municipality,
        details,
        now,
    )
    .await?;
    Ok(())
}

/// Saves a stored unit's changed details; incentive requests follow the ticks (withdrawn
/// when unticked while still requested, renewed or asked for when ticked). False, with
/// nothing written, when `expected` is given and the flat has another version now.
async fn update_unit<C: ConnectionTrait>(
    txn: &C,
    user: &CurrentUser,
    unit_id: i64,
    valid: &ValidUnit,
    expected: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    if !units::bump_version(txn, unit_id, expected).await? {
        return Ok(false);
    }
    units::update_details(txn, unit_id, valid.municipality_id, &valid.details, now).await?;
    let existing = incentives::requests_for_unit(txn, unit_id).await?;
    for (request, programme) in &existing {
        let wanted = valid.programmes.contains(&programme.id);
        if !wanted && request.status == IncentiveStatus::Requested.as_str() {
            incentives::withdraw_request(txn, request.id, now).await?;
        } else if wanted && request.status == IncentiveStatus::Withdrawn.as_str() {
            incentives::renew_request(txn, request.id, now).await?;
        }
    }
    for programme in &valid.programmes {
        if !existing.iter().any(|(_, p)| p.id == *programme) {
            incentives::request(txn, unit_id, *programme, None, now).await?;
        }
    }
    let details = serde_json::json!({});
    record(txn, user, "update_unit", unit_id, valid, details, now).await?;
    Ok(true)
}
