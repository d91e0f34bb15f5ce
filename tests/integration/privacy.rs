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
        let json: Value = browser
            .get(&format!("/households/{}/data.json", h.id))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(json["household"]["reference"], h.reference);
        assert!(json.to_string().contains(&member.first_name));
        assert!(json["audit_log"].as_array().is_some_and(|a| a.iter().any(|e| e["action"] == "personal_data_export")));

        // A wrong confirmation erases nothing.
        let r = browser
            .post_form(&format!("/households/{}/data", h.id), &format!("/households/{}/erase", h.id), &[("confirm", "wrong"), ("reason", "Wunsch")])
            .await;
        assert_eq!(r.status(), 303);
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
        assert!(log.contains("erase_household") && log.contains("personal_data_export"), "{log}");
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
        let r = admin
            .post_form("/admin/audit", &format!("/admin/landlords/{}/erase", landlord.id), &[])
            .await;
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
        assert_eq!(json["account"]["email"], ES_COORDINATOR);
        assert!(json["audit_log"]["about_you"].as_array().is_some_and(|a| a.iter().any(|e| e["action"] == "personal_data_export")));
        assert!(!json.to_string().contains("argon2"), "no password hash");
    }
);
