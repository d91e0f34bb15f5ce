//! Every page reads as words: each role walks the pages it can reach from its overview,
//! in German and in English, after a few placements moved through the pipeline, and no
//! page shows a catalog key, a code (`snake_case`), JSON, or a counted noun in the wrong
//! number ("1 Haushalte", "2 Person").

use bleibe::domain::pipeline::Action;

use crate::accounts::TestClient;
use crate::db_test;
use crate::helpers::TestApp;
use crate::pipeline::{coordinator, match_run, take};
use crate::workspace::{ADMIN, ES_COORDINATOR, LANDLORD, VOLUNTEER, demo, staff};

/// The text a person sees: tags, scripts and styles removed, entities decoded.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        // Each text node on its own line: words of different cells never pair up.
        out.push('\n');
        let after = &rest[start..];
        let lower: String = after.chars().take(8).collect::<String>().to_lowercase();
        let skip_to = if lower.starts_with("<script") {
            after.find("</script>").map(|e| e + 9)
        } else if lower.starts_with("<style") {
            after.find("</style>").map(|e| e + 8)
        } else if after.starts_with("<!--") {
            after.find("-->").map(|e| e + 3)
        } else {
            after.find('>').map(|e| e + 1)
        };
        match skip_to {
            Some(n) => rest = &after[n..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
}

const SECTIONS: &[&str] = &[
    "common",
    "home",
    "error",
    "form",
    "validation",
    "auth",
    "unit",
    "units",
    "incentive",
    "dashboard",
    "proposal",
    "languages",
    "workspace",
    "privacy",
    "mail",
    "nav",
    "households",
    "household",
    "pipeline",
    "second_factor",
    "followup",
    "review",
    "criteria",
    "units_list",
    "rules",
    "programme",
    "admin",
    "municipality",
    "link",
    "jobs",
    "account",
    "count",
    "floor",
];

/// What on a page reads as a code or a wrong number rather than words.
pub fn wording_problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if text.contains("{\"") {
        out.push("JSON".to_owned());
    }
    let words: Vec<&str> = text
        .split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    ',' | ';' | ':' | '(' | ')' | '„' | '“' | '"' | '»' | '«' | '!' | '?'
                )
        })
        .filter(|w| !w.is_empty())
        .collect();
    for w in &words {
        let w = w.trim_end_matches('.');
        if w.contains('@') || w.contains('/') {
            continue;
        }
        let snake = w.contains('_')
            && w.split('_').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        if snake {
            out.push(format!("code: {w}"));
            continue;
        }
        if let Some((head, tail)) = w.split_once('.')
            && SECTIONS.contains(&head)
            && !tail.is_empty()
            && tail
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        {
            out.push(format!("key: {w}"));
        }
    }
    for node in text.lines() {
        let words: Vec<&str> = node
            .split(|c: char| {
                c.is_whitespace()
                    || matches!(c, ',' | ';' | ':' | '(' | ')' | '„' | '“' | '"' | '!' | '?')
            })
            .filter(|w| !w.is_empty())
            .collect();
        number_problems(&words, &mut out);
    }
    out
}

fn number_problems(words: &[&str], out: &mut Vec<String>) {
    const PLURALS: &[&str] = &[
        "Haushalte",
        "Personen",
        "Wohnungen",
        "Vorschläge",
        "households",
        "persons",
        "flats",
        "proposals",
    ];
    const SINGULARS: &[&str] = &[
        "Haushalt",
        "Person",
        "Wohnung",
        "Vorschlag",
        "household",
        "person",
        "flat",
        "proposal",
    ];
    for (i, pair) in words.windows(2).enumerate() {
        let (n, noun) = (pair[0], pair[1].trim_end_matches('.'));
        let Ok(n) = n.parse::<u64>() else { continue };
        // "Haushalt Nr. 2 Wohnung Nr. 3": a number that ends a name, not a count.
        if i > 0 && matches!(words[i - 1], "Nr." | "No." | "Nr" | "No") {
            continue;
        }
        let context = || words[i.saturating_sub(3)..(i + 4).min(words.len())].join(" ");
        if n == 1 && PLURALS.contains(&noun) {
            out.push(format!("number: 1 {noun} («{}»)", context()));
        }
        if n != 1 && SINGULARS.contains(&noun) {
            out.push(format!("number: {n} {noun} («{}»)", context()));
        }
    }
}

