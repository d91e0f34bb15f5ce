//! Placements as a list with their next follow-up, and payments of granted incentives.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entities::placement;
use sea_orm::TransactionTrait;

use crate::app::App;
use crate::domain::Cents;
use crate::domain::incentive::{self, IncentiveStatus, Payment};
use crate::domain::time::berlin_date;
use crate::services::{Actor, CurrentUser, ServiceError, audit};
use crate::store::pipeline as store;
use crate::store::{incentives, units};

use super::{Blocked, StepError};

/// Records a payment of a granted incentive (`paid_amount`, `paid_on`): the payments add
/// up to at most the granted amount, none before the grant, the one before, or in the
/// future. Returns the flat's id.
pub async fn incentive_paid(
    app: &App,
    user: &CurrentUser,
    request_id: i64,
    pairs: &[(String, String)],
) -> Result<Result<i64, StepError>, ServiceError> {
    let request = incentives::find_request(&app.db, request_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("incentive".into()))?;
    let unit = units::find(&app.db, request.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    if !user.can_manage(unit.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    if request.status != IncentiveStatus::Granted.as_str() {
        return Ok(Err(StepError::Blocked(Blocked::NotGranted)));
    }
    let granted = request.granted_amount_cents.map(Cents);
    let paid_before = Cents(request.paid_amount_cents.unwrap_or(0));
    let checked = Payment::parse(pairs).and_then(|payment| {
        incentive::check_payment(
            &payment,
            granted,
            request.decided_at.map(berlin_date),
            paid_before,
            request.paid_on,
            app.clock.today(),
        )
        .map(|()| payment)
    });
    let payment = match checked {
        Ok(p) => p,
        Err(errors) => return Ok(Err(StepError::Fields(errors))),
    };
    // Payments add up (a grant may be paid in parts); paid in full, the incentive is "paid".
    let total = paid_before + payment.amount;
    let status = if granted.is_some_and(|g| total >= g) {
        IncentiveStatus::Paid
    } else {
        IncentiveStatus::Granted
    };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let paid = incentives::record_payment(
        &txn,
        request_id,
        request.paid_amount_cents,
        incentives::Payment {
            total_cents: total.0,
            on: payment.on,
            status,
        },
        now,
    )
    .await?;
    if !paid {
        return Ok(Err(StepError::Blocked(Blocked::MovedMeanwhile)));
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "incentive_paid",
        "unit_incentives",
        Some(request_id),
        Some(unit.municipality_id),
        serde_json::json!({"amount_cents": payment.amount.0, "total_cents": total.0}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(unit.id))
}

/// A placement as the table shows it.
#[derive(Debug, Clone)]
pub struct PlacementView {
    pub placement: placement::Model,
    pub unit_address: String,
    pub household_reference: String,
    /// The next follow-up still due: (month, due date).
    pub next_follow_up: Option<(i32, NaiveDate)>,
}

/// One page of the placements of `municipalities` (each managed by `user`), optionally
/// only those with one outcome, newest first; and how many there are in all.
pub async fn placements_page(
    app: &App,
    user: &CurrentUser,
    municipalities: &[i64],
    outcome: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<PlacementView>, u64), ServiceError> {
    if !municipalities.iter().all(|m| user.can_manage(*m)) {
        return Err(ServiceError::Forbidden);
    }
    let (rows, total) =
        store::placements_page(&app.db, municipalities, outcome, offset, limit).await?;
    Ok((views(app, rows).await?, total))
}

/// Placements with their flat's address, household's reference and next follow-up due
/// (two queries, whatever the number of rows).
async fn views(app: &App, rows: Vec<placement::Model>) -> Result<Vec<PlacementView>, ServiceError> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let follow_ups = store::follow_ups_of(&app.db, &ids).await?;
    let mut next: BTreeMap<i64, (i32, NaiveDate)> = BTreeMap::new();
    for f in follow_ups.iter().filter(|f| f.status == "due") {
        let e = next.entry(f.placement_id).or_insert((f.month, f.due_on));
        if f.due_on < e.1 {
            *e = (f.month, f.due_on);
        }
    }
    let proposal_ids: Vec<i64> = rows.iter().map(|p| p.proposal_id).collect();
    let parties: BTreeMap<i64, store::ProposalRow> = store::by_ids(&app.db, &proposal_ids)
        .await?
        .into_iter()
        .map(|r| (r.proposal.id, r))
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let party = parties.get(&p.proposal_id);
            PlacementView {
                unit_address: party
                    .map(|r| {
                        crate::domain::unit::one_line(
                            &r.unit.street,
                            &r.unit.house_number,
                            &r.unit.postal_code,
                            &r.unit.town,
                        )
                    })
                    .unwrap_or_default(),
                household_reference: party
                    .map(|r| r.household.reference.clone())
                    .unwrap_or_default(),
                next_follow_up: next.get(&p.id).copied(),
                placement: p,
            }
        })
        .collect())
}
