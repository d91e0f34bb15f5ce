//! The API's writes: households created, changed and synced by reference, flats sent and
//! changed, incentive decisions; `Idempotency-Key`, `ETag`/`If-Match` (also on the edit
//! pages), scope, and the same field errors as the forms.

use entities::{audit_entry, household, outbox_message, unit, unit_incentive};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::api::token_for;
use crate::coordinators::{as_refs, household_form};
use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{ES_COORDINATOR, LANDLORD, WN_COORDINATOR, demo, staff};

/// An answer: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }

    /// The message of the field `path` in a problem document.
    pub fn error_at(&self, path: &str) -> Option<String> {
        self.body["errors"]
            .as_array()?
            .iter()
            .find(|e| e["field"] == path)
            .and_then(|e| e["message"].as_str().map(str::to_owned))
    }
}

/// Calls the API with a token, a JSON body and extra headers.
pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let r = request.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// The household of `household_form`, as the API takes it.
pub fn household_json(municipality: i64, reference: &str) -> Value {
    json!({
        "municipality_id": municipality,
        "reference": reference,
        "residence_status": "anerkannt",
        "benefit_type": "sgb2",
        "work_situation": "employed",
        "members": [
            {"first_name": "Amal", "last_name": "Haddad", "birth_year": 1988, "role": "applicant"},
            {"first_name": "Yusuf", "birth_year": 2016, "role": "child"}
        ],
        "max_floor_without_lift": 2,
        "urgency": 2,
        "urgency_reason": "Die Unterkunft wird geschlossen",
        "in_follow_up_since": "2024-03-01",
        "anchors": [{"kind": "school", "label": "Grundschule Zollberg", "postal_code": "73734", "importance": "high"}],
        "languages": ["ar", "de", "ku"],
        "preferred_language": "en",
        "caseworker_name": "Lea Hartmann",
        "caseworker_email": "lea.hartmann@example.org",
        "landlord_text": "Eine ruhige Familie.",
        "consent": {"given": true, "date": "2026-11-01", "scope": ["matching", "email"]}
    })
}

async fn households_named(app: &TestApp, reference: &str) -> u64 {
    household::Entity::find()
        .filter(household::Column::Reference.eq(reference))
        .count(app.db())
        .await
        .expect("count")
}

/// The messages at the fields of a form page, by field name.
fn page_errors(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("class=\"error-message\" id=\"f-") {
        rest = &rest[start + "class=\"error-message\" id=\"f-".len()..];
        let Some(end) = rest.find("-error\"") else {
            break;
        };
        let name = rest[..end].to_owned();
        let after_prefix = rest.find("</span>").map_or(0, |i| i + "</span>".len());
        let message_end = rest[after_prefix..].find("</p>").unwrap_or(0);
        let message = rest[after_prefix..after_prefix + message_end].to_owned();
        out.push((name, message));
    }
    out
}

/// The hidden version of an edit form.
fn form_version(html: &str) -> String {
    let start = html
        .find("name=\"version\" value=\"")
        .expect("the form carries its version");
    let rest = &html[start + "name=\"version\" value=\"".len()..];
    rest[..rest.find('"').expect("end")].to_owned()
}

