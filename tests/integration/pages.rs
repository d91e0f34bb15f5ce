//! The start page, the language switcher, error pages.

use crate::db_test;

db_test!(
    async fn the_start_page_explains_bleibe_in_german_by_default(app) {
        let response = app.get("/").await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.expect("text");
        assert!(html.contains("<html lang=\"de\">"));
        assert!(html.contains("Anschlussunterbringung"));
        assert!(html.contains("href=\"/login\""));
    }
);

db_test!(
    async fn the_start_page_follows_the_browser_language(app) {
        let html = app
            .client
            .get(app.url("/"))
            .header("accept-language", "en-GB,en;q=0.9")
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("text");
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("follow-up housing"));
    }
);

db_test!(
    async fn the_chosen_language_is_remembered(app) {
        let response = app.get("/lang/en?next=/").await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], "/");
        let html = app.get("/").await.text().await.expect("text");
        assert!(html.contains("<html lang=\"en\">"), "cookie not honoured");

        app.get("/lang/de?next=/").await;
        let html = app
            .client
            .get(app.url("/"))
            .header("accept-language", "en")
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("text");
        assert!(html.contains("<html lang=\"de\">"), "the choice beats the browser");
    }
);

db_test!(
    async fn the_language_switch_never_leaves_the_site(app) {
        let response = app.get("/lang/en?next=//evil.example/").await;
        assert_eq!(response.headers()["location"], "/");
        assert_eq!(app.get("/lang/xx").await.status(), 404);
    }
);

db_test!(
    async fn an_unknown_page_is_a_friendly_404_in_both_languages(app) {
        let response = app.get("/gibt-es-nicht").await;
        assert_eq!(response.status(), 404);
        let html = response.text().await.expect("text");
        assert!(html.contains("Seite nicht gefunden") && html.contains("Page not found"));
    }
);

db_test!(
    async fn the_stylesheet_is_served(app) {
        let response = app.get("/static/bleibe.css").await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().expect("ascii").starts_with("text/css"));
        assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
    }
);

db_test!(
    async fn the_accessibility_statement_and_the_favicon_are_there(app) {
        let home = app.get("/").await.text().await.expect("home");
        assert!(home.contains("href=\"/barrierefreiheit\"") && home.contains("Barrierefreiheit"), "linked from every page's footer");
        assert!(home.contains("rel=\"icon\""));
        let r = app.get("/barrierefreiheit").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("statement");
        for words in ["Erklärung zur Barrierefreiheit", "teilweise barrierefrei", "§ 16", "Schlichtungsstelle", "barrierefreiheit@bleibe.invalid", "02.12.2026"] {
            assert!(html.contains(words), "{words}");
        }
        let english = app.client.get(app.url("/accessibility")).header("accept-language", "en").send().await.expect("request").text().await.expect("statement");
        assert!(english.contains("Accessibility statement") && english.contains("partially"), "{english}");
        let icon = app.get("/favicon.ico").await;
        assert_eq!(icon.status(), 200);
        assert_eq!(icon.headers()["content-type"], "image/x-icon");
        let bytes = icon.bytes().await.expect("icon");
        assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO file");
        assert_eq!(app.get("/static/favicon.svg").await.status(), 200);
        let places = app.get("/static/geo/places.geojson").await;
        assert_eq!(places.status(), 200);
        assert!(places.text().await.expect("places").contains("\"Landkreis Esslingen\""));
    }
);

db_test!(
    async fn every_chart_points_to_its_numbers(app) {
        let d = crate::workspace::demo(app).await;
        let es = crate::workspace::staff(app, crate::workspace::ES_COORDINATOR).await;
        let year = app.clock_now().format("%Y").to_string();
        for path in [format!("/m/{}", d.esslingen), format!("/m/{}/report/{year}", d.esslingen)] {
            let html = es.get(&path).await.text().await.expect("page");
            let tags = crate::html::tags(&html);
            let charts: Vec<&crate::html::Tag> = tags
                .iter()
                .filter(|t| t.name == "figure" && t.attr("class").is_some_and(|c| c.contains("chart")))
                .collect();
            assert!(!charts.is_empty(), "{path}: charts");
            for chart in charts {
                let target = chart.attr("aria-describedby").unwrap_or_else(|| panic!("{path}: a chart without its numbers"));
                let table = tags
                    .iter()
                    .find(|t| t.attr("id") == Some(target))
                    .unwrap_or_else(|| panic!("{path}: #{target} is missing"));
                assert_eq!(table.name, "table", "{path}: #{target} is the table of numbers");
            }
        }
    }
);
