//! What each document shows, as the JSON its template reads: figures and dates already in
//! German formats, a missing value as `null` (the template leaves a line to fill in).

use chrono::NaiveDate;
use entities::{incentive_programme, landlord, municipality, placement, unit_incentive};
use serde_json::{Value, json};

use crate::domain::document::DocumentKind;
use crate::domain::unit::LeaseType;
use crate::domain::{Cents, Locale, format};
use crate::mail::compose::{Letter, mail_text};
use crate::store::units::StoredUnit;

const DE: Locale = Locale::De;

/// The municipality as the letterhead and footer show it; `logo` is the path of the
/// uploaded logo in the document's files.
pub fn municipality(m: &municipality::Model, logo: Option<&str>) -> Value {
    let contact: Vec<String> = [m.contact_email.clone(), m.contact_phone.clone()]
        .into_iter()
        .flatten()
        .filter(|c| !c.trim().is_empty())
        .collect();
    json!({
        "name": m.name,
        "district": m.district,
        "office": format!("Koordinationsstelle Wohnen · {}", m.district),
        "contact": contact,
        "logo": logo,
    })
}

/// "Erdgeschoss", "2. Obergeschoss", "Untergeschoss".
fn floor(n: i32) -> String {
    match n {
        0 => "Erdgeschoss".into(),
        n if n < 0 => "Untergeschoss".into(),
        n => format!("{n}. Obergeschoss"),
    }
}

fn money(c: Cents) -> String {
    c.format(DE)
}

fn day(d: NaiveDate) -> String {
    format::date(DE, d)
}

/// The flat's facts every proposal document shares.
fn flat(unit: &StoredUnit, lease_start: Option<NaiveDate>) -> Value {
    let d = &unit.details;
    let lease = match d.lease_type {
        LeaseType::OpenEnded => "unbefristet".to_owned(),
        LeaseType::FixedTerm => match d.lease_end {
            Some(end) => format!("befristet bis {}", day(end)),
            None => "befristet".to_owned(),
        },
    };
    json!({
        "address": d.address.one_line(),
        "floor": floor(d.floor),
        "area": format!("{} m²", format::compact(DE, d.area_m2)),
        "rooms": format::compact(DE, d.rooms),
        "available": day(d.available_from),
        "lease_start": lease_start.map(day),
        "lease": lease,
        "furnished": if d.furnished { "ja" } else { "nein" },
    })
}

/// The landlord as an agreement names them; contact details only on the certificate.
fn landlord_of(l: &landlord::Model) -> Value {
    let street = l.street.clone().filter(|s| !s.trim().is_empty());
    let town = [l.postal_code.clone(), l.town.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let address = match (street, town.trim().is_empty()) {
        (Some(s), false) => Some(format!("{s}, {}", town.trim())),
        (Some(s), true) => Some(s),
        (None, false) => Some(town.trim().to_owned()),
        (None, true) => None,
    };
    json!({
        "name": l.display_name,
        "address": address,
        "email": l.contact_email,
        "phone": l.phone,
    })
}

/// Everything a proposal's document is about.
pub struct Subject<'a> {
    pub proposal_id: i64,
    pub unit: &'a StoredUnit,
    pub landlord: &'a landlord::Model,
    pub municipality: Value,
    pub placement: Option<&'a placement::Model>,
    /// The household's contact person, only where the document may name them.
    pub tenant: Option<String>,
    pub persons: usize,
    pub date: NaiveDate,
}

/// The rent certificate for the Jobcenter: the flat, the rent as the placement records it
/// (else as the flat was offered), the landlord; the tenant only when allowed.
pub fn rent_certificate(s: &Subject<'_>) -> Value {
    let d = &s.unit.details;
    let p = s.placement;
    let cold = p.and_then(|p| p.rent_cold_cents).map_or(d.cold_rent, Cents);
    let service = p
        .and_then(|p| p.service_charges_cents)
        .map_or(d.service_charges, Cents);
    let heating = p
        .and_then(|p| p.heating_costs_cents)
        .map_or(d.heating_costs, Cents);
    json!({
        "title": "Mietbescheinigung / Wohnungsangebot",
        "lang": "de",
        "reference": format!("B-{}", s.proposal_id),
        "date": day(s.date),
        "municipality": s.municipality,
        "flat": flat(s.unit, p.and_then(|p| p.lease_start)),
        "tenant": s.tenant,
        "persons": s.persons.to_string(),
        "costs": {
            "cold": money(cold),
            "service": money(service),
            "heating": money(heating),
            "total": money(cold + service + heating),
            "deposit": money(d.deposit),
            "heating_kind": Value::Null,
        },
        "landlord": landlord_of(s.landlord),
    })
}

