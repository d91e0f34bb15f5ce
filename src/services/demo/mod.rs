//! Demo data: five real municipalities of Baden-Württemberg with their real official keys
//! and centres, example rule tables (clearly marked as examples), incentive programmes,
//! about 200 households and 80 units, landlords, one admin, one coordinator per
//! municipality and a volunteer. Generated from a fixed seed, so every demo looks the same
//! apart from dates, which follow today.

use chrono::Duration;
use sea_orm::TransactionTrait;

use crate::app::App;
use crate::domain::criteria::Weights;
use crate::domain::geo::GeoPoint;
use crate::domain::incentive::IncentiveKind;
use crate::domain::norms::{AreaNorms, RentCapTable, RuleSet};
use crate::domain::roles::Role;
use crate::domain::{Cents, Locale};
use crate::services::auth::hash_password;
use crate::store::households::Consent;
use crate::store::incentives::NewProgramme;
use crate::store::landlords::NewLandlord;
use crate::store::municipalities::NewMunicipality;
use crate::store::users::NewUser;
use crate::store::{households, incentives, landlords, municipalities, units, users};
use crate::util::SplitMix64;

pub mod district;
mod generate;

use generate::*;

/// A login the demo created, printed for the person trying Bleibe.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
    pub scope: String,
}

/// A demo municipality: real key, name, district and centre (from `assets/geo`), example
/// rent caps for 1–5 persons plus the amount per further person, in euros.
struct Town<'a> {
    ags: &'a str,
    name: &'a str,
    short: &'a str,
    district: &'a str,
    lat: f64,
    lon: f64,
    postal_codes: &'a [&'a str],
    caps: [i64; 5],
    extra: i64,
    rent_per_m2: f64,
    households: usize,
    units: usize,
    coordinator: (&'a str, &'a str),
}

const TOWNS: &[Town<'static>] = &[
    Town {
        ags: "08116019",
        name: "Esslingen am Neckar",
        short: "ES",
        district: "Landkreis Esslingen",
        lat: 48.73961,
        lon: 9.30473,
        postal_codes: &["73728", "73730", "73732", "73733", "73734"],
        caps: [560, 680, 810, 940, 1070],
        extra: 130,
        rent_per_m2: 9.6,
        households: 60,
        units: 24,
        coordinator: ("Murat Demir", "koordination.esslingen@bleibe.example"),
    },
    Town {
        ags: "08117026",
        name: "Göppingen",
        short: "GP",
        district: "Landkreis Göppingen",
        lat: 48.70354,
        lon: 9.65209,
        postal_codes: &["73033", "73035", "73037"],
        caps: [480, 590, 700, 815, 930],
        extra: 115,
        rent_per_m2: 8.2,
        households: 50,
        units: 20,
        coordinator: ("Julia Brenner", "koordination.goeppingen@bleibe.example"),
    },
    Town {
        ags: "08116033",
        name: "Kirchheim unter Teck",
        short: "KI",
        district: "Landkreis Esslingen",
        lat: 48.64683,
        lon: 9.45378,
        postal_codes: &["73230"],
        caps: [530, 640, 760, 885, 1005],
        extra: 120,
        rent_per_m2: 8.9,
        households: 35,
        units: 13,
        coordinator: ("Anna Vogt", "koordination.kirchheim@bleibe.example"),
    },
    Town {
        ags: "08119085",
        name: "Winnenden",
        short: "WN",
        district: "Rems-Murr-Kreis",
        lat: 48.87563,
        lon: 9.39819,
        postal_codes: &["71364"],
        caps: [520, 630, 750, 870, 990],
        extra: 120,
        rent_per_m2: 9.0,
        households: 30,
        units: 12,
        coordinator: ("Sven Kohler", "koordination.winnenden@bleibe.example"),
    },
    Town {
        ags: "08116056",
        name: "Plochingen",
        short: "PL",
        district: "Landkreis Esslingen",
        lat: 48.71067,
        lon: 9.41949,
        postal_codes: &["73207"],
        caps: [540, 650, 775, 900, 1025],
        extra: 125,
        rent_per_m2: 9.2,
        households: 25,
        units: 11,
        coordinator: ("Lea Hartmann", "koordination.plochingen@bleibe.example"),
    },
];

