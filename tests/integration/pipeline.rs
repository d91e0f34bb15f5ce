//! The placement pipeline holds up: each finding of the walk-through that found wrong data
//! is refused now (422 with a sentence at the field, nothing changed), picking an
//! alternative is all or nothing, and the figures leave out what breaks a rule.

use bleibe::domain::pipeline::Action;
use bleibe::services::pipeline::{self, StepError};
use bleibe::services::{Actor, CurrentUser, matching};
use chrono::Duration;
use entities::{follow_up, placement, proposal, proposal_event, unit, unit_incentive};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{
    Demo, ES_COORDINATOR, VOLUNTEER, demo, set_available_from, staff, state_of, step,
};

/// The Esslingen coordinator as the services see them.
pub async fn coordinator(app: &TestApp) -> CurrentUser {
    let id = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(ES_COORDINATOR))
        .one(app.db())
        .await
        .expect("q")
        .expect("coordinator")
        .id;
    bleibe::services::accounts::current_user(&app.app, id)
        .await
        .expect("q")
        .expect("user")
}

/// Runs Esslingen's match; returns the run's id and its suggestions, oldest first.
pub async fn match_run(app: &TestApp, d: Demo) -> (i64, Vec<proposal::Model>) {
    let summary = matching::run(
        &app.app,
        &Actor::System,
        matching::Scope::Municipality(d.esslingen),
        matching::Trigger::Cli,
    )
    .await
    .expect("match run");
    let suggested = proposal::Entity::find()
        .filter(proposal::Column::MatchRunId.eq(summary.run_id))
        .filter(proposal::Column::State.eq("suggested"))
        .order_by_asc(proposal::Column::Id)
        .all(app.db())
        .await
        .expect("q");
    (summary.run_id, suggested)
}

/// Takes a step through the service as the coordinator, expecting it to go through.
pub async fn take(
    app: &TestApp,
    user: &CurrentUser,
    id: i64,
    action: Action,
    fields: &[(&str, &str)],
) {
    let pairs: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let result = pipeline::act_on(&app.app, user, id, action, &pairs)
        .await
        .expect("service");
    assert!(result.is_ok(), "{action}: {result:?}");
}

/// A demo proposal both sides said yes to, its flat free since 1 November: (proposal,
/// coordinator).
pub async fn accepted(app: &TestApp) -> (proposal::Model, CurrentUser) {
    let d = demo(app).await;
    let (_, suggested) = match_run(app, d).await;
    let p = suggested.into_iter().next().expect("a suggestion");
    set_available_from(app, p.unit_id, day(2026, 11, 1)).await;
    let user = coordinator(app).await;
    for action in [
        Action::Approve,
        Action::LandlordAccept,
        Action::HouseholdAccept,
    ] {
        take(app, &user, p.id, action, &[]).await;
    }
    (p, user)
}

