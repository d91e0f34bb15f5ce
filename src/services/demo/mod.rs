//! Demo data: five real municipalities of Baden-Württemberg with their real official keys
//! and centres, example rule tables (clearly marked as examples), incentive programmes,
//! about 200 households and 80 units, landlords, one admin, one coordinator per
//! municipality and a volunteer. Generated from a fixed seed, so every demo looks the same
//! apart from dates, which follow today.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{DatabaseTransaction, TransactionTrait};

use crate::app::App;
use crate::domain::criteria::Weights;
use crate::domain::geo::GeoPoint;
use crate::domain::incentive::IncentiveKind;
use crate::domain::norms::{AreaNorms, RentCapTable, RuleSet};
use crate::domain::roles::Role;
use crate::domain::{Cents, Locale};
use crate::services::passwords::hash_password;
use crate::store::households::Consent;
use crate::store::incentives::NewProgramme;
use crate::store::landlords::NewLandlord;
use crate::store::municipalities::NewMunicipality;
use crate::store::users::NewUser;
use crate::store::{households, incentives, landlords, municipalities, units, users};
use crate::util::SplitMix64;

mod data;
pub mod district;
mod generate;
mod outreach;

use data::*;
use generate::*;

/// A login the demo created, printed for the person trying Bleibe.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub password: String,
    pub scope: String,
}

const ADMIN_PASSWORD: &str = "Bleibe-Admin-2026";
const COORDINATOR_PASSWORD: &str = "Bleibe-Koordination-2026";
const LANDLORD_PASSWORD: &str = "Bleibe-Vermietung-2026";
const VOLUNTEER_PASSWORD: &str = "Bleibe-Lotse-2026";

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
    let admin = admin_login();
    let admin_id = demo_user(&txn, &admin, "Bleibe Administration", admin_hash, now).await?;
    logins.push(admin);

    let mut town_ids = Vec::new();
    let mut coordinator_ids = Vec::new();
    for (n, town) in TOWNS.iter().enumerate() {
        let phone = format!("0711 9876-{}", 10 + n);
        let (id, _) = seed_town(&txn, town, phone, admin_id, now).await?;
        let coordinator = DemoLogin {
            role: Role::Coordinator,
            email: town.coordinator.1.into(),
            password: COORDINATOR_PASSWORD.into(),
            scope: town.name.into(),
        };
        let name = town.coordinator.0;
        let coordinator_id =
            demo_user(&txn, &coordinator, name, coordinator_hash.clone(), now).await?;
        users::grant_municipality(&txn, coordinator_id, id, now).await?;
        logins.push(coordinator);
        town_ids.push(id);
        coordinator_ids.push(coordinator_id);
    }

    let volunteer = DemoLogin {
        role: Role::Volunteer,
        email: "lotsin@bleibe.example".into(),
        password: VOLUNTEER_PASSWORD.into(),
        scope: "Landkreis Esslingen".into(),
    };
    let name = "Helga Sommer (Wohnungslotsin)";
    let volunteer_id = demo_user(&txn, &volunteer, name, volunteer_hash, now).await?;
    for (town, id) in TOWNS.iter().zip(&town_ids) {
        if town.district == "Landkreis Esslingen" {
            users::grant_municipality(&txn, volunteer_id, *id, now).await?;
        }
    }
    logins.push(volunteer);

    let landlord_ids = seed_landlords(&txn, &landlord_hash, admin_id, &mut logins, now).await?;

    let people = People {
        town_ids: &town_ids,
        coordinator_ids: &coordinator_ids,
        landlord_ids: &landlord_ids,
    };
    for t in 0..TOWNS.len() {
        seed_households_and_units(&txn, &mut rng, t, &people, today, now).await?;
    }
    outreach::seed(&txn, &people, admin_id, today, now).await?;

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

/// The demo's landlords, those with an account with their logins.
async fn seed_landlords(
    txn: &DatabaseTransaction,
    landlord_hash: &str,
    admin_id: i64,
    logins: &mut Vec<DemoLogin>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    let mut landlord_ids = Vec::new();
    for (name, kind, email, has_account) in LANDLORDS {
        let user_id = if *has_account {
            let login = DemoLogin {
                role: Role::Landlord,
                email: (*email).into(),
                password: LANDLORD_PASSWORD.into(),
                scope: (*name).into(),
            };
            let id = demo_user(txn, &login, name, landlord_hash.to_owned(), now).await?;
            logins.push(login);
            Some(id)
        } else {
            None
        };
        let landlord = NewLandlord {
            user_id,
            kind: (*kind).into(),
            display_name: (*name).into(),
            contact_email: Some((*email).into()),
            phone: None,
            locale: Locale::De,
            created_by: Some(admin_id),
        };
        landlord_ids.push(landlords::insert(txn, &landlord, now).await?);
    }
    Ok(landlord_ids)
}

