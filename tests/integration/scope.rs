//! Who may see what, for every route of the router: a table of routes and roles, checked
//! against the running service. The routes are read from `src/web/mod.rs`, so a new route
//! without a line in the table fails this test.

use std::collections::BTreeSet;

use chrono::Duration;
use entities::{household, landlord, match_candidate, proposal, unit, unit_incentive};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::accounts::TestClient;
use crate::db_test;
use crate::helpers::{TestApp, png};
use crate::workspace::{ADMIN, LANDLORD, VOLUNTEER, WN_COORDINATOR, demo, staff};

const KIRCHHEIM_COORDINATOR: &str = "koordination.kirchheim@bleibe.example";

/// What a role gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Served (2xx, a redirect elsewhere than the login page, or a 4xx about the request
    /// itself such as 409 or 422): never 404, never the login page.
    Ok,
    /// Sent to the login page.
    Login,
    /// 404: the thing does not exist for this person.
    Hidden,
    /// Public or token routes: anything but a server error.
    Any,
    /// 403 (e.g. a form token refused): never expected, so a broken test setup shows.
    Refused,
}

use Expect::*;

/// Roles in the order of the table: visitor, landlord (owner of the flat), volunteer of
/// the municipality, coordinator of another municipality, coordinator of the
/// municipality, admin.
const ROLES: [&str; 6] = [
    "anonymous",
    "landlord",
    "volunteer",
    "other coordinator",
    "coordinator",
    "admin",
];

const PUBLIC: [Expect; 6] = [Any; 6];
const COORDINATOR: [Expect; 6] = [Login, Hidden, Hidden, Hidden, Ok, Ok];
const READ_UNITS: [Expect; 6] = [Login, Hidden, Ok, Hidden, Ok, Ok];
const UNIT: [Expect; 6] = [Login, Ok, Ok, Hidden, Ok, Ok];
const ADMIN_ONLY: [Expect; 6] = [Login, Hidden, Hidden, Hidden, Hidden, Ok];
const STAFF: [Expect; 6] = [Login, Hidden, Ok, Ok, Ok, Ok];
const LANDLORD_ONLY: [Expect; 6] = [Login, Ok, Hidden, Hidden, Hidden, Hidden];
const ANY_LOGGED_IN: [Expect; 6] = [Login, Ok, Ok, Ok, Ok, Ok];
/// A proposal's documents: its landlord and the staff of its municipality.
const DOCUMENT: [Expect; 6] = [Login, Ok, Hidden, Hidden, Ok, Ok];
/// Someone else's thing addressed by id: nobody may know it exists.
const NOT_YOURS: [Expect; 6] = [Login, Hidden, Hidden, Hidden, Hidden, Hidden];

