//! The flat form's reading: every field checked, with a message at the field; the place
//! and the incentive programmes it may ask for come from the database.

use super::*;

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
    let served = crate::store::municipalities::active_with_keys(&app.db, keys).await?;
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
    let (checks, mut errors) = read_checks(fields);
    check_plausible(&checks, &mut errors);
    let lease = read_lease(fields, &mut errors, app.clock.today(), keep_date);
    let preferences = read_preferences(fields, &mut errors);
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
    let programmes = match &place {
        Some((m, _)) => read_programmes(app, fields, m.id, &mut errors).await?,
        None => Vec::new(),
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let Some((municipality, details)) = place.and_then(|(m, centre)| {
        details_of(fields, &checks, centre, lease, preferences).map(|d| (m, d))
    }) else {
        return Ok(Err(FieldErrors::single("street", "validation.required")));
    };
    Ok(Ok(ValidUnit {
        municipality_id: municipality.id,
        programmes,
        details,
    }))
}

/// The numbers and texts, read and checked against their ranges (`validator`).
fn read_checks(fields: Fields<'_>) -> (Checks, FieldErrors) {
    // Ranges are checked by `Checks` with their own sentences (area, rooms, rent, …).
    let mut r = Reader::new(fields.0);
    r.check_characters(&["pref_notes", "description"]);
    let any = f64::MIN..=f64::MAX;
    let any_whole = i64::MIN..=i64::MAX;
    let checks = Checks {
        street: fields.get("street").to_owned(),
        house_number: fields.get("house_number").to_owned(),
        town: fields.get("town").to_owned(),
        address_extra: fields.get("address_extra").to_owned(),
        area_m2: r.number("area_m2", any.clone(), true),
        rooms: r.number("rooms", any.clone(), true),
        floor: r.whole("floor", any_whole.clone(), true),
        max_occupants: r.whole("max_occupants", any_whole.clone(), true),
        cold_rent: r.number("cold_rent", any.clone(), true),
        service_charges: r.number("service_charges", any.clone(), true),
        heating_costs: r.number("heating_costs", any.clone(), false),
        deposit: r.number("deposit", any, false),
        pref_max_household_size: r.whole("pref_max_household_size", any_whole, false),
        pref_notes: fields.get("pref_notes").to_owned(),
        description: fields.get("description").to_owned(),
    };
    let mut errors = r.into_errors();
    if let Err(e) = checks.validate() {
        errors.add_validator(&e);
    }
    (checks, errors)
}

/// What the ranges alone cannot tell: half rooms, a rent per m² nobody asks, a deposit
/// above three cold rents, a wished household larger than the flat allows.
fn check_plausible(c: &Checks, errors: &mut FieldErrors) {
    if let Some(r) = c.rooms
        && (r * 2.0).fract() != 0.0
    {
        errors.add("rooms", "validation.rooms_half");
    }
    // Only with a plausible area: a wrong area must not also make the rent look wrong.
    if let (Some(rent), Some(area)) = (c.cold_rent, c.area_m2)
        && area > 0.0
        && errors.get("cold_rent").is_none()
        && errors.get("area_m2").is_none()
    {
        let per_m2 = rent / area;
        if !(2.0..=40.0).contains(&per_m2) {
            errors.add("cold_rent", "validation.rent_implausible");
        }
    }
    if let (Some(deposit), Some(rent)) = (c.deposit, c.cold_rent)
        && deposit > rent * 3.0 + 0.005
        && errors.get("deposit").is_none()
    {
        errors.add("deposit", "validation.deposit_too_high");
    }
    if let (Some(pref), Some(max)) = (c.pref_max_household_size, c.max_occupants)
        && pref > max
        && errors.get("pref_max_household_size").is_none()
    {
        errors.add("pref_max_household_size", "validation.pref_size_above_max");
    }
}