const ADMIN_PASSWORD: &str = "Bleibe-Admin-2026";
const COORDINATOR_PASSWORD: &str = "Bleibe-Koordination-2026";
const LANDLORD_PASSWORD: &str = "Bleibe-Vermietung-2026";
const VOLUNTEER_PASSWORD: &str = "Bleibe-Lotse-2026";

/// Landlords: name, kind, e-mail, whether they have an account.
const LANDLORDS: &[(&str, &str, &str, bool)] = &[
    ("Renate Maier", "private", "renate.maier@example.org", true),
    (
        "Wohnbau Neckar eG",
        "cooperative",
        "vermietung@wohnbau-neckar.example",
        true,
    ),
    (
        "Klaus Schäfer",
        "private",
        "klaus.schaefer@example.org",
        true,
    ),
    (
        "Hausverwaltung Fischer GmbH",
        "company",
        "info@hv-fischer.example",
        true,
    ),
    (
        "Hatice Yılmaz",
        "private",
        "hatice.yilmaz@example.org",
        false,
    ),
    (
        "Ev. Kirchengemeinde Plochingen",
        "public",
        "pfarramt@kirche-plochingen.example",
        false,
    ),
    (
        "Gerhard und Ute Wolf",
        "private",
        "familie.wolf@example.org",
        false,
    ),
    (
        "Baugenossenschaft Filstal eG",
        "cooperative",
        "wohnen@bg-filstal.example",
        false,
    ),
    ("Ingrid Bauer", "private", "ingrid.bauer@example.org", false),
    ("Thomas Keller", "private", "t.keller@example.org", false),
    (
        "Sabine Hoffmann",
        "private",
        "sabine.hoffmann@example.org",
        false,
    ),
    ("Jürgen Weber", "private", "j.weber@example.org", false),
];

const STREETS: &[&str] = &[
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Kirchstraße",
    "Lindenstraße",
    "Goethestraße",
    "Schillerstraße",
    "Wilhelmstraße",
    "Uhlandstraße",
    "Mörikestraße",
    "Neckarstraße",
    "Ringstraße",
    "Talstraße",
    "Bergstraße",
    "Mühlstraße",
    "Rosenstraße",
    "Karlstraße",
    "Hölderlinweg",
    "Eichendorffstraße",
];

/// Origins: weight, first names (f/m), last names, languages.
struct Origin {
    weight: f64,
    female: &'static [&'static str],
    male: &'static [&'static str],
    last: &'static [&'static str],
    languages: &'static [&'static str],
    ukrainian: bool,
}

