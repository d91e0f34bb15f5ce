//! The weaknesses a security review found, each with a test named after it, and the second
//! factor for staff.

use bleibe::domain::second_factor::code_at;
use chrono::Duration;
use entities::{outbox_message, user};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::accounts::{TestClient, post_form};
use crate::db_test;
use crate::helpers::TestApp;
use crate::workspace::{ADMIN, ES_COORDINATOR, LANDLORD, demo, staff};

const KIRCHHEIM_COORDINATOR: &str = "koordination.kirchheim@bleibe.example";

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

db_test!(
    async fn open_redirect_through_white_space_or_a_line_break_in_next_is_refused(app) {
        for next in ["/%09/evil.example", "/%0a/evil.example", "/%0d%0a", "%09//evil.example", "/%5Cevil.example"] {
            let r = app.get(&format!("/lang/en?next={next}")).await;
            assert_eq!(r.status(), 303, "{next}: no server error");
            assert_eq!(location(&r), "/", "{next}");
        }
        demo(app).await;
        let r = post_form(app, "/login", "/login", &[("email", LANDLORD), ("login_password", "Bleibe-Vermietung-2026"), ("next", "/\t/evil.example")]).await;
        assert_eq!(r.status(), 303);
        assert!(location(&r).starts_with('/') && !location(&r).starts_with("//") && !location(&r).contains("evil"), "{}", location(&r));
    }
);

db_test!(
    async fn newline_in_next_gives_no_server_error(app) {
        for next in ["/%0a", "/%0d", "/x%0aSet-Cookie:%20a=b"] {
            let r = app.get(&format!("/lang/de?next={next}")).await;
            assert_eq!(r.status(), 303, "{next}");
            assert_eq!(location(&r), "/");
            assert!(r.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap_or("").starts_with("a=")));
        }
    }
);

db_test!(
    async fn draft_takeover_by_posting_a_place_is_refused(app) {
        demo(app).await;
        let renate = entities::landlord::Entity::find()
            .filter(entities::landlord::Column::ContactEmail.eq(LANDLORD))
            .one(app.db()).await.expect("q").expect("landlord");
        let draft = bleibe::store::drafts::insert(app.db(), renate.id, renate.user_id, None, &[("street".into(), "Schillerstraße".into())], app.clock_now())
            .await.expect("draft");
        let coordinator = staff(app, KIRCHHEIM_COORDINATOR).await;
        let r = coordinator.post_form("/workspace", &format!("/units/drafts/{draft}"), &[("action", "draft"), ("postal_code", "73230"), ("town", "Kirchheim unter Teck"), ("street", "Übernommen")]).await;
        assert_eq!(r.status(), 404);
        let stored = entities::unit_draft::Entity::find_by_id(draft).one(app.db()).await.expect("q").expect("draft");
        assert!(stored.form_data.contains("Schillerstraße") && !stored.form_data.contains("Übernommen"), "the draft is unchanged");
        assert_eq!(coordinator.get(&format!("/units/drafts/{draft}")).await.status(), 404);
    }
);

db_test!(
    async fn flats_under_any_landlord_are_refused(app) {
        demo(app).await;
        let renate = entities::landlord::Entity::find()
            .filter(entities::landlord::Column::ContactEmail.eq(LANDLORD))
            .one(app.db()).await.expect("q").expect("landlord");
        let units_before = entities::unit::Entity::find().count(app.db()).await.expect("count");
        let drafts_before = entities::unit_draft::Entity::find().count(app.db()).await.expect("count");
        for email in [KIRCHHEIM_COORDINATOR, "lotsin@bleibe.example"] {
            let client = staff(app, email).await;
            let r = client.post_form("/workspace", &format!("/landlords/{}/units/new", renate.id), &[("action", "submit"), ("postal_code", "73230"), ("town", "Kirchheim unter Teck")]).await;
            assert_eq!(r.status(), 404, "{email}");
        }
        assert_eq!(entities::unit::Entity::find().count(app.db()).await.expect("count"), units_before);
        assert_eq!(entities::unit_draft::Entity::find().count(app.db()).await.expect("count"), drafts_before);
    }
);

