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

pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn find_driver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

// The child is killed and reaped by `Driver`'s `Drop`, which clippy cannot see.
#[allow(clippy::zombie_processes)]
pub(crate) async fn start_driver() -> Option<Driver> {
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

pub(crate) async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
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

pub(crate) struct Shots {
    pub(crate) dir: PathBuf,
    pub(crate) n: usize,
}

impl Shots {
    pub(crate) async fn take(&mut self, browser: &Client, name: &str) {
        self.n += 1;
        let png = browser.screenshot().await.expect("screenshot");
        std::fs::write(self.dir.join(format!("{:02}-{name}.png", self.n)), png)
            .expect("write screenshot");
    }
}

pub(crate) async fn fill(browser: &Client, id: &str, value: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("no field #{id}"));
    field.clear().await.expect("clear");
    field.send_keys(value).await.expect("type");
}

pub(crate) async fn set_value(browser: &Client, id: &str, value: &str) {
    // Date inputs take their value in the browser's format when typed; set it directly.
    browser
        .execute(
            &format!("document.getElementById('{id}').value = arguments[0];"),
            vec![serde_json::json!(value)],
        )
        .await
        .expect("set value");
}

/// Clicks the element `css` finds (a link, a button, a checkbox).
pub(crate) async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .unwrap_or_else(|_| panic!("click on {css}"));
}

/// Waits for an element after a click that loads a new page.
pub(crate) async fn wait_for(browser: &Client, css: &str) {
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} did not appear"));
}

