//! The flat form's editor: the fields of a new flat, a draft or a stored flat, for whoever
//! may edit it.

use super::*;

/// The form fields of a stored unit.
pub fn fields_of_unit(
    unit: &StoredUnit,
    requested: &[i64],
    locale: Locale,
) -> Vec<(String, String)> {
    use crate::domain::format::{measure_input, money_input};
    let d = &unit.details;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut fields: Vec<(String, String)> = [
        ("street", d.address.street.clone()),
        ("house_number", d.address.house_number.clone()),
        ("postal_code", d.address.postal_code.clone()),
        ("town", d.address.town.clone()),
        ("address_extra", text(&d.address.extra)),
        ("lat", format!("{:.6}", d.location.lat)),
        ("lon", format!("{:.6}", d.location.lon)),
        ("area_m2", measure_input(locale, d.area_m2)),
        ("rooms", measure_input(locale, d.rooms)),
        ("floor", d.floor.to_string()),
        ("max_occupants", d.max_occupants.to_string()),
        ("cold_rent", money_input(locale, d.cold_rent)),
        ("service_charges", money_input(locale, d.service_charges)),
        ("heating_costs", money_input(locale, d.heating_costs)),
        ("deposit", money_input(locale, d.deposit)),
        ("available_from", d.available_from.to_string()),
        ("lease_type", d.lease_type.as_str().into()),
        ("lease_end", text(&d.lease_end.map(|x| x.to_string()))),
        (
            "pref_max_household_size",
            text(&d.pref_max_household_size.map(|x| x.to_string())),
        ),
        ("pref_notes", text(&d.pref_notes)),
        ("description", text(&d.description)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    for (name, on) in [
        ("has_lift", d.has_lift),
        ("step_free", d.step_free),
        ("wheelchair_accessible", d.wheelchair_accessible),
        ("furnished", d.furnished),
        ("pets_allowed", d.pets_allowed),
    ] {
        if on {
            fields.push((name.into(), "1".into()));
        }
    }
    for p in &d.preferences {
        fields.push(("pref_tags".into(), p.as_str().into()));
    }
    for id in requested {
        fields.push(("incentive".into(), id.to_string()));
    }
    fields.push((
        crate::domain::input::VERSION_FIELD.into(),
        unit.version.to_string(),
    ));
    fields
}

pub(super) async fn build_editor(
    app: &App,
    target: Target,
    landlord_id: i64,
    fields: Vec<(String, String)>,
    errors: FieldErrors,
    status: Option<UnitStatus>,
    on_behalf: bool,
) -> Result<Editor, ServiceError> {
    let landlord = landlords::find(&app.db, landlord_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    let view = Fields(&fields);
    let (municipality, location) =
        match municipality_for(app, view.get("postal_code"), view.get("town")).await? {
            Ok((m, centre)) => {
                let pin = match (parse_number(view.get("lat")), parse_number(view.get("lon"))) {
                    (Some(lat), Some(lon)) => {
                        GeoPoint::new(lat, lon).filter(|p| p.distance_km(centre) <= 25.0)
                    }
                    _ => None,
                };
                (Some(m), Some(pin.unwrap_or(centre)))
            }
            Err(_) => (None, None),
        };
    let programmes = match &municipality {
        Some(m) => incentives::programmes_of(&app.db, m.id).await?,
        None => Vec::new(),
    };
    let photos = match target {
        Target::New { .. } => Vec::new(),
        Target::Draft(id) => crate::store::photos::list(&app.db, Owner::Draft(id)).await?,
        Target::Unit(id) => crate::store::photos::list(&app.db, Owner::Unit(id)).await?,
    };
    Ok(Editor {
        target,
        landlord_id,
        landlord_name: landlord.display_name,
        fields,
        photos,
        municipality,
        programmes,
        errors,
        location,
        status,
        on_behalf,
        stale: false,
    })
}

/// The form for a new unit of `landlord_id`.
pub async fn editor_for_new(
    app: &App,
    user: &CurrentUser,
    landlord_id: i64,
) -> Result<Editor, ServiceError> {
    if !may_edit(
        app,
        user,
        landlord_id,
        None,
        landlords::find(&app.db, landlord_id)
            .await?
            .and_then(|l| l.created_by_user_id),
    )
    .await?
    {
        return Err(ServiceError::Forbidden);
    }
    // The key ties every post of this form to one draft (a failed submit, a reload).
    let key = crate::util::random_hex(16).map_err(|e| ServiceError::Other(anyhow::anyhow!(e)))?;
    let fields = vec![
        ("lease_type".into(), "open_ended".into()),
        (DRAFT_KEY.into(), key),
    ];
    build_editor(
        app,
        Target::New { landlord_id },
        landlord_id,
        fields,
        FieldErrors::default(),
        None,
        user.role != Role::Landlord,
    )
    .await
}

/// The form of a saved draft.
pub async fn editor_for_draft(
    app: &App,
    user: &CurrentUser,
    draft_id: i64,
) -> Result<Editor, ServiceError> {
    let draft = draft_of(app, user, draft_id).await?;
    build_editor(
        app,
        Target::Draft(draft_id),
        draft.landlord_id,
        draft.fields,
        FieldErrors::default(),
        None,
        user.role != Role::Landlord,
    )
    .await
}

/// The form of an existing unit (not while it is reserved or let).
pub async fn editor_for_unit(
    app: &App,
    user: &CurrentUser,
    unit_id: i64,
    locale: Locale,
) -> Result<Editor, ServiceError> {
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
    if matches!(unit.status, UnitStatus::Let | UnitStatus::Reserved) {
        return Err(ServiceError::Conflict(Conflict::UnitLocked));
    }
    let requested: Vec<i64> = incentives::requests_for_unit(&app.db, unit_id)
        .await?
        .into_iter()
        .filter(|(r, _)| r.status != IncentiveStatus::Withdrawn.as_str())
        .map(|(_, p)| p.id)
        .collect();
    let fields = fields_of_unit(&unit, &requested, locale);
    build_editor(
        app,
        Target::Unit(unit_id),
        unit.landlord_id,
        fields,
        FieldErrors::default(),
        Some(unit.status),
        user.role != Role::Landlord,
    )
    .await
}
