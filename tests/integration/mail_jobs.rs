//! E-mails to both sides and the scheduled jobs: answer links from the demo's e-mail files,
//! reminders and expiry, exactly-once job slots and leases, delivery through a real SMTP
//! server (mailin-embedded, inside the test process) with faults, and two `bleibe serve`
//! processes on one PostgreSQL.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bleibe::domain::pipeline::Action;
use bleibe::jobs::{self, Job, Outcome};
use bleibe::mail::Mailer;
use bleibe::services::{Actor, matching, pipeline};
use chrono::Duration;
use entities::{job_run, outbox_message, proposal, unit};
use mailin_embedded::response::{INTERNAL_ERROR, OK, Response};
use mailin_embedded::{Handler, Server, SslConfig};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::accounts::post_form;
use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::demo;

/// Runs Esslingen's match and approves the first suggestion as the system would.
async fn approved_proposal(app: &TestApp) -> proposal::Model {
    let d = demo(app).await;
    let summary = matching::run(
        &app.app,
        &Actor::System,
        matching::Scope::Municipality(d.esslingen),
        matching::Trigger::Cli,
    )
    .await
    .expect("match run");
    let first = proposal::Entity::find()
        .filter(proposal::Column::MatchRunId.eq(summary.run_id))
        .filter(proposal::Column::State.eq("suggested"))
        .order_by_asc(proposal::Column::Id)
        .one(app.db())
        .await
        .expect("query")
        .expect("a suggestion");
    let state = pipeline::approve_as_system(&app.app, first.id)
        .await
        .expect("approve")
        .expect("approvable");
    assert_eq!(state.as_str(), "sent");
    proposal::Entity::find_by_id(first.id)
        .one(app.db())
        .await
        .expect("query")
        .expect("proposal")
}

async fn state_of(app: &TestApp, id: i64) -> String {
    proposal::Entity::find_by_id(id)
        .one(app.db())
        .await
        .expect("query")
        .expect("proposal")
        .state
}

/// The `/a/…` links of an e-mail text, in order, as paths.
fn answer_links(app: &TestApp, text: &str) -> Vec<String> {
    let base = &app.app.settings.server.base_url;
    text.split_whitespace()
        .filter_map(|w| w.strip_prefix(base.as_str()))
        .filter(|p| p.starts_with("/a/"))
        .map(str::to_owned)
        .collect()
}

fn mail_file(app: &TestApp, key: &str) -> crate::helpers::Mail {
    let raw = std::fs::read_to_string(app.mail_dir.join(format!("{key}.eml")))
        .unwrap_or_else(|_| panic!("no e-mail file {key}.eml"));
    crate::helpers::Mail::parse(&raw).expect("parsable")
}

