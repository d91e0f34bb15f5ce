//! `Idempotency-Key` for the API's writes: a key is bound to the person, the method, the
//! path and the body of its first request, and kept for [`KEEP_HOURS`]; a repetition gets
//! the first answer (the resource it created or changed) instead of a second write.

use chrono::Duration;

use super::ServiceError;
use crate::app::App;
use crate::store::idempotency::{self, Claim, Request};

/// How long a key is remembered (documented in the OpenAPI document and docs/api.md).
pub const KEEP_HOURS: i64 = 24;

/// Longest key kept as sent; a longer one is kept as its hash.
pub const KEY_MAX: usize = 255;

/// The key as stored: the header's text, trimmed (bytes that are not UTF-8 replaced),
/// or `sha256:<hex>` of it when it is longer than [`KEY_MAX`]. Any value works as a key;
/// an empty one is the same as none.
pub fn normalise_key(header: &[u8]) -> String {
    let text = String::from_utf8_lossy(header).trim().to_owned();
    if text.len() > KEY_MAX {
        format!("sha256:{}", crate::util::sha256_hex(&text))
    } else {
        text
    }
}

/// A claimed key, to finish or release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claimed(i64);

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The key is new: run the request.
    Go(Claimed),
    /// The same request ran before: answer as it did.
    Replay { status: u16, resource: String },
    /// The same request is running now.
    Busy,
    /// The key was used for another request.
    OtherRequest,
}

/// Claims the key of `request`, or tells what it was used for.
pub async fn begin(app: &App, request: &Request<'_>) -> Result<Begin, ServiceError> {
    let now = app.clock.now();
    let expired = now - Duration::hours(KEEP_HOURS);
    Ok(
        match idempotency::claim(&app.db, request, now, expired).await? {
            Claim::Fresh(id) => Begin::Go(Claimed(id)),
            Claim::Done {
                same_request: true,
                status,
                resource: Some(resource),
            } => Begin::Replay {
                status: u16::try_from(status).unwrap_or(200),
                resource,
            },
            Claim::Running { same_request: true } => Begin::Busy,
            Claim::Done { .. } | Claim::Running { .. } => Begin::OtherRequest,
        },
    )
}

/// Records the answer of a claimed request.
pub async fn finish(
    app: &App,
    claimed: Claimed,
    status: u16,
    resource: &str,
) -> Result<(), ServiceError> {
    let now = app.clock.now();
    idempotency::finish(
        &app.db,
        claimed.0,
        i32::from(status),
        Some(resource.to_owned()),
        now,
    )
    .await?;
    Ok(())
}

/// Forgets a claimed key whose request changed nothing, so that a retry runs.
pub async fn release(app: &App, claimed: Claimed) -> Result<(), ServiceError> {
    idempotency::release(&app.db, claimed.0).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_header_value_is_a_key() {
        assert_eq!(normalise_key(b" 3f2c9a1e-5b7d "), "3f2c9a1e-5b7d");
        assert_eq!(normalise_key("schlüssel".as_bytes()), "schlüssel");
        assert_eq!(normalise_key(b"\xff-1"), "\u{fffd}-1");
        let long = normalise_key("k".repeat(300).as_bytes());
        assert!(long.starts_with("sha256:") && long.len() == 7 + 64);
        assert_ne!(long, normalise_key("k".repeat(301).as_bytes()));
        assert_eq!(normalise_key(b"   "), "");
    }
}
