//! The HTTP(S) client that delivers webhooks: one POST per attempt over a fresh
//! connection (HTTP/1.1, TLS by rustls with the system's certificates), bounded in time.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{Request, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// How long one attempt may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Posts `body` to `url` with `headers`; the answer's status, or why there was none.
pub async fn post(url: &str, headers: &[(&str, String)], body: Vec<u8>) -> Result<u16, String> {
    match tokio::time::timeout(TIMEOUT, attempt(url, headers, body)).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} s", TIMEOUT.as_secs())),
    }
}

async fn attempt(url: &str, headers: &[(&str, String)], body: Vec<u8>) -> Result<u16, String> {
    let uri: Uri = url.parse().map_err(|e| format!("address: {e}"))?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err("address: only http and https".into()),
    };
    let host = uri.host().ok_or("address: no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let mut request = Request::post(path)
        .header(
            header::HOST,
            uri.authority().map_or(host.as_str(), |a| a.as_str()),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "Bleibe-Webhooks/1");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| format!("request: {e}"))?;
    let tcp = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    if https {
        let tls = tokio_rustls::TlsConnector::from(tls_config()?);
        let name =
            rustls::pki_types::ServerName::try_from(host).map_err(|e| format!("address: {e}"))?;
        let stream = tls
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        send(stream, request).await
    } else {
        send(tcp, request).await
    }
}

async fn send<S>(io: S, request: Request<Full<Bytes>>) -> Result<u16, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    let status = response.status().as_u16();
    // Read (and drop) the answer so the receiver is not cut off mid-write.
    let _ = response.into_body().collect().await;
    Ok(status)
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_platform_verifier()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth();
    Ok(Arc::new(config))
}