db_test!(
    async fn approving_writes_both_letters_and_the_landlords_accept_link_moves_the_pipeline(app) {
        let p = approved_proposal(app).await;
        let report = app.dispatch_mails().await;
        assert!(report.sent >= 2, "{report:?}");
        let landlord = mail_file(app, &format!("proposal-{}-landlord", p.id));
        let household = mail_file(app, &format!("proposal-{}-household", p.id));
        assert_eq!(landlord.subject, "Ein Haushalt für Ihre Wohnung");
        assert!(landlord.html.contains("/a/"), "HTML has the buttons");
        // No names of the household in the landlord's letter.
        let h = bleibe::store::households::find(app.db(), p.household_id)
            .await
            .expect("query")
            .expect("household");
        for m in &h.profile.members {
            assert!(!landlord.text.contains(&m.first_name), "{} leaked", m.first_name);
        }
        let links = answer_links(app, &landlord.text);
        assert_eq!(links.len(), 3, "accept, viewing, decline: {}", landlord.text);
        let household_links = answer_links(app, &household.text);
        assert_eq!(household_links.len(), 2, "{}", household.text);

        // Opening the link changes nothing (mail scanners open links too).
        let page = app.get(&links[0]).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("page");
        assert!(html.contains("Zusagen"), "{html}");
        assert_eq!(state_of(app, p.id).await, "sent");

        // The button on the page answers.
        let r = post_form(app, &links[0], &links[0], &[]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(state_of(app, p.id).await, "landlord_accepted");

        // Used: the same link, and the landlord's decline link, now say so kindly.
        assert_eq!(app.get(&links[0]).await.status(), 410);
        let used = app.get(&links[2]).await;
        assert_eq!(used.status(), 410);
        assert!(used.text().await.expect("page").contains("schon benutzt"));
        // Opening a used link again and again is no guessing: never locked out.
        for _ in 0..=app.app.settings.security.token_attempts {
            assert_eq!(app.get(&links[0]).await.status(), 410);
        }

        // A decline needs a reason: the household's decline link without one is a 422
        // with the message at the field, and nothing changes.
        let r = post_form(app, &household_links[1], &household_links[1], &[("reason", "zu weit")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("aria-describedby=\"e-reason_code\""), "{html}");
        assert!(html.contains("zu weit"), "what was typed stays");
        assert_eq!(state_of(app, p.id).await, "landlord_accepted");

        // The household says yes: both sides get the next steps.
        let r = post_form(app, &household_links[0], &household_links[0], &[]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(state_of(app, p.id).await, "accepted");
        app.dispatch_mails().await;
        let next = mail_file(app, &format!("accepted-{}-landlord", p.id));
        assert!(next.subject.starts_with("Beide Seiten sagen Ja"), "{}", next.subject);
        mail_file(app, &format!("accepted-{}-household", p.id));

        // A made-up link is unknown, not an error page.
        assert_eq!(app.get(&format!("/a/{}", "ab".repeat(32))).await.status(), 404);
    }
);

db_test!(
    async fn reminders_then_expiry_free_the_unit_once(app) {
        let p = approved_proposal(app).await;
        let run = |job| async move {
            jobs::body(&app.app, job, "test").await.expect("job")
        };
        assert_eq!(run(Job::Reminders).await["reminded"], 0);
        // Demo rules: reminder after 5 days, answer within 14.
        app.clock.advance(Duration::days(5) + Duration::minutes(1));
        assert_eq!(run(Job::Reminders).await["reminded"], 1);
        assert_eq!(run(Job::Reminders).await["reminded"], 0, "once only");
        app.dispatch_mails().await;
        let reminder = mail_file(app, &format!("reminder-{}-landlord", p.id));
        assert_eq!(answer_links(app, &reminder.text).len(), 3);

        app.clock.advance(Duration::days(9));
        let counts = run(Job::Reminders).await;
        assert_eq!(counts["expired"], 1);
        assert_eq!(run(Job::Reminders).await["expired"], 0);
        assert_eq!(state_of(app, p.id).await, "expired");
        let u = unit::Entity::find_by_id(p.unit_id)
            .one(app.db())
            .await
            .expect("query")
            .expect("unit");
        assert_eq!(u.status, "available", "the flat is free again");
        let events = bleibe::store::proposals::events(app.db(), p.id).await.expect("events");
        let last = events.last().expect("event");
        assert_eq!(last.reason_code.as_deref(), Some("no_answer"));
        app.dispatch_mails().await;
        mail_file(app, &format!("expired-{}-landlord", p.id));
        mail_file(app, &format!("expired-{}-household", p.id));
        // The links of the old mail now say the time to answer has passed, not that
        // somebody answered.
        let links = answer_links(app, &reminder.text);
        let page = app.get(&links[0]).await;
        assert_eq!(page.status(), 410);
        let html = page.text().await.expect("page");
        assert!(html.contains("abgelaufen") && !html.contains("schon benutzt"), "{html}");
    }
);

db_test!(
    async fn a_slot_runs_once_and_a_held_lease_keeps_others_out(app) {
        let slot = app.clock_now();
        let first = jobs::execute(&app.app, Job::Tidy, Some(slot), "instance-a").await.expect("run");
        assert!(matches!(first, Outcome::Done { .. }), "{first:?}");
        let second = jobs::execute(&app.app, Job::Tidy, Some(slot), "instance-b").await.expect("run");
        assert_eq!(second, Outcome::AlreadyRan);
        // An instance that dies holding the lease blocks the job until the lease lapses.
        let now = app.clock_now();
        assert!(
            bleibe::store::jobs::acquire_lease(app.db(), "digest", "crashed", now, Duration::seconds(600))
                .await
                .expect("lease")
        );
        let busy = jobs::execute(&app.app, Job::Digest, None, "instance-b").await.expect("run");
        assert_eq!(busy, Outcome::Busy);
        app.clock.advance(Duration::seconds(601));
        let after = jobs::execute(&app.app, Job::Digest, None, "instance-b").await.expect("run");
        assert!(matches!(after, Outcome::Done { .. }), "{after:?}");
        let runs = job_run::Entity::find()
            .filter(job_run::Column::Job.eq("tidy"))
            .all(app.db())
            .await
            .expect("runs");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].status, "succeeded");
        assert!(runs[0].counts.as_deref().unwrap_or("").contains("sessions"));
    }
);

/// A received message: envelope recipients and raw bytes.
type Received = (Vec<String>, Vec<u8>);

/// An SMTP server in the test process that keeps what it receives and can refuse.
#[derive(Clone, Default)]
struct Inbox {
    messages: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicBool>,
    current_to: Arc<Mutex<Vec<String>>>,
    current: Arc<Mutex<Vec<u8>>>,
}

impl Handler for Inbox {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.refuse.load(Ordering::SeqCst) {
            return INTERNAL_ERROR;
        }
        self.current_to.lock().expect("lock").push(to.to_owned());
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.lock().expect("lock").extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let body = std::mem::take(&mut *self.current.lock().expect("lock"));
        let to = std::mem::take(&mut *self.current_to.lock().expect("lock"));
        self.messages.lock().expect("lock").push((to, body));
        OK
    }
}