const ORIGINS: &[Origin] = &[
    Origin {
        weight: 0.30,
        female: &[
            "Fatima", "Aisha", "Layla", "Rania", "Noor", "Huda", "Mariam", "Salma",
        ],
        male: &[
            "Ahmad", "Mohammad", "Omar", "Yusuf", "Khaled", "Samir", "Bilal", "Hassan",
        ],
        last: &[
            "Al-Hassan",
            "Haddad",
            "Khalil",
            "Mansour",
            "Darwish",
            "Sabbagh",
            "Nasser",
        ],
        languages: &["ar"],
        ukrainian: false,
    },
    Origin {
        weight: 0.22,
        female: &[
            "Zahra", "Mariam", "Hasina", "Shabnam", "Parwana", "Nilofar", "Sima",
        ],
        male: &[
            "Hamid", "Farid", "Ali", "Karim", "Rahim", "Jawad", "Mustafa", "Naweed",
        ],
        last: &[
            "Ahmadi", "Rahimi", "Hakimi", "Sultani", "Noori", "Karimi", "Haidari",
        ],
        languages: &["fa"],
        ukrainian: false,
    },
    Origin {
        weight: 0.18,
        female: &[
            "Olena", "Oksana", "Iryna", "Natalia", "Yulia", "Tetiana", "Kateryna",
        ],
        male: &[
            "Andriy",
            "Dmytro",
            "Serhiy",
            "Oleksandr",
            "Mykola",
            "Vitalii",
            "Yurii",
        ],
        last: &[
            "Kovalenko",
            "Shevchenko",
            "Bondarenko",
            "Tkachenko",
            "Melnyk",
            "Kravets",
        ],
        languages: &["uk", "ru"],
        ukrainian: true,
    },
    Origin {
        weight: 0.08,
        female: &["Shirin", "Nesrin", "Dilan", "Leyla", "Rojin"],
        male: &["Ahmed", "Kawa", "Dilshad", "Haval", "Sardar"],
        last: &["Hussein", "Qasim", "Barzani", "Rashid", "Jaf"],
        languages: &["ar", "ku"],
        ukrainian: false,
    },
    Origin {
        weight: 0.07,
        female: &["Senait", "Helen", "Selam", "Saba", "Winta"],
        male: &["Tesfay", "Yonas", "Mehari", "Dawit", "Filmon"],
        last: &["Tesfamariam", "Habte", "Ghebremedhin", "Kidane", "Berhane"],
        languages: &["ti"],
        ukrainian: false,
    },
    Origin {
        weight: 0.06,
        female: &["Zeynep", "Ayşe", "Rojda", "Elif", "Berfin"],
        male: &["Mehmet", "Emre", "Baran", "Serhat", "Deniz"],
        last: &["Yıldız", "Demir", "Kaya", "Aydın", "Çelik"],
        languages: &["tr", "ku"],
        ukrainian: false,
    },
    Origin {
        weight: 0.05,
        female: &["Nino", "Tamar", "Mariam", "Ketevan"],
        male: &["Giorgi", "Levan", "Davit", "Nikoloz"],
        last: &["Beridze", "Kapanadze", "Gelashvili", "Lomidze"],
        languages: &["ka", "ru"],
        ukrainian: false,
    },
    Origin {
        weight: 0.04,
        female: &["Ngozi", "Blessing", "Chioma", "Adaeze"],
        male: &["Chinedu", "Emeka", "Tunde", "Ifeanyi"],
        last: &["Okafor", "Adeyemi", "Eze", "Nwosu"],
        languages: &["en"],
        ukrainian: false,
    },
];

const URGENCY_REASONS: &[&str] = &[
    "Die Unterkunft wird zum Jahresende geschlossen.",
    "Zu wenig Platz: fünf Personen in zwei Zimmern.",
    "Das Kind kommt im Herbst in die Schule; die Schule liegt weit von der Unterkunft.",
    "Familiennachzug ist genehmigt; die Familie kommt bald.",
    "Konflikte in der Gemeinschaftsunterkunft.",
];

