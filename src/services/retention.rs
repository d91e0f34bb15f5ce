//! Data retention: the personal data of households closed more than the configured number
//! of months ago is erased as on request (`privacy::erase_household_in`): every entry of
//! the map in `domain::personal_data`; statistics and the shape of the audit trail stay.

use sea_orm::TransactionTrait;

use super::routine::Counts;
use super::{Actor, ServiceError, audit};
use crate::app::App;
use crate::store::households;

/// Erases every household closed more than `months` months ago (each in its own
/// transaction with its audit entry). Running it again finds nothing more to do.
pub async fn run(app: &App, months: u32) -> Result<Counts, ServiceError> {
    let now = app.clock.now();
    let cutoff = super::routine::retention_cutoff(app.clock.today(), months);
    let before = cutoff
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let mut anonymised = 0;
    for id in households::closed_before(&app.db, before).await? {
        let Some(household) = households::find(&app.db, id).await? else {
            continue;
        };
        let txn = app.db.begin().await?;
        let leftovers = super::privacy::erase_household_in(&txn, &household, now).await?;
        audit::record(
            &txn,
            &Actor::System,
            "anonymise_household",
            "households",
            Some(id),
            Some(household.municipality_id),
            serde_json::json!({"reason": "retention", "months": months}),
            now,
        )
        .await?;
        anonymised += 1;
        txn.commit().await?;
        leftovers.remove(app);
    }
    Ok(Counts::from([("anonymised".to_owned(), anonymised)]))
}
