//! What the scheduled jobs do, as plain idempotent service calls: answer deadlines
//! (reminders, then expiry), follow-up check-ins, the weekly digest and the nightly match
//! run. Each can run twice in a row without doing anything twice.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use entities::proposal;
use sea_orm::TransactionTrait;

use super::links::Party;
use super::matching::{self, Scope, Trigger};
use super::{Actor, ServiceError, audit, letters};
use crate::app::App;
use crate::domain::pipeline::ProposalState;
use crate::store::proposals::{self as proposals_store, Move};
use crate::store::{municipalities, routine};

/// What a job did, by name (e.g. `reminded: 3`), for the job-run record.
pub type Counts = BTreeMap<String, i64>;

fn count(counts: &mut Counts, key: &str, n: i64) {
    *counts.entry(key.to_owned()).or_default() += n;
}

/// Reminds the sides that have not answered after the municipality's reminder days, and
/// ends proposals nobody answered by their answer date: the proposal expires, the unit
/// and the household are free again, and both sides are told why.
pub async fn deadlines(app: &App) -> Result<Counts, ServiceError> {
    let now = app.clock.now();
    let rules = municipalities::current_rule_sets(&app.db).await?;
    let mut counts = Counts::new();
    count(&mut counts, "reminded", 0);
    count(&mut counts, "expired", 0);
    for (p, municipality_id) in routine::waiting_for_answer(&app.db).await? {
        let state: ProposalState = p
            .state
            .parse()
            .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
        let parties: Vec<Party> = match state {
            ProposalState::Sent => vec![Party::Landlord, Party::Household],
            ProposalState::LandlordAccepted => vec![Party::Household],
            _ => vec![Party::Landlord],
        };
        let Some(due) = p.answer_due_at else { continue };
        if due <= now {
            if expire(app, &p, state, &parties).await? {
                count(&mut counts, "expired", 1);
            }
            continue;
        }
        let Some(sent_at) = p.sent_at else { continue };
        let days = municipality_id
            .and_then(|m| rules.get(&m).map(|r| r.rules.reminder_days))
            .unwrap_or(3)
            .max(1);
        if p.reminded_at.is_some() || sent_at + Duration::days(i64::from(days)) > now {
            continue;
        }
        let txn = app.db.begin().await?;
        if proposals_store::mark_reminded(&txn, p.id, now).await? {
            letters::reminder(&txn, app, &p, &parties, now).await?;
            count(&mut counts, "reminded", 1);
        }
        txn.commit().await?;
    }
    Ok(counts)
}

