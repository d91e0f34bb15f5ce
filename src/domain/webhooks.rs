//! Webhooks, without I/O: the event types a municipality's systems can receive, which
//! proposal moves raise which event, the signature over timestamp and body, and when a
//! failed delivery is tried again.

use chrono::Duration;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::pipeline::ProposalState;
use super::string_enum;

string_enum! {
    /// What happened.
    pub enum EventType {
        /// Both sides got the proposal.
        ProposalSent = "proposal.sent",
        /// The landlord or the household answered (accepted or declined).
        ProposalAnswered = "proposal.answered",
        /// Withdrawn or expired: the proposal ends without a placement.
        ProposalClosed = "proposal.closed",
        ViewingScheduled = "viewing.scheduled",
        /// The Jobcenter granted or refused the rent.
        JobcenterDecided = "jobcenter.decided",
        LeaseSigned = "lease.signed",
        MovedIn = "placement.moved_in",
        /// A check-in after moving in is due.
        FollowUpDue = "follow_up.due",
        FollowUpRecorded = "follow_up.recorded",
        /// Active, paused, closed or placed.
        HouseholdStatusChanged = "household.status_changed",
    }
}

/// The header with the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "Bleibe-Signature";
/// The header with the event's id (the same on every attempt: receivers drop repeats).
pub const EVENT_ID_HEADER: &str = "Bleibe-Event-Id";
/// The header with the event's type.
pub const EVENT_TYPE_HEADER: &str = "Bleibe-Event";
/// Attempts before a delivery is given up (and shown to admins).
pub const MAX_ATTEMPTS: i32 = 12;
/// How old a signed timestamp a receiver should accept (seconds).
pub const TOLERANCE_SECONDS: i64 = 300;

/// The event a proposal's move raises, if any.
pub fn event_of_move(from: ProposalState, to: ProposalState) -> Option<EventType> {
    use ProposalState::*;
    match to {
        Sent => Some(EventType::ProposalSent),
        LandlordAccepted | HouseholdAccepted | Accepted | LandlordDeclined | HouseholdDeclined => {
            Some(EventType::ProposalAnswered)
        }
        Withdrawn | Expired => Some(EventType::ProposalClosed),
        ViewingScheduled if from != ViewingScheduled => Some(EventType::ViewingScheduled),
        JobcenterGranted | JobcenterRefused => Some(EventType::JobcenterDecided),
        LeaseSigned => Some(EventType::LeaseSigned),
        MovedIn => Some(EventType::MovedIn),
        _ => None,
    }
}

/// The signature of `body` sent at `timestamp` (unix seconds): HMAC-SHA256 with the
/// endpoint's secret over `<timestamp>.<body>`, as lowercase hex.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The value of [`SIGNATURE_HEADER`].
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}