impl Inbox {
    /// Starts a server on a free port; returns the port.
    fn start(&self) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mut server = Server::new(self.clone());
        server
            .with_name("test.smtp")
            .with_ssl(SslConfig::None)
            .expect("ssl config")
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        port
    }

    fn received(&self) -> Vec<(Vec<String>, mail_parser::Message<'static>)> {
        self.messages
            .lock()
            .expect("lock")
            .iter()
            .map(|(to, raw)| {
                let message = mail_parser::MessageParser::default()
                    .parse(raw.as_slice())
                    .expect("parsable")
                    .into_owned();
                (to.clone(), message)
            })
            .collect()
    }
}

fn smtp_app(app: &TestApp, port: u16) -> bleibe::app::App {
    let mut settings = (*app.app.settings).clone();
    settings.mail.transport = bleibe::config::MailTransportKind::Smtp;
    settings.mail.smtp.host = "127.0.0.1".into();
    settings.mail.smtp.port = port;
    settings.mail.smtp.tls = bleibe::config::SmtpTls::None;
    settings.mail.smtp.timeout_secs = 5;
    let mut smtp = app.app.clone();
    smtp.mailer = Mailer::from_settings(&settings.mail, &settings.data).expect("mailer");
    smtp
}

async fn pending(app: &TestApp) -> usize {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.eq("pending"))
        .all(app.db())
        .await
        .expect("query")
        .len()
}