/// Walks the pages reachable from `start` (GET links of this site), at most `limit`.
async fn walk(client: &TestClient<'_>, start: &str, limit: usize) -> Vec<(String, String)> {
    let mut queue = vec![start.to_owned()];
    let mut seen = std::collections::HashSet::new();
    let mut pages = Vec::new();
    while let Some(path) = queue.first().cloned() {
        queue.remove(0);
        if pages.len() >= limit || !seen.insert(path.clone()) {
            continue;
        }
        let r = client.get(&path).await;
        let html_page = r
            .headers()
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("text/html"));
        if !r.status().is_success() || !html_page {
            continue;
        }
        let body = r.text().await.unwrap_or_default();
        for tag in crate::html::tags(&body) {
            if tag.name != "a" {
                continue;
            }
            let Some(href) = tag.attr("href") else {
                continue;
            };
            let href = href.replace("&amp;", "&");
            let href = href.split('#').next().unwrap_or("").to_owned();
            let skip = !href.starts_with('/')
                || href.starts_with("//")
                || ["/logout", "/lang/", "/static/", "/a/", "/api"]
                    .iter()
                    .any(|p| href.starts_with(p))
                || [
                    ".csv",
                    ".ics",
                    ".pdf",
                    ".json",
                    ".jpg",
                    ".png",
                    "/export",
                    "/photos/",
                    "/download",
                    "/print",
                ]
                .iter()
                .any(|p| href.contains(p));
            if !skip && !seen.contains(&href) {
                queue.push(href);
            }
        }
        pages.push((path, body));
    }
    pages
}

db_test!(
    async fn every_page_reads_as_words_in_german_and_english(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let user = coordinator(app).await;
        // A few placements along the pipeline, so histories and boards have content.
        for p in suggested.iter().take(4) {
            take(app, &user, p.id, Action::Approve, &[]).await;
        }
        take(app, &user, suggested[0].id, Action::HouseholdAccept, &[]).await;
        take(app, &user, suggested[0].id, Action::LandlordAccept, &[]).await;
        take(app, &user, suggested[1].id, Action::HouseholdDecline, &[("reason_code", "too_far")]).await;
        let mut failures = Vec::new();
        for email in [ES_COORDINATOR, ADMIN, LANDLORD, VOLUNTEER] {
            for lang in ["de", "en"] {
                let client = staff(app, email).await;
                client.get(&format!("/lang/{lang}?next=/")).await;
                let pages = walk(&client, "/", 60).await;
                assert!(pages.len() > 3, "{email} {lang}: only {} pages", pages.len());
                for (path, body) in pages {
                    for problem in wording_problems(&visible_text(&body)) {
                        failures.push(format!("{email} {lang} {path}: {problem}"));
                    }
                }
            }
        }
        failures.sort();
        failures.dedup();
        assert!(failures.is_empty(), "{} pages read as codes:\n{}", failures.len(), failures.join("\n"));
    }
);

#[test]
fn the_reader_spots_codes_keys_json_and_wrong_numbers() {
    let found = wording_problems(
        "Herkunft: override. Schritt: pipeline_step {\"amount_cents\":1} 1 Haushalte, 3 Person, pipeline.reason_codes.x\nVorschlag 2\nHaushalt Nr. 2",
    );
    assert!(
        !found.iter().any(|f| f.contains("2 Haushalt")),
        "separate cells: {found:?}"
    );
    for expected in [
        "code: pipeline_step",
        "JSON",
        "number: 1 Haushalte",
        "number: 3 Person",
        "key: pipeline.reason_codes.x",
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{expected} in {found:?}"
        );
    }
    assert!(
        wording_problems(
            "1 Haushalt, 2 Haushalte, 1 Person, mail an lea_h@example.org, /m/1/why_not"
        )
        .is_empty()
    );
    assert_eq!(
        visible_text("<p>a<script>x_y</script> b<!-- c_d --></p>")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
}

db_test!(
    async fn staff_are_not_told_they_asked_for_nothing_on_a_flat_without_requests(app) {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let d = demo(app).await;
        let requested: Vec<i64> = entities::unit_incentive::Entity::find()
            .all(app.db())
            .await
            .expect("requests")
            .into_iter()
            .map(|r| r.unit_id)
            .collect();
        let unit = entities::unit::Entity::find()
            .filter(entities::unit::Column::MunicipalityId.eq(d.esslingen))
            .all(app.db())
            .await
            .expect("units")
            .into_iter()
            .find(|u| !requested.contains(&u.id))
            .expect("a flat without requests");
        let coordinator = staff(app, ES_COORDINATOR).await;
        let page = coordinator.get(&format!("/units/{}", unit.id)).await.text().await.expect("page");
        assert!(page.contains("Für diese Wohnung wurden keine Hilfen beantragt."), "staff wording");
        assert!(!page.contains("Sie haben keine Hilfen beantragt."), "not the landlord's wording");
    }
);
