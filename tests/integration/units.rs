//! The unit form: every validation rule with all values kept, drafts, photos, incentives,
//! editing and withdrawing, the expired-session rescue, and who may see what.

use chrono::Duration;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::accounts::{TestClient, csrf_of, landlord_logged_in, post_form};
use crate::db_test;
use crate::helpers::{TestApp, png, seed_plochingen};

/// A complete, valid unit form.
fn valid_fields(incentive: i64) -> Vec<(String, String)> {
    [
        ("street", "Hauptstraße"),
        ("house_number", "12a"),
        ("postal_code", "73207"),
        ("town", "Plochingen"),
        ("address_extra", "2. OG links"),
        ("area_m2", "62,5"),
        ("rooms", "2,5"),
        ("floor", "2"),
        ("max_occupants", "4"),
        ("has_lift", "1"),
        ("pets_allowed", "1"),
        ("cold_rent", "480"),
        ("service_charges", "110,50"),
        ("heating_costs", "70"),
        ("deposit", "1.440"),
        ("available_from", "2026-12-01"),
        ("lease_type", "open_ended"),
        ("pref_max_household_size", "3"),
        ("pref_tags", "families"),
        ("pref_tags", "employed"),
        ("pref_notes", "Nichtraucher bevorzugt"),
        ("description", "Helle Wohnung mit Balkon."),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .chain([("incentive".to_owned(), incentive.to_string())])
    .collect()
}

fn with(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        fields.iter().filter(|(k, _)| k != name).cloned().collect();
    if !value.is_empty() {
        out.push((name.to_owned(), value.to_owned()));
    }
    out
}

/// Posts the unit form as multipart (like a browser) with the form's token.
async fn post_unit(
    app: &TestApp,
    client: &reqwest::Client,
    form_path: &str,
    action_path: &str,
    fields: &[(String, String)],
    action: &str,
    photos: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let html = client
        .get(app.url(form_path))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no token on {form_path}: {html}"))
        + marker.len();
    let csrf = html[start..start + html[start..].find('"').expect("end")].to_owned();
    let mut form = Form::new()
        .text("csrf", csrf)
        .text("action", action.to_owned());
    // The new-flat form's key, as a browser sends it back.
    if let Some(key) = hidden_value(&html, "draft_key") {
        form = form.text("draft_key", key);
    }
    for (k, v) in fields {
        form = form.text(k.clone(), v.clone());
    }
    for (name, bytes) in photos {
        form = form.part(
            "photos",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("image/png")
                .expect("mime"),
        );
    }
    client
        .post(app.url(action_path))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

/// The value of the hidden field `name` on a page.
fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}

async fn drafts_of(app: &TestApp) -> Vec<entities::unit_draft::Model> {
    entities::unit_draft::Entity::find()
        .all(app.db())
        .await
        .expect("drafts")
}

async fn units_of(app: &TestApp) -> Vec<entities::unit::Model> {
    entities::unit::Entity::find()
        .all(app.db())
        .await
        .expect("units")
}

db_test!(
    async fn a_landlord_registers_a_unit_with_photos_and_incentives(app) {
        let (municipality, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let page = app.get("/units/new").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("text");
        assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("unit-form.js"));

        let r = post_unit(app, &app.client, "/units/new", "/units/new", &valid_fields(programmes[0]), "submit", vec![("balkon.png", png(40)), ("kueche.png", png(30))]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        assert_eq!(r.headers()["location"], "/dashboard");

        let units = units_of(app).await;
        assert_eq!(units.len(), 1);
        let u = &units[0];
        assert_eq!(u.status, "submitted");
        assert_eq!(u.municipality_id, municipality);
        assert_eq!((u.area_m2, u.rooms, u.floor, u.max_occupants), (62.5, 2.5, 2, 4));
        assert_eq!((u.cold_rent_cents, u.service_charges_cents, u.heating_costs_cents, u.deposit_cents), (48000, 11050, 7000, 144000));
        assert!(u.has_lift && u.pets_allowed && !u.step_free);
        assert_eq!(u.pref_tags, "[\"families\",\"employed\"]");
        assert!((u.lat - 48.71).abs() < 0.05, "coordinates from the postal code");
        let photos = entities::unit_photo::Entity::find().all(app.db()).await.expect("photos");
        assert_eq!(photos.len(), 2);
        assert!(photos.iter().all(|p| p.unit_id == Some(u.id) && p.draft_id.is_none() && p.content_type == "image/png"));
        let folder = app.data_dir.join("photos");
        for p in &photos {
            assert!(folder.join(&p.storage_key).exists());
            assert!(folder.join(p.storage_key.replace(".png", ".thumb.jpg")).exists(), "thumbnail written");
        }
        let requests = entities::unit_incentive::Entity::find().all(app.db()).await.expect("requests");
        assert_eq!(requests.len(), 1);
        assert_eq!((requests[0].programme_id, requests[0].status.as_str()), (programmes[0], "requested"));
        assert_eq!(entities::unit_draft::Entity::find().count(app.db()).await.expect("count"), 0, "the draft became the unit");

        // The landlord gets a confirmation, and sees the unit with its status and incentive.
        app.dispatch_mails().await;
        assert!(app.mails().iter().any(|m| m.to == "renate@example.org" && m.subject == "Wir haben Ihre Wohnung erhalten"));
        let dashboard = app.get("/dashboard").await.text().await.expect("text");
        assert!(dashboard.contains("Hauptstraße 12a") && dashboard.contains("Abgeschickt") && dashboard.contains("Mietausfallgarantie: beantragt"), "{dashboard}");
        let show = app.get(&format!("/units/{}", u.id)).await.text().await.expect("text");
        assert!(show.contains("62,5 m²") && show.contains("590,50"), "gross cold rent shown");
        let thumb = app.get(&format!("/photos/{}?size=thumb", photos[0].storage_key)).await;
        assert_eq!(thumb.status(), 200);
        assert_eq!(thumb.headers()["content-type"], "image/jpeg");
        assert!(!show.contains("alt=\"balkon.png\""), "no file name as a text alternative");

        // The landlord says what each photo shows; a description too long comes back.
        let edit = format!("/units/{}/edit", u.id);
        let page = app.get(&edit).await.text().await.expect("form");
        assert!(page.contains(&format!("name=\"photo_alt_{}\"", photos[0].id)), "a field per photo");
        let long = "x".repeat(201);
        let too_long = with(&valid_fields(programmes[0]), &format!("photo_alt_{}", photos[0].id), &long);
        let r = post_unit(app, &app.client, &edit, &edit, &too_long, "submit", vec![]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("page").contains("höchstens 200 Zeichen"));
        let described = with(&valid_fields(programmes[0]), &format!("photo_alt_{}", photos[0].id), "Balkon mit Blick ins Grüne");
        let r = post_unit(app, &app.client, &edit, &edit, &described, "submit", vec![]).await;
        assert_eq!(r.status(), 303);
        let show = app.get(&format!("/units/{}", u.id)).await.text().await.expect("text");
        assert!(show.contains("alt=\"Balkon mit Blick ins Grüne\""), "{show}");
        assert!(show.contains("alt=\"Foto 2 der Wohnung"), "a photo without words is described by what it is");
    }
);

db_test!(
    async fn every_mistake_comes_back_with_every_value_kept(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let base = valid_fields(programmes[0]);
        let cases: Vec<(&str, &str, &str)> = vec![
            ("street", "", "f-street-error"),
            ("house_number", "", "f-house_number-error"),
            ("postal_code", "7320", "f-postal_code-error"),
            ("postal_code", "99999", "f-postal_code-error"),
            ("postal_code", "10115", "f-postal_code-error"),
            ("town", "", "f-town-error"),
            ("area_m2", "5", "f-area_m2-error"),
            ("area_m2", "viel", "f-area_m2-error"),
            ("area_m2", "", "f-area_m2-error"),
            ("rooms", "0", "f-rooms-error"),
            ("rooms", "2,3", "f-rooms-error"),
            ("floor", "99", "f-floor-error"),
            ("floor", "1,5", "f-floor-error"),
            ("max_occupants", "0", "f-max_occupants-error"),
            ("cold_rent", "-5", "f-cold_rent-error"),
            ("cold_rent", "9000", "f-cold_rent-error"),
            ("service_charges", "", "f-service_charges-error"),
            ("heating_costs", "-1", "f-heating_costs-error"),
            ("deposit", "5000", "f-deposit-error"),
            ("available_from", "2020-01-01", "f-available_from-error"),
            ("available_from", "bald", "f-available_from-error"),
            ("lease_type", "", "f-lease_type-error"),
            ("pref_max_household_size", "9", "f-pref_max_household_size-error"),
        ];
        for (field, value, error_id) in &cases {
            let fields = with(&base, field, value);
            let r = post_unit(app, &app.client, "/units/new", "/units/new", &fields, "submit", vec![]).await;
            assert_eq!(r.status(), 422, "{field}={value}");
            let html = r.text().await.expect("text");
            assert!(html.contains(&format!("id=\"{error_id}\"")), "{field}={value}: no message at the field");
            assert!(html.contains("error-summary") && html.contains(&format!("href=\"#f-{field}\"")), "{field}: summary links to the field");
            for (name, v) in &fields {
                if ["pref_tags", "incentive", "has_lift", "pets_allowed", "lease_type"].contains(&name.as_str()) {
                    continue;
                }
                assert!(html.contains(&format!("value=\"{v}\"")) || html.contains(&format!(">{v}</textarea>")), "{field}={value}: value of {name} ({v}) lost");
            }
            assert!(html.contains("name=\"has_lift\" value=\"1\" checked"), "{field}: checkbox lost");
            assert!(html.contains("value=\"families\" checked") && html.contains("value=\"employed\" checked"), "{field}: wishes lost");
        }
        // A fixed-term lease needs an end after the start.
        let fixed = with(&base, "lease_type", "fixed_term");
        let r = post_unit(app, &app.client, "/units/new", "/units/new", &fixed, "submit", vec![]).await;
        assert!(r.text().await.expect("text").contains("id=\"f-lease_end-error\""));
        let r = post_unit(app, &app.client, "/units/new", "/units/new", &with(&fixed, "lease_end", "2026-11-30"), "submit", vec![]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("text").contains("id=\"f-lease_end-error\""));
        assert!(units_of(app).await.is_empty(), "nothing submitted");
    }
);

db_test!(
    async fn a_file_that_is_not_an_image_is_refused_by_its_content(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let fake = b"<html>not a picture</html>".to_vec();
        let r = post_unit(app, &app.client, "/units/new", "/units/new", &valid_fields(programmes[0]), "submit", vec![("foto.png", fake)]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("text");
        assert!(html.contains("id=\"f-photos-error\"") && html.contains("kein JPEG, PNG oder WebP"));
        assert_eq!(entities::unit_photo::Entity::find().count(app.db()).await.expect("count"), 0);
    }
);

db_test!(
    async fn a_draft_keeps_everything_including_photos_until_it_is_sent(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let partial: Vec<(String, String)> = vec![("street".into(), "Schulstraße".into()), ("area_m2".into(), "nicht sicher".into())];
        let r = post_unit(app, &app.client, "/units/new", "/units/new", &partial, "draft", vec![("flur.png", png(20))]).await;
        // Saved, then the draft's own page (a reload never posts again).
        assert_eq!(r.status(), 303);
        let draft = entities::unit_draft::Entity::find().one(app.db()).await.expect("query").expect("draft saved");
        assert_eq!(r.headers()["location"], format!("/units/drafts/{}", draft.id).as_str());
        let html = app.get(&format!("/units/drafts/{}", draft.id)).await.text().await.expect("text");
        assert!(html.contains("Entwurf ist gespeichert") && html.contains("value=\"nicht sicher\""));
        assert!(html.contains(&format!("action=\"/units/drafts/{}\"", draft.id)), "the next post updates the same draft");
        let dashboard = app.get("/dashboard").await.text().await.expect("text");
        assert!(dashboard.contains("Schulstraße") && dashboard.contains(&format!("/units/drafts/{}", draft.id)));

        // Submitting with a mistake keeps the draft and its photo.
        let path = format!("/units/drafts/{}", draft.id);
        let mut fields = valid_fields(programmes[1]);
        fields = with(&fields, "street", "Schulstraße");
        let r = post_unit(app, &app.client, &path, &path, &with(&fields, "area_m2", "5"), "submit", vec![]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("text").contains("?size=thumb"), "the photo is still shown");
        let r = post_unit(app, &app.client, &path, &path, &fields, "submit", vec![]).await;
        assert_eq!(r.status(), 303);
        let unit = units_of(app).await.pop().expect("unit");
        assert_eq!(unit.street, "Schulstraße");
        let photos = entities::unit_photo::Entity::find().all(app.db()).await.expect("photos");
        assert_eq!(photos.len(), 1);
        assert_eq!(photos[0].unit_id, Some(unit.id));
        assert_eq!(entities::unit_draft::Entity::find().count(app.db()).await.expect("count"), 0);
    }
);

db_test!(
    async fn the_municipalitys_incentives_are_offered_once_the_postal_code_is_known(app) {
        let (_, _) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let blank = app.get("/units/new").await.text().await.expect("text");
        assert!(blank.contains("name=\"action\" value=\"refresh\"") && !blank.contains("Mietausfallgarantie"));
        let fields: Vec<(String, String)> = vec![("postal_code".into(), "73207".into())];
        let r = post_unit(app, &app.client, "/units/new", "/units/new", &fields, "refresh", vec![]).await;
        // Kept as a draft, whose page then opens at the incentives.
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().expect("ascii").to_owned();
        assert!(location.starts_with("/units/drafts/") && location.ends_with("#incentives"), "{location}");
        let html = app.get(location.trim_end_matches("#incentives")).await.text().await.expect("text");
        assert!(html.contains("Mietausfallgarantie") && html.contains("Vermittlungsprämie") && html.contains("Plochingen"));
        let lookup: serde_json::Value = app.get("/geo/postal/73207").await.json().await.expect("json");
        assert_eq!(lookup["place"], "Plochingen");
        assert_eq!(lookup["municipality"], "Plochingen");
        let other: serde_json::Value = app.get("/geo/postal/10115").await.json().await.expect("json");
        assert!(other["municipality"].is_null());
    }
);

db_test!(
    async fn a_unit_can_be_edited_and_withdrawn_with_a_reason(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        post_unit(app, &app.client, "/units/new", "/units/new", &valid_fields(programmes[0]), "submit", vec![]).await;
        let id = units_of(app).await[0].id;
        let edit = format!("/units/{id}/edit");
        let page = app.get(&edit).await.text().await.expect("text");
        assert!(page.contains("value=\"480\"") && page.contains("value=\"62,5\""), "stored values in the form");
        // The municipality's top-up is not the landlord's to enter: editing keeps it.
        entities::unit::Entity::update_many()
            .col_expr(entities::unit::Column::MunicipalTopUpCents, 4000i64.into())
            .exec(app.db())
            .await
            .expect("top-up");
        let changed = with(&with(&valid_fields(programmes[1]), "cold_rent", "495"), "available_from", "2026-11-25");
        // Someone else saved the flat since the form was opened: refused, said so, what was
        // typed kept, nothing saved; sending again (now with the current version) saves.
        let opened_at = hidden_value(&page, "version").expect("the edit form carries its version");
        assert!(bleibe::store::units::bump_version(app.db(), id, None).await.expect("bump"));
        let r = post_unit(app, &app.client, &edit, &edit, &with(&changed, "version", &opened_at), "submit", vec![]).await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.expect("text");
        assert!(html.contains("id=\"stale\"") && html.contains("value=\"495\""), "said so, typed value kept");
        assert_eq!(units_of(app).await.pop().expect("unit").cold_rent_cents, 48000, "nothing saved");
        let current = hidden_value(&html, "version").expect("the current version");
        assert_ne!(current, opened_at);
        let r = post_unit(app, &app.client, &edit, &edit, &with(&changed, "version", &current), "submit", vec![]).await;
        assert_eq!(r.status(), 303);
        let u = units_of(app).await.pop().expect("unit");
        assert_eq!(u.cold_rent_cents, 49500);
        assert_eq!(u.municipal_top_up_cents, 4000, "the top-up stays as the municipality set it");
        let requests = entities::unit_incentive::Entity::find().all(app.db()).await.expect("requests");
        let status_of = |p: i64| requests.iter().find(|r| r.programme_id == p).map(|r| r.status.clone());
        assert_eq!(status_of(programmes[0]).as_deref(), Some("withdrawn"));
        assert_eq!(status_of(programmes[1]).as_deref(), Some("requested"));

        let show = format!("/units/{id}");
        let r = post_form(app, &show, &format!("/units/{id}/withdraw"), &[("reason", "")]).await;
        assert_eq!(r.status(), 422);
        let r = post_form(app, &show, &format!("/units/{id}/withdraw"), &[("reason", "Meine Tochter zieht ein.")]).await;
        assert_eq!(r.status(), 303);
        let u = units_of(app).await.pop().expect("unit");
        assert_eq!(u.status, "withdrawn");
        assert_eq!(u.withdrawn_reason.as_deref(), Some("Meine Tochter zieht ein."));
    }
);

db_test!(
    async fn a_form_sent_after_the_session_expired_completes_after_logging_in_again(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let csrf = csrf_of(app, "/units/new").await;
        app.clock.advance(Duration::hours(9));
        let mut form = Form::new().text("csrf", csrf).text("action", "submit");
        for (k, v) in valid_fields(programmes[0]) {
            form = form.text(k, v);
        }
        form = form.part("photos", Part::bytes(png(24)).file_name("bad.png").mime_str("image/png").expect("mime"));
        let r = app.client.post(app.url("/units/new")).multipart(form).send().await.expect("post");
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?kept=1");
        assert!(units_of(app).await.is_empty());
        let login = app.get("/login?kept=1").await.text().await.expect("text");
        assert!(login.contains("Eingaben sind gespeichert"));
        let r = post_form(app, "/login?kept=1", "/login", &[("email", "renate@example.org"), ("login_password", "Mein Garten hat 3 Apfelbäume")]).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        assert_eq!(r.headers()["location"], "/dashboard");
        let units = units_of(app).await;
        assert_eq!(units.len(), 1, "the form was completed");
        assert_eq!(units[0].street, "Hauptstraße");
        assert_eq!(entities::unit_photo::Entity::find().filter(entities::unit_photo::Column::UnitId.eq(units[0].id)).count(app.db()).await.expect("count"), 1);
        assert_eq!(app.get("/dashboard").await.status(), 200, "logged in again");
    }
);

db_test!(
    async fn a_landlord_never_sees_or_changes_another_landlords_unit(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        post_unit(app, &app.client, "/units/new", "/units/new", &valid_fields(programmes[0]), "draft", vec![("a.png", png(20))]).await;
        post_unit(app, &app.client, "/units/new", "/units/new", &valid_fields(programmes[0]), "submit", vec![("b.png", png(20))]).await;
        let unit = units_of(app).await[0].id;
        let draft = entities::unit_draft::Entity::find().one(app.db()).await.expect("q").expect("draft").id;
        let photo = entities::unit_photo::Entity::find().all(app.db()).await.expect("photos");

        let other = TestClient::new(app);
        let r = other.post_form("/signup", "/signup", &[
            ("name", "Klaus Schäfer"), ("email", "klaus@example.org"), ("password", "Ein anderes langes Passwort"), ("password_repeat", "Ein anderes langes Passwort"), ("accept_privacy", "1"),
        ])
        .await;
        assert_eq!(r.status(), 303);
        app.dispatch_mails().await;
        other.get(&app.link_in_mail("klaus@example.org", "/confirm/")).await;
        let r = other.post_form("/login", "/login", &[("email", "klaus@example.org"), ("login_password", "Ein anderes langes Passwort")]).await;
        assert_eq!(r.status(), 303);

        for path in [format!("/units/{unit}"), format!("/units/{unit}/edit"), format!("/units/drafts/{draft}")] {
            assert_eq!(other.get(&path).await.status(), 404, "{path}");
        }
        for p in &photo {
            assert_eq!(other.get(&format!("/photos/{}", p.storage_key)).await.status(), 404);
        }
        let r = other.post_form("/dashboard", &format!("/units/{unit}/withdraw"), &[("reason", "weg damit")]).await;
        assert_eq!(r.status(), 404);
        let dashboard = other.get("/dashboard").await.text().await.expect("text");
        assert!(!dashboard.contains("Hauptstraße"));
        assert_eq!(units_of(app).await[0].status, "submitted", "unchanged");
    }
);

db_test!(
    async fn pages_for_logged_in_users_send_visitors_to_the_login(app) {
        for path in ["/dashboard", "/units/new", "/units/1", "/units/1/edit", "/units/drafts/1", "/workspace", "/proposals/1"] {
            let r = app.get(path).await;
            assert_eq!(r.status(), 303, "{path}");
            assert!(r.headers()["location"].to_str().expect("ascii").starts_with("/login?next="), "{path}");
        }
    }
);

db_test!(
    async fn the_unit_form_needs_its_token(app) {
        seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let mut form = Form::new().text("action", "submit");
        for (k, v) in valid_fields(1) {
            form = form.text(k, v);
        }
        let r = app.client.post(app.url("/units/new")).multipart(form).send().await.expect("post");
        assert_eq!(r.status(), 403);
        assert!(units_of(app).await.is_empty());
    }
);

db_test!(
    async fn failed_submits_and_reloads_keep_one_draft_and_saving_never_posts_twice(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let page = app.get("/units/new").await.text().await.expect("text");
        let key = hidden_value(&page, "draft_key").expect("the new form carries a key");
        let csrf = hidden_value(&page, "csrf").expect("token");
        let wrong = with(&valid_fields(programmes[0]), "area_m2", "5");
        // The same page sent three times (a failed submit, then reloads that post again).
        for round in 1..=3 {
            let mut form = Form::new().text("csrf", csrf.clone()).text("action", "submit").text("draft_key", key.clone());
            for (k, v) in &wrong {
                form = form.text(k.clone(), v.clone());
            }
            let r = app.client.post(app.url("/units/new")).multipart(form).send().await.expect("post");
            assert_eq!(r.status(), 422, "round {round}");
            assert_eq!(drafts_of(app).await.len(), 1, "round {round}: still one draft");
        }
        // The page that came back posts to that draft; failing there makes no new one either.
        let draft = drafts_of(app).await[0].id;
        let path = format!("/units/drafts/{draft}");
        let r = post_unit(app, &app.client, &path, &path, &wrong, "submit", vec![]).await;
        assert_eq!(r.status(), 422);
        assert_eq!(drafts_of(app).await.len(), 1);
        // "Show incentives" on a draft: stored, then the draft's page at the incentives.
        let r = post_unit(app, &app.client, &path, &path, &with(&wrong, "street", "Lindenweg"), "refresh", vec![]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], format!("{path}#incentives").as_str());
        assert!(app.get(&path).await.text().await.expect("text").contains("value=\"Lindenweg\""));
        // A new form is a new flat: its own key, its own draft.
        let r = post_unit(app, &app.client, "/units/new", "/units/new", &wrong, "draft", vec![]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(drafts_of(app).await.len(), 2);
        // Sent without mistakes: the flat is there and its draft is gone.
        let r = post_unit(app, &app.client, &path, &path, &valid_fields(programmes[0]), "submit", vec![]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(units_of(app).await.len(), 1);
        assert_eq!(drafts_of(app).await.len(), 1);
    }
);

db_test!(
    async fn a_draft_is_named_by_its_address_or_its_day_and_can_be_thrown_away(app) {
        seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let only_number: Vec<(String, String)> = vec![("house_number".into(), "1".into())];
        post_unit(app, &app.client, "/units/new", "/units/new", &only_number, "draft", vec![("flur.png", png(20))]).await;
        let day = bleibe::domain::format::date(bleibe::domain::Locale::De, bleibe::domain::time::berlin_date(app.clock_now()));
        let dashboard = app.get("/dashboard").await.text().await.expect("text");
        assert!(dashboard.contains(&format!(">Entwurf vom {day}, ")) && dashboard.contains(" Uhr</a></h3>"), "{dashboard}");
        assert!(!dashboard.contains("<h3>1</h3>"));
        let draft = drafts_of(app).await[0].id;
        let confirm = app.get(&format!("/units/drafts/{draft}/delete")).await;
        assert_eq!(confirm.status(), 200);
        let confirm = confirm.text().await.expect("text");
        assert!(confirm.contains("Entwurf löschen?") && confirm.contains(&format!("Entwurf vom {day}")));
        assert_eq!(entities::unit_photo::Entity::find().count(app.db()).await.expect("count"), 1);

        // Another landlord cannot throw it away.
        let other = TestClient::new(app);
        let r = other.post_form("/signup", "/signup", &[
            ("name", "Klaus Schäfer"), ("email", "klaus@example.org"), ("password", "Ein anderes langes Passwort"), ("password_repeat", "Ein anderes langes Passwort"), ("accept_privacy", "1"),
        ])
        .await;
        assert_eq!(r.status(), 303);
        app.dispatch_mails().await;
        other.get(&app.link_in_mail("klaus@example.org", "/confirm/")).await;
        other.post_form("/login", "/login", &[("email", "klaus@example.org"), ("login_password", "Ein anderes langes Passwort")]).await;
        assert_eq!(other.get(&format!("/units/drafts/{draft}/delete")).await.status(), 404);
        let r = other.post_form("/dashboard", &format!("/units/drafts/{draft}/delete"), &[]).await;
        assert_eq!(r.status(), 404);
        assert_eq!(drafts_of(app).await.len(), 1, "still there");

        let r = post_form(app, &format!("/units/drafts/{draft}/delete"), &format!("/units/drafts/{draft}/delete"), &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/dashboard");
        assert!(drafts_of(app).await.is_empty());
        assert_eq!(entities::unit_photo::Entity::find().count(app.db()).await.expect("count"), 0, "its photos went with it");
        assert!(app.get("/dashboard").await.text().await.expect("text").contains("Der Entwurf ist gelöscht."));
        assert_eq!(app.get(&format!("/units/drafts/{draft}")).await.status(), 404);
    }
);

db_test!(
    async fn an_old_draft_is_announced_by_mail_then_removed_unless_saved(app) {
        seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let street: Vec<(String, String)> = vec![("street".into(), "Lindenweg".into()), ("house_number".into(), "4".into())];
        post_unit(app, &app.client, "/units/new", "/units/new", &street, "draft", vec![]).await;
        post_unit(app, &app.client, "/units/new", "/units/new", &with(&street, "street", "Gartenweg"), "draft", vec![]).await;
        let drafts = drafts_of(app).await;
        assert_eq!(drafts.len(), 2);
        let (linden, garten) = (drafts[0].id, drafts[1].id);
        let tidy = || bleibe::jobs::housekeeping::tidy(&app.app);

        app.clock.advance(Duration::days(59));
        tidy().await.expect("tidy");
        assert!(app.mails().iter().all(|m| !m.subject.contains("Entwurf")), "not yet");

        app.clock.advance(Duration::days(2));
        let counts = tidy().await.expect("tidy");
        assert_eq!(counts.get("drafts_reminded"), Some(&2));
        tidy().await.expect("tidy");
        app.dispatch_mails().await;
        let reminders: Vec<_> = app.mails().into_iter().filter(|m| m.subject.contains("Ihr Entwurf wird bald gelöscht")).collect();
        assert_eq!(reminders.len(), 2, "one reminder per draft, never twice");
        let mail = reminders.iter().find(|m| m.subject.contains("Lindenweg 4")).expect("named by its address");
        assert!(mail.text.contains("Guten Tag Renate"), "{}", mail.text);
        assert!(mail.text.contains(&format!("/units/drafts/{linden}")), "{}", mail.text);
        // Two months later the session is long gone: log in again.
        let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", "Mein Garten hat 3 Apfelbäume")]).await;
        assert_eq!(r.status(), 303);
        let dashboard = app.get("/dashboard").await.text().await.expect("text");
        assert!(dashboard.contains("gelöscht, wenn Sie ihn nicht vorher speichern"), "{dashboard}");

        // Saved after the reminder: kept. The other one goes after the grace period.
        let path = format!("/units/drafts/{linden}");
        let r = post_unit(app, &app.client, &path, &path, &street, "draft", vec![]).await;
        assert_eq!(r.status(), 303);
        app.clock.advance(Duration::days(15));
        let counts = tidy().await.expect("tidy");
        assert_eq!(counts.get("drafts_deleted"), Some(&1));
        let left: Vec<i64> = drafts_of(app).await.iter().map(|d| d.id).collect();
        assert_eq!(left, vec![linden]);
        assert!(!left.contains(&garten));
    }
);

/// Posts the unit form's fields with `csrf` from `client` (which may have no cookie).
async fn post_with_token(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let mut form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("action", "submit");
    for (k, v) in fields {
        form = form.text(k.clone(), v.clone());
    }
    client
        .post(app.url("/units/new"))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

db_test!(
    async fn a_form_sent_without_its_cookie_keeps_its_values_through_the_login(app) {
        let (_, programmes) = seed_plochingen(app).await;
        landlord_logged_in(app, "renate@example.org").await;
        let password = "Mein Garten hat 3 Apfelbäume";
        let login = [("email", "renate@example.org"), ("login_password", password)];

        // A browser that lost its cookie (privacy settings, cleared cookies).
        let csrf = csrf_of(app, "/units/new").await;
        let cookieless = TestClient::new(app);
        let r = post_with_token(app, cookieless.client(), &csrf, &valid_fields(programmes[0])).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?kept=cookie");
        assert!(units_of(app).await.is_empty(), "nothing happens before the login");
        let page = cookieless.get("/login?kept=cookie").await.text().await.expect("text");
        assert!(page.contains("Ihr Browser hat Ihre Anmeldung nicht mitgeschickt") && page.contains("Eingaben sind gespeichert"));
        let r = cookieless.post_form("/login?kept=cookie", "/login", &login).await;
        assert_eq!(r.status(), 303);
        let units = units_of(app).await;
        assert_eq!(units.len(), 1, "the form was completed after the login");
        assert_eq!(units[0].street, "Hauptstraße");

        // A second tab after logging out in the first: the same.
        let csrf = csrf_of(app, "/units/new").await;
        let r = post_form(app, "/dashboard", "/logout", &[]).await;
        assert_eq!(r.status(), 303);
        let r = post_with_token(app, &app.client, &csrf, &with(&valid_fields(programmes[0]), "street", "Lindenweg")).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?kept=cookie");
        let r = post_form(app, "/login", "/login", &login).await;
        assert_eq!(r.status(), 303);
        assert!(units_of(app).await.iter().any(|u| u.street == "Lindenweg"));

        // Logged out and in again in one tab, then sent from the other: it simply goes on.
        let csrf = csrf_of(app, "/units/new").await;
        post_form(app, "/dashboard", "/logout", &[]).await;
        post_form(app, "/login", "/login", &login).await;
        let r = post_with_token(app, &app.client, &csrf, &with(&valid_fields(programmes[0]), "street", "Gartenweg")).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        assert!(units_of(app).await.iter().any(|u| u.street == "Gartenweg"));

        // A token nobody was given, or one of another person's session, is refused.
        let stranger = TestClient::new(app);
        let r = post_with_token(app, stranger.client(), "0123456789abcdef0123456789abcdef0123456789abcdef", &valid_fields(programmes[0])).await;
        assert_eq!(r.status(), 403);
        let other = TestClient::new(app);
        other.post_form("/signup", "/signup", &[
            ("name", "Klaus Schäfer"), ("email", "klaus@example.org"), ("password", "Ein anderes langes Passwort"), ("password_repeat", "Ein anderes langes Passwort"), ("accept_privacy", "1"),
        ])
        .await;
        app.dispatch_mails().await;
        other.get(&app.link_in_mail("klaus@example.org", "/confirm/")).await;
        other.post_form("/login", "/login", &[("email", "klaus@example.org"), ("login_password", "Ein anderes langes Passwort")]).await;
        let renates = csrf_of(app, "/units/new").await;
        let before = units_of(app).await.len();
        let r = post_with_token(app, other.client(), &renates, &with(&valid_fields(programmes[0]), "street", "Fremdweg")).await;
        assert_eq!(r.status(), 403, "Klaus cannot act with Renate's form");
        assert_eq!(units_of(app).await.len(), before);

        // Renate's form kept in a browser where Klaus then logs in: it is not saved as
        // Klaus's, and Klaus is told that it was dropped.
        let csrf = csrf_of(app, "/units/new").await;
        let shared = TestClient::new(app);
        let r = post_with_token(app, shared.client(), &csrf, &with(&valid_fields(programmes[0]), "street", "Geteilter Weg")).await;
        assert_eq!(r.headers()["location"], "/login?kept=cookie");
        let r = shared.post_form("/login?kept=cookie", "/login", &[("email", "klaus@example.org"), ("login_password", "Ein anderes langes Passwort")]).await;
        assert_eq!(r.status(), 303);
        let next = r.headers()["location"].to_str().expect("ascii").to_owned();
        let page = shared.get(&next).await.text().await.expect("page");
        assert!(page.contains("Formular eines anderen Kontos"), "Klaus hears about it: {page}");
        assert!(!units_of(app).await.iter().any(|u| u.street == "Geteilter Weg"), "nothing saved under the wrong name");
    }
);

db_test!(
    async fn a_draft_started_for_a_landlord_reminds_whoever_started_it(app) {
        crate::workspace::demo(app).await;
        let lotsin = crate::workspace::staff(app, crate::workspace::VOLUNTEER).await;
        let r = lotsin.post_form("/workspace", "/workspace/landlords", &[("landlord_name", "Karl Brenner"), ("landlord_email", "karl.brenner@example.org")]).await;
        assert_eq!(r.status(), 303);
        let form = r.headers()["location"].to_str().expect("ascii").to_owned();
        let r = lotsin.post_form(&form, &form, &[("action", "draft"), ("street", "Lindenweg"), ("house_number", "4")]).await;
        assert_eq!(r.status(), 303);
        app.clock.advance(Duration::days(61));
        bleibe::jobs::housekeeping::tidy(&app.app).await.expect("tidy");
        app.dispatch_mails().await;
        let mails = app.mails();
        let reminder = mails.iter().find(|m| m.subject.contains("Ihr Entwurf wird bald gelöscht")).expect("a reminder");
        assert_eq!(reminder.to, crate::workspace::VOLUNTEER);
        assert!(reminder.text.contains("Guten Tag Helga Sommer"), "{}", reminder.text);
        assert!(!mails.iter().any(|m| m.to == "karl.brenner@example.org" && m.subject.contains("Entwurf")), "the landlord did not start it");
    }
);
