//! All or nothing: every action of the pipeline that writes more than one row is made to
//! fail halfway (a database trigger refuses its audit entry or its e-mail, which come last)
//! and must then leave every table exactly as it was. Run once more without the trigger,
//! the same action goes through: the test can fail.

use std::collections::BTreeMap;

use bleibe::domain::pipeline::Action;
use bleibe::services::pipeline;
use chrono::Duration;
use entities::{follow_up, placement, proposal, unit_incentive};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Set,
    Statement,
};

use crate::db_test;
use crate::helpers::{Backend, TestApp};
use crate::pipeline::{accepted, coordinator, match_run};
use crate::workspace::{ES_COORDINATOR, demo, staff, state_of, step};

/// Tables whose rows change on every request, not with the action under test.
const VOLATILE: &[&str] = &["sessions", "rate_limits", "seaql_migrations"];

async fn text_of(app: &TestApp, sql: String) -> String {
    let row = app
        .db()
        .query_one_raw(Statement::from_string(app.db().get_database_backend(), sql))
        .await
        .expect("snapshot query")
        .expect("a row");
    row.try_get::<Option<String>>("", "rows")
        .expect("text")
        .unwrap_or_default()
}

async fn tables(app: &TestApp) -> Vec<String> {
    let sql = match app.backend {
        Backend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'",
    };
    let rows = app
        .db()
        .query_all_raw(Statement::from_string(
            app.db().get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("tables");
    let mut names: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "t").ok())
        .filter(|t| !VOLATILE.contains(&t.as_str()))
        .collect();
    names.sort();
    names
}

/// Every row of every table, as text, by table.
pub async fn snapshot(app: &TestApp) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for table in tables(app).await {
        let sql = match app.backend {
            Backend::Postgres => format!(
                "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') AS rows FROM \"{table}\" t"
            ),
            Backend::Sqlite => {
                let columns = app
                    .db()
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("PRAGMA table_info(\"{table}\")"),
                    ))
                    .await
                    .expect("columns");
                let row = columns
                    .iter()
                    .filter_map(|c| c.try_get::<String>("", "name").ok())
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                format!(
                    "SELECT coalesce(group_concat(r, char(10)), '') AS rows FROM \
                     (SELECT {row} AS r FROM \"{table}\" ORDER BY 1)"
                )
            }
        };
        out.insert(table.clone(), text_of(app, sql).await);
    }
    out
}

/// From now on every insert into `table` fails, as a crash halfway would.
pub async fn break_inserts(app: &TestApp, table: &str) {
    let statements = match app.backend {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER injected_failure BEFORE INSERT ON \"{table}\" \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )],
        Backend::Postgres => vec![
            "CREATE OR REPLACE FUNCTION injected_failure() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                .to_owned(),
            format!(
                "CREATE TRIGGER injected_failure BEFORE INSERT ON \"{table}\" \
                 FOR EACH ROW EXECUTE FUNCTION injected_failure()"
            ),
        ],
    };
    for sql in statements {
        app.db().execute_unprepared(&sql).await.expect("trigger");
    }
}

/// Inserts into `table` work again.
pub async fn mend_inserts(app: &TestApp, table: &str) {
    let sql = match app.backend {
        Backend::Sqlite => "DROP TRIGGER injected_failure".to_owned(),
        Backend::Postgres => format!("DROP TRIGGER injected_failure ON \"{table}\""),
    };
    app.db()
        .execute_unprepared(&sql)
        .await
        .expect("drop trigger");
}

