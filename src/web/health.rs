//! Liveness and readiness for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::App;
use crate::db;
use crate::services::limits::{self, Limit};

/// `GET /health`: the process is alive (no dependency is checked).
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// `GET /ready`: the database answers and its schema is current; 503 with the reason
/// otherwise.
pub async fn ready(State(app): State<App>) -> (StatusCode, Json<Value>) {
    match db::readiness(&app.db).await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "database": db::backend_name(&app.db) })),
        ),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "reason": reason })),
        ),
    }
}

/// `GET /metrics`: Prometheus text format (requests, latencies, job runs, match runs,
/// outbox depth). Keep it on the internal network: it names routes, not people.
pub async fn metrics(State(app): State<App>) -> axum::response::Response {
    use crate::store::outbox;
    use axum::response::IntoResponse;
    let pending = outbox::count_by_status(&app.db, outbox::PENDING).await;
    let failed = outbox::count_by_status(&app.db, outbox::FAILED).await;
    let up = f64::from(u8::from(pending.is_ok() && failed.is_ok()));
    let text = crate::metrics::render(&[
        (
            "bleibe_outbox_pending",
            "E-mails waiting to be sent (all instances).",
            pending.unwrap_or(0) as f64,
        ),
        (
            "bleibe_outbox_failed",
            "E-mails given up after all attempts (all instances).",
            failed.unwrap_or(0) as f64,
        ),
        (
            "bleibe_database_up",
            "1 when the database answered this scrape.",
            up,
        ),
    ]);
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// Middleware: counts every request and its time under its route pattern.
pub async fn track(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crate::metrics::http_request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Middleware for pages behind secret links (e-mail answers, confirmation, password
/// reset, invitation): an address with too many unknown links in 15 minutes gets 429
/// until the window ends. Only 404 (no such link) counts: a real link that was used or has
/// expired (410) is no guess, and a household opening its old e-mail again must not be
/// locked out.
pub async fn secret_links(
    State(app): State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let ip = crate::web::extract::ClientIp::of(&parts, app.settings.security.trust_forwarded_for).0;
    match limits::reached(&app, Limit::SecretByIp, &ip).await {
        Ok(true) => return crate::web::error::PageError::TooMany.into_response(),
        Ok(false) => {}
        Err(e) => return crate::web::error::PageError::from(e).into_response(),
    }
    let response = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    if response.status() == StatusCode::NOT_FOUND
        && let Err(e) = limits::record(&app, Limit::SecretByIp, &ip).await
    {
        tracing::warn!(error = %e, "cannot count a wrong link");
    }
    response
}
