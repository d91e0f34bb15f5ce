//! Data protection that holds (DSGVO Art. 15 and 17): a household and a landlord get a
//! unique marker in every field that takes text, go through imports with duplicates, a
//! placement from the first proposal to a tenancy that ends early, declines on both sides,
//! e-mails, photos, a draft and an API token. Before erasure, each one's export holds each
//! of their markers; after erasing both, no table, column or file under the data folder
//! holds any of them. Also: every text column of the schema is in the map of personal data.

use bleibe::domain::pipeline::Action;
use bleibe::domain::unit::UnitStatus;
use bleibe::services::{Actor, CurrentUser, import, matching};
use chrono::Duration;
use entities::{household, landlord, proposal, review_flag, unit};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};

use crate::accounts::TestClient;
use crate::db_test;
use crate::helpers::{Backend, TestApp, png, seed_town};
use crate::pipeline::{coordinator, take};
use crate::workspace::{ADMIN, ES_COORDINATOR, demo, staff};

/// Every marker starts with this (compared without case); phone numbers carry a digit
/// marker instead.
const MARK: &str = "zyq";
const PHONE_MARK: &str = "918273";

/// The landlord's password once the invitation is taken.
const PASSWORD: &str = "Zwei Wohnungen am Neckar";

/// The household's markers, by the field that holds them.
const HOUSEHOLD: &[(&str, &str)] = &[
    ("reference", "ZYQREF7"),
    ("member1_first_name", "Zyqaa"),
    ("member1_last_name", "Zyqab"),
    ("member2_first_name", "Zyqac"),
    ("member2_last_name", "Zyqad"),
    ("follow_up_site", "Zyqae Wohnheim"),
    ("urgency_reason", "Zyqaf Schimmel"),
    ("email", "zyqag@example.org"),
    ("phone", "+49 711 9182731"),
    ("caseworker_name", "Zyqah Zyqai"),
    ("caseworker_email", "zyqaj@example.org"),
    ("caseworker_phone", "+49 711 9182732"),
    ("landlord_text", "Zyqak freundlich"),
    ("notes", "Zyqal Notiz"),
    ("anchor1_label", "Zyqam Bäckerei"),
    ("anchor1_street", "Zyqanweg 3"),
];

/// What the coordinator writes on the proposals (in the household's export).
const STEPS: &[&str] = &[
    "Zyqca Neffe zieht ein",
    "Zyqcb gern",
    "Zyqcc sehr gern",
    "Zyqcd Eingang",
    "Zyqce Begleiterin",
    "Zyqcf Dolmetscher",
    "Zyqcg gut gelaufen",
    "Zyqch beantragt",
    "Zyqci bewilligt",
    "Zyqcj Heim",
    "Zyqck Heizung",
    "Zyqcl alles gut",
    "Zyqcm Streit",
    "Zyqcn von Hand",
    "Zyqco zu weit",
];

/// The landlord's markers (in the landlord's own download).
const LANDLORD: &[&str] = &[
    "Zyqba Zyqbb",
    "zyqbc@example.org",
    "+49 711 9182733",
    "Zyqbdstraße",
    "Zyqbe links",
    "Zyqbf Nichtraucher",
    "Zyqbg Balkon",
    "Zyqbh doppelt",
    "Zyqbjweg 9",
    "Zyqbk Notiz",
    "Zyqbl Bitte",
    "Zyqbm Entscheidung",
    "Zyqbn Schnittstelle",
    "Zyqbo Entwurf",
    "Zyqbp-balkon.png",
];