/// Runs `action` with inserts into `table` failing: it must fail and change nothing.
/// Then runs it again without the failure: it must succeed and change something.
macro_rules! all_or_nothing {
    ($app:expr, $table:expr, $action:expr) => {{
        // Later writes get a later time stamp, so any update would show.
        $app.clock.advance(Duration::minutes(1));
        let before = snapshot($app).await;
        break_inserts($app, $table).await;
        let failed = $action;
        mend_inserts($app, $table).await;
        assert!(
            !failed,
            "the action should have failed with {} broken",
            $table
        );
        let after = snapshot($app).await;
        for (table, rows) in &before {
            assert_eq!(
                rows, &after[table],
                "table {table} changed although the action failed"
            );
        }
        let done = $action;
        assert!(done, "the action works once {} works", $table);
        assert_ne!(snapshot($app).await, before, "the action changes something");
    }};
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Takes a step through the service: true when it went through, false on any error.
async fn went(app: &TestApp, id: i64, action: Action, fields: &[(&str, &str)]) -> bool {
    let user = coordinator(app).await;
    matches!(
        pipeline::act_on(&app.app, &user, id, action, &pairs(fields)).await,
        Ok(Ok(_))
    )
}

db_test!(
    async fn approving_fails_whole_when_its_mail_or_audit_fails(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        all_or_nothing!(app, "outbox", went(app, suggested[0].id, Action::Approve, &[]).await);
        all_or_nothing!(app, "audit_log", went(app, suggested[1].id, Action::Approve, &[]).await);
    }
);

db_test!(
    async fn picking_an_alternative_fails_whole(app) {
        let d = demo(app).await;
        let (run_id, suggested) = match_run(app, d).await;
        let user = coordinator(app).await;
        // An alternative of the first suggestion's flat.
        let candidate = entities::match_candidate::Entity::find()
            .filter(entities::match_candidate::Column::MatchRunId.eq(run_id))
            .filter(entities::match_candidate::Column::UnitId.eq(suggested[0].unit_id))
            .filter(entities::match_candidate::Column::HouseholdId.ne(suggested[0].household_id))
            .one(app.db())
            .await
            .expect("q")
            .expect("an alternative");
        let pick = || async {
            matches!(
                pipeline::pick_alternative(&app.app, &user, candidate.id, "kennt die Schule").await,
                Ok(Ok(_))
            )
        };
        all_or_nothing!(app, "audit_log", pick().await);
        assert_eq!(state_of(app, suggested[0].id).await, "rejected");
    }
);

db_test!(
    async fn answers_viewings_and_the_lease_fail_whole(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = &suggested[0];
        assert!(went(app, p.id, Action::Approve, &[]).await);
        assert!(went(app, p.id, Action::LandlordAccept, &[]).await);
        // Both said yes: the letters to both sides.
        all_or_nothing!(app, "outbox", went(app, p.id, Action::HouseholdAccept, &[]).await);
        // A viewing with its invitations.
        let viewing = [("starts_at", "2026-11-28T17:00"), ("place", "Haustür")];
        all_or_nothing!(app, "outbox", went(app, p.id, Action::ScheduleViewing, &viewing).await);
        app.clock.advance(Duration::days(8));
        all_or_nothing!(app, "audit_log", went(app, p.id, Action::ViewingHeld, &[]).await);
        all_or_nothing!(app, "audit_log", went(app, p.id, Action::JobcenterRequested, &[("on", "2026-11-29")]).await);
    }
);

db_test!(
    async fn moving_in_following_up_and_ending_fail_whole(app) {
        let (p, user) = accepted(app).await;
        // Everything up to the move-in; then the move-in itself fails halfway.
        let size = entities::household_member::Entity::find()
            .filter(entities::household_member::Column::HouseholdId.eq(p.household_id))
            .all(app.db())
            .await
            .expect("q")
            .len()
            .to_string();
        for (action, fields) in [
            (Action::JobcenterRequested, vec![("on", "2026-11-21")]),
            (Action::JobcenterGranted, vec![("on", "2026-11-21")]),
            (
                Action::LeaseSigned,
                vec![
                    ("lease_kind", "head_lease"),
                    ("signed_on", "2026-11-21"),
                    ("lease_start", "2026-12-01"),
                    ("rent_cold", "500"),
                    ("service_charges", "100"),
                    ("heating_costs", "60"),
                ],
            ),
        ] {
            crate::pipeline::take(app, &user, p.id, action, &fields).await;
        }
        app.clock.advance(Duration::days(11));
        let move_in = [("moved_in_on", "2026-12-01"), ("places_freed", size.as_str())];
        all_or_nothing!(app, "audit_log", went(app, p.id, Action::MovedIn, &move_in).await);
        assert!(placement::Entity::find().filter(placement::Column::ProposalId.eq(p.id)).one(app.db()).await.expect("q").expect("placement").moved_in_on.is_some());
        // The 1-month follow-up.
        app.clock.advance(Duration::days(40));
        let one = [("month", "1"), ("done_on", "2027-01-05"), ("rent_paid", "yes")];
        all_or_nothing!(app, "audit_log", went(app, p.id, Action::FollowUp, &one).await);
        // The tenancy ends early: the placement and the open follow-ups change together.
        let end = [("ended_on", "2027-01-06"), ("reason_code", "moved_away")];
        all_or_nothing!(app, "audit_log", went(app, p.id, Action::EndedEarly, &end).await);
        let open = follow_up::Entity::find()
            .filter(follow_up::Column::Status.eq("due"))
            .all(app.db())
            .await
            .expect("q");
        assert!(open.is_empty(), "the open follow-ups were cancelled with the end");
    }
);

db_test!(
    async fn a_decline_and_an_expiry_fail_whole(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let (a, b) = (&suggested[0], &suggested[1]);
        assert!(went(app, a.id, Action::Approve, &[]).await);
        assert!(went(app, b.id, Action::Approve, &[]).await);
        // The landlord declines: the flat is free again, in the same transaction.
        let decline = [("reason_code", "timing")];
        all_or_nothing!(app, "audit_log", went(app, a.id, Action::LandlordDecline, &decline).await);
        let flat = entities::unit::Entity::find_by_id(a.unit_id).one(app.db()).await.expect("q").expect("unit");
        assert_eq!(flat.status, "available");
        // Nobody answers in time: the expiry job ends it with its letters or not at all.
        app.clock.advance(Duration::days(30));
        let expire = || async {
            bleibe::services::routine::deadlines(&app.app)
                .await
                .is_ok_and(|counts| counts.iter().any(|(k, n)| *k == "expired" && *n > 0))
        };
        all_or_nothing!(app, "outbox", expire().await);
        assert_eq!(state_of(app, b.id).await, "expired");
    }
);

db_test!(
    async fn incentive_decisions_and_payments_fail_whole(app) {
        let (p, user) = accepted(app).await;
        let programme = entities::incentive_programme::Entity::find()
            .filter(entities::incentive_programme::Column::Kind.eq("placement_bonus"))
            .one(app.db())
            .await
            .expect("q")
            .expect("programme");
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
        .insert(app.db())
        .await
        .expect("request");
        let grant = pairs(&[("decision", "grant"), ("amount", "500")]);
        all_or_nothing!(
            app,
            "audit_log",
            matches!(bleibe::services::staff::decide_incentive(&app.app, &user, request.id, &grant).await, Ok(Ok(_)))
        );
        let pay = pairs(&[("paid_amount", "500"), ("paid_on", "2026-11-21")]);
        all_or_nothing!(
            app,
            "audit_log",
            matches!(pipeline::incentive_paid(&app.app, &user, request.id, &pay).await, Ok(Ok(_)))
        );
    }
);

db_test!(
    async fn an_error_page_after_a_failure_halfway_means_nothing_changed(app) {
        let (p, _user) = accepted(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let before = snapshot(app).await;
        break_inserts(app, "outbox").await;
        let r = step(&es, p.id, "schedule_viewing", &[("starts_at", "2026-11-28T17:00"), ("place", "Haustür")]).await;
        mend_inserts(app, "outbox").await;
        assert_eq!(r.status(), 500);
        assert!(r.text().await.expect("page").contains("Fehler"), "the error page");
        assert_eq!(snapshot(app).await, before);
        assert_eq!(proposal::Entity::find_by_id(p.id).one(app.db()).await.expect("q").expect("p").state, "accepted");
    }
);
