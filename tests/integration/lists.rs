//! Long lists are filtered and paged in the database: the coordinator's household list
//! (pages of 50 with links that keep the filters) and the API's lists (`page`,
//! `per_page`, `total`), with a stable order and a search that knows umlauts on SQLite
//! too.

use bleibe::domain::household::{HouseholdStatus, Member, MemberRole};

use crate::api::{api, token_for};
use crate::db_test;
use crate::workspace::{ES_COORDINATOR, demo, number_after, staff};

/// Adds `n` households to the municipality, all named Öztürk, without a date in
/// follow-up housing (so they come last, by id), of `persons` persons each.
async fn add_households(
    app: &crate::helpers::TestApp,
    municipality: i64,
    n: usize,
    persons: usize,
) {
    let listed = bleibe::store::households::page(
        app.db(),
        &bleibe::store::households::ListFilter {
            municipalities: vec![municipality],
            statuses: vec![HouseholdStatus::Active],
            ..Default::default()
        },
        0,
        1,
    )
    .await
    .expect("list")
    .0
    .remove(0);
    let template = bleibe::store::households::find(app.db(), listed.id)
        .await
        .expect("find")
        .expect("the household");
    for i in 1..=n {
        let mut profile = template.profile.clone();
        profile.reference = format!("LIST-{i:04}");
        profile.in_follow_up_since = None;
        profile.members = (0..persons)
            .map(|p| Member {
                first_name: if p == 0 {
                    "Zoë".into()
                } else {
                    format!("Kind {p}")
                },
                last_name: Some("Öztürk".into()),
                birth_year: if p == 0 { 1985 } else { 2015 },
                role: if p == 0 {
                    MemberRole::Applicant
                } else {
                    MemberRole::Child
                },
            })
            .collect();
        bleibe::store::households::insert(
            app.db(),
            municipality,
            HouseholdStatus::Active,
            &profile,
            &[],
            None,
            None,
            app.app.clock.now(),
        )
        .await
        .expect("insert");
    }
}