db_test!(
    async fn households_are_created_changed_and_synced_through_the_api(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let body = household_json(d.esslingen, "ES-API-001");
        let key = [("Idempotency-Key", "sync-2026-12-05-ES-API-001")];

        // Created: 201, where it is, its version; the profile reads back as sent.
        let created = call(app, &token, Method::POST, "/api/v1/households", Some(&body), &key).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let location = created.header("location");
        let id: i64 = location.trim_start_matches("/api/v1/households/").parse().expect("id");
        let etag = created.header("etag");
        assert_eq!(etag, "\"v1\"");
        let profile = &created.body["profile"];
        for member in ["reference", "members", "languages", "consent", "caseworker_email", "urgency"] {
            assert_eq!(profile[member], body[member], "{member} reads back as sent");
        }
        assert_eq!(profile["anchors"][0]["town"], "Esslingen am Neckar", "the town comes from the postal code");
        assert_eq!(created.body["persons"], 2);

        // The same request again: the first answer, no second household.
        let again = call(app, &token, Method::POST, "/api/v1/households", Some(&body), &key).await;
        assert_eq!((again.status, again.header("location")), (201, location.clone()));
        assert_eq!(again.header("idempotent-replayed"), "true");
        assert_eq!(households_named(app, "ES-API-001").await, 1);
        // The same key for another request is refused; a failed request keeps no key.
        let other = household_json(d.esslingen, "ES-API-002");
        let refused = call(app, &token, Method::POST, "/api/v1/households", Some(&other), &key).await;
        assert_eq!(refused.status, 422);
        assert_eq!(households_named(app, "ES-API-002").await, 0);
        let bad_key = [("Idempotency-Key", "k1")];
        let mut invalid = other.clone();
        invalid["urgency"] = json!(9);
        assert_eq!(call(app, &token, Method::POST, "/api/v1/households", Some(&invalid), &bad_key).await.status, 422);
        assert_eq!(call(app, &token, Method::POST, "/api/v1/households", Some(&other), &bad_key).await.status, 201, "the key of a refused request is free again");

        // GET: the same ETag, 304 when it is current.
        let got = call(app, &token, Method::GET, &location, None, &[]).await;
        assert_eq!((got.status, got.header("etag")), (200, etag.clone()));
        let not_modified = call(app, &token, Method::GET, &location, None, &[("If-None-Match", &etag)]).await;
        assert_eq!(not_modified.status, 304);

        // PATCH with the current version: changed, audited by field name, new version.
        let patch = json!({"urgency": 3, "wheelchair": true, "members": [{"first_name": "Amal", "birth_year": 1988, "role": "applicant"}]});
        let changed = call(app, &token, Method::PATCH, &location, Some(&patch), &[("If-Match", &etag)]).await;
        assert_eq!(changed.status, 200, "{}", changed.body);
        assert_eq!((changed.body["urgency"].clone(), changed.body["wheelchair"].clone(), changed.body["persons"].clone()), (json!(3), json!(true), json!(1)));
        assert_eq!(changed.body["profile"]["caseworker_name"], "Lea Hartmann", "members not named stay");
        let newer = changed.header("etag");
        assert_ne!(newer, etag);
        let audit = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("update_household"))
            .filter(audit_entry::Column::EntityId.eq(id))
            .one(app.db()).await.expect("q").expect("audit");
        let details = audit.details.unwrap_or_default();
        assert!(details.contains("urgency") && details.contains("members") && !details.contains("Yusuf"), "{details}");

        // A write based on the old version: 412, nothing saved.
        let stale = call(app, &token, Method::PATCH, &location, Some(&json!({"urgency": 0})), &[("If-Match", &etag)]).await;
        assert_eq!(stale.status, 412);
        assert_eq!(stale.header("content-type"), "application/problem+json");
        let stored = bleibe::store::households::find(app.db(), id).await.expect("q").expect("h");
        assert_eq!(stored.profile.urgency, 3);

        // A status change with the profile, in one go; a reason is required for closing.
        let close = call(app, &token, Method::PATCH, &location, Some(&json!({"status": "closed"})), &[]).await;
        assert_eq!(close.status, 422);
        assert!(close.error_at("status_reason").is_some(), "{}", close.body);
        let pause = call(app, &token, Method::PATCH, &location, Some(&json!({"status": "paused", "notes": "Im Urlaub"})), &[]).await;
        assert_eq!((pause.status, pause.body["status"].clone()), (200, json!("paused")));

        // Upsert by reference: created, then replaced; a different reference in the body is refused.
        let by_ref = format!("/api/v1/municipalities/{}/households/by-reference/ES-SYNC-7", d.esslingen);
        let mut sync = household_json(d.esslingen, "ES-SYNC-7");
        sync.as_object_mut().expect("object").remove("municipality_id");
        let first = call(app, &token, Method::PUT, &by_ref, Some(&sync), &[]).await;
        assert_eq!(first.status, 201, "{}", first.body);
        sync["urgency"] = json!(1);
        let second = call(app, &token, Method::PUT, &by_ref, Some(&sync), &[("If-Match", &first.header("etag"))]).await;
        assert_eq!((second.status, second.body["id"].clone(), second.body["urgency"].clone()), (200, first.body["id"].clone(), json!(1)));
        let stale = call(app, &token, Method::PUT, &by_ref, Some(&sync), &[("If-Match", &first.header("etag"))]).await;
        assert_eq!(stale.status, 412);
        sync["reference"] = json!("ES-SYNC-8");
        let mismatch = call(app, &token, Method::PUT, &by_ref, Some(&sync), &[]).await;
        assert_eq!(mismatch.status, 422);
        assert!(mismatch.error_at("reference").is_some());
        assert_eq!(households_named(app, "ES-SYNC-7").await, 1);
        assert_eq!(households_named(app, "ES-SYNC-8").await, 0);

        // Scope: another municipality's coordinator and a landlord write nothing here.
        let wn = token_for(app, WN_COORDINATOR).await;
        assert_eq!(call(app, &wn, Method::PATCH, &location, Some(&json!({"urgency": 0})), &[]).await.status, 404);
        let r = call(app, &wn, Method::PUT, &by_ref, Some(&json!({"urgency": 0})), &[]).await;
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(call(app, &wn, Method::POST, "/api/v1/households", Some(&household_json(d.esslingen, "WN-X")), &[]).await.status, 403);
        let landlord = token_for(app, LANDLORD).await;
        assert_eq!(call(app, &landlord, Method::POST, "/api/v1/households", Some(&household_json(d.esslingen, "LL-X")), &[]).await.status, 403);
        assert_eq!(call(app, &landlord, Method::PATCH, &location, Some(&json!({"urgency": 0})), &[]).await.status, 403);
        assert_eq!(households_named(app, "WN-X").await + households_named(app, "LL-X").await, 0);
        let stored = bleibe::store::households::find(app.db(), id).await.expect("q").expect("h");
        assert_eq!(stored.profile.urgency, 3);

        // Not JSON, not an object, unknown members: refused with the member named.
        let r = app.client.post(app.url("/api/v1/households")).bearer_auth(&token).body("reference=x").send().await.expect("post");
        assert_eq!(r.status(), 415);
        assert_eq!(call(app, &token, Method::POST, "/api/v1/households", Some(&json!([1])), &[]).await.status, 400);
        let unknown = call(app, &token, Method::PATCH, &location, Some(&json!({"colour": "blue", "members": [{"eyes": "brown"}]})), &[]).await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.error_at("colour").is_some() && unknown.error_at("members[0].eyes").is_some(), "{}", unknown.body);
    }
);