/// Whether `header` signs `body` with `secret`, sent no more than [`TOLERANCE_SECONDS`]
/// from `now` (what a receiver checks; Bleibe's own tests use it too).
pub fn verify(header: &str, secret: &str, body: &[u8], now: i64) -> bool {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", s)) => signatures.push(s),
            _ => {}
        }
    }
    let Some(t) = timestamp else { return false };
    if (now - t).abs() > TOLERANCE_SECONDS {
        return false;
    }
    let expected = signature(secret, t, body);
    signatures
        .iter()
        .any(|s| constant_time_eq(s.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// When to try again after `attempts` failed attempts: 1 minute, doubling up to 6 hours;
/// `None` once [`MAX_ATTEMPTS`] have failed (given up, about 20 hours after the first).
pub fn retry_after(attempts: i32) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let minutes = 1i64 << (attempts.clamp(1, 20) - 1);
    Some(Duration::minutes(minutes.min(360)))
}

/// Whether `url` can receive webhooks: `http` or `https` with a host, at most 500
/// characters, no user name or password in it.
pub fn url_problem(url: &str) -> Option<&'static str> {
    let url = url.trim();
    if url.is_empty() {
        return Some("validation.required");
    }
    if url.len() > 500 {
        return Some("validation.too_long");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Some("validation.webhook_url");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty()
        || authority.contains('@')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Some("validation.webhook_url");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_raise_the_events_receivers_care_about() {
        use ProposalState::*;
        assert_eq!(event_of_move(Approved, Sent), Some(EventType::ProposalSent));
        assert_eq!(
            event_of_move(Sent, LandlordAccepted),
            Some(EventType::ProposalAnswered)
        );
        assert_eq!(
            event_of_move(LandlordAccepted, Accepted),
            Some(EventType::ProposalAnswered)
        );
        assert_eq!(
            event_of_move(Sent, HouseholdDeclined),
            Some(EventType::ProposalAnswered)
        );
        assert_eq!(
            event_of_move(Accepted, ViewingScheduled),
            Some(EventType::ViewingScheduled)
        );
        assert_eq!(
            event_of_move(JobcenterRequested, JobcenterGranted),
            Some(EventType::JobcenterDecided)
        );
        assert_eq!(
            event_of_move(JobcenterGranted, LeaseSigned),
            Some(EventType::LeaseSigned)
        );
        assert_eq!(
            event_of_move(LeaseSigned, MovedIn),
            Some(EventType::MovedIn)
        );
        assert_eq!(event_of_move(Suggested, Approved), None);
        assert_eq!(
            event_of_move(Sent, Withdrawn),
            Some(EventType::ProposalClosed)
        );
        assert_eq!(
            event_of_move(LandlordAccepted, Expired),
            Some(EventType::ProposalClosed)
        );
        assert_eq!(event_of_move(Suggested, Rejected), None);
    }

    #[test]
    fn a_signature_covers_timestamp_and_body() {
        // Independent value: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac geheim
        let s = signature("geheim", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            s,
            "c2f0a59f12d0bcd3933234d85083c03b99e970604203fd059a320436bb602adf"
        );
        assert_eq!(s, signature("geheim", 1_700_000_000, br#"{"a":1}"#));
        assert_ne!(s, signature("geheim", 1_700_000_001, br#"{"a":1}"#));
        assert_ne!(s, signature("anders", 1_700_000_000, br#"{"a":1}"#));
        let header = signature_header("geheim", 1_700_000_000, br#"{"a":1}"#);
        assert!(verify(&header, "geheim", br#"{"a":1}"#, 1_700_000_100));
        assert!(!verify(&header, "geheim", br#"{"a":2}"#, 1_700_000_100));
        assert!(!verify(&header, "anders", br#"{"a":1}"#, 1_700_000_100));
        assert!(
            !verify(&header, "geheim", br#"{"a":1}"#, 1_700_001_000),
            "too old"
        );
        assert!(!verify("v1=abc", "geheim", b"", 0));
    }

    #[test]
    fn retries_back_off_and_give_up() {
        assert_eq!(retry_after(1), Some(Duration::minutes(1)));
        assert_eq!(retry_after(2), Some(Duration::minutes(2)));
        assert_eq!(retry_after(7), Some(Duration::minutes(64)));
        assert_eq!(
            retry_after(11),
            Some(Duration::minutes(360)),
            "at most 6 hours apart"
        );
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
        let total: i64 = (1..MAX_ATTEMPTS)
            .filter_map(retry_after)
            .map(|d| d.num_minutes())
            .sum();
        assert_eq!(total, 1231, "about 20 hours of retries before giving up");
    }

    #[test]
    fn only_plain_web_addresses_receive_webhooks() {
        assert_eq!(
            url_problem("https://fachverfahren.esslingen.de/bleibe"),
            None
        );
        assert_eq!(url_problem("http://127.0.0.1:9000/hook"), None);
        assert_eq!(url_problem(""), Some("validation.required"));
        assert_eq!(url_problem("ftp://x"), Some("validation.webhook_url"));
        assert_eq!(
            url_problem("https://user:pw@host/"),
            Some("validation.webhook_url")
        );
        assert_eq!(url_problem("https:///path"), Some("validation.webhook_url"));
        assert_eq!(
            url_problem("https://host/a b"),
            Some("validation.webhook_url")
        );
    }
}
