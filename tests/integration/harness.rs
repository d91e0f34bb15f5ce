//! The harness itself: clock, captured e-mail, isolated databases.

use bleibe::mail::Email;
use chrono::Duration;

use crate::db_test;

db_test!(
    async fn the_clock_starts_at_the_test_start_and_moves_only_when_told(app) {
        assert_eq!(app.app.clock.now(), test_start());
        app.clock.advance(Duration::days(30));
        assert_eq!(app.app.clock.now(), test_start() + Duration::days(30));
    }
);

db_test!(
    async fn e_mails_are_captured_as_files(app) {
        assert!(app.sent_mails().is_empty());
        app.app
            .mailer
            .send(&Email {
                key: "harness-test".into(),
                to_address: "someone@example.org".into(),
                to_name: None,
                reply_to: None,
                subject: "Test".into(),
                text: "Hallo".into(),
                html: None,
                attachments: vec![],
            })
            .await
            .expect("send");
        let mails = app.sent_mails();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].1.contains("To: someone@example.org"));
        assert!(app.mail_dir.starts_with(&app.data_dir));
    }
);

db_test!(
    async fn each_test_gets_its_own_database(app) {
        assert!(bleibe::store::is_empty(app.db()).await.expect("query"));
        match app.backend {
            Backend::Sqlite => assert!(app.database_url.starts_with("sqlite://")),
            Backend::Postgres => assert!(app.database_url.contains("/bleibe_t_")),
        }
    }
);
