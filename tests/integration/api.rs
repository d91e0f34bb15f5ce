//! The JSON API: tokens from the account page, scope like the pages, problem documents,
//! pagination, writes, the OpenAPI document and Swagger UI, metrics.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{ES_COORDINATOR, LANDLORD, demo, staff};

/// Creates a token for `email` through the account page and returns it.
pub async fn token_for(app: &TestApp, email: &str) -> String {
    let browser = staff(app, email).await;
    let r = browser
        .post_form(
            "/account",
            "/account/tokens",
            &[("name", "Fachverfahren"), ("days", "30")],
        )
        .await;
    assert_eq!(r.status(), 201);
    let html = r.text().await.expect("page");
    let start = html.find("blb_").expect("the new token is shown");
    html[start..start + 52].to_owned()
}

pub async fn api(app: &TestApp, token: &str, path: &str) -> (u16, String, Value) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, kind, body)
}

async fn api_post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

db_test!(
    async fn tokens_are_made_on_the_account_page_shown_once_and_can_be_revoked(app) {
        demo(app).await;
        let browser = staff(app, ES_COORDINATOR).await;
        // A missing name: 422, message at the field, the other value kept.
        let r = browser
            .post_form("/account", "/account/tokens", &[("name", " "), ("days", "45")])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("aria-invalid=\"true\""), "error at the field");
        assert!(html.contains("value=\"45\""), "days kept");
        let r = browser
            .post_form("/account", "/account/tokens", &[("name", "x"), ("days", "9999")])
            .await;
        assert_eq!(r.status(), 422);

        let token = token_for(app, ES_COORDINATOR).await;
        let (status, _, me) = api(app, &token, "/api/v1/me").await;
        assert_eq!(status, 200);
        assert_eq!(me["role"], "coordinator");
        // The list shows the prefix, never the token again.
        let list = browser.get("/account").await.text().await.expect("page");
        assert!(list.contains(&token[..10]));
        assert!(!list.contains(&token));
        let stored = entities::api_token::Entity::find().all(app.db()).await.expect("rows");
        assert!(stored.iter().all(|t| t.token_hash != token && t.token_hash.len() == 64));

        // Revoked: 401 with a problem document.
        let id = stored.iter().find(|t| token.starts_with(&t.prefix)).expect("row").id;
        let r = browser
            .post_form("/account", &format!("/account/tokens/{id}/revoke"), &[])
            .await;
        assert_eq!(r.status(), 303);
        let (status, kind, body) = api(app, &token, "/api/v1/me").await;
        assert_eq!(status, 401);
        assert_eq!(kind, "application/problem+json");
        assert_eq!(body["status"], 401);
    }
);

db_test!(
    async fn the_api_sees_exactly_what_the_pages_show(app) {
        let d = demo(app).await;
        let coordinator = token_for(app, ES_COORDINATOR).await;
        let landlord = token_for(app, LANDLORD).await;

        // A coordinator: households of their municipality only.
        let (status, _, page) = api(app, &coordinator, "/api/v1/households?per_page=100").await;
        assert_eq!(status, 200);
        let items = page["items"].as_array().expect("items");
        assert!(!items.is_empty());
        assert!(items.iter().all(|h| h["municipality_id"] == d.esslingen));
        assert!(items.iter().all(|h| h.get("members").is_none()), "no names in lists");
        let (status, kind, _) = api(
            app,
            &coordinator,
            &format!("/api/v1/households?municipality_id={}", d.winnenden),
        )
        .await;
        assert_eq!((status, kind.as_str()), (403, "application/problem+json"));
        let other = entities::household::Entity::find()
            .filter(entities::household::Column::MunicipalityId.eq(d.winnenden))
            .one(app.db())
            .await
            .expect("query")
            .expect("a Winnenden household");
        let (status, _, _) = api(app, &coordinator, &format!("/api/v1/households/{}", other.id)).await;
        assert_eq!(status, 404, "outside the scope is not admitted to exist");
        let own = items[0]["id"].as_i64().expect("id");
        let (status, _, detail) = api(app, &coordinator, &format!("/api/v1/households/{own}")).await;
        assert_eq!(status, 200);
        assert!(detail["members"].as_array().is_some_and(|m| !m.is_empty()));

        // A landlord: only their own flats, no households, proposals without names.
        let (status, _, units) = api(app, &landlord, "/api/v1/units?per_page=100").await;
        assert_eq!(status, 200);
        let mine = bleibe::store::landlords::find_by_user(
            app.db(),
            bleibe::store::users::find_by_email(app.db(), LANDLORD)
                .await
                .expect("query")
                .expect("user")
                .id,
        )
        .await
        .expect("query")
        .expect("landlord");
        let units = units["items"].as_array().expect("items");
        assert!(!units.is_empty());
        assert!(units.iter().all(|u| u["landlord_id"] == mine.id));
        let (status, _, _) = api(app, &landlord, "/api/v1/households").await;
        assert_eq!(status, 403);
        let (status, _, proposals) = api(app, &landlord, "/api/v1/proposals").await;
        assert_eq!(status, 200);
        for p in proposals["items"].as_array().expect("items") {
            assert!(p["household_id"].is_null() && p["household_reference"].is_null(), "{p}");
            assert!(p["household"]["persons"].as_u64().is_some());
        }
        let foreign = entities::unit::Entity::find()
            .filter(entities::unit::Column::LandlordId.ne(mine.id))
            .one(app.db())
            .await
            .expect("query")
            .expect("another landlord's unit");
        let (status, _, _) = api(app, &landlord, &format!("/api/v1/units/{}", foreign.id)).await;
        assert_eq!(status, 404);
    }
);

