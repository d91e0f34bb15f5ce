//! A real browser (headless Chromium through chromedriver) does what a new landlord does:
//! signs up from the start page, confirms the address from the e-mail, logs in, fills in
//! the unit form with one mistake, sees the error with every value kept, corrects it,
//! submits, and finds the unit on the dashboard. Screenshots of every step are saved under
//! `target/browser-screenshots/` (kept by CI as artifacts).
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/run` installs them);
//! without them the test is skipped, except under `CI=true`, where that is a failure.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use sea_orm::EntityTrait;

use crate::helpers::{Backend, TestApp, png, seed_plochingen};

struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_driver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

// The child is killed and reaped by `Driver`'s `Drop`, which clippy cannot see.
#[allow(clippy::zombie_processes)]
async fn start_driver() -> Option<Driver> {
    let Some(path) = find_driver() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but chromedriver is not installed"
        );
        eprintln!("skipped: chromedriver not found (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if reqwest::get(format!("{url}/status"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Some(Driver { child, url });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--lang=de-DE", "--window-size=1100,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "intl.accept_languages": "de-DE,de" }
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("connect to chromedriver")
}

struct Shots {
    dir: PathBuf,
    n: usize,
}

impl Shots {
    async fn take(&mut self, browser: &Client, name: &str) {
        self.n += 1;
        let png = browser.screenshot().await.expect("screenshot");
        std::fs::write(self.dir.join(format!("{:02}-{name}.png", self.n)), png)
            .expect("write screenshot");
    }
}

async fn fill(browser: &Client, id: &str, value: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("no field #{id}"));
    field.clear().await.expect("clear");
    field.send_keys(value).await.expect("type");
}

async fn set_value(browser: &Client, id: &str, value: &str) {
    // Date inputs take their value in the browser's format when typed; set it directly.
    browser
        .execute(
            &format!("document.getElementById('{id}').value = arguments[0];"),
            vec![serde_json::json!(value)],
        )
        .await
        .expect("set value");
}

/// Waits for an element after a click that loads a new page.
async fn wait_for(browser: &Client, css: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} did not appear"));
}

/// Waits until the page's source contains `text` (a new page after a click, when the old
/// one had the same elements, e.g. a flash message).
async fn wait_for_text(browser: &Client, text: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let html = browser.source().await.expect("html");
        if html.contains(text) {
            return html;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "\"{text}\" did not appear: {}",
            html.split("<main")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(2000)
                .collect::<String>()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn value_of(browser: &Client, id: &str) -> String {
    browser
        .find(Locator::Id(id))
        .await
        .expect("field")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_landlord_signs_up_and_registers_a_unit_in_a_real_browser() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    seed_plochingen(&app).await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 0 };
    let email = "neue.vermieterin@example.org";
    let password = "Unser Haus steht am Neckar";

    // The start page leads to the sign-up.
    browser.goto(&app.url("/")).await.expect("start page");
    assert!(
        browser
            .source()
            .await
            .expect("html")
            .contains("<html lang=\"de\">")
    );
    shots.take(&browser, "start").await;
    browser
        .find(Locator::Css("main a[href='/signup']"))
        .await
        .expect("sign-up link")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "#f-name").await;
    fill(&browser, "f-name", "Ingrid Bauer").await;
    fill(&browser, "f-email", email).await;
    fill(&browser, "f-password", password).await;
    fill(&browser, "f-password_repeat", password).await;
    browser
        .find(Locator::Id("f-accept_privacy"))
        .await
        .expect("checkbox")
        .click()
        .await
        .expect("tick");
    shots.take(&browser, "signup").await;
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    wait_for(&browser, "main a[href='/login']").await;
    assert!(
        browser
            .current_url()
            .await
            .expect("url")
            .path()
            .ends_with("/signup/sent")
    );
    shots.take(&browser, "check-your-inbox").await;

    // The confirmation link from the captured e-mail.
    app.dispatch_mails().await;
    let link = app.link_in_mail(email, "/confirm/");
    browser.goto(&app.url(&link)).await.expect("confirm");
    assert!(browser.source().await.expect("html").contains("bestätigt"));
    shots.take(&browser, "confirmed").await;

    // Log in.
    browser.goto(&app.url("/login")).await.expect("login");
    fill(&browser, "f-email", email).await;
    fill(&browser, "f-login_password", password).await;
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("submit");
    wait_for(&browser, "a[href='/units/new']").await;
    assert_eq!(
        browser.current_url().await.expect("url").path(),
        "/dashboard"
    );
    shots.take(&browser, "dashboard-empty").await;

    // The unit form: the address first, then the municipality's support appears.
    browser
        .find(Locator::Css("a[href='/units/new']"))
        .await
        .expect("new unit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "#f-street").await;
    fill(&browser, "f-street", "Neckarstraße").await;
    fill(&browser, "f-house_number", "8").await;
    fill(&browser, "f-postal_code", "73207").await;
    fill(&browser, "f-town", "Plochingen").await;
    browser
        .find(Locator::Css("button[value=refresh]"))
        .await
        .expect("show support")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "input[name=incentive]").await;
    assert_eq!(
        value_of(&browser, "f-street").await,
        "Neckarstraße",
        "the address survives the round trip"
    );
    browser
        .find(Locator::Css("input[name=incentive]"))
        .await
        .expect("a programme")
        .click()
        .await
        .expect("tick");

    // One mistake: 5 m² is not a flat.
    fill(&browser, "f-area_m2", "5").await;
    fill(&browser, "f-rooms", "2").await;
    fill(&browser, "f-floor", "1").await;
    fill(&browser, "f-max_occupants", "3").await;
    fill(&browser, "f-cold_rent", "450").await;
    fill(&browser, "f-service_charges", "95,50").await;
    fill(&browser, "f-heating_costs", "60").await;
    set_value(&browser, "f-available_from", "2026-12-01").await;
    fill(&browser, "f-description", "Ruhige Wohnung am Fluss.").await;
    let photo = profile.path().join("wohnzimmer.png");
    std::fs::write(&photo, png(64)).expect("photo file");
    browser
        .find(Locator::Id("f-photos"))
        .await
        .expect("file input")
        .send_keys(&photo.display().to_string())
        .await
        .expect("attach");
    shots.take(&browser, "unit-form-with-a-mistake").await;
    browser
        .find(Locator::Css("button[value=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "#error-summary").await;

    // The same form comes back: a message at the field, every value in place.
    let html = browser.source().await.expect("html");
    assert!(
        html.contains("error-summary") && html.contains("f-area_m2-error"),
        "no error shown"
    );
    assert_eq!(value_of(&browser, "f-area_m2").await, "5");
    assert_eq!(value_of(&browser, "f-street").await, "Neckarstraße");
    assert_eq!(value_of(&browser, "f-service_charges").await, "95,50");
    assert_eq!(
        value_of(&browser, "f-description").await,
        "Ruhige Wohnung am Fluss."
    );
    assert!(html.contains("?size=thumb"), "the photo is kept");
    assert!(
        browser
            .find(Locator::Css("input[name=incentive]:checked"))
            .await
            .is_ok(),
        "the support is still ticked"
    );
    shots.take(&browser, "error-with-values-kept").await;

    // Corrected and sent.
    fill(&browser, "f-area_m2", "58").await;
    browser
        .find(Locator::Css("button[value=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for(&browser, ".flash-success").await;
    assert_eq!(
        browser.current_url().await.expect("url").path(),
        "/dashboard"
    );
    let html = browser.source().await.expect("html");
    assert!(
        html.contains("Neckarstraße 8") && html.contains("Abgeschickt"),
        "unit not on the dashboard"
    );
    shots.take(&browser, "unit-on-the-dashboard").await;

    // The same pages on a phone.
    browser.set_window_size(390, 844).await.expect("phone size");
    shots.take(&browser, "phone-dashboard").await;
    browser.goto(&app.url("/units/new")).await.expect("form");
    wait_for(&browser, "#f-street").await;
    shots.take(&browser, "phone-unit-form").await;

    let units = entities::unit::Entity::find()
        .all(app.db())
        .await
        .expect("units");
    assert_eq!(units.len(), 1);
    assert_eq!(units[0].area_m2, 58.0);
    assert_eq!(
        entities::unit_photo::Entity::find()
            .all(app.db())
            .await
            .expect("photos")
            .len(),
        1
    );
    assert_eq!(
        entities::unit_incentive::Entity::find()
            .all(app.db())
            .await
            .expect("requests")
            .len(),
        1
    );

    browser.close().await.expect("close browser");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reviews_and_approves_in_a_real_browser() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    bleibe::services::demo::seed(&app.app).await.expect("demo");
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 20 };

    browser.goto(&app.url("/login")).await.expect("login");
    fill(&browser, "f-email", "koordination.esslingen@bleibe.example").await;
    fill(&browser, "f-login_password", "Bleibe-Koordination-2026").await;
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_for(&browser, ".staff-nav").await;
    shots.take(&browser, "coordinator-workspace").await;

    // The dashboard with its charts.
    browser
        .find(Locator::LinkText("Esslingen am Neckar"))
        .await
        .expect("municipality link")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "figure.chart svg").await;
    shots.take(&browser, "coordinator-dashboard").await;

    // A match run, reviewed and one proposal approved with its button.
    browser
        .find(Locator::LinkText("Abgleich"))
        .await
        .expect("runs")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "form[action$='/runs'] button").await;
    browser
        .find(Locator::Css("form[action$='/runs'] button"))
        .await
        .expect("start")
        .click()
        .await
        .expect("click");
    wait_for(&browser, ".review-unit").await;
    shots.take(&browser, "coordinator-run-review").await;
    browser
        .find(Locator::Css(".review-unit form[action$='/approve'] button"))
        .await
        .expect("approve")
        .click()
        .await
        .expect("click");
    // The review page before had a success message too: wait for the new page's text.
    wait_for_text(&browser, "Verschickt, wartet auf beide Antworten").await;
    wait_for(&browser, ".flash-success").await;
    shots.take(&browser, "coordinator-proposal").await;

    // The map draws every unit and anchor from its data (script allowed by the CSP).
    let municipality = entities::municipality::Entity::find()
        .all(app.db())
        .await
        .expect("q")
        .into_iter()
        .find(|m| m.name == "Esslingen am Neckar")
        .expect("ES")
        .id;
    browser
        .goto(&app.url(&format!("/m/{municipality}/map")))
        .await
        .expect("map");
    wait_for(&browser, "#overview-map path.leaflet-interactive").await;
    let markers = browser
        .find_all(Locator::Css("#overview-map path.leaflet-interactive"))
        .await
        .expect("markers")
        .len();
    assert!(markers > 20, "{markers} markers on the map");
    shots.take(&browser, "coordinator-map").await;

    // The household form at phone width, with a mistake.
    browser.set_window_size(390, 844).await.expect("phone size");
    browser
        .goto(&app.url(&format!("/m/{municipality}/households/new")))
        .await
        .expect("form");
    wait_for(&browser, "#f-reference").await;
    fill(&browser, "f-reference", "ES-BROWSER-1").await;
    fill(&browser, "f-member_first_name_0", "Aylin").await;
    fill(&browser, "f-member_birth_year_0", "neunzehnhundert").await;
    browser
        .find(Locator::Css(".form-actions button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("click");
    wait_for(&browser, "#error-summary").await;
    assert_eq!(value_of(&browser, "f-reference").await, "ES-BROWSER-1");
    assert_eq!(
        value_of(&browser, "f-member_birth_year_0").await,
        "neunzehnhundert"
    );
    shots.take(&browser, "phone-household-form-error").await;

    browser.close().await.expect("close browser");
    app.finish().await;
}
