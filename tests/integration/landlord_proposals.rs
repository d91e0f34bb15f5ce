//! Proposals as a landlord sees and answers them, and what staff do with landlords' flats.

use bleibe::domain::Locale;
use bleibe::domain::household::{
    HouseholdProfile, HouseholdStatus, Member, MemberRole, ResidenceStatus, WorkSituation,
};
use bleibe::domain::roles::Role;
use bleibe::store::households::Consent;
use bleibe::store::users::NewUser;
use chrono::TimeZone;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::accounts::{TestClient, landlord_logged_in, post_form};
use crate::db_test;
use crate::helpers::{TestApp, seed_plochingen};

/// A household with names and contacts that landlords must never see.
pub async fn household(app: &TestApp, municipality: i64) -> i64 {
    let profile = HouseholdProfile {
        reference: "PL-2025-001".into(),
        members: vec![
            Member {
                first_name: "Fatima".into(),
                last_name: Some("Haddad".into()),
                birth_year: 1990,
                role: MemberRole::Applicant,
            },
            Member {
                first_name: "Omar".into(),
                last_name: Some("Haddad".into()),
                birth_year: 1988,
                role: MemberRole::Partner,
            },
            Member {
                first_name: "Layla".into(),
                last_name: Some("Haddad".into()),
                birth_year: 2019,
                role: MemberRole::Child,
            },
        ],
        residence_status: ResidenceStatus::Anerkannt,
        residence_obligation: false,
        residence_obligation_until: None,
        benefit_type: Some(bleibe::domain::household::BenefitType::Sgb2),
        work_situation: Some(WorkSituation::Employed),
        wheelchair: false,
        max_floor_without_lift: None,
        rooms_wanted: None,
        pets: false,
        max_distance_km: None,
        latest_move_date: None,
        follow_up_site: Some("AU Bahnhofstraße 3".into()),
        in_follow_up_since: None,
        urgency: 1,
        urgency_reason: None,
        languages: vec!["ar".into(), "de".into()],
        preferred_language: bleibe::domain::Language::De,
        email: Some("fatima.haddad@example.org".into()),
        phone: Some("0171 2345678".into()),
        caseworker_name: Some("Lea Hartmann".into()),
        caseworker_email: None,
        caseworker_phone: None,
        landlord_text: Some("Eine freundliche Familie, der Vater arbeitet in der Pflege.".into()),
        anchors: vec![],
        notes: Some("Intern: Schulden bei der Stadtkasse".into()),
    };
    bleibe::store::households::insert(
        app.db(),
        municipality,
        HouseholdStatus::Active,
        &profile,
        &[],
        Some(&Consent {
            at: app.app.clock.now(),
            scope: "matching,email".into(),
            recorded_by: None,
        }),
        None,
        app.app.clock.now(),
    )
    .await
    .expect("household")
}