fn household_csv() -> String {
    let columns = "reference;residence_status;member1_first_name;member1_last_name;member1_birth_year;member1_role;member2_first_name;member2_last_name;member2_birth_year;member2_role;urgency;urgency_reason;languages;preferred_language;email;phone;caseworker_name;caseworker_email;caseworker_phone;landlord_text;notes;follow_up_site;consent_date;consent_scope;anchor1_kind;anchor1_label;anchor1_street;anchor1_postal_code;anchor1_town;anchor1_importance";
    let v = |k: &str| HOUSEHOLD.iter().find(|(f, _)| *f == k).expect("marker").1;
    let row = [
        v("reference"),
        "anerkannt",
        v("member1_first_name"),
        v("member1_last_name"),
        "1990",
        "applicant",
        v("member2_first_name"),
        v("member2_last_name"),
        "2016",
        "child",
        "1",
        v("urgency_reason"),
        "ar|de",
        "de",
        v("email"),
        v("phone"),
        v("caseworker_name"),
        v("caseworker_email"),
        v("caseworker_phone"),
        v("landlord_text"),
        v("notes"),
        v("follow_up_site"),
        "01.11.2026",
        "matching|email",
        "work",
        v("anchor1_label"),
        v("anchor1_street"),
        "73776",
        "Altbach",
        "high",
    ]
    .join(";");
    format!("{columns}\n{row}\n")
}

fn units_csv() -> String {
    let columns = "landlord_name;landlord_email;landlord_phone;street;house_number;address_extra;postal_code;town;lat;lon;area_m2;rooms;floor;max_occupants;cold_rent;service_charges;heating_costs;available_from;lease_type;pref_notes;description;status";
    let rows: Vec<String> = (0..3)
        .map(|floor| {
            format!(
                "{};{};{};{};{};{};73776;Altbach;48.7226;9.3808;58;2;{floor};4;450;100;60;01.11.2026;unbefristet;{};{};available",
                LANDLORD[0],
                LANDLORD[1],
                LANDLORD[2],
                LANDLORD[3],
                floor + 1,
                LANDLORD[4],
                LANDLORD[5],
                LANDLORD[6],
            )
        })
        .collect();
    format!("{columns}\n{}\n", rows.join("\n"))
}

async fn import_file(
    app: &TestApp,
    kind: import::Kind,
    text: &str,
    municipality: Option<i64>,
) -> import::Report {
    let options = import::Options {
        file_name: "liste.csv".into(),
        default_municipality: municipality,
        ..Default::default()
    };
    let report = import::run(
        &app.app,
        &Actor::System,
        kind,
        text.as_bytes(),
        &options,
        &|_, _, _| {},
    )
    .await
    .expect("import");
    assert!(report.imported, "{report:?}");
    report
}

/// Runs the town's match and returns the one suggestion it made.
async fn suggestion(app: &TestApp, town: i64) -> proposal::Model {
    let summary = matching::run(
        &app.app,
        &Actor::System,
        matching::Scope::Municipality(town),
        matching::Trigger::Cli,
    )
    .await
    .expect("match run");
    let mut suggested = proposal::Entity::find()
        .filter(proposal::Column::MatchRunId.eq(summary.run_id))
        .filter(proposal::Column::State.eq("suggested"))
        .all(app.db())
        .await
        .expect("q");
    assert_eq!(suggested.len(), 1, "one household, one suggestion");
    suggested.remove(0)
}

/// Every place a marker is found: the database (every table and column) and every file
/// under the data folder (e-mail files decoded too).
async fn findings(app: &TestApp) -> Vec<String> {
    let mut found = Vec::new();
    for (table, rows) in crate::atomic::snapshot(app).await {
        for line in rows.lines() {
            if marked(line) {
                found.push(format!("{table}: {line}"));
            }
        }
    }
    let mut folders = vec![app.data_dir.clone()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            let mut text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some(message) = mail_parser::MessageParser::default().parse(&bytes) {
                for part in &message.parts {
                    text.push('\n');
                    text.push_str(&String::from_utf8_lossy(part.contents()));
                }
                for address in message.to().into_iter().flat_map(|a| a.iter()) {
                    text.push('\n');
                    text.push_str(address.name().unwrap_or_default());
                }
                text.push('\n');
                text.push_str(message.subject().unwrap_or_default());
            }
            if marked(&text) {
                found.push(format!("file {}", path.display()));
            }
        }
    }
    found
}

