//! A coordinator's edit meets a sync job's write, in a real browser (headless Chromium
//! through chromedriver): the save is refused and said so, what was typed stays, and the
//! second save goes through. Skipped without chromedriver, except under `CI=true`.

use entities::household;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::helpers::TestApp;
use crate::workspace::demo;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_that_meets_a_sync_is_refused_and_said_so_in_a_real_browser() {
    use crate::browser::{
        Shots, axe, axe_source, both_widths, browser, click, login, start_driver, wait_for,
    };
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .expect("app");
    let d = demo(&app).await;
    let id = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(d.esslingen))
        .filter(household::Column::Status.eq("active"))
        .order_by_asc(household::Column::Id)
        .one(app.db())
        .await
        .expect("q")
        .expect("a household")
        .id;
    let profile = tempfile::tempdir().expect("profile");
    let browser = browser(&driver, profile.path()).await;
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let mut shots = Shots { dir, n: 60 };
    login(
        &browser,
        &app,
        "koordination.esslingen@bleibe.example",
        "Bleibe-Koordination-2026",
    )
    .await;
    browser
        .goto(&app.url(&format!("/households/{id}/edit")))
        .await
        .expect("edit");
    wait_for(&browser, "#f-urgency_reason").await;
    crate::browser::fill(&browser, "f-urgency_reason", "Kündigung zum Monatsende").await;

    // A sync job writes the household while the page is open.
    assert!(
        bleibe::store::households::bump_version(app.db(), id, None)
            .await
            .expect("bump")
    );
    click(&browser, ".form-actions button[value=save]").await;
    wait_for(&browser, "#stale").await;
    let banner = browser
        .find(fantoccini::Locator::Id("stale"))
        .await
        .expect("banner")
        .text()
        .await
        .expect("text");
    assert!(
        banner.contains("Inzwischen hat jemand anderes gespeichert")
            && banner.contains("Ihre Eingaben stehen unten noch"),
        "{banner}"
    );
    let kept = browser
        .find(fantoccini::Locator::Id("f-urgency_reason"))
        .await
        .expect("field")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        kept.as_deref(),
        Some("Kündigung zum Monatsende"),
        "what was typed stays"
    );
    let stored = bleibe::store::households::find(app.db(), id)
        .await
        .expect("q")
        .expect("h");
    assert_ne!(
        stored.profile.urgency_reason.as_deref(),
        Some("Kündigung zum Monatsende"),
        "nothing saved"
    );
    both_widths(&mut shots, &browser, "stale-household").await;
    if let Some(source) = axe_source() {
        for width in [1280, 390] {
            browser.set_window_size(width, 1000).await.expect("size");
            let (violations, incomplete) = axe(&browser, &source).await;
            assert!(
                violations.is_empty() && incomplete.is_empty(),
                "at {width} px: {violations:?} {incomplete:?}"
            );
        }
        browser.set_window_size(1280, 1000).await.expect("size");
    }

    // Saving again overwrites knowingly.
    click(&browser, ".form-actions button[value=save]").await;
    let shown = format!("/households/{id}");
    for _ in 0..100 {
        if browser.current_url().await.expect("url").path() == shown {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        browser.current_url().await.expect("url").path(),
        shown,
        "saved: the household's page"
    );
    let stored = bleibe::store::households::find(app.db(), id)
        .await
        .expect("q")
        .expect("h");
    assert_eq!(
        stored.profile.urgency_reason.as_deref(),
        Some("Kündigung zum Monatsende")
    );
    browser.close().await.expect("close");
}
