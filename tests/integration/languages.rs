//! Messages that reach people: households read their letters and answer pages in their
//! own language (Arabic and Farsi right to left, with a German line on top for helpers);
//! every letter greets someone by name and names whom to ask, and replies reach them.

use bleibe::domain::Language;
use bleibe::domain::pipeline::Action;
use entities::{household, municipality, outbox_message, proposal};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db_test;
use crate::helpers::TestApp;
use crate::pipeline::{coordinator, match_run, take};
use crate::workspace::demo;

/// Sets a household's language as a coordinator would on its form.
pub async fn set_language(app: &TestApp, household_id: i64, lang: Language) {
    household::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(household_id),
        preferred_language: Set(lang.code().to_owned()),
        ..Default::default()
    }
    .update(app.db())
    .await
    .expect("language");
}

async fn letter(app: &TestApp, proposal_id: i64, kind: &str) -> outbox_message::Model {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::ProposalId.eq(proposal_id))
        .filter(outbox_message::Column::Kind.eq(kind))
        .one(app.db())
        .await
        .expect("q")
        .unwrap_or_else(|| panic!("no {kind} letter"))
}

/// The token of the first answer link in a letter.
pub fn answer_token(body: &str) -> String {
    let at = body.find("/a/").expect("an answer link");
    body[at + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn has_script(text: &str, range: std::ops::RangeInclusive<char>) -> bool {
    text.chars().filter(|c| range.contains(c)).count() > 20
}

db_test!(
    async fn ukrainian_and_arabic_households_get_their_letter_and_page_in_their_language(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        assert!(suggested.len() >= 2);
        let user = coordinator(app).await;
        for (p, lang) in suggested.iter().zip([Language::Uk, Language::Ar]) {
            set_language(app, p.household_id, lang).await;
            take(app, &user, p.id, Action::Approve, &[]).await;
            let mail = letter(app, p.id, "proposal_household").await;
            assert_eq!(mail.locale, lang.code());
            let (script, html_tag) = match lang {
                Language::Uk => ('\u{0400}'..='\u{04FF}', "<html lang=\"uk\">"),
                _ => ('\u{0600}'..='\u{06FF}', "<html lang=\"ar\" dir=\"rtl\">"),
            };
            assert!(has_script(&mail.body_text, script.clone()), "{}", mail.body_text);
            assert!(has_script(&mail.subject, script.clone()) || mail.subject.chars().any(|c| script.contains(&c)), "{}", mail.subject);
            // A German line on top tells a helper what it is.
            let helper = mail
                .body_text
                .lines()
                .take(4)
                .find(|l| l.starts_with("Für Helfende:"))
                .unwrap_or_else(|| panic!("no German line on top: {}", mail.body_text));
            assert!(helper.contains("Eine Wohnung für Sie"), "{helper}");
            let html = mail.body_html.clone().expect("html part");
            assert!(html.contains(html_tag), "{html}");
            assert!(html.contains("lang=\"de\" dir=\"ltr\""), "the German line is marked German");
            // The answer page is in the same language; German for a helper on request.
            let token = answer_token(&mail.body_text);
            let visitor = crate::accounts::TestClient::new(app);
            let r = visitor.get(&format!("/a/{token}")).await;
            assert_eq!(r.status(), 200);
            let page = r.text().await.expect("page");
            assert!(page.contains(html_tag), "{page}");
            assert!(has_script(&page, script.clone()), "{page}");
            assert!(page.contains(&format!("/a/{token}?lang=de")), "a way to German");
            let problems = crate::wording::wording_problems(&crate::wording::visible_text(&page));
            assert!(problems.is_empty(), "{lang}: {problems:?}");
            assert!(!page.contains("href=\"/login\""), "households do not log in");
            let german = visitor.get(&format!("/a/{token}?lang=de")).await.text().await.expect("page");
            assert!(german.contains("<html lang=\"de\">") && german.contains("Zusagen: eine Wohnung für Sie"), "{german}");
        }
    }
);

db_test!(
    async fn every_letter_greets_someone_names_whom_to_ask_and_replies_reach_them(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let user = coordinator(app).await;
        for p in suggested.iter().take(6) {
            take(app, &user, p.id, Action::Approve, &[]).await;
        }
        // Both sides say yes on one, so the both-said-yes letters are there too.
        let p = &suggested[0];
        take(app, &user, p.id, Action::HouseholdAccept, &[]).await;
        take(app, &user, p.id, Action::LandlordAccept, &[]).await;
        let all = outbox_message::Entity::find()
            .order_by_asc(outbox_message::Column::Id)
            .all(app.db())
            .await
            .expect("q");
        let es = municipality::Entity::find_by_id(d.esslingen).one(app.db()).await.expect("q").expect("ES");
        assert!(all.len() >= 12, "{} letters", all.len());
        for m in &all {
            let greeting = m
                .body_text
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with("Für Helfende") && !l.starts_with("Diese Nachricht ist für"))
                .unwrap_or_default();
            let bare: String = greeting.chars().filter(|c| c.is_alphabetic()).collect();
            assert!(bare.chars().count() > 8, "{}: greets nobody: {greeting:?}", m.kind);
            assert!(!greeting.contains(" ,") && !greeting.ends_with(" !"), "{}: {greeting:?}", m.kind);
            let reply = m.reply_to.clone().unwrap_or_else(|| panic!("{}: no Reply-To", m.kind));
            assert!(!reply.contains("noreply"), "{}: {reply}", m.kind);
            let phone = es.contact_phone.clone().expect("the demo town has a phone");
            assert!(m.body_text.contains(&phone) || m.body_text.contains(reply.split('<').nth(1).unwrap_or(&reply).trim_end_matches('>')), "{}: whom to ask? {}", m.kind, m.body_text);
        }
        // A household letter that goes to the caseworker says which household it is.
        for m in all.iter().filter(|m| m.kind == "proposal_household") {
            let p = proposal::Entity::find_by_id(m.proposal_id.expect("p")).one(app.db()).await.expect("q").expect("p");
            let h = bleibe::store::households::find(app.db(), p.household_id).await.expect("q").expect("h");
            if h.profile.email.as_deref() != Some(m.to_address.as_str()) {
                assert!(m.subject.contains(&h.profile.reference), "{}", m.subject);
                assert!(m.body_text.contains(&format!("Aktenzeichen {}", h.profile.reference)), "{}", m.body_text);
            }
        }
    }
);

db_test!(
    async fn a_municipality_without_a_contact_address_sends_no_proposal(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = suggested.first().expect("a suggestion");
        municipality::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(d.esslingen),
            contact_email: Set(None),
            ..Default::default()
        }
        .update(app.db())
        .await
        .expect("update");
        let user = coordinator(app).await;
        let result = bleibe::services::pipeline::act_on(&app.app, &user, p.id, Action::Approve, &[])
            .await
            .expect("service");
        let err = result.expect_err("blocked");
        assert!(format!("{err:?}").contains("NoContact"), "{err:?}");
        let still = proposal::Entity::find_by_id(p.id).one(app.db()).await.expect("q").expect("p");
        assert_eq!(still.state, "suggested", "nothing changed");
        let letters = outbox_message::Entity::find().all(app.db()).await.expect("q");
        assert!(letters.iter().all(|m| m.proposal_id != Some(p.id)), "no letter");
        let text = bleibe::i18n::text(bleibe::domain::Locale::De, "pipeline.blocked.no_contact");
        assert!(text.contains("Kontaktadresse") && text.contains("Kommunen"));
    }
);