db_test!(
    async fn lists_page_and_filter_and_bad_input_gets_a_problem_document(app) {
        demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let (_, _, all) = api(app, &token, "/api/v1/units?per_page=100").await;
        let total = all["total"].as_u64().expect("total");
        assert!(total > 2);
        let (_, _, first) = api(app, &token, "/api/v1/units?per_page=2&page=1").await;
        let (_, _, second) = api(app, &token, "/api/v1/units?per_page=2&page=2").await;
        assert_eq!(first["items"].as_array().map(Vec::len), Some(2));
        assert_eq!(first["total"], total);
        assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
        let (_, _, beyond) = api(app, &token, "/api/v1/units?per_page=100&page=99").await;
        assert_eq!(beyond["items"].as_array().map(Vec::len), Some(0));
        let (_, _, available) = api(app, &token, "/api/v1/units?status=available&per_page=100").await;
        assert!(available["items"].as_array().expect("items").iter().all(|u| u["status"] == "available"));

        for bad in [
            "/api/v1/units?per_page=0",
            "/api/v1/units?per_page=101",
            "/api/v1/units?status=nonsense",
            "/api/v1/units?postal_code=12",
            "/api/v1/households?min_urgency=9",
            "/api/v1/units/not-a-number",
            "/api/v1/proposals?stage=nowhere",
        ] {
            let (status, kind, body) = api(app, &token, bad).await;
            assert_eq!(status, 400, "{bad}");
            assert_eq!(kind, "application/problem+json", "{bad}");
            assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()), "{bad}");
        }
        let (status, _, _) = api(app, &token, "/api/v1/nowhere").await;
        assert_eq!(status, 404);
        let r = app
            .client
            .post(app.url("/api/v1/match-runs"))
            .bearer_auth(&token)
            .body("municipality_id=1")
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 415);
    }
);

db_test!(
    async fn wrong_tokens_are_refused_then_limited_per_address(app) {
        demo(app).await;
        let r = app.client.get(app.url("/api/v1/me")).send().await.expect("request");
        assert_eq!(r.status(), 401);
        assert!(r.headers().get("www-authenticate").is_some());
        let limit = app.app.settings.security.token_attempts;
        for _ in 0..limit {
            let (status, _, _) = api(app, "blb_wrong", "/api/v1/me").await;
            assert_eq!(status, 401);
        }
        let r = app
            .client
            .get(app.url("/api/v1/me"))
            .bearer_auth("blb_wrong")
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 429);
        assert!(r.headers().get("retry-after").is_some());
        // A valid token still works from the same address.
        let token = token_for(app, ES_COORDINATOR).await;
        assert_eq!(api(app, &token, "/api/v1/me").await.0, 200);
        // Secret links in e-mails share the counter: this address is over the limit.
        assert_eq!(app.get("/a/0123").await.status(), 429);
    }
);

