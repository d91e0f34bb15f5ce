//! The transactional outbox: a message is written in the same transaction as the change
//! that causes it, and the dispatcher sends it afterwards.
//!
//! Exactly-once as far as a mail system allows: every message has an idempotency key,
//! which is unique in the table (enqueueing twice keeps one) and is the stem of its
//! Message-ID and of its file name. The dispatcher claims messages with a lease (on
//! PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several instances never take the same one),
//! sends, then marks them sent. If a process dies after the SMTP server accepted a message
//! but before it was marked, the lease lapses and the message is sent again with the same
//! Message-ID: that narrow window is at-least-once, and receivers can recognise the copy.
//! The file transport overwrites the same file, so there it is exactly once.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

use super::{Email, EmailAttachment, Mailer};
use crate::store::outbox::{self as store, NewMessage};

/// How long a claim holds a message before another instance may take it over.
pub const LEASE_SECONDS: i64 = 120;
/// Messages claimed per round.
const BATCH: u64 = 50;

/// An e-mail to enqueue with what it belongs to.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub email: Email,
    /// What kind of message (e.g. `confirm_email`), for statistics and the digest.
    pub kind: String,
    pub locale: String,
    pub municipality_id: Option<i64>,
    pub proposal_id: Option<i64>,
}

/// Writes a message to the outbox in the caller's transaction. Returns false when the same
/// idempotency key was enqueued before (nothing is written then).
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    outgoing: &Outgoing,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let attachments = if outgoing.email.attachments.is_empty() {
        None
    } else {
        Some(
            serde_json::to_string(
                &outgoing
                    .email
                    .attachments
                    .iter()
                    .map(|a| {
                        serde_json::json!({
                            "filename": a.filename,
                            "content_type": a.content_type,
                            "content": BASE64.encode(&a.content),
                        })
                    })
                    .collect::<Vec<_>>(),
            )
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?,
        )
    };
    store::enqueue(
        db,
        &NewMessage {
            idempotency_key: outgoing.email.key.clone(),
            kind: outgoing.kind.clone(),
            to_address: outgoing.email.to_address.clone(),
            to_name: outgoing.email.to_name.clone(),
            reply_to: outgoing.email.reply_to.clone(),
            locale: outgoing.locale.clone(),
            subject: outgoing.email.subject.clone(),
            body_text: outgoing.email.text.clone(),
            body_html: outgoing.email.html.clone(),
            attachments,
            municipality_id: outgoing.municipality_id,
            proposal_id: outgoing.proposal_id,
        },
        now,
    )
    .await
}

/// What one dispatch round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The pause before retry number `attempt` (1-based): 1, 2, 4, ... minutes, at most 6 hours.
pub fn backoff(attempt: u32) -> Duration {
    let minutes = 1i64 << attempt.saturating_sub(1).min(9);
    Duration::minutes(minutes.min(360))
}

fn to_email(m: &entities::outbox_message::Model) -> Email {
    let attachments = m
        .attachments
        .as_deref()
        .and_then(|text| serde_json::from_str::<Vec<serde_json::Value>>(text).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|a| EmailAttachment {
            filename: a["filename"].as_str().unwrap_or("attachment").to_owned(),
            content_type: a["content_type"]
                .as_str()
                .unwrap_or("application/octet-stream")
                .to_owned(),
            content: BASE64
                .decode(a["content"].as_str().unwrap_or(""))
                .unwrap_or_default(),
        })
        .collect();
    Email {
        key: m.idempotency_key.clone(),
        to_address: m.to_address.clone(),
        to_name: m.to_name.clone(),
        reply_to: m.reply_to.clone(),
        subject: m.subject.clone(),
        text: m.body_text.clone(),
        html: m.body_html.clone(),
        attachments,
    }
}

/// Sends every due message once: claims a batch, sends each, marks it sent or schedules
/// a retry (given up after `max_attempts`), until nothing is due.
pub async fn dispatch<C: ConnectionTrait>(
    db: &C,
    mailer: &Mailer,
    instance: &str,
    max_attempts: u32,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<DispatchReport, sea_orm::DbErr> {
    let mut report = DispatchReport::default();
    loop {
        let claimed =
            store::claim(db, instance, now(), Duration::seconds(LEASE_SECONDS), BATCH).await?;
        if claimed.is_empty() {
            return Ok(report);
        }
        for message in claimed {
            match mailer.send(&to_email(&message)).await {
                Ok(()) => {
                    store::mark_sent(db, message.id, instance, now()).await?;
                    report.sent += 1;
                }
                Err(error) => {
                    let attempt = (message.attempts + 1).max(1) as u32;
                    let retry_at = (attempt < max_attempts).then(|| now() + backoff(attempt));
                    tracing::warn!(outbox.id = message.id, attempt, %error, "e-mail not sent");
                    store::mark_failed(
                        db,
                        message.id,
                        instance,
                        &error.to_string(),
                        retry_at,
                        now(),
                    )
                    .await?;
                    if retry_at.is_some() {
                        report.retried += 1;
                    } else {
                        report.failed += 1;
                    }
                }
            }
        }
    }
}

/// A name for this process in leases: host, process id and a random part.
pub fn instance_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "bleibe".into());
    format!(
        "{host}-{}-{:04x}",
        std::process::id(),
        crate::util::random_u64() & 0xffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff(1), Duration::minutes(1));
        assert_eq!(backoff(2), Duration::minutes(2));
        assert_eq!(backoff(4), Duration::minutes(8));
        assert_eq!(backoff(20), Duration::minutes(360));
    }
}