db_test!(
    async fn the_api_refuses_what_the_form_refuses_with_the_same_words(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let es = staff(app, ES_COORDINATOR).await;

        let mut form = household_form("");
        let mut bad = household_json(d.esslingen, "");
        for (name, value) in [
            ("member_birth_year_1", "1700"),
            ("caseworker_email", "kein-at"),
            ("urgency", "7"),
            ("in_follow_up_since", "2099-01-01"),
            ("residence_obligation", "1"),
            ("anchor_postal_code_0", "99999"),
            ("max_floor_without_lift", "99"),
        ] {
            form.retain(|(k, _)| *k != name);
            form.push((name, value.to_owned()));
        }
        form.retain(|(k, _)| *k != "consent_scope");
        bad["members"][1]["birth_year"] = json!(1700);
        bad["caseworker_email"] = json!("kein-at");
        bad["urgency"] = json!(7);
        bad["in_follow_up_since"] = json!("2099-01-01");
        bad["residence_obligation"] = json!(true);
        bad["anchors"][0]["postal_code"] = json!("99999");
        bad["max_floor_without_lift"] = json!(99);
        bad["consent"]["scope"] = json!([]);

        let new = format!("/m/{}/households/new", d.esslingen);
        let r = es.post_form(&new, &new, &as_refs(&form)).await;
        assert_eq!(r.status(), 422);
        let on_page = page_errors(&r.text().await.expect("page"));
        let api = call(app, &token, Method::POST, "/api/v1/households", Some(&bad), &[("Accept-Language", "de")]).await;
        assert_eq!(api.status, 422);
        let json_name = |form_name: &str| match form_name {
            "member_birth_year_1" => "members[1].birth_year".to_owned(),
            "anchor_postal_code_0" => "anchors[0].postal_code".to_owned(),
            "consent_scope" => "consent.scope".to_owned(),
            "allowed" => "allowed_municipalities".to_owned(),
            other => other.to_owned(),
        };
        assert!(on_page.len() >= 8, "every mistake is named on the page: {on_page:?}");
        for (name, message) in &on_page {
            assert_eq!(api.error_at(&json_name(name)).as_deref(), Some(message.as_str()), "{name}: {}", api.body);
        }
        assert_eq!(api.body["errors"].as_array().map(Vec::len), Some(on_page.len()), "{}", api.body);
        assert_eq!(households_named(app, "").await, 0);
    }
);

