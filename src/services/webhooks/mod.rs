//! Webhooks: admins register a municipality's receiving systems; events are written to
//! the webhook outbox in the transaction of the change (`store::webhooks::enqueue`) and
//! sent here by the outbox job: signed, in order per proposal (or household), retried with
//! back-off, given up after `MAX_ATTEMPTS` and then shown to admins, who can send again.

pub mod http;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entities::{webhook_delivery, webhook_endpoint};
use sea_orm::TransactionTrait;

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::domain::webhooks::{
    self, EVENT_ID_HEADER, EVENT_TYPE_HEADER, EventType, SIGNATURE_HEADER,
};
use crate::store::webhooks::{self as store, Attempt, NewEndpoint};

/// Most deliveries one run of the job looks at.
const BATCH: u64 = 500;

fn admin_only(user: &CurrentUser) -> Result<(), ServiceError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// An endpoint as the admin pages show it, with its given-up deliveries.
#[derive(Debug, Clone)]
pub struct EndpointView {
    pub endpoint: webhook_endpoint::Model,
    pub municipality: String,
    pub failed: i64,
}

/// Every endpoint (admins only).
pub async fn endpoints(app: &App, user: &CurrentUser) -> Result<Vec<EndpointView>, ServiceError> {
    admin_only(user)?;
    let names: std::collections::HashMap<i64, String> = super::staff::all_municipalities(app)
        .await?
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect();
    let failed: std::collections::HashMap<i64, i64> =
        store::failed_counts(&app.db).await?.into_iter().collect();
    Ok(store::endpoints(&app.db)
        .await?
        .into_iter()
        .map(|e| EndpointView {
            municipality: names.get(&e.municipality_id).cloned().unwrap_or_default(),
            failed: failed.get(&e.id).copied().unwrap_or_default(),
            endpoint: e,
        })
        .collect())
}

