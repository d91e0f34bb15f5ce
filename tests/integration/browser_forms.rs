//! Self-service in a real browser: a landlord's failed submits leave one draft, which a
//! reload never posts again and which can be thrown away; a coordinator enters a family of
//! seven with the keyboard alone; a form sent after the cookie was lost keeps its values
//! through the login. Skipped without chromedriver, except under `CI=true`.

use std::path::PathBuf;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::browser::{
    Shots, both_widths, browser, fill, keyboard_login, login, press, start_driver, tab_to,
    type_here, wait_for, wait_for_text,
};
use crate::helpers::{Backend, TestApp};

fn shots(n: usize) -> Shots {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    Shots { dir, n }
}

async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"))
        .click()
        .await
        .expect("click");
}

/// Clicks `css` and waits until the page it was on is gone (its root element stale), so
/// what is looked for next is on the new page and not still on the old one.
async fn click_and_leave(browser: &Client, css: &str) {
    let old = browser.find(Locator::Css("html")).await.expect("page");
    click(browser, css).await;
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("clicking {css} did not leave the page");
}

async fn drafts_of(app: &TestApp, landlord_user: &str) -> u64 {
    let user = entities::user::Entity::find()
        .filter(entities::user::Column::Email.eq(landlord_user))
        .one(app.db())
        .await
        .expect("q")
        .expect("user");
    let landlord = entities::landlord::Entity::find()
        .filter(entities::landlord::Column::UserId.eq(user.id))
        .one(app.db())
        .await
        .expect("q")
        .expect("landlord");
    entities::unit_draft::Entity::find()
        .filter(entities::unit_draft::Column::LandlordId.eq(landlord.id))
        .count(app.db())
        .await
        .expect("count")
}

