//! `/account` for every role: the password, the e-mail address (confirmed from a link to
//! the new address), a landlord's phone number, the language, and deleting the account.

use bleibe::domain::Locale;
use bleibe::domain::roles::Role;
use bleibe::services::CurrentUser;
use bleibe::store::users::NewUser;
use entities::{landlord, outbox_message, proposal, unit, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::accounts::{TestClient, landlord_logged_in};
use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{demo, staff};

const EMAIL: &str = "renate@example.org";
/// The password `landlord_logged_in` signs up with.
const PASSWORD: &str = "Mein Garten hat 3 Apfelbäume";
const NEW_PASSWORD: &str = "Der Apfelbaum blüht im April";

async fn account(app: &TestApp, email: &str) -> Option<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(app.db())
        .await
        .expect("q")
}

async fn can_log_in(app: &TestApp, email: &str, password: &str) -> bool {
    TestClient::new(app)
        .post_form(
            "/login",
            "/login",
            &[("email", email), ("login_password", password)],
        )
        .await
        .status()
        == 303
}

/// The e-mails waiting in (or sent from) the outbox to `to`, as (kind, subject, text).
async fn outbox_to(app: &TestApp, to: &str) -> Vec<(String, String, String)> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::ToAddress.eq(to))
        .all(app.db())
        .await
        .expect("q")
        .into_iter()
        .map(|m| (m.kind, m.subject, m.body_text))
        .collect()
}

/// A staff account with a password, confirmed.
async fn staff_account(app: &TestApp, email: &str, role: Role, password: &str) -> i64 {
    bleibe::store::users::insert(
        app.db(),
        &NewUser {
            email: email.into(),
            display_name: "Anna Berger".into(),
            role,
            locale: Locale::De,
            password_hash: Some(
                bleibe::services::passwords::hash_password(password).expect("hash"),
            ),
            email_confirmed: true,
        },
        app.app.clock.now(),
    )
    .await
    .expect("user")
}

db_test!(
    async fn account_changes_with_a_wrong_current_password_change_nothing(app) {
        landlord_logged_in(app, EMAIL).await;
        let client = TestClient::new(app);
        let r = client.post_form("/login", "/login", &[("email", EMAIL), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        let before = account(app, EMAIL).await.expect("account");

        let r = client
            .post_form("/account", "/account/password", &[
                ("current_password", "Das ist falsch 123"),
                ("new_password", NEW_PASSWORD),
                ("new_password_repeat", NEW_PASSWORD),
            ])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("Das Passwort stimmt nicht."), "the message at the field");
        assert!(html.contains("id=\"f-current_password-error\""), "tied to the field");
        assert!(html.contains("id=\"error-summary\"") && html.contains("href=\"#f-current_password\""), "listed at the top, linked to the field");
        assert!(!html.contains(NEW_PASSWORD) && !html.contains("Das ist falsch 123"), "passwords are never echoed");

        // A new password that is too short and a repeat that differs: each said at its field.
        let r = client
            .post_form("/account", "/account/password", &[
                ("current_password", PASSWORD),
                ("new_password", "kurz"),
                ("new_password_repeat", "anders"),
            ])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("id=\"f-new_password-error\"") && html.contains("id=\"f-new_password_repeat-error\""));

        // The e-mail form keeps the address typed, not the password.
        let r = client
            .post_form("/account", "/account/email", &[
                ("new_email", "renate.neu@example.org"),
                ("email_password", "Das ist falsch 123"),
            ])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("value=\"renate.neu@example.org\""), "the address is kept");
        assert!(html.contains("id=\"f-email_password-error\"") && !html.contains("Das ist falsch 123"));

        // The deletion form: wrong password and no tick, both said.
        let r = client.post_form("/account/delete", "/account/delete", &[("delete_password", "Das ist falsch 123")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("id=\"f-delete_password-error\"") && html.contains("id=\"f-confirm-error\""));

        let after = account(app, EMAIL).await.expect("account");
        assert_eq!(before.password_hash, after.password_hash, "the password is unchanged");
        assert_eq!(after.email, EMAIL);
        assert!(after.anonymized_at.is_none());
        assert!(outbox_to(app, "renate.neu@example.org").await.is_empty(), "no link went out");
        assert!(can_log_in(app, EMAIL, PASSWORD).await);
    }
);