/// A unit of the logged-in landlord and a proposal for it in `state`.
pub async fn proposal_for_landlord(app: &TestApp, state: &str) -> (i64, i64) {
    let (municipality, programmes) = seed_plochingen(app).await;
    landlord_logged_in(app, "renate@example.org").await;
    let fields = [
        ("street", "Hauptstraße"),
        ("house_number", "1"),
        ("postal_code", "73207"),
        ("town", "Plochingen"),
        ("area_m2", "70"),
        ("rooms", "3"),
        ("floor", "1"),
        ("max_occupants", "4"),
        ("cold_rent", "500"),
        ("service_charges", "120"),
        ("available_from", "2026-12-01"),
        ("lease_type", "open_ended"),
    ];
    let mut form = reqwest::multipart::Form::new()
        .text("action", "submit")
        .text("incentive", programmes[0].to_string());
    let html = app.get("/units/new").await.text().await.expect("form");
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("token") + marker.len();
    form = form.text(
        "csrf",
        html[start..start + html[start..].find('"').expect("end")].to_owned(),
    );
    for (k, v) in fields {
        form = form.text(k, v);
    }
    let r = app
        .client
        .post(app.url("/units/new"))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
    let unit = entities::unit::Entity::find()
        .one(app.db())
        .await
        .expect("q")
        .expect("unit");
    let household = household(app, municipality).await;
    let now = app.app.clock.now();
    let proposal = entities::proposal::ActiveModel {
        match_run_id: Set(None),
        candidate_id: Set(None),
        unit_id: Set(unit.id),
        household_id: Set(household),
        state: Set(state.into()),
        is_open: Set(true),
        origin: Set("engine".into()),
        score: Set(0.8),
        override_reason: Set(None),
        state_changed_at: Set(now),
        approved_at: Set(Some(now)),
        approved_by_user_id: Set(None),
        sent_at: Set(Some(now)),
        answer_due_at: Set(None),
        reminded_at: Set(None),
        landlord_answered_at: Set(None),
        household_answered_at: Set(None),
        closed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .expect("proposal");
    (proposal.id, unit.id)
}

db_test!(
    async fn the_landlord_sees_the_household_without_names_or_contacts(app) {
        let (id, _) = proposal_for_landlord(app, "sent").await;
        let dashboard = app.get("/dashboard").await.text().await.expect("text");
        assert!(dashboard.contains("warten") && dashboard.contains(&format!("/proposals/{id}")));
        let html = app.get(&format!("/proposals/{id}")).await.text().await.expect("text");
        assert!(html.contains("3 Personen") && html.contains("Kinder (7 Jahre)"), "{html}");
        assert!(html.contains("arbeitet") && html.contains("Arabisch") && html.contains("Pflege"));
        for secret in ["Fatima", "Omar", "Layla", "Haddad", "fatima.haddad", "0171", "PL-2025-001", "Bahnhofstraße", "Schulden", "Hartmann"] {
            assert!(!html.contains(secret), "{secret} shown to the landlord");
        }
    }
);

db_test!(
    async fn the_landlord_accepts_declines_or_proposes_viewing_times(app) {
        let (id, _) = proposal_for_landlord(app, "sent").await;
        let path = format!("/proposals/{id}");
        let answer = format!("{path}/answer");
        // "Other" needs an explanation; a viewing needs a time in the future and a place.
        let r = post_form(app, &path, &answer, &[("answer", "decline"), ("reason_code", "other"), ("reason", "")]).await;
        assert_eq!(r.status(), 422);
        let r = post_form(app, &path, &answer, &[("answer", "viewing"), ("slot1", "2026-01-05T17:00"), ("place", "")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("text");
        assert!(html.contains("2026-01-05T17:00"), "the typed time is kept");
        let r = post_form(app, &path, &answer, &[("answer", "viewing"), ("slot1", "2026-11-28T17:00"), ("slot2", "2026-11-29T10:30"), ("place", "Vor dem Haus")]).await;
        assert_eq!(r.status(), 303);
        let proposal = entities::proposal::Entity::find_by_id(id).one(app.db()).await.expect("q").expect("p");
        assert_eq!(proposal.state, "landlord_accepted");
        assert!(proposal.landlord_answered_at.is_some());
        let viewings = entities::viewing::Entity::find().all(app.db()).await.expect("viewings");
        assert_eq!(viewings.len(), 2);
        // 17:00 in Plochingen in November is 16:00 UTC.
        assert_eq!(viewings[0].starts_at, chrono::Utc.with_ymd_and_hms(2026, 11, 28, 16, 0, 0).single().expect("time"));
        let events = entities::proposal_event::Entity::find().all(app.db()).await.expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].from_state.as_deref(), events[0].to_state.as_str(), events[0].actor_kind.as_str()), (Some("sent"), "landlord_accepted", "landlord"));
        // Answering twice is refused.
        let r = post_form(app, &path, &answer, &[("answer", "accept")]).await;
        assert_eq!(r.status(), 409);
    }
);