db_test!(
    async fn the_edit_page_says_so_when_someone_saved_in_between(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let created = call(app, &token, Method::POST, "/api/v1/households", Some(&household_json(d.esslingen, "ES-EDIT-1")), &[]).await;
        let id = created.body["id"].as_i64().expect("id");
        let es = staff(app, ES_COORDINATOR).await;
        let edit = format!("/households/{id}/edit");
        let page = es.get(&edit).await.text().await.expect("edit");
        let opened_at = form_version(&page);

        // A sync job changes the household while the page is open.
        let r = call(app, &token, Method::PATCH, &format!("/api/v1/households/{id}"), Some(&json!({"urgency": 3})), &[]).await;
        assert_eq!(r.status, 200);

        // Saving the page: refused, said so, what was typed kept, nothing saved.
        let mut typed = household_form("ES-EDIT-1");
        typed.retain(|(k, _)| *k != "urgency_reason");
        typed.push(("urgency_reason", "Kündigung zum Monatsende".into()));
        typed.push(("version", opened_at.clone()));
        let r = es.post_form(&edit, &edit, &as_refs(&typed)).await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"stale\"") && html.contains("Inzwischen hat jemand anderes gespeichert"), "the page says so");
        assert!(html.contains("Kündigung zum Monatsende"), "what was typed is kept");
        assert!(html.contains(&format!("href=\"/households/{id}\"")), "a link to the current state");
        let stored = bleibe::store::households::find(app.db(), id).await.expect("q").expect("h");
        assert_eq!((stored.profile.urgency, stored.profile.urgency_reason.as_deref()), (3, Some("Die Unterkunft wird geschlossen")));

        // Saving again (the form now carries the current version) overwrites knowingly.
        let current = form_version(&html);
        assert_ne!(current, opened_at);
        typed.retain(|(k, _)| *k != "version");
        typed.push(("version", current));
        let r = es.post_form(&edit, &edit, &as_refs(&typed)).await;
        assert_eq!(r.status(), 303);
        let stored = bleibe::store::households::find(app.db(), id).await.expect("q").expect("h");
        assert_eq!(stored.profile.urgency_reason.as_deref(), Some("Kündigung zum Monatsende"));
    }
);

/// A flat in Esslingen as the API takes it.
fn unit_json(available: chrono::NaiveDate, programme: i64) -> Value {
    json!({
        "street": "Küferstraße", "house_number": "77", "postal_code": "73728",
        "town": "Esslingen am Neckar", "area_m2": 58.5, "rooms": 2, "floor": 1,
        "max_occupants": 3, "cold_rent": 520, "service_charges": 120.5, "heating_costs": 60,
        "deposit": 1560, "available_from": available.to_string(), "lease_type": "open_ended",
        "has_lift": true, "preferences": ["families"], "incentive_programme_ids": [programme]
    })
}

