//! The test harness: `TestApp::spawn` starts Bleibe on 127.0.0.1:0 against a fresh
//! database (a new SQLite file, or a new PostgreSQL database per test) with a manual clock
//! and e-mails captured as files, so a test is a few lines of arrange, act, assert.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use bleibe::app::App;
use bleibe::clock::ManualClock;
use bleibe::config;
use bleibe::db;
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The time every test starts at, unless it moves the clock.
pub fn test_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
        .single()
        .expect("valid time")
}

/// A running Bleibe for one test.
pub struct TestApp {
    pub backend: Backend,
    pub address: String,
    pub app: App,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    pub mail_dir: PathBuf,
    pub data_dir: PathBuf,
    pub database_url: String,
    _temp: tempfile::TempDir,
    postgres_name: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// Every SQL statement the service ran, in order (see [`TestApp::statements_during`]).
    statements: Arc<std::sync::Mutex<Vec<String>>>,
}

/// The admin URL of the PostgreSQL server for tests, or `None` to skip PostgreSQL.
/// Under `CI=true` a missing URL is a failure, not a skip.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("BLEIBE_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but BLEIBE_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI"
            );
            None
        }
    }
}

static PG_COUNTER: AtomicU64 = AtomicU64::new(0);
static SWEEP: Once = Once::new();

/// Creates a fresh PostgreSQL database and returns (url, name). Databases are named
/// `bleibe_t_<pid>_<n>`; leftovers of test processes that no longer run are dropped first.
pub async fn create_postgres_database(admin_url: &str) -> (String, String) {
    let admin = Database::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is not reachable: {e}"));
    let mut sweep = false;
    SWEEP.call_once(|| sweep = true);
    if sweep {
        drop_stale_databases(&admin).await;
    }
    let name = format!(
        "bleibe_t_{}_{}",
        std::process::id(),
        PG_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
    let _ = admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url, |(base, _)| base);
    (format!("{base}/{name}"), name)
}