db_test!(
    async fn a_decline_frees_the_flat_and_records_the_reason(app) {
        let (id, unit) = proposal_for_landlord(app, "household_accepted").await;
        entities::unit::ActiveModel { id: sea_orm::ActiveValue::Unchanged(unit), status: Set("reserved".into()), ..Default::default() }
            .update(app.db())
            .await
            .expect("reserve");
        let path = format!("/proposals/{id}");
        let r = post_form(app, &path, &format!("{path}/answer"), &[("answer", "decline"), ("reason_code", "timing"), ("reason", "Erst ab Februar")]).await;
        assert_eq!(r.status(), 303);
        let proposal = entities::proposal::Entity::find_by_id(id).one(app.db()).await.expect("q").expect("p");
        assert_eq!((proposal.state.as_str(), proposal.is_open), ("landlord_declined", false));
        let event = entities::proposal_event::Entity::find().one(app.db()).await.expect("q").expect("event");
        assert_eq!((event.reason_code.as_deref(), event.reason.as_deref()), (Some("timing"), Some("Erst ab Februar")));
        let unit = entities::unit::Entity::find_by_id(unit).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(unit.status, "available");
    }
);

db_test!(
    async fn proposals_before_sending_and_of_other_landlords_stay_hidden(app) {
        let (id, _) = proposal_for_landlord(app, "suggested").await;
        assert_eq!(app.get(&format!("/proposals/{id}")).await.status(), 404, "not sent yet");
        let visitor = TestClient::new(app);
        assert_eq!(visitor.get(&format!("/proposals/{id}")).await.status(), 303, "visitors log in first");

        entities::proposal::ActiveModel { id: sea_orm::ActiveValue::Unchanged(id), state: Set("sent".into()), ..Default::default() }
            .update(app.db())
            .await
            .expect("send");
        let other = other_landlord(app).await;
        assert_eq!(other.get(&format!("/proposals/{id}")).await.status(), 404);
        let r = other.post_form("/dashboard", &format!("/proposals/{id}/answer"), &[("answer", "accept")]).await;
        assert_eq!(r.status(), 404);
        let landlord = entities::landlord::Entity::find().one(app.db()).await.expect("q").expect("first landlord");
        assert_eq!(other.get(&format!("/landlords/{}/units/new", landlord.id)).await.status(), 404, "not their landlord record");
        let state = entities::proposal::Entity::find_by_id(id).one(app.db()).await.expect("q").expect("p").state;
        assert_eq!(state, "sent", "unchanged");
    }
);

