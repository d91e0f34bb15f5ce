//! The demo data.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::db_test;

db_test!(
    async fn the_demo_fills_an_empty_database_with_a_working_system(app) {
        let db = app.db();
        assert!(bleibe::store::is_empty(db).await.expect("query"));
        let logins = bleibe::services::demo::seed(&app.app).await.expect("seed");

        assert_eq!(entities::municipality::Entity::find().count(db).await.expect("count"), 5);
        assert_eq!(entities::household::Entity::find().count(db).await.expect("count"), 200);
        assert_eq!(entities::unit::Entity::find().count(db).await.expect("count"), 80);
        assert_eq!(entities::rule_set::Entity::find().count(db).await.expect("count"), 5);
        assert_eq!(entities::rent_cap::Entity::find().count(db).await.expect("count"), 25);
        assert_eq!(entities::incentive_programme::Entity::find().count(db).await.expect("count"), 25);
        assert!(!bleibe::store::is_empty(db).await.expect("query"));

        let plochingen = entities::municipality::Entity::find()
            .filter(entities::municipality::Column::Ags.eq("08116056"))
            .one(db)
            .await
            .expect("query")
            .expect("Plochingen exists");
        assert_eq!(plochingen.name, "Plochingen");
        assert!((plochingen.center_lat - 48.71).abs() < 0.02 && (plochingen.center_lon - 9.42).abs() < 0.02);

        let roles: Vec<&str> = logins.iter().map(|l| l.role.as_str()).collect();
        assert_eq!(roles.iter().filter(|r| **r == "admin").count(), 1);
        assert_eq!(roles.iter().filter(|r| **r == "coordinator").count(), 5);
        assert!(roles.contains(&"landlord") && roles.contains(&"volunteer"));

        let rules = bleibe::store::municipalities::current_rule_sets(db).await.expect("rules");
        let plochingen_rules = &rules[&plochingen.id].rules;
        assert!(plochingen_rules.source_note.as_deref().unwrap_or("").contains("Beispielwerte"));
        assert_eq!(plochingen_rules.rent_caps.cap_for(1), bleibe::domain::Cents::euros(540));

        let households = bleibe::store::households::list_by_status(
            db,
            &[bleibe::domain::household::HouseholdStatus::Active],
            None,
        )
        .await
        .expect("load households");
        assert!(households.len() > 150, "{} active households", households.len());
        assert!(households.iter().all(|h| !h.profile.members.is_empty()));
        assert!(households.iter().any(|h| !h.profile.anchors.is_empty()));
        assert!(households.iter().any(|h| !h.allowed_municipalities.is_empty()));
        let sizes: std::collections::BTreeSet<usize> =
            households.iter().map(|h| h.profile.members.len()).collect();
        assert!(sizes.contains(&1) && sizes.iter().any(|s| *s >= 5), "sizes {sizes:?}");
    }
);

db_test!(
    async fn the_demo_is_the_same_every_time(app) {
        bleibe::services::demo::seed(&app.app).await.expect("seed");
        let references: Vec<String> = entities::household::Entity::find()
            .all(app.db())
            .await
            .expect("query")
            .into_iter()
            .map(|h| h.reference)
            .collect();
        assert_eq!(references.len(), 200);
        // The first household of Esslingen is fixed by the seed and the test clock.
        assert!(references[0].starts_with("ES-"), "{}", references[0]);
        let first_names: Vec<String> = entities::household_member::Entity::find()
            .all(app.db())
            .await
            .expect("query")
            .into_iter()
            .take(3)
            .map(|m| m.first_name)
            .collect();
        assert_eq!(first_names.join(", "), "Salma, Rania, Hamid");
    }
);

db_test!(
    async fn the_district_demo_writes_a_sound_past_that_bleibe_continues(app) {
        use bleibe::services::demo::district::{self, Size};
        let db = app.db();
        // A smaller district than `--scale district` (same code, fewer rows).
        let logins = district::seed(&app.app, Size { households: 1_500, units: 400, landlords: 40 }).await.expect("seed");
        assert_eq!(entities::municipality::Entity::find().count(db).await.expect("count"), 45);
        assert_eq!(entities::household::Entity::find().count(db).await.expect("count"), 1_500);
        assert_eq!(entities::unit::Entity::find().count(db).await.expect("count"), 400);
        assert!(entities::proposal::Entity::find().count(db).await.expect("count") > 100);
        assert!(entities::follow_up::Entity::find().count(db).await.expect("count") > 100);
        assert!(entities::audit_entry::Entity::find().count(db).await.expect("count") > 500);

        // What check-data checks: every record keeps the rules.
        let problems = bleibe::services::figures::check_data(&app.app, None).await.expect("check");
        assert!(problems.is_empty(), "{} records break a rule", problems.len());

        // Ids continue after the bulk load (PostgreSQL's sequences were moved on).
        let template = bleibe::store::households::find(db, 1).await.expect("q").expect("household 1");
        let mut profile = template.profile.clone();
        profile.reference = "NEU-1".into();
        let id = bleibe::store::households::insert(db, template.municipality_id, bleibe::domain::household::HouseholdStatus::Active, &profile, &[], None, None, app.app.clock.now())
            .await
            .expect("a new household after the bulk load");
        assert_eq!(id, 1_501);

        // The printed logins work and their pages answer.
        let coordinator = logins.iter().find(|l| l.role.as_str() == "coordinator").expect("a coordinator");
        assert_eq!(coordinator.email, "koordination.biberach-an-der-riss@bleibe.example");
        let client = crate::workspace::staff(app, &coordinator.email).await;
        let mid = entities::municipality::Entity::find()
            .filter(entities::municipality::Column::Name.eq("Biberach an der Riß"))
            .one(db).await.expect("q").expect("Biberach").id;
        for path in [format!("/m/{mid}"), format!("/m/{mid}/households"), format!("/m/{mid}/placements"), format!("/m/{mid}/proposals"), "/workspace".into()] {
            assert_eq!(client.get(&path).await.status(), 200, "{path}");
        }
        let landlord = logins.iter().find(|l| l.role.as_str() == "landlord").expect("a landlord");
        let client = crate::workspace::staff(app, &landlord.email).await;
        let page = client.get("/dashboard").await.text().await.expect("dashboard");
        assert!(page.contains("Kreisbau Biberach eG"), "the large housing company's overview");
    }
);