async fn drop_stale_databases(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'bleibe_t_%'".to_owned(),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid: Option<u32> = name.split('_').nth(2).and_then(|p| p.parse().ok());
        let alive = pid.is_some_and(|p| PathBuf::from(format!("/proc/{p}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

pub async fn drop_postgres_database(admin_url: &str, name: &str) {
    if let Ok(admin) = Database::connect(admin_url).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await;
        let _ = admin.close().await;
    }
}

/// Settings for a test: the test environment's files, then per-test overrides.
pub fn test_settings(database_url: &str, data_dir: &std::path::Path) -> config::Settings {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    let vars = vec![
        ("BLEIBE_ENV".to_owned(), "test".to_owned()),
        ("BLEIBE_DATABASE__URL".to_owned(), database_url.to_owned()),
        (
            "BLEIBE_DATA__DIR".to_owned(),
            data_dir.display().to_string(),
        ),
        ("BLEIBE_SERVER__PORT".to_owned(), "0".to_owned()),
    ];
    config::load_from(&vars, &dir)
        .expect("test settings are valid")
        .settings
}

impl TestApp {
    /// Starts Bleibe on `backend`; `None` when PostgreSQL is not configured (skip).
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_via(backend, |url| url).await
    }

    /// Like `spawn`, but the service connects through `route(url)` (e.g. a proxy that can
    /// cut the database off); migrations run on the direct URL.
    pub async fn spawn_via(backend: Backend, route: impl Fn(String) -> String) -> Option<TestApp> {
        let temp = tempfile::tempdir().expect("tempdir");
        let data_dir = temp.path().join("data");
        let (database_url, postgres_name) = match backend {
            Backend::Sqlite => (
                format!(
                    "sqlite://{}?mode=rwc",
                    temp.path().join("bleibe.db").display()
                ),
                None,
            ),
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let (url, name) = create_postgres_database(&admin).await;
                (url, Some(name))
            }
        };
        let direct = test_settings(&database_url, &data_dir);
        let migrate = db::connect(&direct.database)
            .await
            .expect("connect to the test database");
        db::migrate_up(&migrate).await.expect("migrations apply");
        let _ = migrate.close().await;
        let settings = test_settings(&route(database_url.clone()), &data_dir);
        let mail_dir = settings.mail.file_dir(&settings.data);
        let mut db = db::connect(&settings.database)
            .await
            .expect("connect to the test database");
        let statements: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let log = statements.clone();
        db.set_metric_callback(move |info| {
            if let Ok(mut log) = log.lock() {
                log.push(info.statement.sql.clone());
            }
        });
        let clock = ManualClock::new(test_start());
        let app = App::new(db, settings, Arc::new(clock.clone())).expect("app");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server_app = app.clone();
        let server = tokio::spawn(async move {
            let _ = bleibe::server::serve_until(server_app, listener, async move {
                let _ = rx.await;
            })
            .await;
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        Some(TestApp {
            backend,
            address,
            app,
            clock,
            client,
            mail_dir,
            data_dir,
            database_url,
            _temp: temp,
            postgres_name,
            shutdown: Some(tx),
            server: Some(server),
            statements,
        })
    }

    /// The SQL statements the service ran while `request` was answered (requests are
    /// answered one at a time in a test, and no job runs on its own).
    pub async fn statements_during<F, T>(&self, request: F) -> (T, Vec<String>)
    where
        F: std::future::Future<Output = T>,
    {
        self.statements.lock().expect("log").clear();
        let out = request.await;
        let ran = std::mem::take(&mut *self.statements.lock().expect("log"));
        (out, ran)
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// The test clock's time.
    pub fn clock_now(&self) -> DateTime<Utc> {
        use bleibe::clock::Clock;
        self.clock.now()
    }

    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.app.db
    }

    /// Sends every e-mail waiting in the outbox (what the background loop does).
    pub async fn dispatch_mails(&self) -> bleibe::mail::outbox::DispatchReport {
        bleibe::jobs::housekeeping::dispatch_mail(&self.app, "test")
            .await
            .expect("dispatch")
    }

    /// Every e-mail sent so far, parsed: (recipient, subject, text body).
    pub fn mails(&self) -> Vec<Mail> {
        self.sent_mails()
            .into_iter()
            .filter_map(|(_, raw)| Mail::parse(&raw))
            .collect()
    }

    /// Sends what the outbox holds until an e-mail to `to` has gone out (work done after an
    /// answer, such as a password reset, writes its e-mail a moment later).
    pub async fn wait_for_mail(&self, to: &str, containing: &str) {
        for _ in 0..100 {
            self.dispatch_mails().await;
            if self
                .mails()
                .iter()
                .any(|m| m.to == to && m.text.contains(containing))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no e-mail to {to} with {containing:?} within 5 s");
    }

    /// The first link in the last e-mail to `to` whose path starts with `prefix`, as a path.
    pub fn link_in_mail(&self, to: &str, prefix: &str) -> String {
        let mail = self
            .mails()
            .into_iter()
            .rev()
            .find(|m| m.to == to)
            .unwrap_or_else(|| panic!("no e-mail to {to}"));
        let base = &self.app.settings.server.base_url;
        mail.text
            .split_whitespace()
            .filter_map(|w| w.strip_prefix(base.as_str()))
            .find(|path| path.starts_with(prefix))
            .unwrap_or_else(|| panic!("no link {prefix}… in {}", mail.text))
            .to_owned()
    }

    /// Every e-mail written by the file transport so far: (file name, raw message).
    pub fn sent_mails(&self) -> Vec<(String, String)> {
        let Ok(entries) = std::fs::read_dir(&self.mail_dir) else {
            return Vec::new();
        };
        let mut mails: Vec<(String, String)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                (name, text)
            })
            .collect();
        mails.sort();
        mails
    }

    /// Stops the server and removes the test database.
    pub async fn finish(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
        }
        let _ = self.app.db.clone().close().await;
        if let (Some(name), Some(admin)) = (self.postgres_name.take(), postgres_admin_url()) {
            drop_postgres_database(&admin, &name).await;
        }
    }
}

/// A received e-mail.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// Parses an .eml text; `None` when it is not an e-mail.
    pub fn parse(raw: &str) -> Option<Mail> {
        let message = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
        Some(Mail {
            to: message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or("")
                .to_owned(),
            subject: message.subject().unwrap_or("").to_owned(),
            text: message
                .body_text(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            html: message
                .body_html(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
        })
    }
}

/// A test body that borrows the app.
pub type Body = for<'a> fn(&'a TestApp) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Runs `body` against a fresh app on `backend` and cleans up after it.
pub async fn run(backend: Backend, body: Body) {
    let Some(app) = TestApp::spawn(backend).await else {
        eprintln!("skipped on PostgreSQL: BLEIBE_TEST_POSTGRES_URL is not set");
        return;
    };
    body(&app).await;
    app.finish().await;
}

/// Declares a test that runs once on SQLite and once on PostgreSQL:
///
/// ```ignore
/// db_test!(async fn health_answers(app) { assert!(app.get("/health").await.status().is_success()); });
/// ```
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use $crate::helpers::*;

            fn body<'a>($app: &'a TestApp) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
                Box::pin(async move $body)
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(Backend::Sqlite, body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(Backend::Postgres, body).await;
            }
        }
    };
}