db_test!(
    async fn a_coordinator_runs_matching_and_moves_proposals_through_the_api(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let (status, run) = api_post(app, &token, "/api/v1/match-runs", serde_json::json!({"municipality_id": d.esslingen})).await;
        assert_eq!(status, 201, "{run}");
        let run_id = run["id"].as_i64().expect("id");
        assert!(run["proposals"].as_array().is_some_and(|p| !p.is_empty()), "{run}");
        let (status, _) = api_post(app, &token, "/api/v1/match-runs", serde_json::json!({"municipality_id": d.winnenden})).await;
        assert_eq!(status, 403);

        let (status, approval) = api_post(app, &token, &format!("/api/v1/match-runs/{run_id}/approve"), Value::Null).await;
        assert_eq!(status, 200, "{approval}");
        assert!(approval["approved"].as_u64().is_some_and(|n| n > 0), "{approval}");
        let (_, _, sent) = api(app, &token, "/api/v1/proposals?state=sent&per_page=100").await;
        let proposal = sent["items"][0]["id"].as_i64().expect("a sent proposal");

        // A step that needs fields: 422 naming them; an unknown action: 422; an illegal one: 409.
        let (status, body) = api_post(app, &token, &format!("/api/v1/proposals/{proposal}/steps"), serde_json::json!({"action": "landlord_decline"})).await;
        assert_eq!(status, 422, "{body}");
        assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()), "{body}");
        let (status, _) = api_post(app, &token, &format!("/api/v1/proposals/{proposal}/steps"), serde_json::json!({"action": "fly"})).await;
        assert_eq!(status, 422);
        let (status, body) = api_post(app, &token, &format!("/api/v1/proposals/{proposal}/steps"), serde_json::json!({"action": "moved_in"})).await;
        assert_eq!(status, 409, "{body}");
        let (status, body) = api_post(app, &token, &format!("/api/v1/proposals/{proposal}/steps"), serde_json::json!({"action": "landlord_accept"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "landlord_accepted");

        // Closing a household needs a reason, at the field.
        let (_, _, households) = api(app, &token, "/api/v1/households?status=active&per_page=100").await;
        let free = households["items"].as_array().expect("items").iter().rev().find_map(|h| h["id"].as_i64()).expect("id");
        let (status, body) = api_post(app, &token, &format!("/api/v1/households/{free}/status"), serde_json::json!({"status": "closed"})).await;
        if status != 409 {
            assert_eq!(status, 422, "{body}");
            assert_eq!(body["errors"][0]["field"], "reason");
            let (status, body) = api_post(app, &token, &format!("/api/v1/households/{free}/status"), serde_json::json!({"status": "paused", "reason": "Urlaub"})).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["status"], "paused");
        }

        // Every request was counted under its route (the counters are per process, which
        // other tests share).
        let metrics = app.get("/metrics").await.text().await.expect("text");
        assert!(metrics.contains("http_requests_total{method=\"POST\",route=\"/api/v1/match-runs\",status=\"201\"} "), "{metrics}");
        assert!(metrics.contains("bleibe_match_run_duration_seconds_count"));
        assert!(metrics.contains("bleibe_outbox_pending "));
    }
);

