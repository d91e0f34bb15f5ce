//! Winning landlords on the demo data: Göppingen's public page and calculator (no cookie,
//! nothing stored but one visit count), campaign codes kept through sign-up and counted
//! per channel on the figures page and in the export, the flyer's QR code read back with
//! an independent decoder (`zbarimg`).

use std::collections::BTreeMap;

use bleibe::domain::outreach::{self, WaitingCount};
use bleibe::domain::{Cents, Locale};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};

use crate::db_test;
use crate::documents::{pdf_text, save_png};
use crate::helpers::TestApp;
use crate::workspace::{ADMIN, demo, staff};

pub const GP_COORDINATOR: &str = "koordination.goeppingen@bleibe.example";

/// Göppingen's id.
pub async fn goeppingen(app: &TestApp) -> i64 {
    use sea_orm::{ColumnTrait, QueryFilter};
    entities::municipality::Entity::find()
        .filter(entities::municipality::Column::Name.eq("Göppingen"))
        .one(app.db())
        .await
        .expect("query")
        .expect("Göppingen")
        .id
}

/// Rows in every table, and the sum of the page's visit counts.
pub async fn row_counts(app: &TestApp) -> BTreeMap<String, i64> {
    let db = app.db();
    let backend = db.get_database_backend();
    let list = match backend {
        sea_orm::DatabaseBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema()",
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, list))
        .await
        .expect("tables")
        .iter()
        .map(|r| r.try_get::<String>("", "t").expect("name"))
        .collect();
    let mut out = BTreeMap::new();
    for table in tables {
        let sql = format!("SELECT COUNT(*) AS n FROM \"{table}\"");
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .expect("count")
            .expect("row");
        out.insert(table, row.try_get::<i64>("", "n").expect("n"));
    }
    let sum = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COALESCE(SUM(visits), 0) AS n FROM page_visits",
        ))
        .await
        .expect("sum")
        .expect("row");
    let visits: i64 = sum
        .try_get::<i64>("", "n")
        .or_else(|_| {
            sum.try_get::<sea_orm::prelude::Decimal>("", "n")
                .map(|d| d.to_string().parse().unwrap_or(-1))
        })
        .expect("visits");
    out.insert("(visits)".into(), visits);
    out
}

