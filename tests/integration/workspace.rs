//! The coordinator workspace on the demo data: match review, the placement pipeline from
//! approval to the 12-month follow-up, the dashboard, exports and the yearly report.

use chrono::Duration;
use entities::{follow_up, household, placement, proposal, proposal_event, unit};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::accounts::TestClient;
use crate::db_test;
use crate::helpers::TestApp;

/// Ids of the demo municipalities used in tests.
#[derive(Debug, Clone, Copy)]
pub struct Demo {
    pub esslingen: i64,
    pub winnenden: i64,
}

pub const ES_COORDINATOR: &str = "koordination.esslingen@bleibe.example";
pub const WN_COORDINATOR: &str = "koordination.winnenden@bleibe.example";
pub const ADMIN: &str = "admin@bleibe.example";
pub const VOLUNTEER: &str = "lotsin@bleibe.example";
pub const LANDLORD: &str = "renate.maier@example.org";

/// Seeds the demo data and returns the municipalities' ids.
pub async fn demo(app: &TestApp) -> Demo {
    bleibe::services::demo::seed(&app.app).await.expect("demo");
    let id = |name: &'static str| async move {
        entities::municipality::Entity::find()
            .filter(entities::municipality::Column::Name.eq(name))
            .one(app.db())
            .await
            .expect("query")
            .expect("demo municipality")
            .id
    };
    Demo {
        esslingen: id("Esslingen am Neckar").await,
        winnenden: id("Winnenden").await,
    }
}

/// A browser logged in as a demo user.
pub async fn staff<'a>(app: &'a TestApp, email: &str) -> TestClient<'a> {
    let password = if email == ADMIN {
        "Bleibe-Admin-2026"
    } else if email == VOLUNTEER {
        "Bleibe-Lotse-2026"
    } else if email.starts_with("koordination.") {
        "Bleibe-Koordination-2026"
    } else {
        "Bleibe-Vermietung-2026"
    };
    let client = TestClient::new(app);
    let r = client
        .post_form(
            "/login",
            "/login",
            &[("email", email), ("login_password", password)],
        )
        .await;
    assert_eq!(r.status(), 303, "login of {email}");
    client
}

/// The first number after `prefix` in `html`.
pub fn number_after(html: &str, prefix: &str) -> i64 {
    let start = html
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in the page"))
        + prefix.len();
    html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("a number")
}

