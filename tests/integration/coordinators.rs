//! Household profiles, rule tables, staff accounts and CSV imports.

use entities::{household, import, match_run_rule_set, review_flag, rule_set, unit};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{
    ADMIN, ES_COORDINATOR, WN_COORDINATOR, demo, number_after, run_match, staff,
};

/// A complete household form, as a coordinator fills it in.
pub fn household_form(reference: &str) -> Vec<(&'static str, String)> {
    vec![
        ("reference", reference.to_owned()),
        ("residence_status", "anerkannt".into()),
        ("benefit_type", "sgb2".into()),
        ("work_situation", "employed".into()),
        ("member_first_name_0", "Amal".into()),
        ("member_last_name_0", "Haddad".into()),
        ("member_birth_year_0", "1988".into()),
        ("member_role_0", "applicant".into()),
        ("member_first_name_1", "Yusuf".into()),
        ("member_birth_year_1", "2016".into()),
        ("member_role_1", "child".into()),
        ("max_floor_without_lift", "2".into()),
        ("urgency", "2".into()),
        ("urgency_reason", "Die Unterkunft wird geschlossen".into()),
        ("in_follow_up_since", "2024-03-01".into()),
        ("anchor_kind_0", "school".into()),
        ("anchor_label_0", "Grundschule Zollberg".into()),
        ("anchor_postal_code_0", "73734".into()),
        ("anchor_importance_0", "high".into()),
        ("languages", "ar".into()),
        ("languages", "de".into()),
        ("languages_other", "ku".into()),
        ("preferred_language", "en".into()),
        ("caseworker_name", "Lea Hartmann".into()),
        ("caseworker_email", "lea.hartmann@example.org".into()),
        ("landlord_text", "Eine ruhige Familie.".into()),
        ("consent_given", "1".into()),
        ("consent_date", "2026-11-01".into()),
        ("consent_scope", "matching".into()),
        ("consent_scope", "email".into()),
    ]
}

pub fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