db_test!(
    async fn the_household_list_is_searched_and_paged_in_the_database(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let list = format!("/m/{}/households", d.esslingen);
        let before = number_after(&es.get(&list).await.text().await.expect("list"), "Gefundene Haushalte: ");
        add_households(app, d.esslingen, 60, 2).await;

        // All of them: the count over all pages, 50 rows, a link to the next page.
        let page = es.get(&list).await.text().await.expect("list");
        assert_eq!(number_after(&page, "Gefundene Haushalte: "), before + 60);
        assert_eq!(page.matches("href=\"/households/").count(), 50, "50 rows a page");
        assert!(page.contains(&format!("(1 bis 50 von {})", before + 60)), "{page}");
        assert!(page.contains(&format!("href=\"{list}?page=2\" rel=\"next\"")));

        // The search knows umlauts whatever the database (SQLite's LOWER does not) and
        // the links keep it; the households without a date come last, by id.
        let page = es.get(&format!("{list}?q=%C3%96ZT%C3%9CRK")).await.text().await.expect("search");
        assert_eq!(number_after(&page, "Gefundene Haushalte: "), 60);
        assert!(page.contains("(1 bis 50 von 60)") && page.contains("Seite 1 von 2"));
        assert!(page.contains("LIST-0001") && page.contains("LIST-0050") && !page.contains("LIST-0051"));
        assert!(page.find("LIST-0001") < page.find("LIST-0002"));
        let next = format!("{list}?q=%C3%96ZT%C3%9CRK&#38;page=2");
        assert!(page.contains(&next), "the next link keeps the search: {page}");
        let second = es.get(&format!("{list}?q=%C3%96ZT%C3%9CRK&page=2")).await.text().await.expect("page 2");
        assert!(second.contains("(51 bis 60 von 60)") && second.contains("LIST-0060") && !second.contains("LIST-0050"));
        assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
        // A name part, any case; the reference too.
        let page = es.get(&format!("{list}?q=zo%C3%AB+%C3%B6zt")).await.text().await.expect("name");
        assert_eq!(number_after(&page, "Gefundene Haushalte: "), 60);
        let page = es.get(&format!("{list}?q=list-0007")).await.text().await.expect("reference");
        assert_eq!(number_after(&page, "Gefundene Haushalte: "), 1);
        // LIKE's wildcards are plain characters in a search.
        for wildcard in ["%25", "_", "%5C"] {
            let page = es.get(&format!("{list}?q={wildcard}")).await.text().await.expect("wildcard");
            assert!(page.contains("Keine Haushalte gefunden."), "{wildcard} matches nothing");
        }
        // Filters in SQL: two-person households, and the size filter combined with search.
        let page = es.get(&format!("{list}?q=%C3%B6zt%C3%BCrk&size=2")).await.text().await.expect("size");
        assert_eq!(number_after(&page, "Gefundene Haushalte: "), 60);
        let page = es.get(&format!("{list}?q=%C3%B6zt%C3%BCrk&size=3-4")).await.text().await.expect("size");
        assert!(page.contains("Keine Haushalte gefunden."));
        // Waiting at least 6 months: none of the new ones (no date).
        let page = es.get(&format!("{list}?q=%C3%B6zt%C3%BCrk&waiting=6")).await.text().await.expect("waiting");
        assert!(page.contains("Keine Haushalte gefunden."));

        // A page past the end or a page that is not a number: no error.
        let r = es.get(&format!("{list}?q=%C3%B6zt%C3%BCrk&page=99")).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.expect("past the end");
        assert!(page.contains("rel=\"prev\"") && page.contains("page=2"), "a way back: {page}");
        let r = es.get(&format!("{list}?page=abc")).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.expect("abc").contains("(1 bis 50 von"));

        // The list's copies of the first member's name and the years of birth follow a
        // change of the members (read from the household's row, not from the members).
        let filter = bleibe::store::households::ListFilter {
            municipalities: vec![d.esslingen],
            statuses: vec![HouseholdStatus::Active],
            search: Some("list-0007".into()),
            ..Default::default()
        };
        let listed = bleibe::store::households::page(app.db(), &filter, 0, 10).await.expect("list").0;
        assert_eq!((listed[0].name.as_str(), listed[0].birth_years.clone()), ("Zoë Öztürk", vec![1985, 2015]));
        let mut stored = bleibe::store::households::find(app.db(), listed[0].id).await.expect("find").expect("household");
        stored.profile.members.remove(0);
        stored.profile.members[0].first_name = "Ada".into();
        stored.profile.members[0].last_name = None;
        stored.profile.members[0].birth_year = 2001;
        bleibe::store::households::update(app.db(), stored.id, &stored.profile, &[], app.app.clock.now()).await.expect("update");
        let listed = bleibe::store::households::page(app.db(), &filter, 0, 10).await.expect("list").0;
        assert_eq!((listed[0].name.as_str(), listed[0].birth_years.clone()), ("Ada", vec![2001]));
        assert_eq!(listed[0], bleibe::store::households::ListedHousehold::of(&stored), "the same as read whole");
    }
);

