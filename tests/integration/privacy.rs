//! Data protection: a household's data (page and JSON), erasure of households and
//! landlords, one's own data, the audit log for admins.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::db_test;
use crate::workspace::{ADMIN, ES_COORDINATOR, demo, staff};

db_test!(
    async fn a_households_data_is_shown_exported_and_erased_with_audit_entries(app) {
        let d = demo(app).await;
        let h = entities::household::Entity::find()
            .filter(entities::household::Column::MunicipalityId.eq(d.esslingen))
            .filter(entities::household::Column::Status.eq("active"))
            .all(app.db())
            .await
            .expect("query");
        // One without a landlord waiting for it.
        let mut chosen = None;
        for row in &h {
            if !bleibe::store::pipeline::held(app.db(), 0, row.id, None).await.expect("held").1 {
                chosen = Some(row.clone());
                break;
            }
        }
        let h = chosen.expect("a free household");
        let member = entities::household_member::Entity::find()
            .filter(entities::household_member::Column::HouseholdId.eq(h.id))
            .one(app.db())
            .await
            .expect("query")
            .expect("member");
        let browser = staff(app, ES_COORDINATOR).await;

        let page = browser.get(&format!("/households/{}/data", h.id)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains(&h.reference) && html.contains(&member.first_name));
        assert!(!html.contains("member_first_name_0"), "labels, not form keys");
        assert!(html.contains("Vorname") && html.contains("Aufenthaltsstatus"), "readable labels");
        assert!(crate::html::duplicate_ids(&html).is_empty() && crate::html::unlabelled_fields(&html).is_empty());
        let json: Value = browser
            .get(&format!("/households/{}/data.json", h.id))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(json["format"], "bleibe-dossier-1");
        assert_eq!(json["sections"]["household"][0]["reference"], h.reference);
        assert_eq!(json["sections"]["members"][0]["first_name"], member.first_name);
        assert!(json["sections"]["anchors"].is_array() && json["sections"]["mails"].is_array());
        assert!(json["sections"]["audit"].as_array().is_some_and(|a| a.iter().any(|e| e["action"] == "personal_data_export")));

        // A wrong confirmation or no reason erases nothing, says why at the field and keeps
        // what was typed.
        let r = browser
            .post_form(&format!("/households/{}/data", h.id), &format!("/households/{}/erase", h.id), &[("confirm", "wrong"), ("reason", "Wunsch vom 2.12.")])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("Das passt nicht") && html.contains("value=\"Wunsch vom 2.12.\""), "{html}");
        let r = browser
            .post_form(&format!("/households/{}/data", h.id), &format!("/households/{}/erase", h.id), &[("confirm", &h.reference), ("reason", " ")])
            .await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("html").contains("Bitte ausfüllen"));
        let still = entities::household::Entity::find_by_id(h.id).one(app.db()).await.expect("q").expect("row");
        assert_eq!(still.reference, h.reference);

        let r = browser
            .post_form(&format!("/households/{}/data", h.id), &format!("/households/{}/erase", h.id), &[("confirm", &h.reference), ("reason", "Wunsch des Haushalts")])
            .await;
        assert_eq!(r.status(), 303);
        let erased = entities::household::Entity::find_by_id(h.id).one(app.db()).await.expect("q").expect("row kept for statistics");
        assert_eq!(erased.reference, format!("anon-{}", h.id));
        assert_eq!(erased.status, "closed");
        assert!(erased.anonymized_at.is_some() && erased.email.is_none() && erased.notes.is_none());
        let members = entities::household_member::Entity::find()
            .filter(entities::household_member::Column::HouseholdId.eq(h.id))
            .all(app.db())
            .await
            .expect("q");
        assert!(!members.is_empty(), "sizes and ages stay");
        assert!(members.iter().all(|m| m.first_name == "—" && m.last_name.is_none()));
        assert_eq!(browser.get(&format!("/households/{}", h.id)).await.status(), 404);

        // The admin sees both in the audit log, with who and when.
        let admin = staff(app, ADMIN).await;
        let log = admin
            .get(&format!("/admin/audit?entity=households&entity_id={}", h.id))
            .await;
        assert_eq!(log.status(), 200);
        let log = log.text().await.expect("html");
        assert!(log.contains("Haushalt gelöscht (Art. 17)") && log.contains("Auskunft (Art. 15) abgerufen"), "actions in words: {log}");
        assert!(log.contains(&format!("Haushalt {}", h.id)), "records in words");
        assert!(!log.contains(&member.first_name), "the log names no contents");
    }
);