db_test!(
    async fn coordinators_choose_any_household_language_on_the_form(app) {
        use crate::coordinators::{as_refs, household_form};
        use crate::workspace::{ES_COORDINATOR, staff};
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let new = format!("/m/{}/households/new", d.esslingen);
        let form = es.get(&new).await.text().await.expect("form");
        for (code, name) in [("uk", "Українська"), ("ar", "العربية"), ("fa", "فارسی"), ("tr", "Türkçe"), ("ru", "Русский")] {
            assert!(form.contains(&format!("<option value=\"{code}\"")) && form.contains(name), "{code}");
        }
        // An unknown language is refused at the field, the rest kept.
        let mut fields = household_form("ES-LANG-001");
        fields.retain(|(k, _)| *k != "preferred_language");
        fields.push(("preferred_language", "xx".into()));
        let r = es.post_form(&new, &new, &as_refs(&fields)).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("id=\"f-preferred_language-error\"") && html.contains("value=\"ES-LANG-001\""), "{html}");
        // Ukrainian is saved and shown.
        let mut fields = household_form("ES-LANG-001");
        fields.retain(|(k, _)| *k != "preferred_language");
        fields.push(("preferred_language", "uk".into()));
        let r = es.post_form(&new, &new, &as_refs(&fields)).await;
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().expect("location").to_owned();
        let id: i64 = location.trim_start_matches("/households/").parse().expect("id");
        let stored = bleibe::store::households::find(app.db(), id).await.expect("q").expect("h");
        assert_eq!(stored.profile.preferred_language, Language::Uk);
        let page = es.get(&location).await.text().await.expect("profile");
        assert!(page.contains("Українська"), "the profile names the language");
    }
);