db_test!(
    async fn coordinators_keep_household_profiles(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let new = format!("/m/{}/households/new", d.esslingen);

        // Mistakes come back with 422, every value kept and a message at each field.
        let mut fields = household_form("ES-TEST-001");
        fields.retain(|(k, _)| *k != "member_birth_year_0");
        fields.push(("member_birth_year_0", "19x8".into()));
        fields.push(("residence_obligation", "1".into()));
        fields.push(("anchor_label_1", "Arbeit".into()));
        fields.push(("anchor_postal_code_1", "99999".into()));
        let r = es.post_form(&new, &new, &as_refs(&fields)).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        for id in ["f-member_birth_year_0-error", "f-allowed-error", "f-anchor_postal_code_1-error"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("value=\"19x8\"") && html.contains("value=\"Grundschule Zollberg\"") && html.contains("Die Unterkunft wird geschlossen"), "values kept");
        assert!(html.contains("href=\"#f-member_birth_year_0\""), "the summary links to the field");
        assert_eq!(household::Entity::find().filter(household::Column::Reference.eq("ES-TEST-001")).count(app.db()).await.expect("count"), 0);

        // A taken reference is refused.
        let taken = household::Entity::find().filter(household::Column::MunicipalityId.eq(d.esslingen)).one(app.db()).await.expect("q").expect("h");
        let r = es.post_form(&new, &new, &as_refs(&household_form(&taken.reference))).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("page").contains("id=\"f-reference-error\""));

        // A complete form is saved; the edit form shows every value again.
        let r = es.post_form(&new, &new, &as_refs(&household_form("ES-TEST-001"))).await;
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().expect("location").to_owned();
        let id: i64 = location.trim_start_matches("/households/").parse().expect("id");
        let stored = bleibe::store::households::find(app.db(), id).await.expect("q").expect("stored");
        assert_eq!(stored.profile.members.len(), 2);
        assert_eq!(stored.profile.languages, ["ar", "de", "ku"]);
        assert_eq!(stored.profile.anchors[0].postal_code.as_deref(), Some("73734"));
        assert_eq!(stored.profile.preferred_language, bleibe::domain::Language::En);
        assert!(stored.consents_to_matching());
        let page = es.get(&location).await.text().await.expect("profile");
        assert!(page.contains("Amal Haddad") && page.contains("Grundschule Zollberg") && page.contains("Lea Hartmann"));
        let edit = es.get(&format!("/households/{id}/edit")).await.text().await.expect("edit");
        assert!(edit.contains("value=\"ES-TEST-001\"") && edit.contains("value=\"Yusuf\"") && edit.contains("value=\"2016\""));

        let mut changed = household_form("ES-TEST-001");
        changed.retain(|(k, _)| *k != "urgency");
        changed.push(("urgency", "3".into()));
        let r = es.post_form(&format!("/households/{id}/edit"), &format!("/households/{id}/edit"), &as_refs(&changed)).await;
        assert_eq!(r.status(), 303);
        let audit = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.eq("update_household"))
            .order_by_desc(entities::audit_entry::Column::Id)
            .one(app.db()).await.expect("q").expect("audit");
        let details = audit.details.unwrap_or_default();
        assert!(details.contains("urgency") && !details.contains("Amal"), "field names, never values: {details}");

        // The list: filters and search.
        let list = es.get(&format!("/m/{}/households?q=es-test&urgency=3", d.esslingen)).await.text().await.expect("list");
        assert!(list.contains("ES-TEST-001") && list.contains("Gefundene Haushalte: 1"), "search finds it");
        let list = es.get(&format!("/m/{}/households?size=5%2B", d.esslingen)).await.text().await.expect("list");
        assert!(!list.contains("ES-TEST-001"), "a 2-person household is not in the 5+ list");
        let list = es.get(&format!("/m/{}/households?waiting=24", d.esslingen)).await.text().await.expect("list");
        assert!(list.contains("ES-TEST-001"), "waiting since 2024-03 is over 24 months");

        // Pause, close (only with a reason), reactivate.
        let status = format!("/households/{id}/status");
        assert_eq!(es.post_form(&location, &status, &[("to", "paused")]).await.status(), 303);
        assert_eq!(bleibe::store::households::find(app.db(), id).await.expect("q").expect("h").status.as_str(), "paused");
        let r = es.post_form(&location, &status, &[("to", "closed"), ("reason", " ")]).await;
        assert_eq!(r.status(), 422);
        assert_eq!(es.post_form(&location, &status, &[("to", "closed"), ("reason", "Weggezogen")]).await.status(), 303);
        assert_eq!(es.post_form(&location, &status, &[("to", "active")]).await.status(), 303);
        assert_eq!(es.post_form(&location, &status, &[("to", "placed")]).await.status(), 409, "placed only by a move-in");

        // Another municipality's coordinator sees nothing of it.
        let wn = staff(app, WN_COORDINATOR).await;
        assert_eq!(wn.get(&location).await.status(), 404);
        assert_eq!(wn.get(&format!("/households/{id}/edit")).await.status(), 404);
        assert_eq!(wn.get(&format!("/m/{}/households", d.esslingen)).await.status(), 404);
        assert_eq!(wn.post_form("/workspace", &status, &[("to", "paused")]).await.status(), 404);
    }
);