db_test!(
    async fn unlimited_emails_from_sign_up_and_reset_are_bounded(app) {
        demo(app).await;
        for _ in 0..6 {
            let r = post_form(app, "/signup", "/signup", &[("name", "Renate Maier"), ("email", LANDLORD), ("password", "Ein gutes neues Passwort"), ("password_repeat", "Ein gutes neues Passwort"), ("accept_privacy", "1")]).await;
            assert_eq!(r.status(), 303);
        }
        let resets = outbox_message::Entity::find()
            .filter(outbox_message::Column::ToAddress.eq(LANDLORD))
            .filter(outbox_message::Column::Kind.eq("password_reset"))
            .count(app.db()).await.expect("count");
        assert_eq!(resets, bleibe::services::limits::MAILS_PER_ADDRESS_PER_HOUR as u64);
        // Only the newest reset link works.
        let user_id = user::Entity::find().filter(user::Column::Email.eq(LANDLORD)).one(app.db()).await.expect("q").expect("user").id;
        let live = entities::action_token::Entity::find()
            .filter(entities::action_token::Column::UserId.eq(user_id))
            .filter(entities::action_token::Column::Purpose.eq("password_reset"))
            .filter(entities::action_token::Column::UsedAt.is_null())
            .count(app.db()).await.expect("count");
        assert_eq!(live, 1);
        // An hour later the address gets mail again.
        app.clock.advance(Duration::minutes(61));
        post_form(app, "/signup", "/signup", &[("name", "Renate Maier"), ("email", LANDLORD), ("password", "Ein gutes neues Passwort"), ("password_repeat", "Ein gutes neues Passwort"), ("accept_privacy", "1")]).await;
        let resets = outbox_message::Entity::find()
            .filter(outbox_message::Column::ToAddress.eq(LANDLORD))
            .filter(outbox_message::Column::Kind.eq("password_reset"))
            .count(app.db()).await.expect("count");
        assert_eq!(resets, 4);
    }
);

db_test!(
    async fn nul_bytes_and_line_breaks_are_refused_at_the_field_not_with_a_server_error(app) {
        demo(app).await;
        let r = post_form(app, "/login", "/login", &[("email", "renate\u{0}@example.org"), ("login_password", "x")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"f-email-error\"") && html.contains("Steuerzeichen"), "{html}");
        let r = post_form(app, "/forgot", "/forgot", &[("email", "renate\u{0}@example.org")]).await;
        assert_eq!(r.status(), 422);
        let r = post_form(app, "/signup", "/signup", &[("name", "Re\u{0}nate"), ("email", "neu@example.org"), ("password", "Ein gutes neues Passwort"), ("password_repeat", "Ein gutes neues Passwort"), ("accept_privacy", "1")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("page").contains("id=\"f-name-error\""));
        // A line break in a one-line field of the flat form (it would reach e-mails).
        let landlord = staff(app, LANDLORD).await;
        let r = landlord.post_form("/units/new", "/units/new", &[("action", "submit"), ("street", "Hauptstraße\r\nBcc: x@example.org"), ("house_number", "1")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"f-street-error\"") && html.contains("in eine Zeile"), "{html}");
        // The API names the member.
        let browser = staff(app, ES_COORDINATOR).await;
        let r = browser.post_form("/account", "/account/tokens", &[("name", "NUL"), ("days", "30")]).await;
        let page = r.text().await.expect("page");
        let token = &page[page.find("blb_").expect("token")..][..52];
        let r = app.client.post(app.url("/api/v1/proposals/1/steps")).bearer_auth(token)
            .json(&serde_json::json!({"action": "reject", "reason": "bad\u{0}"})).send().await.expect("request");
        assert_eq!(r.status(), 422);
        let body: serde_json::Value = r.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], "reason", "{body}");
    }
);

db_test!(
    async fn large_bodies_without_login_are_refused_before_they_are_read(app) {
        // The server may answer and close before the client has sent everything; a closed
        // connection is a refusal too.
        let refused = |result: Result<reqwest::Response, reqwest::Error>, status: u16| match result {
            Ok(r) => assert_eq!(r.status().as_u16(), status),
            Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
        };
        let big = "x".repeat(2 * 1024 * 1024);
        // Without a session no form can be valid: refused before the body is read.
        let stranger = reqwest::Client::new();
        refused(stranger.post(app.url("/login")).form(&[("email", big.as_str())]).send().await, 403);
        // With a session: a small form's limit.
        let browser = TestClient::new(app);
        let page = browser.get("/login").await.text().await.expect("page");
        let marker = "name=\"csrf\" value=\"";
        let start = page.find(marker).expect("token") + marker.len();
        let csrf = page[start..start + page[start..].find('"').expect("end")].to_owned();
        refused(browser.client().post(app.url("/login")).form(&[("email", big.as_str()), ("csrf", csrf.as_str())]).send().await, 413);
        // The service is fine afterwards.
        assert_eq!(app.get("/health").await.status(), 200);
    }
);