/// The administrator's login of both data sets.
fn admin_login() -> DemoLogin {
    DemoLogin {
        role: Role::Admin,
        email: "admin@bleibe.example".into(),
        password: ADMIN_PASSWORD.into(),
        scope: "alle Kommunen / all municipalities".into(),
    }
}

/// A staff member or landlord with a confirmed login of the demo.
async fn demo_user(
    txn: &DatabaseTransaction,
    login: &DemoLogin,
    name: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let user = NewUser {
        email: login.email.clone(),
        display_name: name.into(),
        role: login.role,
        locale: Locale::De,
        password_hash: Some(password_hash),
        email_confirmed: true,
    };
    Ok(users::insert(txn, &user, now).await?)
}

/// A town with its contact (an invented mailbox and `phone`), its example rules and its
/// incentive programmes: its id and its programmes' (id, kind, amount).
async fn seed_town(
    txn: &DatabaseTransaction,
    town: &Town<'_>,
    phone: String,
    admin_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(i64, Vec<(i64, IncentiveKind, Option<Cents>)>)> {
    let center = GeoPoint::new(town.lat, town.lon)
        .ok_or_else(|| anyhow::anyhow!("bad demo coordinates for {}", town.name))?;
    let id = municipalities::insert(
        txn,
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
    let mailbox = format!("wohnen.{}@bleibe.example", town.short.to_lowercase());
    municipalities::set_contact(txn, id, Some(mailbox), Some(phone), now).await?;
    municipalities::insert_rule_set(txn, id, &demo_rules(town)?, Some(admin_id), None, now).await?;
    let mut own = Vec::new();
    for programme in programmes(town) {
        let pid = incentives::insert_programme(txn, id, &programme, now).await?;
        own.push((pid, programme.kind, programme.amount));
    }
    Ok((id, own))
}

/// The ids the generated households and flats refer to, by town (in the order of [`TOWNS`]).
struct People<'a> {
    town_ids: &'a [i64],
    coordinator_ids: &'a [i64],
    landlord_ids: &'a [i64],
}

/// The generated households and flats of town `t` (the flats with incentive requests).
async fn seed_households_and_units(
    txn: &DatabaseTransaction,
    rng: &mut SplitMix64,
    t: usize,
    people: &People<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let town = &TOWNS[t];
    let town_id = people.town_ids[t];
    let coordinator_id = people.coordinator_ids[t];
    let district_ids: Vec<i64> = TOWNS
        .iter()
        .zip(people.town_ids)
        .filter(|(other, _)| other.district == town.district)
        .map(|(_, id)| *id)
        .collect();
    for i in 0..town.households {
        let generated = demo_household(rng, town, i, today);
        let allowed = match generated.obligation {
            Obligation::None => Vec::new(),
            Obligation::Town => vec![town_id],
            Obligation::District => district_ids.clone(),
        };
        // Registered before it consented (a year back at most), so the history has a past.
        let registered_days = generated
            .consent_days
            .map_or((i as i64 * 29) % 330, |days| (days + 3).min(330));
        let registered = now - Duration::days(registered_days);
        let consent = generated.consent_days.map(|days| Consent {
            at: at_noon(today - Duration::days(days)),
            scope: "matching,email,share_profile".into(),
            recorded_by: Some(coordinator_id),
        });
        households::insert(
            txn,
            town_id,
            generated.status,
            &generated.profile,
            &allowed,
            consent.as_ref(),
            Some(coordinator_id),
            registered,
        )
        .await?;
    }
    // Programmes are made active; the town's, in the order they were made.
    let programme_ids: Vec<i64> = crate::store::incentives::programmes_of(txn, town_id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for i in 0..town.units {
        let landlord = people.landlord_ids[rng.weighted(&landlord_weights(t))];
        let (status, details) = demo_unit(rng, town, today);
        // Offered two to eight weeks before it is free, never later than today (a fixed
        // spread: the random draws stay as they were).
        let ahead = 14 + (i as i64 * 7 + t as i64 * 3) % 45;
        let registered = at_noon(details.available_from - Duration::days(ahead)).min(now);
        let unit_id =
            units::insert(txn, landlord, town_id, status, &details, None, registered).await?;
        if rng.chance(0.5) && !programme_ids.is_empty() {
            let first = rng.range_i64(0, programme_ids.len() as i64 - 1) as usize;
            incentives::request(txn, unit_id, programme_ids[first], None, now).await?;
            let second = (first + 1 + rng.range_i64(0, 2) as usize) % programme_ids.len();
            if rng.chance(0.4) && second != first {
                incentives::request(txn, unit_id, programme_ids[second], None, now).await?;
            }
        }
    }
    Ok(())
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