db_test!(
    async fn rule_tables_are_versioned_and_runs_record_the_version(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let path = format!("/m/{}/rules", d.esslingen);
        let page = es.get(&path).await.text().await.expect("rules");
        assert!(page.contains("Version 1") && page.contains("Beispielwerte"));

        let mut fields: Vec<(&str, &str)> = vec![
            ("cap_1", "580"), ("cap_2", "700"), ("cap_3", "650"), ("cap_4", "960"),
            ("extra_cap", "130"), ("area_1", "45"), ("area_2", "60"),
            ("answer_days", "10"), ("reminder_days", "12"), ("change_note", ""),
        ];
        for c in ["anchor_distance", "area_fit", "rooms_fit", "rent_headroom", "waiting_time", "urgency", "landlord_preferences"] {
            fields.push(match c {
                "anchor_distance" => ("weight_anchor_distance", "30"),
                "area_fit" => ("weight_area_fit", "15"),
                "rooms_fit" => ("weight_rooms_fit", "10"),
                "rent_headroom" => ("weight_rent_headroom", "5"),
                "waiting_time" => ("weight_waiting_time", "20"),
                "urgency" => ("weight_urgency", "15"),
                _ => ("weight_landlord_preferences", "5"),
            });
        }
        let r = es.post_form(&path, &path, &fields).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        for id in ["f-cap_3-error", "f-reminder_days-error", "f-change_note-error"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("value=\"650\""), "values kept");

        let fixed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| match *k {
                "cap_3" => (*k, "820"),
                "reminder_days" => (*k, "5"),
                "change_note" => (*k, "Neue Richtlinie des Landkreises 2027"),
                _ => (*k, *v),
            })
            .collect();
        let r = es.post_form(&path, &path, &fixed).await;
        assert_eq!(r.status(), 303);
        let versions = rule_set::Entity::find().filter(rule_set::Column::MunicipalityId.eq(d.esslingen)).order_by_asc(rule_set::Column::Version).all(app.db()).await.expect("q");
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2], "the old version stays");
        let current = bleibe::store::municipalities::current_rule_sets(app.db()).await.expect("q");
        let rules = &current[&d.esslingen].rules;
        assert_eq!(rules.rent_caps.cap_for(3), bleibe::domain::Cents::euros(820));
        assert_eq!(rules.rent_caps.cap_for(6), bleibe::domain::Cents::euros(960 + 2 * 130));
        assert_eq!((rules.answer_days, rules.reminder_days), (10, 5));

        let (run_id, html) = run_match(&es, d.esslingen).await;
        assert!(html.contains("Esslingen am Neckar v2"));
        let used: Vec<i64> = match_run_rule_set::Entity::find().filter(match_run_rule_set::Column::MatchRunId.eq(run_id)).all(app.db()).await.expect("q").iter().map(|r| r.rule_set_id).collect();
        assert!(used.contains(&versions[1].id) && !used.contains(&versions[0].id));

        // Programmes: new one, then shown to landlords of the municipality.
        let new = format!("/m/{}/programmes/new", d.esslingen);
        let r = es.post_form(&new, &new, &[("kind", "placement_bonus"), ("name_de", ""), ("name_en", "Bonus"), ("conditions_de", "x"), ("conditions_en", "x"), ("amount", "viel")]).await;
        assert_eq!(r.status(), 422);
        let r = es.post_form(&new, &new, &[("kind", "placement_bonus"), ("name_de", "Prämie 2027"), ("name_en", "Bonus 2027"), ("conditions_de", "Einmalig 500 €"), ("conditions_en", "Once 500 €"), ("amount", "500"), ("budget", "10.000"), ("active", "1")]).await;
        assert_eq!(r.status(), 303);
        let p = entities::incentive_programme::Entity::find().filter(entities::incentive_programme::Column::NameDe.eq("Prämie 2027")).one(app.db()).await.expect("q").expect("programme");
        assert_eq!((p.amount_cents, p.budget_cents), (Some(50_000), Some(1_000_000)));

        // Winnenden's coordinator can neither read nor change Esslingen's rules.
        let wn = staff(app, WN_COORDINATOR).await;
        assert_eq!(wn.get(&path).await.status(), 404);
        assert_eq!(wn.post_form("/workspace", &path, &fixed).await.status(), 404);
        assert_eq!(wn.get(&format!("/programmes/{}/edit", p.id)).await.status(), 404);
    }
);

