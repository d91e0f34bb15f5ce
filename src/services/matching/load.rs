//! A match run's scenario read from the database: the municipalities with their current
//! rules, the available flats and the active, consenting households, minus what is frozen
//! or held for review.

use super::*;

/// The engine's view of the municipalities that have rule tables.
pub(crate) fn municipality_inputs(
    all: &[municipality::Model],
    rules: &BTreeMap<i64, municipalities::StoredRuleSet>,
) -> Vec<MunicipalityInput> {
    all.iter()
        .filter_map(|m| {
            let set = rules.get(&m.id)?;
            Some(MunicipalityInput {
                id: Id::Num(m.id),
                name: Some(m.name.clone()),
                lat: m.center_lat,
                lon: m.center_lon,
                rent_caps: set
                    .rules
                    .rent_caps
                    .rows()
                    .iter()
                    .map(|(persons, cap)| RentCapRow {
                        persons: *persons,
                        max_gross_cold_rent: cap.as_euros_f64(),
                    })
                    .collect(),
                extra_person_cap: set.rules.rent_caps.extra_person().as_euros_f64(),
                weights: Some(set.rules.weights.to_map()),
                area_norms: Some(
                    set.rules
                        .area_norms
                        .rows()
                        .iter()
                        .map(|(persons, area)| AreaNormRow {
                            persons: *persons,
                            area_m2: *area,
                        })
                        .collect(),
                ),
                extra_person_area_m2: Some(set.rules.area_norms.extra_person_m2()),
            })
        })
        .collect()
}

/// The engine's view of a stored unit.
pub(crate) fn unit_input(u: &StoredUnit) -> UnitInput {
    let d = &u.details;
    UnitInput {
        id: Id::Num(u.id),
        municipality: Id::Num(u.municipality_id),
        lat: d.location.lat,
        lon: d.location.lon,
        area_m2: d.area_m2,
        rooms: d.rooms,
        floor: d.floor,
        lift: d.has_lift,
        wheelchair_accessible: d.wheelchair_accessible,
        cold_rent: d.cold_rent.as_euros_f64(),
        service_charges: d.service_charges.as_euros_f64(),
        heating_costs: d.heating_costs.as_euros_f64(),
        municipal_top_up: d.municipal_top_up.as_euros_f64(),
        available_from: Some(d.available_from),
        max_occupants: d.max_occupants.max(1),
        pets_allowed: d.pets_allowed,
        landlord_max_household_size: d.pref_max_household_size,
        landlord_min_household_size: d.pref_min_household_size,
        landlord_preferences: d.preferences.clone(),
        active: u.status == UnitStatus::Available,
    }
}

/// The engine's view of a stored household; `in_scenario` are the units whose earlier
/// declines matter.
pub(crate) fn household_input(
    h: &StoredHousehold,
    as_of: NaiveDate,
    has_rules: &dyn Fn(i64) -> bool,
    declines: &store::Declines,
    in_scenario: &BTreeSet<i64>,
) -> HouseholdInput {
    let (adults, children_ages) = h.profile.adults_and_children(as_of);
    let p = &h.profile;
    let obligation_applies = p.residence_obligation
        && p.residence_obligation_until
            .is_none_or(|until| until >= as_of);
    let allowed: Vec<Id> = h
        .allowed_municipalities
        .iter()
        .filter(|m| has_rules(**m))
        .map(|m| Id::Num(*m))
        .collect();
    let declined = |set: &BTreeSet<(i64, i64)>| -> Vec<Id> {
        set.iter()
            .filter(|(unit, household)| *household == h.id && in_scenario.contains(unit))
            .map(|(unit, _)| Id::Num(*unit))
            .collect()
    };
    HouseholdInput {
        id: Id::Num(h.id),
        municipality: Id::Num(h.municipality_id),
        adults,
        children_ages,
        wheelchair: p.wheelchair,
        max_floor_without_lift: p.max_floor_without_lift,
        pets: p.pets,
        allowed_municipalities: (obligation_applies && !h.allowed_municipalities.is_empty())
            .then_some(allowed),
        max_distance_km: p.max_distance_km,
        latest_move_date: p.latest_move_date,
        in_follow_up_since: p.in_follow_up_since,
        urgency: p.urgency.min(3),
        anchors: p
            .anchors
            .iter()
            .map(|a| AnchorInput {
                kind: a.kind,
                lat: a.location.lat,
                lon: a.location.lon,
                importance: a.importance.clamp(0.0, 1.0),
            })
            .collect(),
        declined_units: declined(&declines.by_household),
        declined_by_landlords_of_units: declined(&declines.by_landlord),
        rooms_wanted: p.rooms_wanted,
        employed: matches!(
            p.work_situation,
            Some(WorkSituation::Employed | WorkSituation::InTraining)
        ),
        languages: p.languages.clone(),
        active: h.status == HouseholdStatus::Active,
        consent: h.consents_to_matching(),
    }
}