db_test!(
    async fn the_openapi_document_describes_every_api_route_and_swagger_ui_is_served(app) {
        let r = app.get("/api/openapi.json").await;
        assert_eq!(r.status(), 200);
        let doc: Value = r.json().await.expect("json");
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        let paths = doc["paths"].as_object().expect("paths");
        let source = include_str!("../../src/web/api/mod.rs");
        for (i, _) in source.match_indices(".route(\"") {
            let rest = &source[i + 8..];
            let route = &rest[..rest.find('"').expect("end")];
            let full = format!("/api/v1{route}");
            assert!(paths.contains_key(&full), "{full} is not in the OpenAPI document");
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        // Every webhook event is described, with its signature header.
        let hooks = doc["webhooks"].as_object().expect("webhooks");
        for event in bleibe::domain::webhooks::EventType::NAMES {
            let params = hooks[*event]["post"]["parameters"].as_array().expect("parameters");
            assert!(params.iter().any(|p| p["name"] == "Bleibe-Signature"), "{event}");
        }
        assert!(doc["components"]["schemas"]["WebhookEvent"].is_object());
        assert!(doc["info"]["description"].as_str().is_some_and(|d| d.contains("HMAC-SHA256")));
        let ui = app.get("/api/docs/").await;
        assert_eq!(ui.status(), 200);
        assert!(ui.text().await.expect("html").contains("swagger-ui"));
        let css = app.get("/api/docs/swagger-ui.css").await;
        assert_eq!(css.status(), 200, "assets are vendored, not fetched");
        // Plain http: no HSTS (it is sent when server.base_url is https).
        assert!(app.get("/health").await.headers().get("strict-transport-security").is_none());
    }
);

db_test!(
    async fn a_whole_placement_can_be_walked_through_the_api_alone(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let (_, suggested) = crate::pipeline::match_run(app, d).await;
        let p = &suggested[0];
        crate::workspace::set_available_from(app, p.unit_id, crate::pipeline::day(2026, 11, 1)).await;
        let members = entities::household_member::Entity::find()
            .filter(entities::household_member::Column::HouseholdId.eq(p.household_id))
            .all(app.db())
            .await
            .expect("q")
            .len();
        let path = format!("/api/v1/proposals/{}/steps", p.id);
        let step = async |token: &str, body: Value, expected: &str| {
            let (status, answer) = api_post(app, token, &path, body.clone()).await;
            assert_eq!(status, 200, "{body} → {answer}");
            assert_eq!(answer["state"], expected, "{body}");
        };
        let take = async |body: Value, expected: &str| step(&token, body, expected).await;
        take(serde_json::json!({"action": "approve"}), "sent").await;
        take(serde_json::json!({"action": "landlord_accept", "note": "am Telefon"}), "landlord_accepted").await;
        take(serde_json::json!({"action": "household_accept"}), "accepted").await;
        take(serde_json::json!({"action": "schedule_viewing", "starts_at": "2026-11-23T17:00:00+01:00", "place": "Haustür"}), "viewing_scheduled").await;
        app.clock.advance(chrono::Duration::days(3));
        take(serde_json::json!({"action": "viewing_held"}), "viewing_held").await;
        take(serde_json::json!({"action": "jobcenter_requested", "on": "2026-11-24"}), "jobcenter_requested").await;
        take(serde_json::json!({"action": "jobcenter_granted", "on": "2026-11-24", "note": null}), "jobcenter_granted").await;
        take(serde_json::json!({"action": "lease_signed", "lease_kind": "head_lease", "signed_on": "2026-11-24", "lease_start": "2026-12-01", "rent_cold": 512.5, "service_charges": 90, "heating_costs": 45.25}), "lease_signed").await;
        app.clock.advance(chrono::Duration::days(8));
        take(serde_json::json!({"action": "moved_in", "moved_in_on": "2026-12-01", "places_freed": members}), "moved_in").await;
        app.clock.advance(chrono::Duration::days(366));
        // A year later: a new token (the first was valid for 30 days).
        let token = token_for(app, ES_COORDINATOR).await;
        for month in [1, 3, 6, 12] {
            step(&token, serde_json::json!({"action": "follow_up", "month": month, "done_on": "2027-12-02", "rent_paid": "yes", "support_needed": "no"}), "moved_in").await;
        }
        step(&token, serde_json::json!({"action": "sustained"}), "sustained").await;
        let placement = entities::placement::Entity::find()
            .filter(entities::placement::Column::ProposalId.eq(p.id))
            .one(app.db())
            .await
            .expect("q")
            .expect("placement");
        assert_eq!((placement.rent_cold_cents, placement.heating_costs_cents), (Some(51_250), Some(4_525)));
        assert_eq!(placement.lease_kind.as_deref(), Some("head_lease"));
        assert_eq!(placement.outcome, "sustained");
    }
);

db_test!(
    async fn api_steps_name_the_field_that_is_unknown_missing_or_of_the_wrong_type(app) {
        let d = demo(app).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let (_, suggested) = crate::pipeline::match_run(app, d).await;
        let path = format!("/api/v1/proposals/{}/steps", suggested[0].id);
        let (status, _) = api_post(app, &token, &path, serde_json::json!({"action": "approve"})).await;
        assert_eq!(status, 200);
        for (action, _) in [("landlord_accept", ()), ("household_accept", ())] {
            assert_eq!(api_post(app, &token, &path, serde_json::json!({"action": action})).await.0, 200);
        }
        let field_of = |body: &Value| body["errors"][0]["field"].as_str().unwrap_or("").to_owned();
        // The old documentation said `slot`: an unknown member is named.
        let (status, body) = api_post(app, &token, &path, serde_json::json!({"action": "schedule_viewing", "slot": "2026-12-05T17:00", "place": "Tür"})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(field_of(&body), "slot");
        // A missing member, in German by default and in English on request.
        let (status, body) = api_post(app, &token, &path, serde_json::json!({"action": "schedule_viewing", "place": "Tür"})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(field_of(&body), "starts_at");
        // A value of the wrong type, and a time in the past.
        let (status, body) = api_post(app, &token, &path, serde_json::json!({"action": "schedule_viewing", "starts_at": 1_700_000_000, "place": "Tür"})).await;
        assert_eq!((status, field_of(&body)), (422, "starts_at".to_owned()), "{body}");
        let (status, body) = api_post(app, &token, &path, serde_json::json!({"action": "schedule_viewing", "starts_at": "2026-11-20T17:00:00Z", "place": "Tür"})).await;
        assert_eq!((status, field_of(&body)), (422, "starts_at".to_owned()), "{body}");
        // No action at all.
        let (status, body) = api_post(app, &token, &path, serde_json::json!({"place": "Tür"})).await;
        assert_eq!((status, field_of(&body)), (422, "action".to_owned()), "{body}");
        // The documented member works.
        let (status, body) = api_post(app, &token, &path, serde_json::json!({"action": "schedule_viewing", "starts_at": "2026-12-05T17:00", "place": "Tür"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["state"], "viewing_scheduled");
    }
);

db_test!(
    async fn the_openapi_document_lists_every_step_with_its_own_fields(app) {
        use bleibe::domain::input::FieldKind;
        use bleibe::domain::pipeline::Action;
        let doc: Value = app.get("/api/openapi.json").await.json().await.expect("json");
        let step = &doc["components"]["schemas"]["Step"];
        assert_eq!(step["discriminator"]["propertyName"], "action", "{step}");
        let variants = step["oneOf"].as_array().expect("oneOf");
        assert_eq!(variants.len(), Action::ALL.len());
        for action in Action::ALL {
            let v = variants
                .iter()
                .find(|v| v["properties"]["action"]["enum"][0] == action.as_str())
                .unwrap_or_else(|| panic!("{action} is not in the document"));
            let properties = v["properties"].as_object().expect("properties");
            let mut names: Vec<&str> = properties.keys().map(String::as_str).filter(|k| *k != "action").collect();
            names.sort_unstable();
            let mut declared: Vec<&str> = action.fields().iter().map(|f| f.name).collect();
            declared.sort_unstable();
            assert_eq!(names, declared, "{action}");
            assert_eq!(v["additionalProperties"], false, "{action}");
            for spec in action.fields() {
                let p = &properties[spec.name];
                let required = v["required"].as_array().expect("required").iter().any(|r| r == spec.name);
                assert_eq!(required, spec.required, "{action}.{}", spec.name);
                match spec.kind {
                    FieldKind::DateTime => assert_eq!(p["format"], "date-time"),
                    FieldKind::Date => assert_eq!(p["format"], "date"),
                    FieldKind::Money { max } => assert_eq!(p["maximum"].as_f64(), Some((max.0 / 100) as f64)),
                    FieldKind::Count { max, .. } => assert_eq!(p["maximum"].as_i64(), Some(max)),
                    FieldKind::Text { max } | FieldKind::Note { max } => assert_eq!(p["maxLength"].as_u64(), Some(max as u64)),
                    FieldKind::Choice(values) => assert_eq!(
                        p["enum"].as_array().map(Vec::len),
                        Some(values.len() + usize::from(!spec.required)),
                        "the values, and null where the field may be left out"
                    ),
                    FieldKind::YesNo | FieldKind::Id => {}
                }
            }
        }
        let viewing = variants.iter().find(|v| v["properties"]["action"]["enum"][0] == "schedule_viewing").expect("viewing");
        assert!(viewing["properties"].get("slot").is_none());
    }
);