db_test!(
    async fn disk_and_database_fill_through_kept_forms_is_bounded(app) {
        demo(app).await;
        // A browser whose cookie we can send again after the session expired.
        let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        let cookie_of = |r: &reqwest::Response| {
            r.headers().get_all("set-cookie").iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with("bleibe_session="))
                .and_then(|v| v.split(';').next())
                .map(str::to_owned)
        };
        let token_in = |html: &str| {
            let marker = "name=\"csrf\" value=\"";
            let start = html.find(marker).expect("token") + marker.len();
            html[start..start + html[start..].find('"').expect("end")].to_owned()
        };
        let r = plain.get(app.url("/login")).send().await.expect("login page");
        let anonymous = cookie_of(&r).expect("cookie");
        let login_csrf = token_in(&r.text().await.expect("page"));
        let r = plain.post(app.url("/login")).header("cookie", &anonymous)
            .form(&[("email", LANDLORD), ("login_password", "Bleibe-Vermietung-2026"), ("csrf", login_csrf.as_str())])
            .send().await.expect("login");
        let cookie = cookie_of(&r).expect("session cookie");
        let page = plain.get(app.url("/units/new")).header("cookie", &cookie).send().await.expect("form").text().await.expect("page");
        let csrf = token_in(&page);
        // The session expires; the posts come with the old cookie and token.
        app.clock.advance(Duration::hours(9));
        let post = |with_text: bool| {
            let mut form = reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("action", "draft")
                .text("street", "Gartenweg")
                .part("photos", reqwest::multipart::Part::bytes(crate::helpers::png(20)).file_name("flur.png").mime_str("image/png").expect("mime"))
                .part("photos", reqwest::multipart::Part::bytes(b"no photo".to_vec()).file_name("notiz.txt").mime_str("text/plain").expect("mime"));
            if with_text {
                form = form
                    .text("description", "x".repeat(40 * 1024))
                    .text("pref_notes", "x".repeat(40 * 1024));
            }
            plain.post(app.url("/units/new")).header("cookie", &cookie).multipart(form).send()
        };
        // Too much text is not kept.
        let r = post(true).await.expect("post");
        assert_eq!(r.status(), 403, "more than 64 KiB of text is not kept");
        let html = r.text().await.expect("page");
        assert!(html.contains("Ihre Anmeldung ist abgelaufen") && html.contains("Zurück-Taste"), "the page says what happened and how to keep the input: {html}");
        assert!(!html.contains("Das Formular ist abgelaufen"), "not the misleading expired-form text");
        for n in 0..bleibe::services::limits::KEPT_FORMS_PER_DAY {
            let r = post(false).await.expect("post");
            assert_eq!(r.status(), 303, "kept form {n}");
            assert!(location(&r).starts_with("/login?kept=1"));
        }
        let r = post(false).await.expect("post");
        assert_eq!(r.status(), 403, "no more kept forms today");
        assert!(r.text().await.expect("page").contains("heute wurden schon viele Formulare aufbewahrt"));
        // Only the photos were kept, never the text file.
        let stash = app.data_dir.join("stash");
        let mut files = Vec::new();
        for dir in std::fs::read_dir(&stash).expect("stash").flatten() {
            for f in std::fs::read_dir(dir.path()).expect("folder").flatten() {
                files.push(std::fs::read(f.path()).expect("file"));
            }
        }
        assert_eq!(files.len(), bleibe::services::limits::KEPT_FORMS_PER_DAY as usize);
        assert!(files.iter().all(|f| f.starts_with(b"\x89PNG")));
        // Uploads of refused forms leave no temporary files behind.
        let uploads = app.data_dir.join("uploads");
        let left = std::fs::read_dir(&uploads).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "temporary upload files are removed");
    }
);