/// An agreement for an incentive the municipality granted for the flat.
pub fn agreement(
    kind: DocumentKind,
    s: &Subject<'_>,
    request: &unit_incentive::Model,
    programme: &incentive_programme::Model,
) -> Value {
    let amount = request
        .granted_amount_cents
        .or(programme.amount_cents)
        .map(|c| money(Cents(c)));
    let period = match (request.granted_from, request.granted_until) {
        (Some(from), Some(until)) => Some(format!("{} bis {}", day(from), day(until))),
        (Some(from), None) => Some(format!("ab {}", day(from))),
        _ => None,
    };
    let months = programme.duration_months.map(|m| format!("{m} Monate"));
    let d = &s.unit.details;
    let terms: Vec<(&str, Option<String>)> = match kind {
        DocumentKind::RentGuarantee => vec![
            ("Höchstbetrag der Garantie", amount),
            ("Laufzeit", months),
            ("Zeitraum", period),
            (
                "Monatliche Miete (warm)",
                Some(money(d.cold_rent + d.service_charges + d.heating_costs)),
            ),
        ],
        DocumentKind::OccupancyAgreement => vec![
            ("Zuschuss zur Sanierung", amount),
            (
                "Dauer des Belegungsrechts",
                programme.occupancy_years.map(|y| format!("{y} Jahre")),
            ),
            ("Zeitraum", period),
            ("Kaltmiete höchstens", Some(money(d.cold_rent))),
        ],
        _ => vec![
            (
                "Mieterin",
                Some(format!(
                    "Gemeinde {}",
                    s.municipality["name"].as_str().unwrap_or_default()
                )),
            ),
            (
                "Monatliche Miete (warm)",
                Some(money(d.cold_rent + d.service_charges + d.heating_costs)),
            ),
            ("Laufzeit", months),
            ("Zeitraum", period),
            ("Betrag laut Bewilligung", amount),
        ],
    };
    let title = match kind {
        DocumentKind::RentGuarantee => "Erklärung zur Mietausfallgarantie",
        DocumentKind::OccupancyAgreement => "Vereinbarung: Sanierungszuschuss gegen Belegungsrecht",
        _ => "Zwischenanmietung: Eckpunkte des Mietvertrags",
    };
    json!({
        "kind": kind.as_str(),
        "title": title,
        "lang": "de",
        "reference": format!("B-{}/F-{}", s.proposal_id, request.id),
        "date": day(s.date),
        "municipality": s.municipality,
        "programme": {"name": programme.name_de, "conditions": programme.conditions_de},
        "flat": flat(s.unit, None),
        "landlord": landlord_of(s.landlord),
        "terms": terms,
    })
}

/// The household's letter: the e-mail's parts, the photos and a QR code per answer link
/// (files `/qr-<n>.svg` and `/photo-<n>.<ext>` the caller adds).
pub fn letter(
    l: &Letter,
    municipality: Value,
    reference: &str,
    date: NaiveDate,
    photos: &[String],
) -> Value {
    let lang: crate::domain::Language = l.lang.parse().unwrap_or_default();
    let actions: Vec<Value> = l
        .actions
        .iter()
        .enumerate()
        .map(|(i, (label, url))| json!({"label": label, "url": url, "qr": format!("/qr-{i}.svg")}))
        .collect();
    let hint = mail_text(&l.lang, "mail.letter_qr_hint");
    json!({
        "title": l.subject,
        "lang": l.lang,
        "dir": lang.dir(),
        "municipality": municipality,
        "date": format::date(lang.formats(), date),
        "household_line": format!("{} {reference}", mail_text(&l.lang, "mail.letter_reference")),
        "helper": l.helper,
        "subject": l.subject,
        "greeting": l.greeting,
        "paragraphs": l.paragraphs,
        "photos": photos,
        "actions": actions,
        "after": l.after_action,
        "signature": mail_text(&l.lang, "mail.signature"),
        "note": hint,
    })
}