db_test!(
    async fn an_admin_erases_a_landlord_who_then_cannot_log_in(app) {
        demo(app).await;
        let landlords = entities::landlord::Entity::find().all(app.db()).await.expect("q");
        let mut chosen = None;
        for l in &landlords {
            let Some(user_id) = l.user_id else { continue };
            let units = bleibe::store::units::list_for_landlord(app.db(), l.id).await.expect("units");
            let mut busy = false;
            for u in &units {
                busy |= bleibe::store::pipeline::held(app.db(), u.id, 0, None).await.expect("held").0;
            }
            if !busy && !units.is_empty() {
                chosen = Some((l.clone(), user_id, units));
                break;
            }
        }
        let (landlord, user_id, units) = chosen.expect("a landlord without open proposals");
        let email = landlord.contact_email.clone().expect("email");
        let admin = staff(app, ADMIN).await;
        let path = format!("/admin/landlords/{}/erase", landlord.id);
        let audit = admin.get("/admin/audit").await.text().await.expect("html");
        assert!(audit.contains(&format!("href=\"{path}\"")), "the list links to the confirmation");
        let page = admin.get(&path).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains(&landlord.display_name) && html.contains("Anlass der Löschung"));
        // One click erases nothing: the name typed again and a reason are needed.
        let r = admin.post_form(&path, &path, &[]).await;
        assert_eq!(r.status(), 422);
        let r = admin.post_form(&path, &path, &[("confirm", "Jemand anderes"), ("reason", "Bitte vom 1.12.")]).await;
        assert_eq!(r.status(), 422);
        let after = entities::landlord::Entity::find_by_id(landlord.id).one(app.db()).await.expect("q").expect("row");
        assert!(after.anonymized_at.is_none(), "nothing changed");
        let r = admin.post_form(&path, &path, &[("confirm", &landlord.display_name.to_uppercase()), ("reason", "Bitte vom 1.12.")]).await;
        assert_eq!(r.status(), 303);

        let after = entities::landlord::Entity::find_by_id(landlord.id).one(app.db()).await.expect("q").expect("row");
        assert!(after.anonymized_at.is_some() && after.contact_email.is_none() && after.display_name == "—");
        let user = entities::user::Entity::find_by_id(user_id).one(app.db()).await.expect("q").expect("row");
        assert!(user.password_hash.is_none() && !user.email.contains(&email));
        for u in &units {
            let row = entities::unit::Entity::find_by_id(u.id).one(app.db()).await.expect("q").expect("row");
            assert_eq!(row.status, "withdrawn");
            assert_eq!(row.street, "—");
            assert_eq!(row.postal_code, u.details.address.postal_code, "postal code stays for statistics");
        }
        let login = crate::accounts::TestClient::new(app)
            .post_form("/login", "/login", &[("email", &email), ("login_password", "Bleibe-Vermietung-2026")])
            .await;
        assert_ne!(login.status(), 303, "the erased account cannot log in");
        let entries = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.eq("erase_landlord"))
            .all(app.db())
            .await
            .expect("q");
        assert_eq!(entries.len(), 1);
        assert!(entries[0].details.as_deref().is_some_and(|d| d.contains("Bitte vom 1.12.")), "the reason is recorded");
        // The flats' pages say what happened, offer no editing and show no stray marks.
        let page = admin.get(&format!("/units/{}", units[0].id)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("Die Daten der Vermieterin oder des Vermieters wurden gelöscht."), "{html}");
        assert!(!html.contains(&format!("/units/{}/edit", units[0].id)) && !html.contains("wieder anbieten"));
        assert!(!html.contains("— ,") && !html.contains(">—"), "no remains of the street");
        // Once erased, the confirmation page is gone and a second erasure finds nothing.
        assert_eq!(admin.get(&path).await.status(), 404);
        for u in &units {
            let row = entities::unit::Entity::find_by_id(u.id).one(app.db()).await.expect("q").expect("row");
            assert!((row.lat * 100.0 - (row.lat * 100.0).round()).abs() < 1e-6, "position rounded to about 1 km");
        }
    }
);

