//! Migrations apply, roll back and apply again; the entities match the migrated schema.

use std::collections::BTreeSet;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DbBackend, EntityName, Iterable, Statement};

use crate::db_test;

/// (table, entity columns) for every entity.
macro_rules! entity_columns {
    ($($module:ident),+ $(,)?) => {
        vec![$(
            (
                entities::$module::Entity.table_name().to_owned(),
                entities::$module::Column::iter()
                    .map(|c| sea_orm::IdenStatic::as_str(&c).to_owned())
                    .collect::<BTreeSet<String>>(),
            )
        ),+]
    };
}

fn all_entities() -> Vec<(String, BTreeSet<String>)> {
    entity_columns!(
        action_token,
        api_token,
        area_norm,
        audit_entry,
        campaign,
        document,
        document_template,
        follow_up,
        household,
        household_allowed_municipality,
        household_anchor,
        household_member,
        idempotency_key,
        import,
        incentive_programme,
        job_lock,
        job_run,
        lab_run,
        landlord,
        landlord_origin,
        match_candidate,
        match_run,
        match_run_rule_set,
        municipality,
        municipality_page,
        outbox_message,
        page_visit,
        placement,
        proposal,
        proposal_event,
        rate_limit,
        rent_cap,
        review_flag,
        role_policy,
        rule_set,
        session,
        unit,
        unit_draft,
        unit_incentive,
        unit_photo,
        user,
        user_municipality,
        viewing,
        webhook_delivery,
        webhook_endpoint,
    )
}

async fn table_columns(db: &sea_orm::DatabaseConnection, table: &str) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            format!("SELECT name AS column_name FROM pragma_table_info('{table}')")
        }
        _ => format!(
            "SELECT column_name::text AS column_name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("query columns")
        .iter()
        .map(|row| {
            row.try_get::<String>("", "column_name")
                .expect("column name")
        })
        .collect()
}

async fn table_names(db: &sea_orm::DatabaseConnection) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            "SELECT name AS table_name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                .to_owned()
        }
        _ => "SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            .to_owned(),
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("query tables")
        .iter()
        .map(|row| row.try_get::<String>("", "table_name").expect("table name"))
        .collect()
}

db_test!(
    async fn every_entity_matches_its_table_column_for_column(app) {
        for (table, columns) in all_entities() {
            let actual = table_columns(app.db(), &table).await;
            assert_eq!(actual, columns, "entity and migration disagree on table {table}");
        }
    }
);

db_test!(
    async fn every_table_has_an_entity(app) {
        let entity_tables: BTreeSet<String> = all_entities().into_iter().map(|(t, _)| t).collect();
        let mut tables = table_names(app.db()).await;
        tables.remove("seaql_migrations");
        assert_eq!(tables, entity_tables);
    }
);

db_test!(
    async fn migrations_go_down_and_up_again(app) {
        let db = app.db();
        let migrations = Migrator::migrations().len();
        assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), migrations);

        Migrator::down(db, None).await.expect("all down");
        assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), 0);
        let left: BTreeSet<String> = table_names(db).await;
        assert!(
            left.iter().all(|t| t == "seaql_migrations"),
            "tables left after rolling back: {left:?}"
        );

        Migrator::up(db, None).await.expect("all up again");
        assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), migrations);
        for (table, columns) in all_entities() {
            assert_eq!(table_columns(db, &table).await, columns, "{table} after down and up");
        }
    }
);

db_test!(
    async fn each_migration_rolls_back_on_its_own(app) {
        let db = app.db();
        let migrations = Migrator::migrations().len();
        for applied in (0..migrations).rev() {
            Migrator::down(db, Some(1)).await.expect("one down");
            assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), applied);
        }
        for applied in 1..=migrations {
            Migrator::up(db, Some(1)).await.expect("one up");
            assert_eq!(Migrator::get_applied_migrations(db).await.expect("status").len(), applied);
        }
    }
);

db_test!(
    async fn an_open_proposal_freezes_its_unit_in_the_database_itself(app) {
        // Two open proposals for one unit violate the partial unique index; closed ones do not.
        let db = app.db();
        bleibe::services::demo::seed(&app.app).await.expect("demo");
        let backend = db.get_database_backend();
        let now = "'2026-11-21 10:00:00+00:00'";
        let insert = |household: i64, open: bool| {
            format!(
                "INSERT INTO proposals (unit_id, household_id, state, is_open, origin, score, state_changed_at, created_at, updated_at) \
                 VALUES (1, {household}, 'approved', {}, 'engine', 0.5, {now}, {now}, {now})",
                if open { "TRUE" } else { "FALSE" }
            )
        };
        db.execute_raw(Statement::from_string(backend, insert(1, true))).await.expect("first open");
        db.execute_raw(Statement::from_string(backend, insert(2, false))).await.expect("closed one");
        let second = db.execute_raw(Statement::from_string(backend, insert(3, true))).await;
        assert!(second.is_err(), "a second open proposal for the same unit was accepted");
    }
);

db_test!(
    async fn the_search_text_and_list_migrations_fill_what_bleibe_would_write(app) {
        // The demo's households, written by Bleibe; the migrations that fill the search
        // text and the list's copies of the members' names and years of birth, rolled back
        // and applied again, compute the same values.
        crate::workspace::demo(app).await;
        let db = app.db();
        let stored = |db| async move {
            use sea_orm::{EntityTrait, QueryOrder};
            entities::household::Entity::find()
                .order_by_asc(entities::household::Column::Id)
                .all(db)
                .await
                .expect("households")
                .into_iter()
                .map(|h| (h.id, h.search_text, h.list_name, h.list_birth_years))
                .collect::<Vec<_>>()
        };
        let written = stored(db).await;
        assert!(written.iter().all(|(_, t, n, y)| !t.is_empty() && !n.is_empty() && !y.is_empty()));
        assert!(written.iter().any(|(_, _, _, y)| y.contains(',')), "households of several");
        let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
        let search = names.iter().position(|n| n == "m20261203_000030_household_search").expect("search migration");
        Migrator::down(db, Some((names.len() - search) as u32)).await.expect("down");
        Migrator::up(db, None).await.expect("up");
        assert_eq!(stored(db).await, written);
    }
);