/// Builds the engine's scenario from the database.
pub async fn load_scenario(
    app: &App,
    scope: Scope,
    as_of: NaiveDate,
) -> Result<LoadedScenario, ServiceError> {
    let db = &app.db;
    let all_municipalities = municipalities::list(db).await?;
    let rules = municipalities::current_rule_sets(db).await?;
    let (frozen_units, frozen_households) = store::frozen(db).await?;
    let under_review = store::duplicates_under_review(db).await?;
    let declines = store::declines(db).await?;

    let municipality_inputs = municipality_inputs(&all_municipalities, &rules);
    let has_rules = |m: i64| rules.contains_key(&m);
    let mut skipped = 0;

    let stored_units =
        units::list_by_status(db, &[UnitStatus::Available], scope.municipality()).await?;
    let mut frozen_unit_count = 0;
    let mut held_for_review = 0;
    let mut unit_inputs = Vec::new();
    for u in stored_units {
        if frozen_units.contains(&u.id) {
            frozen_unit_count += 1;
        } else if under_review.contains(&u.id) {
            held_for_review += 1;
        } else if !has_rules(u.municipality_id) {
            skipped += 1;
        } else {
            unit_inputs.push(unit_input(&u));
        }
    }
    // Flats of the scenario have numeric ids (their rows' ids).
    let in_scenario: BTreeSet<i64> = unit_inputs.iter().map(|u| id_number(&u.id)).collect();

    let stored_households =
        households::list_by_status(db, &[HouseholdStatus::Active], scope.municipality()).await?;
    let mut frozen_household_count = 0;
    let mut household_inputs = Vec::new();
    for h in stored_households {
        if frozen_households.contains(&h.id) {
            frozen_household_count += 1;
        } else if h.profile.members.is_empty() || !has_rules(h.municipality_id) {
            // Households without consent are left out without counting.
            skipped += usize::from(h.consents_to_matching());
        } else if h.consents_to_matching() {
            household_inputs.push(household_input(
                &h,
                as_of,
                &has_rules,
                &declines,
                &in_scenario,
            ));
        }
    }

    // The versions this run depends on.
    let used = municipalities_used(&unit_inputs, &household_inputs);
    let rule_set_ids: Vec<i64> = rules
        .values()
        .filter(|r| used.contains(&r.municipality_id))
        .map(|r| r.id)
        .collect();
    Ok(LoadedScenario {
        scenario: Scenario {
            as_of,
            municipalities: municipality_inputs,
            units: unit_inputs,
            households: household_inputs,
        },
        rule_set_ids,
        frozen_units: frozen_unit_count,
        frozen_households: frozen_household_count,
        held_for_review,
        skipped,
    })
}

/// The municipalities a scenario depends on: of every flat, of every household, and those
/// named in a household's residence-obligation area.
pub(crate) fn municipalities_used(
    units: &[UnitInput],
    households: &[HouseholdInput],
) -> BTreeSet<i64> {
    let mut used = BTreeSet::new();
    let ids = units
        .iter()
        .map(|u| &u.municipality)
        .chain(households.iter().flat_map(|h| {
            std::iter::once(&h.municipality).chain(h.allowed_municipalities.iter().flatten())
        }));
    for id in ids {
        if let Id::Num(m) = id {
            used.insert(*m);
        }
    }
    used
}