/// Registers an endpoint from the admin's form (`municipality_id`, `url`, `events`,
/// `trusted`); its id and the signing secret, shown once.
pub async fn create(
    app: &App,
    user: &CurrentUser,
    fields: &[(String, String)],
) -> Result<Result<(i64, String), FieldErrors>, ServiceError> {
    admin_only(user)?;
    let f = crate::domain::input::Fields(fields);
    let mut errors = crate::domain::input::character_errors(fields, &[]);
    let known: Vec<i64> = super::staff::all_municipalities(app)
        .await?
        .iter()
        .map(|m| m.id)
        .collect();
    let municipality = f
        .get("municipality_id")
        .parse::<i64>()
        .ok()
        .filter(|m| known.contains(m));
    if municipality.is_none() {
        errors.add("municipality_id", "validation.choose_one");
    }
    if let Some(problem) = webhooks::url_problem(f.get("url")) {
        errors.add("url", problem);
    } else if let Some(m) = municipality {
        // Registered already (a reload of the confirmation, say): each event would go twice.
        let url = f.get("url");
        let registered = store::endpoints(&app.db).await?;
        if registered
            .iter()
            .any(|e| e.municipality_id == m && e.url == url)
        {
            errors.add("url", "validation.webhook_url_taken");
        }
    }
    let mut events = Vec::new();
    for name in f.all("events") {
        match name.parse::<EventType>() {
            Ok(e) if !events.contains(&e) => events.push(e),
            Ok(_) => {}
            Err(_) => errors.add("events", "validation.choose_one"),
        }
    }
    if events.is_empty() {
        errors.add("events", "validation.webhook_events");
    }
    let (Some(municipality_id), true) = (municipality, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let secret = format!(
        "whsec_{}",
        crate::util::random_hex(24).map_err(|e| ServiceError::Other(e.into()))?
    );
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let new = NewEndpoint {
        municipality_id,
        url: f.get("url"),
        secret: &secret,
        events: &events,
        trusted: f.checked("trusted"),
        created_by: Some(user.id),
    };
    let id = store::insert_endpoint(&txn, &new, now).await?;
    let details = serde_json::json!({"events": events.len(), "trusted": new.trusted});
    let actor = Actor::User(user.clone());
    let m = Some(municipality_id);
    audit::record(
        &txn,
        &actor,
        "create_webhook",
        "webhook_endpoints",
        Some(id),
        m,
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok((id, secret)))
}

/// One endpoint with its latest deliveries (admins only).
pub async fn endpoint(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<(webhook_endpoint::Model, Vec<webhook_delivery::Model>), ServiceError> {
    admin_only(user)?;
    let endpoint = store::endpoint(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("webhook endpoint".into()))?;
    let deliveries = store::deliveries_of(&app.db, id, 100).await?;
    Ok((endpoint, deliveries))
}

/// Switches an endpoint on or off (off: nothing new is queued for it).
pub async fn set_active(
    app: &App,
    user: &CurrentUser,
    id: i64,
    active: bool,
) -> Result<(), ServiceError> {
    let (endpoint, _) = self::endpoint(app, user, id).await?;
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    store::set_active(&txn, id, active, now).await?;
    let actor = Actor::User(user.clone());
    let details = serde_json::json!({"active": active});
    let m = Some(endpoint.municipality_id);
    audit::record(
        &txn,
        &actor,
        "webhook_active",
        "webhook_endpoints",
        Some(id),
        m,
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sends a delivery again, with the same event id and body; the endpoint's id.
pub async fn redeliver(
    app: &App,
    user: &CurrentUser,
    delivery_id: i64,
) -> Result<i64, ServiceError> {
    admin_only(user)?;
    let delivery = store::delivery(&app.db, delivery_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("delivery".into()))?;
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    store::redeliver(&txn, delivery_id, now).await?;
    let actor = Actor::User(user.clone());
    let details = serde_json::json!({"event": delivery.event});
    audit::record(
        &txn,
        &actor,
        "webhook_redeliver",
        "webhook_deliveries",
        Some(delivery_id),
        None,
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(delivery.endpoint_id)
}

/// What a run of the job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Sends what is due, oldest first. A delivery waits while an earlier one of the same
/// endpoint and proposal (or household) is still pending, so each receiver sees a
/// proposal's events in order; a given-up one does not hold the rest back.
pub async fn dispatch(app: &App) -> Result<Report, ServiceError> {
    let mut report = Report::default();
    let mut held: HashSet<(i64, Option<i64>, Option<i64>)> = HashSet::new();
    // Endpoints that did not answer at all: not tried again in this run (a dead address
    // must not keep the job waiting for every one of its events).
    let mut down: HashSet<i64> = HashSet::new();
    for (delivery, endpoint) in store::pending(&app.db, BATCH).await? {
        if down.contains(&endpoint.id) {
            continue;
        }
        let key = (
            endpoint.id,
            delivery.proposal_id,
            delivery.proposal_id.map_or(delivery.household_id, |_| None),
        );
        let now = app.clock.now();
        if held.contains(&key) || delivery.next_attempt_at > now {
            held.insert(key);
            continue;
        }
        let body = body_for(app, &delivery, &endpoint).await?;
        let timestamp = now.timestamp();
        let headers = [
            (
                SIGNATURE_HEADER,
                webhooks::signature_header(&endpoint.secret, timestamp, &body),
            ),
            (EVENT_ID_HEADER, delivery.event_id.clone()),
            (EVENT_TYPE_HEADER, delivery.event.clone()),
        ];
        let sent = http::post(&endpoint.url, &headers, body).await;
        if sent.is_err() {
            down.insert(endpoint.id);
        }
        let attempt = outcome(&delivery, sent, now);
        match attempt.outcome {
            Ok(()) => report.delivered += 1,
            Err(Some(_)) => report.retried += 1,
            Err(None) => report.failed += 1,
        }
        if attempt.outcome.is_err() {
            held.insert(key);
        }
        store::record_attempt(&app.db, &delivery, &attempt, app.clock.now()).await?;
    }
    Ok(report)
}

/// The body sent: the stored payload, with the household's reference for a trusted
/// endpoint (looked up now, so an erased household's is gone).
async fn body_for(
    app: &App,
    delivery: &webhook_delivery::Model,
    endpoint: &webhook_endpoint::Model,
) -> Result<Vec<u8>, ServiceError> {
    if !endpoint.trusted {
        return Ok(delivery.payload.clone().into_bytes());
    }
    let mut payload: serde_json::Value =
        serde_json::from_str(&delivery.payload).map_err(|e| ServiceError::Other(e.into()))?;
    let reference =
        store::reference_of(&app.db, delivery.household_id, delivery.proposal_id).await?;
    payload["data"]["household_reference"] = reference.into();
    Ok(payload.to_string().into_bytes())
}

/// A 2xx answer delivers; anything else is tried again later, or given up.
fn outcome(
    delivery: &webhook_delivery::Model,
    sent: Result<u16, String>,
    now: DateTime<Utc>,
) -> Attempt {
    let attempts = delivery.attempts + 1;
    let later = || webhooks::retry_after(attempts).map(|d| now + d);
    match sent {
        Ok(status) if (200..300).contains(&status) => Attempt {
            status: Some(i32::from(status)),
            error: None,
            outcome: Ok(()),
        },
        Ok(status) => Attempt {
            status: Some(i32::from(status)),
            error: Some(format!("the receiver answered {status}")),
            outcome: Err(later()),
        },
        Err(error) => Attempt {
            status: None,
            error: Some(error),
            outcome: Err(later()),
        },
    }
}
