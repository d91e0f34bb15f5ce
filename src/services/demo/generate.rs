//! Generated demo rows: households with members, anchors and a text for landlords, and
//! flats with their details, from a seeded random stream.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::domain::geo::GeoPoint;
use crate::domain::household::{
    Anchor, AnchorKind, BenefitType, HouseholdProfile, HouseholdStatus, Member, MemberRole,
    ResidenceStatus, WorkSituation,
};
use crate::domain::unit::{Address, LandlordPreference, LeaseType, UnitDetails, UnitStatus};
use crate::domain::{Cents, Language};
use crate::util::SplitMix64;

use super::*;

pub(super) enum Obligation {
    None,
    Town,
    District,
}

pub(super) struct GeneratedHousehold {
    pub(super) profile: HouseholdProfile,
    pub(super) status: HouseholdStatus,
    pub(super) obligation: Obligation,
    pub(super) consent_days: Option<i64>,
}

pub(super) fn at_noon(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0)
        .map_or_else(Utc::now, |dt| dt.and_utc())
}

pub(super) fn near(rng: &mut SplitMix64, lat: f64, lon: f64, min_km: f64, max_km: f64) -> GeoPoint {
    let distance = rng.range_f64(min_km, max_km);
    let bearing = rng.range_f64(0.0, std::f64::consts::TAU);
    let dlat = distance * bearing.cos() / 111.2;
    let dlon = distance * bearing.sin() / (111.2 * lat.to_radians().cos());
    GeoPoint::new(lat + dlat, lon + dlon).unwrap_or(GeoPoint { lat, lon })
}