/// A second landlord, signed up, confirmed and logged in, in a browser of their own.
async fn other_landlord(app: &TestApp) -> TestClient<'_> {
    let other = TestClient::new(app);
    let password = "Ein anderes langes Passwort";
    let r = other
        .post_form(
            "/signup",
            "/signup",
            &[
                ("name", "Klaus Schäfer"),
                ("email", "klaus@example.org"),
                ("password", password),
                ("password_repeat", password),
                ("accept_privacy", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.dispatch_mails().await;
    other
        .get(&app.link_in_mail("klaus@example.org", "/confirm/"))
        .await;
    let r = other
        .post_form(
            "/login",
            "/login",
            &[("email", "klaus@example.org"), ("login_password", password)],
        )
        .await;
    assert_eq!(r.status(), 303);
    other
}

async fn staff_user<'a>(
    app: &'a TestApp,
    email: &str,
    role: Role,
    municipalities: &[i64],
) -> TestClient<'a> {
    let now = app.app.clock.now();
    let id = bleibe::store::users::insert(
        app.db(),
        &NewUser {
            email: email.into(),
            display_name: "Lea Hartmann".into(),
            role,
            locale: Locale::De,
            password_hash: Some(
                bleibe::services::passwords::hash_password("Koordination im Rathaus 1")
                    .expect("hash"),
            ),
            email_confirmed: true,
        },
        now,
    )
    .await
    .expect("user");
    for m in municipalities {
        bleibe::store::users::grant_municipality(app.db(), id, *m, now)
            .await
            .expect("scope");
    }
    let client = TestClient::new(app);
    let r = client
        .post_form(
            "/login",
            "/login",
            &[
                ("email", email),
                ("login_password", "Koordination im Rathaus 1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/workspace");
    client
}

db_test!(
    async fn a_coordinator_enters_a_flat_for_a_landlord_who_is_then_invited(app) {
        let (municipality, programmes) = seed_plochingen(app).await;
        let coordinator = staff_user(app, "lea@plochingen.example", Role::Coordinator, &[municipality]).await;
        let r = coordinator.post_form("/workspace", "/workspace/landlords", &[("landlord_name", "X"), ("landlord_email", "kein-at")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("text");
        assert!(html.contains("f-landlord_email-error") && html.contains("value=\"kein-at\""));
        let r = coordinator.post_form("/workspace", "/workspace/landlords", &[("landlord_name", "Gerhard Wolf"), ("landlord_email", "wolf@example.org")]).await;
        assert_eq!(r.status(), 303);
        let path = r.headers()["location"].to_str().expect("ascii").to_owned();
        assert!(path.starts_with("/landlords/"));
        let form_html = coordinator.get(&path).await.text().await.expect("text");
        assert!(form_html.contains("Gerhard Wolf"), "the form says for whom");
        let marker = "name=\"csrf\" value=\"";
        let start = form_html.find(marker).expect("token") + marker.len();
        let csrf = form_html[start..start + form_html[start..].find('"').expect("end")].to_owned();
        let mut form = reqwest::multipart::Form::new().text("csrf", csrf).text("action", "submit").text("incentive", programmes[1].to_string());
        for (k, v) in [
            ("street", "Talstraße"), ("house_number", "7"), ("postal_code", "73207"), ("town", "Plochingen"), ("area_m2", "55"),
            ("rooms", "2"), ("floor", "0"), ("max_occupants", "3"), ("cold_rent", "430"), ("service_charges", "100"),
            ("available_from", "2026-12-15"), ("lease_type", "open_ended"),
        ] {
            form = form.text(k, v);
        }
        let r = coordinator_post_multipart(app, &coordinator, &path, form).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let unit = entities::unit::Entity::find().one(app.db()).await.expect("q").expect("unit");
        assert!(unit.entered_by_user_id.is_some());

        // The landlord is invited, sets a password and finds the flat.
        app.dispatch_mails().await;
        let mail = app.mails().into_iter().find(|m| m.to == "wolf@example.org").expect("invitation");
        assert!(mail.text.contains("Lea Hartmann") && mail.text.contains("Talstraße 7"));
        let link = app.link_in_mail("wolf@example.org", "/invitation/");
        let landlord = TestClient::new(app);
        let r = landlord.post_form(&link, &link, &[("password", "Wolf im Schafspelz 2026"), ("password_repeat", "Wolf im Schafspelz 2026")]).await;
        assert_eq!(r.status(), 303);
        let dashboard = landlord.get("/dashboard").await.text().await.expect("text");
        assert!(dashboard.contains("Talstraße 7") && dashboard.contains("Vermittlungsprämie"));
        assert!(landlord.get(&link).await.text().await.expect("text").contains("schon benutzt"));
    }
);

async fn coordinator_post_multipart(
    app: &TestApp,
    client: &TestClient<'_>,
    path: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    client
        .client()
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .expect("post")
}

db_test!(
    async fn coordinators_check_units_and_decide_incentives_in_their_municipality_only(app) {
        let (_, unit) = proposal_for_landlord(app, "suggested").await;
        let request = entities::unit_incentive::Entity::find().one(app.db()).await.expect("q").expect("request");
        assert_eq!(request.status, "requested");

        let stranger = staff_user(app, "k@winnenden.example", Role::Coordinator, &[]).await;
        let html = stranger.get("/workspace").await.text().await.expect("text");
        assert!(!html.contains("Hauptstraße"), "other municipalities' units are not listed");
        let r = stranger.post_form("/workspace", &format!("/workspace/units/{unit}/status"), &[("to", "available")]).await;
        assert_eq!(r.status(), 404);
        let r = stranger.post_form("/workspace", &format!("/workspace/incentives/{}", request.id), &[("decision", "decline"), ("note", "nein")]).await;
        assert_eq!(r.status(), 404);

        let municipality = entities::unit::Entity::find_by_id(unit).one(app.db()).await.expect("q").expect("u").municipality_id;
        let coordinator = staff_user(app, "lea@plochingen.example", Role::Coordinator, &[municipality]).await;
        let html = coordinator.get("/workspace").await.text().await.expect("text");
        assert!(html.contains("Hauptstraße") && html.contains("Mietausfallgarantie"));
        let r = coordinator.post_form("/workspace", &format!("/workspace/units/{unit}/status"), &[("to", "checked")]).await;
        assert_eq!(r.status(), 303);
        let r = coordinator.post_form("/workspace", &format!("/workspace/units/{unit}/status"), &[("to", "available")]).await;
        assert_eq!(r.status(), 303);
        let r = coordinator.post_form("/workspace", &format!("/workspace/units/{unit}/status"), &[("to", "checked")]).await;
        assert_eq!(r.status(), 409, "no way back");
        let u = entities::unit::Entity::find_by_id(unit).one(app.db()).await.expect("q").expect("u");
        assert_eq!(u.status, "available");
        assert!(u.checked_at.is_some());

        let r = coordinator.post_form("/workspace", &format!("/workspace/incentives/{}", request.id), &[("decision", "grant"), ("amount", "2000")]).await;
        assert_eq!(r.status(), 422, "more than the programme provides");
        let r = coordinator.post_form("/workspace", &format!("/workspace/incentives/{}", request.id), &[("decision", "grant"), ("amount", "800"), ("from", "2026-12-01"), ("until", "2029-11-30"), ("note", "3 Jahre")]).await;
        assert_eq!(r.status(), 303);
        let decided = entities::unit_incentive::Entity::find_by_id(request.id).one(app.db()).await.expect("q").expect("r");
        assert_eq!((decided.status.as_str(), decided.granted_amount_cents), ("granted", Some(80000)));
        assert!(decided.decided_at.is_some() && decided.decided_by_user_id.is_some());
        assert_eq!(decided.granted_until, chrono::NaiveDate::from_ymd_opt(2029, 11, 30));
        let landlord_view = app.get(&format!("/units/{unit}")).await.text().await.expect("text");
        assert!(landlord_view.contains("bewilligt") && landlord_view.contains("800"));
        // The landlord hears of the decision, with the amount and the period.
        let mail = entities::outbox_message::Entity::find()
            .all(app.db())
            .await
            .expect("q")
            .into_iter()
            .find(|m| m.kind == "incentive_granted_landlord")
            .expect("the decision is e-mailed");
        assert_eq!(mail.to_address, "renate@example.org");
        assert!(mail.body_text.contains("mit 800") && mail.body_text.contains("30.11.2029") && mail.body_text.contains("3 Jahre"), "{}", mail.body_text);
    }
);

db_test!(
    async fn landlords_have_no_access_to_the_workspace_actions(app) {
        let (_, unit) = proposal_for_landlord(app, "sent").await;
        assert_eq!(app.get("/workspace").await.status(), 303, "sent to their dashboard");
        let r = post_form(app, "/dashboard", &format!("/workspace/units/{unit}/status"), &[("to", "available")]).await;
        assert_eq!(r.status(), 404);
        let r = post_form(app, "/dashboard", "/workspace/landlords", &[("landlord_name", "X Y"), ("landlord_email", "x@example.org")]).await;
        assert_eq!(r.status(), 404);
    }
);