/// (method, route as in the router) of every route in `src/web/mod.rs`.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let source = include_str!("../../src/web/mod.rs");
    let mut out = BTreeSet::new();
    let starts: Vec<usize> = source.match_indices(".route(").map(|(i, _)| i).collect();
    for (n, start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(source.len());
        let chunk = &source[*start..end];
        let chunk = chunk.split(".route_layer(").next().unwrap_or(chunk);
        let chunk = chunk.split(".fallback(").next().unwrap_or(chunk);
        let Some(open) = chunk.find('"') else {
            continue;
        };
        let Some(close) = chunk[open + 1..].find('"') else {
            continue;
        };
        let path = chunk[open + 1..open + 1 + close].to_owned();
        for method in ["get", "post"] {
            if chunk.contains(&format!("{method}(")) || chunk.contains(&format!(".{method}(")) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The objects the table's paths point at, all of Kirchheim unter Teck.
struct Fixture {
    municipality: i64,
    household: i64,
    unit: i64,
    landlord: i64,
    draft: i64,
    draft_without_place: i64,
    photo_key: String,
    landlord_proposal: i64,
    proposal: i64,
    follow_up: i64,
    viewing: i64,
    run: i64,
    candidate: i64,
    programme: i64,
    incentive: i64,
    flag: i64,
    import: i64,
    user: i64,
    /// A rent certificate kept with the landlord's proposal.
    document: i64,
    /// A campaign of the municipality.
    campaign: i64,
    /// A webhook endpoint and one of its deliveries.
    webhook: i64,
    delivery: i64,
    /// A policy-lab comparison of the municipality.
    lab_run: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let d = demo(app).await;
    let _ = d;
    let db = app.db();
    let now = app.app.clock.now();
    let k = entities::municipality::Entity::find()
        .filter(entities::municipality::Column::Name.eq("Kirchheim unter Teck"))
        .one(db)
        .await
        .expect("q")
        .expect("Kirchheim");
    let coordinator = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(KIRCHHEIM_COORDINATOR))
        .one(db)
        .await
        .expect("q")
        .expect("user");
    let coordinator = bleibe::services::accounts::current_user(&app.app, coordinator.id)
        .await
        .expect("q")
        .expect("user");
    let renate = landlord::Entity::find()
        .filter(landlord::Column::ContactEmail.eq(LANDLORD))
        .one(db)
        .await
        .expect("q")
        .expect("Renate");
    let renate_unit = unit::Entity::find()
        .filter(unit::Column::LandlordId.eq(renate.id))
        .filter(unit::Column::MunicipalityId.eq(k.id))
        .one(db)
        .await
        .expect("q")
        .expect("Renate's flat in Kirchheim");
    let photo = bleibe::services::photos::store(&app.app, &png(40)).expect("photo");
    bleibe::store::photos::insert(
        db,
        bleibe::store::photos::Owner::Unit(renate_unit.id),
        &photo.storage_key,
        "flur.png",
        &photo.content_type,
        photo.byte_size,
        photo.width,
        photo.height,
        now,
    )
    .await
    .expect("photo row");
    let draft = bleibe::store::drafts::insert(
        db,
        renate.id,
        renate.user_id,
        None,
        &[
            ("postal_code".into(), "73230".into()),
            ("town".into(), "Kirchheim unter Teck".into()),
            ("street".into(), "Alleenstraße".into()),
        ],
        now,
    )
    .await
    .expect("draft");
    let draft_without_place = bleibe::store::drafts::insert(
        db,
        renate.id,
        renate.user_id,
        None,
        &[("street".into(), "Schillerstraße".into())],
        now,
    )
    .await
    .expect("draft");

    let households: Vec<household::Model> = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(k.id))
        .filter(household::Column::Status.eq("active"))
        .order_by_asc(household::Column::Id)
        .all(db)
        .await
        .expect("q");
    let other_units: Vec<unit::Model> = unit::Entity::find()
        .filter(unit::Column::MunicipalityId.eq(k.id))
        .filter(unit::Column::Status.eq("available"))
        .filter(unit::Column::Id.ne(renate_unit.id))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await
        .expect("q");

    let summary = bleibe::services::matching::run(
        &app.app,
        &bleibe::services::Actor::User(coordinator.clone()),
        bleibe::services::matching::Scope::Municipality(k.id),
        bleibe::services::matching::Trigger::Manual,
    )
    .await
    .expect("run");
    let candidate = match_candidate::Entity::find()
        .filter(match_candidate::Column::MatchRunId.eq(summary.run_id))
        .filter(match_candidate::Column::Rank.gt(0))
        .one(db)
        .await
        .expect("q")
        .expect("an alternative");

    // Proposals placed directly at a stage (the pipeline itself is tested elsewhere).
    let insert = |unit_id: i64, household_id: i64, state: &'static str| async move {
        proposal::ActiveModel {
            match_run_id: Set(None),
            candidate_id: Set(None),
            unit_id: Set(unit_id),
            household_id: Set(household_id),
            state: Set(state.into()),
            is_open: Set(true),
            origin: Set("override".into()),
            score: Set(0.5),
            override_reason: Set(Some("fixture".into())),
            state_changed_at: Set(now),
            approved_at: Set(Some(now)),
            approved_by_user_id: Set(None),
            sent_at: Set(Some(now)),
            answer_due_at: Set(Some(now + Duration::days(14))),
            reminded_at: Set(None),
            landlord_answered_at: Set(None),
            household_answered_at: Set(None),
            closed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("proposal")
        .id
    };
    let landlord_proposal = insert(renate_unit.id, households[0].id, "sent").await;
    let proposal = insert(other_units[0].id, households[1].id, "lease_signed").await;
    let moved = bleibe::services::pipeline::act_on(
        &app.app,
        &coordinator,
        proposal,
        bleibe::domain::pipeline::Action::MovedIn,
        &[("moved_in_on".into(), now.date_naive().to_string())],
    )
    .await
    .expect("act");
    assert!(moved.is_ok(), "{moved:?}");
    let placement = entities::placement::Entity::find()
        .filter(entities::placement::Column::ProposalId.eq(proposal))
        .one(db)
        .await
        .expect("q")
        .expect("placement");
    let follow_up = entities::follow_up::Entity::find()
        .filter(entities::follow_up::Column::PlacementId.eq(placement.id))
        .one(db)
        .await
        .expect("q")
        .expect("follow-up")
        .id;
    let viewing_proposal = insert(other_units[1].id, households[2].id, "accepted").await;
    let volunteer = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(VOLUNTEER))
        .one(db)
        .await
        .expect("q")
        .expect("volunteer");
    let scheduled = bleibe::services::pipeline::act_on(
        &app.app,
        &coordinator,
        viewing_proposal,
        bleibe::domain::pipeline::Action::ScheduleViewing,
        &[
            ("starts_at".into(), "2026-12-02 10:00".into()),
            ("place".into(), "Eingang".into()),
            ("companion".into(), volunteer.id.to_string()),
        ],
    )
    .await
    .expect("act");
    assert!(scheduled.is_ok(), "{scheduled:?}");
    let viewing = entities::viewing::Entity::find()
        .filter(entities::viewing::Column::ProposalId.eq(viewing_proposal))
        .one(db)
        .await
        .expect("q")
        .expect("viewing")
        .id;

    let programme = entities::incentive_programme::Entity::find()
        .filter(entities::incentive_programme::Column::MunicipalityId.eq(k.id))
        .one(db)
        .await
        .expect("q")
        .expect("programme");
    let incentive = match unit_incentive::Entity::find()
        .filter(unit_incentive::Column::ProgrammeId.eq(programme.id))
        .one(db)
        .await
        .expect("q")
    {
        Some(i) => i.id,
        None => bleibe::store::incentives::request(db, renate_unit.id, programme.id, None, now)
            .await
            .expect("request"),
    };
    let report = bleibe::services::import::run(&app.app, &bleibe::services::Actor::System, bleibe::services::import::Kind::Households, b"reference;residence_status;member1_first_name;member1_birth_year\nK-IMP-1;anerkannt;Nora;1991\n", &bleibe::services::import::Options { file_name: "k.csv".into(), default_municipality: Some(k.id), only_municipality: Some(k.id) }, &|_, _, _| {}).await.expect("import");
    assert!(report.imported);
    let flag = entities::review_flag::ActiveModel {
        kind: Set("duplicate_unit".into()),
        entity: Set("units".into()),
        entity_id: Set(renate_unit.id),
        other_entity_id: Set(Some(other_units[0].id)),
        municipality_id: Set(Some(k.id)),
        import_id: Set(Some(report.import_id)),
        reason: Set("fixture".into()),
        resolved_at: Set(None),
        resolved_by_user_id: Set(None),
        resolution: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("flag")
    .id;

    let document = bleibe::store::documents::insert(
        db,
        bleibe::store::documents::NewDocument {
            municipality_id: k.id,
            proposal_id: Some(landlord_proposal),
            kind: "rent-certificate".into(),
            lang: "de".into(),
            template_version: 0,
            data: "{}".into(),
            sha256: String::new(),
            pdf: b"%PDF-1.7".to_vec(),
            created_by_user_id: None,
        },
        now,
    )
    .await
    .expect("document");
    let campaign = bleibe::store::outreach::insert_campaign(db, k.id, "probe", "Probe", None, now)
        .await
        .expect("campaign");
    let new = bleibe::store::webhooks::NewEndpoint {
        municipality_id: k.id,
        url: "http://127.0.0.1:9/hook",
        secret: "whsec_probe",
        events: bleibe::domain::webhooks::EventType::ALL,
        trusted: false,
        created_by: None,
    };
    let webhook = bleibe::store::webhooks::insert_endpoint(db, &new, now)
        .await
        .expect("endpoint");
    let delivery = entities::webhook_delivery::ActiveModel {
        endpoint_id: sea_orm::Set(webhook),
        event: sea_orm::Set("proposal.sent".into()),
        event_id: sea_orm::Set("evt_probe".into()),
        payload: sea_orm::Set("{}".into()),
        status: sea_orm::Set("failed".into()),
        attempts: sea_orm::Set(12),
        next_attempt_at: sea_orm::Set(now),
        created_at: sea_orm::Set(now),
        ..Default::default()
    };
    let delivery = sea_orm::ActiveModelTrait::insert(delivery, db)
        .await
        .expect("delivery")
        .id;
    let lab_run = entities::lab_run::ActiveModel {
        municipality_id: sea_orm::Set(Some(k.id)),
        months: sea_orm::Set(12),
        policies: sea_orm::Set("greedy".into()),
        seeds: sea_orm::Set(1),
        status: sea_orm::Set("failed".into()),
        done: sea_orm::Set(0),
        total: sea_orm::Set(2),
        error: sea_orm::Set(Some("probe".into())),
        created_at: sea_orm::Set(now),
        ..Default::default()
    };
    let lab_run = sea_orm::ActiveModelTrait::insert(lab_run, db)
        .await
        .expect("lab run")
        .id;
    Fixture {
        lab_run,
        webhook,
        delivery,
        document,
        campaign,
        municipality: k.id,
        household: households[3].id,
        unit: renate_unit.id,
        landlord: renate.id,
        draft,
        draft_without_place,
        photo_key: photo.storage_key,
        landlord_proposal,
        proposal,
        follow_up,
        viewing,
        run: summary.run_id,
        candidate: candidate.id,
        programme: programme.id,
        incentive,
        flag,
        import: report.import_id,
        user: volunteer.id,
    }
}

