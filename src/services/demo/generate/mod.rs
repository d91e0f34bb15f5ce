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

mod units;
pub(super) use units::demo_unit;

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
    let members = demo_members(rng, origin, size, &last_name, year);

    let residence = demo_residence(rng, origin, today);
    let (work_situation, benefit_type) = demo_work(rng, residence.status);
    let (languages, preferred_language) = demo_languages(rng, origin);

    let anchors = demo_anchors(rng, town, work_situation, &members, year);

    let urgency = rng.weighted(&[0.5, 0.25, 0.15, 0.10]) as u8;
    let email = rng
        .chance(0.45)
        .then(|| demo_email(&members[0].first_name, &last_name));
    let status = [
        HouseholdStatus::Active,
        HouseholdStatus::Paused,
        HouseholdStatus::Closed,
    ][rng.weighted(&[0.92, 0.05, 0.03])];
    let ages: Vec<i32> = members.iter().map(|m| year - m.birth_year).collect();
    let landlord_text = landlord_text(&ages, work_situation, &languages);
    let profile = HouseholdProfile {
        reference: format!(
            "{}-{}-{:03}",
            town.short,
            residence.in_follow_up_since.year(),
            index + 1
        ),
        members,
        residence_status: residence.status,
        residence_obligation: !matches!(residence.obligation, Obligation::None),
        residence_obligation_until: (!matches!(residence.obligation, Obligation::None))
            .then_some(residence.obligation_end),
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
        in_follow_up_since: Some(residence.in_follow_up_since),
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
    let consent_days = rng
        .chance(0.92)
        .then(|| (residence.days_in_follow_up - 20).max(1));
    GeneratedHousehold {
        profile,
        status,
        obligation: residence.obligation,
        consent_days,
    }
}

/// Where a household stands in the law and in follow-up housing.
struct Residence {
    status: ResidenceStatus,
    days_in_follow_up: i64,
    in_follow_up_since: NaiveDate,
    /// Whether it must live in its town or district, and until when.
    obligation: Obligation,
    obligation_end: NaiveDate,
}

/// A household's residence status, how long it has lived in follow-up housing and the
/// obligation to live in its town or district (three years from then; fewer Ukrainians
/// have one).
fn demo_residence(rng: &mut SplitMix64, origin: &Origin, today: NaiveDate) -> Residence {
    let status = if origin.ukrainian {
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
    Residence {
        status,
        days_in_follow_up,
        in_follow_up_since,
        obligation,
        obligation_end,
    }
}

/// A household's work situation and the benefits that follow from it and its status.
fn demo_work(
    rng: &mut SplitMix64,
    residence_status: ResidenceStatus,
) -> (WorkSituation, BenefitType) {
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
    (work_situation, benefit_type)
}

/// A household's e-mail address (invented, at example.org).
fn demo_email(first_name: &str, last_name: &str) -> String {
    format!("{}.{}@example.org", ascii(first_name), ascii(last_name))
}

/// The members of a household of `size` persons: the applicant, often a partner, then
/// children (now and then a grandparent in a large family), all named after `last_name`.
fn demo_members(
    rng: &mut SplitMix64,
    origin: &Origin,
    size: usize,
    last_name: &str,
    year: i32,
) -> Vec<Member> {
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
        last_name: Some(last_name.to_owned()),
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
            last_name: Some(last_name.to_owned()),
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
            last_name: Some(last_name.to_owned()),
            birth_year: year - age,
            role,
        });
    }
    members
}

/// The languages a household speaks (German and English now and then besides its own), and
/// the one its letters are in: its first language when Bleibe writes it, else English for
/// those who read English but no German, else German.
fn demo_languages(rng: &mut SplitMix64, origin: &Origin) -> (Vec<String>, Language) {
    let mut languages: Vec<String> = origin.languages.iter().map(|l| (*l).to_owned()).collect();
    if rng.chance(0.45) {
        languages.push("de".into());
    }
    if !languages.iter().any(|l| l == "en") && rng.chance(0.25) {
        languages.push("en".into());
    }
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

    (languages, preferred_language)
}

/// A town's first postal code, so a household's form with this anchor can be saved as it is.
fn first_postal_code(town: &Town<'_>) -> Option<String> {
    town.postal_codes.first().map(|p| (*p).to_owned())
}

/// What ties a household to a place: work or training, school, kindergarten, a language
/// course, now and then a doctor.
fn demo_anchors(
    rng: &mut SplitMix64,
    town: &Town<'_>,
    work_situation: WorkSituation,
    members: &[Member],
    year: i32,
) -> Vec<Anchor> {
    let child_ages: Vec<i32> = members
        .iter()
        .filter(|m| m.role == MemberRole::Child)
        .map(|m| year - m.birth_year)
        .collect();
    let mut anchors = Vec::new();
    let work: Option<(&[&str], f64)> = match work_situation {
        WorkSituation::Employed => Some((
            &[
                "Arbeit: Logistikzentrum",
                "Arbeit: Pflegeheim",
                "Arbeit: Bäckerei",
                "Arbeit: Metallbau",
                "Arbeit: Reinigungsfirma",
                "Arbeit: Supermarkt",
            ],
            0.9,
        )),
        WorkSituation::InTraining => Some((
            &[
                "Ausbildung: Kfz-Werkstatt",
                "Ausbildung: Pflegeschule",
                "Ausbildung: Elektrobetrieb",
            ],
            0.85,
        )),
        _ => None,
    };
    if let Some((labels, importance)) = work {
        let work = (AnchorKind::Work, *rng.pick(labels));
        anchors.push(town_anchor(rng, town, work, false, (0.5, 9.0), importance));
    }
    if child_ages.iter().any(|a| (6..18).contains(a)) {
        let label = *rng.pick(&[
            "Grundschule",
            "Gemeinschaftsschule",
            "Realschule",
            "Gymnasium",
        ]);
        let kind = AnchorKind::School;
        anchors.push(town_anchor(rng, town, (kind, label), true, (0.2, 2.5), 0.8));
    }
    if child_ages.iter().any(|a| (1..6).contains(a)) {
        let kindergarten = (AnchorKind::Kindergarten, "Kindergarten");
        anchors.push(town_anchor(rng, town, kindergarten, true, (0.2, 2.0), 0.7));
    }
    if work_situation == WorkSituation::LanguageCourse {
        let course = (AnchorKind::Course, "Integrationskurs (Volkshochschule)");
        anchors.push(town_anchor(rng, town, course, true, (0.1, 1.5), 0.6));
    }
    if rng.chance(0.2) {
        let doctor = (AnchorKind::Doctor, "Hausarztpraxis");
        anchors.push(town_anchor(rng, town, doctor, true, (0.1, 3.0), 0.4));
    }
    anchors
}

/// An anchor of a household of `town`, `km` (from, to) from its centre, named with the
/// town when it is in it (work and training often are not).
fn town_anchor(
    rng: &mut SplitMix64,
    town: &Town<'_>,
    (kind, label): (AnchorKind, &str),
    in_town: bool,
    (min_km, max_km): (f64, f64),
    importance: f64,
) -> Anchor {
    Anchor {
        kind,
        label: label.into(),
        street: None,
        postal_code: first_postal_code(town),
        town: in_town.then(|| town.name.into()),
        location: near(rng, town.lat, town.lon, min_km, max_km),
        importance,
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