pub fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Takes `p` from "both said yes" to "moved in" on 1 December 2026 (the clock then stands
/// on 2 December).
pub async fn moved_in(app: &TestApp, p: &proposal::Model, user: &CurrentUser, places: &str) {
    take(
        app,
        user,
        p.id,
        Action::JobcenterRequested,
        &[("on", "2026-11-21")],
    )
    .await;
    take(
        app,
        user,
        p.id,
        Action::JobcenterGranted,
        &[("on", "2026-11-21")],
    )
    .await;
    take(
        app,
        user,
        p.id,
        Action::LeaseSigned,
        &[
            ("lease_kind", "direct"),
            ("signed_on", "2026-11-21"),
            ("lease_start", "2026-12-01"),
            ("rent_cold", "500"),
            ("service_charges", "100"),
            ("heating_costs", "60"),
        ],
    )
    .await;
    app.clock.advance(Duration::days(11));
    take(
        app,
        user,
        p.id,
        Action::MovedIn,
        &[("moved_in_on", "2026-12-01"), ("places_freed", places)],
    )
    .await;
}

async fn members(app: &TestApp, household: i64) -> u64 {
    entities::household_member::Entity::find()
        .filter(entities::household_member::Column::HouseholdId.eq(household))
        .count(app.db())
        .await
        .expect("count")
}

async fn events(app: &TestApp, proposal: i64) -> u64 {
    proposal_event::Entity::find()
        .filter(proposal_event::Column::ProposalId.eq(proposal))
        .count(app.db())
        .await
        .expect("count")
}

async fn audit_entries(app: &TestApp) -> u64 {
    entities::audit_entry::Entity::find()
        .count(app.db())
        .await
        .expect("count")
}

db_test!(
    async fn picking_an_alternative_that_cannot_be_sent_changes_nothing(app) {
        let d = demo(app).await;
        let (run_id, suggested) = match_run(app, d).await;
        let user = coordinator(app).await;
        // The first suggestion goes out: its household is now held.
        let first = &suggested[0];
        take(app, &user, first.id, Action::Approve, &[]).await;
        // Another flat of the run, with the held household as its "alternative".
        let second = &suggested[1];
        let candidate = entities::match_candidate::ActiveModel {
            match_run_id: Set(run_id),
            unit_id: Set(second.unit_id),
            household_id: Set(first.household_id),
            score: Set(0.5),
            rank: Set(9),
            criteria: Set("[]".into()),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("candidate");
        let proposals_before = proposal::Entity::find().count(app.db()).await.expect("count");
        let audit_before = audit_entries(app).await;

        let es = staff(app, ES_COORDINATOR).await;
        let r = es
            .post_form(
                &format!("/runs/{run_id}"),
                &format!("/runs/{run_id}/pick"),
                &[("candidate", &candidate.id.to_string()), ("reason", "Kennt die Nachbarn")],
            )
            .await;
        assert_eq!(r.status(), 422, "the run page again, with the reason");
        let text = r.text().await.expect("page");
        assert!(text.contains("Für diesen Haushalt läuft schon ein anderer Vorschlag"), "{text}");

        // An error page means nothing changed: the suggestion still waits, no new proposal,
        // no audit entry.
        assert_eq!(state_of(app, second.id).await, "suggested");
        assert_eq!(events(app, second.id).await, 1);
        assert!(text.contains(">Kennt die Nachbarn</textarea>"), "the reason typed is kept");
        assert_eq!(proposal::Entity::find().count(app.db()).await.expect("count"), proposals_before);
        assert_eq!(audit_entries(app).await, audit_before);
    }
);

db_test!(
    async fn impossible_placement_values_are_refused_at_their_fields(app) {
        let (p, _user) = accepted(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let household_size = members(app, p.household_id).await;

        // A viewing two days ahead cannot be recorded as held today.
        let r = step(&es, p.id, "schedule_viewing", &[("starts_at", "23.11.2026 17:00"), ("place", "Haustür")]).await;
        assert_eq!(r.status(), 303);
        let r = step(&es, p.id, "viewing_held", &[("note", "war schön")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("Die Besichtigung hat noch nicht begonnen"), "{html}");
        assert!(html.contains(">war schön</textarea>"), "the note is kept");
        assert_eq!(state_of(app, p.id).await, "viewing_scheduled");
        app.clock.advance(Duration::days(3));
        let es = staff(app, ES_COORDINATOR).await;
        assert_eq!(step(&es, p.id, "viewing_held", &[("note", "war schön")]).await.status(), 303);

        // A lease starting before it was signed, and before the flat is free.
        set_available_from(app, p.unit_id, day(2026, 12, 1)).await;
        let lease = |start: &'static str| {
            vec![("lease_kind", "direct"), ("signed_on", "2026-11-21"), ("lease_start", start), ("rent_cold", "500"), ("service_charges", "100"), ("heating_costs", "60")]
        };
        let r = step(&es, p.id, "lease_signed", &lease("2026-11-20")).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"f-lease_signed-lease_start-error\"") && html.contains("Der Mietbeginn kann nicht vor der Unterschrift liegen"), "{html}");
        let r = step(&es, p.id, "lease_signed", &lease("2026-11-25")).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("page").contains("ab dem die Wohnung frei ist"));
        // A lease signed tomorrow.
        let mut tomorrow = lease("2026-12-01");
        tomorrow[1] = ("signed_on", "2026-11-25");
        assert_eq!(step(&es, p.id, "lease_signed", &tomorrow).await.status(), 422);
        assert_eq!(state_of(app, p.id).await, "viewing_held");

        // Signed properly, then the move-in: 40 places for a household of a few persons.
        assert_eq!(step(&es, p.id, "lease_signed", &lease("2026-12-01")).await.status(), 303);
        app.clock.advance(Duration::days(8));
        let es = staff(app, ES_COORDINATOR).await;
        let r = step(&es, p.id, "moved_in", &[("moved_in_on", "2026-11-30"), ("places_freed", "2")]).await;
        assert_eq!(r.status(), 422, "moving in before the lease starts");
        let r = step(&es, p.id, "moved_in", &[("moved_in_on", "2026-12-01"), ("places_freed", "40")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"f-moved_in-places_freed-error\"") && html.contains("höchstens so viele Plätze"), "{html}");
        assert!(html.contains("value=\"40\""), "the value is kept");
        assert!(placement::Entity::find().filter(placement::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("placement").moved_in_on.is_none());
        let places = household_size.to_string();
        assert_eq!(step(&es, p.id, "moved_in", &[("moved_in_on", "2026-12-01"), ("places_freed", &places)]).await.status(), 303);

        // The 12-month follow-up on the day of moving in, and "sustained" at once: refused.
        let placed = placement::Entity::find().filter(placement::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("placement");
        let twelve = follow_up::Entity::find().filter(follow_up::Column::PlacementId.eq(placed.id)).filter(follow_up::Column::Month.eq(12)).one(app.db()).await.expect("q").expect("follow-up");
        let r = es.post_form(&format!("/workspace/proposals/{}", p.id), &format!("/workspace/follow-ups/{}", twelve.id), &[("done_on", "2026-12-01"), ("rent_paid", "yes")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains(&format!("id=\"f-fu{}-done_on-error\"", twelve.id)), "{html}");
        assert!(html.contains("Bitte tragen Sie zuerst die früheren Nachbetreuungen ein"), "{html}");
        let r = step(&es, p.id, "sustained", &[]).await;
        assert_eq!(r.status(), 422);
        assert_eq!(state_of(app, p.id).await, "moved_in");
        let user = coordinator(app).await;
        let figures = bleibe::services::figures::of_municipality(&app.app, &user, p_municipality(app, &p).await).await.expect("figures");
        assert_eq!(figures.sustained_12_months, 0, "no tenancy counted as sustained");
        assert_eq!(figures.places_freed as u64, household_size);
    }
);

async fn p_municipality(app: &TestApp, p: &proposal::Model) -> i64 {
    unit::Entity::find_by_id(p.unit_id)
        .one(app.db())
        .await
        .expect("q")
        .expect("unit")
        .municipality_id
}

db_test!(
    async fn each_follow_up_form_saves_its_own_answers(app) {
        let (p, user) = accepted(app).await;
        let household_size = members(app, p.household_id).await.to_string();
        moved_in(app, &p, &user, &household_size).await;
        app.clock.advance(Duration::days(100));
        let es = staff(app, ES_COORDINATOR).await;
        let page = es.get(&format!("/workspace/proposals/{}", p.id)).await.text().await.expect("page");
        // Four follow-up forms on one page, each with its own element ids.
        let ids = crate::html::ids(&page);
        let mut seen = std::collections::BTreeSet::new();
        for id in &ids {
            assert!(seen.insert(id.clone()), "id {id} twice on the proposal page");
        }
        let placed = placement::Entity::find().filter(placement::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("placement");
        let rows = follow_up::Entity::find().filter(follow_up::Column::PlacementId.eq(placed.id)).order_by_asc(follow_up::Column::Month).all(app.db()).await.expect("q");
        for f in &rows {
            assert!(page.contains(&format!("id=\"f-fu{}-rent_paid-yes\"", f.id)), "the {}-month form has its own radio", f.month);
        }
        // One month: paid; three months: not paid and support needed.
        let post = |id: i64, fields: Vec<(&'static str, &'static str)>| {
            let es = &es;
            let proposal = p.id;
            async move {
                es.post_form(&format!("/workspace/proposals/{proposal}"), &format!("/workspace/follow-ups/{id}"), &fields).await
            }
        };
        assert_eq!(post(rows[0].id, vec![("done_on", "2027-01-02"), ("rent_paid", "yes"), ("support_needed", "no")]).await.status(), 303);
        assert_eq!(post(rows[1].id, vec![("done_on", "2027-03-01"), ("rent_paid", "no"), ("support_needed", "yes")]).await.status(), 303);
        let rows = follow_up::Entity::find().filter(follow_up::Column::PlacementId.eq(placed.id)).order_by_asc(follow_up::Column::Month).all(app.db()).await.expect("q");
        assert_eq!((rows[0].rent_paid, rows[0].support_needed), (Some(true), Some(false)));
        assert_eq!((rows[1].rent_paid, rows[1].support_needed), (Some(false), Some(true)));
        assert_eq!(rows[1].done_on, Some(day(2027, 3, 1)));
        assert_eq!((rows[2].status.as_str(), rows[3].status.as_str()), ("due", "due"));
    }
);

db_test!(
    async fn incentive_money_stays_within_the_grant(app) {
        let (p, _user) = accepted(app).await;
        // The landlord asked for the placement bonus (1.000 €); it is granted at 1.000 €.
        let programme = entities::incentive_programme::Entity::find()
            .filter(entities::incentive_programme::Column::MunicipalityId.eq(p_municipality(app, &p).await))
            .filter(entities::incentive_programme::Column::Kind.eq("placement_bonus"))
            .one(app.db()).await.expect("q").expect("programme");
        let now = app.clock_now();
        let request = unit_incentive::ActiveModel {
            unit_id: Set(p.unit_id),
            programme_id: Set(programme.id),
            status: Set("requested".into()),
            requested_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db()).await.expect("request");
        let es = staff(app, ES_COORDINATOR).await;
        // More than the programme allows: 422 at the amount, the values kept.
        let r = es.post_form("/workspace", &format!("/workspace/incentives/{}", request.id), &[("decision", "grant"), ("amount", "999.999"), ("note", "bitte prüfen")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains(&format!("id=\"f-grant{}-amount-error\"", request.id)) && html.contains("value=\"999.999\"") && html.contains("value=\"bitte prüfen\""), "{html}");
        let r = es.post_form("/workspace", &format!("/workspace/incentives/{}", request.id), &[("decision", "grant"), ("amount", "1.000,00")]).await;
        assert_eq!(r.status(), 303);

        // 1.500 € paid on a 1.000 € grant: refused at the field; the landlord's page is unchanged.
        let page = format!("/workspace/proposals/{}", p.id);
        let r = es.post_form(&page, &format!("/workspace/incentives/{}/paid", request.id), &[("paid_amount", "1.500,00"), ("paid_on", "2026-11-21"), ("back", &page)]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains(&format!("id=\"f-paid{}-paid_amount-error\"", request.id)) && html.contains("höchstens so viel ausgezahlt"), "{html}");
        assert!(html.contains("value=\"1.500,00\""), "the amount is kept");
        // Not before the grant.
        let r = es.post_form(&page, &format!("/workspace/incentives/{}/paid", request.id), &[("paid_amount", "1.000,00"), ("paid_on", "2026-11-20"), ("back", &page)]).await;
        assert_eq!(r.status(), 422);
        let stored = unit_incentive::Entity::find_by_id(request.id).one(app.db()).await.expect("q").expect("request");
        assert_eq!((stored.status.as_str(), stored.paid_amount_cents), ("granted", None));
        // Paid in two parts: 400 € first (the rest stays open), then the other 600 €.
        let r = es.post_form(&page, &format!("/workspace/incentives/{}/paid", request.id), &[("paid_amount", "400"), ("paid_on", "2026-11-21"), ("back", &page)]).await;
        assert_eq!(r.status(), 303);
        let stored = unit_incentive::Entity::find_by_id(request.id).one(app.db()).await.expect("q").expect("request");
        assert_eq!((stored.status.as_str(), stored.paid_amount_cents), ("granted", Some(40_000)));
        let html = es.get(&page).await.text().await.expect("page");
        assert!(html.contains("noch offen: 600\u{a0}€") && html.contains(&format!("action=\"/workspace/incentives/{}/paid\"", request.id)), "the rest can still be paid");
        let r = es.post_form(&page, &format!("/workspace/incentives/{}/paid", request.id), &[("paid_amount", "600,01"), ("paid_on", "2026-11-21"), ("back", &page)]).await;
        assert_eq!(r.status(), 422, "together more than the grant");
        let r = es.post_form(&page, &format!("/workspace/incentives/{}/paid", request.id), &[("paid_amount", "600"), ("paid_on", "2026-11-21"), ("back", &page)]).await;
        assert_eq!(r.status(), 303);
        let stored = unit_incentive::Entity::find_by_id(request.id).one(app.db()).await.expect("q").expect("request");
        assert_eq!((stored.status.as_str(), stored.paid_amount_cents), ("paid", Some(100_000)));
    }
);

db_test!(
    async fn a_volunteer_cannot_record_a_viewing_before_it_starts(app) {
        let (p, user) = accepted(app).await;
        let volunteer = entities::user::Entity::find().filter(entities::user::Column::Email.eq(VOLUNTEER)).one(app.db()).await.expect("q").expect("volunteer");
        take(app, &user, p.id, Action::ScheduleViewing, &[("starts_at", "2026-11-23T17:00"), ("place", "Haustür"), ("companion", &volunteer.id.to_string())]).await;
        let viewing = entities::viewing::Entity::find().filter(entities::viewing::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("viewing");
        let v = staff(app, VOLUNTEER).await;
        let r = v.post_form("/viewings", &format!("/viewings/{}", viewing.id), &[("note", "")]).await;
        assert_eq!(r.status(), 422);
        assert_eq!(state_of(app, p.id).await, "viewing_scheduled");
        let stored = entities::viewing::Entity::find_by_id(viewing.id).one(app.db()).await.expect("q").expect("viewing");
        assert_eq!(stored.status, "scheduled");
    }
);

db_test!(
    async fn a_step_refused_by_an_invariant_says_so_through_the_service(app) {
        let (p, user) = accepted(app).await;
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let refused = pipeline::act_on(&app.app, &user, p.id, Action::JobcenterRequested, &pairs(&[("on", "2026-11-20")]))
            .await
            .expect("service");
        match refused {
            Err(StepError::Fields(errors)) => assert_eq!(errors.get("on"), Some("pipeline.invalid.before_accepted")),
            other => panic!("{other:?}"),
        }
        let illegal = pipeline::act_on(&app.app, &user, p.id, Action::MovedIn, &pairs(&[("moved_in_on", "bald")]))
            .await
            .expect("service");
        assert!(matches!(illegal, Err(StepError::Illegal { .. })), "{illegal:?}");
    }
);

/// The proposal page of `id` as the coordinator sees it: served, its ids unique, every
/// field named.
async fn page_is_sound(client: &crate::accounts::TestClient<'_>, id: i64, expected_state: &str) {
    let r = client.get(&format!("/workspace/proposals/{id}")).await;
    assert_eq!(r.status(), 200, "proposal {id} in {expected_state}");
    let html = r.text().await.expect("page");
    let twice = crate::html::duplicate_ids(&html);
    assert!(twice.is_empty(), "{expected_state}: ids twice: {twice:?}");
    let unnamed = crate::html::unlabelled_fields(&html);
    assert!(
        unnamed.is_empty(),
        "{expected_state}: fields without a name: {unnamed:?}"
    );
}

db_test!(
    async fn the_proposal_page_is_sound_in_every_state(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let user = coordinator(app).await;
        for p in &suggested {
            set_available_from(app, p.unit_id, day(2026, 11, 1)).await;
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut check = async |id: i64| {
            let state = state_of(app, id).await;
            let es = staff(app, ES_COORDINATOR).await;
            page_is_sound(&es, id, &state).await;
            seen.insert(state);
        };
        let [main, b, c, dd, e, f, g, h, ..] = suggested.as_slice() else {
            panic!("at least eight suggestions")
        };
        check(main.id).await;
        // The main path, checked at every state.
        let path: Vec<(Action, Vec<(&str, &str)>)> = vec![
            (Action::Approve, vec![]),
            (Action::LandlordAccept, vec![]),
            (Action::HouseholdAccept, vec![]),
            (Action::ScheduleViewing, vec![("starts_at", "2026-11-22T17:00"), ("place", "Haustür")]),
        ];
        for (action, fields) in &path {
            take(app, &user, main.id, *action, fields).await;
            check(main.id).await;
        }
        // Side branches end in every other state.
        take(app, &user, c.id, Action::Reject, &[("reason", "passt nicht")]).await;
        check(c.id).await;
        for (p, steps) in [
            (b, vec![(Action::HouseholdAccept, vec![]), (Action::LandlordDecline, vec![("reason_code", "timing")])]),
            (dd, vec![(Action::HouseholdDecline, vec![("reason_code", "too_far")])]),
            (e, vec![(Action::Withdraw, vec![("reason", "Familie zieht weg")])]),
        ] {
            take(app, &user, p.id, Action::Approve, &[]).await;
            check(p.id).await;
            for (action, fields) in steps {
                take(app, &user, p.id, action, &fields).await;
                check(p.id).await;
            }
        }
        for p in [g, h] {
            for action in [Action::Approve, Action::LandlordAccept, Action::HouseholdAccept] {
                take(app, &user, p.id, action, &[]).await;
            }
            take(app, &user, p.id, Action::JobcenterRequested, &[("on", "2026-11-21")]).await;
            check(p.id).await;
        }
        take(app, &user, g.id, Action::JobcenterRefused, &[("on", "2026-11-21"), ("reason", "zu teuer")]).await;
        check(g.id).await;
        take(app, &user, f.id, Action::Approve, &[]).await;
        app.clock.advance(Duration::days(2));
        take(app, &user, main.id, Action::ViewingHeld, &[]).await;
        check(main.id).await;
        take(app, &user, main.id, Action::JobcenterRequested, &[("on", "2026-11-23")]).await;
        for p in [main, h] {
            take(app, &user, p.id, Action::JobcenterGranted, &[("on", "2026-11-23")]).await;
            check(p.id).await;
            let lease = [("lease_kind", "direct"), ("signed_on", "2026-11-23"), ("lease_start", "2026-12-01"), ("rent_cold", "500"), ("service_charges", "90"), ("heating_costs", "50")];
            take(app, &user, p.id, Action::LeaseSigned, &lease).await;
            check(p.id).await;
        }
        app.clock.advance(Duration::days(30));
        bleibe::services::routine::deadlines(&app.app).await.expect("deadlines");
        check(f.id).await;
        for p in [main, h] {
            take(app, &user, p.id, Action::MovedIn, &[("moved_in_on", "2026-12-01")]).await;
            check(p.id).await;
        }
        take(app, &user, h.id, Action::EndedEarly, &[("ended_on", "2026-12-20"), ("reason_code", "other"), ("reason", "Umzug zur Familie")]).await;
        check(h.id).await;
        app.clock.advance(Duration::days(370));
        for month in ["1", "3", "6", "12"] {
            take(app, &user, main.id, Action::FollowUp, &[("month", month), ("done_on", "2027-12-02"), ("rent_paid", "yes")]).await;
        }
        check(main.id).await;
        take(app, &user, main.id, Action::Sustained, &[]).await;
        check(main.id).await;
        let all: std::collections::BTreeSet<String> = bleibe::domain::pipeline::ProposalState::ALL
            .iter()
            .map(|s| s.as_str().to_owned())
            .filter(|s| s != "approved")
            .collect();
        let missing: Vec<&String> = all.difference(&seen).collect();
        assert!(missing.is_empty(), "states not checked: {missing:?}");
    }
);

db_test!(
    async fn records_that_break_a_rule_are_left_out_of_the_figures_and_listed(app) {
        let (p, user) = accepted(app).await;
        let size = members(app, p.household_id).await;
        moved_in(app, &p, &user, &size.to_string()).await;
        let municipality = p_municipality(app, &p).await;
        let figures = bleibe::services::figures::of_municipality(&app.app, &user, municipality).await.expect("figures");
        assert_eq!((figures.moved_in, figures.places_freed as u64), (1, size));
        // A row stored before the checks existed: 40 places freed by this household.
        let placed = placement::Entity::find().filter(placement::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("placement");
        let mut row: placement::ActiveModel = placed.clone().into();
        row.places_freed = Set(40);
        row.update(app.db()).await.expect("update");

        let figures = bleibe::services::figures::of_municipality(&app.app, &user, municipality).await.expect("figures");
        assert_eq!((figures.moved_in, figures.places_freed), (0, 0), "the broken record is not counted");
        assert_eq!(figures.left_out, [(bleibe::domain::pipeline::invariants::Problem::PlacesAboveMembers, 1)]);
        let es = staff(app, ES_COORDINATOR).await;
        let page = es.get(&format!("/m/{municipality}")).await.text().await.expect("page");
        assert!(page.contains("Nicht mitgezählt") && page.contains("1 × mehr frei gewordene Plätze als Personen im Haushalt"), "{page}");
        let report = es.get(&format!("/m/{municipality}/report/2026")).await.text().await.expect("report");
        assert!(report.contains("1 × mehr frei gewordene Plätze"), "the yearly report says it too");

        // `bleibe check-data` lists it for the coordinator, and fails (exit 1) while it stands.
        let output = crate::cli::bleibe()
            .args(["check-data"])
            .env("BLEIBE_DATABASE__URL", &app.database_url)
            .env("BLEIBE_LOG__LEVEL", "warn")
            .output()
            .expect("run bleibe");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains(&format!("placements {} (Esslingen am Neckar) /workspace/proposals/{}", placed.id, p.id)), "{stdout}");
        assert!(stdout.contains("mehr frei gewordene Plätze als Personen im Haushalt / more places freed than people in the household"), "{stdout}");
        let output = crate::cli::bleibe()
            .args(["check-data", "--municipality", "Winnenden"])
            .env("BLEIBE_DATABASE__URL", &app.database_url)
            .env("BLEIBE_LOG__LEVEL", "warn")
            .output()
            .expect("run bleibe");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stdout).contains("Every record keeps the rules"));
    }
);

db_test!(
    async fn picking_an_alternative_without_a_reason_keeps_the_page_and_says_so_at_the_field(app) {
        let d = demo(app).await;
        let (run_id, suggested) = match_run(app, d).await;
        let candidate = entities::match_candidate::Entity::find()
            .filter(entities::match_candidate::Column::MatchRunId.eq(run_id))
            .filter(entities::match_candidate::Column::UnitId.eq(suggested[0].unit_id))
            .filter(entities::match_candidate::Column::HouseholdId.ne(suggested[0].household_id))
            .one(app.db()).await.expect("q").expect("an alternative");
        let es = staff(app, ES_COORDINATOR).await;
        let long = "x".repeat(1200);
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/pick"), &[("candidate", &candidate.id.to_string()), ("reason", &long)]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains(&format!("id=\"pick-{}-error\"", candidate.id)) && html.contains("Dieser Text ist zu lang"), "at the field");
        assert!(html.contains(&format!(">{long}</textarea>")), "the reason is kept");
        assert!(html.contains("<details class=\"alternatives\" open>"), "the alternatives stay open");
        assert_eq!(state_of(app, suggested[0].id).await, "suggested");
    }
);

db_test!(
    async fn a_step_taken_twice_in_two_windows_says_it_is_done_with_a_way_back(app) {
        let (p, user) = accepted(app).await;
        take(app, &user, p.id, Action::ScheduleViewing, &[("starts_at", "2026-11-22T17:00"), ("place", "Haustür")]).await;
        app.clock.advance(Duration::days(2));
        let es = staff(app, ES_COORDINATOR).await;
        let old_tab = es.get(&format!("/workspace/proposals/{}", p.id)).await.text().await.expect("page");
        assert!(old_tab.contains("/viewing_held"));
        assert_eq!(step(&es, p.id, "viewing_held", &[("note", "erste")]).await.status(), 303);
        let r = step(&es, p.id, "viewing_held", &[("note", "zweite")]).await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.expect("page");
        assert!(html.contains("Dieser Schritt ist schon eingetragen") && html.contains("This step is recorded already"), "{html}");
        assert!(html.contains(&format!("href=\"/workspace/proposals/{}\"", p.id)), "a way back to the proposal");
    }
);

db_test!(
    async fn a_tenancy_that_ended_early_frees_the_household_and_the_flat(app) {
        let (p, user) = accepted(app).await;
        let size = members(app, p.household_id).await.to_string();
        moved_in(app, &p, &user, &size).await;
        take(app, &user, p.id, Action::EndedEarly, &[("ended_on", "2026-12-02"), ("reason_code", "rent_arrears")]).await;
        let h = entities::household::Entity::find_by_id(p.household_id).one(app.db()).await.expect("q").expect("h");
        assert_eq!(h.status, "active", "looking for a flat again");
        let u = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(u.status, "checked", "to be offered again once agreed");
        let placed = placement::Entity::find().filter(placement::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("placement");
        assert_eq!((placed.outcome.as_str(), placed.end_reason_code.as_deref()), ("ended_early", Some("rent_arrears")));
        let es = staff(app, ES_COORDINATOR).await;
        let html = es.get(&format!("/workspace/proposals/{}", p.id)).await.text().await.expect("page");
        assert!(html.contains("Mietschulden"), "the reason in words");
    }
);

db_test!(
    async fn a_viewing_moved_or_left_by_an_ended_proposal_is_cancelled_for_both_sides(app) {
        let (p, user) = accepted(app).await;
        take(app, &user, p.id, Action::ScheduleViewing, &[("starts_at", "2026-12-10T17:00"), ("place", "Haustür")]).await;
        let cancellations = || async {
            entities::outbox_message::Entity::find()
                .filter(entities::outbox_message::Column::ProposalId.eq(p.id))
                .filter(entities::outbox_message::Column::Kind.starts_with("viewing_cancelled"))
                .all(app.db())
                .await
                .expect("q")
        };
        assert!(cancellations().await.is_empty(), "nothing to cancel at first");
        // Moved: the first time is cancelled in the calendars it was sent to.
        take(app, &user, p.id, Action::ScheduleViewing, &[("starts_at", "2026-12-11T17:00"), ("place", "Haustür")]).await;
        let moved = cancellations().await;
        assert!(moved.iter().any(|m| m.kind == "viewing_cancelled_landlord"), "{moved:?}");
        for m in &moved {
            let files = m.attachments.as_deref().unwrap_or_default();
            assert!(files.contains("method=CANCEL"), "a calendar cancellation: {files}");
            // In German, or in the household's language with the German subject on top.
            assert!((m.subject.contains("fällt aus") || m.body_text.contains("fällt aus“")) && m.body_text.contains("10.12.2026"), "{}", m.body_text);
        }
        // The proposal is withdrawn: the viewing still ahead is cancelled too, and no longer
        // listed as arranged.
        take(app, &user, p.id, Action::Withdraw, &[("reason", "Familie zieht weg")]).await;
        let all = cancellations().await;
        assert_eq!(all.len(), moved.len() * 2, "one more cancellation per side: {all:?}");
        assert!(all.iter().any(|m| m.body_text.contains("11.12.2026")));
        let viewings = entities::viewing::Entity::find()
            .filter(entities::viewing::Column::ProposalId.eq(p.id))
            .all(app.db())
            .await
            .expect("q");
        assert!(viewings.iter().all(|v| v.status != "scheduled"), "{viewings:?}");
        assert!(viewings.iter().any(|v| v.status == "cancelled"));
    }
);