/// A GET without cookies; asserts it sets none.
async fn anonymous(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.get(path).await;
    assert!(
        r.headers().get_all("set-cookie").iter().next().is_none(),
        "{path} set a cookie: {:?}",
        r.headers().get_all("set-cookie")
    );
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

fn euros(c: Cents) -> String {
    c.format(Locale::De)
}

db_test!(
    async fn the_public_page_and_the_calculator_set_no_cookie_and_store_nothing(app) {
        demo(app).await;
        let gp = goeppingen(app).await;
        let now = app.clock_now();
        bleibe::store::outreach::insert_campaign(app.db(), gp, "amtsblatt-maerz", "Amtsblatt März", None, now)
            .await
            .expect("campaign");

        // The page: the programmes as coordinators keep them, the way to sign up.
        let before = row_counts(app).await;
        let (status, html) = anonymous(app, "/vermieten/goeppingen?c=amtsblatt-maerz").await;
        assert_eq!(status, 200);
        let programmes = bleibe::store::incentives::programmes_of(app.db(), gp)
            .await
            .expect("programmes");
        assert!(!programmes.is_empty());
        for p in programmes.iter().filter(|p| p.active) {
            assert!(html.contains(&p.name_de), "{} missing", p.name_de);
            if let Some(amount) = p.amount_cents {
                assert!(html.contains(&euros(Cents(amount))), "amount of {}", p.name_de);
            }
        }
        assert!(html.contains("Vermieten in Göppingen"));
        assert!(html.contains("href=\"/signup?m=goeppingen&#38;c=amtsblatt-maerz\""), "sign-up link");
        assert!(html.contains("koordination") || html.contains("@"), "a contact");
        let after = row_counts(app).await;
        let mut expected = before.clone();
        *expected.get_mut("page_visits").expect("table") += 1;
        *expected.get_mut("(visits)").expect("sum") += 1;
        assert_eq!(after, expected, "a view adds one visit count and nothing else");

        // The calculator: the answer follows the cap table; nothing is stored.
        let caps = bleibe::store::outreach::current_caps(app.db(), gp)
            .await
            .expect("q")
            .expect("caps");
        let before = row_counts(app).await;
        let path = "/vermieten/goeppingen?c=amtsblatt-maerz&calc=1&postal_code=73033&area_m2=62&rooms=3&cold_rent=520&service_charges=110";
        let (status, html) = anonymous(app, path).await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(row_counts(app).await, before, "the calculator stores nothing");
        let gross = Cents::euros(630);
        let fitting: Vec<u32> = (1..=6)
            .filter(|p| caps.cap_for(*p) >= gross && f64::from(*p) <= 6.0 && 62.0 >= f64::from(*p) * 10.0)
            .collect();
        assert!(!fitting.is_empty());
        let headline = format!(
            "passt zu Haushalten mit {} bis {} Personen",
            fitting[0],
            fitting[fitting.len() - 1]
        );
        assert!(html.contains(&headline), "{headline}");
        for p in 1..=6 {
            assert!(html.contains(&format!("<tr><td>{p}</td><td>{}</td>", euros(caps.cap_for(p)))), "cap for {p}");
        }
        // The waiting count follows the threshold rule.
        let waiting = bleibe::store::outreach::waiting_by_size(app.db(), gp).await.expect("q");
        let n: u64 = fitting.iter().map(|p| waiting.get(p).copied().unwrap_or(0)).sum();
        match outreach::waiting_count(n) {
            WaitingCount::Few => assert!(html.contains("weniger als 5 Haushalte")),
            WaitingCount::About(shown) => assert!(html.contains(&format!("etwa {shown} Haushalte")), "about {shown}"),
        }
        assert!(html.contains("name=\"c\" value=\"amtsblatt-maerz\""), "the code stays");

        // Mistakes: 422, the message at the field, what was typed kept; still no cookie.
        let (status, html) = anonymous(app, "/vermieten/goeppingen?calc=1&postal_code=7303&area_m2=62&rooms=2,3&cold_rent=").await;
        assert_eq!(status, 422);
        assert!(html.contains("f-postal_code-error") && html.contains("f-rooms-error") && html.contains("f-cold_rent-error"));
        assert!(html.contains("value=\"7303\"") && html.contains("value=\"2,3\""));
        let (status, html) = anonymous(app, "/vermieten/goeppingen?calc=1&postal_code=73207&area_m2=62&rooms=2&cold_rent=500").await;
        assert_eq!(status, 422);
        assert!(html.contains("nicht in dieser Gemeinde"), "Plochingen's code");
        assert_eq!(row_counts(app).await, before, "nor do mistakes");

        // English through the address, not a cookie.
        let (status, html) = anonymous(app, "/vermieten/goeppingen?lang=en").await;
        assert_eq!(status, 200);
        assert!(html.contains("<html lang=\"en\"") && html.contains("Letting in Göppingen"));
        assert!(html.contains("href=\"/vermieten/goeppingen?lang=de\""), "the switcher keeps to the address");

        // The start page lists the municipalities, by postal code or name.
        let (_, html) = anonymous(app, "/?q=73033").await;
        assert!(html.contains("href=\"/vermieten/goeppingen\""));
        assert!(!html.contains("href=\"/vermieten/winnenden\""));
        let (_, html) = anonymous(app, "/?q=G%C3%B6pp").await;
        assert!(html.contains("href=\"/vermieten/goeppingen\""));
        let (_, html) = anonymous(app, "/?q=99999").await;
        assert!(!html.contains("href=\"/vermieten/"));
        let (_, html) = anonymous(app, "/").await;
        assert!(html.contains("href=\"/vermieten/goeppingen\"") && html.contains("href=\"/vermieten/winnenden\""));
        assert_eq!(anonymous(app, "/vermieten/atlantis").await.0, 404);

        // Found by a cold walk as a landlord:
        // - a short address leads to the one town it fits;
        let r = app.get("/vermieten/esslingen?c=lotsen").await;
        assert_eq!(r.status(), 308);
        assert_eq!(r.headers()["location"], "/vermieten/esslingen-am-neckar?c=lotsen");
        // - English carries over to the sign-up, and the page after it;
        let (_, html) = anonymous(app, "/vermieten/goeppingen?c=amtsblatt-maerz&lang=en").await;
        assert!(html.contains("href=\"/signup?m=goeppingen&#38;c=amtsblatt-maerz&#38;lang=en\""), "sign-up in English");
        let form = app.get("/signup?m=goeppingen&c=amtsblatt-maerz&lang=en").await.text().await.expect("html");
        assert!(form.contains("<html lang=\"en\"") && form.contains("name=\"lang\" id=\"f-lang\" value=\"en\""));
        // - the answer is where the page lands, and the back button keeps what was typed;
        let r = app.get("/vermieten/goeppingen?calc=1&postal_code=73%20033&area_m2=62&rooms=3&cold_rent=520").await;
        assert_eq!(r.headers()["cache-control"], "no-cache", "not no-store: the back button keeps the form");
        let html = r.text().await.expect("html");
        assert!(html.contains("action=\"/vermieten/goeppingen#ergebnis\"") && html.contains("id=\"ergebnis\""));
        assert!(html.contains("id=\"antwort\""), "73 033 with a space is a postal code");
        // - a postal code of another participating town leads there; the phone can be tapped;
        let (status, html) = anonymous(app, "/vermieten/goeppingen?calc=1&postal_code=73728&area_m2=62&rooms=3&cold_rent=520").await;
        assert_eq!(status, 422);
        assert!(html.contains("href=\"/vermieten/esslingen-am-neckar\">Esslingen am Neckar</a>"), "the way on");
        assert!(html.contains("href=\"tel:"), "a phone link");
        // - 5 € for 62 m² is no rent.
        let (status, html) = anonymous(app, "/vermieten/goeppingen?calc=1&postal_code=73033&area_m2=62&rooms=3&cold_rent=5").await;
        assert_eq!(status, 422);
        assert!(html.contains("f-cold_rent-error") && html.contains("pro m²"));
    }
);

db_test!(
    async fn a_campaign_is_kept_through_sign_up_and_counted_per_channel(app) {
        demo(app).await;
        let gp = goeppingen(app).await;
        let coordinator = staff(app, GP_COORDINATOR).await;
        let page = format!("/m/{gp}/outreach");
        let r = coordinator
            .post_form(&page, &format!("/m/{gp}/outreach/campaigns"), &[("label", "Amtsblatt März"), ("code", "")])
            .await;
        assert_eq!(r.status(), 303);
        // The same name again: refused at the field, what was typed kept.
        let r = coordinator
            .post_form(&page, &format!("/m/{gp}/outreach/campaigns"), &[("label", "Amtsblatt März"), ("code", "")])
            .await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("f-label-error") && html.contains("value=\"Amtsblatt März\""));
        let r = coordinator
            .post_form(&page, &format!("/m/{gp}/outreach/campaigns"), &[("label", "Lotsen"), ("code", "Große Leute")])
            .await;
        assert_eq!(r.status(), 422, "a code with spaces and capitals");
        let campaign = bleibe::store::outreach::running_campaign(app.db(), gp, "amtsblatt-maerz")
            .await
            .expect("q")
            .expect("campaign");
        // Another town's coordinator cannot see it, nor add to it.
        let es = staff(app, crate::workspace::ES_COORDINATOR).await;
        assert_eq!(es.get(&page).await.status(), 404);
        let r = es
            .post_form("/workspace", &format!("/m/{gp}/outreach/campaigns"), &[("label", "Fremd")])
            .await;
        assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());

        // Two visits with the code, one without.
        for path in ["/vermieten/goeppingen?c=amtsblatt-maerz", "/vermieten/goeppingen?c=amtsblatt-maerz", "/vermieten/goeppingen"] {
            assert_eq!(anonymous(app, path).await.0, 200);
        }

        // Signing up from the page's link keeps the code; without one the question is asked.
        let landlord = crate::accounts::TestClient::new(app);
        let form = landlord.get("/signup?m=goeppingen&c=amtsblatt-maerz").await.text().await.expect("html");
        assert!(form.contains("name=\"c\" id=\"f-c\" value=\"amtsblatt-maerz\"") && !form.contains("f-heard_from"), "{form}");
        assert!(form.contains("Seite von Göppingen"));
        let r = landlord
            .post_form(
                "/signup?m=goeppingen&c=amtsblatt-maerz",
                "/signup",
                &[
                    ("name", "Karin Vogt"),
                    ("email", "karin.vogt@example.org"),
                    ("password", "Ein Haus mit grünem Tor"),
                    ("password_repeat", "Ein Haus mit grünem Tor"),
                    ("accept_privacy", "1"),
                    ("m", "goeppingen"),
                    ("c", "amtsblatt-maerz"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let other = crate::accounts::TestClient::new(app);
        let form = other.get("/signup").await.text().await.expect("html");
        assert!(form.contains("f-heard_from") && form.contains("Zeitung oder Amtsblatt"));
        let r = other
            .post_form(
                "/signup",
                "/signup",
                &[
                    ("name", "Paul Roth"),
                    ("email", "paul.roth@example.org"),
                    ("password", "Drei Zimmer am Marktplatz"),
                    ("password_repeat", "Drei Zimmer am Marktplatz"),
                    ("accept_privacy", "1"),
                    ("heard_from", "volunteers"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let new_landlords: Vec<i64> = entities::landlord::Entity::find()
            .all(app.db())
            .await
            .expect("q")
            .into_iter()
            .filter(|l| matches!(l.contact_email.as_deref(), Some("karin.vogt@example.org" | "paul.roth@example.org")))
            .map(|l| l.id)
            .collect();
        let origins: Vec<_> = entities::landlord_origin::Entity::find()
            .all(app.db())
            .await
            .expect("q")
            .into_iter()
            .filter(|o| new_landlords.contains(&o.landlord_id))
            .collect();
        assert_eq!(origins.len(), 2, "{origins:?}");
        let karin = origins.iter().find(|o| o.campaign_id.is_some()).expect("campaign origin");
        assert_eq!((karin.campaign_id, karin.municipality_id), (Some(campaign.id), Some(gp)));
        let paul = origins.iter().find(|o| o.campaign_id.is_none()).expect("answer");
        assert_eq!(paul.heard_from.as_deref(), Some("volunteers"));

        // Karin's flat in Göppingen, sent: counted under the campaign.
        let landlord_id = karin.landlord_id;
        let unit = entities::unit::Entity::find()
            .all(app.db())
            .await
            .expect("units")
            .into_iter()
            .find(|u| u.municipality_id == gp && u.submitted_at.is_some())
            .expect("a flat in Göppingen");
        let mut moved: entities::unit::ActiveModel = unit.into();
        moved.landlord_id = sea_orm::Set(landlord_id);
        sea_orm::ActiveModelTrait::update(moved, app.db()).await.expect("move the flat");

        let html = coordinator.get(&format!("/m/{gp}")).await.text().await.expect("figures");
        let row = html
            .split("id=\"t-channels\"")
            .nth(1)
            .expect("the table per month")
            .split("<tr>")
            .find(|r| r.contains("Amtsblatt März"))
            .expect("the campaign's line");
        let cells: Vec<&str> = row.split("<td>").skip(1).map(|c| c.split('<').next().unwrap_or("")).collect();
        // month, visits, sign-ups, flats entered, let, money
        assert_eq!(&cells[1..4], &["2", "1", "1"], "{row}");
        assert!(html.contains("ohne Code"), "visits without a code");
        assert!(html.contains("Antwort: Ehrenamtliche oder Lotsen") || !html.contains("Paul"), "answers are channels");
        let csv = coordinator.get(&format!("/m/{gp}/export/channels.csv")).await.text().await.expect("csv");
        assert!(csv.contains("Amtsblatt März"), "{csv}");

        // Totals per channel above the months.
        let totals = html.split("id=\"t-channel-totals\"").nth(1).expect("totals");
        assert!(totals.contains("Amtsblatt März"));

        // The admin's text and photo appear on the page; a photo needs a description, and
        // must be a photo (a cold walk found every upload refused as too large).
        let admin = staff(app, ADMIN).await;
        let html = admin.get(&page).await.text().await.expect("page");
        assert!(html.contains("f-text_de"), "the admin's form");
        assert!(!coordinator.get(&page).await.text().await.expect("page").contains("f-text_de"), "admins only");
        let upload = |file: Vec<u8>, name: &'static str, alt: &'static str| {
            let admin = &admin;
            let page = page.clone();
            async move {
                let html = admin.get(&page).await.text().await.expect("page");
                let marker = "name=\"csrf\" value=\"";
                let start = html.find(marker).expect("token") + marker.len();
                let csrf = html[start..start + html[start..].find('"').expect("end")].to_owned();
                let form = reqwest::multipart::Form::new()
                    .text("csrf", csrf)
                    .text("text_de", "Göppingen braucht Wohnungen.\n\nWir helfen Ihnen dabei.")
                    .text("text_en", "")
                    .text("contact_name", "Julia Brenner, Sozialamt")
                    .text("photo_alt", alt)
                    .part("photo", reqwest::multipart::Part::bytes(file).file_name(name));
                admin.client().post(app.url(&format!("/m/{gp}/outreach/page"))).multipart(form).send().await.expect("upload")
            }
        };
        let r = upload(b"kein Bild".to_vec(), "foto.jpg", "Rathaus").await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("html");
        assert!(html.contains("f-photo-error") && html.contains("JPEG oder PNG") && html.contains("Julia Brenner"), "typed values kept");
        let r = upload(crate::helpers::png(40), "rathaus.png", "").await;
        assert_eq!(r.status(), 422, "a photo needs a description");
        assert!(r.text().await.expect("html").contains("f-photo_alt-error"));
        let r = upload(crate::helpers::png(40), "rathaus.png", "Das Rathaus am Marktplatz").await;
        assert_eq!(r.status(), 303);
        let (_, html) = anonymous(app, "/vermieten/goeppingen").await;
        assert!(html.contains("src=\"/vermieten/goeppingen/foto\" alt=\"Das Rathaus am Marktplatz\""));
        assert!(html.contains("<p>Göppingen braucht Wohnungen.</p><p>Wir helfen Ihnen dabei.</p>"), "paragraphs kept");
        assert!(html.contains("Julia Brenner, Sozialamt"));
        let r = app.get("/vermieten/goeppingen/foto").await;
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.bytes().await.expect("photo").to_vec(), crate::helpers::png(40));
    }
);

db_test!(
    async fn the_flyer_carries_the_campaign_in_its_qr_code(app) {
        if !crate::documents::tools() {
            return;
        }
        demo(app).await;
        let gp = goeppingen(app).await;
        let id = bleibe::store::outreach::insert_campaign(app.db(), gp, "infoabend-12-05", "Infoabend 12.05.", None, app.clock_now())
            .await
            .expect("campaign");
        let coordinator = staff(app, GP_COORDINATOR).await;
        let r = coordinator.get(&format!("/m/{gp}/outreach/flyer.pdf?size=a4&campaign={id}")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.expect("pdf").to_vec();
        let text = pdf_text(&pdf);
        assert!(text.contains("Göppingen") && text.contains("Mietausfallgarantie"), "{text}");
        let base = app.app.settings.server.base_url.trim_end_matches('/');
        let url = format!("{base}/vermieten/goeppingen?c=infoabend-12-05");
        assert!(text.contains(&url), "the address is printed: {text}");
        assert_eq!(crate::documents::qr_codes(&pdf), vec![url.clone()]);
        if matches!(app.backend, crate::helpers::Backend::Sqlite) {
            save_png(&pdf, "flyer-goeppingen-a4");
        }
        // The poster is A3 and carries the same QR code; English is offered as a second language.
        let pdf = coordinator
            .get(&format!("/m/{gp}/outreach/flyer.pdf?size=a3&second=en&campaign={id}"))
            .await
            .bytes()
            .await
            .expect("pdf")
            .to_vec();
        assert!(crate::documents::page_size(&pdf).starts_with("841.89 x 1190.55"), "A3");
        // English on the back: a second page, complete with its own QR code.
        let text = pdf_text(&pdf);
        assert!(text.contains("Wohnung frei in Göppingen?") && text.contains("Do you have a flat to let in"), "{text}");
        assert_eq!(crate::documents::pages(&pdf), 2);
        assert_eq!(crate::documents::qr_codes(&pdf), vec![url]);
        if matches!(app.backend, crate::helpers::Backend::Sqlite) {
            save_png(&pdf, "poster-goeppingen-a3");
        }
        // Unknown size or campaign: not found; another town's flyer: refused.
        assert_eq!(coordinator.get(&format!("/m/{gp}/outreach/flyer.pdf?size=a5")).await.status(), 404);
        assert_eq!(coordinator.get(&format!("/m/{gp}/outreach/flyer.pdf?campaign=99999")).await.status(), 404);
        // An ended campaign's code counts no more: no flyer carries it.
        bleibe::store::outreach::set_archived(app.db(), gp, id, true, app.clock_now()).await.expect("end");
        assert_eq!(coordinator.get(&format!("/m/{gp}/outreach/flyer.pdf?campaign={id}")).await.status(), 404);
        let es = staff(app, crate::workspace::ES_COORDINATOR).await;
        assert!(matches!(es.get(&format!("/m/{gp}/outreach/flyer.pdf")).await.status().as_u16(), 403 | 404));
    }
);
