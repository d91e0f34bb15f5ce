//! The `bleibe` binary as a new user runs it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Backend, create_postgres_database, postgres_admin_url};

pub fn bleibe() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bleibe"));
    // Start from a clean slate: no settings from the developer's shell.
    for (key, _) in std::env::vars() {
        if key.starts_with("BLEIBE_") {
            command.env_remove(key);
        }
    }
    command.env_remove("RUST_LOG");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

#[test]
fn a_broken_setting_stops_start_up_with_one_line_naming_it() {
    let output = bleibe()
        .arg("serve")
        .env("BLEIBE_SERVER__PORT", "achtzig")
        .output()
        .expect("run bleibe");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("server.port") && lines[0].contains("BLEIBE_SERVER__PORT"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn a_misspelt_setting_is_named() {
    let output = bleibe()
        .arg("serve")
        .env("BLEIBE_DATABSE__URL", "sqlite://x.db")
        .output()
        .expect("run bleibe");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("databse.url"));
}

#[test]
fn check_config_prints_the_settings_with_secrets_masked() {
    let output = bleibe()
        .arg("check-config")
        .env(
            "BLEIBE_DATABASE__URL",
            "postgres://bleibe:geheim@db.example/bleibe",
        )
        .env("BLEIBE_MAIL__SMTP__PASSWORD", "auch-geheim")
        .env("BLEIBE_SERVER__PORT", "9000")
        .output()
        .expect("run bleibe");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("port = 9000"), "{stdout}");
    assert!(stdout.contains("environment variable BLEIBE_SERVER__PORT"));
    assert!(!stdout.contains("geheim"), "{stdout}");
    assert!(stdout.contains("postgres://bleibe:****@db.example/bleibe"));
}

/// A `bleibe serve` child process that is stopped with SIGTERM when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(database_url: &str, data_dir: &std::path::Path, args: &[&str]) -> Server {
        let mut child = bleibe()
            .arg("serve")
            .args(args)
            .env("BLEIBE_SERVER__PORT", "0")
            .env("BLEIBE_DATABASE__URL", database_url)
            .env("BLEIBE_DATA__DIR", data_dir)
            .env("BLEIBE_LOG__LEVEL", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start bleibe serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.split("http://").nth(1) {
                    let _ = tx.send(format!("http://{}", address.trim()));
                }
            }
        });
        let address = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("bleibe serve printed its address");
        Server { child, address }
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "bleibe serve did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

