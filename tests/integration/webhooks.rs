//! Webhooks against a real HTTP receiver on a free port: an admin registers it, a
//! placement is taken through its steps, and every event arrives once, in order per
//! proposal, with a valid signature; with the receiver down, deliveries wait and arrive
//! after it comes back, across a restart of Bleibe; a given-up delivery is shown to
//! admins and can be sent again.

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use entities::webhook_delivery;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::api::token_for;
use crate::api_writes::call;
use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{ADMIN, ES_COORDINATOR, demo, staff};

/// What the receiver got: the signature header, the event id and type, the body.
#[derive(Debug, Clone)]
struct Got {
    signature: String,
    event_id: String,
    body: String,
}

struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Got>>>,
    task: tokio::task::JoinHandle<()>,
}

/// A receiver on `port` (0: a free one) that answers 200 and keeps what it got.
async fn receiver(port: u16, got: Arc<Mutex<Vec<Got>>>) -> Receiver {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let kept = got.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let kept = kept.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                };
                if let Ok(mut list) = kept.lock() {
                    list.push(Got {
                        signature: header("bleibe-signature"),
                        event_id: header("bleibe-event-id"),
                        body,
                    });
                }
                "ok"
            }
        }),
    );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Receiver { port, got, task }
}

/// The signature as a receiver checks it: HMAC-SHA256 over `<t>.<body>` with the secret.
fn signed(secret: &str, header: &str, body: &str) -> bool {
    let mut t = "";
    let mut v1 = "";
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value,
            Some(("v1", value)) => v1 = value,
            _ => {}
        }
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    !t.is_empty() && v1 == expected
}

async fn dispatch(app: &bleibe::app::App) -> bleibe::services::webhooks::Report {
    bleibe::services::webhooks::dispatch(app)
        .await
        .expect("dispatch")
}