db_test!(
    async fn everyone_downloads_their_own_data(app) {
        demo(app).await;
        let browser = staff(app, ES_COORDINATOR).await;
        let r = browser.get("/account/data.json").await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().expect("ascii").contains("attachment"));
        let json: Value = r.json().await.expect("json");
        assert_eq!(json["sections"]["account"][0]["email"], ES_COORDINATOR);
        assert!(json["sections"]["audit"].as_array().is_some_and(|a| a.iter().any(|e| e["action"] == "personal_data_export")));
        assert!(!json.to_string().contains("argon2"), "no password hash");
        let page = browser.get("/account/data").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains(ES_COORDINATOR) && html.contains("Protokoll: was Sie getan haben"));

        // A landlord's own download holds the flats with size, rent, floor and position,
        // the proposals and answers, and the e-mails sent to them.
        let landlord = staff(app, crate::workspace::LANDLORD).await;
        let json: Value = landlord.get("/account/data.json").await.json().await.expect("json");
        let flat = &json["sections"]["flats"][0];
        for field in ["area_m2", "cold_rent", "floor", "lat", "lon", "street"] {
            assert!(!flat[field].is_null(), "{field} in {flat}");
        }
        assert!(json["sections"]["proposals"].is_array() && json["sections"]["events"].is_array() && json["sections"]["mails"].is_array());
    }
);

db_test!(
    async fn the_audit_filter_takes_any_combination_of_empty_fields(app) {
        demo(app).await;
        let admin = staff(app, ADMIN).await;
        assert_eq!(admin.get("/account/data.json").await.status(), 200, "one entry to find");
        for query in [
            "",
            "?entity=&entity_id=&action=",
            "?entity=households&entity_id=&action=",
            "?entity=&entity_id=3&action=",
            "?entity=&entity_id=&action=create_household&actor=",
            "?page=&entity_id=%20",
        ] {
            let r = admin.get(&format!("/admin/audit{query}")).await;
            assert_eq!(r.status(), 200, "{query}");
        }
        // A number that is none says so at the field (the rest of the filter applies).
        let r = admin.get("/admin/audit?entity_id=abc&action=personal_data_export").await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("ganze Zahl") && html.contains("value=\"abc\""));
        assert!(html.contains("Auskunft (Art. 15) abgerufen") && html.contains("Konto "), "actions and records in words");
        assert!(html.contains("(Administration (alles))") || html.contains("Administration"), "the role in words");
    }
);

db_test!(
    async fn erasing_a_household_closes_the_review_notes_that_quote_it(app) {
        let d = demo(app).await;
        let csv = "reference;residence_status;member1_first_name;member1_last_name;member1_birth_year\nIMP-77;anerkannt;Amira;Haddad;1991\n";
        let options = bleibe::services::import::Options { file_name: "h.csv".into(), default_municipality: Some(d.esslingen), ..Default::default() };
        for _ in 0..2 {
            let report = bleibe::services::import::run(&app.app, &bleibe::services::Actor::System, bleibe::services::import::Kind::Households, csv.as_bytes(), &options, &|_, _, _| {})
                .await
                .expect("import");
            assert!(report.imported);
        }
        let h = entities::household::Entity::find()
            .filter(entities::household::Column::Reference.eq("IMP-77"))
            .one(app.db())
            .await
            .expect("q")
            .expect("household");
        let browser = staff(app, ES_COORDINATOR).await;
        let page = browser.get(&format!("/m/{}/import", d.esslingen)).await.text().await.expect("html");
        assert!(page.contains("Haddad") && page.contains(&format!("/households/{}", h.id)), "the note quotes the row");
        let r = browser
            .post_form(&format!("/households/{}/data", h.id), &format!("/households/{}/erase", h.id), &[("confirm", "IMP-77"), ("reason", "Wunsch des Haushalts")])
            .await;
        assert_eq!(r.status(), 303);
        let page = browser.get(&format!("/m/{}/import", d.esslingen)).await.text().await.expect("html");
        assert!(!page.contains("Haddad") && !page.contains("Amira"), "no names left on the import page");
        assert!(!page.contains(&format!("href=\"/households/{}\"", h.id)), "no link to the erased household");
        let flag = entities::review_flag::Entity::find().filter(entities::review_flag::Column::EntityId.eq(h.id)).one(app.db()).await.expect("q").expect("flag");
        assert!(flag.resolved_at.is_some() && !flag.reason.contains("Haddad"));
    }
);

