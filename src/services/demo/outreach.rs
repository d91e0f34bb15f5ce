//! The demo's winning-landlords data for Esslingen: a page text, three campaigns, page
//! visits over the last four months, and how three of the demo landlords came, so the
//! figures page's channel table and the coordinator's campaign list have something to show.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::DatabaseTransaction;

use crate::store::outreach::{self, PageText};

/// Campaigns of the demo: label, code.
const CAMPAIGNS: &[(&str, &str)] = &[
    ("Amtsblatt März", "amtsblatt-maerz"),
    ("Infoabend 12.05.", "infoabend-12-05"),
    ("Lotsen", "lotsen"),
];

/// Seeds the first town's (Esslingen's) outreach.
pub(super) async fn seed(
    txn: &DatabaseTransaction,
    people: &super::People<'_>,
    admin_id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let municipality_id = people.town_ids[0];
    let contact = super::TOWNS[0].coordinator.0;
    let landlords = people.landlord_ids;
    outreach::save_page(
        txn,
        municipality_id,
        PageText {
            text_de: "Esslingen hat zu wenig Wohnungen. Viele Familien wohnen seit Jahren in Gemeinschaftsunterkünften, obwohl sie hier arbeiten und ihre Kinder hier zur Schule gehen. Jede Wohnung hilft – und wir lassen Sie damit nicht allein.".into(),
            text_en: "Esslingen has too few flats. Many families have lived in shared accommodation for years although they work here and their children go to school here. Every flat helps – and we do not leave you alone with it.".into(),
            contact_name: Some(format!("{contact}, Amt für Soziales")),
            photo: None,
            remove_photo: false,
            photo_alt: None,
        },
        admin_id,
        now,
    )
    .await?;
    let mut ids = Vec::new();
    for (n, (label, code)) in CAMPAIGNS.iter().enumerate() {
        let created = now - Duration::days(120 - 30 * n as i64);
        ids.push(
            outreach::insert_campaign(txn, municipality_id, code, label, Some(admin_id), created)
                .await?,
        );
    }
    // Visits: a few a week without a code, more after each campaign started.
    for back in (1..=120).step_by(3) {
        let day = today - Duration::days(back);
        let without = 1 + (back % 4);
        for _ in 0..without {
            outreach::count_visit(txn, municipality_id, None, day).await?;
        }
        for (n, id) in ids.iter().enumerate() {
            let started = 120 - 30 * n as i64;
            if back < started && (back / 3) % (n as i64 + 2) == 0 {
                outreach::count_visit(txn, municipality_id, Some(*id), day).await?;
            }
        }
    }
    let origins = [
        (landlords.first(), Some(ids[0]), None, 100),
        (landlords.get(1), Some(ids[1]), None, 70),
        (landlords.get(2), None, Some("volunteers"), 40),
    ];
    for (landlord, campaign, heard_from, days_ago) in origins {
        let Some(landlord) = landlord else { continue };
        outreach::insert_origin(
            txn,
            &entities::landlord_origin::Model {
                id: 0,
                landlord_id: *landlord,
                municipality_id: Some(municipality_id),
                campaign_id: campaign,
                heard_from: heard_from.map(str::to_owned),
                created_at: now - Duration::days(days_ago),
            },
        )
        .await?;
    }
    Ok(())
}