db_test!(
    async fn heavy_image_decoding_is_refused_by_the_size_in_pixels(app) {
        demo(app).await;
        let wide = image::RgbImage::from_pixel(8_001, 2, image::Rgb([200, 200, 200]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        wide.write_to(&mut bytes, image::ImageFormat::Png).expect("encode");
        let landlord = staff(app, LANDLORD).await;
        let page = landlord.get("/units/new").await.text().await.expect("page");
        let marker = "name=\"csrf\" value=\"";
        let start = page.find(marker).expect("token") + marker.len();
        let csrf = page[start..start + page[start..].find('"').expect("end")].to_owned();
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("action", "draft")
            .part("photos", reqwest::multipart::Part::bytes(bytes.into_inner()).file_name("breit.png").mime_str("image/png").expect("mime"));
        let r = landlord.client().post(app.url("/units/new")).multipart(form).send().await.expect("post");
        let html = r.text().await.expect("page");
        assert!(html.contains("mehr als 40 Megapixel oder breiter als 8.000 Pixel"), "{html}");
        assert_eq!(entities::unit_photo::Entity::find().count(app.db()).await.expect("count"), 0);
    }
);

db_test!(
    async fn api_tokens_do_not_survive_a_password_reset(app) {
        demo(app).await;
        let browser = staff(app, ES_COORDINATOR).await;
        let page = browser.post_form("/account", "/account/tokens", &[("name", "Fachverfahren"), ("days", "30")]).await.text().await.expect("page");
        let token = page[page.find("blb_").expect("token")..][..52].to_owned();
        let me = |token: String| async move { app.client.get(app.url("/api/v1/me")).bearer_auth(token).send().await.expect("me").status() };
        assert_eq!(me(token.clone()).await, 200);
        post_form(app, "/forgot", "/forgot", &[("email", ES_COORDINATOR)]).await;
        app.wait_for_mail(ES_COORDINATOR, "/reset/").await;
        let link = app.link_in_mail(ES_COORDINATOR, "/reset/");
        let new = "Ein ganz neues Passwort 2027";
        assert_eq!(post_form(app, &link, &link, &[("password", new), ("password_repeat", new)]).await.status(), 303);
        assert_eq!(me(token).await, 401);
    }
);

db_test!(
    async fn account_enumeration_by_timing_on_forgot_is_closed_the_work_comes_after_the_answer(app) {
        demo(app).await;
        // The work happens after the answer: a failure while writing the mail cannot show
        // which address has an account.
        crate::atomic::break_inserts(app, "outbox").await;
        let known = post_form(app, "/forgot", "/forgot", &[("email", LANDLORD)]).await;
        let unknown = post_form(app, "/forgot", "/forgot", &[("email", "niemand@example.org")]).await;
        assert_eq!((known.status().as_u16(), unknown.status().as_u16()), (303, 303));
        assert_eq!(known.headers()["location"], unknown.headers()["location"]);
        crate::atomic::mend_inserts(app, "outbox").await;
    }
);

db_test!(
    async fn a_second_match_run_while_one_runs_is_refused_with_a_sentence(app) {
        let d = demo(app).await;
        // A run under way elsewhere holds the lock.
        assert!(bleibe::store::jobs::acquire_lease(app.db(), "match-run-any", "elsewhere", app.clock_now(), Duration::minutes(10)).await.expect("lease"));
        let es = staff(app, ES_COORDINATOR).await;
        let path = format!("/m/{}/runs", d.esslingen);
        let r = es.post_form(&path, &path, &[]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.expect("page").contains("Gerade läuft schon ein Abgleich"));
        assert_eq!(entities::match_run::Entity::find().count(app.db()).await.expect("count"), 0);
        // Once it is over (or its lease lapsed), runs go again.
        app.clock.advance(Duration::minutes(11));
        let es = staff(app, ES_COORDINATOR).await;
        assert_eq!(es.post_form(&path, &path, &[]).await.status(), 303);
    }
);

/// The code the app shows now for `email`'s secret.
async fn current_code(app: &TestApp, email: &str) -> String {
    let secret = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(app.db())
        .await
        .expect("q")
        .expect("user")
        .totp_secret
        .expect("a secret");
    code_at(&secret, app.clock_now().timestamp() as u64).expect("code")
}

async fn log_in<'a>(app: &'a TestApp, email: &str, password: &str) -> TestClient<'a> {
    let client = TestClient::new(app);
    let r = client
        .post_form(
            "/login",
            "/login",
            &[("email", email), ("login_password", password)],
        )
        .await;
    assert_eq!(r.status(), 303);
    client
}