pub(super) fn demo_household(
    rng: &mut SplitMix64,
    town: &Town<'_>,
    index: usize,
    today: NaiveDate,
) -> GeneratedHousehold {
    let origin = &ORIGINS[rng.weighted(&ORIGINS.iter().map(|o| o.weight).collect::<Vec<_>>())];
    let size = 1 + rng.weighted(&[0.32, 0.14, 0.16, 0.16, 0.12, 0.06, 0.03, 0.01]);
    let last_name = (*rng.pick(origin.last)).to_owned();
    let year = today.year();
    let mut members = Vec::new();
    let two_adults = match size {
        1 => false,
        2 => rng.chance(0.55),
        _ => rng.chance(0.85),
    };
    let first_female = rng.chance(if size == 2 && !two_adults { 0.8 } else { 0.4 });
    let age1 = rng.range_i64(
        if size == 1 { 19 } else { 24 },
        if size == 1 { 62 } else { 48 },
    ) as i32;
    members.push(Member {
        first_name: (*rng.pick(if first_female {
            origin.female
        } else {
            origin.male
        }))
        .to_owned(),
        last_name: Some(last_name.clone()),
        birth_year: year - age1,
        role: MemberRole::Applicant,
    });
    if two_adults {
        members.push(Member {
            first_name: (*rng.pick(if first_female {
                origin.male
            } else {
                origin.female
            }))
            .to_owned(),
            last_name: Some(last_name.clone()),
            birth_year: year - (age1 + rng.range_i64(-5, 5) as i32).max(19),
            role: MemberRole::Partner,
        });
    }
    while members.len() < size {
        let relative = size >= 5 && members.len() == size - 1 && rng.chance(0.2);
        let (age, role) = if relative {
            (rng.range_i64(55, 75) as i32, MemberRole::Relative)
        } else {
            (
                rng.range_i64(0, (age1 - 18).clamp(1, 21) as i64) as i32,
                MemberRole::Child,
            )
        };
        let names = if rng.chance(0.5) {
            origin.female
        } else {
            origin.male
        };
        members.push(Member {
            first_name: (*rng.pick(names)).to_owned(),
            last_name: Some(last_name.clone()),
            birth_year: year - age,
            role,
        });
    }
    let child_ages: Vec<i32> = members
        .iter()
        .filter(|m| m.role == MemberRole::Child)
        .map(|m| year - m.birth_year)
        .collect();

    let residence_status = if origin.ukrainian {
        ResidenceStatus::Other
    } else {
        match rng.weighted(&[0.7, 0.2, 0.1]) {
            0 => ResidenceStatus::Anerkannt,
            1 => ResidenceStatus::Gestattet,
            _ => ResidenceStatus::Geduldet,
        }
    };
    let days_in_follow_up = rng.range_i64(60, 1500);
    let in_follow_up_since = today - Duration::days(days_in_follow_up);
    let obligation_end = in_follow_up_since + Duration::days(3 * 365);
    let obligation =
        if obligation_end > today && rng.chance(if origin.ukrainian { 0.3 } else { 0.55 }) {
            if rng.chance(0.6) {
                Obligation::Town
            } else {
                Obligation::District
            }
        } else {
            Obligation::None
        };
    let work_situation = match rng.weighted(&[0.30, 0.10, 0.35, 0.15, 0.10]) {
        0 => WorkSituation::Employed,
        1 => WorkSituation::InTraining,
        2 => WorkSituation::LanguageCourse,
        3 => WorkSituation::Seeking,
        _ => WorkSituation::NotAbleToWork,
    };
    let benefit_type = match work_situation {
        WorkSituation::Employed if rng.chance(0.5) => BenefitType::None,
        _ if residence_status == ResidenceStatus::Gestattet => BenefitType::Asylblg,
        WorkSituation::NotAbleToWork if rng.chance(0.4) => BenefitType::Sgb12,
        _ => BenefitType::Sgb2,
    };
    let mut languages: Vec<String> = origin.languages.iter().map(|l| (*l).to_owned()).collect();
    if rng.chance(0.45) {
        languages.push("de".into());
    }
    if !languages.iter().any(|l| l == "en") && rng.chance(0.25) {
        languages.push("en".into());
    }
    // Letters in the language the household reads best: its first language when Bleibe
    // writes it, else English for those who read English but no German, else German.
    let preferred_language = languages
        .first()
        .and_then(|l| l.parse::<Language>().ok())
        .unwrap_or(
            if languages.iter().any(|l| l == "en") && !languages.iter().any(|l| l == "de") {
                Language::En
            } else {
                Language::De
            },
        );

    let mut anchors = Vec::new();
    if matches!(
        work_situation,
        WorkSituation::Employed | WorkSituation::InTraining
    ) {
        let (label, importance) = if work_situation == WorkSituation::Employed {
            (
                *rng.pick(&[
                    "Arbeit: Logistikzentrum",
                    "Arbeit: Pflegeheim",
                    "Arbeit: Bäckerei",
                    "Arbeit: Metallbau",
                    "Arbeit: Reinigungsfirma",
                    "Arbeit: Supermarkt",
                ]),
                0.9,
            )
        } else {
            (
                *rng.pick(&[
                    "Ausbildung: Kfz-Werkstatt",
                    "Ausbildung: Pflegeschule",
                    "Ausbildung: Elektrobetrieb",
                ]),
                0.85,
            )
        };
        anchors.push(Anchor {
            kind: AnchorKind::Work,
            label: label.into(),
            street: None,
            // A postal code, so the household's form can be saved as it is.
            postal_code: town.postal_codes.first().map(|p| (*p).to_owned()),
            town: None,
            location: near(rng, town.lat, town.lon, 0.5, 9.0),
            importance,
        });
    }
    if child_ages.iter().any(|a| (6..18).contains(a)) {
        anchors.push(Anchor {
            kind: AnchorKind::School,
            label: (*rng.pick(&[
                "Grundschule",
                "Gemeinschaftsschule",
                "Realschule",
                "Gymnasium",
            ]))
            .into(),
            street: None,
            // A postal code, so the household's form can be saved as it is.
            postal_code: town.postal_codes.first().map(|p| (*p).to_owned()),
            town: Some(town.name.into()),
            location: near(rng, town.lat, town.lon, 0.2, 2.5),
            importance: 0.8,
        });
    }
    if child_ages.iter().any(|a| (1..6).contains(a)) {
        anchors.push(Anchor {
            kind: AnchorKind::Kindergarten,
            label: "Kindergarten".into(),
            street: None,
            // A postal code, so the household's form can be saved as it is.
            postal_code: town.postal_codes.first().map(|p| (*p).to_owned()),
            town: Some(town.name.into()),
            location: near(rng, town.lat, town.lon, 0.2, 2.0),
            importance: 0.7,
        });
    }
    if work_situation == WorkSituation::LanguageCourse {
        anchors.push(Anchor {
            kind: AnchorKind::Course,
            label: "Integrationskurs (Volkshochschule)".into(),
            street: None,
            // A postal code, so the household's form can be saved as it is.
            postal_code: town.postal_codes.first().map(|p| (*p).to_owned()),
            town: Some(town.name.into()),
            location: near(rng, town.lat, town.lon, 0.1, 1.5),
            importance: 0.6,
        });
    }
    if rng.chance(0.2) {
        anchors.push(Anchor {
            kind: AnchorKind::Doctor,
            label: "Hausarztpraxis".into(),
            street: None,
            // A postal code, so the household's form can be saved as it is.
            postal_code: town.postal_codes.first().map(|p| (*p).to_owned()),
            town: Some(town.name.into()),
            location: near(rng, town.lat, town.lon, 0.1, 3.0),
            importance: 0.4,
        });
    }

    let urgency = rng.weighted(&[0.5, 0.25, 0.15, 0.10]) as u8;
    let email = rng.chance(0.45).then(|| {
        format!(
            "{}.{}@example.org",
            ascii(&members[0].first_name),
            ascii(&last_name)
        )
    });
    let status = match rng.weighted(&[0.92, 0.05, 0.03]) {
        0 => HouseholdStatus::Active,
        1 => HouseholdStatus::Paused,
        _ => HouseholdStatus::Closed,
    };
    let ages: Vec<i32> = members.iter().map(|m| year - m.birth_year).collect();
    let landlord_text = landlord_text(&ages, work_situation, &languages);
    let profile = HouseholdProfile {
        reference: format!(
            "{}-{}-{:03}",
            town.short,
            in_follow_up_since.year(),
            index + 1
        ),
        members,
        residence_status,
        residence_obligation: !matches!(obligation, Obligation::None),
        residence_obligation_until: (!matches!(obligation, Obligation::None))
            .then_some(obligation_end),
        benefit_type: Some(benefit_type),
        work_situation: Some(work_situation),
        wheelchair: rng.chance(0.02),
        max_floor_without_lift: rng.chance(0.06).then(|| rng.range_i64(0, 1) as i32),
        rooms_wanted: None,
        pets: rng.chance(0.05),
        max_distance_km: rng.chance(0.25).then(|| rng.range_i64(8, 25) as f64),
        latest_move_date: rng
            .chance(0.35)
            .then(|| today + Duration::days(rng.range_i64(30, 365))),
        follow_up_site: Some(format!(
            "Anschlussunterbringung {} {}",
            rng.pick(STREETS),
            rng.range_i64(1, 60)
        )),
        in_follow_up_since: Some(in_follow_up_since),
        urgency,
        urgency_reason: (urgency > 0).then(|| (*rng.pick(URGENCY_REASONS)).to_owned()),
        languages,
        preferred_language,
        email,
        phone: None,
        caseworker_name: Some(town.coordinator.0.into()),
        caseworker_email: Some(town.coordinator.1.into()),
        caseworker_phone: None,
        landlord_text: Some(landlord_text),
        anchors,
        notes: None,
    };
    let consent_days = rng.chance(0.92).then(|| (days_in_follow_up - 20).max(1));
    GeneratedHousehold {
        profile,
        status,
        obligation,
        consent_days,
    }
}