/// Waits until the page's source contains `text` (a new page after a click, when the old
/// one had the same elements, e.g. a flash message).
pub(crate) async fn wait_for_text(browser: &Client, text: &str) -> String {
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

pub(crate) async fn value_of(browser: &Client, id: &str) -> String {
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
    // Nothing is ticked; "select all" ticks every suggestion and the count follows.
    wait_for(&browser, "#tick-all").await;
    let boxes = browser
        .find_all(Locator::Css("input[form=bulk][name=proposal]"))
        .await
        .expect("boxes")
        .len();
    assert!(boxes > 2, "{boxes} suggestions");
    wait_for_text(&browser, &format!("0 von {boxes} ausgewählt")).await;
    browser
        .find(Locator::Id("tick-all"))
        .await
        .expect("select all")
        .click()
        .await
        .expect("click");
    wait_for_text(&browser, &format!("{boxes} von {boxes} ausgewählt")).await;
    // Untick one: the count follows.
    browser
        .find(Locator::Css("input[form=bulk][name=proposal]"))
        .await
        .expect("box")
        .click()
        .await
        .expect("click");
    wait_for_text(&browser, &format!("{} von {boxes} ausgewählt", boxes - 1)).await;
    shots.take(&browser, "coordinator-run-ticked").await;
    browser
        .find(Locator::Css("#bulk button[type=submit]"))
        .await
        .expect("approve")
        .click()
        .await
        .expect("click");
    // The confirmation names who gets which e-mail; nothing has gone out yet.
    let html = wait_for_text(&browser, "Bitte prüfen: Diese Vorschläge gehen hinaus").await;
    assert!(html.contains("E-Mail an"), "recipients are named");
    let pending = entities::proposal::Entity::find()
        .all(app.db())
        .await
        .expect("q");
    assert!(
        pending.iter().all(|p| p.state == "suggested"),
        "nothing sent before the confirmation"
    );
    shots.take(&browser, "coordinator-run-confirm").await;
    browser.set_window_size(390, 844).await.expect("phone size");
    shots.take(&browser, "phone-coordinator-run-confirm").await;
    browser
        .set_window_size(1100, 1400)
        .await
        .expect("desktop size");
    browser
        .find(Locator::Css("form[action$='/approve'] button[type=submit]"))
        .await
        .expect("send")
        .click()
        .await
        .expect("click");
    wait_for_text(&browser, "Gerade verschickt").await;
    wait_for(&browser, ".flash-success").await;
    let sent = entities::proposal::Entity::find()
        .all(app.db())
        .await
        .expect("q")
        .into_iter()
        .filter(|p| p.state == "sent")
        .count();
    assert_eq!(sent, boxes - 1, "what was ticked went out, nothing else");
    shots.take(&browser, "coordinator-run-sent").await;

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
    // Without a tile server the map names the places, so a dot can be told apart.
    wait_for(&browser, ".place-label").await;
    let names = browser
        .execute(
            "return [...document.querySelectorAll('#overview-map .place-label')].map(e => e.textContent)",
            vec![],
        )
        .await
        .expect("names");
    let names: Vec<&str> = names
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    assert!(
        names.contains(&"Esslingen am Neckar") && names.len() > 5,
        "place names on the map: {names:?}"
    );
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

/// Presses `key` where the focus is.
pub(crate) async fn press(browser: &Client, key: fantoccini::key::Key) {
    browser
        .active_element()
        .await
        .expect("focus")
        .send_keys(&key)
        .await
        .expect("key");
}

/// Types `text` where the focus is.
pub(crate) async fn type_here(browser: &Client, text: &str) {
    browser
        .active_element()
        .await
        .expect("focus")
        .send_keys(text)
        .await
        .expect("type");
}

/// Presses Tab until the focus is on an element matching `css` (and, if given, with this
/// text). The script only looks where the focus is; it moves nothing.
pub(crate) async fn tab_to(browser: &Client, css: &str, text: Option<&str>) {
    for _ in 0..600 {
        let here = browser
            .execute(
                "const e = document.activeElement; \
                 return !!e && e.matches(arguments[0]) && \
                 (arguments[1] === null || e.textContent.trim() === arguments[1]);",
                vec![serde_json::json!(css), serde_json::json!(text)],
            )
            .await
            .expect("focus check");
        if here == serde_json::Value::Bool(true) {
            return;
        }
        press(browser, fantoccini::key::Key::Tab).await;
    }
    panic!("Tab never reached {css} {text:?}");
}

/// Logs in with the keyboard alone.
pub(crate) async fn keyboard_login(browser: &Client, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/login")).await.expect("login");
    wait_for(browser, "#f-email").await;
    tab_to(browser, "#f-email", None).await;
    type_here(browser, email).await;
    tab_to(browser, "#f-login_password", None).await;
    type_here(browser, password).await;
    press(browser, fantoccini::key::Key::Enter).await;
    wait_for(browser, ".staff-nav").await;
}

/// Opens the step `title` on a proposal page and sends its form as it stands (after
/// `fill` typed into it), all with the keyboard.
async fn keyboard_step(browser: &Client, action: &str, title: &str, done: &str) {
    tab_to(browser, "details.step > summary", Some(title)).await;
    press(browser, fantoccini::key::Key::Enter).await;
    tab_to(
        browser,
        &format!("form[action$='/{action}'] button[type=submit]"),
        None,
    )
    .await;
    press(browser, fantoccini::key::Key::Enter).await;
    wait_for_text(browser, done).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_walks_a_placement_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let (p, _) = crate::pipeline::accepted(&app).await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 40 };
    let (email, password) = (
        "koordination.esslingen@bleibe.example",
        "Bleibe-Koordination-2026",
    );
    let page = app.url(&format!("/workspace/proposals/{}", p.id));

    keyboard_login(&browser, &app, email, password).await;
    browser.goto(&page).await.expect("proposal");
    // A viewing: the time typed, the meeting place as offered.
    tab_to(
        &browser,
        "details.step > summary",
        Some("Besichtigung vereinbaren"),
    )
    .await;
    press(&browser, Key::Enter).await;
    tab_to(&browser, "#f-schedule_viewing-starts_at", None).await;
    type_here(&browser, "23.11.2026 17:00").await;
    shots.take(&browser, "keyboard-viewing-form").await;
    tab_to(
        &browser,
        "form[action$='/schedule_viewing'] button[type=submit]",
        None,
    )
    .await;
    press(&browser, Key::Enter).await;
    wait_for_text(&browser, "Der Besichtigungstermin ist gespeichert.").await;

    // Three days later: the viewing, the Jobcenter, the lease and the move-in, each with the
    // values the forms offer.
    app.clock.advance(chrono::Duration::days(3));
    keyboard_login(&browser, &app, email, password).await;
    browser.goto(&page).await.expect("proposal");
    for (action, title, done) in [
        (
            "viewing_held",
            "Besichtigung hat stattgefunden",
            "Die Besichtigung ist eingetragen.",
        ),
        (
            "jobcenter_requested",
            "Zusicherung beim Jobcenter beantragt",
            "Gespeichert: Zusicherung beantragt.",
        ),
        (
            "jobcenter_granted",
            "Jobcenter hat zugestimmt",
            "Gespeichert: Das Jobcenter hat zugestimmt.",
        ),
        (
            "lease_signed",
            "Mietvertrag unterschrieben",
            "Der Mietvertrag ist gespeichert.",
        ),
        ("moved_in", "Eingezogen", "Der Einzug ist gespeichert."),
    ] {
        keyboard_step(&browser, action, title, done).await;
    }
    shots.take(&browser, "keyboard-moved-in").await;

    // A month later: the first follow-up, "rent paid: yes" chosen with the arrow keys.
    app.clock.advance(chrono::Duration::days(35));
    keyboard_login(&browser, &app, email, password).await;
    browser.goto(&page).await.expect("proposal");
    tab_to(
        &browser,
        "section.card details > summary",
        Some("Ergebnis eintragen"),
    )
    .await;
    press(&browser, Key::Enter).await;
    tab_to(&browser, "input[type=radio][name=rent_paid]", None).await;
    press(&browser, Key::Up).await;
    press(&browser, Key::Up).await;
    shots.take(&browser, "keyboard-follow-up").await;
    tab_to(
        &browser,
        "form[action^='/workspace/follow-ups/'] button[type=submit]",
        None,
    )
    .await;
    press(&browser, Key::Enter).await;
    wait_for_text(&browser, "Die Nachbetreuung ist gespeichert.").await;

    use sea_orm::{ColumnTrait, QueryFilter};
    let placement = entities::placement::Entity::find()
        .filter(entities::placement::Column::ProposalId.eq(p.id))
        .one(app.db())
        .await
        .expect("q")
        .expect("placement");
    let first = entities::follow_up::Entity::find()
        .filter(entities::follow_up::Column::PlacementId.eq(placement.id))
        .filter(entities::follow_up::Column::Month.eq(1))
        .one(app.db())
        .await
        .expect("q")
        .expect("follow-up");
    assert_eq!(
        (first.status.as_str(), first.rent_paid),
        ("done", Some(true))
    );
    assert_eq!(crate::workspace::state_of(&app, p.id).await, "moved_in");
    browser.close().await.expect("close browser");
    app.finish().await;
}

/// Logs in with the login form (a new browser profile for each person).
pub(crate) async fn login(browser: &Client, app: &TestApp, email: &str, password: &str) {
    browser.goto(&app.url("/login")).await.expect("login");
    fill(browser, "f-email", email).await;
    fill(browser, "f-login_password", password).await;
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    wait_for(browser, "main").await;
}

/// A screenshot at desktop and at phone width.
pub(crate) async fn both_widths(shots: &mut Shots, browser: &Client, name: &str) {
    browser
        .set_window_size(1280, 1400)
        .await
        .expect("desktop size");
    shots.take(browser, name).await;
    browser.set_window_size(390, 844).await.expect("phone size");
    shots.take(browser, &format!("phone-{name}")).await;
    browser
        .set_window_size(1280, 1400)
        .await
        .expect("desktop size");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_landlord_asks_to_meet_first_and_both_sides_learn_whom_they_meet() {
    use bleibe::domain::pipeline::Action;
    use sea_orm::{ColumnTrait, QueryFilter};
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let d = crate::workspace::demo(&app).await;
    let (_, suggested) = crate::pipeline::match_run(&app, d).await;
    // A household that agreed to share its details once both said yes.
    let mut chosen = None;
    for p in &suggested {
        let h = bleibe::store::households::find(app.db(), p.household_id)
            .await
            .expect("q")
            .expect("h");
        if h.shares_profile() {
            chosen = Some((p.clone(), h));
            break;
        }
    }
    let (p, household) = chosen.expect("a household that shares its details");
    let user = crate::pipeline::coordinator(&app).await;
    crate::pipeline::take(&app, &user, p.id, Action::Approve, &[]).await;
    crate::pipeline::take(&app, &user, p.id, Action::HouseholdAccept, &[]).await;
    let unit = entities::unit::Entity::find_by_id(p.unit_id)
        .one(app.db())
        .await
        .expect("q")
        .expect("unit");
    let owner = entities::landlord::Entity::find_by_id(unit.landlord_id)
        .one(app.db())
        .await
        .expect("q")
        .expect("landlord");
    let account = entities::user::Entity::find_by_id(owner.user_id.expect("account"))
        .one(app.db())
        .await
        .expect("q")
        .expect("user");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 60 };

    // The landlord: "first a viewing", with three times.
    let profile = tempfile::tempdir().expect("profile");
    let landlord = browser(&driver, profile.path()).await;
    login(&landlord, &app, &account.email, "Bleibe-Vermietung-2026").await;
    landlord
        .goto(&app.url(&format!("/proposals/{}", p.id)))
        .await
        .expect("proposal");
    wait_for(&landlord, "#f-slot1").await;
    let html = landlord.source().await.expect("html");
    assert!(
        html.contains("Namen und Kontaktdaten erfahren Sie"),
        "no names before both said yes"
    );
    assert!(!html.contains(&household.profile.reference));
    both_widths(&mut shots, &landlord, "landlord-proposal").await;
    set_value(&landlord, "f-slot1", "2026-12-05T17:00").await;
    set_value(&landlord, "f-slot2", "2026-12-07T10:30").await;
    set_value(&landlord, "f-slot3", "2026-12-08T18:00").await;
    fill(&landlord, "f-place", "Vor dem Haus").await;
    landlord
        .find(Locator::Css(
            "form input[value=viewing] ~ button[type=submit], form.answer button.secondary",
        ))
        .await
        .expect("send times")
        .click()
        .await
        .expect("click");
    wait_for_text(
        &landlord,
        "Die Gemeinde sucht mit dem Haushalt einen Ihrer Termine aus",
    )
    .await;
    let html = landlord.source().await.expect("html");
    assert!(
        !html.contains("Bitte antworten Sie"),
        "the overview no longer asks for an answer"
    );
    both_widths(&mut shots, &landlord, "landlord-overview-times-sent").await;

    // The coordinator takes one of the times with one click.
    let profile = tempfile::tempdir().expect("profile");
    let coordinator = browser(&driver, profile.path()).await;
    login(
        &coordinator,
        &app,
        crate::workspace::ES_COORDINATOR,
        "Bleibe-Koordination-2026",
    )
    .await;
    coordinator
        .goto(&app.url(&format!("/workspace/proposals/{}", p.id)))
        .await
        .expect("proposal");
    wait_for_text(&coordinator, "Diesen Termin nehmen").await;
    both_widths(&mut shots, &coordinator, "coordinator-landlord-times").await;
    coordinator
        .find(Locator::Css("ul.times form button"))
        .await
        .expect("take a time")
        .click()
        .await
        .expect("click");
    wait_for_text(&coordinator, "Der Besichtigungstermin ist gespeichert").await;
    both_widths(&mut shots, &coordinator, "coordinator-viewing-taken").await;
    let invitations = entities::outbox_message::Entity::find()
        .filter(entities::outbox_message::Column::ProposalId.eq(p.id))
        .all(app.db())
        .await
        .expect("q");
    for kind in ["viewing_landlord", "viewing_household"] {
        let m = invitations
            .iter()
            .find(|m| m.kind == kind)
            .unwrap_or_else(|| panic!("{kind}"));
        assert!(
            m.attachments
                .as_deref()
                .unwrap_or_default()
                .contains("besichtigung.ics")
        );
        assert!(
            m.subject.contains("05.12.2026"),
            "the first time was taken: {}",
            m.subject
        );
    }

    // Both said yes: the landlord now sees whom to contact.
    landlord
        .goto(&app.url(&format!("/proposals/{}", p.id)))
        .await
        .expect("proposal");
    let html = wait_for_text(&landlord, "So erreichen Sie den Haushalt").await;
    let contact = household
        .profile
        .contact_person(app.app.clock.today())
        .expect("a contact person");
    assert!(html.contains(&contact), "the household's name");
    both_widths(&mut shots, &landlord, "landlord-contact").await;

    // The volunteer who comes along sees the contacts and the coordinator's note.
    let volunteer = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(crate::workspace::VOLUNTEER))
        .one(app.db())
        .await
        .expect("q")
        .expect("volunteer");
    crate::pipeline::take(
        &app,
        &user,
        p.id,
        Action::ScheduleViewing,
        &[
            ("starts_at", "05.12.2026 17:00"),
            ("place", "Vor dem Haus"),
            ("companion", &volunteer.id.to_string()),
            ("note", "Eine Dolmetscherin kommt mit."),
        ],
    )
    .await;
    let profile = tempfile::tempdir().expect("profile");
    let lotsin = browser(&driver, profile.path()).await;
    login(
        &lotsin,
        &app,
        crate::workspace::VOLUNTEER,
        "Bleibe-Lotse-2026",
    )
    .await;
    lotsin.goto(&app.url("/viewings")).await.expect("viewings");
    let html = wait_for_text(&lotsin, "Eine Dolmetscherin kommt mit.").await;
    assert!(
        html.contains(&owner.display_name) && html.contains(&contact),
        "both sides' contacts"
    );
    both_widths(&mut shots, &lotsin, "volunteer-viewing").await;

    for b in [landlord, coordinator, lotsin] {
        b.close().await.expect("close browser");
    }
    app.finish().await;
}