db_test!(
    async fn smtp_delivers_once_through_refusals_and_outages(app) {
        let p = approved_proposal(app).await;
        let waiting = pending(app).await;
        assert!(waiting >= 2);

        // The server is down: nothing is lost, everything waits for the next try.
        let down_port = {
            let l = TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let down = smtp_app(app, down_port);
        let r = bleibe::jobs::housekeeping::dispatch_mail(&down, "a").await.expect("dispatch");
        assert_eq!((r.sent, r.retried), (0, waiting), "{r:?}");
        assert_eq!(pending(app).await, waiting);

        // The server is up but refuses for a while.
        let inbox = Inbox::default();
        inbox.refuse.store(true, Ordering::SeqCst);
        let port = inbox.start();
        let smtp = smtp_app(app, port);
        app.clock.advance(Duration::minutes(1) + Duration::seconds(1));
        let r = bleibe::jobs::housekeeping::dispatch_mail(&smtp, "a").await.expect("dispatch");
        assert_eq!((r.sent, r.retried), (0, waiting), "{r:?}");
        // Not due yet: the second retry waits two minutes.
        inbox.refuse.store(false, Ordering::SeqCst);
        let r = bleibe::jobs::housekeeping::dispatch_mail(&smtp, "a").await.expect("dispatch");
        assert_eq!(r.sent, 0);
        app.clock.advance(Duration::minutes(2) + Duration::seconds(1));
        let r = bleibe::jobs::housekeeping::dispatch_mail(&smtp, "b").await.expect("dispatch");
        assert_eq!(r.sent, waiting, "{r:?}");
        let again = bleibe::jobs::housekeeping::dispatch_mail(&smtp, "b").await.expect("dispatch");
        assert_eq!(again.sent, 0, "nothing twice");
        let received = inbox.received();
        assert_eq!(received.len(), waiting);

        // Recipients, subject and language as written, and the link works.
        let landlord = bleibe::services::letters::landlord_recipient(
            app.db(),
            bleibe::store::units::find(app.db(), p.unit_id).await.expect("q").expect("unit").landlord_id,
        )
        .await
        .expect("q")
        .expect("landlord");
        let (to, message) = received
            .iter()
            .find(|(_, m)| m.subject() == Some("Ein Haushalt für Ihre Wohnung"))
            .expect("the landlord's proposal");
        assert_eq!(to, &vec![landlord.address.clone()]);
        let text = message.body_text(0).expect("text").into_owned();
        assert!(text.contains("Guten Tag"), "German letter");
        let link = answer_links(app, &text).remove(0);
        assert_eq!(app.get(&link).await.status(), 200);
        let r = post_form(app, &link, &link, &[]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(state_of(app, p.id).await, "landlord_accepted");
    }
);

db_test!(
    async fn a_viewing_invitation_carries_a_calendar_file(app) {
        let p = approved_proposal(app).await;
        let coordinator = entities::user::Entity::find()
            .filter(entities::user::Column::Email.eq(crate::workspace::ES_COORDINATOR))
            .one(app.db())
            .await
            .expect("q")
            .expect("coordinator");
        let user = bleibe::services::accounts::current_user(&app.app, coordinator.id)
            .await
            .expect("q")
            .expect("user");
        for action in [Action::LandlordAccept, Action::HouseholdAccept] {
            pipeline::act_on(&app.app, &user, p.id, action, &[])
                .await
                .expect("step")
                .expect("legal");
        }
        let when = (app.clock_now() + Duration::days(3)).format("%Y-%m-%dT15:00").to_string();
        pipeline::act_on(
            &app.app,
            &user,
            p.id,
            Action::ScheduleViewing,
            &[("starts_at".into(), when), ("place".into(), "Vor dem Haus".into())],
        )
        .await
        .expect("step")
        .expect("legal");
        let inbox = Inbox::default();
        let smtp = smtp_app(app, inbox.start());
        bleibe::jobs::housekeeping::dispatch_mail(&smtp, "a").await.expect("dispatch");
        let received = inbox.received();
        let invitations: Vec<_> = received
            .iter()
            // The household's letter may be in its own language: its German line on top
            // names the German subject.
            .filter(|(_, m)| {
                m.subject().is_some_and(|s| s.starts_with("Besichtigung am"))
                    || m.body_text(0).is_some_and(|b| b.contains("Betreff: „Besichtigung am"))
            })
            .collect();
        assert_eq!(invitations.len(), 2, "to both sides");
        for (_, m) in invitations {
            let ics = m
                .attachments()
                .find(|a| mail_parser::MimeHeaders::is_content_type(*a, "text", "calendar"))
                .expect("a text/calendar part");
            let body = String::from_utf8_lossy(ics.contents()).into_owned();
            assert!(body.contains("BEGIN:VEVENT") && body.contains("LOCATION:"), "{body}");
        }
    }
);

db_test!(
    async fn a_dispatcher_killed_between_send_and_mark_resends_the_same_message(app) {
        approved_proposal(app).await;
        let inbox = Inbox::default();
        let smtp = smtp_app(app, inbox.start());
        // The crashed instance claimed and sent, but never marked.
        let now = app.clock_now();
        let claimed = bleibe::store::outbox::claim(app.db(), "crashed", now, Duration::seconds(120), 50)
            .await
            .expect("claim");
        let first = claimed.first().expect("a message").clone();
        let email = bleibe::mail::Email {
            key: first.idempotency_key.clone(),
            to_address: first.to_address.clone(),
            to_name: first.to_name.clone(),
            reply_to: None,
            subject: first.subject.clone(),
            text: first.body_text.clone(),
            html: None,
            attachments: Vec::new(),
        };
        smtp.mailer.send(&email).await.expect("sent before the crash");
        // While the lease holds, a restarted instance leaves the messages alone.
        let r = bleibe::jobs::housekeeping::dispatch_mail(&smtp, "restarted").await.expect("dispatch");
        assert_eq!(r.sent, 0);
        app.clock.advance(Duration::seconds(121));
        let r = bleibe::jobs::housekeeping::dispatch_mail(&smtp, "restarted").await.expect("dispatch");
        assert_eq!(r.sent, claimed.len());
        // The one message caught in the window arrives twice, with the same Message-ID,
        // which mail programs use to show it once (the documented at-least-once window).
        let ids: Vec<String> = inbox
            .received()
            .iter()
            .filter_map(|(_, m)| m.message_id().map(str::to_owned))
            .collect();
        let copies = ids.iter().filter(|id| id.starts_with(&bleibe::mail::sanitize_key(&first.idempotency_key))).count();
        assert_eq!(copies, 2, "{ids:?}");
        assert_eq!(ids.len(), claimed.len() + 1);
        // The file transport writes one file per message however often it is sent.
        app.clock.advance(Duration::seconds(1));
        let files_before = app.sent_mails().len();
        app.app.mailer.send(&email).await.expect("file");
        app.app.mailer.send(&email).await.expect("file again");
        assert_eq!(app.sent_mails().len(), files_before + 1);
    }
);

/// Two `bleibe serve` processes on one PostgreSQL database, every job on a two-second
/// schedule: each slot runs once, and each of the waiting e-mails goes out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_run_each_slot_once_and_send_each_mail_once() {
    let Some(admin) = crate::helpers::postgres_admin_url() else {
        eprintln!("skipped: BLEIBE_TEST_POSTGRES_URL is not set");
        return;
    };
    let (url, name) = crate::helpers::create_postgres_database(&admin).await;
    let temp = tempfile::tempdir().expect("tempdir");
    let settings = crate::helpers::test_settings(&url, &temp.path().join("seed"));
    let db = bleibe::db::connect(&settings.database)
        .await
        .expect("connect");
    bleibe::db::migrate_up(&db).await.expect("migrate");
    let now = chrono::Utc::now();
    let total = 40;
    for i in 0..total {
        let email = bleibe::mail::Email {
            key: format!("two-instances-{i}"),
            to_address: format!("person{i}@example.org"),
            to_name: None,
            reply_to: None,
            subject: format!("Nachricht {i}"),
            text: "Hallo".into(),
            html: None,
            attachments: Vec::new(),
        };
        bleibe::mail::outbox::enqueue(
            &db,
            &bleibe::mail::outbox::Outgoing {
                email,
                kind: "test".into(),
                locale: "de".into(),
                municipality_id: None,
                proposal_id: None,
            },
            now,
        )
        .await
        .expect("enqueue");
    }
    let every_two = "*/2 * * * * *";
    let spawn = |n: usize| {
        let dir = temp.path().join(format!("instance{n}"));
        std::process::Command::new(env!("CARGO_BIN_EXE_bleibe"))
            .arg("serve")
            .env("BLEIBE_ENV", "test")
            .env("BLEIBE_DATABASE__URL", &url)
            .env("BLEIBE_DATA__DIR", &dir)
            .env("BLEIBE_SERVER__PORT", "0")
            .env("BLEIBE_JOBS__OUTBOX", every_two)
            .env("BLEIBE_JOBS__REMINDERS", every_two)
            .env("BLEIBE_JOBS__FOLLOW_UPS", every_two)
            .env("BLEIBE_JOBS__DIGEST", every_two)
            .env("BLEIBE_JOBS__TIDY", every_two)
            .env("BLEIBE_JOBS__RETENTION", every_two)
            .env("BLEIBE_JOBS__MATCH_RUN", every_two)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start bleibe serve")
    };
    let mut first = spawn(1);
    let mut second = spawn(2);
    tokio::time::sleep(std::time::Duration::from_secs(9)).await;
    let _ = first.kill();
    let _ = second.kill();
    let _ = first.wait();
    let _ = second.wait();

    let runs = job_run::Entity::find().all(&db).await.expect("runs");
    assert!(!runs.is_empty(), "the schedules fired");
    let mut slots = std::collections::BTreeSet::new();
    for r in &runs {
        assert_ne!(r.status, "failed", "{r:?}");
        assert!(
            slots.insert((r.job.clone(), r.scheduled_for)),
            "a slot ran twice: {r:?}"
        );
    }
    for job in Job::ALL {
        assert!(
            runs.iter().any(|r| r.job == job.name()),
            "{} never ran",
            job.name()
        );
    }

    let mut files = Vec::new();
    for n in [1, 2] {
        if let Ok(entries) = std::fs::read_dir(temp.path().join(format!("instance{n}/mail"))) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned()),
            );
        }
    }
    files.sort();
    let unique: std::collections::BTreeSet<&String> = files.iter().collect();
    assert_eq!(files.len(), total, "each message once: {files:?}");
    assert_eq!(unique.len(), total);
    let unsent = outbox_message::Entity::find()
        .filter(outbox_message::Column::Status.ne("sent"))
        .all(&db)
        .await
        .expect("query");
    assert!(unsent.is_empty(), "{unsent:?}");
    let _ = db.close().await;
    crate::helpers::drop_postgres_database(&admin, &name).await;
}

