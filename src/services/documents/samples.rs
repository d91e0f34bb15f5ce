//! Sample data of every document, shaped by the same builders as the real ones: an
//! uploaded municipality part is typeset with it before it is kept.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::data::{self, Subject};
use crate::domain::Cents;
use crate::domain::document::DocumentKind;
use crate::domain::geo::GeoPoint;
use crate::domain::unit::{Address, LeaseType, UnitDetails, UnitStatus};
use crate::mail::compose::letter_in;
use crate::store::units::StoredUnit;

type Files = Vec<(String, Vec<u8>)>;

fn unit(today: NaiveDate) -> StoredUnit {
    StoredUnit {
        id: 1,
        landlord_id: 1,
        municipality_id: 1,
        status: UnitStatus::Reserved,
        version: 1,
        details: UnitDetails {
            address: Address {
                street: "Musterstraße".into(),
                house_number: "12".into(),
                postal_code: "73728".into(),
                town: "Esslingen am Neckar".into(),
                extra: None,
            },
            location: GeoPoint {
                lat: 48.74,
                lon: 9.31,
            },
            area_m2: 68.5,
            rooms: 3.0,
            floor: 2,
            has_lift: false,
            step_free: false,
            wheelchair_accessible: false,
            furnished: false,
            pets_allowed: false,
            max_occupants: 5,
            cold_rent: Cents::euros(640),
            service_charges: Cents::euros(160),
            heating_costs: Cents::euros(90),
            deposit: Cents::euros(1_920),
            municipal_top_up: Cents(0),
            available_from: today,
            lease_type: LeaseType::OpenEnded,
            lease_end: None,
            pref_min_household_size: None,
            pref_max_household_size: None,
            preferences: Vec::new(),
            pref_notes: None,
            description: None,
        },
        withdrawn_reason: None,
    }
}

fn landlord(at: DateTime<Utc>) -> entities::landlord::Model {
    entities::landlord::Model {
        id: 1,
        user_id: None,
        kind: "private".into(),
        display_name: "Erika Beispiel".into(),
        contact_email: Some("erika@example.org".into()),
        phone: None,
        street: Some("Beispielweg 3".into()),
        postal_code: Some("73728".into()),
        town: Some("Esslingen am Neckar".into()),
        preferred_locale: "de".into(),
        notes: None,
        created_by_user_id: None,
        anonymized_at: None,
        created_at: at,
        updated_at: at,
    }
}

fn programme(kind: &str, at: DateTime<Utc>) -> entities::incentive_programme::Model {
    entities::incentive_programme::Model {
        id: 1,
        municipality_id: 1,
        kind: kind.into(),
        name_de: "Programm".into(),
        name_en: "Programme".into(),
        conditions_de: "Bedingungen des Programms.".into(),
        conditions_en: "Conditions.".into(),
        amount_cents: Some(500_000),
        duration_months: Some(24),
        occupancy_years: Some(10),
        budget_cents: None,
        active: true,
        created_at: at,
        updated_at: at,
    }
}

fn request(at: DateTime<Utc>, today: NaiveDate) -> entities::unit_incentive::Model {
    entities::unit_incentive::Model {
        id: 1,
        unit_id: 1,
        programme_id: 1,
        status: "granted".into(),
        landlord_note: None,
        requested_at: at,
        decided_at: Some(at),
        decided_by_user_id: None,
        decision_note: None,
        granted_amount_cents: Some(450_000),
        granted_from: Some(today),
        granted_until: None,
        paid_amount_cents: None,
        paid_on: None,
        created_at: at,
        updated_at: at,
    }
}

/// Every kind with sample data and the files it names.
pub fn all(
    m: &entities::municipality::Model,
    logo: Option<&str>,
    today: NaiveDate,
) -> Vec<(DocumentKind, Value, Files)> {
    let at = m.created_at;
    let unit = unit(today);
    let landlord = landlord(at);
    let subject = Subject {
        proposal_id: 1,
        unit: &unit,
        landlord: &landlord,
        municipality: data::municipality(m, logo),
        placement: None,
        tenant: Some("Amira Beispiel".into()),
        persons: 4,
        date: today,
    };
    let mut out = vec![(
        DocumentKind::RentCertificate,
        data::rent_certificate(&subject),
        Files::new(),
    )];
    for (kind, incentive) in [
        (DocumentKind::RentGuarantee, "rent_default_guarantee"),
        (DocumentKind::OccupancyAgreement, "renovation_grant"),
        (DocumentKind::HeadLease, "head_lease"),
    ] {
        let json = data::agreement(
            kind,
            &subject,
            &request(at, today),
            &programme(incentive, at),
        );
        out.push((kind, json, Files::new()));
    }
    let links = [
        ("action_accept", "https://bleibe.example/a/beispiel-ja"),
        ("action_decline", "https://bleibe.example/a/beispiel-nein"),
    ];
    let values = [
        ("name", "Familie Beispiel"),
        ("municipality", m.name.as_str()),
        ("address", "Musterstraße 12, 73728 Esslingen am Neckar"),
        ("rooms", "3"),
        ("area", "68,5"),
        ("floor", "im 2. Obergeschoss"),
        ("available", "01.02.2027"),
        ("cold_rent", "640 €"),
        ("service_charges", "160 €"),
        ("heating", "90 €"),
        ("rent", "890 €"),
        ("due", "18.12.2026"),
    ];
    let letter = letter_in("de", "proposal_household", &values, &links);
    let qr: Files = letter
        .actions
        .iter()
        .enumerate()
        .filter_map(|(i, (_, url))| Some((format!("/qr-{i}.svg"), crate::documents::qr_svg(url)?)))
        .collect();
    out.push((
        DocumentKind::ProposalLetter,
        data::letter(&letter, data::municipality(m, logo), "AZ-1", today, &[]),
        qr,
    ));
    let (year, files) = super::year::sample(m, logo, today);
    out.push((DocumentKind::YearlyReport, year, files));
    out
}