db_test!(
    async fn the_api_pages_households_and_units_in_the_database(app) {
        let d = demo(app).await;
        add_households(app, d.esslingen, 30, 5).await;
        let token = token_for(app, ES_COORDINATOR).await;
        let (status, _, all) = api(app, &token, "/api/v1/households?per_page=100").await;
        assert_eq!(status, 200, "{all}");
        let total = all["total"].as_u64().expect("total");
        assert!(total > 80, "the demo's Esslingen households and 30 more: {total}");
        assert_eq!(all["items"].as_array().expect("items").len() as u64, total.min(100));
        assert_eq!(all["per_page"], 100);
        // Every page in turn holds every household once, in one stable order; those
        // without a date in follow-up housing come last.
        let mut seen = Vec::new();
        let mut page = 1;
        loop {
            let (_, _, p) = api(app, &token, &format!("/api/v1/households?per_page=40&page={page}")).await;
            let items = p["items"].as_array().expect("items").clone();
            if items.is_empty() {
                break;
            }
            assert_eq!(p["total"].as_u64(), Some(total));
            seen.extend(items);
            page += 1;
        }
        assert_eq!(seen.len() as u64, total);
        let mut ids: Vec<i64> = seen.iter().map(|h| h["id"].as_i64().expect("id")).collect();
        let dates: Vec<Option<String>> = seen.iter().map(|h| h["in_follow_up_since"].as_str().map(str::to_owned)).collect();
        let first_without = dates.iter().position(Option::is_none).expect("some without a date");
        assert!(dates[first_without..].iter().all(Option::is_none), "without a date last");
        assert!(dates[..first_without].windows(2).all(|w| w[0] <= w[1]), "longest waiting first");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len() as u64, total, "no household twice");
        // The list reads a narrow row (names, birth years and allowed places aggregated
        // beside it): each item says what the household's own page says, less its persons.
        assert!(seen.iter().any(|h| h["allowed_municipalities"].as_array().is_some_and(|a| a.len() > 1)), "the demo has residence-obligation areas");
        assert!(seen.iter().any(|h| h["children_ages"].as_array().is_some_and(|a| a.len() > 1)), "the demo has families");
        for item in &seen {
            let (status, _, mut own) = api(app, &token, &format!("/api/v1/households/{}", item["id"])).await;
            assert_eq!(status, 200);
            own.as_object_mut().expect("object").remove("members");
            own.as_object_mut().expect("object").remove("profile");
            assert_eq!(item, &own, "the list's item and the household's own answer");
        }
        // min_persons in SQL: the 30 five-person households and the demo's large ones.
        let (_, _, large) = api(app, &token, "/api/v1/households?min_persons=5&per_page=100").await;
        let large_total = large["total"].as_u64().expect("total");
        assert!(large_total >= 30);
        assert!(large["items"].as_array().expect("items").iter().all(|h| h["persons"].as_u64() >= Some(5)));

        // Units: paged, filtered, counted in the database.
        let (_, _, units) = api(app, &token, "/api/v1/units?per_page=3").await;
        let unit_total = units["total"].as_u64().expect("total");
        assert_eq!(units["items"].as_array().expect("items").len() as u64, unit_total.min(3));
        let (_, _, rooms) = api(app, &token, "/api/v1/units?min_rooms=3&per_page=100").await;
        assert!(rooms["items"].as_array().expect("items").iter().all(|u| u["rooms"].as_f64() >= Some(3.0)), "{rooms}");
        assert!(rooms["total"].as_u64() <= Some(unit_total));
        let (status, _, _) = api(app, &token, "/api/v1/units?per_page=0").await;
        assert_eq!(status, 400);
    }
);