db_test!(
    async fn flats_are_sent_and_changed_through_the_api(app) {
        let d = demo(app).await;
        let landlord = token_for(app, LANDLORD).await;
        let programme = entities::incentive_programme::Entity::find()
            .filter(entities::incentive_programme::Column::MunicipalityId.eq(d.esslingen))
            .order_by_asc(entities::incentive_programme::Column::Id)
            .one(app.db()).await.expect("q").expect("a programme").id;
        let available = app.app.clock.today() + chrono::Duration::days(20);
        let body = unit_json(available, programme);
        let key = [("Idempotency-Key", "flat-kueferstrasse-77")];

        // Sent: 201, the landlord's e-mail in the outbox, the request recorded.
        let created = call(app, &landlord, Method::POST, "/api/v1/units", Some(&body), &key).await;
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_i64().expect("id");
        assert_eq!((created.body["cold_rent_cents"].clone(), created.body["status"].clone()), (json!(52000), json!("submitted")));
        assert_eq!(created.body["profile"]["service_charges"], json!(120.5));
        assert_eq!(created.body["incentive_requests"][0]["programme_id"], json!(programme));
        let again = call(app, &landlord, Method::POST, "/api/v1/units", Some(&body), &key).await;
        assert_eq!((again.status, again.body["id"].clone()), (201, json!(id)));
        let flats = unit::Entity::find().filter(unit::Column::Street.eq("Küferstraße")).count(app.db()).await.expect("count");
        assert_eq!(flats, 1, "one flat for two requests with one key");
        let mails = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("unit_submitted"))
            .filter(outbox_message::Column::IdempotencyKey.eq(format!("unit-submitted-{id}")))
            .count(app.db()).await.expect("count");
        assert_eq!(mails, 1, "the landlord is told once, as after the form");

        // Changed with the current version; a stale one is refused.
        let etag = created.header("etag");
        let path = format!("/api/v1/units/{id}");
        let changed = call(app, &landlord, Method::PATCH, &path, Some(&json!({"cold_rent": 530})), &[("If-Match", &etag)]).await;
        assert_eq!((changed.status, changed.body["cold_rent_cents"].clone()), (200, json!(53000)), "{}", changed.body);
        assert_eq!(changed.body["street"], "Küferstraße");
        let stale = call(app, &landlord, Method::PATCH, &path, Some(&json!({"cold_rent": 999})), &[("If-Match", &etag)]).await;
        assert_eq!(stale.status, 412);
        // The form's checks, named by member: too much rent for the space, a wrong date.
        let bad = call(app, &landlord, Method::PATCH, &path, Some(&json!({"cold_rent": 5000, "available_from": "bald"})), &[]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.error_at("cold_rent").is_some() && bad.error_at("available_from").is_some(), "{}", bad.body);
        let stored = unit::Entity::find_by_id(id).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(stored.cold_rent_cents, 53000);

        // Scope: another municipality's coordinator sees no such flat; a landlord writes
        // only their own.
        let wn = token_for(app, WN_COORDINATOR).await;
        assert_eq!(call(app, &wn, Method::PATCH, &path, Some(&json!({"cold_rent": 400})), &[]).await.status, 404);
        let other_landlord = entities::landlord::Entity::find()
            .filter(entities::landlord::Column::ContactEmail.ne(LANDLORD))
            .one(app.db()).await.expect("q").expect("another landlord").id;
        let mut theirs = unit_json(available, programme);
        theirs["landlord_id"] = json!(other_landlord);
        assert_eq!(call(app, &landlord, Method::POST, "/api/v1/units", Some(&theirs), &[]).await.status, 403);
        let foreign = unit::Entity::find()
            .filter(unit::Column::LandlordId.eq(other_landlord))
            .one(app.db()).await.expect("q").expect("their flat").id;
        assert_eq!(call(app, &landlord, Method::PATCH, &format!("/api/v1/units/{foreign}"), Some(&json!({"cold_rent": 1})), &[]).await.status, 404);

        // The coordinator decides the incentive request; the landlord gets the page's e-mail.
        let coordinator = token_for(app, ES_COORDINATOR).await;
        let request = unit_incentive::Entity::find()
            .filter(unit_incentive::Column::UnitId.eq(id))
            .one(app.db()).await.expect("q").expect("request").id;
        let decision = format!("/api/v1/incentive-requests/{request}/decision");
        let refused = call(app, &coordinator, Method::POST, &decision, Some(&json!({"decision": "decline"})), &[]).await;
        assert_eq!(refused.status, 422);
        assert!(refused.error_at("note").is_some());
        assert_eq!(call(app, &landlord, Method::POST, &decision, Some(&json!({"decision": "grant"})), &[]).await.status, 403);
        let before = call(app, &coordinator, Method::GET, &path, None, &[]).await.header("etag");
        let granted = call(app, &coordinator, Method::POST, &decision, Some(&json!({"decision": "grant", "amount": 500})), &[("Idempotency-Key", "grant-1")]).await;
        assert_eq!(granted.status, 200, "{}", granted.body);
        assert_ne!(granted.header("etag"), before, "the flat's requests changed, so did its ETag");
        assert_eq!(call(app, &coordinator, Method::GET, &path, None, &[("If-None-Match", &before)]).await.status, 200);
        assert_eq!(granted.body["incentive_requests"][0]["status"], "granted");
        assert_eq!(granted.body["incentive_requests"][0]["granted_amount_cents"], 50000);
        let replay = call(app, &coordinator, Method::POST, &decision, Some(&json!({"decision": "grant", "amount": 500})), &[("Idempotency-Key", "grant-1")]).await;
        assert_eq!(replay.status, 200, "a retry answers as the first time");
        let twice = call(app, &coordinator, Method::POST, &decision, Some(&json!({"decision": "grant", "amount": 500})), &[]).await;
        assert_eq!(twice.status, 409, "decided already");
        let told = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("incentive_granted_landlord"))
            .count(app.db()).await.expect("count");
        assert_eq!(told, 1);
    }
);