/// Fills the database with the demo data in one transaction and returns the logins.
pub async fn seed(app: &App) -> anyhow::Result<Vec<DemoLogin>> {
    let now = app.clock.now();
    let today = app.clock.today();
    let mut rng = SplitMix64::new(20_261_121);

    // Hashing is deliberately slow, so it happens before the transaction opens.
    let admin_hash = hash_password(ADMIN_PASSWORD)?;
    let coordinator_hash = hash_password(COORDINATOR_PASSWORD)?;
    let landlord_hash = hash_password(LANDLORD_PASSWORD)?;
    let volunteer_hash = hash_password(VOLUNTEER_PASSWORD)?;

    let txn = app.db.begin().await?;
    let mut logins = Vec::new();

    let admin_id = users::insert(
        &txn,
        &NewUser {
            email: "admin@bleibe.example".into(),
            display_name: "Bleibe Administration".into(),
            role: Role::Admin,
            locale: Locale::De,
            password_hash: Some(admin_hash),
            email_confirmed: true,
        },
        now,
    )
    .await?;
    logins.push(DemoLogin {
        role: Role::Admin,
        email: "admin@bleibe.example".into(),
        password: ADMIN_PASSWORD.into(),
        scope: "alle Kommunen / all municipalities".into(),
    });

    let mut town_ids = Vec::new();
    let mut coordinator_ids = Vec::new();
    for town in TOWNS {
        let center = GeoPoint::new(town.lat, town.lon)
            .ok_or_else(|| anyhow::anyhow!("bad demo coordinates for {}", town.name))?;
        let id = municipalities::insert(
            &txn,
            &NewMunicipality {
                ags: town.ags.into(),
                name: town.name.into(),
                district: town.district.into(),
                state: "Baden-Württemberg".into(),
                center,
            },
            now,
        )
        .await?;
        // The housing office's mailbox and phone (invented): every letter names whom to ask.
        municipalities::set_contact(
            &txn,
            id,
            Some(format!(
                "wohnen.{}@bleibe.example",
                town.short.to_lowercase()
            )),
            Some(format!("0711 9876-{}", 10 + coordinator_ids.len())),
            now,
        )
        .await?;
        municipalities::insert_rule_set(&txn, id, &demo_rules(town)?, Some(admin_id), None, now)
            .await?;
        for programme in programmes(town) {
            incentives::insert_programme(&txn, id, &programme, now).await?;
        }
        let coordinator_id = users::insert(
            &txn,
            &NewUser {
                email: town.coordinator.1.into(),
                display_name: town.coordinator.0.into(),
                role: Role::Coordinator,
                locale: Locale::De,
                password_hash: Some(coordinator_hash.clone()),
                email_confirmed: true,
            },
            now,
        )
        .await?;
        users::grant_municipality(&txn, coordinator_id, id, now).await?;
        logins.push(DemoLogin {
            role: Role::Coordinator,
            email: town.coordinator.1.into(),
            password: COORDINATOR_PASSWORD.into(),
            scope: town.name.into(),
        });
        town_ids.push(id);
        coordinator_ids.push(coordinator_id);
    }

    let volunteer_id = users::insert(
        &txn,
        &NewUser {
            email: "lotsin@bleibe.example".into(),
            display_name: "Helga Sommer (Wohnungslotsin)".into(),
            role: Role::Volunteer,
            locale: Locale::De,
            password_hash: Some(volunteer_hash),
            email_confirmed: true,
        },
        now,
    )
    .await?;
    for (town, id) in TOWNS.iter().zip(&town_ids) {
        if town.district == "Landkreis Esslingen" {
            users::grant_municipality(&txn, volunteer_id, *id, now).await?;
        }
    }
    logins.push(DemoLogin {
        role: Role::Volunteer,
        email: "lotsin@bleibe.example".into(),
        password: VOLUNTEER_PASSWORD.into(),
        scope: "Landkreis Esslingen".into(),
    });

    let mut landlord_ids = Vec::new();
    for (name, kind, email, has_account) in LANDLORDS {
        let user_id = if *has_account {
            let id = users::insert(
                &txn,
                &NewUser {
                    email: (*email).into(),
                    display_name: (*name).into(),
                    role: Role::Landlord,
                    locale: Locale::De,
                    password_hash: Some(landlord_hash.clone()),
                    email_confirmed: true,
                },
                now,
            )
            .await?;
            logins.push(DemoLogin {
                role: Role::Landlord,
                email: (*email).into(),
                password: LANDLORD_PASSWORD.into(),
                scope: (*name).into(),
            });
            Some(id)
        } else {
            None
        };
        let id = landlords::insert(
            &txn,
            &NewLandlord {
                user_id,
                kind: (*kind).into(),
                display_name: (*name).into(),
                contact_email: Some((*email).into()),
                phone: None,
                locale: Locale::De,
                created_by: Some(admin_id),
            },
            now,
        )
        .await?;
        landlord_ids.push(id);
    }

    for (t, town) in TOWNS.iter().enumerate() {
        let town_id = town_ids[t];
        let district_ids: Vec<i64> = TOWNS
            .iter()
            .zip(&town_ids)
            .filter(|(other, _)| other.district == town.district)
            .map(|(_, id)| *id)
            .collect();
        for i in 0..town.households {
            let generated = demo_household(&mut rng, town, i, today);
            let allowed = match generated.obligation {
                Obligation::None => Vec::new(),
                Obligation::Town => vec![town_id],
                Obligation::District => district_ids.clone(),
            };
            let consent = generated.consent_days.map(|days| Consent {
                at: at_noon(today - Duration::days(days)),
                scope: "matching,email,share_profile".into(),
                recorded_by: Some(coordinator_ids[t]),
            });
            households::insert(
                &txn,
                town_id,
                generated.status,
                &generated.profile,
                &allowed,
                consent.as_ref(),
                Some(coordinator_ids[t]),
                now,
            )
            .await?;
        }
        // Programmes are made active; the town's, in the order they were made.
        let programme_ids: Vec<i64> = crate::store::incentives::programmes_of(&txn, town_id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        for _ in 0..town.units {
            let landlord = landlord_ids[rng.weighted(&landlord_weights(t))];
            let (status, details) = demo_unit(&mut rng, town, today);
            let unit_id =
                units::insert(&txn, landlord, town_id, status, &details, None, now).await?;
            if rng.chance(0.5) && !programme_ids.is_empty() {
                let first = rng.range_i64(0, programme_ids.len() as i64 - 1) as usize;
                incentives::request(&txn, unit_id, programme_ids[first], None, now).await?;
                let second = (first + 1 + rng.range_i64(0, 2) as usize) % programme_ids.len();
                if rng.chance(0.4) && second != first {
                    incentives::request(&txn, unit_id, programme_ids[second], None, now).await?;
                }
            }
        }
    }

    txn.commit().await?;
    tracing::info!(
        municipalities = TOWNS.len(),
        households = TOWNS.iter().map(|t| t.households).sum::<usize>(),
        units = TOWNS.iter().map(|t| t.units).sum::<usize>(),
        "demo data added"
    );
    app.cache.forget_municipalities();
    Ok(logins)
}

/// The logins as a short text for the terminal, German first.
pub fn describe_logins(logins: &[DemoLogin]) -> String {
    let mut out = String::from(
        "Demo-Daten angelegt / demo data created.\n\
         Anmeldungen / logins (nur für die Demo / demo only):\n",
    );
    for login in logins {
        out.push_str(&format!(
            "  {:<12} {:<44} {:<26} {}\n",
            login.role.as_str(),
            login.email,
            login.password,
            login.scope
        ));
    }
    out.push_str(
        "Mietobergrenzen und Förderbeträge sind Beispielwerte. / Rent caps and incentive amounts are examples.\n",
    );
    out
}

fn demo_rules(town: &Town<'_>) -> anyhow::Result<RuleSet> {
    let rows = town
        .caps
        .iter()
        .enumerate()
        .map(|(i, euros)| (i as u32 + 1, Cents::euros(*euros)))
        .collect();
    Ok(RuleSet {
        rent_caps: RentCapTable::new(rows, Cents::euros(town.extra)).map_err(anyhow::Error::msg)?,
        area_norms: AreaNorms::default(),
        weights: Weights::default(),
        answer_days: 14,
        reminder_days: 5,
        auto_approve: false,
        source_note: Some(format!(
            "Beispielwerte für die Demo, nicht die amtlichen Angemessenheitsgrenzen von {} / example values, not the official caps",
            town.name
        )),
    })
}

fn programmes(town: &Town<'_>) -> Vec<NewProgramme> {
    vec![
        NewProgramme {
            kind: IncentiveKind::RentDefaultGuarantee,
            name_de: "Mietausfallgarantie".into(),
            name_en: "Rent-default guarantee".into(),
            conditions_de: format!(
                "{} übernimmt bis zu 3 Jahre lang ausgefallene Mieten und Schäden, die über die Kaution hinausgehen, bis zu 5.000 € (Beispielwert).",
                town.name
            ),
            conditions_en: format!(
                "{} covers unpaid rent and damage beyond the deposit for up to 3 years, up to €5,000 (example value).",
                town.name
            ),
            amount: Some(Cents::euros(5_000)),
            duration_months: Some(36),
            occupancy_years: None,
            budget: Some(Cents::euros(60_000)),
        },
        NewProgramme {
            kind: IncentiveKind::RenovationGrant,
            name_de: "Sanierungszuschuss gegen Belegungsrecht".into(),
            name_en: "Renovation grant for occupancy rights".into(),
            conditions_de: "Bis zu 10.000 € für die Renovierung einer leerstehenden Wohnung. Dafür schlägt die Stadt 5 Jahre lang die Mieterinnen und Mieter vor (Beispielwert).".into(),
            conditions_en: "Up to €10,000 to renovate an empty flat. In return the town names the tenants for 5 years (example value).".into(),
            amount: Some(Cents::euros(10_000)),
            duration_months: None,
            occupancy_years: Some(5),
            budget: Some(Cents::euros(100_000)),
        },
        NewProgramme {
            kind: IncentiveKind::HeadLease,
            name_de: "Anmietung durch die Stadt (Zwischenanmietung)".into(),
            name_en: "Head lease by the town".into(),
            conditions_de: "Die Stadt mietet die Wohnung bis zu 3 Jahre selbst an und vermietet sie an den Haushalt weiter. Danach kann der Haushalt den Mietvertrag übernehmen.".into(),
            conditions_en: "The town rents the flat itself for up to 3 years and sublets it to the household, which can then take over the lease.".into(),
            amount: None,
            duration_months: Some(36),
            occupancy_years: None,
            budget: None,
        },
        NewProgramme {
            kind: IncentiveKind::PlacementBonus,
            name_de: "Vermittlungsprämie".into(),
            name_en: "Placement bonus".into(),
            conditions_de: "1.000 € bei Abschluss eines unbefristeten Mietvertrags (Beispielwert).".into(),
            conditions_en: "€1,000 when an open-ended lease is signed (example value).".into(),
            amount: Some(Cents::euros(1_000)),
            duration_months: None,
            occupancy_years: None,
            budget: Some(Cents::euros(20_000)),
        },
        NewProgramme {
            kind: IncentiveKind::Advice,
            name_de: "Beratung und Begleitung".into(),
            name_en: "Advice and support".into(),
            conditions_de: "Kostenlose Hilfe beim Mietvertrag, bei der Mietbescheinigung für das Jobcenter und eine feste Ansprechperson, auch nach dem Einzug.".into(),
            conditions_en: "Free help with the lease and the Jobcenter's rent certificate, and one contact person, also after the move.".into(),
            amount: None,
            duration_months: None,
            occupancy_years: None,
            budget: None,
        },
    ]
}

/// Landlords are not spread evenly: cooperatives and companies own more flats, and
/// some landlords are local to one town.
fn landlord_weights(town_index: usize) -> Vec<f64> {
    LANDLORDS
        .iter()
        .enumerate()
        .map(|(i, (_, kind, _, _))| {
            let base = match *kind {
                "cooperative" => 4.0,
                "company" => 3.0,
                "public" => 1.5,
                _ => 1.0,
            };
            let local = if i % TOWNS.len() == town_index {
                2.0
            } else {
                1.0
            };
            base * local
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::household::WorkSituation;

    #[test]
    fn landlords_read_adults_and_children_by_age_and_nothing_about_health() {
        let de = vec!["de".to_owned()];
        // A 19-year-old daughter is a grown-up here, not a child.
        let text = landlord_text(&[45, 43, 19, 7], WorkSituation::NotAbleToWork, &de);
        assert!(
            text.starts_with("Eine Familie (drei Erwachsene und ein Kind, 7 Jahre) sucht"),
            "{text}"
        );
        assert!(!text.to_lowercase().contains("gesundheit"), "{text}");
        let text = landlord_text(&[30, 0, 1, 4], WorkSituation::Employed, &[]);
        assert!(
            text.contains("(eine erwachsene Person und drei Kinder"),
            "{text}"
        );
        assert!(
            text.contains("drei Kinder, unter 1, 1 und 4 Jahre"),
            "{text}"
        );
        assert!(text.contains("Integrationsmanagerin"), "{text}");
        let pair = landlord_text(&[30, 31], WorkSituation::Seeking, &de);
        assert!(pair.starts_with("Zwei Erwachsene suchen"), "{pair}");
        assert!(!pair.contains(" sie lange bleiben kann"), "{pair}");
        assert_eq!(ages_text(&[1]), "1 Jahr");
    }
}