/// When the flat is free and for how long it is let.
#[derive(Debug, Clone, Copy)]
struct Lease {
    available_from: Option<NaiveDate>,
    lease_type: Option<LeaseType>,
    lease_end: Option<NaiveDate>,
}

/// The availability date (not in the past unless it is `keep`) and the lease's term.
fn read_lease(
    fields: Fields<'_>,
    errors: &mut FieldErrors,
    today: NaiveDate,
    keep: Option<NaiveDate>,
) -> Lease {
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
            Some(d) if d < today && Some(d) != keep => {
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
    let lease_end = match (lease_type, fields.get("lease_end")) {
        (Some(LeaseType::FixedTerm), "") => {
            errors.add("lease_end", "validation.lease_end_required");
            None
        }
        (Some(LeaseType::FixedTerm), text) => match parse_date(text) {
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
        _ => None,
    };
    Lease {
        available_from,
        lease_type,
        lease_end,
    }
}

/// The landlord's wishes for the household, each once.
fn read_preferences(fields: Fields<'_>, errors: &mut FieldErrors) -> Vec<LandlordPreference> {
    let mut preferences = Vec::new();
    for tag in fields.all("pref_tags") {
        match tag.parse::<LandlordPreference>() {
            Ok(p) if !preferences.contains(&p) => preferences.push(p),
            Ok(_) => {}
            Err(_) => errors.add("pref_tags", "validation.choose_one"),
        }
    }
    preferences
}

/// The incentive programmes asked for, each one the municipality offers.
async fn read_programmes(
    app: &App,
    fields: Fields<'_>,
    municipality_id: i64,
    errors: &mut FieldErrors,
) -> Result<Vec<i64>, ServiceError> {
    let offered: Vec<i64> = incentives::programmes_of(&app.db, municipality_id)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    let mut programmes = Vec::new();
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
    Ok(programmes)
}

/// The flat's details from a form without errors; `None` if a required value is missing
/// (which the errors have already said). The map pin, when moved, wins over the postal
/// code's centre (within 25 km of it).
fn details_of(
    fields: Fields<'_>,
    c: &Checks,
    centre: GeoPoint,
    lease: Lease,
    preferences: Vec<LandlordPreference>,
) -> Option<UnitDetails> {
    let pin = match (
        parse_number(fields.get("lat")),
        parse_number(fields.get("lon")),
    ) {
        (Some(lat), Some(lon)) => GeoPoint::new(lat, lon).filter(|p| p.distance_km(centre) <= 25.0),
        _ => None,
    };
    let optional_text = |name: &str| Some(fields.get(name).to_owned()).filter(|s| !s.is_empty());
    Some(UnitDetails {
        address: Address {
            street: fields.get("street").to_owned(),
            house_number: fields.get("house_number").to_owned(),
            postal_code: fields.get("postal_code").to_owned(),
            town: fields.get("town").to_owned(),
            extra: optional_text("address_extra"),
        },
        location: pin.unwrap_or(centre),
        area_m2: c.area_m2?,
        rooms: c.rooms?,
        floor: c.floor? as i32,
        has_lift: fields.checked("has_lift"),
        step_free: fields.checked("step_free"),
        wheelchair_accessible: fields.checked("wheelchair_accessible"),
        furnished: fields.checked("furnished"),
        pets_allowed: fields.checked("pets_allowed"),
        max_occupants: c.max_occupants? as u32,
        cold_rent: money(c.cold_rent),
        service_charges: money(c.service_charges),
        heating_costs: money(c.heating_costs),
        deposit: money(c.deposit),
        municipal_top_up: Cents::ZERO,
        available_from: lease.available_from?,
        lease_type: lease.lease_type?,
        lease_end: lease.lease_end,
        pref_min_household_size: None,
        pref_max_household_size: c.pref_max_household_size.map(|v| v as u32),
        preferences,
        pref_notes: optional_text("pref_notes"),
        description: optional_text("description"),
    })
}