db_test!(
    async fn concurrent_writes_lose_nothing_and_odd_input_is_named(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let by_ref = format!("/api/v1/municipalities/{}/households/by-reference/ES-RACE-1", d.esslingen);
        let mut body = household_json(d.esslingen, "ES-RACE-1");
        body.as_object_mut().expect("object").remove("municipality_id");

        // Several PUTs for a new reference at once: one household, no server error.
        let (a, b, c, e) = tokio::join!(
            call(app, &token, Method::PUT, &by_ref, Some(&body), &[]),
            call(app, &token, Method::PUT, &by_ref, Some(&body), &[]),
            call(app, &token, Method::PUT, &by_ref, Some(&body), &[]),
            call(app, &token, Method::PUT, &by_ref, Some(&body), &[]),
        );
        for r in [&a, &b, &c, &e] {
            assert!(r.status == 200 || r.status == 201, "{} {}", r.status, r.body);
        }
        assert_eq!(households_named(app, "ES-RACE-1").await, 1);
        let path = a.header("location");
        let path = if path.is_empty() { format!("/api/v1/households/{}", a.body["id"]) } else { path };

        // PATCHes without If-Match at once: each applies its member to the current state.
        let changes = [json!({"urgency": 3}), json!({"notes": "Ruft abends an"}), json!({"phone": "0711 123456"}), json!({"pets": true})];
        let (p1, p2, p3, p4) = tokio::join!(
            call(app, &token, Method::PATCH, &path, Some(&changes[0]), &[]),
            call(app, &token, Method::PATCH, &path, Some(&changes[1]), &[]),
            call(app, &token, Method::PATCH, &path, Some(&changes[2]), &[]),
            call(app, &token, Method::PATCH, &path, Some(&changes[3]), &[]),
        );
        for r in [&p1, &p2, &p3, &p4] {
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let now = call(app, &token, Method::GET, &path, None, &[]).await.body;
        assert_eq!((now["urgency"].clone(), now["pets"].clone()), (json!(3), json!(true)), "no change lost");
        assert_eq!((now["profile"]["notes"].clone(), now["profile"]["phone"].clone()), (json!("Ruft abends an"), json!("0711 123456")));

        // If-Match for a reference that does not exist: nothing can match, nothing is created.
        let ghost = format!("/api/v1/municipalities/{}/households/by-reference/ES-GHOST", d.esslingen);
        for tag in ["*", "\"v1\""] {
            assert_eq!(call(app, &token, Method::PUT, &ghost, Some(&body), &[("If-Match", tag)]).await.status, 412);
        }
        assert_eq!(households_named(app, "ES-GHOST").await, 0);

        // A value that is no choice is refused at its path, never guessed.
        let odd = json!({"members": [{"first_name": "Amal", "birth_year": 1988, "role": "boss"}],
                         "anchors": [{"kind": "pub", "label": "Kneipe", "postal_code": "73728", "importance": "very"}]});
        let r = call(app, &token, Method::PATCH, &path, Some(&odd), &[]).await;
        assert_eq!(r.status, 422);
        for at in ["members[0].role", "anchors[0].kind", "anchors[0].importance"] {
            assert!(r.error_at(at).is_some(), "{at}: {}", r.body);
        }

        // Languages the form has no box for stay when the page is saved.
        let r = call(app, &token, Method::PATCH, &path, Some(&json!({"languages": ["so", "am", "de"]})), &[]).await;
        assert_eq!(r.status, 200);
        let id = r.body["id"].as_i64().expect("id");
        let es = staff(app, ES_COORDINATOR).await;
        let edit = es.get(&format!("/households/{id}/edit")).await.text().await.expect("edit");
        assert!(edit.contains("value=\"so, am\""), "the other languages stand in their field");
    }
);