db_test!(
    async fn the_api_pages_proposals_and_placements_in_the_database(app) {
        let d = demo(app).await;
        let (_, suggested) = crate::pipeline::match_run(app, d).await;
        assert!(suggested.len() >= 3, "the demo run suggests several: {}", suggested.len());
        // Placements for three of them (as the pipeline opens them at "accepted").
        let now = chrono::Utc::now();
        for p in &suggested[..3] {
            bleibe::store::pipeline::ensure_placement(app.db(), p, d.esslingen, now).await.expect("placement");
        }
        let token = token_for(app, ES_COORDINATOR).await;
        let ids = |v: &serde_json::Value| -> Vec<i64> {
            v["items"].as_array().expect("items").iter().map(|p| p["id"].as_i64().expect("id")).collect()
        };
        let (status, _, all) = api(app, &token, "/api/v1/proposals?per_page=100").await;
        assert_eq!(status, 200, "{all}");
        let total = all["total"].as_u64().expect("total");
        assert!(total >= suggested.len() as u64);
        // Page by page: every proposal once, newest first, the same total on each page.
        let mut seen = Vec::new();
        for page in 1.. {
            let (_, _, p) = api(app, &token, &format!("/api/v1/proposals?per_page=2&page={page}")).await;
            assert_eq!(p["total"].as_u64(), Some(total));
            let got = ids(&p);
            if got.is_empty() {
                break;
            }
            assert!(got.len() <= 2);
            seen.extend(got);
        }
        assert_eq!(seen.len() as u64, total);
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, none twice: {seen:?}");
        assert_eq!(seen, ids(&all));
        // A stage and a state narrow together; a state outside the stage finds nothing.
        let (_, _, review) = api(app, &token, "/api/v1/proposals?stage=review&per_page=100").await;
        let (_, _, suggested_state) = api(app, &token, "/api/v1/proposals?state=suggested&per_page=100").await;
        assert_eq!(review["total"], suggested_state["total"]);
        assert!(review["items"].as_array().expect("items").iter().all(|p| p["state"] == "suggested"));
        let (status, _, none) = api(app, &token, "/api/v1/proposals?stage=review&state=sent").await;
        assert_eq!(status, 200);
        assert_eq!(none["total"], 0);
        let unit = suggested[0].unit_id;
        let (_, _, of_unit) = api(app, &token, &format!("/api/v1/proposals?unit_id={unit}&per_page=100")).await;
        assert!(of_unit["total"].as_u64() >= Some(1));
        assert!(of_unit["items"].as_array().expect("items").iter().all(|p| p["unit_id"] == unit));

        // Placements: paged and filtered by outcome in the database, newest first.
        let (status, _, placements) = api(app, &token, "/api/v1/placements?per_page=2").await;
        assert_eq!(status, 200, "{placements}");
        assert_eq!(placements["total"], 3);
        let first = ids(&placements);
        assert_eq!(first.len(), 2);
        let (_, _, second) = api(app, &token, "/api/v1/placements?per_page=2&page=2").await;
        let second = ids(&second);
        assert_eq!(second.len(), 1);
        assert!(first[0] > first[1] && first[1] > second[0], "{first:?} {second:?}");
        let item = &placements["items"][0];
        assert!(!item["unit_address"].as_str().expect("address").is_empty(), "{item}");
        assert!(!item["household_reference"].as_str().expect("reference").is_empty(), "{item}");
        let outcome = item["outcome"].as_str().expect("outcome").to_owned();
        let (_, _, same) = api(app, &token, &format!("/api/v1/placements?outcome={outcome}")).await;
        assert_eq!(same["total"], 3);
        let (_, _, other) = api(app, &token, "/api/v1/placements?outcome=nothing-like-it").await;
        assert_eq!(other["total"], 0);
        let (status, _, _) = api(app, &token, "/api/v1/placements?per_page=0").await;
        assert_eq!(status, 400);

        // The coordinator's page of placements shows them with the pager's count.
        let es = staff(app, ES_COORDINATOR).await;
        let r = es.get(&format!("/m/{}/placements", d.esslingen)).await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.expect("body");
        assert!(body.contains("1 bis 3 von 3"), "pager count shown");
        let r = es.get(&format!("/m/{}/placements?page=9", d.esslingen)).await;
        assert_eq!(r.status(), 200);
    }
);