/// One line of the table: method, route, the path to request, the form to post, and
/// what each role gets.
struct Case {
    method: &'static str,
    route: &'static str,
    path: String,
    form: Vec<(&'static str, String)>,
    expect: [Expect; 6],
}

fn table(f: &Fixture) -> Vec<Case> {
    let m = f.municipality;
    let case =
        |method: &'static str, route: &'static str, path: String, expect: [Expect; 6]| Case {
            method,
            route,
            path,
            form: Vec::new(),
            expect,
        };
    let post = |route: &'static str,
                path: String,
                form: Vec<(&'static str, String)>,
                expect: [Expect; 6]| Case {
        method: "POST",
        route,
        path,
        form,
        expect,
    };
    vec![
        // Public pages and links by token.
        case("GET", "/", "/".into(), PUBLIC),
        case("GET", "/privacy", "/privacy".into(), PUBLIC),
        case(
            "GET",
            "/barrierefreiheit",
            "/barrierefreiheit".into(),
            PUBLIC,
        ),
        case("GET", "/accessibility", "/accessibility".into(), PUBLIC),
        case("GET", "/favicon.ico", "/favicon.ico".into(), PUBLIC),
        case(
            "GET",
            "/vermieten/{slug}",
            "/vermieten/kirchheim-unter-teck".into(),
            PUBLIC,
        ),
        case(
            "GET",
            "/vermieten/{slug}/foto",
            "/vermieten/kirchheim-unter-teck/foto".into(),
            PUBLIC,
        ),
        // Winning landlords: the municipality's coordinators (and admins); flyers for its
        // volunteers too; the page's text and photo for admins.
        case(
            "GET",
            "/m/{mid}/outreach",
            format!("/m/{m}/outreach"),
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/outreach/flyer.pdf",
            format!("/m/{m}/outreach/flyer.pdf"),
            READ_UNITS,
        ),
        post(
            "/m/{mid}/outreach/campaigns",
            format!("/m/{m}/outreach/campaigns"),
            vec![("label", "Zeitung".into())],
            COORDINATOR,
        ),
        post(
            "/m/{mid}/outreach/campaigns/{id}/{action}",
            format!("/m/{m}/outreach/campaigns/{}/end", f.campaign),
            vec![],
            COORDINATOR,
        ),
        post(
            "/m/{mid}/outreach/page",
            format!("/m/{m}/outreach/page"),
            vec![("text_de", "Willkommen".into())],
            ADMIN_ONLY,
        ),
        // The policy lab: the municipality's coordinators (and admins).
        case("GET", "/m/{mid}/lab", format!("/m/{m}/lab"), COORDINATOR),
        post(
            "/m/{mid}/lab",
            format!("/m/{m}/lab"),
            vec![
                ("months", "3".into()),
                ("seeds", "1".into()),
                ("policies", "greedy".into()),
            ],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/lab/{id}",
            format!("/m/{m}/lab/{}", f.lab_run),
            COORDINATOR,
        ),
        case("GET", "/signup", "/signup".into(), PUBLIC),
        case("POST", "/signup", "/signup".into(), PUBLIC),
        case("GET", "/signup/sent", "/signup/sent".into(), PUBLIC),
        case("POST", "/confirm/resend", "/confirm/resend".into(), PUBLIC),
        case(
            "GET",
            "/confirm/{token}",
            "/confirm/not-a-token".into(),
            PUBLIC,
        ),
        case(
            "GET",
            "/a/{token}",
            format!("/a/{}", "ab".repeat(32)),
            PUBLIC,
        ),
        post(
            "/a/{token}",
            format!("/a/{}", "ab".repeat(32)),
            vec![],
            PUBLIC,
        ),
        case(
            "GET",
            "/a/{token}/photos/{key}",
            format!("/a/{}/photos/x.jpg", "ab".repeat(32)),
            PUBLIC,
        ),
        case("GET", "/login", "/login".into(), PUBLIC),
        case("POST", "/login", "/login".into(), PUBLIC),
        case("GET", "/login/code", "/login/code".into(), PUBLIC),
        post(
            "/login/code",
            "/login/code".into(),
            vec![("code", "123456".into())],
            PUBLIC,
        ),
        case("POST", "/logout", "/logout".into(), PUBLIC),
        case("GET", "/forgot", "/forgot".into(), PUBLIC),
        case("POST", "/forgot", "/forgot".into(), PUBLIC),
        case("GET", "/reset/{token}", "/reset/not-a-token".into(), PUBLIC),
        case(
            "POST",
            "/reset/{token}",
            "/reset/not-a-token".into(),
            PUBLIC,
        ),
        case(
            "GET",
            "/invitation/{token}",
            "/invitation/not-a-token".into(),
            PUBLIC,
        ),
        case(
            "POST",
            "/invitation/{token}",
            "/invitation/not-a-token".into(),
            PUBLIC,
        ),
        case(
            "GET",
            "/geo/postal/{code}",
            "/geo/postal/73230".into(),
            PUBLIC,
        ),
        case("GET", "/lang/{code}", "/lang/en?next=/".into(), PUBLIC),
        case("GET", "/health", "/health".into(), PUBLIC),
        case("GET", "/ready", "/ready".into(), PUBLIC),
        case("GET", "/metrics", "/metrics".into(), PUBLIC),
        // One's own account.
        case("GET", "/account", "/account".into(), ANY_LOGGED_IN),
        case(
            "GET",
            "/account/tokens",
            "/account/tokens".into(),
            ANY_LOGGED_IN,
        ),
        post(
            "/account/tokens",
            "/account/tokens".into(),
            vec![],
            ANY_LOGGED_IN,
        ),
        post(
            "/account/tokens/{id}/revoke",
            "/account/tokens/999999/revoke".into(),
            vec![],
            NOT_YOURS,
        ),
        case(
            "GET",
            "/account/data.json",
            "/account/data.json".into(),
            ANY_LOGGED_IN,
        ),
        case(
            "GET",
            "/account/data",
            "/account/data".into(),
            ANY_LOGGED_IN,
        ),
        case(
            "GET",
            "/account/second-factor",
            "/account/second-factor".into(),
            ANY_LOGGED_IN,
        ),
        post(
            "/account/second-factor",
            "/account/second-factor".into(),
            vec![("code", "000000".into())],
            ANY_LOGGED_IN,
        ),
        post(
            "/account/second-factor/off",
            "/account/second-factor/off".into(),
            vec![("code", "000000".into())],
            ANY_LOGGED_IN,
        ),
        // Self-service: an empty form changes nothing (422); the phone is the landlord's.
        post(
            "/account/password",
            "/account/password".into(),
            vec![],
            ANY_LOGGED_IN,
        ),
        post(
            "/account/email",
            "/account/email".into(),
            vec![],
            ANY_LOGGED_IN,
        ),
        post(
            "/account/phone",
            "/account/phone".into(),
            vec![("phone", "x".into())],
            LANDLORD_ONLY,
        ),
        post(
            "/account/language",
            "/account/language".into(),
            vec![("locale", "xx".into())],
            ANY_LOGGED_IN,
        ),
        case(
            "GET",
            "/account/delete",
            "/account/delete".into(),
            ANY_LOGGED_IN,
        ),
        post(
            "/account/delete",
            "/account/delete".into(),
            vec![],
            ANY_LOGGED_IN,
        ),
        case("GET", "/account/deleted", "/account/deleted".into(), PUBLIC),
        case(
            "GET",
            "/account/email/confirm/{token}",
            "/account/email/confirm/not-a-token".into(),
            PUBLIC,
        ),
        case(
            "POST",
            "/account/email/confirm/{token}",
            "/account/email/confirm/not-a-token".into(),
            PUBLIC,
        ),
        post(
            "/admin/second-factor",
            "/admin/second-factor".into(),
            vec![],
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/static/{*path}",
            "/static/bleibe.css".into(),
            PUBLIC,
        ),
        // The landlord's own pages.
        case("GET", "/dashboard", "/dashboard".into(), ANY_LOGGED_IN),
        case(
            "GET",
            "/proposals/{id}",
            format!("/proposals/{}", f.landlord_proposal),
            LANDLORD_ONLY,
        ),
        post(
            "/proposals/{id}/answer",
            format!("/proposals/{}/answer", f.landlord_proposal),
            vec![("answer", "nonsense".into())],
            LANDLORD_ONLY,
        ),
        // Documents: a kept one, and one that does not fit the stage (409).
        case(
            "GET",
            "/documents/{id}",
            format!("/documents/{}", f.document),
            DOCUMENT,
        ),
        post(
            "/proposals/{id}/documents",
            format!("/proposals/{}/documents", f.landlord_proposal),
            vec![("kind", "rent-certificate".into())],
            DOCUMENT,
        ),
        case("GET", "/units/new", "/units/new".into(), LANDLORD_ONLY),
        post(
            "/units/new",
            "/units/new".into(),
            vec![("action", "draft".into())],
            LANDLORD_ONLY,
        ),
        case(
            "GET",
            "/landlords/{id}/units/new",
            format!("/landlords/{}/units/new", f.landlord),
            [Login, Ok, Hidden, Hidden, Hidden, Ok],
        ),
        post(
            "/landlords/{id}/units/new",
            format!("/landlords/{}/units/new", f.landlord),
            vec![("action", "submit".into())],
            [Login, Ok, Hidden, Hidden, Hidden, Ok],
        ),
        // Flats under any landlord: a postal code in one's own area gives no right to enter
        // a flat for a landlord one did not enter.
        post(
            "/landlords/{id}/units/new",
            format!("/landlords/{}/units/new", f.landlord),
            vec![
                ("action", "draft".into()),
                ("postal_code", "73230".into()),
                ("town", "Kirchheim unter Teck".into()),
            ],
            [Login, Ok, Hidden, Hidden, Hidden, Ok],
        ),
        // Draft takeover: a landlord's draft without a place yet is theirs alone, whatever
        // place others post.
        case(
            "GET",
            "/units/drafts/{id}",
            format!("/units/drafts/{}", f.draft_without_place),
            [Login, Ok, Hidden, Hidden, Hidden, Ok],
        ),
        case(
            "GET",
            "/units/drafts/{id}",
            format!("/units/drafts/{}", f.draft),
            UNIT,
        ),
        post(
            "/units/drafts/{id}",
            format!("/units/drafts/{}", f.draft),
            vec![
                ("action", "draft".into()),
                ("postal_code", "73230".into()),
                ("town", "Kirchheim unter Teck".into()),
            ],
            UNIT,
        ),
        case("GET", "/units/{id}", format!("/units/{}", f.unit), UNIT),
        case(
            "GET",
            "/units/{id}/edit",
            format!("/units/{}/edit", f.unit),
            UNIT,
        ),
        post(
            "/units/{id}/edit",
            format!("/units/{}/edit", f.unit),
            vec![("action", "submit".into())],
            UNIT,
        ),
        post(
            "/units/{id}/withdraw",
            format!("/units/{}/withdraw", f.unit),
            vec![("reason", String::new())],
            UNIT,
        ),
        case(
            "GET",
            "/photos/{key}",
            format!("/photos/{}", f.photo_key),
            UNIT,
        ),
        // Staff.
        case("GET", "/workspace", "/workspace".into(), ANY_LOGGED_IN),
        post(
            "/workspace/landlords",
            "/workspace/landlords".into(),
            vec![],
            STAFF,
        ),
        post(
            "/workspace/units/{id}/status",
            format!("/workspace/units/{}/status", f.unit),
            vec![("to", "checked".into())],
            COORDINATOR,
        ),
        post(
            "/workspace/incentives/{id}",
            format!("/workspace/incentives/{}", f.incentive),
            vec![
                ("decision", "decline".into()),
                ("note", "Budget erschöpft".into()),
            ],
            COORDINATOR,
        ),
        post(
            "/workspace/incentives/{id}/paid",
            format!("/workspace/incentives/{}/paid", f.incentive),
            vec![
                ("paid_amount", "100".into()),
                ("paid_on", "2026-11-20".into()),
            ],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}",
            format!("/m/{m}"),
            [Login, Hidden, Ok, Hidden, Ok, Ok],
        ),
        case(
            "GET",
            "/m/{mid}/households",
            format!("/m/{m}/households"),
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/households/new",
            format!("/m/{m}/households/new"),
            COORDINATOR,
        ),
        post(
            "/m/{mid}/households/new",
            format!("/m/{m}/households/new"),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/households/{id}",
            format!("/households/{}", f.household),
            COORDINATOR,
        ),
        case(
            "GET",
            "/households/{id}/edit",
            format!("/households/{}/edit", f.household),
            COORDINATOR,
        ),
        post(
            "/households/{id}/edit",
            format!("/households/{}/edit", f.household),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/households/{id}/data",
            format!("/households/{}/data", f.household),
            COORDINATOR,
        ),
        case(
            "GET",
            "/households/{id}/data.json",
            format!("/households/{}/data.json", f.household),
            COORDINATOR,
        ),
        // Without the reference typed again nothing is erased (the page says so).
        post(
            "/households/{id}/erase",
            format!("/households/{}/erase", f.household),
            vec![],
            COORDINATOR,
        ),
        post(
            "/households/{id}/status",
            format!("/households/{}/status", f.household),
            vec![("to", "closed".into())],
            COORDINATOR,
        ),
        case("GET", "/m/{mid}/units", format!("/m/{m}/units"), READ_UNITS),
        case("GET", "/m/{mid}/runs", format!("/m/{m}/runs"), COORDINATOR),
        post("/m/{mid}/runs", format!("/m/{m}/runs"), vec![], COORDINATOR),
        case("GET", "/runs/{id}", format!("/runs/{}", f.run), COORDINATOR),
        post(
            "/runs/{id}/approve",
            format!("/runs/{}/approve", f.run),
            vec![],
            COORDINATOR,
        ),
        post(
            "/runs/{id}/pick",
            format!("/runs/{}/pick", f.run),
            vec![("candidate", f.candidate.to_string())],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/why-not",
            format!("/m/{m}/why-not?unit={}&household={}", f.unit, f.household),
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/proposals",
            format!("/m/{m}/proposals"),
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/placements",
            format!("/m/{m}/placements"),
            COORDINATOR,
        ),
        case(
            "GET",
            "/workspace/proposals/{id}",
            format!("/workspace/proposals/{}", f.proposal),
            COORDINATOR,
        ),
        post(
            "/workspace/proposals/{id}/{action}",
            format!("/workspace/proposals/{}/ended_early", f.proposal),
            vec![],
            COORDINATOR,
        ),
        post(
            "/workspace/follow-ups/{id}",
            format!("/workspace/follow-ups/{}", f.follow_up),
            vec![],
            COORDINATOR,
        ),
        case("GET", "/viewings", "/viewings".into(), STAFF),
        post(
            "/viewings/{id}",
            format!("/viewings/{}", f.viewing),
            vec![],
            [Login, Hidden, Ok, Hidden, Ok, Ok],
        ),
        case(
            "GET",
            "/m/{mid}/rules",
            format!("/m/{m}/rules"),
            COORDINATOR,
        ),
        post(
            "/m/{mid}/rules",
            format!("/m/{m}/rules"),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/programmes/new",
            format!("/m/{m}/programmes/new"),
            COORDINATOR,
        ),
        post(
            "/m/{mid}/programmes/new",
            format!("/m/{m}/programmes/new"),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/programmes/{id}/edit",
            format!("/programmes/{}/edit", f.programme),
            COORDINATOR,
        ),
        post(
            "/programmes/{id}/edit",
            format!("/programmes/{}/edit", f.programme),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/import",
            format!("/m/{m}/import"),
            COORDINATOR,
        ),
        post(
            "/m/{mid}/import",
            format!("/m/{m}/import"),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/import/template/{file}",
            format!("/m/{m}/import/template/units.csv"),
            COORDINATOR,
        ),
        case(
            "GET",
            "/imports/{id}",
            format!("/imports/{}", f.import),
            COORDINATOR,
        ),
        post(
            "/flags/{id}/resolve",
            format!("/flags/{}/resolve", f.flag),
            vec![],
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/export/{file}",
            format!("/m/{m}/export/households.csv"),
            COORDINATOR,
        ),
        case(
            "GET",
            "/m/{mid}/report/{year}",
            format!("/m/{m}/report/2026"),
            COORDINATOR,
        ),
        case("GET", "/m/{mid}/map", format!("/m/{m}/map"), COORDINATOR),
        case(
            "GET",
            "/m/{mid}/map.json",
            format!("/m/{m}/map.json"),
            COORDINATOR,
        ),
        // Admins only.
        case("GET", "/admin/users", "/admin/users".into(), ADMIN_ONLY),
        post("/admin/users", "/admin/users".into(), vec![], ADMIN_ONLY),
        post(
            "/admin/users/{id}/{action}",
            format!("/admin/users/{}/invite", f.user),
            vec![],
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/admin/municipalities",
            "/admin/municipalities".into(),
            ADMIN_ONLY,
        ),
        case("GET", "/admin/jobs", "/admin/jobs".into(), ADMIN_ONLY),
        case(
            "GET",
            "/admin/webhooks",
            "/admin/webhooks".into(),
            ADMIN_ONLY,
        ),
        post(
            "/admin/webhooks",
            "/admin/webhooks".into(),
            vec![("url", "ftp://nicht-gültig".into())],
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/admin/webhooks/{id}",
            format!("/admin/webhooks/{}", f.webhook),
            ADMIN_ONLY,
        ),
        post(
            "/admin/webhooks/{id}/{action}",
            format!("/admin/webhooks/{}/on", f.webhook),
            vec![],
            ADMIN_ONLY,
        ),
        post(
            "/admin/webhooks/deliveries/{id}/redeliver",
            format!("/admin/webhooks/deliveries/{}/redeliver", f.delivery),
            vec![],
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/admin/municipalities/{id}/templates",
            format!("/admin/municipalities/{}/templates", f.municipality),
            ADMIN_ONLY,
        ),
        post(
            "/admin/municipalities/{id}/templates",
            format!("/admin/municipalities/{}/templates", f.municipality),
            vec![("source", "#let letterhead(m) = [".into())],
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/admin/municipalities/new",
            "/admin/municipalities/new".into(),
            ADMIN_ONLY,
        ),
        post(
            "/admin/municipalities/new",
            "/admin/municipalities/new".into(),
            vec![],
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/admin/municipalities/{id}/edit",
            format!("/admin/municipalities/{m}/edit"),
            ADMIN_ONLY,
        ),
        post(
            "/admin/municipalities/{id}/edit",
            format!("/admin/municipalities/{m}/edit"),
            vec![],
            ADMIN_ONLY,
        ),
        case("GET", "/admin/audit", "/admin/audit".into(), ADMIN_ONLY),
        case(
            "GET",
            "/admin/landlords/{id}/erase",
            format!("/admin/landlords/{}/erase", f.landlord),
            ADMIN_ONLY,
        ),
        case(
            "GET",
            "/units/drafts/{id}/delete",
            format!("/units/drafts/{}/delete", f.draft),
            UNIT,
        ),
        // Throwing away the landlord's own draft: the landlord does it, so for everyone after
        // them in the row it is gone.
        post(
            "/units/drafts/{id}/delete",
            format!("/units/drafts/{}/delete", f.draft_without_place),
            vec![],
            LANDLORD_ONLY,
        ),
        // Last: the admin's answer erases the landlord (or refuses while a proposal is open).
        post(
            "/admin/landlords/{id}/erase",
            format!("/admin/landlords/{}/erase", f.landlord),
            vec![],
            ADMIN_ONLY,
        ),
    ]
}

fn outcome(status: u16, location: &str) -> Expect {
    match status {
        404 => Hidden,
        403 => Refused,
        300..=399 if location.starts_with("/login") => Login,
        _ => Ok,
    }
}

db_test!(
    async fn every_route_checks_who_may_see_it(app) {
        let f = fixture(app).await;
        let cases = table(&f);

        // The table covers every route of the router, and nothing else.
        let in_table: BTreeSet<(String, String)> = cases.iter().map(|c| (c.method.to_owned(), c.route.to_owned())).collect();
        let in_router = routes_in_source();
        let missing: Vec<_> = in_router.difference(&in_table).collect();
        let stale: Vec<_> = in_table.difference(&in_router).collect();
        assert!(missing.is_empty(), "routes without a line in the scope table: {missing:?}");
        assert!(stale.is_empty(), "lines for routes that do not exist: {stale:?}");

        let clients: Vec<TestClient<'_>> = vec![
            TestClient::new(app),
            staff(app, LANDLORD).await,
            staff(app, VOLUNTEER).await,
            staff(app, WN_COORDINATOR).await,
            staff(app, KIRCHHEIM_COORDINATOR).await,
            staff(app, ADMIN).await,
        ];
        let mut failures = Vec::new();
        for case in &cases {
            for (role, client) in clients.iter().enumerate() {
                // Logging out would end the session the rest of the table needs.
                if case.route == "/logout" && role > 0 {
                    continue;
                }
                let response = if case.method == "GET" {
                    client.get(&case.path).await
                } else {
                    let page = if role == 0 { "/login" } else { "/" };
                    let fields: Vec<(&str, &str)> = case.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    client.post_form(page, &case.path, &fields).await
                };
                let status = response.status().as_u16();
                let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
                let html_page = response.headers().get("content-type").and_then(|c| c.to_str().ok()).is_some_and(|c| c.starts_with("text/html"));
                let body = response.text().await.unwrap_or_default();
                // Every page: element ids unique, every field with an accessible name.
                if html_page {
                    let twice = crate::html::duplicate_ids(&body);
                    if !twice.is_empty() {
                        failures.push(format!("{} {} as {}: ids twice on the page: {twice:?}", case.method, case.path, ROLES[role]));
                    }
                    let unnamed = crate::html::unlabelled_fields(&body);
                    if !unnamed.is_empty() {
                        failures.push(format!("{} {} as {}: fields without a name: {unnamed:?}", case.method, case.path, ROLES[role]));
                    }
                }
                if status >= 500 {
                    failures.push(format!("{} {} as {}: server error {status}: {}", case.method, case.path, ROLES[role], &body[..body.len().min(200)]));
                    continue;
                }
                let expected = case.expect[role];
                let got = outcome(status, &location);
                if expected != Any && expected != got {
                    failures.push(format!("{} {} as {}: expected {expected:?}, got {status} {location}", case.method, case.path, ROLES[role]));
                }
                // Nothing of Kirchheim's households reaches those who must not see it.
                if expected == Hidden && body.contains("K-IMP-1") {
                    failures.push(format!("{} {} as {}: leaks a household reference", case.method, case.path, ROLES[role]));
                }
            }
        }
        assert!(failures.is_empty(), "{} scope failures:\n{}", failures.len(), failures.join("\n"));
    }
);