db_test!(
    async fn an_admin_invites_a_coordinator_who_then_sees_only_their_municipality(app) {
        let d = demo(app).await;
        let admin = staff(app, ADMIN).await;
        let r = admin.post_form("/admin/users", "/admin/users", &[("name", "N"), ("email", "kein-mail"), ("role", "coordinator")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"f-name-error\"") && html.contains("id=\"f-email-error\"") && html.contains("id=\"f-municipalities-error\""));
        let winnenden = d.winnenden.to_string();
        let r = admin.post_form("/admin/users", "/admin/users", &[("name", "Jana Berger"), ("email", "Jana.Berger@winnenden.example"), ("role", "coordinator"), ("municipalities", &winnenden), ("locale", "de")]).await;
        assert_eq!(r.status(), 303);
        app.dispatch_mails().await;
        let mail = app.mails().into_iter().find(|m| m.to == "jana.berger@winnenden.example").expect("invitation");
        assert_eq!(mail.subject, "Ihr Zugang zu Bleibe");
        let link = app.link_in_mail("jana.berger@winnenden.example", "/invitation/");

        let jana = crate::accounts::TestClient::new(app);
        assert_eq!(jana.get(&link).await.status(), 200);
        let r = jana.post_form(&link, &link, &[("password", "Winnenden hat viele Brunnen"), ("password_repeat", "Winnenden hat viele Brunnen")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/workspace");
        assert_eq!(jana.get(&format!("/m/{}/households", d.winnenden)).await.status(), 200);
        assert_eq!(jana.get(&format!("/m/{}/households", d.esslingen)).await.status(), 404);
        assert_eq!(jana.get(&link).await.status(), 410, "a used link is gone, with a friendly page");
        assert!(jana.get(&link).await.text().await.expect("page").contains("schon"));

        // Only admins manage users.
        let es = staff(app, ES_COORDINATOR).await;
        assert_eq!(es.get("/admin/users").await.status(), 404);
        assert_eq!(es.post_form("/workspace", "/admin/users", &[("name", "X Y"), ("email", "x@y.example"), ("role", "admin")]).await.status(), 404);

        // Locking an account ends its sessions.
        let user = entities::user::Entity::find().filter(entities::user::Column::Email.eq("jana.berger@winnenden.example")).one(app.db()).await.expect("q").expect("user");
        assert_eq!(admin.post_form("/admin/users", &format!("/admin/users/{}/disable", user.id), &[]).await.status(), 303);
        assert_eq!(jana.get("/workspace").await.status(), 303, "sent to the login page");
    }
);

const HOUSEHOLDS_CSV: &str = "\u{feff}municipality;reference;residence_status;member1_first_name;member1_birth_year;member1_role;member2_first_name;member2_birth_year;member2_role;urgency;languages;consent_date;consent_scope;wheelchair;anchor1_kind;anchor1_label;anchor1_postal_code\r\n\
08116019;IMP-001;anerkannt;Sara;1990;applicant;Elias;2018;child;1;ar|de;01.11.2026;matching|email;nein;school;Grundschule;73728\r\n\
\r\n\
Esslingen am Neckar;IMP-002;geduldet;Tigist;1985;applicant;;;;0;ti;;;ja;;;\r\n";

db_test!(
    async fn households_import_all_or_nothing_with_a_report_of_every_bad_row(app) {
        let d = demo(app).await;
        let before = household::Entity::find().count(app.db()).await.expect("count");
        let system = bleibe::services::Actor::System;
        let options = bleibe::services::import::Options { file_name: "haushalte.csv".into(), ..Default::default() };
        let import = |bytes: Vec<u8>| {
            let options = options.clone();
            let system = system.clone();
            async move {
                bleibe::services::import::run(&app.app, &system, bleibe::services::import::Kind::Households, &bytes, &options, &|_, _, _| {})
                    .await
                    .expect("import")
            }
        };

        let report = import(HOUSEHOLDS_CSV.as_bytes().to_vec()).await;
        assert!(report.imported, "{report:?}");
        assert_eq!((report.rows, report.accepted, report.empty_lines), (2, 2, 1));
        assert_eq!(household::Entity::find().count(app.db()).await.expect("count"), before + 2);
        let h = household::Entity::find().filter(household::Column::Reference.eq("IMP-002")).one(app.db()).await.expect("q").expect("imported");
        assert_eq!(h.municipality_id, d.esslingen);
        assert!(h.wheelchair && h.consent_at.is_none());

        // Bad rows: nothing is written, every problem is named with line and column.
        let bad = "reference;municipality;residence_status;member1_first_name;member1_birth_year;urgency;wheelchair\n\
                   IMP-003;08116019;anerkannt;Jonas;1999;0;nein\n\
                   IMP-004;08116019;unbekannt;Mia;2099;7;vielleicht\n\
                   IMP-005;Atlantis;anerkannt;Lu;2001;0;nein\n";
        let report = import(bad.as_bytes().to_vec()).await;
        assert!(!report.imported);
        let problems: Vec<(u64, String, String)> = report.rejected.iter().map(|p| (p.line, p.column.clone().unwrap_or_default(), p.key.clone())).collect();
        assert!(problems.contains(&(3, "wheelchair".into(), "import.yes_no".into())), "{problems:?}");
        assert!(problems.contains(&(4, "municipality".into(), "import.unknown_municipality".into())), "{problems:?}");
        let report2 = import(bad.replace("vielleicht", "nein").as_bytes().to_vec()).await;
        let problems: Vec<(u64, String)> = report2.rejected.iter().map(|p| (p.line, p.column.clone().unwrap_or_default())).collect();
        assert!(problems.contains(&(3, "residence_status".into())) && problems.contains(&(3, "member1_birth_year".into())) && problems.contains(&(3, "urgency".into())), "{problems:?}");
        assert_eq!(household::Entity::find().filter(household::Column::Reference.eq("IMP-003")).count(app.db()).await.expect("count"), 0, "all or nothing");
        let stored = import::Entity::find_by_id(report2.import_id).one(app.db()).await.expect("q").expect("import");
        assert_eq!(stored.status, "rejected");

        // An unknown column stops the file (it would otherwise drop data silently).
        let report = import("reference;refernce\nX;Y\n".as_bytes().to_vec()).await;
        assert_eq!(report.rejected[0].column.as_deref(), Some("refernce"));

        // A known reference is not merged: flagged for review.
        let again = "municipality;reference;residence_status;member1_first_name;member1_birth_year\n08116019;IMP-001;anerkannt;Sara;1990\n08116019;IMP-006;anerkannt;Ali;1970\n08116019;IMP-006;anerkannt;Ali;1970\n";
        let report = import(again.as_bytes().to_vec()).await;
        assert!(report.imported);
        assert_eq!(report.accepted, 1);
        let keys: Vec<(u64, &str)> = report.flagged.iter().map(|f| (f.line, f.key.as_str())).collect();
        assert_eq!(keys, [(2, "import.duplicate_reference"), (4, "import.duplicate_in_file")]);
        let flags = review_flag::Entity::find().filter(review_flag::Column::ImportId.eq(report.import_id)).count(app.db()).await.expect("count");
        assert_eq!(flags, 2);
        assert_eq!(household::Entity::find().filter(household::Column::Reference.eq("IMP-001")).count(app.db()).await.expect("count"), 1);

        // Windows spreadsheets: Windows-1252 bytes and comma separators are read.
        let mut latin = b"municipality,reference,residence_status,member1_first_name,member1_birth_year\n08116019,IMP-007,anerkannt,J".to_vec();
        latin.extend_from_slice(b"\xfcrgen,1970\n");
        let report = import(latin).await;
        assert!(report.imported, "{report:?}");
        let jurgen = bleibe::store::households::find(app.db(), household::Entity::find().filter(household::Column::Reference.eq("IMP-007")).one(app.db()).await.expect("q").expect("h").id).await.expect("q").expect("h");
        assert_eq!(jurgen.profile.members[0].first_name, "Jürgen");
    }
);

db_test!(
    async fn units_import_through_the_upload_page_with_duplicates_flagged(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let csv = "landlord_name;landlord_email;street;house_number;postal_code;town;area_m2;rooms;floor;max_occupants;cold_rent;service_charges;available_from;lease_type;status\n\
                   Karl Weber;karl.weber@example.org;Mühlstraße;4;73728;Esslingen am Neckar;58,5;2;1;3;520;110;01.12.2026;unbefristet;available\n\
                   Karl Weber;karl.weber@example.org;Mühlstraße;4;73728;Esslingen am Neckar;58,5;2;1;3;520;110;01.12.2026;unbefristet;\n";
        let upload = |body: &'static str, kind: &'static str| {
            let es = &es;
            async move {
                let html = es.get(&format!("/m/{}/import", d.esslingen)).await.text().await.expect("page");
                let marker = "name=\"csrf\" value=\"";
                let start = html.find(marker).expect("token") + marker.len();
                let csrf = html[start..start + html[start..].find('"').expect("end")].to_owned();
                let form = reqwest::multipart::Form::new()
                    .text("csrf", csrf)
                    .text("kind", kind)
                    .part("file", reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("wohnungen.csv").mime_str("text/csv").expect("mime"));
                es.client().post(app.url(&format!("/m/{}/import", d.esslingen))).multipart(form).send().await.expect("upload")
            }
        };
        let r = upload(csv, "units").await;
        assert_eq!(r.status(), 303);
        let report_path = r.headers()["location"].to_str().expect("location").to_owned();
        let page = es.get(&report_path).await.text().await.expect("report");
        assert!(page.contains("2 von 2 Zeilen importiert") && page.contains("Gleiche Adresse"), "{page}");
        let karl = entities::landlord::Entity::find().filter(entities::landlord::Column::ContactEmail.eq("karl.weber@example.org")).one(app.db()).await.expect("q").expect("landlord created");
        let imported: Vec<unit::Model> = unit::Entity::find().filter(unit::Column::LandlordId.eq(karl.id)).order_by_asc(unit::Column::Id).all(app.db()).await.expect("q");
        assert_eq!(imported.len(), 2);
        assert_eq!((imported[0].status.as_str(), imported[1].status.as_str()), ("available", "checked"));
        assert_eq!(imported[0].cold_rent_cents, 52_000);
        let flag = review_flag::Entity::find().filter(review_flag::Column::Kind.eq("duplicate_unit")).one(app.db()).await.expect("q").expect("flag");
        assert_eq!((flag.entity_id, flag.other_entity_id), (imported[1].id, Some(imported[0].id)));
        let import_page = es.get(&format!("/m/{}/import", d.esslingen)).await.text().await.expect("page");
        assert!(import_page.contains("Wohnung doppelt?"));
        let flag_id = number_after(&import_page, "action=\"/flags/");
        assert_eq!(es.post_form(&format!("/m/{}/import", d.esslingen), &format!("/flags/{flag_id}/resolve"), &[("resolution", "zwei Wohnungen auf einer Etage")]).await.status(), 303);
        // The new landlord is invited to take the flats over.
        app.dispatch_mails().await;
        assert!(app.mails().iter().any(|m| m.to == "karl.weber@example.org"));

        // A flat of another municipality is refused on Esslingen's page: 422 report, nothing written.
        let other = "landlord_name;landlord_email;street;house_number;postal_code;town;area_m2;rooms;floor;max_occupants;cold_rent;service_charges;available_from\n\
                     Eva Roth;eva@example.org;Marktplatz;1;71364;Winnenden;60;2;0;3;500;100;01.12.2026\n";
        let r = upload(other, "units").await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("report");
        assert!(html.contains("Nichts wurde importiert") && html.contains("postal_code") && html.contains("anderen Gemeinde"), "{html}");
        assert_eq!(entities::landlord::Entity::find().filter(entities::landlord::Column::ContactEmail.eq("eva@example.org")).count(app.db()).await.expect("count"), 0);

        // The templates name every column.
        let template = es.get(&format!("/m/{}/import/template/households.csv", d.esslingen)).await.text().await.expect("csv");
        assert!(template.contains("member1_birth_year") && template.contains("anchor1_postal_code") && template.contains("Esslingen am Neckar"));
        let _ = TestApp::url;
    }
);

db_test!(
    async fn overlong_texts_are_refused_at_the_field_not_by_the_database(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let new = format!("/m/{}/households/new", d.esslingen);
        let long = "x".repeat(300);
        let mut fields = household_form("ES-LONG-1");
        for name in ["follow_up_site", "phone", "caseworker_name", "member_last_name_0", "anchor_street_0"] {
            fields.retain(|(k, _)| *k != name);
            fields.push((name, long.clone()));
        }
        let r = es.post_form(&new, &new, &as_refs(&fields)).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        for id in ["f-follow_up_site-error", "f-phone-error", "f-caseworker_name-error", "f-member_last_name_0-error", "f-anchor_street_0-error"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
    }
);

/// A field name made at run time (the form's rows are numbered).
fn name(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

db_test!(
    async fn a_household_of_seven_is_entered_in_one_go_without_scripts(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let new = format!("/m/{}/households/new", d.esslingen);
        let page = es.get(&new).await.text().await.expect("page");
        // The rows shown (the blank row for scripts to copy comes in a <template>).
        let blank = page.split("<template").next().expect("page").to_owned();
        assert!(blank.contains("id=\"f-member_first_name_0\"") && !blank.contains("id=\"f-member_first_name_1\""), "one person row to start");
        assert!(page.contains("id=\"f-member_first_name_1\""), "the blank row to copy is the next one");
        assert!(page.contains("Weitere Person hinzufügen") && page.contains("Weiteren Ort hinzufügen"));
        assert!(page.contains("name=\"member_rows\" value=\"1\""));

        let people = ["Amal", "Yusuf", "Lina", "Omar", "Sara", "Adam", "Noor", "Rami"];
        let mut fields = household_form("ES-SIEBEN");
        fields.push(("member_rows", "2".into()));
        for (i, person) in people.iter().enumerate().skip(2) {
            let mut press = fields.clone();
            press.push(("action", "add_member".into()));
            let r = es.post_form(&new, &new, &as_refs(&press)).await;
            assert_eq!(r.status(), 200, "adding person {}", i + 1);
            let html = r.text().await.expect("page");
            assert!(html.contains(&format!("name=\"member_rows\" value=\"{}\"", i + 1)));
            assert!(html.contains(&format!("id=\"f-member_first_name_{i}\" name=\"member_first_name_{i}\" value=\"\" autocomplete=\"off\" autofocus")), "the cursor is in the new row: {i}");
            for earlier in &people[..i] {
                assert!(html.contains(&format!("value=\"{earlier}\"")), "{earlier} kept");
            }
            assert!(html.contains("value=\"Grundschule Zollberg\"") && html.contains("Die Unterkunft wird geschlossen"), "the rest kept");
            assert!(!html.contains("error-summary"), "adding a row checks nothing");
            fields.retain(|(k, _)| *k != "member_rows");
            fields.push(("member_rows", (i + 1).to_string()));
            fields.push((name(format!("member_first_name_{i}")), (*person).into()));
            fields.push((name(format!("member_birth_year_{i}")), (2000 + i).to_string()));
            fields.push((name(format!("member_role_{i}")), "child".into()));
        }
        assert_eq!(household::Entity::find().filter(household::Column::Reference.eq("ES-SIEBEN")).count(app.db()).await.expect("count"), 0, "nothing saved yet");

        // Person 2 (Yusuf) was typed by mistake: removed, the later rows move up.
        let mut press = fields.clone();
        press.push(("action", "remove_member_1".into()));
        let r = es.post_form(&new, &new, &as_refs(&press)).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("page");
        assert!(!html.contains("value=\"Yusuf\""));
        assert!(html.contains("id=\"f-member_first_name_1\" name=\"member_first_name_1\" value=\"Lina\""));
        assert!(html.contains("id=\"f-member_first_name_6\" name=\"member_first_name_6\" value=\"Rami\""));
        assert!(html.contains("name=\"member_rows\" value=\"7\""));
        let rows = html.split("<template").next().expect("page");
        assert!(rows.contains("Person 7 entfernen") && !rows.contains("Person 8 entfernen"));

        // Saved from the page as it came back: seven people.
        let mut kept: Vec<(&'static str, String)> = Vec::new();
        for (i, person) in people.iter().enumerate().filter(|(i, _)| *i != 1) {
            let row = if i == 0 { 0 } else { i - 1 };
            kept.push((name(format!("member_first_name_{row}")), (*person).into()));
            kept.push((name(format!("member_birth_year_{row}")), if i == 0 { "1988".into() } else { (2000 + i).to_string() }));
        }
        let mut save: Vec<(&'static str, String)> = household_form("ES-SIEBEN").into_iter().filter(|(k, _)| !k.starts_with("member_")).collect();
        save.extend(kept);
        save.push(("member_rows", "7".into()));
        save.push(("action", "save".into()));
        let r = es.post_form(&new, &new, &as_refs(&save)).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
        let saved = household::Entity::find().filter(household::Column::Reference.eq("ES-SIEBEN")).one(app.db()).await.expect("q").expect("saved");
        let members = entities::household_member::Entity::find().filter(entities::household_member::Column::HouseholdId.eq(saved.id)).count(app.db()).await.expect("count");
        assert_eq!(members, 7);
        // The edit page shows the seven, and no more rows than that.
        let edit = es.get(&format!("/households/{}/edit", saved.id)).await.text().await.expect("page");
        let rows = edit.split("<template").next().expect("page");
        assert!(rows.contains("id=\"f-member_first_name_6\"") && !rows.contains("id=\"f-member_first_name_7\""));
        assert!(edit.contains("name=\"member_rows\" value=\"7\""));
    }
);

db_test!(
    async fn removing_a_place_keeps_the_others_and_another_coordinator_cannot_use_the_buttons(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let new = format!("/m/{}/households/new", d.esslingen);
        let mut fields = household_form("ES-ORTE");
        fields.extend([
            ("anchor_kind_1", "work".into()),
            ("anchor_label_1", "Arbeit: Bäckerei".into()),
            ("anchor_postal_code_1", "73728".into()),
            ("anchor_kind_2", "course".into()),
            ("anchor_label_2", "Deutschkurs".into()),
            ("anchor_postal_code_2", "73728".into()),
            ("action", "remove_anchor_0".into()),
        ]);
        let r = es.post_form(&new, &new, &as_refs(&fields)).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("page");
        assert!(!html.contains("Grundschule Zollberg"));
        assert!(html.contains("id=\"f-anchor_label_0\" name=\"anchor_label_0\" value=\"Arbeit: Bäckerei\""));
        assert!(html.contains("id=\"f-anchor_label_1\" name=\"anchor_label_1\" value=\"Deutschkurs\""));
        assert!(html.contains("name=\"anchor_rows\" value=\"2\""));
        assert!(html.contains("id=\"f-anchor_kind_0\" name=\"anchor_kind_0\" autofocus"), "the cursor is in the row that moved up");
        assert!(html.contains("value=\"Amal\"") && html.contains("value=\"Yusuf\""), "the people are untouched");

        // A coordinator of another municipality gets no form back.
        let wn = staff(app, crate::workspace::WN_COORDINATOR).await;
        let r = wn.post_form(&format!("/m/{}/households/new", d.winnenden), &new, &as_refs(&fields)).await;
        assert!(r.status() == 403 || r.status() == 404, "{}", r.status());
    }
);