db_test!(
    async fn the_api_pages_a_landlords_proposals_in_the_database(app) {
        use bleibe::domain::pipeline::Action;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let d = demo(app).await;
        // A run's suggestions, all on flats of one landlord: one rejected (never shown to
        // the landlord), one accepted by both sides, the others sent.
        let (_, suggested) = crate::pipeline::match_run(app, d).await;
        assert!(suggested.len() >= 4, "the demo run suggests several: {}", suggested.len());
        let email = "vermietung@wohnbau-neckar.example";
        let user = entities::user::Entity::find().filter(entities::user::Column::Email.eq(email)).one(app.db()).await.expect("q").expect("user");
        let landlord = bleibe::store::landlords::find_by_user(app.db(), user.id).await.expect("q").expect("landlord");
        entities::unit::Entity::update_many()
            .col_expr(entities::unit::Column::LandlordId, Expr::value(landlord.id))
            .filter(entities::unit::Column::Id.is_in(suggested.iter().map(|p| p.unit_id)))
            .exec(app.db())
            .await
            .expect("units moved");
        let coordinator = crate::pipeline::coordinator(app).await;
        crate::pipeline::take(app, &coordinator, suggested[0].id, Action::Reject, &[("reason", "passt nicht")]).await;
        for p in &suggested[1..] {
            crate::pipeline::take(app, &coordinator, p.id, Action::Approve, &[]).await;
        }
        crate::pipeline::take(app, &coordinator, suggested[1].id, Action::LandlordAccept, &[]).await;
        crate::pipeline::take(app, &coordinator, suggested[1].id, Action::HouseholdAccept, &[]).await;
        let token = token_for(app, email).await;
        let (status, _, all) = api(app, &token, "/api/v1/proposals?per_page=100").await;
        assert_eq!(status, 200, "{all}");
        let items = all["items"].as_array().expect("items").clone();
        let total = all["total"].as_u64().expect("total");
        assert_eq!(items.len() as u64, total);
        assert_eq!(total as usize, suggested.len() - 1, "all but the rejected one");
        let ids: Vec<i64> = items.iter().map(|p| p["id"].as_i64().expect("id")).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
        // Never a proposal the landlord may not see yet, never a household's reference.
        for p in &items {
            assert!(!["suggested", "approved", "rejected", "withdrawn"].contains(&p["state"].as_str().unwrap_or_default()), "{p}");
            assert!(p["household_reference"].is_null(), "{p}");
        }
        // Pages of two hold every proposal once, in the same order.
        let mut paged = Vec::new();
        for page in 1.. {
            let (_, _, p) = api(app, &token, &format!("/api/v1/proposals?per_page=2&page={page}")).await;
            assert_eq!(p["total"].as_u64(), Some(total));
            let got = p["items"].as_array().expect("items").clone();
            if got.is_empty() {
                break;
            }
            paged.extend(got.into_iter().map(|p| p["id"].as_i64().expect("id")));
        }
        assert_eq!(paged, ids);
        // A stage keeps its states only (it was ignored for landlords before), a state
        // narrows it, a flat keeps its own.
        let (_, _, waiting) = api(app, &token, "/api/v1/proposals?stage=waiting&per_page=100").await;
        let in_stage = ["approved", "sent", "landlord_accepted", "household_accepted"];
        let expected = items.iter().filter(|p| in_stage.contains(&p["state"].as_str().unwrap_or_default())).count();
        assert_eq!(waiting["total"].as_u64(), Some(expected as u64), "{waiting}");
        assert!(waiting["items"].as_array().expect("items").iter().all(|p| in_stage.contains(&p["state"].as_str().unwrap_or_default())));
        let (_, _, suggested) = api(app, &token, "/api/v1/proposals?state=suggested").await;
        assert_eq!(suggested["total"].as_u64(), Some(0), "a landlord never sees suggestions");
        let unit = items[0]["unit_id"].as_i64().expect("unit");
        let (_, _, of_unit) = api(app, &token, &format!("/api/v1/proposals?unit_id={unit}&per_page=100")).await;
        let expected = items.iter().filter(|p| p["unit_id"].as_i64() == Some(unit)).count();
        assert_eq!(of_unit["total"].as_u64(), Some(expected as u64));
        assert!(of_unit["items"].as_array().expect("items").iter().all(|p| p["unit_id"].as_i64() == Some(unit)));
        let (status, _, _) = api(app, &token, "/api/v1/proposals?per_page=0").await;
        assert_eq!(status, 400);
    }
);

db_test!(
    async fn the_api_pages_match_runs_in_the_database(app) {
        let d = demo(app).await;
        // Three runs of Esslingen and one of Winnenden (not the coordinator's).
        for _ in 0..3 {
            crate::pipeline::match_run(app, d).await;
        }
        bleibe::services::matching::run(
            &app.app,
            &bleibe::services::Actor::System,
            bleibe::services::matching::Scope::Municipality(d.winnenden),
            bleibe::services::matching::Trigger::Cli,
        )
        .await
        .expect("run");
        let token = token_for(app, ES_COORDINATOR).await;
        let (status, _, all) = api(app, &token, "/api/v1/match-runs?per_page=100").await;
        assert_eq!(status, 200, "{all}");
        assert_eq!(all["total"].as_u64(), Some(3), "only Esslingen's: {all}");
        let ids: Vec<i64> = all["items"].as_array().expect("items").iter().map(|r| r["id"].as_i64().expect("id")).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
        let (_, _, first) = api(app, &token, "/api/v1/match-runs?per_page=2&page=1").await;
        let (_, _, second) = api(app, &token, "/api/v1/match-runs?per_page=2&page=2").await;
        assert_eq!(first["total"].as_u64(), Some(3));
        assert_eq!(second["total"].as_u64(), Some(3));
        let paged: Vec<i64> = [first, second].iter().flat_map(|p| p["items"].as_array().expect("items").iter().map(|r| r["id"].as_i64().expect("id")).collect::<Vec<_>>()).collect();
        assert_eq!(paged, ids);
        let (status, _, _) = api(app, &token, &format!("/api/v1/match-runs?municipality_id={}", d.winnenden)).await;
        assert_eq!(status, 403);
    }
);