/// Seeds Plochingen (official key, centre, example rule tables) with two incentive
/// programmes; returns (municipality id, programme ids).
pub async fn seed_plochingen(app: &TestApp) -> (i64, Vec<i64>) {
    seed_town(app, "08116056", "Plochingen", (48.71067, 9.41949)).await
}

/// Seeds a municipality (official key, name, centre) with example rule tables and two
/// incentive programmes; returns (municipality id, programme ids).
pub async fn seed_town(
    app: &TestApp,
    ags: &str,
    name: &str,
    centre: (f64, f64),
) -> (i64, Vec<i64>) {
    use bleibe::domain::Cents;
    use bleibe::domain::criteria::Weights;
    use bleibe::domain::geo::GeoPoint;
    use bleibe::domain::incentive::IncentiveKind;
    use bleibe::domain::norms::{AreaNorms, RentCapTable, RuleSet};
    use bleibe::store::{incentives, municipalities};
    let now = app.app.clock.now();
    let id = municipalities::insert(
        app.db(),
        &municipalities::NewMunicipality {
            ags: ags.into(),
            name: name.into(),
            district: "Landkreis Esslingen".into(),
            state: "Baden-Württemberg".into(),
            center: GeoPoint::new(centre.0, centre.1).expect("valid"),
        },
        now,
    )
    .await
    .expect("municipality");
    municipalities::set_contact(
        app.db(),
        id,
        Some(format!("wohnen@{ags}.example")),
        Some("0711 1234-0".into()),
        now,
    )
    .await
    .expect("contact");
    // Written beside the service: the process's list of municipalities must learn of it.
    app.app.cache.forget_municipalities();
    let rules = RuleSet {
        rent_caps: RentCapTable::new(
            vec![
                (1, Cents::euros(540)),
                (2, Cents::euros(650)),
                (3, Cents::euros(775)),
                (4, Cents::euros(900)),
            ],
            Cents::euros(125),
        )
        .expect("caps"),
        area_norms: AreaNorms::default(),
        weights: Weights::default(),
        answer_days: 14,
        reminder_days: 5,
        auto_approve: false,
        source_note: Some("Beispielwerte".into()),
    };
    municipalities::insert_rule_set(app.db(), id, &rules, None, None, now)
        .await
        .expect("rules");
    let mut programmes = Vec::new();
    for (kind, name) in [
        (IncentiveKind::RentDefaultGuarantee, "Mietausfallgarantie"),
        (IncentiveKind::PlacementBonus, "Vermittlungsprämie"),
    ] {
        programmes.push(
            incentives::insert_programme(
                app.db(),
                id,
                &incentives::NewProgramme {
                    kind,
                    name_de: name.into(),
                    name_en: name.into(),
                    conditions_de: "Bedingungen".into(),
                    conditions_en: "Conditions".into(),
                    amount: Some(Cents::euros(1000)),
                    duration_months: None,
                    occupancy_years: None,
                    budget: None,
                },
                now,
            )
            .await
            .expect("programme"),
        );
    }
    (id, programmes)
}

/// A small real PNG image (`size` × `size` pixels).
pub fn png(size: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(size, size, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 5) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}
