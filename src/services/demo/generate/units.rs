//! The demo's flats: size, floor, rent and features drawn from shares typical of the towns,
//! and a description as landlords write it.

use super::*;

pub(in crate::services::demo) fn demo_unit(
    rng: &mut SplitMix64,
    town: &Town<'_>,
    today: NaiveDate,
) -> (UnitStatus, UnitDetails) {
    let rooms = 1 + rng.weighted(&[0.12, 0.30, 0.32, 0.18, 0.08]);
    let base_area = [32.0, 55.0, 72.0, 92.0, 110.0][rooms - 1];
    let area_m2 = (base_area * rng.range_f64(0.88, 1.12) * 2.0_f64).round() / 2.0;
    let rooms_f = if rooms >= 2 && rng.chance(0.15) {
        rooms as f64 + 0.5
    } else {
        rooms as f64
    };
    let floor = rng.weighted(&[0.22, 0.28, 0.25, 0.15, 0.10]) as i32;
    let has_lift = if floor >= 3 {
        rng.chance(0.6)
    } else {
        rng.chance(0.12)
    };
    let step_free = (floor == 0 || has_lift) && rng.chance(0.55);
    let wheelchair_accessible = step_free && rng.chance(0.25);
    let per_m2 = town.rent_per_m2 * rng.range_f64(0.88, 1.12);
    let cold_rent = Cents((area_m2 * per_m2 * 100.0).round() as i64 / 500 * 500);
    let service_charges = Cents((area_m2 * 2.2 * 100.0).round() as i64 / 100 * 100);
    let heating_costs = Cents((area_m2 * 1.3 * 100.0).round() as i64 / 100 * 100);
    let max_occupants = ((area_m2 / 16.0).round() as u32 + u32::from(rooms >= 3)).clamp(1, 9);
    let (lease_type, available_from, lease_end) = demo_lease(rng, today);
    let preferences = demo_preferences(rng);
    let status = [
        UnitStatus::Available,
        UnitStatus::Checked,
        UnitStatus::Submitted,
        UnitStatus::Let,
    ][rng.weighted(&[0.75, 0.08, 0.12, 0.05])];
    let description = demo_description(rng, rooms_f, floor);
    let details = UnitDetails {
        address: Address {
            street: (*rng.pick(STREETS)).into(),
            house_number: rng.range_i64(1, 120).to_string(),
            postal_code: (*rng.pick(town.postal_codes)).into(),
            town: town.name.into(),
            extra: None,
        },
        location: near(rng, town.lat, town.lon, 0.1, 2.5),
        area_m2,
        rooms: rooms_f,
        floor,
        has_lift,
        step_free,
        wheelchair_accessible,
        furnished: rng.chance(0.1),
        pets_allowed: rng.chance(0.35),
        max_occupants,
        cold_rent,
        service_charges,
        heating_costs,
        deposit: Cents(cold_rent.0 * 3),
        municipal_top_up: if rng.chance(0.1) {
            Cents::euros(rng.range_i64(3, 8) * 10)
        } else {
            Cents::ZERO
        },
        available_from,
        lease_type,
        lease_end,
        pref_min_household_size: None,
        pref_max_household_size: rng
            .chance(0.2)
            .then(|| max_occupants.saturating_sub(1).max(1)),
        preferences,
        pref_notes: None,
        description: Some(description),
    };
    (status, details)
}

/// What a landlord asks for now and then: one kind of household, sometimes also work or
/// German.
pub(super) fn demo_preferences(rng: &mut SplitMix64) -> Vec<LandlordPreference> {
    let mut preferences = Vec::new();
    if rng.chance(0.4) {
        preferences.push(*rng.pick(&crate::sim::DRAWN_PREFERENCES));
        if rng.chance(0.3) {
            let second = *rng.pick(&[
                LandlordPreference::Employed,
                LandlordPreference::SpeaksGerman,
            ]);
            if !preferences.contains(&second) {
                preferences.push(second);
            }
        }
    }
    preferences
}

/// A flat's description as landlords write it: rooms, floor and two of its good points.
pub(super) fn demo_description(rng: &mut SplitMix64, rooms: f64, floor: i32) -> String {
    let floor_text = if floor == 0 {
        "im Erdgeschoss".to_owned()
    } else {
        format!("im {floor}. Obergeschoss")
    };
    let extras = [
        "mit Balkon",
        "mit Einbauküche",
        "mit Kellerabteil",
        "frisch renoviert",
        "mit Gartenanteil",
        "nahe am Bahnhof",
    ];
    format!(
        "Helle {}-Zimmer-Wohnung {floor_text}, {}, {}. Ruhige Lage, Einkauf und Bus in der Nähe.",
        rooms.to_string().replace('.', ","),
        rng.pick(&extras),
        rng.pick(&extras)
    )
}

/// How a flat is let: mostly open-ended, free from about today, a fixed term of two to
/// five years now and then.
fn demo_lease(rng: &mut SplitMix64, today: NaiveDate) -> (LeaseType, NaiveDate, Option<NaiveDate>) {
    let lease_type = if rng.chance(0.85) {
        LeaseType::OpenEnded
    } else {
        LeaseType::FixedTerm
    };
    let available_from = today + Duration::days(rng.range_i64(-30, 120));
    let lease_end = (lease_type == LeaseType::FixedTerm)
        .then(|| available_from + Duration::days(rng.range_i64(2, 5) * 365));
    (lease_type, available_from, lease_end)
}