db_test!(
    async fn an_erasure_refused_by_open_proposals_changes_nothing_and_links_them(app) {
        let (open, user) = crate::pipeline::accepted(app).await;
        let h = entities::household::Entity::find_by_id(open.household_id).one(app.db()).await.expect("q").expect("row");
        let browser = staff(app, ES_COORDINATOR).await;
        let audit_before = entities::audit_entry::Entity::find().all(app.db()).await.expect("q").len();
        let path = format!("/households/{}/data", h.id);
        let r = browser
            .post_form(&path, &format!("/households/{}/erase", h.id), &[("confirm", &h.reference), ("reason", "Wunsch vom 2.12.")])
            .await;
        assert_eq!(r.status(), 409);
        let html = r.text().await.expect("html");
        assert!(html.contains(&format!("href=\"/workspace/proposals/{}\"", open.id)), "links the proposal to end first: {html}");
        assert!(html.contains("value=\"Wunsch vom 2.12.\""), "the reason typed is kept");
        let audit_after = entities::audit_entry::Entity::find().all(app.db()).await.expect("q");
        // One export: the page opened to post the form; the refused answer records nothing.
        assert_eq!(audit_before + 1, audit_after.len(), "{:?}", audit_after.last());
        assert!(audit_after.last().is_some_and(|e| e.action == "personal_data_export"));
        let still = entities::household::Entity::find_by_id(h.id).one(app.db()).await.expect("q").expect("row");
        assert!(still.anonymized_at.is_none());

        // Once the proposal has ended, erasure works; the proposal's page then says the
        // household was erased and links nowhere.
        crate::pipeline::take(app, &user, open.id, bleibe::domain::pipeline::Action::Withdraw, &[("reason", "Familie zieht weg")]).await;
        let r = browser
            .post_form(&path, &format!("/households/{}/erase", h.id), &[("confirm", &h.reference), ("reason", "Wunsch vom 2.12.")])
            .await;
        assert_eq!(r.status(), 303);
        let page = browser.get(&format!("/workspace/proposals/{}", open.id)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("Die Daten dieses Haushalts wurden gelöscht."), "{html}");
        assert!(!html.contains(&format!("href=\"/households/{}\"", h.id)), "no link to a page that is gone");
    }
);

db_test!(
    async fn the_audit_filter_reports_unknown_values_and_takes_odd_queries(app) {
        demo(app).await;
        let admin = staff(app, ADMIN).await;
        assert_eq!(admin.get("/account/data.json").await.status(), 200, "one entry to find");
        // A value the log has no words for: said at the field, the rest still shown.
        let r = admin.get("/admin/audit?action=drop_table").await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("Diesen Wert gibt es im Protokoll nicht"), "{html}");
        assert!(html.contains("Auskunft (Art. 15) abgerufen"), "unfiltered rows");
        let r = admin.get("/admin/audit?entity=nope").await;
        assert_eq!(r.status(), 422);
        // A name twice (a hand-edited link) is no 400: the first counts.
        let r = admin.get("/admin/audit?action=personal_data_export&action=x&page=1&page=2").await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("html");
        assert!(html.contains("Auskunft (Art. 15) abgerufen"));
        // A page beyond the last shows the last page, not an empty list.
        let r = admin.get("/admin/audit?action=personal_data_export&page=999").await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.expect("html").contains("Auskunft (Art. 15) abgerufen"));
        // The person acting is chosen from a list of names.
        let html = admin.get("/admin/audit").await.text().await.expect("html");
        assert!(html.contains("<select") && html.contains("name=\"actor\""));
        let actor_select = &html[html.find("name=\"actor\"").expect("actor")..];
        let actor_select = &actor_select[..actor_select.find("</select>").expect("end")];
        assert!(actor_select.contains("<option"), "{actor_select}");
    }
);

