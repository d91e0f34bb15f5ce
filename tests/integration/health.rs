//! `/health` and `/ready`.

use crate::db_test;
use migrations::{Migrator, MigratorTrait};

db_test!(
    async fn health_answers_while_the_process_lives(app) {
        let response = app.get("/health").await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ok");
    }
);

db_test!(
    async fn ready_when_the_database_answers_and_migrations_are_current(app) {
        let response = app.get("/ready").await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ready");
    }
);

db_test!(
    async fn not_ready_with_a_reason_while_a_migration_is_pending(app) {
        Migrator::down(app.db(), Some(1)).await.expect("roll back one");
        let response = app.get("/ready").await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "unavailable");
        assert!(body["reason"].as_str().unwrap_or("").contains("migration"), "{body}");

        Migrator::up(app.db(), None).await.expect("apply again");
        assert_eq!(app.get("/ready").await.status(), 200);
    }
);

db_test!(
    async fn not_ready_when_the_database_is_gone(app) {
        app.db().clone().close().await.expect("close pool");
        let response = app.get("/ready").await;
        assert_eq!(response.status(), 503);
    }
);

db_test!(
    async fn every_response_carries_a_request_id_and_security_headers(app) {
        let response = app.get("/health").await;
        let id = response.headers().get("x-request-id").expect("request id");
        assert_eq!(id.len(), 16);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains("frame-ancestors 'none'"));

        let echoed = app
            .client
            .get(app.url("/health"))
            .header("x-request-id", "from-the-proxy")
            .send()
            .await
            .expect("request");
        assert_eq!(echoed.headers()["x-request-id"], "from-the-proxy");
    }
);

db_test!(
    async fn ready_while_a_newer_instance_added_a_migration_this_one_does_not_know(app) {
        use sea_orm::ConnectionTrait;
        app.db()
            .execute_unprepared(
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_from_a_newer_release', 0)",
            )
            .await
            .expect("insert");
        assert_eq!(app.get("/ready").await.status(), 200, "rolling upgrades keep old instances ready");
    }
);
