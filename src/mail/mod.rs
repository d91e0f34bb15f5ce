//! E-mail: building messages and handing them to a transport. Two transports exist: SMTP
//! for production and files (one `.eml` per message) as the embedded default. Messages
//! are always written to the outbox first and sent by the dispatcher; nothing here is
//! called from a request handler directly.

pub mod compose;
pub mod ics;
pub mod outbox;
pub mod preview;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::{DataSettings, MailSettings, MailTransportKind, SmtpTls};

/// A message ready to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    /// Unique per message and stable across retries: the file name of the file transport
    /// and the stem of the Message-ID, so a repeated send is recognisable as the same.
    pub key: String,
    pub to_address: String,
    pub to_name: Option<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<EmailAttachment>,
}

/// A file attached to an e-mail (e.g. an iCalendar invitation).
#[derive(Debug, Clone, PartialEq)]
pub struct EmailAttachment {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address {address}: {reason}")]
    Address { address: String, reason: String },
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("cannot write {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// Where messages go.
#[derive(Clone)]
enum Transport {
    File(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

/// Sends e-mails through the configured transport with the configured sender.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    reply_to: Option<Mailbox>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let transport = match &self.transport {
            Transport::File(dir) => format!("file:{}", dir.display()),
            Transport::Smtp(_) => "smtp".to_owned(),
        };
        f.debug_struct("Mailer")
            .field("transport", &transport)
            .field("from", &self.from.to_string())
            .finish()
    }
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .trim()
        .parse::<Mailbox>()
        .map_err(|e| MailError::Address {
            address: address.to_owned(),
            reason: e.to_string(),
        })
}

impl Mailer {
    /// Builds the mailer from the `[mail]` settings.
    pub fn from_settings(mail: &MailSettings, data: &DataSettings) -> Result<Self, MailError> {
        let transport = match mail.transport {
            MailTransportKind::File => Transport::File(mail.file_dir(data)),
            MailTransportKind::Smtp => {
                let smtp = &mail.smtp;
                let mut builder = match smtp.tls {
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
                    SmtpTls::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                    }
                    SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                        &smtp.host,
                    )),
                }
                .map_err(|e| MailError::Smtp(e.to_string()))?
                .port(smtp.port)
                .timeout(Some(Duration::from_secs(smtp.timeout_secs)));
                if smtp.tls == SmtpTls::None {
                    builder = builder.tls(Tls::None);
                } else if smtp.tls == SmtpTls::Starttls {
                    let params = TlsParameters::new(smtp.host.clone())
                        .map_err(|e| MailError::Smtp(e.to_string()))?;
                    builder = builder.tls(Tls::Required(params));
                }
                if !smtp.username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        smtp.username.clone(),
                        smtp.password.expose_secret().to_owned(),
                    ));
                }
                Transport::Smtp(builder.build())
            }
        };
        Ok(Self {
            transport,
            from: mailbox(&mail.from)?,
            reply_to: if mail.reply_to.trim().is_empty() {
                None
            } else {
                Some(mailbox(&mail.reply_to)?)
            },
        })
    }

    /// A mailer that writes files into `dir` (tests and tools).
    pub fn to_files(dir: impl Into<PathBuf>, from: &str) -> Result<Self, MailError> {
        Ok(Self {
            transport: Transport::File(dir.into()),
            from: mailbox(from)?,
            reply_to: None,
        })
    }

    /// Builds the MIME message for `email`.
    pub fn build(&self, email: &Email) -> Result<Message, MailError> {
        let to = match &email.to_name {
            Some(name) => Mailbox::new(Some(name.clone()), mailbox(&email.to_address)?.email),
            None => mailbox(&email.to_address)?,
        };
        let domain = self.from.email.domain().to_owned();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", sanitize_key(&email.key))));
        let reply_to = match &email.reply_to {
            Some(address) => Some(mailbox(address)?),
            None => self.reply_to.clone(),
        };
        if let Some(reply_to) = reply_to {
            builder = builder.reply_to(reply_to);
        }
        let body = match &email.html {
            Some(html) => MultiPart::alternative()
                .singlepart(SinglePart::plain(email.text.clone()))
                .singlepart(SinglePart::html(html.clone())),
            None => MultiPart::mixed().singlepart(SinglePart::plain(email.text.clone())),
        };
        let body = if email.attachments.is_empty() {
            body
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for attachment in &email.attachments {
                let content_type = ContentType::parse(&attachment.content_type)
                    .map_err(|e| MailError::Build(e.to_string()))?;
                mixed = mixed.singlepart(
                    Attachment::new(attachment.filename.clone())
                        .body(attachment.content.clone(), content_type),
                );
            }
            mixed
        };
        builder
            .multipart(body)
            .map_err(|e| MailError::Build(e.to_string()))
    }

    /// Sends one message. With the file transport the file is `<key>.eml`, written
    /// atomically, so sending the same message twice leaves one file.
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = self.build(email)?;
        match &self.transport {
            Transport::File(dir) => write_eml(dir, &email.key, &message.formatted()).await,
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Smtp(e.to_string())),
        }
    }
}

/// Keeps letters, digits, `-`, `_` and `.`; anything else becomes `_`.
pub fn sanitize_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

async fn write_eml(dir: &Path, key: &str, bytes: &[u8]) -> Result<(), MailError> {
    let err = |path: &Path| {
        let path = path.display().to_string();
        move |source| MailError::File { path, source }
    };
    tokio::fs::create_dir_all(dir).await.map_err(err(dir))?;
    let name = sanitize_key(key);
    let final_path = dir.join(format!("{name}.eml"));
    let temp_path = dir.join(format!(".{name}.eml.tmp"));
    tokio::fs::write(&temp_path, bytes)
        .await
        .map_err(err(&temp_path))?;
    tokio::fs::rename(&temp_path, &final_path)
        .await
        .map_err(err(&final_path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(key: &str) -> Email {
        Email {
            key: key.into(),
            to_address: "vermieterin@example.org".into(),
            to_name: Some("Renate Maier".into()),
            reply_to: None,
            subject: "Ein Vorschlag für Ihre Wohnung".into(),
            text: "Hallo".into(),
            html: Some("<p>Hallo</p>".into()),
            attachments: vec![EmailAttachment {
                filename: "besichtigung.ics".into(),
                content_type: "text/calendar; charset=utf-8".into(),
                content: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
            }],
        }
    }

    #[tokio::test]
    async fn the_file_transport_writes_one_file_per_key_even_when_sent_twice() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mailer =
            Mailer::to_files(dir.path(), "Bleibe <noreply@bleibe.example>").expect("mailer");
        mailer
            .send(&email("proposal-1/landlord"))
            .await
            .expect("send");
        mailer
            .send(&email("proposal-1/landlord"))
            .await
            .expect("send again");
        let files: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(files.len(), 1);
        let text =
            std::fs::read_to_string(dir.path().join("proposal-1_landlord.eml")).expect("file");
        assert!(
            text.contains("Message-ID: <proposal-1_landlord@bleibe.example>"),
            "{text}"
        );
        assert!(text.contains("besichtigung.ics"));
        assert!(
            text.contains("To: \"Renate Maier\" <vermieterin@example.org>"),
            "{text}"
        );
    }

    #[test]
    fn a_bad_address_is_reported() {
        let mailer = Mailer::to_files("/tmp", "Bleibe <noreply@bleibe.example>").expect("mailer");
        let mut bad = email("x");
        bad.to_address = "not an address".into();
        assert!(matches!(mailer.build(&bad), Err(MailError::Address { .. })));
    }
}
