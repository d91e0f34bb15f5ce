//! Accounts: sign-up, confirmation, login and its limits, logout, password reset, CSRF.

use chrono::Duration;

use crate::db_test;
use crate::helpers::TestApp;

/// The hidden CSRF token of the form on `path` (GET), from the page's HTML.
pub async fn csrf_of(app: &TestApp, path: &str) -> String {
    let html = app.get(path).await.text().await.expect("page");
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no form token on {path}"))
        + marker.len();
    html[start..start + html[start..].find('"').expect("end of token")].to_owned()
}

/// Posts a form (with the CSRF token of `form_path`) and returns the response.
pub async fn post_form(
    app: &TestApp,
    form_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = csrf_of(app, form_path).await;
    let mut body: Vec<(&str, &str)> = fields.to_vec();
    body.push(("csrf", &csrf));
    app.client
        .post(app.url(action))
        .form(&body)
        .send()
        .await
        .expect("post")
}

const PASSWORD: &str = "Mein Garten hat 3 Apfelbäume";

/// Signs a landlord up, confirms the address from the e-mail and logs in.
pub async fn landlord_logged_in(app: &TestApp, email: &str) {
    let r = post_form(
        app,
        "/signup",
        "/signup",
        &[
            ("name", "Renate Maier"),
            ("email", email),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
            ("accept_privacy", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    app.dispatch_mails().await;
    let link = app.link_in_mail(email, "/confirm/");
    assert_eq!(app.get(&link).await.status(), 200);
    let r = post_form(
        app,
        "/login",
        "/login",
        &[("email", email), ("login_password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
}

db_test!(
    async fn a_landlord_signs_up_confirms_and_logs_in(app) {
        let r = post_form(app, "/signup", "/signup", &[
            ("name", "Renate Maier"), ("email", "Renate@Example.org"), ("password", PASSWORD), ("password_repeat", PASSWORD), ("accept_privacy", "1"),
        ])
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/signup/sent");

        // Not confirmed yet: login is refused with a way to get the link again.
        let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("text");
        assert!(html.contains("bestätigen Sie zuerst") && html.contains("/confirm/resend"), "{html}");

        // The confirmation e-mail is in the outbox until dispatched, then sent once.
        assert!(app.mails().is_empty());
        let report = app.dispatch_mails().await;
        assert_eq!(report.sent, 1);
        assert_eq!(app.dispatch_mails().await.sent, 0);
        let mails = app.mails();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, "renate@example.org");
        assert_eq!(mails[0].subject, "Bitte bestätigen Sie Ihre E-Mail-Adresse");
        let link = app.link_in_mail("renate@example.org", "/confirm/");
        assert!(mails[0].html.contains(&link) && mails[0].html.contains("<html lang=\"de\">"), "HTML part with the same link");
        let page = app.get(&link).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.expect("text").contains("bestätigt"));
        // The link works once.
        assert!(app.get(&link).await.text().await.expect("text").contains("schon bestätigt"));

        let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/dashboard");
        let cookie = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("")).collect::<Vec<_>>().join("\n");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

        // Logged in, the login page sends the landlord on.
        assert_eq!(app.get("/login").await.status(), 303);
        let logout = post_form(app, "/", "/logout", &[]).await;
        assert_eq!(logout.status(), 303);
        assert_eq!(app.get("/login").await.status(), 200);
    }
);

db_test!(
    async fn sign_up_mistakes_come_back_with_the_values_kept(app) {
        let cases: &[(&str, &str, &str, &str, bool, &str)] = &[
            ("R", "renate@example.org", PASSWORD, PASSWORD, true, "f-name-error"),
            ("Renate Maier", "renate.example.org", PASSWORD, PASSWORD, true, "f-email-error"),
            ("Renate Maier", "renate@example.org", "kurz", "kurz", true, "f-password-error"),
            ("Renate Maier", "renate@example.org", "Password123", "Password123", true, "f-password-error"),
            ("Renate Maier", "renate@example.org", PASSWORD, "anders als oben", true, "f-password_repeat-error"),
            ("Renate Maier", "renate@example.org", PASSWORD, PASSWORD, false, "f-accept_privacy-error"),
        ];
        for (name, email, password, repeat, accept, error_id) in cases {
            let mut fields = vec![("name", *name), ("email", *email), ("password", *password), ("password_repeat", *repeat)];
            if *accept {
                fields.push(("accept_privacy", "1"));
            }
            let r = post_form(app, "/signup", "/signup", &fields).await;
            assert_eq!(r.status(), 422, "{error_id}");
            let html = r.text().await.expect("text");
            assert!(html.contains(&format!("id=\"{error_id}\"")), "{error_id} missing");
            assert!(html.contains("error-summary"));
            assert!(html.contains(&format!("value=\"{name}\"")) && html.contains(&format!("value=\"{email}\"")), "values lost for {error_id}");
            assert!(html.contains("aria-invalid=\"true\""));
            if *accept {
                assert!(html.contains("name=\"accept_privacy\" value=\"1\" checked"), "checkbox lost for {error_id}");
            }
        }
        assert!(app.mails().is_empty() && app.dispatch_mails().await.sent == 0, "nothing is sent on errors");
    }
);

db_test!(
    async fn a_form_without_its_token_is_refused(app) {
        let r = app
            .client
            .post(app.url("/signup"))
            .form(&[("name", "X Y"), ("email", "x@example.org"), ("password", PASSWORD), ("password_repeat", PASSWORD), ("accept_privacy", "1")])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403);
        let r = app
            .client
            .post(app.url("/login"))
            .form(&[("email", "x@example.org"), ("login_password", PASSWORD), ("csrf", "forged")])
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 403);
    }
);

db_test!(
    async fn signing_up_with_a_registered_address_tells_nobody_but_the_owner(app) {
        landlord_logged_in(app, "renate@example.org").await;
        let other = TestClient::new(app);
        let r = other.post_form("/signup", "/signup", &[
            ("name", "Someone Else"), ("email", "renate@example.org"), ("password", PASSWORD), ("password_repeat", PASSWORD), ("accept_privacy", "1"),
        ])
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/signup/sent");
        app.dispatch_mails().await;
        let last = app.mails().into_iter().rev().find(|m| m.to == "renate@example.org").expect("mail");
        assert_eq!(last.subject, "Neues Passwort für Bleibe");
    }
);

db_test!(
    async fn failed_logins_are_limited(app) {
        landlord_logged_in(app, "renate@example.org").await;
        post_form(app, "/", "/logout", &[]).await;
        for _ in 0..5 {
            let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", "falsch falsch falsch")]).await;
            assert_eq!(r.status(), 422);
            assert!(r.text().await.expect("text").contains("stimmen nicht"));
        }
        let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.expect("text").contains("Zu viele Versuche"));
        app.clock.advance(Duration::minutes(16));
        let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", PASSWORD)]).await;
        assert_eq!(r.status(), 303);
    }
);

