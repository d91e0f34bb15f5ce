//! One's own account in a real browser: a landlord changes the password, then the e-mail
//! address (the link from the e-mail opened in the browser), then deletes the account and
//! can no longer log in. Skipped without chromedriver, except under `CI=true`.

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::browser::{
    Shots, both_widths, browser, fill, login, start_driver, wait_for, wait_for_text,
};
use crate::helpers::{Backend, TestApp};

async fn submit(browser: &Client, action: &str) {
    browser
        .find(Locator::Css(&format!(
            "form[action=\"{action}\"] button[type=submit]"
        )))
        .await
        .unwrap_or_else(|_| panic!("no form for {action}"))
        .click()
        .await
        .expect("click");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_landlord_changes_password_and_address_then_deletes_the_account_in_a_real_browser() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let old = "renate@example.org";
    let new = "renate.neu@example.org";
    let (first, second) = (
        "Mein Garten hat 3 Apfelbäume",
        "Der Apfelbaum blüht im April",
    );
    crate::accounts::landlord_logged_in(&app, old).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 140 };
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    login(&browser, &app, old, first).await;

    // The password: a wrong current one first, said at the field.
    browser.goto(&app.url("/account")).await.expect("account");
    wait_for(&browser, "#f-current_password").await;
    both_widths(&mut shots, &browser, "account").await;
    fill(&browser, "f-current_password", "Das ist falsch 123").await;
    fill(&browser, "f-new_password", second).await;
    fill(&browser, "f-new_password_repeat", second).await;
    submit(&browser, "/account/password").await;
    wait_for_text(&browser, "Das Passwort stimmt nicht.").await;
    shots.take(&browser, "account-wrong-password").await;
    fill(&browser, "f-current_password", first).await;
    fill(&browser, "f-new_password", second).await;
    fill(&browser, "f-new_password_repeat", second).await;
    submit(&browser, "/account/password").await;
    wait_for_text(&browser, "Ihr Passwort ist geändert.").await;

    // The address: a link to the new one, opened in the browser.
    fill(&browser, "f-new_email", new).await;
    fill(&browser, "f-email_password", second).await;
    submit(&browser, "/account/email").await;
    wait_for_text(
        &browser,
        "Wir haben einen Link an die neue Adresse geschickt.",
    )
    .await;
    shots.take(&browser, "account-link-sent").await;
    app.dispatch_mails().await;
    let link = app.link_in_mail(new, "/account/email/confirm/");
    browser.goto(&app.url(&link)).await.expect("link");
    wait_for_text(&browser, "Ja, diese Adresse verwenden").await;
    shots.take(&browser, "account-email-confirm").await;
    submit(&browser, &link).await;
    wait_for_text(&browser, "Ihre E-Mail-Adresse ist geändert").await;
    shots.take(&browser, "account-address-changed").await;
    browser.goto(&app.url("/account")).await.expect("account");
    wait_for_text(&browser, new).await;

    // Deleting: the page says what happens; password and tick, then it is done.
    browser
        .goto(&app.url("/account/delete"))
        .await
        .expect("delete page");
    wait_for(&browser, "#f-delete_password").await;
    both_widths(&mut shots, &browser, "account-delete").await;
    fill(&browser, "f-delete_password", second).await;
    browser
        .find(Locator::Id("f-confirm"))
        .await
        .expect("checkbox")
        .click()
        .await
        .expect("tick");
    submit(&browser, "/account/delete").await;
    wait_for_text(&browser, "Ihr Konto ist gelöscht").await;
    shots.take(&browser, "account-deleted").await;

    // Neither the new nor the old address logs in any more.
    for email in [new, old] {
        login(&browser, &app, email, second).await;
        let url = browser.current_url().await.expect("url");
        assert!(url.path().starts_with("/login"), "{email} logged in: {url}");
    }
    let gone = entities::user::Entity::find()
        .filter(entities::user::Column::Email.is_in([old, new]))
        .all(app.db())
        .await
        .expect("q");
    assert!(gone.is_empty(), "no account keeps either address");
    let _ = browser.close().await;
    app.finish().await;
}
