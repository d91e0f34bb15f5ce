//! Flats written through the API: sent in one go, with no draft and no photos, and
//! checked, recorded and announced exactly as the form's "send" does it.

use super::*;

/// Sends a new flat of a landlord: for a landlord their own (`landlord_id` may be left
/// out), for staff one of a landlord they entered, as the form allows. The fields are the
/// form's; they are checked by the same reader, and the landlord gets the same e-mail.
pub async fn create_direct(
    app: &App,
    user: &CurrentUser,
    landlord_id: Option<i64>,
    fields: &[(String, String)],
    locale: Locale,
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    let landlord_id = match (user.role, landlord_id) {
        (Role::Landlord, asked) => {
            let own = own_landlord(app, user).await?.id;
            if asked.is_some_and(|a| a != own) {
                return Err(ServiceError::Forbidden);
            }
            own
        }
        (_, Some(id)) => id,
        (_, None) => {
            return Ok(Err(FieldErrors::single(
                "landlord_id",
                "validation.required",
            )));
        }
    };
    let creator = landlords::find(&app.db, landlord_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?
        .created_by_user_id;
    if !may_edit(app, user, landlord_id, None, creator).await? {
        return Err(ServiceError::Forbidden);
    }
    let valid = match validate_unit(app, Fields(fields), None).await? {
        Ok(valid) => valid,
        Err(errors) => return Ok(Err(errors)),
    };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let id = insert_submitted(&txn, user, landlord_id, &valid, now).await?;
    notify_submission(app, &txn, landlord_id, id, &valid, user, locale, now).await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Saves changes of flat `id` as the form's "save" does, incentive requests following
/// the programmes named; a `version` among the fields must still be the stored one.
pub async fn update_direct(
    app: &App,
    user: &CurrentUser,
    id: i64,
    fields: &[(String, String)],
    locale: Locale,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    let outcome = save(
        app,
        user,
        Target::Unit(id),
        Action::Submit,
        fields.to_vec(),
        Vec::new(),
        locale,
    )
    .await?;
    match outcome {
        Outcome::Updated(_) => Ok(Ok(())),
        stale if stale.is_stale() => Err(ServiceError::Conflict(Conflict::StaleVersion)),
        Outcome::Again(editor) | Outcome::Saved(editor) => Ok(Err(editor.errors)),
        Outcome::Submitted(_) | Outcome::DraftSaved { .. } => Err(ServiceError::Other(
            anyhow::anyhow!("a flat's update led to a new one"),
        )),
    }
}

/// A flat `user` may see, with its incentive requests (and their programmes).
pub async fn with_requests(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<(StoredUnit, Vec<IncentiveRequestRow>), ServiceError> {
    let unit = one_visible(app, user, id).await?;
    let requests = incentives::requests_for_unit(&app.db, id).await?;
    Ok((unit, requests))
}

/// An incentive request with its programme.
pub type IncentiveRequestRow = (
    entities::unit_incentive::Model,
    entities::incentive_programme::Model,
);

/// The form fields of a flat `user` may edit, as the edit form shows them (for a change
/// that names only some of them).
pub async fn fields_for_change(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<(StoredUnit, Vec<(String, String)>), ServiceError> {
    let (unit, requests) = with_requests(app, user, id).await?;
    let requested: Vec<i64> = requests
        .iter()
        .filter(|(r, _)| r.status != IncentiveStatus::Withdrawn.as_str())
        .map(|(_, p)| p.id)
        .collect();
    let fields = fields_of_unit(&unit, &requested, Locale::De);
    Ok((unit, fields))
}