async fn serve_demo_end_to_end(backend: Backend) {
    let temp = tempfile::tempdir().expect("tempdir");
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}/data/bleibe.db?mode=rwc", temp.path().display()),
        Backend::Postgres => {
            let Some(admin) = postgres_admin_url() else {
                eprintln!("skipped on PostgreSQL: BLEIBE_TEST_POSTGRES_URL is not set");
                return;
            };
            create_postgres_database(&admin).await.0
        }
    };
    let data_dir = temp.path().join("data");
    let mut server = Server::start(&database_url, &data_dir, &["--demo"]);
    let client = reqwest::Client::new();
    let ready = client
        .get(format!("{}/ready", server.address))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);
    let home = client
        .get(format!("{}/", server.address))
        .send()
        .await
        .expect("home");
    assert_eq!(home.status(), 200);
    let status = server.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    if backend == Backend::Sqlite {
        assert!(
            data_dir.join("bleibe.db").exists(),
            "the SQLite file is created in its folder"
        );
    }

    // A second start finds the data and does not seed twice.
    let mut again = Server::start(&database_url, &data_dir, &["--demo"]);
    assert_eq!(
        client
            .get(format!("{}/ready", again.address))
            .send()
            .await
            .expect("ready")
            .status(),
        200
    );
    again.terminate();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_starts_a_ready_service_and_stops_cleanly_on_sigterm_sqlite() {
    serve_demo_end_to_end(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_starts_a_ready_service_and_stops_cleanly_on_sigterm_postgres() {
    serve_demo_end_to_end(Backend::Postgres).await;
}

#[test]
fn migrate_lists_applies_and_rolls_back() {
    let temp = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/m.db?mode=rwc", temp.path().display());
    let run = |args: &[&str]| {
        let output = bleibe()
            .arg("migrate")
            .args(args)
            .env("BLEIBE_DATABASE__URL", &url)
            .env("BLEIBE_LOG__LEVEL", "warn")
            .output()
            .expect("run migrate");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(run(&["status"]).lines().all(|l| l.starts_with("pending")));
    run(&["up"]);
    assert!(run(&["status"]).lines().all(|l| l.starts_with("applied")));
    run(&["down"]);
    let status = run(&["status"]);
    assert_eq!(
        status.lines().filter(|l| l.starts_with("pending")).count(),
        1,
        "{status}"
    );
    run(&["down", "--all"]);
    assert!(run(&["status"]).lines().all(|l| l.starts_with("pending")));
}

#[test]
fn serve_without_migrations_reports_not_ready() {
    let temp = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/n.db?mode=rwc", temp.path().display());
    let mut server = Server::start(&url, &temp.path().join("data"), &["--no-migrate"]);
    let status = reqwest::blocking_get(&format!("{}/ready", server.address));
    assert_eq!(status, 503);
    server.terminate();
}

mod reqwest {
    pub use ::reqwest::*;

    /// A blocking GET without the blocking feature: a small runtime for one request.
    pub fn blocking_get(url: &str) -> u16 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            ::reqwest::get(url)
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
    }
}

#[test]
fn user_create_and_import_work_from_the_command_line() {
    let temp = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/c.db?mode=rwc", temp.path().display());
    let data = temp.path().join("data");
    let run = |args: &[&str]| {
        bleibe()
            .args(args)
            .env("BLEIBE_DATABASE__URL", &url)
            .env("BLEIBE_DATA__DIR", &data)
            .env("BLEIBE_LOG__LEVEL", "warn")
            .output()
            .expect("run bleibe")
    };
    let demo = run(&["demo"]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    // A coordinator for Plochingen: the invitation is sent (as a file) and the link printed.
    let created = run(&[
        "user",
        "create",
        "--email",
        "Nadia.Keller@plochingen.example",
        "--name",
        "Nadia Keller",
        "--role",
        "coordinator",
        "--municipality",
        "Plochingen",
    ]);
    let stdout = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        stdout.contains("/invitation/") && stdout.contains("invitation sent"),
        "{stdout}"
    );
    let mails: Vec<String> = std::fs::read_dir(data.join("mail"))
        .expect("mail folder")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(mails.iter().any(
        |m| m.contains("nadia.keller@plochingen.example") && m.contains("Ihr Zugang zu Bleibe")
    ));
    // Mistakes are named per option, nothing is created.
    let wrong = run(&[
        "user",
        "create",
        "--email",
        "kaputt",
        "--name",
        "N",
        "--role",
        "coordinator",
    ]);
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("--email")
            && stderr.contains("--name")
            && stderr.contains("--municipality"),
        "{stderr}"
    );
    let unknown = run(&[
        "user",
        "create",
        "--email",
        "a@b.example",
        "--name",
        "A B",
        "--role",
        "coordinator",
        "--municipality",
        "Atlantis",
    ]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Atlantis"));

    // Import: a good file, then a bad one (nothing written, every problem named, exit 1).
    let good = temp.path().join("gut.csv");
    std::fs::write(&good, "reference;residence_status;member1_first_name;member1_birth_year;consent_date;consent_scope\nCLI-001;anerkannt;Rami;1979;01.11.2026;matching\nCLI-002;geduldet;Hana;1995;;\n").expect("write");
    let imported = run(&[
        "import",
        "households",
        good.to_str().expect("path"),
        "--municipality",
        "08116056",
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(String::from_utf8_lossy(&imported.stdout).contains("2 von 2 Zeilen importiert"));
    let bad = temp.path().join("schlecht.csv");
    std::fs::write(&bad, "reference;residence_status;member1_first_name;member1_birth_year\nCLI-003;anerkannt;Ola;1980\nCLI-004;anerkannt;;3000\n").expect("write");
    let refused = run(&[
        "import",
        "households",
        bad.to_str().expect("path"),
        "--municipality",
        "Plochingen",
        "--lang",
        "en",
    ]);
    assert!(!refused.status.success());
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(
        out.contains("Nothing was imported")
            && out.contains("Line 3, Column member1_first_name")
            && out.contains("member1_birth_year"),
        "{out}"
    );
    let units = run(&["import", "flats", good.to_str().expect("path")]);
    assert!(!units.status.success());
    assert!(String::from_utf8_lossy(&units.stderr).contains("households"));
}