db_test!(
    async fn account_password_change_ends_other_sessions_revokes_tokens_and_tells_the_owner(app) {
        landlord_logged_in(app, EMAIL).await;
        let other = TestClient::new(app);
        let r = other.post_form("/login", "/login", &[("email", EMAIL), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(other.get("/account").await.status(), 200);
        let r = crate::accounts::post_form(app, "/account", "/account/tokens", &[("name", "Fachverfahren"), ("days", "30")]).await;
        assert_eq!(r.status(), 201);

        let r = crate::accounts::post_form(app, "/account", "/account/password", &[
            ("current_password", PASSWORD),
            ("new_password", NEW_PASSWORD),
            ("new_password_repeat", NEW_PASSWORD),
        ])
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/account");
        let page = app.get("/account").await;
        assert_eq!(page.status(), 200, "this session goes on");
        assert!(page.text().await.expect("html").contains("Ihr Passwort ist geändert."), "flash message");
        let r = other.get("/account").await;
        assert_eq!(r.status(), 303, "the other session ended");
        assert!(r.headers()["location"].to_str().expect("l").starts_with("/login"));

        let me = account(app, EMAIL).await.expect("account");
        let tokens = entities::api_token::Entity::find()
            .filter(entities::api_token::Column::UserId.eq(me.id))
            .all(app.db())
            .await
            .expect("q");
        assert_eq!(tokens.len(), 1);
        assert!(tokens.iter().all(|t| t.revoked_at.is_some()), "API tokens revoked");
        assert!(!can_log_in(app, EMAIL, PASSWORD).await, "the old password fails");
        assert!(can_log_in(app, EMAIL, NEW_PASSWORD).await, "the new one works");

        let notices: Vec<_> = outbox_to(app, EMAIL).await.into_iter().filter(|(kind, _, _)| kind == "password_changed").collect();
        assert_eq!(notices.len(), 1, "one notice in the outbox");
        assert!(notices[0].1.contains("Passwort") && notices[0].2.contains("Wenn Sie das nicht waren"));
        let audit = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.eq("password_change"))
            .all(app.db())
            .await
            .expect("q");
        assert_eq!(audit.len(), 1);
    }
);

db_test!(
    async fn account_email_changes_only_from_the_link_which_works_once(app) {
        landlord_logged_in(app, EMAIL).await;
        // Taken by another account: said at the field.
        staff_account(app, "lea@example.org", Role::Volunteer, "Lotsin im Stadtteil 7").await;
        let r = crate::accounts::post_form(app, "/account", "/account/email", &[("new_email", "Lea@Example.org"), ("email_password", PASSWORD)]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("html").contains("gehört schon zu einem anderen Konto"));
        let r = crate::accounts::post_form(app, "/account", "/account/email", &[("new_email", "kein-at"), ("email_password", PASSWORD)]).await;
        assert_eq!(r.status(), 422);

        let new = "renate.neu@example.org";
        let r = crate::accounts::post_form(app, "/account", "/account/email", &[("new_email", new), ("email_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        app.dispatch_mails().await;
        let to_old = app.mails().into_iter().find(|m| m.to == EMAIL && m.text.contains("re****@example.org"));
        assert!(to_old.is_some(), "a notice to the old address names the new one, masked");
        assert!(!to_old.expect("notice").text.contains("/account/email/confirm/"), "and carries no link");
        let link = app.link_in_mail(new, "/account/email/confirm/");
        assert_eq!(account(app, EMAIL).await.expect("account").email, EMAIL, "nothing changed before the link");
        assert!(!can_log_in(app, new, PASSWORD).await);

        // Opening the link (as a mail scanner would) changes nothing; the button does.
        let browser = TestClient::new(app);
        let r = browser.get(&link).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("html");
        assert!(html.contains("Neue E-Mail-Adresse bestätigen") && html.contains(new), "{html}");
        assert_eq!(account(app, EMAIL).await.expect("account").email, EMAIL, "opening the link changes nothing");
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).expect("token") + marker.len();
        let csrf = html[start..start + html[start..].find('"').expect("end")].to_owned();
        let press = || browser.client().post(app.url(&link)).form(&[("csrf", csrf.as_str())]).send();
        let r = press().await.expect("post");
        assert_eq!(r.status(), 200);
        assert!(r.text().await.expect("html").contains("Ihre E-Mail-Adresse ist geändert"));
        // Pressed twice (a double click): the second says the address is changed.
        let r = press().await.expect("post");
        assert_eq!(r.status(), 410);
        assert!(r.text().await.expect("html").contains("Ihre Adresse ist schon geändert"));
        assert!(account(app, EMAIL).await.is_none());
        let me = account(app, new).await.expect("the new address");
        let landlord = landlord::Entity::find().filter(landlord::Column::UserId.eq(me.id)).one(app.db()).await.expect("q").expect("landlord");
        assert_eq!(landlord.contact_email.as_deref(), Some(new), "the contact address follows");
        assert!(can_log_in(app, new, PASSWORD).await);
        assert!(!can_log_in(app, EMAIL, PASSWORD).await);
        let again = TestClient::new(app).get(&link).await;
        assert_eq!(again.status(), 410, "the link works once");
        assert!(again.text().await.expect("html").contains("Ihre Adresse ist schon geändert"), "and says the address is changed");

        // A link whose address someone else took meanwhile changes nothing.
        let third = "renate.drei@example.org";
        let r = crate::accounts::post_form(app, "/account", "/account/email", &[("new_email", third), ("email_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        app.dispatch_mails().await;
        let link = app.link_in_mail(third, "/account/email/confirm/");
        staff_account(app, third, Role::Volunteer, "Lotsin im Stadtteil 8").await;
        let other = TestClient::new(app);
        let r = other.post_form(&link, &link, &[]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.expect("html").contains("gehört inzwischen zu einem anderen Konto"));
        let r = other.get(&link).await;
        assert!(r.text().await.expect("html").contains("Ihre Adresse ist nicht geändert"), "the used link says the address stayed");
        assert_eq!(user::Entity::find_by_id(me.id).one(app.db()).await.expect("q").expect("me").email, new);
        let entries = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::Action.eq("email_change"))
            .all(app.db())
            .await
            .expect("q");
        assert_eq!(entries.len(), 1);

        // An account kept in English gets the link's pages in English on a browser where
        // nobody chose a language.
        let r = crate::accounts::post_form(app, "/account", "/account/language", &[("locale", "en")]).await;
        assert_eq!(r.status(), 303);
        let fourth = "renate.vier@example.org";
        let r = crate::accounts::post_form(app, "/account", "/account/email", &[("new_email", fourth), ("email_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        app.dispatch_mails().await;
        let link = app.link_in_mail(fourth, "/account/email/confirm/");
        let fresh = TestClient::new(app);
        let page = fresh.get(&link).await.text().await.expect("html");
        assert!(page.contains("Confirm your new e-mail address"), "{page}");
        let r = fresh.post_form(&link, &link, &[]).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.expect("html").contains("Your e-mail address is changed"));
    }
);

db_test!(
    async fn account_phone_is_checked_and_the_language_switches_at_once(app) {
        landlord_logged_in(app, EMAIL).await;
        for wrong in ["0711 555 x", "12345", "+ ( ) - / 1"] {
            let r = crate::accounts::post_form(app, "/account", "/account/phone", &[("phone", wrong)]).await;
            assert_eq!(r.status(), 422, "{wrong}");
            let html = r.text().await.expect("html");
            assert!(html.contains("id=\"f-phone-error\""), "{wrong}: message at the field");
            assert!(html.contains(&format!("value=\"{wrong}\"")), "{wrong}: value kept");
        }
        let r = crate::accounts::post_form(app, "/account", "/account/phone", &[("phone", " +49 711  555-0142 ")]).await;
        assert_eq!(r.status(), 303);
        let me = account(app, EMAIL).await.expect("account");
        let row = landlord::Entity::find().filter(landlord::Column::UserId.eq(me.id)).one(app.db()).await.expect("q").expect("landlord");
        assert_eq!(row.phone.as_deref(), Some("+49 711 555-0142"));
        assert!(app.get("/account").await.text().await.expect("html").contains("value=\"+49 711 555-0142\""));
        let r = crate::accounts::post_form(app, "/account", "/account/phone", &[("phone", "")]).await;
        assert_eq!(r.status(), 303);
        let row = landlord::Entity::find_by_id(row.id).one(app.db()).await.expect("q").expect("landlord");
        assert_eq!(row.phone, None, "empty removes it");

        let r = crate::accounts::post_form(app, "/account", "/account/language", &[("locale", "fr")]).await;
        assert_eq!(r.status(), 422);
        let r = crate::accounts::post_form(app, "/account", "/account/language", &[("locale", "en")]).await;
        assert_eq!(r.status(), 303);
        assert!(r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or("").starts_with("bleibe_lang=en")));
        let html = app.get("/account").await.text().await.expect("html");
        assert!(html.contains("The language is saved.") && html.contains("Change password"), "the page is in English at once");
        let me = account(app, EMAIL).await.expect("account");
        assert_eq!(me.locale, "en");
        let row = landlord::Entity::find_by_id(row.id).one(app.db()).await.expect("q").expect("landlord");
        assert_eq!(row.preferred_locale, "en", "the landlord's e-mails too");
        // On another device, where nobody chose a language yet, the login brings it along;
        // where someone chose one, that choice stays.
        let elsewhere = TestClient::new(app);
        let r = elsewhere.post_form("/login", "/login", &[("email", EMAIL), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        assert!(r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or("").starts_with("bleibe_lang=en")));
        assert!(elsewhere.get("/account").await.text().await.expect("html").contains("Change password"));
        let german = TestClient::new(app);
        german.get("/lang/de?next=/login").await;
        let r = german.post_form("/login", "/login", &[("email", EMAIL), ("login_password", PASSWORD)]).await;
        assert!(!r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap_or("").starts_with("bleibe_lang=")));
        assert!(german.get("/account").await.text().await.expect("html").contains("Passwort ändern"));

        // Staff have no phone here.
        staff_account(app, "chefin@example.org", Role::Admin, "Verwaltung im Rathaus 1").await;
        let admin = TestClient::new(app);
        assert_eq!(admin.post_form("/login", "/login", &[("email", "chefin@example.org"), ("login_password", "Verwaltung im Rathaus 1")]).await.status(), 303);
        assert!(!admin.get("/account").await.text().await.expect("html").contains("/account/phone"));
        assert_eq!(admin.post_form("/account", "/account/phone", &[("phone", "0711 555-0142")]).await.status(), 404);
    }
);

/// The moved-in figures of every municipality, as the figures page counts them.
async fn placement_figures(app: &TestApp) -> Vec<(i64, u64, u64, i64, u64, u64, String)> {
    let admin = CurrentUser {
        id: 0,
        display_name: "Test".into(),
        role: Role::Admin,
        municipalities: vec![],
    };
    let mut out = Vec::new();
    for m in entities::municipality::Entity::find()
        .all(app.db())
        .await
        .expect("q")
    {
        let f = bleibe::services::figures::of_municipality(&app.app, &admin, m.id)
            .await
            .expect("figures");
        out.push((
            m.id,
            f.moved_in,
            f.persons_placed,
            f.places_freed,
            f.sustained_12_months,
            f.ended_early,
            format!("{:?}", f.left_out),
        ));
    }
    out
}

db_test!(
    async fn account_deletion_by_a_landlord_withdraws_open_proposals_and_keeps_the_figures(app) {
        demo(app).await;
        // A demo landlord with flats and placements in the past, none open now.
        let mut chosen = None;
        for l in landlord::Entity::find().all(app.db()).await.expect("q") {
            let Some(user_id) = l.user_id else { continue };
            let own = bleibe::store::units::list_for_landlord(app.db(), l.id).await.expect("units");
            let ids: Vec<i64> = own.iter().map(|u| u.id).collect();
            if own.is_empty() || !bleibe::store::pipeline::open_proposals(app.db(), None, &ids).await.expect("q").is_empty() {
                continue;
            }
            let placed = entities::placement::Entity::find()
                .filter(entities::placement::Column::UnitId.is_in(ids.clone()))
                .filter(entities::placement::Column::MovedInOn.is_not_null())
                .all(app.db())
                .await
                .unwrap_or_default();
            let better = !placed.is_empty();
            if chosen.is_none() || better {
                chosen = Some((l.clone(), user_id, own));
            }
            if better {
                break;
            }
        }
        let (landlord, user_id, own) = chosen.expect("a landlord without open proposals");
        let email = user::Entity::find_by_id(user_id).one(app.db()).await.expect("q").expect("user").email;
        // An open proposal of one of the flats, sent to a household that gets e-mail.
        let flat = &own[0];
        let household = crate::landlord_proposals::household(app, flat.municipality_id).await;
        let now = app.app.clock.now();
        let open = proposal::ActiveModel {
            match_run_id: Set(None),
            candidate_id: Set(None),
            unit_id: Set(flat.id),
            household_id: Set(household),
            state: Set("sent".into()),
            is_open: Set(true),
            origin: Set("engine".into()),
            score: Set(0.8),
            override_reason: Set(None),
            state_changed_at: Set(now),
            approved_at: Set(Some(now)),
            approved_by_user_id: Set(None),
            sent_at: Set(Some(now)),
            answer_due_at: Set(None),
            reminded_at: Set(None),
            landlord_answered_at: Set(None),
            household_answered_at: Set(None),
            closed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("proposal");
        // A placement of the same flat in the past (the household moved on), which the
        // figures count.
        let past = proposal::ActiveModel {
            state: Set("ended_early".into()),
            is_open: Set(false),
            closed_at: Set(Some(now)),
            ..open.clone().into()
        };
        let mut past = past;
        past.id = sea_orm::ActiveValue::NotSet;
        let past = past.insert(app.db()).await.expect("past proposal");
        let today = now.date_naive();
        entities::placement::ActiveModel {
            proposal_id: Set(past.id),
            unit_id: Set(flat.id),
            household_id: Set(household),
            municipality_id: Set(flat.municipality_id),
            jobcenter_status: Set(None),
            jobcenter_requested_on: Set(None),
            jobcenter_decided_on: Set(None),
            lease_kind: Set(Some("direct".into())),
            lease_signed_on: Set(Some(today - chrono::Duration::days(400))),
            lease_start: Set(Some(today - chrono::Duration::days(395))),
            rent_cold_cents: Set(Some(50_000)),
            service_charges_cents: Set(Some(12_000)),
            heating_costs_cents: Set(Some(6_000)),
            moved_in_on: Set(Some(today - chrono::Duration::days(395))),
            freed_site: Set(None),
            places_freed: Set(3),
            outcome: Set("ended_early".into()),
            ended_on: Set(Some(today - chrono::Duration::days(30))),
            end_reason: Set(None),
            end_reason_code: Set(Some("moved_away".into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("placement");
        let figures = placement_figures(app).await;
        assert!(figures.iter().any(|f| f.1 > 0), "the demo has move-ins to keep: {figures:?}");
        // A request for an incentive that waits for a decision.
        let programme = entities::incentive_programme::Entity::find()
            .filter(entities::incentive_programme::Column::MunicipalityId.eq(flat.municipality_id))
            .one(app.db())
            .await
            .expect("q")
            .expect("a programme in the flat's town");
        let request = entities::unit_incentive::ActiveModel {
            unit_id: Set(flat.id),
            programme_id: Set(programme.id),
            status: Set("requested".into()),
            landlord_note: Set(None),
            requested_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .expect("request");
        let manager = bleibe::store::users::coordinators_of(app.db(), flat.municipality_id).await.expect("q");
        let manager = manager.first().map(|c| c.email.clone());
        let coordinator = staff(app, &manager.expect("a coordinator of the town")).await;
        let workspace = coordinator.get("/workspace").await.text().await.expect("html");
        assert!(workspace.contains(&format!("/workspace/incentives/{}", request.id)), "the request waits on the workspace");

        let client = staff(app, &email).await;
        let page = client.get("/account/delete").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("Laufende Vorschläge für Ihre Wohnungen werden zurückgezogen"), "the page says what happens");
        let r = client.post_form("/account/delete", "/account/delete", &[("delete_password", "Bleibe-Vermietung-2026")]).await;
        assert_eq!(r.status(), 422, "the box must be ticked");
        assert_eq!(crate::workspace::state_of(app, open.id).await, "sent", "nothing changed");

        let r = client.post_form("/account/delete", "/account/delete", &[("delete_password", "Bleibe-Vermietung-2026"), ("confirm", "1")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/account/deleted");
        let done = client.get("/account/deleted").await;
        assert_eq!(done.status(), 200);
        assert!(done.text().await.expect("html").contains("Ihr Konto ist gelöscht"));
        assert_eq!(client.get("/account").await.status(), 303, "logged out");

        assert_eq!(crate::workspace::state_of(app, open.id).await, "withdrawn");
        for u in &own {
            let row = unit::Entity::find_by_id(u.id).one(app.db()).await.expect("q").expect("unit");
            assert_eq!(row.status, "withdrawn", "every flat is taken out");
        }
        let row = landlord::Entity::find_by_id(landlord.id).one(app.db()).await.expect("q").expect("row");
        assert!(row.anonymized_at.is_some() && row.contact_email.is_none());
        assert!(!can_log_in(app, &email, "Bleibe-Vermietung-2026").await, "the old login fails");
        // The request went with the flat: not on the workspace, not to be granted any more.
        let row = entities::unit_incentive::Entity::find_by_id(request.id).one(app.db()).await.expect("q").expect("row");
        assert_eq!(row.status, "withdrawn");
        let workspace = coordinator.get("/workspace").await.text().await.expect("html");
        assert!(!workspace.contains(&format!("/workspace/incentives/{}", request.id)), "the request left the workspace");
        let path = format!("/workspace/incentives/{}", request.id);
        let r = coordinator.post_form("/workspace", &path, &[("decision", "grant"), ("amount", "100")]).await;
        assert_eq!(r.status(), 409, "a withdrawn request cannot be granted");
        let row = entities::unit_incentive::Entity::find_by_id(request.id).one(app.db()).await.expect("q").expect("row");
        assert_eq!((row.status.as_str(), row.decided_at), ("withdrawn", None), "nothing changed");
        let page = coordinator.get(&format!("/units/{}", flat.id)).await.text().await.expect("html");
        assert!(!page.contains("why-not?unit="), "no matching questions for a flat taken out");
        assert!(!page.contains("/workspace#h-requests"), "nothing to decide");

        let to_household = outbox_to(app, "fatima.haddad@example.org").await;
        assert!(to_household.iter().any(|(kind, subject, _)| kind == "landlord_left_household" && subject.contains("nicht mehr frei")), "{to_household:?}");
        let to_coordinators = outbox_message::Entity::find()
            .filter(outbox_message::Column::Kind.eq("landlord_left_coordinator"))
            .filter(outbox_message::Column::ProposalId.eq(open.id))
            .all(app.db())
            .await
            .expect("q");
        assert!(!to_coordinators.is_empty(), "the coordinators hear why");
        assert!(to_coordinators.iter().all(|m| m.body_text.contains("PL-2025-001") && m.body_text.contains(&format!("/workspace/proposals/{}", open.id))));
        app.dispatch_mails().await;
        assert!(app.mails().iter().any(|m| m.to == "fatima.haddad@example.org" && m.text.contains("Sie bleiben auf der Liste")));

        assert_eq!(placement_figures(app).await, figures, "the municipal figures stay as they were");
    }
);

db_test!(
    async fn account_deletion_waits_while_a_lease_is_signed(app) {
        let (proposal_id, unit_id) = crate::landlord_proposals::proposal_for_landlord(app, "lease_signed").await;
        let page = app.get("/account/delete").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains("kann noch nicht gelöscht werden") && html.contains("Mietvertrag unterschrieben"));
        assert!(html.contains("wohnen@08116056.example"), "whom to contact");
        assert!(!html.contains("action=\"/account/delete\""), "no form to delete");
        let r = crate::accounts::post_form(app, "/account", "/account/delete", &[("delete_password", PASSWORD), ("confirm", "1")]).await;
        assert_eq!(r.status(), 409);
        assert_eq!(crate::workspace::state_of(app, proposal_id).await, "lease_signed");
        let row = unit::Entity::find_by_id(unit_id).one(app.db()).await.expect("q").expect("unit");
        assert_ne!(row.status, "withdrawn");
        assert!(can_log_in(app, EMAIL, PASSWORD).await);
    }
);

db_test!(
    async fn account_deletion_refuses_the_last_admin_and_erases_staff(app) {
        let first = staff_account(app, "chefin@example.org", Role::Admin, "Verwaltung im Rathaus 1").await;
        let client = TestClient::new(app);
        assert_eq!(client.post_form("/login", "/login", &[("email", "chefin@example.org"), ("login_password", "Verwaltung im Rathaus 1")]).await.status(), 303);
        let page = client.get("/account/delete").await.text().await.expect("html");
        assert!(page.contains("einzige Person, die Bleibe verwaltet"));
        let r = client.post_form("/account", "/account/delete", &[("delete_password", "Verwaltung im Rathaus 1"), ("confirm", "1")]).await;
        assert_eq!(r.status(), 409);
        assert!(user::Entity::find_by_id(first).one(app.db()).await.expect("q").expect("u").anonymized_at.is_none());

        // With a second admin, the first may go; the log keeps what they did, without a name.
        staff_account(app, "vertretung@example.org", Role::Admin, "Verwaltung im Rathaus 2").await;
        let r = client.post_form("/account/delete", "/account/delete", &[("delete_password", "Verwaltung im Rathaus 1"), ("confirm", "1")]).await;
        assert_eq!(r.status(), 303);
        let gone = user::Entity::find_by_id(first).one(app.db()).await.expect("q").expect("u");
        assert!(gone.anonymized_at.is_some() && gone.password_hash.is_none() && gone.email != "chefin@example.org");
        assert!(!can_log_in(app, "chefin@example.org", "Verwaltung im Rathaus 1").await);
        let entries = entities::audit_entry::Entity::find()
            .filter(entities::audit_entry::Column::ActorUserId.eq(first))
            .all(app.db())
            .await
            .expect("q");
        assert!(!entries.is_empty() && entries.iter().all(|e| e.actor_label == "erased person (admin)"), "{entries:?}");
    }
);
