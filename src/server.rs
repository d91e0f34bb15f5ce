//! Starting and stopping the HTTP server.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::app::App;
use crate::web;

/// Binds the configured address.
pub async fn bind(app: &App) -> anyhow::Result<TcpListener> {
    let server = &app.settings.server;
    let address = format!("{}:{}", server.host, server.port);
    TcpListener::bind(&address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))
}

/// Serves Bleibe until `shutdown` completes, then lets requests in flight finish for at
/// most `server.shutdown_grace_secs`.
pub async fn serve_until<F>(app: App, listener: TcpListener, shutdown: F) -> anyhow::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let grace = Duration::from_secs(app.settings.server.shutdown_grace_secs);
    serve_router(web::router(app), listener, shutdown, grace).await
}

/// Serves `router` until `shutdown` completes; requests in flight then get `grace` to finish.
pub async fn serve_router<F>(
    router: axum::Router,
    listener: TcpListener,
    shutdown: F,
    grace: Duration,
) -> anyhow::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stopping_tx.send(());
    };
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(signal);
    let deadline = async move {
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(grace).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => result.map_err(|e| anyhow::anyhow!("server error: {e}")),
        () = deadline => {
            tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period; stopping anyway");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    #[tokio::test]
    async fn a_request_in_flight_finishes_after_the_shutdown_signal() {
        let router = axum::Router::new().route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "done"
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_router(
            router,
            listener,
            async move {
                let _ = stop_rx.await;
            },
            Duration::from_secs(5),
        ));
        let request = tokio::spawn(async move {
            reqwest::get(format!("http://{address}/slow"))
                .await?
                .text()
                .await
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop_tx.send(()).expect("server is running");
        let body = request.await.expect("join").expect("request completes");
        assert_eq!(body, "done");
        server.await.expect("join").expect("server stops cleanly");
    }

    #[tokio::test]
    async fn requests_still_running_after_the_grace_period_do_not_block_shutdown() {
        let router = axum::Router::new().route(
            "/stuck",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                "never"
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_router(
            router,
            listener,
            async move {
                let _ = stop_rx.await;
            },
            Duration::from_millis(200),
        ));
        tokio::spawn(async move { reqwest::get(format!("http://{address}/stuck")).await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop_tx.send(()).expect("server is running");
        let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
        assert!(finished.is_ok(), "shutdown waited for a stuck request");
    }
}
