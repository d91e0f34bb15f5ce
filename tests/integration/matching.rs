//! The matching engine from the command line (the `match` and `scenario` contracts) and
//! inside the service (`match --run`: stored runs, candidates and suggestions).

use std::io::Write;
use std::process::{Command, Stdio};

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::db_test;

fn bleibe() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bleibe"));
    for (key, _) in std::env::vars() {
        if key.starts_with("BLEIBE_") {
            command.env_remove(key);
        }
    }
    command
}

const SCENARIO: &str = r#"{
  "as_of": "2026-11-21",
  "municipalities": [ { "id": "plo", "name": "Plochingen", "lat": 48.71067, "lon": 9.41949,
      "rent_caps": [ { "persons": 1, "max_gross_cold_rent": 540.0 }, { "persons": 2, "max_gross_cold_rent": 650.0 },
                     { "persons": 3, "max_gross_cold_rent": 775.0 } ], "extra_person_cap": 95.0 } ],
  "units": [
    { "id": "u1", "municipality": "plo", "lat": 48.712, "lon": 9.421, "area_m2": 75, "rooms": 3, "floor": 0,
      "lift": false, "wheelchair_accessible": true, "cold_rent": 600, "service_charges": 150, "heating_costs": 80,
      "municipal_top_up": 0, "available_from": "2026-12-01", "max_occupants": 5, "pets_allowed": false,
      "landlord_max_household_size": null },
    { "id": "u2", "municipality": "plo", "lat": 48.709, "lon": 9.418, "area_m2": 40, "rooms": 1, "floor": 3,
      "lift": false, "wheelchair_accessible": false, "cold_rent": 400, "service_charges": 90, "heating_costs": 50,
      "municipal_top_up": 0, "available_from": "2026-11-01", "max_occupants": 2, "pets_allowed": false,
      "landlord_max_household_size": 1 } ],
  "households": [
    { "id": "h1", "municipality": "plo", "adults": 2, "children_ages": [5], "wheelchair": false,
      "max_floor_without_lift": null, "pets": false, "allowed_municipalities": null, "max_distance_km": null,
      "latest_move_date": "2027-06-30", "in_follow_up_since": "2024-03-01", "urgency": 1,
      "anchors": [ { "kind": "school", "lat": 48.713, "lon": 9.425, "importance": 0.8 } ],
      "declined_units": [], "declined_by_landlords_of_units": [] },
    { "id": "h2", "municipality": "plo", "adults": 1, "children_ages": [], "wheelchair": false,
      "max_floor_without_lift": null, "pets": false, "allowed_municipalities": ["plo"], "max_distance_km": 10,
      "latest_move_date": null, "in_follow_up_since": "2025-09-01", "urgency": 0, "anchors": [],
      "declined_units": [], "declined_by_landlords_of_units": [] },
    { "id": "h3", "municipality": "plo", "adults": 1, "children_ages": [], "wheelchair": true,
      "max_floor_without_lift": 0, "pets": true, "allowed_municipalities": null, "max_distance_km": null,
      "latest_move_date": "2026-11-25", "in_follow_up_since": null, "urgency": 3, "anchors": [],
      "declined_units": ["u1"], "declined_by_landlords_of_units": [] } ]
}"#;

fn run_match(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = bleibe()
        .arg("match")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bleibe");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn match_prints_the_documented_result() {
    let (code, stdout, stderr) = run_match(&["--scenario", "-"], SCENARIO);
    assert_eq!(code, 0, "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON result");
    let pairs: Vec<(String, String)> = r["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|a| {
            (
                a["unit"].as_str().unwrap_or("").to_owned(),
                a["household"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("u1".to_owned(), "h1".to_owned()),
            ("u2".to_owned(), "h2".to_owned())
        ]
    );
    assert_eq!(r["unassigned_households"], serde_json::json!(["h3"]));
    assert_eq!(r["unassigned_units"], serde_json::json!([]));
    let criteria = r["assignments"][0]["criteria"]
        .as_array()
        .expect("criteria");
    assert_eq!(criteria.len(), 7);
    for c in criteria {
        for key in ["name", "weight", "points", "text_de", "text_en"] {
            assert!(c.get(key).is_some(), "criterion without {key}: {c}");
        }
    }
    assert!(r["alternatives"]["u1"].is_array() && r["alternatives"]["u2"].is_array());
    assert_eq!(r["stats"]["households"], 3);
    assert_eq!(r["stats"]["units"], 2);
    assert!(r.get("scores").is_none() && r.get("ineligible").is_none());
    let total = r["assignments"]
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["score"].as_f64().unwrap_or(0.0))
        .sum::<f64>();
    assert!((total - r["total_score"].as_f64().unwrap_or(-1.0)).abs() < 1e-6);
}