db_test!(
    async fn a_landlords_export_holds_no_reason_of_the_households_answer(app) {
        let (p, _) = crate::pipeline::accepted(app).await;
        let unit = entities::unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        let record = entities::landlord::Entity::find_by_id(unit.landlord_id).one(app.db()).await.expect("q").expect("landlord");
        let account = entities::user::Entity::find_by_id(record.user_id.expect("a landlord with an account"))
            .one(app.db())
            .await
            .expect("q")
            .expect("account");
        let event = entities::proposal_event::ActiveModel {
            proposal_id: sea_orm::Set(p.id),
            from_state: sea_orm::Set(Some(p.state.clone())),
            to_state: sea_orm::Set("household_declined".into()),
            actor_kind: sea_orm::Set("household".into()),
            reason_code: sea_orm::Set(Some("too_far".into())),
            reason: sea_orm::Set(Some("Schule der Tochter zu weit".into())),
            data: sea_orm::Set(Some("{\"health\":\"Rollstuhl\"}".into())),
            created_at: sea_orm::Set(chrono::Utc::now()),
            ..Default::default()
        };
        sea_orm::ActiveModelTrait::insert(event, app.db()).await.expect("insert");
        let browser = staff(app, &account.email).await;
        let json: Value = browser.get("/account/data.json").await.json().await.expect("json");
        let events = json["sections"]["events"].as_array().expect("events");
        let theirs: Vec<&Value> = events.iter().filter(|e| e["to_state"] == "household_declined").collect();
        assert!(!theirs.is_empty(), "the step itself is shown: {events:?}");
        for e in theirs {
            assert!(e["reason_code"].is_null() && e["reason"].is_null() && e["data"].is_null(), "{e}");
        }
        let text = json.to_string();
        assert!(!text.contains("Schule der Tochter") && !text.contains("Rollstuhl"));
        let audit = json["sections"]["audit"].as_array().expect("audit");
        assert!(audit.iter().all(|e| e["entity"] != "proposals"), "no entries about proposals: {audit:?}");
    }
);

db_test!(
    async fn erasing_ends_the_suggestions_not_yet_sent(app) {
        let d = demo(app).await;
        let (_, suggested) = crate::pipeline::match_run(app, d).await;
        let first = suggested.first().expect("a suggestion").clone();
        let h = entities::household::Entity::find_by_id(first.household_id).one(app.db()).await.expect("q").expect("row");
        let browser = staff(app, ES_COORDINATOR).await;
        let r = browser
            .post_form(&format!("/households/{}/data", h.id), &format!("/households/{}/erase", h.id), &[("confirm", &h.reference), ("reason", "Wunsch des Haushalts")])
            .await;
        assert_eq!(r.status(), 303, "a suggestion not yet sent does not stop the erasure");
        let after = entities::proposal::Entity::find_by_id(first.id).one(app.db()).await.expect("q").expect("row");
        assert_eq!(after.state, "rejected", "no one can send it on any more");
        let events = entities::proposal_event::Entity::find()
            .filter(entities::proposal_event::Column::ProposalId.eq(first.id))
            .all(app.db())
            .await
            .expect("q");
        assert!(events.iter().any(|e| e.reason_code.as_deref() == Some("erased")), "{events:?}");

        // The same for a landlord's flats.
        let other = suggested.iter().find(|p| p.household_id != h.id).expect("another suggestion");
        let unit = entities::unit::Entity::find_by_id(other.unit_id).one(app.db()).await.expect("q").expect("unit");
        let landlord = entities::landlord::Entity::find_by_id(unit.landlord_id).one(app.db()).await.expect("q").expect("landlord");
        let open = bleibe::services::privacy::blocking_proposals(&app.app, None, Some(landlord.id)).await.expect("q");
        assert!(open.is_empty(), "suggestions are not open proposals: {open:?}");
        let admin = staff(app, ADMIN).await;
        let path = format!("/admin/landlords/{}/erase", landlord.id);
        let r = admin.post_form(&path, &path, &[("confirm", &landlord.display_name), ("reason", "Bitte vom 1.12.")]).await;
        assert_eq!(r.status(), 303);
        let after = entities::proposal::Entity::find_by_id(other.id).one(app.db()).await.expect("q").expect("row");
        assert_eq!(after.state, "rejected");
    }
);