db_test!(
    async fn the_weekly_digest_goes_once_to_each_coordinator_in_their_language(app) {
        let d = demo(app).await;
        matching::run(
            &app.app,
            &Actor::System,
            matching::Scope::Municipality(d.esslingen),
            matching::Trigger::Cli,
        )
        .await
        .expect("match run");
        jobs::body(&app.app, Job::Digest, "test").await.expect("digest");
        jobs::body(&app.app, Job::Digest, "test").await.expect("digest again");
        app.dispatch_mails().await;
        let digests: Vec<_> = app
            .sent_mails()
            .into_iter()
            .filter(|(name, _)| name.starts_with(&format!("digest-{}-", d.esslingen)))
            .collect();
        assert_eq!(digests.len(), 1, "one coordinator, one digest per week: {digests:?}");
        let m = app
            .mails()
            .into_iter()
            .find(|m| m.to == crate::workspace::ES_COORDINATOR)
            .expect("digest to the coordinator");
        assert!(m.subject.starts_with("Bleibe Esslingen am Neckar: Ihre Woche"), "{}", m.subject);
        assert!(m.text.contains("Vorschläge warten auf Ihre Prüfung"), "{}", m.text);
    }
);

db_test!(
    async fn retention_anonymises_households_closed_long_ago_and_only_those(app) {
        demo(app).await;
        let all = entities::household::Entity::find()
            .order_by_asc(entities::household::Column::Id)
            .all(app.db())
            .await
            .expect("households");
        let (old, recent) = (all[0].id, all[1].id);
        for (id, months) in [(old, 25), (recent, 3)] {
            entities::household::Entity::update_many()
                .col_expr(entities::household::Column::Status, "closed".into())
                .col_expr(
                    entities::household::Column::ClosedAt,
                    Some(app.clock_now() - Duration::days(30 * months)).into(),
                )
                .filter(entities::household::Column::Id.eq(id))
                .exec(app.db())
                .await
                .expect("close");
        }
        let counts = jobs::body(&app.app, Job::Retention, "test").await.expect("retention");
        assert_eq!(counts["anonymised"], 1);
        let again = jobs::body(&app.app, Job::Retention, "test").await.expect("retention");
        assert_eq!(again["anonymised"], 0);
        let h = bleibe::store::households::find(app.db(), old).await.expect("q").expect("household");
        assert!(h.profile.members.iter().all(|m| m.first_name == "—" && m.last_name.is_none()));
        assert!(h.profile.email.is_none() && h.profile.phone.is_none());
        assert!(!h.profile.members.is_empty(), "size and birth years stay for statistics");
        let kept = bleibe::store::households::find(app.db(), recent).await.expect("q").expect("household");
        assert!(kept.profile.members.iter().all(|m| m.first_name != "—"));
        let audit = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.eq("anonymise_household"))
            .all(app.db())
            .await
            .expect("audit");
        assert_eq!(audit.len(), 1);
    }
);