db_test!(
    async fn staff_log_in_with_a_second_factor_and_each_code_works_once(app) {
        demo(app).await;
        let password = "Bleibe-Koordination-2026";
        let es = log_in(app, ES_COORDINATOR, password).await;
        let page = es.get("/account/second-factor").await.text().await.expect("page");
        assert!(page.contains("<svg") && page.contains("Scannen Sie diesen QR-Code"), "a QR code");
        // A wrong first code: 422 at the field.
        let r = es.post_form("/account/second-factor", "/account/second-factor", &[("code", "000000")]).await;
        assert_eq!(r.status(), 422);
        let code = current_code(app, ES_COORDINATOR).await;
        let r = es.post_form("/account/second-factor", "/account/second-factor", &[("code", &code)]).await;
        // The codes are on the page the post leads to, once: a reload shows them no more.
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/account/second-factor".to_owned()));
        let html = es.get("/account/second-factor").await.text().await.expect("page");
        let recovery: Vec<String> = html
            .match_indices("<li><code>")
            .map(|(i, _)| html[i + 10..i + 19].to_owned())
            .collect();
        assert_eq!(recovery.len(), 10, "{html}");
        let again = es.get("/account/second-factor").await.text().await.expect("page");
        assert!(!again.contains(&recovery[0]), "shown once");

        // The next login asks for a code after the password.
        app.clock.advance(Duration::minutes(1));
        let client = TestClient::new(app);
        let r = client.post_form("/login", "/login", &[("email", ES_COORDINATOR), ("login_password", password)]).await;
        assert_eq!(location(&r), "/login/code");
        assert_eq!(client.get("/workspace").await.status(), 303, "not logged in yet");
        let r = client.post_form("/login/code", "/login/code", &[("code", "123456")]).await;
        assert_eq!(r.status(), 422, "a wrong code");
        let code = current_code(app, ES_COORDINATOR).await;
        let r = client.post_form("/login/code", "/login/code", &[("code", &code)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(client.get("/workspace").await.status(), 200);

        // The same code again (another browser, same 30 seconds): refused.
        let other = TestClient::new(app);
        other.post_form("/login", "/login", &[("email", ES_COORDINATOR), ("login_password", password)]).await;
        let r = other.post_form("/login/code", "/login/code", &[("code", &code)]).await;
        assert_eq!(r.status(), 422, "a code works once");
        // A recovery code works, once.
        let r = other.post_form("/login/code", "/login/code", &[("code", &recovery[0].to_uppercase())]).await;
        assert_eq!(r.status(), 303);
        let third = TestClient::new(app);
        third.post_form("/login", "/login", &[("email", ES_COORDINATOR), ("login_password", password)]).await;
        let r = third.post_form("/login/code", "/login/code", &[("code", &recovery[0])]).await;
        assert_eq!(r.status(), 422, "a recovery code works once");
    }
);

db_test!(
    async fn a_required_second_factor_leads_to_the_set_up_page_not_into_the_workspace(app) {
        demo(app).await;
        let admin = staff(app, ADMIN).await;
        let r = admin.post_form("/admin/users", "/admin/second-factor", &[("required", "coordinator")]).await;
        assert_eq!(r.status(), 303);
        let es = staff(app, ES_COORDINATOR).await;
        let r = es.get("/workspace").await;
        assert_eq!((r.status().as_u16(), location(&r)), (303, "/account/second-factor".to_owned()));
        let page = es.get("/account/second-factor").await.text().await.expect("page");
        assert!(page.contains("Für Ihre Rolle ist ein zweiter Faktor vorgeschrieben"), "{page}");
        // Forms are stopped too.
        let r = es.post_form("/account/second-factor", "/workspace/landlords", &[("landlord_name", "X"), ("landlord_email", "x@example.org")]).await;
        assert_eq!(location(&r), "/account/second-factor");
        let code = current_code(app, ES_COORDINATOR).await;
        assert_eq!(es.post_form("/account/second-factor", "/account/second-factor", &[("code", &code)]).await.status(), 303);
        assert_eq!(es.get("/workspace").await.status(), 200);
        // It cannot be turned off while required; landlords are not asked.
        let r = es.post_form("/account/second-factor", "/account/second-factor/off", &[("code", "000000")]).await;
        assert_eq!(r.status(), 422);
        let landlord = staff(app, LANDLORD).await;
        assert_eq!(landlord.get("/dashboard").await.status(), 200);
    }
);

db_test!(
    async fn control_characters_in_an_imported_row_are_named_like_in_the_form(app) {
        let d = demo(app).await;
        let template = bleibe::services::import::household_template("Esslingen am Neckar");
        let broken = template
            .replace("AU-2026-001", "AU-2026-NUL")
            .replace("Gemeinschaftsunterkunft Beispielweg 1", "Gemeinschafts\u{1}unterkunft");
        let options = bleibe::services::import::Options {
            file_name: "haushalte.csv".into(),
            default_municipality: Some(d.esslingen),
            only_municipality: Some(d.esslingen),
        };
        let report = bleibe::services::import::run(
            &app.app,
            &bleibe::services::Actor::System,
            bleibe::services::import::Kind::Households,
            broken.as_bytes(),
            &options,
            &|_, _, _| {},
        )
        .await
        .expect("import");
        assert!(!report.imported, "nothing written");
        assert!(
            report.rejected.iter().any(|p| p.key == "validation.control_characters" && p.column.as_deref().is_some_and(|c| c.contains("follow_up_site") || c.contains("Unterkunft"))),
            "{:?}",
            report.rejected
        );
    }
);