/// Every number after `prefix` in `html`, in order.
pub fn numbers_after(html: &str, prefix: &str) -> Vec<i64> {
    html.match_indices(prefix)
        .filter_map(|(i, _)| {
            html[i + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .collect()
}

/// Starts a run for a municipality as `client` and returns the run page's HTML and id.
pub async fn run_match(client: &TestClient<'_>, municipality: i64) -> (i64, String) {
    let path = format!("/m/{municipality}/runs");
    let r = client.post_form(&path, &path, &[]).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id: i64 = location
        .trim_start_matches("/runs/")
        .parse()
        .expect("run id");
    let html = client.get(&location).await.text().await.expect("run page");
    (id, html)
}

/// Takes a pipeline step; returns the response.
pub async fn step(
    client: &TestClient<'_>,
    proposal: i64,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post_form(
            &format!("/workspace/proposals/{proposal}"),
            &format!("/workspace/proposals/{proposal}/{action}"),
            fields,
        )
        .await
}

/// Sets the day a flat is free from (arranging data a test needs).
pub async fn set_available_from(app: &TestApp, unit_id: i64, on: chrono::NaiveDate) {
    use sea_orm::{ActiveModelTrait, Set};
    unit::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(unit_id),
        available_from: Set(on),
        ..Default::default()
    }
    .update(app.db())
    .await
    .expect("unit");
}

pub async fn state_of(app: &TestApp, id: i64) -> String {
    proposal::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("query")
        .expect("proposal")
        .state
}

db_test!(
    async fn a_coordinator_takes_a_demo_proposal_from_review_to_the_twelve_month_follow_up(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;

        // Review: every unit with its proposed household, the explained score and the alternatives.
        let (run_id, html) = run_match(&es, d.esslingen).await;
        assert!(html.contains("Wichtige Orte in der Nähe") && html.contains("Richtwert"), "criteria with sentences");
        assert!(html.contains("Andere passende Haushalte"), "alternatives");
        assert!(html.contains("Esslingen am Neckar v1"), "the rule-set version the run used");
        let proposal_id = number_after(&html, "action=\"/workspace/proposals/");
        let p = proposal::Entity::find_by_id(proposal_id).one(app.db()).await.expect("q").expect("p");
        assert_eq!(p.state, "suggested");
        assert_eq!(p.match_run_id, Some(run_id));
        // The flat has been free since the start of November (the lease may start then).
        let on = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
        set_available_from(app, p.unit_id, on(2026, 11, 1)).await;

        // Approve: both sides get their e-mail, the flat is reserved.
        let r = step(&es, proposal_id, "approve", &[]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(state_of(app, proposal_id).await, "sent");
        let u = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(u.status, "reserved");
        app.dispatch_mails().await;
        let mails = app.mails();
        assert!(mails.iter().any(|m| m.subject == "Ein Haushalt für Ihre Wohnung"), "landlord's mail");
        let h = household::Entity::find_by_id(p.household_id).one(app.db()).await.expect("q").expect("h");
        let landlord_mail = mails.iter().find(|m| m.subject == "Ein Haushalt für Ihre Wohnung").expect("mail");
        assert!(!landlord_mail.text.contains(&h.reference), "no household data for the landlord before both accept");
        let persons = h_persons(app, h.id).await;
        let places = persons.to_string();

        // The answers, entered on the parties' behalf; a viewing four days ahead.
        type Step<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
        let answers: Vec<Step> = vec![
            ("household_accept", vec![], "household_accepted"),
            ("landlord_accept", vec![("note", "am Telefon zugesagt")], "accepted"),
            ("schedule_viewing", vec![("starts_at", "25.11.2026 17:00"), ("place", "Vor dem Haus")], "viewing_scheduled"),
        ];
        for (action, fields, expected) in &answers {
            let r = step(&es, proposal_id, action, fields).await;
            assert_eq!(r.status(), 303, "{action}: {}", r.text().await.unwrap_or_default());
            assert_eq!(&state_of(app, proposal_id).await, expected, "after {action}");
        }
        // The day after the viewing: Jobcenter, lease (starting on the 1st), then move-in.
        app.clock.advance(Duration::days(5));
        let es = staff(app, ES_COORDINATOR).await;
        let contract: Vec<Step> = vec![
            ("viewing_held", vec![("note", "Alle waren da")], "viewing_held"),
            ("jobcenter_requested", vec![("on", "2026-11-26")], "jobcenter_requested"),
            ("jobcenter_granted", vec![("on", "26.11.2026")], "jobcenter_granted"),
            ("lease_signed", vec![("lease_kind", "direct"), ("signed_on", "2026-11-26"), ("lease_start", "2026-12-01"), ("rent_cold", "600"), ("service_charges", "130,50"), ("heating_costs", "80")], "lease_signed"),
        ];
        for (action, fields, expected) in &contract {
            let r = step(&es, proposal_id, action, fields).await;
            assert_eq!(r.status(), 303, "{action}: {}", r.text().await.unwrap_or_default());
            assert_eq!(&state_of(app, proposal_id).await, expected, "after {action}");
        }
        app.clock.advance(Duration::days(5));
        let es = staff(app, ES_COORDINATOR).await;
        let r = step(&es, proposal_id, "moved_in", &[("moved_in_on", "2026-12-01"), ("places_freed", &places), ("freed_site", "AU Talstraße")]).await;
        assert_eq!(r.status(), 303, "moved_in: {}", r.text().await.unwrap_or_default());
        assert_eq!(state_of(app, proposal_id).await, "moved_in");
        let u = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(u.status, "let");
        let h = household::Entity::find_by_id(p.household_id).one(app.db()).await.expect("q").expect("h");
        assert_eq!(h.status, "placed");
        let placed = placement::Entity::find().filter(placement::Column::ProposalId.eq(proposal_id)).one(app.db()).await.expect("q").expect("placement");
        assert_eq!(placed.places_freed as usize, persons);
        assert_eq!(placed.freed_site.as_deref(), Some("AU Talstraße"));
        assert_eq!(placed.rent_cold_cents, Some(60_000));
        assert_eq!(placed.service_charges_cents, Some(13_050));
        assert_eq!(placed.jobcenter_status.as_deref(), Some("granted"));
        let due: Vec<(i32, chrono::NaiveDate)> = follow_up::Entity::find()
            .filter(follow_up::Column::PlacementId.eq(placed.id))
            .order_by_asc(follow_up::Column::Month)
            .all(app.db()).await.expect("q")
            .into_iter().map(|f| (f.month, f.due_on)).collect();
        assert_eq!(due, vec![(1, on(2027, 1, 1)), (3, on(2027, 3, 1)), (6, on(2027, 6, 1)), (12, on(2027, 12, 1))]);

        // Closing as sustained needs the 12-month follow-up first: 422 with the sentence at the form.
        let r = step(&es, proposal_id, "sustained", &[]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("text").contains("Nachbetreuung nach 12 Monaten"));

        // A year later: the follow-ups, in order, then the placement is closed as a success.
        app.clock.advance(Duration::days(366));
        let es = staff(app, ES_COORDINATOR).await;
        let page = es.get(&format!("/workspace/proposals/{proposal_id}")).await.text().await.expect("page");
        let follow_ups = numbers_after(&page, "action=\"/workspace/follow-ups/");
        assert_eq!(follow_ups.len(), 4);
        for id in &follow_ups {
            let r = es.post_form(
                &format!("/workspace/proposals/{proposal_id}"),
                &format!("/workspace/follow-ups/{id}"),
                &[("done_on", "2027-12-01"), ("rent_paid", "yes"), ("support_needed", "no"), ("problems", "")],
            ).await;
            assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        }
        let r = step(&es, proposal_id, "sustained", &[("note", "Alles gut")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(state_of(app, proposal_id).await, "sustained");

        // Every move is an event with actor and time.
        let events = proposal_event::Entity::find().filter(proposal_event::Column::ProposalId.eq(proposal_id)).order_by_asc(proposal_event::Column::Id).all(app.db()).await.expect("q");
        let states: Vec<&str> = events.iter().map(|e| e.to_state.as_str()).collect();
        assert_eq!(states, ["suggested", "approved", "sent", "household_accepted", "accepted", "viewing_scheduled", "viewing_held", "jobcenter_requested", "jobcenter_granted", "lease_signed", "moved_in", "sustained"]);
        assert!(events.iter().skip(3).all(|e| e.actor_user_id.is_some()));
        assert_eq!(events[3].actor_kind, "household_by_staff");

        // Counted on the dashboard …
        let page = es.get(&format!("/m/{}", d.esslingen)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("page");
        assert!(html.contains("<svg") && html.contains("role=\"img\""), "server-rendered charts");
        assert!(html.contains("Einzüge insgesamt"));
        let user = bleibe::services::accounts::current_user(&app.app, es_user_id(app).await).await.expect("q").expect("user");
        let figures = bleibe::services::figures::of_municipality(&app.app, &user, d.esslingen).await.expect("figures");
        assert_eq!(figures.moved_in, 1);
        assert_eq!(figures.places_freed as usize, persons);
        assert_eq!(figures.sustained_12_months, 1);
        assert_eq!(figures.median_days_to_move_in, Some(10.0), "sent 21.11., moved in 01.12.");
        assert!(figures.left_out.is_empty(), "{:?}", figures.left_out);
        assert!(figures.households_by_status.iter().any(|(s, n)| s.as_str() == "placed" && *n == 1));

        // … in the exports …
        let csv = es.get(&format!("/m/{}/export/placements.csv", d.esslingen)).await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-disposition"].to_str().expect("header").contains("attachment"));
        let text = csv.text().await.expect("csv");
        assert!(text.starts_with('\u{feff}'), "BOM for Excel");
        assert!(text.contains(&h.reference) && text.contains("hält (12 Monate)") && text.contains("600,00") && text.contains("1, 3, 6, 12"), "{text}");
        let households_csv = es.get(&format!("/m/{}/export/households.csv", d.esslingen)).await.text().await.expect("csv");
        let line = households_csv.lines().find(|l| l.contains(&h.reference)).expect("household in export");
        assert!(line.contains("Vermittelt"), "{line}");
        let xlsx = es.get(&format!("/m/{}/export/all.xlsx", d.esslingen)).await.bytes().await.expect("xlsx");
        assert!(xlsx.starts_with(b"PK\x03\x04"), "a workbook (zip)");

        // … and in the yearly reports (move-in 2026, 12 months sustained 2027).
        let report = es.get(&format!("/m/{}/report/2026", d.esslingen)).await.text().await.expect("report");
        assert!(report.contains("Jahresbericht 2026") && report.contains("Esslingen am Neckar"));
        let r2026 = bleibe::services::figures::yearly(&app.app, &bleibe::services::Actor::User(user.clone()), d.esslingen, 2026, bleibe::domain::Locale::De).await.expect("report");
        assert_eq!((r2026.moved_in, r2026.persons_placed as usize, r2026.places_freed as usize, r2026.leases_signed), (1, persons, persons, 1));
        assert_eq!(r2026.accepted_by_both, 1);
        let r2027 = bleibe::services::figures::yearly(&app.app, &bleibe::services::Actor::User(user.clone()), d.esslingen, 2027, bleibe::domain::Locale::De).await.expect("report");
        assert_eq!((r2027.moved_in, r2027.sustained, r2027.follow_ups_done), (0, 1, 4));
        let book = es.get(&format!("/m/{}/report/2027.xlsx", d.esslingen)).await;
        assert_eq!(book.status(), 200);
        assert!(book.bytes().await.expect("xlsx").starts_with(b"PK"));
    }
);

async fn es_user_id(app: &TestApp) -> i64 {
    entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(ES_COORDINATOR))
        .one(app.db())
        .await
        .expect("q")
        .expect("user")
        .id
}

async fn h_persons(app: &TestApp, id: i64) -> usize {
    entities::household_member::Entity::find()
        .filter(entities::household_member::Column::HouseholdId.eq(id))
        .count(app.db())
        .await
        .expect("count") as usize
}

db_test!(
    async fn illegal_steps_are_refused_with_a_sentence_and_wrong_fields_come_back(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let (_, html) = run_match(&es, d.esslingen).await;
        let proposal_id = number_after(&html, "action=\"/workspace/proposals/");

        // From "suggested" nothing but approve or reject.
        for action in ["moved_in", "landlord_accept", "lease_signed", "sustained", "viewing_held"] {
            let r = step(&es, proposal_id, action, &[]).await;
            assert_eq!(r.status(), 409, "{action}");
            let text = r.text().await.expect("text");
            assert!(text.contains("Dieser Schritt passt nicht zum Stand") && text.contains("Vorgeschlagen, wartet auf Prüfung"), "{text}");
        }
        assert_eq!(step(&es, proposal_id, "fly_to_the_moon", &[]).await.status(), 409);
        let events = proposal_event::Entity::find().filter(proposal_event::Column::ProposalId.eq(proposal_id)).count(app.db()).await.expect("count");
        assert_eq!(events, 1, "nothing recorded for refused steps");

        // Rejecting needs a reason; the form comes back with 422 at the field.
        let r = step(&es, proposal_id, "reject", &[("reason", "")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("text").contains("id=\"f-reject-reason-error\""));

        step(&es, proposal_id, "approve", &[]).await;
        step(&es, proposal_id, "landlord_accept", &[]).await;
        step(&es, proposal_id, "household_accept", &[]).await;
        assert_eq!(state_of(app, proposal_id).await, "accepted");
        // Approving twice is illegal too.
        assert_eq!(step(&es, proposal_id, "approve", &[]).await.status(), 409);

        // A wrong lease: 422, every value kept, the message at the field.
        let r = step(&es, proposal_id, "lease_signed", &[("lease_kind", "direct"), ("signed_on", "2026-11-20"), ("lease_start", "bald"), ("rent_cold", "-5"), ("service_charges", "120"), ("heating_costs", "60")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("text");
        assert!(html.contains("id=\"f-lease_signed-lease_start-error\"") && html.contains("id=\"f-lease_signed-rent_cold-error\""));
        assert!(html.contains("value=\"bald\"") && html.contains("value=\"-5\"") && html.contains("value=\"2026-11-20\""), "values kept");
        assert_eq!(state_of(app, proposal_id).await, "accepted");

        // The landlord declines after all: the flat is free again and the pair is never proposed again.
        let p = proposal::Entity::find_by_id(proposal_id).one(app.db()).await.expect("q").expect("p");
        let r = step(&es, proposal_id, "landlord_decline", &[("reason_code", "personal"), ("reason", "")]).await;
        assert_eq!(r.status(), 303);
        let u = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(u.status, "available");
        let (_, html) = run_match(&es, d.esslingen).await;
        let again = proposal::Entity::find()
            .filter(proposal::Column::UnitId.eq(p.unit_id))
            .filter(proposal::Column::HouseholdId.eq(p.household_id))
            .count(app.db()).await.expect("count");
        assert_eq!(again, 1, "the declined pair is not proposed again");
        assert!(html.contains("Abgleich #2"));
    }
);

db_test!(
    async fn review_offers_alternatives_bulk_approval_and_why_not(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let (run_id, html) = run_match(&es, d.esslingen).await;
        let suggested = numbers_after(&html, "name=\"proposal\" value=\"");
        assert!(suggested.len() >= 5, "{} suggestions", suggested.len());

        // Pick an alternative instead of the first suggestion, with a reason.
        let candidate = number_after(&html, "name=\"candidate\" value=\"");
        let c = entities::match_candidate::Entity::find_by_id(candidate).one(app.db()).await.expect("q").expect("candidate");
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/pick"), &[("candidate", &candidate.to_string()), ("reason", "")]).await;
        assert_eq!(r.status(), 422, "a reason is needed");
        let mails_before = entities::outbox_message::Entity::find().count(app.db()).await.expect("count");
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/pick"), &[("candidate", &candidate.to_string()), ("reason", "Kennt die Nachbarn")]).await;
        assert_eq!(r.status(), 303);
        let picked = proposal::Entity::find()
            .filter(proposal::Column::CandidateId.eq(candidate))
            .filter(proposal::Column::Origin.eq("override"))
            .one(app.db()).await.expect("q").expect("override");
        // The pick is a suggestion like any other: nothing goes out until it is approved.
        assert_eq!(picked.state, "suggested");
        assert_eq!(
            entities::outbox_message::Entity::find().count(app.db()).await.expect("count"),
            mails_before,
            "picking an alternative sends nothing"
        );
        assert_eq!(picked.override_reason.as_deref(), Some("Kennt die Nachbarn"));
        let original = proposal::Entity::find()
            .filter(proposal::Column::MatchRunId.eq(run_id))
            .filter(proposal::Column::UnitId.eq(c.unit_id))
            .filter(proposal::Column::Origin.eq("engine"))
            .one(app.db()).await.expect("q").expect("original");
        assert_eq!(original.state, "rejected");

        // Bulk approval of the rest; those that cannot go out are named.
        let page = es.get(&format!("/runs/{run_id}")).await.text().await.expect("page");
        // Each waiting suggestion has its box and its own approve button: one id each.
        let mut waiting = numbers_after(&page, "name=\"proposal\" value=\"");
        waiting.dedup();
        let mut fields: Vec<(&str, String)> = waiting.iter().map(|id| ("proposal", id.to_string())).collect();
        fields.truncate(3);
        let body: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert!(!page.contains(" checked>"), "nothing is ticked by default");
        // First the confirmation: who gets what; nothing is sent yet.
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/approve"), &body).await;
        assert_eq!(r.status(), 200);
        let confirm = r.text().await.expect("page");
        assert!(confirm.contains("Bitte prüfen: Diese Vorschläge gehen hinaus (3)"), "{confirm}");
        assert!(confirm.contains("E-Mail an"), "the recipients are named");
        let sent_before = proposal::Entity::find()
            .filter(proposal::Column::MatchRunId.eq(run_id))
            .filter(proposal::Column::State.eq("sent"))
            .count(app.db()).await.expect("count");
        assert_eq!(sent_before, 0, "nothing is sent before the confirmation");
        let mut confirmed = body.clone();
        confirmed.push(("confirm", "yes"));
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/approve"), &confirmed).await;
        assert!(r.status() == 303 || r.status() == 422, "{}", r.status());
        let sent = proposal::Entity::find()
            .filter(proposal::Column::MatchRunId.eq(run_id))
            .filter(proposal::Column::State.eq("sent"))
            .count(app.db()).await.expect("count");
        assert!(sent >= 3, "{sent} sent");

        // Approved units and households are frozen for other runs.
        let (_, html) = run_match(&es, d.esslingen).await;
        let held: Vec<i64> = proposal::Entity::find()
            .filter(proposal::Column::IsOpen.eq(true))
            .all(app.db()).await.expect("q")
            .iter().map(|p| p.unit_id).collect();
        for unit in held {
            assert!(!html.contains(&format!("<a href=\"/units/{unit}\">")), "unit {unit} is frozen");
        }

        // Why not: a large household and a small flat.
        let big = household::Entity::find()
            .filter(household::Column::MunicipalityId.eq(d.esslingen))
            .all(app.db()).await.expect("q");
        let mut sized = Vec::new();
        for h in big {
            let n = h_persons(app, h.id).await;
            sized.push((n, h));
        }
        sized.sort_by_key(|(n, h)| (std::cmp::Reverse(*n), h.id));
        let (persons, largest) = &sized[0];
        let small = unit::Entity::find()
            .filter(unit::Column::MunicipalityId.eq(d.esslingen))
            .filter(unit::Column::MaxOccupants.lt(*persons as i32))
            .one(app.db()).await.expect("q").expect("a small flat");
        let r = es.get(&format!("/m/{}/why-not?unit={}&household={}", d.esslingen, small.id, largest.reference)).await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.expect("text");
        assert!(text.contains("Diese Regeln sind nicht erfüllt") && text.contains("Personen"), "{text}");
        // A reference of another municipality is not found (no leak).
        let other = household::Entity::find().filter(household::Column::MunicipalityId.eq(d.winnenden)).one(app.db()).await.expect("q").expect("h");
        let r = es.get(&format!("/m/{}/why-not?unit={}&household={}", d.esslingen, small.id, other.reference)).await;
        assert_eq!(r.status(), 404);
    }
);

db_test!(
    async fn a_volunteer_records_the_viewing_they_accompany(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let (_, html) = run_match(&es, d.esslingen).await;
        let proposal_id = number_after(&html, "action=\"/workspace/proposals/");
        step(&es, proposal_id, "approve", &[]).await;
        step(&es, proposal_id, "landlord_accept", &[]).await;
        step(&es, proposal_id, "household_accept", &[]).await;
        let volunteer = entities::user::Entity::find().filter(entities::user::Column::Email.eq(VOLUNTEER)).one(app.db()).await.expect("q").expect("volunteer");
        let r = step(&es, proposal_id, "schedule_viewing", &[("starts_at", "2026-12-03T16:30"), ("place", "Haustür"), ("companion", &volunteer.id.to_string())]).await;
        assert_eq!(r.status(), 303);

        let v = staff(app, VOLUNTEER).await;
        let page = v.get("/viewings").await.text().await.expect("page");
        assert!(page.contains("03.12.2026 16:30") && page.contains("Haustür"), "{page}");
        // Volunteers do not see the proposal itself (household data).
        assert_eq!(v.get(&format!("/workspace/proposals/{proposal_id}")).await.status(), 404);
        let viewing = number_after(&page, "action=\"/viewings/");
        // Before the viewing's time it cannot be recorded: the form comes back, nothing changes.
        let r = v.post_form("/viewings", &format!("/viewings/{viewing}"), &[("note", "Familie war begeistert")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("Die Besichtigung hat noch nicht begonnen") && html.contains(">Familie war begeistert</textarea>"), "{html}");
        assert_eq!(state_of(app, proposal_id).await, "viewing_scheduled");
        app.clock.advance(Duration::days(13));
        let v = staff(app, VOLUNTEER).await;
        let r = v.post_form("/viewings", &format!("/viewings/{viewing}"), &[("note", "Familie war begeistert")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(state_of(app, proposal_id).await, "viewing_held");
        let event = proposal_event::Entity::find().filter(proposal_event::Column::ProposalId.eq(proposal_id)).order_by_desc(proposal_event::Column::Id).one(app.db()).await.expect("q").expect("event");
        assert_eq!((event.actor_kind.as_str(), event.actor_user_id), ("volunteer", Some(volunteer.id)));
        // Twice is a conflict.
        assert_eq!(v.post_form("/viewings", &format!("/viewings/{viewing}"), &[]).await.status(), 409);
    }
);