/// A household reads its proposal in Ukrainian or Arabic (right to left), at phone width
/// too, and can switch to German for a helper; nothing runs off the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn households_answer_in_ukrainian_and_arabic_on_a_phone() {
    use bleibe::domain::Language;
    use bleibe::domain::pipeline::Action;
    use sea_orm::{ColumnTrait, QueryFilter};
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let d = crate::workspace::demo(&app).await;
    let (_, suggested) = crate::pipeline::match_run(&app, d).await;
    let user = crate::pipeline::coordinator(&app).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 80 };
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    for (p, lang) in suggested.iter().zip([Language::Uk, Language::Ar]) {
        crate::languages::set_language(&app, p.household_id, lang).await;
        crate::pipeline::take(&app, &user, p.id, Action::Approve, &[]).await;
        let mail = entities::outbox_message::Entity::find()
            .filter(entities::outbox_message::Column::ProposalId.eq(p.id))
            .filter(entities::outbox_message::Column::Kind.eq("proposal_household"))
            .one(app.db())
            .await
            .expect("q")
            .expect("the household's letter");
        let token = crate::languages::answer_token(&mail.body_text);
        browser
            .goto(&app.url(&format!("/a/{token}")))
            .await
            .expect("answer page");
        wait_for(&browser, "form.answer button[type=submit]").await;
        let html = browser.source().await.expect("html");
        assert!(
            html.contains(&format!("lang=\"{}\"", lang.code())),
            "page in {lang}"
        );
        let direction: String = browser
            .execute("return getComputedStyle(document.body).direction", vec![])
            .await
            .expect("direction")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(direction, if lang.is_rtl() { "rtl" } else { "ltr" });
        both_widths(&mut shots, &browser, &format!("household-answer-{lang}")).await;
        if let Some(source) = axe_source() {
            let (v, i) = axe(&browser, &source).await;
            assert!(
                v.is_empty() && i.is_empty(),
                "{lang}: axe-core: {v:?} {i:?}"
            );
        }
        browser.set_window_size(390, 844).await.expect("phone size");
        let wide = browser
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await
            .expect("width")
            .as_i64()
            .unwrap_or_default();
        let culprits = browser
            .execute(
                "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8).join(', ')",
                vec![],
            )
            .await
            .expect("culprits");
        assert!(
            wide <= 0,
            "{lang}: the page is {wide} px wider than a phone: {culprits}"
        );
        // Yes, in the household's language: the thank-you page is in it too.
        browser
            .find(Locator::Css("form.answer button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        wait_for(&browser, "main h1").await;
        let done = browser.source().await.expect("html");
        assert!(
            done.contains(&format!("lang=\"{}\"", lang.code())),
            "{done}"
        );
        shots
            .take(&browser, &format!("phone-household-answered-{lang}"))
            .await;
        browser
            .set_window_size(1280, 1400)
            .await
            .expect("desktop size");
    }
}

/// axe-core's script, from `BLEIBE_AXE` (set by `.ci/run`, which installs it from npm) or
/// a local `node_modules`; required under `CI=true`.
pub(crate) fn axe_source() -> Option<String> {
    let candidates = [
        std::env::var("BLEIBE_AXE").unwrap_or_default(),
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/target/ci-axe/node_modules/axe-core/axe.min.js"
        )
        .to_owned(),
        "/tmp/node_modules/axe-core/axe.min.js".to_owned(),
    ];
    let found = candidates
        .iter()
        .filter(|p| !p.is_empty())
        .find_map(|p| std::fs::read_to_string(p).ok());
    assert!(
        found.is_some() || std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but axe-core is not installed (BLEIBE_AXE)"
    );
    found
}