#[test]
fn match_with_every_option_lists_scores_and_ineligible_pairs() {
    let (code, stdout, stderr) = run_match(
        &[
            "--scenario",
            "-",
            "--all-scores",
            "--explain-ineligible",
            "--top-k",
            "1",
        ],
        SCENARIO,
    );
    assert_eq!(code, 0, "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let scores = r["scores"].as_array().expect("scores");
    assert_eq!(
        scores.len() as u64,
        r["stats"]["eligible_pairs"].as_u64().unwrap_or(0)
    );
    let ineligible = r["ineligible"].as_array().expect("ineligible");
    let h3_u1 = ineligible
        .iter()
        .find(|i| i["unit"] == "u1" && i["household"] == "h3")
        .expect("h3 cannot take u1");
    let codes: Vec<&str> = h3_u1["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"household_declined") && codes.contains(&"available_too_late"),
        "{codes:?}"
    );
    for alternatives in r["alternatives"].as_object().expect("object").values() {
        assert!(alternatives.as_array().expect("array").len() <= 1);
    }
}

#[test]
fn malformed_scenarios_exit_with_2_and_one_line_naming_the_place() {
    let cases = [
        ("{ \"as_of\": ", "line 1"),
        (
            &SCENARIO.replace("\"area_m2\": 40", "\"area_m2\": -40") as &str,
            "units[1].area_m2",
        ),
        (
            &SCENARIO.replace(
                "\"municipality\": \"plo\", \"adults\": 2",
                "\"municipality\": \"xyz\", \"adults\": 2",
            ),
            "households[0].municipality",
        ),
        (
            &SCENARIO.replace("\"id\": \"h2\"", "\"id\": \"h1\""),
            "households[1].id",
        ),
        (
            &SCENARIO.replace("\"cold_rent\": 400", "\"cold_rent\": \"viel\""),
            "units[1].cold_rent",
        ),
    ];
    for (input, place) in cases {
        let (code, stdout, stderr) = run_match(&["--scenario", "-"], input);
        assert_eq!(code, 2, "{place}: {stderr}");
        assert!(stdout.is_empty(), "{place}: printed {stdout}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(lines[0].contains(place), "{place} not in {stderr}");
    }
    let (code, stdout, _) = run_match(&["--scenario", "/no/such/file.json"], "");
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
}

#[test]
fn match_needs_a_scenario_or_run() {
    let (code, _, stderr) = run_match(&[], "");
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn generate_is_reproducible_and_its_output_runs() {
    let generate = |seed: &str| {
        let output = bleibe()
            .args([
                "scenario",
                "generate",
                "--households",
                "300",
                "--units",
                "120",
                "--seed",
                seed,
            ])
            .output()
            .expect("run");
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let a = generate("5");
    assert_eq!(a, generate("5"));
    assert_ne!(a, generate("6"));
    let s: serde_json::Value = serde_json::from_str(&a).expect("json");
    assert_eq!(s["households"].as_array().map(Vec::len), Some(300));
    assert!(
        s["municipalities"]
            .as_array()
            .expect("array")
            .iter()
            .any(|m| m["name"] == "Plochingen")
    );
    let (code, stdout, stderr) = run_match(&["--scenario", "-"], &a);
    assert_eq!(code, 0, "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert!(r["assignments"].as_array().expect("array").len() > 50);
}

async fn proposals_in_state(app: &crate::helpers::TestApp, state: &str) -> u64 {
    entities::proposal::Entity::find()
        .filter(entities::proposal::Column::State.eq(state))
        .count(app.db())
        .await
        .expect("count")
}

db_test!(
    async fn a_live_run_stores_the_run_its_candidates_and_suggestions(app) {
        use bleibe::services::matching::{Scope, Trigger, run};
        use bleibe::services::Actor;
        bleibe::services::demo::seed(&app.app).await.expect("demo");
        let summary = run(&app.app, &Actor::System, Scope::All, Trigger::Cli).await.expect("run");
        assert!(summary.assigned > 20, "{summary:?}");
        assert!(summary.households > 150 && summary.units > 40, "{summary:?}");

        let db = app.db();
        let stored = entities::match_run::Entity::find_by_id(summary.run_id).one(db).await.expect("q").expect("run");
        assert_eq!(stored.status, "completed");
        assert_eq!(stored.assigned_count as usize, summary.assigned);
        assert_eq!(stored.as_of, chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"));
        let rule_sets = entities::match_run_rule_set::Entity::find().count(db).await.expect("count");
        assert_eq!(rule_sets, 5, "one rule-set version per municipality is recorded");

        let candidates = entities::match_candidate::Entity::find()
            .filter(entities::match_candidate::Column::MatchRunId.eq(summary.run_id))
            .all(db)
            .await
            .expect("candidates");
        assert_eq!(candidates.iter().filter(|c| c.rank == 0).count(), summary.assigned);
        assert!(candidates.iter().any(|c| c.rank > 0), "alternatives are stored");
        for c in &candidates {
            let criteria: Vec<serde_json::Value> = serde_json::from_str(&c.criteria).expect("criteria JSON");
            assert_eq!(criteria.len(), 7);
            let sum: f64 = criteria.iter().map(|x| x["weight"].as_f64().unwrap_or(0.0) * x["points"].as_f64().unwrap_or(0.0)).sum();
            assert!((sum - c.score).abs() < 1e-5, "stored explanation does not add up to the score");
        }
        assert_eq!(proposals_in_state(app, "suggested").await as usize, summary.assigned);
        let events = entities::proposal_event::Entity::find().count(db).await.expect("count");
        assert_eq!(events as usize, summary.assigned);
        let audit = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.eq("match_run"))
            .count(db)
            .await
            .expect("count");
        assert_eq!(audit, 1);

        // A second run replaces the first run's open suggestions, recording why.
        let second = run(&app.app, &Actor::System, Scope::All, Trigger::Cli).await.expect("second run");
        assert_eq!(second.superseded, summary.assigned);
        assert_eq!(proposals_in_state(app, "suggested").await as usize, second.assigned);
        assert_eq!(proposals_in_state(app, "rejected").await as usize, summary.assigned);
    }
);

db_test!(
    async fn a_run_for_one_municipality_stays_inside_it(app) {
        use bleibe::services::matching::{Scope, Trigger, find_municipality, run};
        use bleibe::services::Actor;
        bleibe::services::demo::seed(&app.app).await.expect("demo");
        let plochingen = find_municipality(&app.app, "08116056").await.expect("by AGS");
        assert_eq!(find_municipality(&app.app, "Plochingen").await.expect("by name").id, plochingen.id);
        assert_eq!(find_municipality(&app.app, &plochingen.id.to_string()).await.expect("by id").id, plochingen.id);
        assert!(find_municipality(&app.app, "Atlantis").await.is_err());

        let summary = run(&app.app, &Actor::System, Scope::Municipality(plochingen.id), Trigger::Cli).await.expect("run");
        assert!(summary.assigned > 0);
        let proposals = entities::proposal::Entity::find().all(app.db()).await.expect("proposals");
        for p in proposals {
            let unit = entities::unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
            let household = entities::household::Entity::find_by_id(p.household_id).one(app.db()).await.expect("q").expect("h");
            assert_eq!(unit.municipality_id, plochingen.id);
            assert_eq!(household.municipality_id, plochingen.id);
        }
    }
);

db_test!(
    async fn a_coordinator_may_only_run_matching_for_their_municipality(app) {
        use bleibe::domain::roles::Role;
        use bleibe::services::matching::{Scope, Trigger, run};
        use bleibe::services::{Actor, CurrentUser, ServiceError};
        bleibe::services::demo::seed(&app.app).await.expect("demo");
        let coordinator = Actor::User(CurrentUser { id: 2, display_name: "K".into(), role: Role::Coordinator, municipalities: vec![1] });
        assert!(run(&app.app, &coordinator, Scope::Municipality(1), Trigger::Manual).await.is_ok());
        assert!(matches!(run(&app.app, &coordinator, Scope::Municipality(2), Trigger::Manual).await, Err(ServiceError::Forbidden)));
        assert!(matches!(run(&app.app, &coordinator, Scope::All, Trigger::Manual).await, Err(ServiceError::Forbidden)));
        let landlord = Actor::User(CurrentUser { id: 9, display_name: "V".into(), role: Role::Landlord, municipalities: vec![] });
        assert!(matches!(run(&app.app, &landlord, Scope::Municipality(1), Trigger::Manual).await, Err(ServiceError::Forbidden)));
    }
);

db_test!(
    async fn frozen_and_declined_pairs_are_never_proposed_again(app) {
        use bleibe::services::matching::{Scope, Trigger, load_scenario, run};
        use bleibe::services::Actor;
        use sea_orm::{ActiveModelTrait, Set};
        bleibe::services::demo::seed(&app.app).await.expect("demo");
        let first = run(&app.app, &Actor::System, Scope::All, Trigger::Cli).await.expect("run");
        let suggestions = entities::proposal::Entity::find().all(app.db()).await.expect("proposals");
        // One proposal is approved (open: freezes its unit and household), one declined by the household.
        let mut open: entities::proposal::ActiveModel = suggestions[0].clone().into();
        open.state = Set("approved".into());
        open.is_open = Set(true);
        open.update(app.db()).await.expect("approve");
        let mut declined: entities::proposal::ActiveModel = suggestions[1].clone().into();
        declined.state = Set("household_declined".into());
        declined.update(app.db()).await.expect("decline");

        let loaded = load_scenario(&app.app, Scope::All, app.app.clock.today()).await.expect("load");
        assert_eq!(loaded.frozen_units, 1);
        assert_eq!(loaded.frozen_households, 1);
        let frozen_unit = bleibe::engine::Id::Num(suggestions[0].unit_id);
        assert!(loaded.scenario.units.iter().all(|u| u.id != frozen_unit));
        let decliner = loaded
            .scenario
            .households
            .iter()
            .find(|h| h.id == bleibe::engine::Id::Num(suggestions[1].household_id))
            .expect("the household that declined is still matched");
        assert_eq!(decliner.declined_units, [bleibe::engine::Id::Num(suggestions[1].unit_id)]);

        let second = run(&app.app, &Actor::System, Scope::All, Trigger::Cli).await.expect("run");
        assert!(second.assigned <= first.assigned);
        let again = entities::proposal::Entity::find()
            .filter(entities::proposal::Column::MatchRunId.eq(second.run_id))
            .all(app.db())
            .await
            .expect("proposals");
        for p in again {
            assert_ne!(p.unit_id, suggestions[0].unit_id);
            assert!(!(p.unit_id == suggestions[1].unit_id && p.household_id == suggestions[1].household_id));
        }
    }
);

db_test!(
    async fn the_export_is_a_valid_scenario_of_the_live_data(app) {
        use bleibe::services::matching::{Scope, load_scenario};
        bleibe::services::demo::seed(&app.app).await.expect("demo");
        let loaded = load_scenario(&app.app, Scope::All, app.app.clock.today()).await.expect("load");
        bleibe::engine::scenario::validate(&loaded.scenario).expect("valid scenario");
        let json = serde_json::to_string(&loaded.scenario).expect("json");
        let reparsed = bleibe::engine::scenario::parse(&json).expect("parses again");
        assert_eq!(reparsed.households.len(), loaded.scenario.households.len());
        assert_eq!(loaded.scenario.municipalities.len(), 5);
        // Only available units and active, consenting households are exported.
        let available = entities::unit::Entity::find()
            .filter(entities::unit::Column::Status.eq("available"))
            .count(app.db())
            .await
            .expect("count");
        assert_eq!(loaded.scenario.units.len() as u64, available);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn match_run_and_scenario_export_work_from_the_command_line() {
    let temp = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/cli.db?mode=rwc", temp.path().display());
    let with_db = |args: &[&str]| {
        bleibe()
            .args(args)
            .env("BLEIBE_DATABASE__URL", &url)
            .env("BLEIBE_DATA__DIR", temp.path())
            .env("BLEIBE_LOG__LEVEL", "warn")
            .output()
            .expect("run")
    };
    assert!(with_db(&["demo"]).status.success());
    let output = with_db(&["match", "--run", "--municipality", "Plochingen"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Match run #1"));
    let output = with_db(&["match", "--run", "--municipality", "Atlantis"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Atlantis"));
    let output = with_db(&["scenario", "export", "--municipality", "08116056"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (code, stdout, stderr) = run_match(
        &["--scenario", "-"],
        &String::from_utf8_lossy(&output.stdout),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"assignments\""));
}