async fn active_id(browser: &Client) -> String {
    browser
        .execute(
            "return document.activeElement && document.activeElement.id;",
            vec![],
        )
        .await
        .expect("focus")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_landlord_fails_three_times_keeps_one_draft_and_throws_it_away() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    crate::workspace::demo(&app).await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let mut shots = shots(110);
    let landlord = crate::workspace::LANDLORD;
    login(&browser, &app, landlord, "Bleibe-Vermietung-2026").await;
    let before = drafts_of(&app, landlord).await;

    browser.goto(&app.url("/units/new")).await.expect("form");
    wait_for(&browser, "#f-street").await;
    fill(&browser, "f-street", "Lindenweg").await;
    fill(&browser, "f-house_number", "4").await;
    fill(&browser, "f-postal_code", "73207").await;
    fill(&browser, "f-town", "Plochingen").await;
    for area in ["5", "6", "7"] {
        fill(&browser, "f-area_m2", area).await;
        click_and_leave(&browser, "button[name=action][value=submit]").await;
        wait_for(&browser, ".error-summary").await;
        assert_eq!(
            browser
                .find(Locator::Id("f-street"))
                .await
                .expect("street")
                .prop("value")
                .await
                .expect("value")
                .as_deref(),
            Some("Lindenweg"),
            "the street is kept"
        );
    }
    assert_eq!(
        drafts_of(&app, landlord).await,
        before + 1,
        "three failed submits, one draft"
    );
    shots.take(&browser, "unit-form-third-mistake").await;

    // Saved as a draft: the draft's own page; reloading it posts nothing.
    click(&browser, "button[name=action][value=draft]").await;
    wait_for_text(&browser, "Ihr Entwurf ist gespeichert").await;
    let url = browser.current_url().await.expect("url");
    assert!(url.path().starts_with("/units/drafts/"), "{url}");
    browser.refresh().await.expect("reload");
    wait_for(&browser, "#f-street").await;
    assert_eq!(
        drafts_of(&app, landlord).await,
        before + 1,
        "the reload posted nothing"
    );

    // On the overview the draft has its address, and it can be thrown away after a question.
    browser
        .goto(&app.url("/dashboard"))
        .await
        .expect("dashboard");
    let html = wait_for_text(&browser, "Lindenweg 4, 73207 Plochingen").await;
    assert!(html.contains("Entwurf löschen"));
    let draft_path = url.path().to_owned();
    click(&browser, &format!("a[href='{draft_path}/delete']")).await;
    wait_for_text(&browser, "Entwurf löschen?").await;
    both_widths(&mut shots, &browser, "draft-delete-question").await;
    click(&browser, "main form button[type=submit]").await;
    wait_for_text(&browser, "Der Entwurf ist gelöscht.").await;
    assert_eq!(drafts_of(&app, landlord).await, before);
    browser.close().await.expect("close browser");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_enters_a_household_of_seven_with_the_keyboard_alone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let d = crate::workspace::demo(&app).await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let mut shots = shots(115);
    keyboard_login(
        &browser,
        &app,
        crate::workspace::ES_COORDINATOR,
        "Bleibe-Koordination-2026",
    )
    .await;
    browser
        .goto(&app.url(&format!("/m/{}/households/new", d.esslingen)))
        .await
        .expect("form");
    wait_for(&browser, "#f-reference").await;
    tab_to(&browser, "#f-reference", None).await;
    type_here(&browser, "ES-SIEBEN-1").await;
    tab_to(&browser, "#f-residence_status", None).await;
    type_here(&browser, "Anerkannt").await;

    let people = [
        ("Amal", "1985"),
        ("Karim", "1983"),
        ("Yusuf", "2008"),
        ("Lina", "2011"),
        ("Omar", "2014"),
        ("Sara", "2018"),
        ("Noor", "2023"),
    ];
    for (i, (name, year)) in people.iter().enumerate() {
        tab_to(&browser, &format!("#f-member_first_name_{i}"), None).await;
        type_here(&browser, name).await;
        tab_to(&browser, &format!("#f-member_birth_year_{i}"), None).await;
        type_here(&browser, year).await;
        if i + 1 < people.len() {
            tab_to(&browser, "button[data-repeat-add]", None).await;
            press(&browser, Key::Enter).await;
            assert_eq!(
                active_id(&browser).await,
                format!("f-member_first_name_{}", i + 1),
                "after adding, the cursor is in the new row"
            );
        }
    }
    // No page load happened: everything typed is still there.
    let typed = browser
        .execute(
            "return [...document.querySelectorAll('[data-repeat-rows] input[name^=member_first_name_]')].map(e => e.value);",
            vec![],
        )
        .await
        .expect("values");
    assert_eq!(
        typed,
        serde_json::json!(people.iter().map(|(n, _)| *n).collect::<Vec<_>>())
    );
    both_widths(&mut shots, &browser, "household-form-seven-people").await;

    // Enter in a field saves (it never adds a row).
    tab_to(&browser, "#f-member_birth_year_6", None).await;
    press(&browser, Key::Enter).await;
    wait_for_text(&browser, "ES-SIEBEN-1").await;
    wait_for(&browser, ".flash, [role=status]").await;
    let saved = entities::household::Entity::find()
        .filter(entities::household::Column::Reference.eq("ES-SIEBEN-1"))
        .one(app.db())
        .await
        .expect("q")
        .expect("saved in one go");
    let members = entities::household_member::Entity::find()
        .filter(entities::household_member::Column::HouseholdId.eq(saved.id))
        .count(app.db())
        .await
        .expect("count");
    assert_eq!(members, 7);

    // Removing a row in the page: the rows after it move up, with their values.
    browser
        .goto(&app.url(&format!("/households/{}/edit", saved.id)))
        .await
        .expect("edit");
    wait_for(&browser, "#f-member_first_name_6").await;
    tab_to(
        &browser,
        "button[data-repeat-remove][value=remove_member_2]",
        None,
    )
    .await;
    press(&browser, Key::Enter).await;
    assert_eq!(active_id(&browser).await, "f-member_first_name_2");
    let moved = browser
        .find(Locator::Id("f-member_first_name_2"))
        .await
        .expect("row 3")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(moved.as_deref(), Some("Lina"));
    let count = browser
        .find(Locator::Css("input[name=member_rows]"))
        .await
        .expect("count")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(count.as_deref(), Some("6"));
    assert!(
        browser
            .find(Locator::Id("f-member_first_name_6"))
            .await
            .is_err(),
        "the last row number is gone"
    );
    browser.close().await.expect("close browser");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_sent_without_its_cookie_keeps_its_values_through_the_login() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let d = crate::workspace::demo(&app).await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let mut shots = shots(120);
    let (email, password) = (crate::workspace::ES_COORDINATOR, "Bleibe-Koordination-2026");
    login(&browser, &app, email, password).await;
    browser
        .goto(&app.url(&format!("/m/{}/households/new", d.esslingen)))
        .await
        .expect("form");
    wait_for(&browser, "#f-reference").await;
    fill(&browser, "f-reference", "ES-OHNE-KEKS").await;
    browser
        .find(Locator::Css("#f-residence_status option[value=anerkannt]"))
        .await
        .expect("option")
        .click()
        .await
        .expect("choose");
    fill(&browser, "f-member_first_name_0", "Hana").await;
    fill(&browser, "f-member_birth_year_0", "1990").await;
    fill(
        &browser,
        "f-urgency_reason",
        "Die Unterkunft schließt im März.",
    )
    .await;
    // The cookie is lost (privacy settings, cleared by another tab's logout).
    browser.delete_all_cookies().await.expect("cookies gone");
    click(&browser, "form.unit-form .form-actions button[value=save]").await;
    let html = wait_for_text(
        &browser,
        "Ihr Browser hat Ihre Anmeldung nicht mitgeschickt",
    )
    .await;
    assert!(html.contains("Eingaben sind gespeichert"));
    both_widths(&mut shots, &browser, "login-after-lost-cookie").await;
    assert_eq!(
        entities::household::Entity::find()
            .filter(entities::household::Column::Reference.eq("ES-OHNE-KEKS"))
            .count(app.db())
            .await
            .expect("count"),
        0,
        "nothing saved before the login"
    );
    fill(&browser, "f-email", email).await;
    fill(&browser, "f-login_password", password).await;
    click(&browser, "main form button[type=submit]").await;
    wait_for_text(&browser, "ES-OHNE-KEKS").await;
    let saved = entities::household::Entity::find()
        .filter(entities::household::Column::Reference.eq("ES-OHNE-KEKS"))
        .one(app.db())
        .await
        .expect("q")
        .expect("saved after the login");
    assert_eq!(
        saved.urgency_reason.as_deref(),
        Some("Die Unterkunft schließt im März.")
    );
    browser.close().await.expect("close browser");
    app.finish().await;
}
