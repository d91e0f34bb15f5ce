//! Winning landlords in a real browser (headless Chromium through chromedriver): from the
//! flyer's QR code to the figures page. Skipped without chromedriver and the PDF tools,
//! except under `CI=true`.

use bleibe::domain::{Cents, Locale};

use crate::helpers::TestApp;
use crate::outreach::{GP_COORDINATOR, goeppingen};
use crate::workspace::{demo, staff};

fn euros(c: Cents) -> String {
    c.format(Locale::De)
}

/// A real browser: an anonymous visitor scans the flyer's QR code (decoded by `zbarimg`),
/// reads Göppingen's page, uses the calculator, signs up, confirms, logs in and enters a
/// flat; the coordinator's figures count it under the campaign. Screenshots at 1280 and
/// 390 px go to `target/browser-screenshots/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_from_a_flyer_signs_up_and_is_counted_under_the_campaign_in_a_real_browser() {
    use crate::browser::{
        Shots, browser, click, fill, login, start_driver, wait_for, wait_for_text,
    };
    if !crate::documents::tools() {
        return;
    }
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .expect("app");
    demo(&app).await;
    let gp = goeppingen(&app).await;
    let coordinator = staff(&app, GP_COORDINATOR).await;
    let r = coordinator
        .post_form(
            &format!("/m/{gp}/outreach"),
            &format!("/m/{gp}/outreach/campaigns"),
            &[("label", "Amtsblatt März")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let campaign = bleibe::store::outreach::running_campaign(app.db(), gp, "amtsblatt-maerz")
        .await
        .expect("q")
        .expect("campaign");
    let flyer = coordinator
        .get(&format!(
            "/m/{gp}/outreach/flyer.pdf?campaign={}",
            campaign.id
        ))
        .await
        .bytes()
        .await
        .expect("flyer")
        .to_vec();
    let scanned = crate::documents::qr_codes(&flyer);
    assert_eq!(scanned.len(), 1);
    // The service's address (`server.base_url`) with the page and the code; the test server
    // listens elsewhere, so the browser goes to the same path there.
    let base = app
        .app
        .settings
        .server
        .base_url
        .trim_end_matches('/')
        .to_owned();
    let path = scanned[0]
        .strip_prefix(&base)
        .expect("the service's address")
        .to_owned();
    assert_eq!(path, "/vermieten/goeppingen?c=amtsblatt-maerz");
    let address = app.url(&path);

    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 40 };

    browser.set_window_size(1280, 1000).await.expect("size");
    browser.goto(&address).await.expect("the flyer's address");
    wait_for(&browser, "#f-postal_code").await;
    shots.take(&browser, "outreach-page-1280").await;
    browser.set_window_size(390, 844).await.expect("phone");
    shots.take(&browser, "outreach-page-390").await;
    browser.set_window_size(1280, 1000).await.expect("size");

    // The calculator.
    fill(&browser, "f-postal_code", "73033").await;
    fill(&browser, "f-area_m2", "62").await;
    fill(&browser, "f-rooms", "3").await;
    fill(&browser, "f-cold_rent", "520").await;
    fill(&browser, "f-service_charges", "110").await;
    click(&browser, "#rechner form button[type=submit]").await;
    // The browser writes the amounts' no-break spaces as entities.
    let html = wait_for_text(&browser, "id=\"antwort\"")
        .await
        .replace("&nbsp;", "\u{a0}");
    let caps = bleibe::store::outreach::current_caps(app.db(), gp)
        .await
        .expect("q")
        .expect("caps");
    for p in 1..=6 {
        assert!(
            html.contains(&format!(
                "<tr><td>{p}</td><td>{}</td>",
                euros(caps.cap_for(p))
            )),
            "cap for {p}"
        );
    }
    assert!(html.contains("passt zu Haushalten mit"), "the answer");
    // The answer names the programmes with their amounts, as the rule tables keep them.
    let answer = html
        .split("id=\"antwort\"")
        .nth(1)
        .and_then(|a| a.split("</div>").next())
        .expect("answer");
    for p in bleibe::store::incentives::programmes_of(app.db(), gp)
        .await
        .expect("q")
        .iter()
        .filter(|p| p.active)
    {
        assert!(answer.contains(&p.name_de), "{} in the answer", p.name_de);
        if let Some(amount) = p.amount_cents {
            assert!(
                answer.contains(&euros(Cents(amount))),
                "the amount of {}",
                p.name_de
            );
        }
    }
    shots.take(&browser, "outreach-calculator-1280").await;
    browser.set_window_size(390, 844).await.expect("phone");
    browser
        .execute(
            "document.getElementById('antwort').scrollIntoView()",
            vec![],
        )
        .await
        .expect("scroll");
    shots.take(&browser, "outreach-calculator-390").await;
    browser.set_window_size(1280, 1000).await.expect("size");
    assert!(
        browser.get_all_cookies().await.expect("cookies").is_empty(),
        "the public page and the calculator set no cookie"
    );

    // Sign up from the page.
    click(&browser, "a[href^='/signup?m=goeppingen']").await;
    wait_for(&browser, "#f-name").await;
    let email = "karin.vogt@example.org";
    let password = "Ein Haus mit grünem Tor";
    fill(&browser, "f-name", "Karin Vogt").await;
    fill(&browser, "f-email", email).await;
    fill(&browser, "f-password", password).await;
    fill(&browser, "f-password_repeat", password).await;
    click(&browser, "#f-accept_privacy").await;
    click(&browser, "form button[type=submit]").await;
    wait_for(&browser, "main a[href='/login']").await;
    app.dispatch_mails().await;
    let link = app.link_in_mail(email, "/confirm/");
    browser.goto(&app.url(&link)).await.expect("confirm");
    login(&browser, &app, email, password).await;
    wait_for(&browser, "a[href='/units/new']").await;

    // A flat in Göppingen.
    browser.goto(&app.url("/units/new")).await.expect("form");
    wait_for(&browser, "#f-street").await;
    fill(&browser, "f-street", "Marktstraße").await;
    fill(&browser, "f-house_number", "3").await;
    fill(&browser, "f-postal_code", "73033").await;
    fill(&browser, "f-town", "Göppingen").await;
    fill(&browser, "f-area_m2", "62").await;
    fill(&browser, "f-rooms", "3").await;
    fill(&browser, "f-floor", "1").await;
    fill(&browser, "f-max_occupants", "5").await;
    fill(&browser, "f-cold_rent", "520").await;
    fill(&browser, "f-service_charges", "110").await;
    fill(&browser, "f-heating_costs", "70").await;
    crate::browser::set_value(&browser, "f-available_from", "2027-01-01").await;
    click(&browser, "button[value=submit]").await;
    wait_for(&browser, ".flash-success").await;
    browser.close().await.expect("close");

    // The coordinator's figures: the flat under the campaign.
    let html = coordinator
        .get(&format!("/m/{gp}"))
        .await
        .text()
        .await
        .expect("figures");
    let row = html
        .split("id=\"t-channels\"")
        .nth(1)
        .expect("the table per month")
        .split("<tr>")
        .find(|r| r.contains("Amtsblatt März"))
        .expect("the campaign's line");
    let cells: Vec<&str> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap_or(""))
        .collect();
    assert_eq!(
        &cells[1..4],
        &["1", "1", "1"],
        "visits, sign-ups, flats: {row}"
    );
    app.finish().await;
}
