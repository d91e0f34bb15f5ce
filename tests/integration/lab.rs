//! The policy lab on the demo data: a coordinator compares policies on Esslingen's
//! history in the background (progress, then the report; nothing else in the database
//! changes), wrong input comes back at its field with the values kept, other
//! municipalities' coordinators see nothing; every match run keeps a fairness report that
//! its page and the API show, and whose figures agree with the run. The CLI writes the
//! same result for the same seed.

use std::time::{Duration, Instant};

use bleibe::services::lab::LabResult;
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::api::token_for;
use crate::api_writes::call;
use crate::cli::bleibe;
use crate::db_test;
use crate::outreach::row_counts;
use crate::pipeline::match_run;
use crate::workspace::{ES_COORDINATOR, LANDLORD, WN_COORDINATOR, demo, staff};

db_test!(
    async fn a_comparison_runs_in_the_background_and_reports_without_changing_anything(app) {
        let d = demo(app).await;
        let es = d.esslingen;
        let coordinator = staff(app, ES_COORDINATOR).await;
        let form = format!("/m/{es}/lab");
        let page = coordinator.get(&form).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("page");
        assert!(html.contains("Politik-Labor") && html.contains("batch:week"), "{html}");

        // Wrong input: 422, each message at its field, the typed values kept.
        let r = coordinator
            .post_form(&form, &form, &[("months", "0"), ("seeds", "99")])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("1 bis 24 Monate"), "months message");
        assert!(html.contains("1 bis 10 Durchläufe"), "seeds message");
        assert!(html.contains("mindestens eine Politik"), "policies message");
        assert!(html.contains("value=\"0\"") && html.contains("value=\"99\""), "values kept");
        assert!(!html.contains("checked"), "no policy ticked by the page itself");

        // A comparison: it changes nothing but its own row.
        let before = row_counts(app).await;
        let r = coordinator
            .post_form(
                &form,
                &form,
                &[
                    ("months", "12"),
                    ("seeds", "2"),
                    ("policies", "greedy"),
                    ("policies", "batch:week"),
                    ("policies", "hindsight"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().expect("location").to_owned();
        assert!(location.starts_with(&format!("/m/{es}/lab/")), "{location}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let html = loop {
            let html = coordinator.get(&location).await.text().await.expect("page");
            if !html.contains("http-equiv=\"refresh\"") {
                break html;
            }
            assert!(html.contains("<progress"), "progress shown while it runs");
            assert!(Instant::now() < deadline, "the comparison did not finish");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(html.contains("Politiken im Vergleich"), "{html}");
        assert!(html.contains("Fairness: Wer wird vermittelt?"));
        assert!(html.contains("<svg"), "charts drawn on the server");
        assert!(!html.contains("lab."), "a text key shown instead of its text");
        let mut after = row_counts(app).await;
        assert_eq!(after.remove("lab_runs"), Some(before["lab_runs"] + 1));
        let mut before = before;
        before.remove("lab_runs");
        // Logins write sessions; nothing else may change.
        before.remove("sessions");
        after.remove("sessions");
        assert_eq!(after, before, "the lab changed data");

        let run = entities::lab_run::Entity::find()
            .all(app.db())
            .await
            .expect("q")
            .pop()
            .expect("a lab run");
        assert_eq!((run.status.as_str(), run.done, run.total), ("done", 6, 6));
        let result: LabResult =
            serde_json::from_str(run.result.as_deref().expect("result")).expect("result json");
        assert_eq!(result.comparison.runs.len(), 6);
        assert!(result.facts.households > 0 && result.facts.flats > 0);
        for m in &result.comparison.runs {
            let share = m.share_of_hindsight.unwrap_or(0.0);
            assert!(share <= 1.0 + 1e-12, "{} beat hindsight", m.policy);
            assert_eq!(m.placed + m.still_waiting, result.facts.households);
        }

        // Other municipalities see nothing of it; landlords do not get in.
        let other = staff(app, WN_COORDINATOR).await;
        assert_eq!(other.get(&location).await.status(), 404);
        let wn_path = format!("/m/{}/lab/{}", d.winnenden, run.id);
        assert_eq!(other.get(&wn_path).await.status(), 404);
        assert_eq!(other.get(&form).await.status(), 404);
        let listed = other.get(&format!("/m/{}/lab", d.winnenden)).await.text().await.expect("page");
        assert!(!listed.contains(&format!("/lab/{}", run.id)));
        let landlord = staff(app, LANDLORD).await;
        assert_ne!(landlord.get(&location).await.status(), 200);
    }
);

db_test!(
    async fn every_run_keeps_a_fairness_report_that_agrees_with_the_run(app) {
        let d = demo(app).await;
        let (run_id, _) = match_run(app, d).await;
        let run = entities::match_run::Entity::find_by_id(run_id)
            .one(app.db())
            .await
            .expect("q")
            .expect("run");
        let token = token_for(app, ES_COORDINATOR).await;
        let answer = call(
            app,
            &token,
            reqwest::Method::GET,
            &format!("/api/v1/match-runs/{run_id}"),
            None,
            &[],
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let f: &Value = &answer.body["fairness"];
        assert_eq!(f["pool"].as_i64(), Some(i64::from(run.households_count)));
        assert_eq!(f["matched"].as_i64(), Some(i64::from(run.assigned_count)));
        let groups = f["groups"].as_array().expect("groups");
        for dimension in ["size", "mobility", "urgency", "follow_up", "residence_obligation"] {
            let sum: i64 = groups
                .iter()
                .filter(|g| g["dimension"] == dimension)
                .map(|g| g["in_pool"].as_i64().expect("count"))
                .sum();
            assert_eq!(sum, i64::from(run.households_count), "{dimension}");
            let matched: i64 = groups
                .iter()
                .filter(|g| g["dimension"] == dimension)
                .map(|g| g["matched"].as_i64().expect("count"))
                .sum();
            assert_eq!(matched, i64::from(run.assigned_count), "{dimension}");
        }
        // Nothing in it names a household.
        let text = f.to_string();
        let households = entities::household::Entity::find().all(app.db()).await.expect("q");
        assert!(households.iter().all(|h| !text.contains(&h.reference)));

        let coordinator = staff(app, ES_COORDINATOR).await;
        let html = coordinator
            .get(&format!("/runs/{run_id}"))
            .await
            .text()
            .await
            .expect("page");
        assert!(html.contains("Fairness dieses Laufs"), "run page section");
        assert!(html.contains("5 Personen und mehr") && html.contains("Mit Wohnsitzauflage"));
        assert!(!html.contains("lab."), "a text key shown instead of its text");
    }
);

fn simulate(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    bleibe()
        .args(["simulate", "--generate", "2", "--seeds", "2"])
        .args(["--policy", "greedy,batch:week,hindsight", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("run bleibe simulate")
}

fn without_elapsed(path: &std::path::Path) -> Value {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("result")).expect("json");
    v["elapsed_ms"] = Value::Null;
    v
}

#[test]
fn simulate_writes_the_same_result_for_the_same_seed_and_names_wrong_input() {
    let dir = tempfile::tempdir().expect("dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let out = simulate(&a, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("batch:week") && stdout.contains("hindsight"),
        "{stdout}"
    );
    assert!(simulate(&b, &[]).status.success());
    assert_eq!(
        without_elapsed(&a.join("result.json")),
        without_elapsed(&b.join("result.json"))
    );
    let html = std::fs::read_to_string(a.join("report.html")).expect("report");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(html.contains("Politik-Labor"));
    let english = simulate(&dir.path().join("en"), &["--lang", "en"]);
    assert!(english.status.success());
    let html = std::fs::read_to_string(dir.path().join("en/report.html")).expect("report");
    assert!(html.contains("Policy lab") && html.contains("lang=\"en\""));

    // Another seed: other answers, so other figures.
    assert!(simulate(&b, &["--seed", "7"]).status.success());
    assert_ne!(
        without_elapsed(&a.join("result.json")),
        without_elapsed(&b.join("result.json"))
    );

    let wrong = bleibe()
        .args([
            "simulate",
            "--generate",
            "1",
            "--policy",
            "greedy,weekly",
            "--out",
        ])
        .arg(dir.path().join("x"))
        .output()
        .expect("run");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("unknown policy 'weekly'"));
    let missing = bleibe()
        .args(["simulate", "--policy", "greedy"])
        .output()
        .expect("run");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--stream"));
    let file = dir.path().join("broken.json");
    std::fs::write(&file, "{\"start\": \"2027-01-01\"}").expect("write");
    let broken = bleibe()
        .args(["simulate", "--stream"])
        .arg(&file)
        .output()
        .expect("run");
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("broken.json"));
}

/// Stores a finished comparison of a generated stream for municipality `mid` (for pages
/// that show a report) and returns its id.
pub async fn finished_comparison(app: &crate::helpers::TestApp, mid: i64) -> i64 {
    use bleibe::engine::lab::Policy;
    use bleibe::services::lab::{Source, compare};
    use bleibe::sim::stream::{StreamOptions, generate_stream};
    let stream = generate_stream(&StreamOptions::demo(3, 1)).expect("stream");
    let result = compare(
        &stream,
        Source::Generated { months: 3, seed: 1 },
        &Policy::ALL,
        1,
        2,
        &|_, _| {},
    )
    .expect("comparison");
    let row = entities::lab_run::ActiveModel {
        municipality_id: sea_orm::Set(Some(mid)),
        months: sea_orm::Set(3),
        policies: sea_orm::Set("all".into()),
        seeds: sea_orm::Set(2),
        status: sea_orm::Set("done".into()),
        done: sea_orm::Set(14),
        total: sea_orm::Set(14),
        result: sea_orm::Set(Some(serde_json::to_string(&result).expect("json"))),
        created_at: sea_orm::Set(app.clock_now()),
        finished_at: sea_orm::Set(Some(app.clock_now())),
        ..Default::default()
    };
    sea_orm::ActiveModelTrait::insert(row, app.db())
        .await
        .expect("lab run")
        .id
}