db_test!(
    async fn webhooks_arrive_once_in_order_signed_and_survive_a_receiver_down_and_a_restart(app) {
        let d = demo(app).await;
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let first = receiver(0, got.clone()).await;
        let port = first.port;

        // An admin registers the receiver; the secret is shown once.
        let admin = staff(app, ADMIN).await;
        let url = format!("http://127.0.0.1:{port}/hook");
        let es = d.esslingen.to_string();
        let mut form: Vec<(&str, &str)> = vec![("municipality_id", &es), ("url", &url)];
        for event in bleibe::domain::webhooks::EventType::NAMES {
            form.push(("events", event));
        }
        let r = admin.post_form("/admin/webhooks", "/admin/webhooks", &[("municipality_id", &es), ("url", "ftp://x")]).await;
        assert_eq!(r.status(), 422, "a wrong address and no messages are refused");
        let r = admin.post_form("/admin/webhooks", "/admin/webhooks", &form).await;
        assert_eq!(r.status(), 201);
        let page = r.text().await.expect("page");
        let start = page.find("whsec_").expect("the secret is shown");
        let secret = page[start..start + page[start..].find('<').expect("end")].to_owned();
        assert!(!admin.get("/admin/webhooks").await.text().await.expect("list").contains(&secret), "shown once");
        assert!(page.contains(&url), "the secret's box names its address");
        // The same address again (a reload of the confirmation): refused, nothing doubled.
        let r = admin.post_form("/admin/webhooks", "/admin/webhooks", &form).await;
        assert_eq!(r.status(), 422);
        assert_eq!(entities::webhook_endpoint::Entity::find().all(app.db()).await.expect("q").len(), 1);

        // A placement through its steps, by the API.
        let token = token_for(app, ES_COORDINATOR).await;
        let (_, suggested) = crate::pipeline::match_run(app, d).await;
        let p = &suggested[0];
        crate::workspace::set_available_from(app, p.unit_id, crate::pipeline::day(2026, 11, 1)).await;
        let steps = format!("/api/v1/proposals/{}/steps", p.id);
        let take = async |body: Value| {
            let r = call(app, &token, reqwest::Method::POST, &steps, Some(&body), &[]).await;
            assert_eq!(r.status, 200, "{body} → {}", r.body);
        };
        take(json!({"action": "approve"})).await;
        take(json!({"action": "landlord_accept"})).await;
        take(json!({"action": "household_accept"})).await;
        let report = dispatch(&app.app).await;
        assert_eq!(report.delivered, 3, "{report:?}");

        // The receiver is down: the next events wait.
        first.task.abort();
        let _ = first.task.await;
        take(json!({"action": "schedule_viewing", "starts_at": "2026-11-23T17:00:00+01:00", "place": "Haustür"})).await;
        app.clock.advance(chrono::Duration::days(3));
        take(json!({"action": "viewing_held"})).await;
        take(json!({"action": "jobcenter_requested", "on": "2026-11-24"})).await;
        take(json!({"action": "jobcenter_granted", "on": "2026-11-24"})).await;
        take(json!({"action": "lease_signed", "lease_kind": "head_lease", "signed_on": "2026-11-24", "lease_start": "2026-12-01", "rent_cold": 512.5, "service_charges": 90, "heating_costs": 45.25})).await;
        let report = dispatch(&app.app).await;
        assert_eq!((report.delivered, report.retried), (0, 1), "one tried, the later ones of the proposal wait behind it: {report:?}");
        let waiting = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq("pending"))
            .all(app.db()).await.expect("q");
        assert_eq!(waiting.len(), 3);
        assert!(waiting.iter().any(|w| w.attempts == 1 && w.last_error.as_deref().is_some_and(|e| e.contains("connect"))));

        // Bleibe restarts (a new process on the same database), the receiver comes back.
        let restarted = bleibe::app::App::new(
            bleibe::db::connect(&app.app.settings.database).await.expect("connect"),
            (*app.app.settings).clone(),
            app.app.clock.clone(),
        )
        .expect("app");
        let second = receiver(port, got.clone()).await;
        app.clock.advance(chrono::Duration::minutes(2));
        let report = dispatch(&restarted).await;
        assert_eq!(report.delivered, 3, "{report:?}");
        app.clock.advance(chrono::Duration::days(8));
        let members = entities::household_member::Entity::find()
            .filter(entities::household_member::Column::HouseholdId.eq(p.household_id))
            .all(app.db()).await.expect("q").len();
        take(json!({"action": "moved_in", "moved_in_on": "2026-12-01", "places_freed": members})).await;
        dispatch(&restarted).await;
        assert_eq!(dispatch(&restarted).await, Default::default(), "nothing more to send");

        // Each event once, in the proposal's order, signed; ids and states, no names.
        let got: Vec<Got> = second.got.lock().expect("lock").clone();
        let mut ids: Vec<&str> = got.iter().map(|g| g.event_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), got.len(), "no event twice");
        let bodies: Vec<Value> = got.iter().map(|g| serde_json::from_str(&g.body).expect("json")).collect();
        let of_proposal: Vec<&str> = bodies.iter()
            .filter(|b| b["data"]["proposal_id"] == json!(p.id))
            .map(|b| b["type"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(of_proposal, ["proposal.sent", "proposal.answered", "proposal.answered", "viewing.scheduled", "jobcenter.decided", "lease.signed", "placement.moved_in"]);
        assert!(bodies.iter().any(|b| b["type"] == "household.status_changed" && b["data"]["status"] == "placed"));
        for g in &got {
            assert!(signed(&secret, &g.signature, &g.body), "signature of {}", g.body);
            assert!(!signed("another secret", &g.signature, &g.body));
        }
        let household = bleibe::store::households::find(app.db(), p.household_id).await.expect("q").expect("h");
        for b in &bodies {
            let text = b.to_string();
            assert!(!text.contains(&household.profile.reference) && !text.contains(&household.profile.members[0].first_name), "no personal data: {text}");
            assert_eq!(b["municipality_id"], json!(d.esslingen));
        }

        // Given up after its attempts: shown to admins, and sent again on request.
        second.task.abort();
        let _ = second.task.await;
        let last = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Event.eq("placement.moved_in"))
            .one(app.db()).await.expect("q").expect("delivery");
        let mut row: webhook_delivery::ActiveModel = last.clone().into();
        row.status = Set("pending".into());
        row.attempts = Set(bleibe::domain::webhooks::MAX_ATTEMPTS - 1);
        row.update(app.db()).await.expect("update");
        assert_eq!(dispatch(&app.app).await.failed, 1);
        // Days have passed: the admin logs in again.
        let admin = staff(app, ADMIN).await;
        let list = admin.get("/admin/webhooks").await.text().await.expect("list");
        assert!(list.contains("class=\"error-message\">1<"), "the given-up delivery is counted: {}", &list[list.find("<table").unwrap_or(0)..]);
        let log = admin.get(&format!("/admin/webhooks/{}", last.endpoint_id)).await.text().await.expect("log");
        assert!(log.contains("aufgegeben") && log.contains(&last.event_id));
        let third = receiver(port, Arc::default()).await;
        let r = admin.post_form(&format!("/admin/webhooks/{}", last.endpoint_id), &format!("/admin/webhooks/deliveries/{}/redeliver", last.id), &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(dispatch(&app.app).await.delivered, 1);
        let again = third.got.lock().expect("lock").clone();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].event_id, last.event_id, "the same event, so receivers can tell it is a repeat");
        third.task.abort();
    }
);