/// Whether `text` holds a marker: a word that starts with [`MARK`] (at most 12 letters and
/// digits long), or a number of at most 15 digits holding [`PHONE_MARK`]. Whole words, so
/// that random text is not taken for a marker: an e-mail's base64 lines and boundaries,
/// binary attachments and hashed tokens (hex) hold "zyq" or "918273" now and then (it
/// failed one CI run in a few dozen).
fn marked(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| {
            (word.starts_with(MARK) && word.len() <= 12)
                || (word.contains(PHONE_MARK)
                    && word.len() <= 15
                    && word.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// The markers `text` lacks (phone numbers by their digits, however they are written).
fn missing<'a>(text: &str, markers: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let text = text.to_lowercase();
    markers
        .into_iter()
        .filter(|m| {
            let needle = if m.starts_with('+') {
                m[m.len() - 7..].to_owned()
            } else {
                m.to_lowercase()
            };
            !text.contains(&needle)
        })
        .collect()
}

/// The household and the landlord with markers everywhere, taken through two imports
/// each, three proposals and a tenancy; returns (town, household id, landlord id).
async fn marked_people(app: &TestApp) -> (i64, i64, i64, CurrentUser) {
    demo(app).await;
    let (town, programmes) = seed_town(app, "08116004", "Altbach", (48.72268, 9.38078)).await;
    let es = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(ES_COORDINATOR))
        .one(app.db())
        .await
        .expect("q")
        .expect("coordinator");
    bleibe::store::users::grant_municipality(app.db(), es.id, town, app.clock_now())
        .await
        .expect("grant");
    let user = coordinator(app).await;

    // Imports, each twice: the second is flagged for review with the row's names.
    import_file(app, import::Kind::Households, &household_csv(), Some(town)).await;
    let again = import_file(app, import::Kind::Households, &household_csv(), Some(town)).await;
    assert_eq!(
        again.flagged.len(),
        1,
        "the household again is a likely duplicate"
    );
    import_file(app, import::Kind::Units, &units_csv(), None).await;
    let copies = import_file(app, import::Kind::Units, &units_csv(), None).await;
    assert_eq!(
        copies.flagged.len(),
        3,
        "the flats again are likely duplicates"
    );
    // The landlord takes the account over (the invitation came with the import).
    app.dispatch_mails().await;
    let link = app.link_in_mail(LANDLORD[1], "/invitation/");
    let r = TestClient::new(app)
        .post_form(
            &link,
            &link,
            &[("password", PASSWORD), ("password_repeat", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303, "invitation accepted");
    let household_id = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(town))
        .one(app.db())
        .await
        .expect("q")
        .expect("household")
        .id;
    let landlord_row = landlord::Entity::find()
        .filter(landlord::Column::ContactEmail.eq(LANDLORD[1]))
        .one(app.db())
        .await
        .expect("q")
        .expect("landlord");

    // The copies are held out of matching until decided; the coordinator withdraws them.
    let held = bleibe::store::matching::duplicates_under_review(app.db())
        .await
        .expect("q");
    for f in &copies.flagged {
        let copy = f.new_id.expect("copy");
        assert!(
            held.contains(&copy),
            "an imported copy waits for a decision"
        );
        bleibe::store::units::set_status(
            app.db(),
            copy,
            UnitStatus::Withdrawn,
            Some(LANDLORD[7].into()),
            Some(user.id),
            app.clock_now(),
        )
        .await
        .expect("withdraw");
    }
    for flag in review_flag::Entity::find().all(app.db()).await.expect("q") {
        import::resolve_flag(
            &app.app,
            &Actor::User(user.clone()),
            flag.id,
            "Zyqbi Entscheidung",
        )
        .await
        .expect("resolve");
    }

    // What the municipality knows about the landlord, and an incentive request.
    let flats: Vec<unit::Model> = unit::Entity::find()
        .filter(unit::Column::LandlordId.eq(landlord_row.id))
        .filter(unit::Column::Status.eq("available"))
        .order_by_asc(unit::Column::Id)
        .all(app.db())
        .await
        .expect("q");
    assert_eq!(flats.len(), 3);
    landlord::Entity::update_many()
        .col_expr(landlord::Column::Street, Expr::value(LANDLORD[8]))
        .col_expr(landlord::Column::PostalCode, Expr::value("73776"))
        .col_expr(landlord::Column::Town, Expr::value("Altbach"))
        .col_expr(landlord::Column::Notes, Expr::value(LANDLORD[9]))
        .filter(landlord::Column::Id.eq(landlord_row.id))
        .exec(app.db())
        .await
        .expect("landlord details");
    let request = bleibe::store::incentives::request(
        app.db(),
        flats[0].id,
        programmes[0],
        Some(LANDLORD[10].into()),
        app.clock_now(),
    )
    .await
    .expect("request");
    entities::unit_incentive::Entity::update_many()
        .col_expr(
            entities::unit_incentive::Column::DecisionNote,
            Expr::value(LANDLORD[11]),
        )
        .filter(entities::unit_incentive::Column::Id.eq(request))
        .exec(app.db())
        .await
        .expect("decision");

    // A photo of a flat and a draft with a photo.
    let stored = bleibe::services::photos::store(&app.app, &png(24)).expect("photo");
    bleibe::store::photos::insert(
        app.db(),
        bleibe::store::photos::Owner::Unit(flats[0].id),
        &stored.storage_key,
        LANDLORD[14],
        &stored.content_type,
        stored.byte_size,
        stored.width,
        stored.height,
        app.clock_now(),
    )
    .await
    .expect("photo row");
    let draft = bleibe::store::drafts::insert(
        app.db(),
        landlord_row.id,
        None,
        None,
        &[("description".into(), LANDLORD[13].into())],
        app.clock_now(),
    )
    .await
    .expect("draft");
    let stored = bleibe::services::photos::store(&app.app, &png(20)).expect("photo");
    bleibe::store::photos::insert(
        app.db(),
        bleibe::store::photos::Owner::Draft(draft),
        &stored.storage_key,
        LANDLORD[14],
        &stored.content_type,
        stored.byte_size,
        stored.width,
        stored.height,
        app.clock_now(),
    )
    .await
    .expect("photo row");

    // First proposal: the landlord declines with a reason.
    let p1 = suggestion(app, town).await;
    take(app, &user, p1.id, Action::Approve, &[]).await;
    take(
        app,
        &user,
        p1.id,
        Action::LandlordDecline,
        &[("reason_code", "other"), ("reason", STEPS[0])],
    )
    .await;

    // Second: both say yes, a viewing, the Jobcenter, the lease, the move, a follow-up call,
    // and the tenancy ends early.
    let p2 = suggestion(app, town).await;
    proposal::Entity::update_many()
        .col_expr(proposal::Column::OverrideReason, Expr::value(STEPS[13]))
        .filter(proposal::Column::Id.eq(p2.id))
        .exec(app.db())
        .await
        .expect("override reason");
    take(app, &user, p2.id, Action::Approve, &[]).await;
    take(
        app,
        &user,
        p2.id,
        Action::LandlordAccept,
        &[("note", STEPS[1])],
    )
    .await;
    take(
        app,
        &user,
        p2.id,
        Action::HouseholdAccept,
        &[("note", STEPS[2])],
    )
    .await;
    take(
        app,
        &user,
        p2.id,
        Action::ScheduleViewing,
        &[
            ("starts_at", "2026-11-23T10:00"),
            ("place", STEPS[3]),
            ("companion_name", STEPS[4]),
            ("note", STEPS[5]),
        ],
    )
    .await;
    app.clock.advance(Duration::days(3));
    take(
        app,
        &user,
        p2.id,
        Action::ViewingHeld,
        &[("note", STEPS[6])],
    )
    .await;
    take(
        app,
        &user,
        p2.id,
        Action::JobcenterRequested,
        &[("on", "2026-11-24"), ("note", STEPS[7])],
    )
    .await;
    take(
        app,
        &user,
        p2.id,
        Action::JobcenterGranted,
        &[("on", "2026-11-24"), ("note", STEPS[8])],
    )
    .await;
    take(
        app,
        &user,
        p2.id,
        Action::LeaseSigned,
        &[
            ("lease_kind", "direct"),
            ("signed_on", "2026-11-24"),
            ("lease_start", "2026-12-01"),
            ("rent_cold", "450"),
            ("service_charges", "100"),
            ("heating_costs", "60"),
        ],
    )
    .await;
    app.clock.advance(Duration::days(8));
    take(
        app,
        &user,
        p2.id,
        Action::MovedIn,
        &[
            ("moved_in_on", "2026-12-01"),
            ("freed_site", STEPS[9]),
            ("places_freed", "2"),
        ],
    )
    .await;
    app.clock.advance(Duration::days(35));
    take(
        app,
        &user,
        p2.id,
        Action::FollowUp,
        &[
            ("month", "1"),
            ("done_on", "2027-01-05"),
            ("rent_paid", "yes"),
            ("problems", STEPS[10]),
            ("note", STEPS[11]),
        ],
    )
    .await;
    take(
        app,
        &user,
        p2.id,
        Action::EndedEarly,
        &[
            ("ended_on", "2027-01-06"),
            ("reason_code", "other"),
            ("reason", STEPS[12]),
        ],
    )
    .await;

    // Third: the household declines with a reason.
    let p3 = suggestion(app, town).await;
    take(app, &user, p3.id, Action::Approve, &[]).await;
    take(
        app,
        &user,
        p3.id,
        Action::HouseholdDecline,
        &[("reason_code", "other"), ("reason", STEPS[14])],
    )
    .await;
    app.dispatch_mails().await;
    (town, household_id, landlord_row.id, user)
}

db_test!(
    async fn erasure_leaves_no_marker_anywhere_and_exports_hold_every_one(app) {
        let (_, household_id, landlord_id, _) = marked_people(app).await;

        // The landlord is counted for a wrong password, logs in and names an API token.
        let wrong = TestClient::new(app);
        let r = wrong.post_form("/login", "/login", &[("email", LANDLORD[1]), ("login_password", "falsch falsch")]).await;
        assert_ne!(r.status(), 303);
        let landlord = TestClient::new(app);
        let r = landlord.post_form("/login", "/login", &[("email", LANDLORD[1]), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303, "the landlord logs in");
        let r = landlord.post_form("/account", "/account/tokens", &[("name", LANDLORD[12]), ("days", "30")]).await;
        assert_eq!(r.status(), 201, "token created");
        app.dispatch_mails().await;

        // Every marker is stored somewhere before erasure (so the search below can fail).
        let before = findings(app).await.join("\n").to_lowercase();
        let all: Vec<&str> = HOUSEHOLD.iter().map(|(_, m)| *m).chain(STEPS.iter().copied()).chain(LANDLORD.iter().copied()).chain(["Zyqbi Entscheidung"]).collect();
        assert_eq!(missing(&before, all), Vec::<&str>::new(), "every marker is stored before erasure");
        assert!(before.contains("file "), "e-mail files were written: {before}");

        // Art. 15: each export holds each of its person's markers, in words and as JSON.
        let coordinator_client = staff(app, ES_COORDINATOR).await;
        let json = coordinator_client.get(&format!("/households/{household_id}/data.json")).await.text().await.expect("json");
        let page = coordinator_client.get(&format!("/households/{household_id}/data")).await.text().await.expect("html");
        let household_markers: Vec<&str> = HOUSEHOLD.iter().map(|(_, m)| *m).chain(STEPS.iter().copied()).collect();
        assert_eq!(missing(&json, household_markers.clone()), Vec::<&str>::new(), "household JSON export");
        assert_eq!(missing(&page, household_markers), Vec::<&str>::new(), "household data page");
        assert!(!json.contains(LANDLORD[9]), "the landlord's notes are not the household's data");
        let json = landlord.get("/account/data.json").await.text().await.expect("json");
        let page = landlord.get("/account/data").await.text().await.expect("html");
        let own: Vec<&str> = LANDLORD.iter().copied().chain([STEPS[0], STEPS[1], STEPS[3]]).collect();
        assert_eq!(missing(&json, own.clone()), Vec::<&str>::new(), "landlord JSON export");
        assert_eq!(missing(&page, own), Vec::<&str>::new(), "landlord data page");
        for private in [HOUSEHOLD[13].1, HOUSEHOLD[14].1, STEPS[2], STEPS[10], STEPS[14]] {
            assert!(!json.contains(private), "the landlord's export leaves the household's {private} out");
        }

        // Art. 17: both are erased, each with the name typed again and a reason that
        // names them (the log keeps the reason without the names).
        let reference = HOUSEHOLD[0].1;
        let r = coordinator_client
            .post_form(&format!("/households/{household_id}/data"), &format!("/households/{household_id}/erase"), &[("confirm", reference), ("reason", "Wunsch von Zyqaa Zyqab")])
            .await;
        assert_eq!(r.status(), 303, "household erased");
        // The landlord keeps the e-mails they got, without the household's names.
        let json: serde_json::Value = landlord.get("/account/data.json").await.json().await.expect("json");
        let mails = json["sections"]["mails"].as_array().cloned().unwrap_or_default();
        assert!(mails.len() >= 3, "the landlord's e-mails stay: {}", mails.len());
        let text = serde_json::Value::Array(mails).to_string();
        assert_eq!(missing(&text, [LANDLORD[0]]), Vec::<&str>::new(), "still greeting the landlord");
        for (_, marker) in HOUSEHOLD.iter().take(5) {
            assert!(!text.contains(marker), "the household's {marker} is gone from the landlord's e-mails");
        }
        let admin = staff(app, ADMIN).await;
        let path = format!("/admin/landlords/{landlord_id}/erase");
        let r = admin.post_form(&path, &path, &[("confirm", LANDLORD[0]), ("reason", "Bitte von Zyqba Zyqbb vom 1.12.")]).await;
        assert_eq!(r.status(), 303, "landlord erased");

        let left = findings(app).await;
        let shown: Vec<String> = left
            .iter()
            .map(|l| {
                let at = l.to_lowercase().find(MARK).unwrap_or(0);
                l.chars().take(80).chain(l.chars().skip(at.saturating_sub(80)).take(200)).collect()
            })
            .collect();
        assert!(left.is_empty(), "markers left after erasure:\n{}", shown.join("\n"));
        let files: Vec<_> = std::fs::read_dir(app.app.settings.uploads.dir(&app.app.settings.data))
            .map(|d| d.flatten().collect())
            .unwrap_or_default();
        assert!(files.is_empty(), "photo files removed: {files:?}");
        let reasons: Vec<String> = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.is_in(["erase_household", "erase_landlord"]))
            .all(app.db())
            .await
            .expect("q")
            .into_iter()
            .filter_map(|e| e.details)
            .collect();
        assert_eq!(reasons.len(), 2);
        assert!(reasons.iter().all(|d| d.contains("[gelöscht]")), "{reasons:?}");

        // The statistics stay: the placement, its dates and amounts, the flats' sizes.
        let placement = entities::placement::Entity::find()
            .filter(entities::placement::Column::HouseholdId.eq(household_id))
            .one(app.db())
            .await
            .expect("q")
            .expect("placement kept");
        assert_eq!(placement.outcome, "ended_early");
        assert_eq!(placement.rent_cold_cents, Some(45_000));
        let sent = entities::outbox_message::Entity::find()
            .filter(entities::outbox_message::Column::RedactedAt.is_not_null())
            .all(app.db())
            .await
            .expect("q");
        assert!(!sent.is_empty() && sent.iter().all(|m| m.body_text.is_empty() && m.status != "pending"), "redacted, delivery facts kept");
    }
);

db_test!(
    async fn every_text_column_is_in_the_map_of_personal_data(app) {
        let sql = match app.backend {
            Backend::Sqlite => "SELECT m.name AS t, p.name AS c, p.type AS ty FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'".to_owned(),
            Backend::Postgres => "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty FROM information_schema.columns WHERE table_schema = current_schema()".to_owned(),
        };
        let rows = app
            .db()
            .query_all_raw(Statement::from_string(app.db().get_database_backend(), sql))
            .await
            .expect("columns");
        let mut unmapped = Vec::new();
        let mut text_columns = 0;
        for row in rows {
            let table: String = row.try_get("", "t").expect("t");
            let column: String = row.try_get("", "c").expect("c");
            let kind: String = row.try_get::<String>("", "ty").expect("ty").to_lowercase();
            if !(kind.contains("text") || kind.contains("char") || kind.contains("json")) {
                continue;
            }
            text_columns += 1;
            if !bleibe::domain::personal_data::is_mapped(&table, &column) {
                unmapped.push(format!("{table}.{column}"));
            }
        }
        assert!(text_columns > 100, "the schema was read ({text_columns} text columns)");
        assert!(unmapped.is_empty(), "text columns in neither the map nor its exceptions: {unmapped:?}");
    }
);

db_test!(
    async fn a_flat_imported_twice_is_held_out_of_matching_until_a_coordinator_decides(app) {
        let (town, _) = seed_town(app, "08116004", "Altbach", (48.72268, 9.38078)).await;
        import_file(app, import::Kind::Households, &household_csv(), Some(town)).await;
        let first = import_file(app, import::Kind::Units, &units_csv(), None).await;
        assert!(first.flagged.is_empty());
        let again = import_file(app, import::Kind::Units, &units_csv(), None).await;
        let copies: Vec<i64> = again.flagged.iter().filter_map(|f| f.new_id).collect();
        assert_eq!(copies.len(), 3);

        let run = || async {
            matching::run(&app.app, &Actor::System, matching::Scope::Municipality(town), matching::Trigger::Cli)
                .await
                .expect("match run")
        };
        let summary = run().await;
        assert_eq!(summary.held_for_review, 3, "the copies wait for a decision");
        assert_eq!(summary.units, 3, "the originals are matched");
        let scored = entities::match_candidate::Entity::find()
            .filter(entities::match_candidate::Column::MatchRunId.eq(summary.run_id))
            .all(app.db())
            .await
            .expect("q");
        assert!(!scored.is_empty());
        assert!(scored.iter().all(|c| !copies.contains(&c.unit_id)), "no copy is scored or proposed");

        // "Different flats": once decided, the flat takes part again.
        for flag in review_flag::Entity::find().all(app.db()).await.expect("q") {
            import::resolve_flag(&app.app, &Actor::System, flag.id, "verschiedene Wohnungen").await.expect("resolve");
        }
        assert!(bleibe::store::matching::duplicates_under_review(app.db()).await.expect("q").is_empty());
        assert_eq!(run().await.held_for_review, 0);
    }
);

/// Makes a file look `hours` old.
fn age(path: &std::path::Path, hours: u64) {
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(hours * 3600))
        .expect("set the time");
}

db_test!(
    async fn the_tidy_job_removes_what_an_erasure_could_not_and_old_details(app) {
        let (town, _) = seed_town(app, "08116004", "Altbach", (48.72268, 9.38078)).await;
        let settings = &app.app.settings;
        // A photo whose row is gone (its removal after the commit failed), one being
        // uploaded right now, and a file that is not Bleibe's.
        let orphan = bleibe::services::photos::store(&app.app, &png(16)).expect("photo");
        let fresh = bleibe::services::photos::store(&app.app, &png(16)).expect("photo");
        let photos = settings.uploads.dir(&settings.data);
        let orphan_file = photos.join(&orphan.storage_key);
        let fresh_file = photos.join(&fresh.storage_key);
        let foreign = photos.join("liesmich.txt");
        std::fs::write(&foreign, "nicht von Bleibe").expect("write");
        for path in [&orphan_file, &foreign] {
            age(path, 2);
        }
        let thumb = photos.join(format!("{}.thumb.jpg", orphan.storage_key.split('.').next().expect("stem")));
        age(&thumb, 2);

        // Two e-mails sent; one is then redacted (its person was erased).
        import_file(app, import::Kind::Units, &units_csv(), None).await;
        let import_mails = app.dispatch_mails().await;
        assert!(import_mails.sent >= 1);
        let mut sent: Vec<(String, std::path::PathBuf)> = app.sent_mails().into_iter().map(|(name, _)| (name.clone(), app.mail_dir.join(name))).collect();
        sent.sort();
        for (_, path) in &sent {
            age(path, 2);
        }
        let redacted = entities::outbox_message::Entity::find().one(app.db()).await.expect("q").expect("mail");
        bleibe::store::outbox::redact(app.db(), &[redacted.id], app.clock_now()).await.expect("redact");

        // A refused import 91 days ago named people in its cells; counters of yesterday.
        let bad = "reference;residence_status;member1_first_name;member1_birth_year\nREF-1;unbekannt;Mara;1990\n";
        let options = import::Options { file_name: "alt.csv".into(), default_municipality: Some(town), ..Default::default() };
        let refused = import::run(&app.app, &Actor::System, import::Kind::Households, bad.as_bytes(), &options, &|_, _, _| {}).await.expect("import");
        assert!(!refused.imported);
        entities::import::Entity::update_many()
            .col_expr(entities::import::Column::CreatedAt, Expr::value(app.clock_now() - Duration::days(91)))
            .filter(entities::import::Column::Id.eq(refused.import_id))
            .exec(app.db())
            .await
            .expect("age");
        bleibe::store::sessions::count_event(app.db(), "mail:old@example.org", Duration::hours(1), app.clock_now() - Duration::days(2)).await.expect("count");
        bleibe::store::sessions::count_event(app.db(), "mail:new@example.org", Duration::hours(1), app.clock_now()).await.expect("count");

        let counts = bleibe::jobs::housekeeping::tidy(&app.app).await.expect("tidy");
        assert_eq!(counts["photo_files"], 2, "the orphan and its thumbnail: {counts:?}");
        assert!(!orphan_file.exists() && !thumb.exists());
        assert!(fresh_file.exists(), "a photo being uploaded stays");
        assert!(foreign.exists(), "files that are not Bleibe's stay");
        let redacted_file = app.mail_dir.join(format!("{}.eml", bleibe::mail::sanitize_key(&redacted.idempotency_key)));
        assert!(!redacted_file.exists(), "the redacted e-mail's file is gone");
        assert_eq!(counts["mail_files"], 1, "{counts:?}");
        assert_eq!(app.sent_mails().len(), sent.len() - 1, "the other files stay");
        assert_eq!(counts["import_reports"], 1);
        let report = entities::import::Entity::find_by_id(refused.import_id).one(app.db()).await.expect("q").expect("row").report;
        assert!(!report.contains("unbekannt") && report.contains("residence_status"), "cells gone, reasons kept: {report}");
        assert_eq!(counts["counters"], 1);
        let keys: Vec<String> = entities::rate_limit::Entity::find().all(app.db()).await.expect("q").into_iter().map(|r| r.key).collect();
        assert_eq!(keys, ["mail:new@example.org"]);
        // Nothing more the second time.
        let again = bleibe::jobs::housekeeping::tidy(&app.app).await.expect("tidy");
        assert_eq!((again["photo_files"], again["mail_files"], again["import_reports"], again["counters"]), (0, 0, 0, 0));
    }
);