/// Ends a proposal nobody answered by its date (`silent` did not): it expires, the flat and
/// the household are free again, and both sides are told why. False when it had moved on.
async fn expire(
    app: &App,
    p: &proposal::Model,
    state: ProposalState,
    silent: &[Party],
) -> Result<bool, ServiceError> {
    let now = app.clock.now();
    let silent: Vec<&str> = silent.iter().map(|p| p.as_str()).collect();
    let txn = app.db.begin().await?;
    let reason = format!("no answer by the due date from: {}", silent.join(", "));
    let moved = proposals_store::transition(
        &txn,
        p.id,
        state,
        ProposalState::Expired,
        &Move {
            actor_kind: "system",
            actor_user_id: None,
            reason_code: Some("no_answer"),
            reason: Some(&reason),
            data: Some(serde_json::json!({"silent": silent})),
        },
        now,
    )
    .await?;
    if moved {
        super::pipeline::apply_answer(&txn, app, p.id, ProposalState::Expired, now).await?;
        letters::expired(&txn, app, p, now).await?;
        audit::record(
            &txn,
            &Actor::System,
            "proposal_expired",
            "proposals",
            Some(p.id),
            None,
            serde_json::json!({"silent": silent}),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(moved)
}

/// Follow-up check-ins that are due: the coordinators and the landlord hear about each
/// once.
pub async fn follow_ups(app: &App) -> Result<Counts, ServiceError> {
    let now = app.clock.now();
    let mut counts = Counts::new();
    count(&mut counts, "due", 0);
    for (f, p) in routine::due_follow_ups(&app.db, app.clock.today()).await? {
        let txn = app.db.begin().await?;
        if crate::store::pipeline::mark_follow_up_reminded(&txn, f.id, now).await? {
            letters::follow_up_due(&txn, app, &p, &f, now).await?;
            let about = crate::store::webhooks::About {
                proposal_id: Some(p.id),
                household_id: None,
            };
            let data = serde_json::json!({"follow_up_id": f.id, "month": f.month});
            let event = crate::domain::webhooks::EventType::FollowUpDue;
            crate::store::webhooks::enqueue(&txn, event, about, data, now).await?;
            count(&mut counts, "due", 1);
        }
        txn.commit().await?;
    }
    Ok(counts)
}

/// How long a proposal may stand still before the digest calls it stalled.
const STALLED_DAYS: i64 = 14;

/// What the digest of one municipality says (pure data, read from the database).
pub async fn digest_content(
    app: &App,
    municipality_id: i64,
    since: chrono::DateTime<chrono::Utc>,
    locale: crate::domain::Locale,
) -> Result<letters::DigestContent, ServiceError> {
    let now = app.clock.now();
    let rooms_label = crate::i18n::text(locale, "link.flat.rooms");
    let new_units = routine::new_units_since(&app.db, municipality_id, since)
        .await?
        .into_iter()
        .map(|u| {
            format!(
                "{} {}, {} {} ({} m², {rooms_label}: {})",
                u.street,
                u.house_number,
                u.postal_code,
                u.town,
                crate::domain::format::compact(locale, u.area_m2),
                crate::domain::format::compact(locale, u.rooms)
            )
        })
        .collect();
    let rows = crate::store::pipeline::of_municipality(&app.db, municipality_id, None).await?;
    let mut waiting_reviews = 0;
    let mut stalled = Vec::new();
    for r in &rows {
        let Ok(state) = r.proposal.state.parse::<ProposalState>() else {
            continue;
        };
        if state == ProposalState::Suggested {
            waiting_reviews += 1;
        } else if state.holds_unit_and_household()
            && state != ProposalState::MovedIn
            && r.proposal.state_changed_at < now - Duration::days(STALLED_DAYS)
        {
            stalled.push(format!(
                "{} – {} {}: {} ({})",
                r.household.reference,
                r.unit.street,
                r.unit.house_number,
                crate::i18n::text(locale, &format!("pipeline.state.{}", state.as_str())),
                crate::domain::format::date(
                    locale,
                    crate::domain::time::berlin_date(r.proposal.state_changed_at)
                )
            ));
        }
    }
    let failed_mails = routine::failed_mails_since(&app.db, municipality_id, since)
        .await?
        .into_iter()
        .map(|m| {
            format!(
                "{} – „{}“: {}",
                m.to_address,
                m.subject,
                m.last_error.unwrap_or_default()
            )
        })
        .collect();
    Ok(letters::DigestContent {
        new_units,
        waiting_reviews,
        stalled,
        failed_mails,
    })
}

/// The weekly digest to every coordinator of every active municipality (once per week).
pub async fn weekly_digest(app: &App) -> Result<Counts, ServiceError> {
    let now = app.clock.now();
    let week = letters::iso_week(app.clock.today());
    let since = now - Duration::days(7);
    let mut counts = Counts::new();
    count(&mut counts, "digests", 0);
    let all = municipalities::active(&app.db).await?;
    for m in all {
        let mut letters_to = Vec::new();
        for to in letters::coordinator_recipients(&app.db, &m).await? {
            let locale = to.lang.parse().unwrap_or_default();
            letters_to.push((digest_content(app, m.id, since, locale).await?, to));
        }
        let txn = app.db.begin().await?;
        for (content, to) in letters_to {
            letters::digest(&txn, app, &m, &to, &week, &content, now).await?;
            count(&mut counts, "digests", 1);
        }
        txn.commit().await?;
    }
    Ok(counts)
}

/// The nightly match run of every active municipality with rules; where a municipality
/// turned auto-approval on, its suggestions are approved and sent at once.
pub async fn nightly_match(app: &App) -> Result<Counts, ServiceError> {
    let rules = municipalities::current_rule_sets(&app.db).await?;
    let mut counts = Counts::new();
    count(&mut counts, "runs", 0);
    count(&mut counts, "suggested", 0);
    count(&mut counts, "auto_approved", 0);
    let all = municipalities::active(&app.db).await?;
    for m in all {
        let Some(rule_set) = rules.get(&m.id) else {
            continue;
        };
        let summary = matching::run(
            app,
            &Actor::System,
            Scope::Municipality(m.id),
            Trigger::Schedule,
        )
        .await?;
        count(&mut counts, "runs", 1);
        count(&mut counts, "suggested", summary.assigned as i64);
        if rule_set.rules.auto_approve {
            let ids: Vec<i64> = crate::store::pipeline::of_run(&app.db, summary.run_id)
                .await?
                .into_iter()
                .filter(|r| r.proposal.state == ProposalState::Suggested.as_str())
                .map(|r| r.proposal.id)
                .collect();
            for id in ids {
                if let Ok(Ok(_)) = super::pipeline::approve_as_system(app, id).await {
                    count(&mut counts, "auto_approved", 1);
                }
            }
        }
    }
    Ok(counts)
}

/// The first day a retention period reaches back to.
pub fn retention_cutoff(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(today)
}