/// axe-core's rules that only a person can decide, each with the manual check that covers
/// it (docs/accessibility.md): "incomplete" results of these are accepted, others fail.
/// (rule, part of the element's selector; empty: any element).
const AXE_MANUAL: &[(&str, &str)] = &[
    // Text over a gradient, an image or an SVG chart: contrast checked by hand.
    ("color-contrast", ""),
    // The map's zoom buttons show only "+" and "−"; their names "+ Vergrößern" and
    // "− Verkleinern" start with what they show (checked by hand, also by voice control).
    ("label-content-name-mismatch", "leaflet-control-zoom"),
];

/// Runs axe-core on the page (WCAG 2.1 A/AA and best practice): the violations and the
/// "incomplete" results no manual check covers, as `rule (impact, nodes)`.
pub(crate) async fn axe(browser: &Client, source: &str) -> (Vec<String>, Vec<String>) {
    axe_without(browser, source, &[]).await
}

/// Page-level rules that do not apply to an e-mail, which a mail program shows inside its
/// own page (with its own landmarks, headings and skip links).
const NOT_FOR_EMAIL: &[&str] = &[
    "landmark-one-main",
    "page-has-heading-one",
    "region",
    "bypass",
];

/// Like [`axe`], with the `disabled` rules switched off.
pub(crate) async fn axe_without(
    browser: &Client,
    source: &str,
    disabled: &[&str],
) -> (Vec<String>, Vec<String>) {
    let rules: serde_json::Map<String, serde_json::Value> = disabled
        .iter()
        .map(|r| ((*r).to_owned(), serde_json::json!({"enabled": false})))
        .collect();
    browser
        .execute(&format!("{source}\nreturn true;"), vec![])
        .await
        .expect("inject axe");
    let result = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, rules: arguments[0]})
               .then(r => done({
                 v: r.violations.map(x => x.id + ' (' + x.impact + ', ' + x.nodes.length + ': ' + x.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ') + ')'),
                 i: r.incomplete.map(x => x.id + ' (' + x.nodes.length + ': ' + x.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ') + ')')
               }))
               .catch(e => done({v: ['axe failed: ' + e], i: []}));",
            vec![serde_json::Value::Object(rules)],
        )
        .await
        .expect("axe.run");
    let list = |key: &str| -> Vec<String> {
        result[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let incomplete = list("i")
        .into_iter()
        .filter(|r| {
            !AXE_MANUAL
                .iter()
                .any(|(rule, target)| r.starts_with(&format!("{rule} ")) && r.contains(target))
        })
        .collect();
    (list("v"), incomplete)
}

/// Reflow (WCAG 1.4.10) and axe-core: at 320 px no page of any role scrolls sideways (wide
/// tables scroll inside themselves), and at 1280 and 320 px axe-core finds no violation.
/// Screenshots of the unit form and the run page at 320 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_at_320_px() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let d = crate::workspace::demo(&app).await;
    let (run, suggested) = crate::pipeline::match_run(&app, d).await;
    let user = crate::pipeline::coordinator(&app).await;
    crate::pipeline::take(
        &app,
        &user,
        suggested[0].id,
        bleibe::domain::pipeline::Action::Approve,
        &[],
    )
    .await;
    let es = d.esslingen;
    let (unit, household, proposal) = (
        suggested[0].unit_id,
        suggested[0].household_id,
        suggested[0].id,
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 90 };
    let year = app.clock_now().format("%Y").to_string();
    // A draft of Renate's with a long address, for the draft pages.
    let renate = entities::landlord::Entity::find()
        .all(app.db())
        .await
        .expect("landlords")
        .into_iter()
        .find(|l| l.display_name == "Renate Maier")
        .expect("Renate");
    let draft = bleibe::store::drafts::insert(
        app.db(),
        renate.id,
        renate.user_id,
        None,
        &[
            (
                "street".into(),
                "Oberer Paradiesweg am Fuße des Schurwaldhangs".into(),
            ),
            ("house_number".into(), "112/1".into()),
            ("postal_code".into(), "73207".into()),
            ("town".into(), "Plochingen".into()),
        ],
        app.clock_now(),
    )
    .await
    .expect("draft");
    // A finished policy-lab comparison of Esslingen, for its report page.
    let lab = crate::lab::finished_comparison(&app, es).await;
    // (login, pages): None walks as a visitor.
    type Walk<'a> = (Option<(&'a str, &'a str)>, Vec<String>);
    let roles: Vec<Walk<'_>> = vec![
        (
            None,
            [
                "/",
                "/login",
                "/register",
                "/privacy",
                "/barrierefreiheit",
                "/gibt-es-nicht",
                "/account/deleted",
                "/signup?m=esslingen-am-neckar&c=amtsblatt-maerz",
                "/vermieten/esslingen-am-neckar?c=amtsblatt-maerz",
                "/vermieten/esslingen-am-neckar?lang=en",
                "/vermieten/esslingen-am-neckar?calc=1&postal_code=73728&area_m2=62&rooms=3&cold_rent=520",
                "/vermieten/esslingen-am-neckar?calc=1&postal_code=7372&area_m2=5&rooms=3&cold_rent=",
            ]
            .map(String::from)
            .to_vec(),
        ),
        (
            Some((
                "koordination.esslingen@bleibe.example",
                "Bleibe-Koordination-2026",
            )),
            vec![
                "/workspace".into(),
                format!("/m/{es}"),
                format!("/m/{es}/rules"),
                format!("/m/{es}/report/{year}"),
                format!("/m/{es}/households"),
                format!("/m/{es}/households/new"),
                format!("/m/{es}/units"),
                format!("/m/{es}/map"),
                format!("/m/{es}/why-not"),
                format!("/m/{es}/placements"),
                format!("/m/{es}/import"),
                format!("/m/{es}/outreach"),
                format!("/m/{es}/lab"),
                format!("/m/{es}/lab/{lab}"),
                format!("/runs/{run}"),
                "/runs".into(),
                format!("/households/{household}"),
                format!("/households/{household}/edit"),
                format!("/units/{unit}"),
                format!("/workspace/proposals/{proposal}"),
                "/account".into(),
            ],
        ),
        (
            Some(("admin@bleibe.example", "Bleibe-Admin-2026")),
            vec![
                "/admin/users".into(),
                "/admin/municipalities".into(),
                "/admin/jobs".into(),
                "/admin/webhooks".into(),
                "/admin/audit".into(),
                "/admin/privacy".into(),
                format!("/m/{es}/outreach"),
            ],
        ),
        (
            Some(("renate.maier@example.org", "Bleibe-Vermietung-2026")),
            vec![
                "/dashboard".into(),
                "/units/new".into(),
                format!("/units/drafts/{draft}"),
                format!("/units/drafts/{draft}/delete"),
                "/account".into(),
                "/account/delete".into(),
            ],
        ),
        (
            Some(("lotsin@bleibe.example", "Bleibe-Lotse-2026")),
            ["/workspace", "/viewings"].map(String::from).to_vec(),
        ),
    ];
    let axe_script = axe_source();
    let mut wide = Vec::new();
    let mut violations = Vec::new();
    let mut checked = 0;
    for (who, pages) in roles {
        let profile = tempfile::tempdir().expect("profile");
        let browser = browser(&driver, profile.path()).await;
        if let Some((email, password)) = who {
            login(&browser, &app, email, password).await;
        }
        for path in pages {
            browser.set_window_size(1280, 1000).await.expect("1280 px");
            browser.goto(&app.url(&path)).await.expect("page");
            wait_for(&browser, "main").await;
            if let Some(source) = &axe_script {
                let (v, i) = axe(&browser, source).await;
                violations.extend(v.into_iter().map(|x| format!("{path} at 1280: {x}")));
                violations.extend(
                    i.into_iter()
                        .map(|x| format!("{path} at 1280, unexplained incomplete: {x}")),
                );
            }
            let over_wide = browser
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                    vec![],
                )
                .await
                .expect("width")
                .as_i64()
                .unwrap_or_default();
            if over_wide > 0 {
                wide.push(format!("{path}: {over_wide} px too wide at 1280 px"));
            }
            browser.set_window_size(320, 800).await.expect("320 px");
            if let Some(source) = &axe_script {
                let (v, i) = axe(&browser, source).await;
                violations.extend(v.into_iter().map(|x| format!("{path} at 320: {x}")));
                violations.extend(
                    i.into_iter()
                        .map(|x| format!("{path} at 320, unexplained incomplete: {x}")),
                );
            }
            let over = browser
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                    vec![],
                )
                .await
                .expect("width")
                .as_i64()
                .unwrap_or_default();
            checked += 1;
            if over > 0 {
                wide.push(format!("{path}: {over} px too wide"));
            }
            if path == "/units/new" || path.starts_with("/runs/") {
                let name = if path == "/units/new" {
                    "unit-form"
                } else {
                    "run"
                };
                shots.take(&browser, &format!("320-{name}")).await;
            }
        }
        browser.close().await.expect("close");
    }
    // The HTML e-mails, in every language they are written in.
    if let Some(source) = &axe_script {
        let profile = tempfile::tempdir().expect("profile");
        let browser = browser(&driver, profile.path()).await;
        let letters = tempfile::tempdir().expect("letters");
        for (name, lang, letter) in bleibe::mail::preview::all(None) {
            let file = letters.path().join(format!("{name}.{lang}.html"));
            std::fs::write(&file, letter.html()).expect("write letter");
            browser
                .goto(&format!("file://{}", file.display()))
                .await
                .expect("letter");
            let (v, i) = axe_without(&browser, source, NOT_FOR_EMAIL).await;
            violations.extend(v.into_iter().map(|x| format!("e-mail {name} {lang}: {x}")));
            violations.extend(
                i.into_iter()
                    .map(|x| format!("e-mail {name} {lang}, unexplained incomplete: {x}")),
            );
            checked += 1;
        }
        browser.close().await.expect("close");
    }
    assert!(checked >= 30, "{checked} pages");
    assert!(
        wide.is_empty(),
        "pages that scroll sideways at 320 px:\n{}",
        wide.join("\n")
    );
    assert!(
        violations.is_empty(),
        "axe-core, {} findings:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// The flat's pin moves without a mouse: Tab to it, arrow keys move it and the position
/// fields follow. The map names places (no tile server in tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pin_on_the_unit_form_moves_with_the_arrow_keys() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    crate::workspace::demo(&app).await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    login(
        &browser,
        &app,
        "renate.maier@example.org",
        "Bleibe-Vermietung-2026",
    )
    .await;
    browser.goto(&app.url("/units/new")).await.expect("form");
    wait_for(&browser, "#f-postal_code").await;
    fill(&browser, "f-postal_code", "73207").await;
    // Leaving the field looks the postal code up and sets the pin.
    press(&browser, fantoccini::key::Key::Tab).await;
    wait_for(&browser, "#unit-map .leaflet-marker-icon").await;
    let before = (
        value_of(&browser, "f-lat").await,
        value_of(&browser, "f-lon").await,
    );
    assert!(!before.0.is_empty(), "the postal code placed the pin");
    browser
        .execute(
            "document.querySelector('#unit-map .leaflet-marker-icon').focus(); return true;",
            vec![],
        )
        .await
        .expect("focus the pin");
    let focused = browser
        .execute(
            "return document.activeElement.classList.contains('leaflet-marker-icon')",
            vec![],
        )
        .await
        .expect("focus");
    assert_eq!(
        focused,
        serde_json::json!(true),
        "the pin takes keyboard focus"
    );
    press(&browser, fantoccini::key::Key::Right).await;
    press(&browser, fantoccini::key::Key::Right).await;
    press(&browser, fantoccini::key::Key::Up).await;
    let after = (
        value_of(&browser, "f-lat").await,
        value_of(&browser, "f-lon").await,
    );
    let num = |s: &str| s.parse::<f64>().expect("a number");
    assert!(
        num(&after.1) > num(&before.1),
        "right moves east: {before:?} → {after:?}"
    );
    assert!(
        num(&after.0) > num(&before.0),
        "up moves north: {before:?} → {after:?}"
    );
    wait_for(&browser, "#unit-map .place-label").await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 95 };
    browser
        .execute(
            "document.getElementById('unit-map').scrollIntoView(); return true;",
            vec![],
        )
        .await
        .expect("scroll");
    shots.take(&browser, "unit-form-map-offline-names").await;
}