pub(super) fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ä' => 'a',
            'ö' | 'ø' => 'o',
            'ü' => 'u',
            'ş' => 's',
            'ç' => 'c',
            'ı' => 'i',
            'é' => 'e',
            _ => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase()
}

/// "zwei", "drei", … for small counts in running text, else the figure.
pub(super) fn number_word(n: usize) -> String {
    [
        "null", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht",
    ]
    .get(n)
    .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// Ages in running text: "4 Jahre", "unter 1 Jahr", "1, 4 und 9 Jahre".
pub(super) fn ages_text(ages: &[i32]) -> String {
    let words: Vec<String> = ages
        .iter()
        .map(|a| match a {
            0 => "unter 1".to_owned(),
            a => a.to_string(),
        })
        .collect();
    let unit = match ages {
        [0] => "Jahr",
        [1] => "Jahr",
        _ => "Jahre",
    };
    match words.split_last() {
        Some((last, [])) => format!("{last} {unit}"),
        Some((last, rest)) => format!("{} und {last} {unit}", rest.join(", ")),
        None => String::new(),
    }
}

/// What landlords read about a demo household: who lives together (adults and children
/// counted by age, never by role), how the rent is paid, how to talk; varied, and without
/// health, origin, religion or anything else a landlord must not learn or decide on.
pub(super) fn landlord_text(ages: &[i32], work: WorkSituation, languages: &[String]) -> String {
    let adults = ages.iter().filter(|a| **a >= 18).count();
    let mut minors: Vec<i32> = ages.iter().copied().filter(|a| *a < 18).collect();
    minors.sort_unstable();
    let grown = match adults {
        1 => "eine erwachsene Person".to_owned(),
        n => format!("{} Erwachsene", number_word(n)),
    };
    let who = match (adults, minors.len()) {
        (1, 0) => "Eine Person sucht".to_owned(),
        (_, 0) => format!("{} suchen", capitalise(&grown)),
        (_, 1) => format!(
            "Eine Familie ({grown} und ein Kind, {}) sucht",
            ages_text(&minors)
        ),
        (_, n) => format!(
            "Eine Familie ({grown} und {} Kinder, {}) sucht",
            number_word(n),
            ages_text(&minors)
        ),
    };
    // Varied by the household itself, so the demo stays the same from run to run.
    let wish = [
        "ein dauerhaftes Zuhause.",
        "eine Wohnung, in der sie lange bleiben kann.",
        "eine Wohnung in der Gemeinde, in der sie schon lebt.",
        "ein Zuhause mit guter Nachbarschaft.",
    ][ages.iter().map(|a| *a as usize).sum::<usize>() % 4];
    let wish = if adults > 1 && minors.is_empty() {
        wish.replace("sie lange bleiben kann", "sie lange bleiben können")
            .replace("sie schon lebt", "sie schon leben")
    } else {
        wish.to_owned()
    };
    let work_text = match work {
        WorkSituation::Employed => "Eine Person im Haushalt hat eine feste Arbeitsstelle.",
        WorkSituation::InTraining => "Eine Person im Haushalt macht eine Ausbildung.",
        WorkSituation::LanguageCourse => "Die Erwachsenen lernen Deutsch im Integrationskurs.",
        WorkSituation::Seeking => {
            "Eine Person im Haushalt sucht Arbeit. Die Miete übernimmt bis dahin das Jobcenter."
        }
        WorkSituation::NotAbleToWork => {
            "Die Miete übernimmt das Jobcenter oder das Sozialamt, auf Wunsch direkt an Sie."
        }
    };
    let german = if languages.iter().any(|l| l == "de") {
        " Verständigung auf Deutsch ist möglich."
    } else {
        " Bei Gesprächen hilft die Integrationsmanagerin."
    };
    format!("{who} {wish} {work_text}{german}")
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

pub(super) fn demo_unit(
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
    let lease_type = if rng.chance(0.85) {
        LeaseType::OpenEnded
    } else {
        LeaseType::FixedTerm
    };
    let available_from = today + Duration::days(rng.range_i64(-30, 120));
    let lease_end = (lease_type == LeaseType::FixedTerm)
        .then(|| available_from + Duration::days(rng.range_i64(2, 5) * 365));
    let mut preferences = Vec::new();
    if rng.chance(0.4) {
        let options = [
            LandlordPreference::Families,
            LandlordPreference::Couples,
            LandlordPreference::Singles,
            LandlordPreference::Employed,
            LandlordPreference::SpeaksGerman,
        ];
        preferences.push(*rng.pick(&options));
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
    let status = match rng.weighted(&[0.75, 0.08, 0.12, 0.05]) {
        0 => UnitStatus::Available,
        1 => UnitStatus::Checked,
        2 => UnitStatus::Submitted,
        _ => UnitStatus::Let,
    };
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
    let description = format!(
        "Helle {}-Zimmer-Wohnung {floor_text}, {}, {}. Ruhige Lage, Einkauf und Bus in der Nähe.",
        rooms_f.to_string().replace('.', ","),
        rng.pick(&extras),
        rng.pick(&extras)
    );
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