db_test!(
    async fn the_household_import_takes_the_language_and_refuses_an_unknown_one(app) {
        let d = demo(app).await;
        let template = bleibe::services::import::household_template("Esslingen am Neckar");
        let options = bleibe::services::import::Options {
            file_name: "haushalte.csv".into(),
            default_municipality: Some(d.esslingen),
            only_municipality: Some(d.esslingen),
        };
        let import = |csv: String| {
            let options = options.clone();
            async move {
                bleibe::services::import::run(
                    &app.app,
                    &bleibe::services::Actor::System,
                    bleibe::services::import::Kind::Households,
                    csv.as_bytes(),
                    &options,
                    &|_, _, _| {},
                )
                .await
                .expect("import")
            }
        };
        // The template's example reads Arabic; a row with "xx" is refused at its column.
        let bad = import(template.replace(";ar;", ";xx;").replace("AU-2026-001", "AU-LANG-XX")).await;
        assert!(!bad.imported, "nothing written");
        assert!(bad.rejected.iter().any(|p| p.column.as_deref().is_some_and(|c| c.contains("preferred_language"))), "{:?}", bad.rejected);
        let good = import(template.replace("AU-2026-001", "AU-LANG-AR")).await;
        assert!(good.imported, "{:?}", good.rejected);
        let row = household::Entity::find()
            .filter(household::Column::Reference.eq("AU-LANG-AR"))
            .one(app.db())
            .await
            .expect("q")
            .expect("imported");
        assert_eq!(row.preferred_language, "ar");
    }
);

db_test!(
    async fn a_demo_household_saved_as_shown_keeps_its_data_and_takes_a_new_language(app) {
        use crate::workspace::{ES_COORDINATOR, staff};
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let h = household::Entity::find()
            .filter(household::Column::MunicipalityId.eq(d.esslingen))
            .one(app.db())
            .await
            .expect("q")
            .expect("a demo household");
        let before = bleibe::store::households::find(app.db(), h.id).await.expect("q").expect("h");
        assert!(!before.profile.anchors.is_empty() || !before.profile.members.is_empty());
        let edit = format!("/households/{}/edit", h.id);
        let page = es.get(&edit).await.text().await.expect("form");
        let mut fields = crate::html::form_values(&page, &edit);
        assert!(fields.len() > 10, "{fields:?}");
        fields.retain(|(k, _)| k != "preferred_language" && k != "csrf");
        fields.push(("preferred_language".into(), "tr".into()));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = es.post_form(&edit, &edit, &refs).await;
        let status = r.status();
        let body = r.text().await.unwrap_or_default();
        assert_eq!(status, 303, "the form as shown saves: {}", body.split("error-summary").nth(1).unwrap_or("").chars().take(600).collect::<String>());
        let after = bleibe::store::households::find(app.db(), h.id).await.expect("q").expect("h");
        assert_eq!(after.profile.preferred_language, Language::Tr);
        assert_eq!(after.profile.members.len(), before.profile.members.len());
        assert_eq!(after.profile.anchors.len(), before.profile.anchors.len());
        assert_eq!(after.profile.reference, before.profile.reference);
    }
);
