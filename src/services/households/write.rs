//! Changing a household: its profile (with consent) and its status, together or apart,
//! in one transaction each, with the version check that keeps a page edit and a sync job
//! from overwriting each other unseen; and the upsert by reference of the API.

use super::*;

/// A change of a household's status: paused, closed (with a reason) or active again.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: HouseholdStatus,
    pub reason: String,
}

/// What an upsert by reference did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created(i64),
    Updated(i64),
}

/// Saves a household's changed profile (and consent).
pub async fn update(
    app: &App,
    user: &CurrentUser,
    id: i64,
    fields: &[(String, String)],
) -> Result<Result<(), FieldErrors>, ServiceError> {
    update_with(app, user, id, fields, None).await
}

/// Saves a household's changed profile (and consent) and, with `status`, its status, in
/// one transaction: either all of it is saved or nothing. A `version` among the fields
/// (the form's hidden field, the API's `If-Match`) must still be the stored one.
pub async fn update_with(
    app: &App,
    user: &CurrentUser,
    id: i64,
    fields: &[(String, String)],
    status: Option<&StatusChange>,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    let current = get(app, user, id).await?;
    // Checked before the fields, as HTTP wants preconditions checked first.
    let expected = expected_version(Fields(fields));
    if expected.is_some_and(|v| v != current.version) {
        return Err(ServiceError::Conflict(Conflict::StaleVersion));
    }
    let valid = validate(app, current.municipality_id, Fields(fields), Some(id)).await?;
    let checked = match status {
        Some(change) => check_status(app, &current, change).await?,
        None => Ok(()),
    };
    let valid = match (valid, checked) {
        (Ok(v), Ok(())) => v,
        (Err(mut e), Err(s)) => {
            e.merge(s);
            return Ok(Err(e));
        }
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let mut changed = changed_fields(&current.profile, &valid.profile);
    if current.allowed_municipalities != valid.allowed {
        changed.push("allowed_municipalities");
    }
    let old_consent = current.consent.as_ref().map(|c| (c.at, c.scope.clone()));
    let txn = app.db.begin().await?;
    // Counted, and checked again in the transaction, where it holds: a write since the
    // read above wins.
    if !households::bump_version(&txn, id, expected).await? {
        return Err(ServiceError::Conflict(Conflict::StaleVersion));
    }
    households::update(&txn, id, &valid.profile, &valid.allowed, now).await?;
    if old_consent != valid.consent {
        let consent = valid.consent.as_ref().map(|(at, scope)| Consent {
            at: *at,
            scope: scope.clone(),
            recorded_by: Some(user.id),
        });
        households::set_consent(&txn, id, consent.as_ref(), now).await?;
        changed.push("consent");
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "update_household",
        "households",
        Some(id),
        Some(current.municipality_id),
        serde_json::json!({"fields": changed}),
        now,
    )
    .await?;
    if let Some(change) = status
        && change.status != current.status
    {
        write_status(&txn, user, &current, change, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Pauses, closes (with a reason) or reactivates a household.
pub async fn set_status(
    app: &App,
    user: &CurrentUser,
    id: i64,
    status: HouseholdStatus,
    reason: &str,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    let current = get(app, user, id).await?;
    if status == current.status && status != HouseholdStatus::Closed {
        // Nothing changes (and nobody is told it did).
        return Ok(Ok(()));
    }
    let change = StatusChange {
        status,
        reason: reason.to_owned(),
    };
    if let Err(errors) = check_status(app, &current, &change).await? {
        return Ok(Err(errors));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    write_status(&txn, user, &current, &change, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Whether `current` may take `change`: "placed" comes from the move-in, closing needs a
/// reason, and no landlord may be waiting for the household.
async fn check_status(
    app: &App,
    current: &StoredHousehold,
    change: &StatusChange,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    if change.status == HouseholdStatus::Placed && current.status != HouseholdStatus::Placed {
        return Err(ServiceError::Conflict(Conflict::HouseholdPlacedByMoveIn));
    }
    let reason = change.reason.as_str();
    let characters = crate::domain::input::line_errors([("reason", reason)], &["reason"]);
    if !characters.is_empty() {
        return Ok(Err(characters));
    }
    if reason.chars().count() > 500 {
        return Ok(Err(FieldErrors::single("reason", "validation.too_long")));
    }
    if change.status == HouseholdStatus::Closed && reason.trim().is_empty() {
        return Ok(Err(FieldErrors::single(
            "reason",
            "validation.reason_required",
        )));
    }
    if change.status != current.status
        && matches!(
            change.status,
            HouseholdStatus::Paused | HouseholdStatus::Closed
        )
        && crate::store::pipeline::held(&app.db, 0, current.id, None)
            .await?
            .1
    {
        // A landlord is waiting for this household: the proposal is withdrawn first.
        return Err(ServiceError::Conflict(Conflict::HouseholdOpenProposal));
    }
    Ok(Ok(()))
}

/// Writes a checked status change with its audit entry.
async fn write_status<C: sea_orm::ConnectionTrait>(
    txn: &C,
    user: &CurrentUser,
    current: &StoredHousehold,
    change: &StatusChange,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    let reason = change.reason.trim();
    households::set_status(
        txn,
        current.id,
        change.status,
        Some(reason.to_owned()).filter(|r| !r.is_empty()),
        now,
    )
    .await?;
    audit::record(
        txn,
        &Actor::User(user.clone()),
        "household_status",
        "households",
        Some(current.id),
        Some(current.municipality_id),
        serde_json::json!({"to": change.status.as_str()}),
        now,
    )
    .await?;
    Ok(())
}

/// The household with `reference` in `municipality_id`, if there is one (and `user`
/// manages the municipality).
pub async fn by_reference(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    reference: &str,
) -> Result<Option<StoredHousehold>, ServiceError> {
    check_scope(user, municipality_id)?;
    match households::id_of_reference(&app.db, municipality_id, reference.trim()).await? {
        Some(id) => get(app, user, id).await.map(Some),
        None => Ok(None),
    }
}

/// Creates or changes the household with `reference` in `municipality_id` (a sync from
/// a case-management system, which keeps its own references, not Bleibe's ids). The
/// fields are the whole profile; a reference among them must be the same.
pub async fn upsert(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    reference: &str,
    fields: &[(String, String)],
    status: Option<&StatusChange>,
) -> Result<Result<Upserted, FieldErrors>, ServiceError> {
    check_scope(user, municipality_id)?;
    let given = Fields(fields).get("reference");
    if !given.is_empty() && given != reference.trim() {
        return Ok(Err(FieldErrors::single(
            "reference",
            "validation.reference_mismatch",
        )));
    }
    let mut fields: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "reference")
        .cloned()
        .collect();
    fields.push(("reference".into(), reference.trim().to_owned()));
    match households::id_of_reference(&app.db, municipality_id, reference.trim()).await? {
        Some(id) => Ok(update_with(app, user, id, &fields, status)
            .await?
            .map(|()| Upserted::Updated(id))),
        None => {
            if expected_version(Fields(&fields)).is_some() {
                // `If-Match` names a version of a household that does not exist.
                return Err(ServiceError::Conflict(Conflict::StaleVersion));
            }
            if status.is_some_and(|s| s.status != HouseholdStatus::Active) {
                return Ok(Err(FieldErrors::single(
                    "status",
                    "validation.status_on_create",
                )));
            }
            match create(app, user, municipality_id, &fields).await? {
                Ok(id) => Ok(Ok(Upserted::Created(id))),
                // Created by a request running at the same time: this one replaces it.
                Err(e) if e.get("reference") == Some("validation.reference_taken") => {
                    match households::id_of_reference(&app.db, municipality_id, reference.trim())
                        .await?
                    {
                        Some(id) => Ok(update_with(app, user, id, &fields, status)
                            .await?
                            .map(|()| Upserted::Updated(id))),
                        None => Ok(Err(e)),
                    }
                }
                Err(e) => Ok(Err(e)),
            }
        }
    }
}