db_test!(
    async fn a_forgotten_password_is_reset_by_a_link_that_works_once(app) {
        landlord_logged_in(app, "renate@example.org").await;
        post_form(app, "/", "/logout", &[]).await;
        let r = post_form(app, "/forgot", "/forgot", &[("email", "renate@example.org")]).await;
        // Then the answer's own page: a reload sends nothing again.
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/forgot?sent=1");
        assert!(app.get("/forgot?sent=1").await.text().await.expect("page").contains("E-Mail"));
        // Unknown addresses get the same answer.
        let unknown = post_form(app, "/forgot", "/forgot", &[("email", "nobody@example.org")]).await;
        assert_eq!(unknown.status(), 303);
        assert_eq!(unknown.headers()["location"], "/forgot?sent=1");
        app.wait_for_mail("renate@example.org", "/reset/").await;
        assert!(app.mails().iter().all(|m| m.to != "nobody@example.org"));
        let link = app.link_in_mail("renate@example.org", "/reset/");
        let r = post_form(app, &link, &link, &[("password", "kurz"), ("password_repeat", "kurz")]).await;
        assert_eq!(r.status(), 422);
        let new = "Ein ganz neues Passwort 2027";
        let r = post_form(app, &link, &link, &[("password", new), ("password_repeat", new)]).await;
        assert_eq!(r.status(), 303);
        assert!(app.get(&link).await.text().await.expect("text").contains("schon benutzt"));
        let old = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", PASSWORD)]).await;
        assert_eq!(old.status(), 422);
        let r = post_form(app, "/login", "/login", &[("email", "renate@example.org"), ("login_password", new)]).await;
        assert_eq!(r.status(), 303);
    }
);

db_test!(
    async fn reset_links_expire_after_an_hour(app) {
        landlord_logged_in(app, "renate@example.org").await;
        post_form(app, "/forgot", "/forgot", &[("email", "renate@example.org")]).await;
        app.wait_for_mail("renate@example.org", "/reset/").await;
        let link = app.link_in_mail("renate@example.org", "/reset/");
        app.clock.advance(Duration::minutes(61));
        assert!(app.get(&link).await.text().await.expect("text").contains("abgelaufen"));
    }
);

db_test!(
    async fn sessions_end_after_the_idle_time(app) {
        landlord_logged_in(app, "renate@example.org").await;
        assert_eq!(app.get("/login").await.status(), 303, "logged in");
        app.clock.advance(Duration::hours(9));
        assert_eq!(app.get("/login").await.status(), 200, "logged out after 8 idle hours");
    }
);

/// A second browser (its own cookies) against the same app.
pub struct TestClient<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

impl<'a> TestClient<'a> {
    /// The underlying HTTP client (with this browser's cookies).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn new(app: &'a TestApp) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        Self { app, client }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.app.url(path))
            .send()
            .await
            .expect("get")
    }

    pub async fn post_form(
        &self,
        form_path: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let html = self.get(form_path).await.text().await.expect("page");
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).expect("token") + marker.len();
        let csrf = html[start..start + html[start..].find('"').expect("end")].to_owned();
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf", &csrf));
        self.client
            .post(self.app.url(action))
            .form(&body)
            .send()
            .await
            .expect("post")
    }
}
