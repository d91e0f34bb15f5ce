//! Review and answers as people expect them: a landlord's "first a viewing" is not a plain
//! yes and its times are taken with one click, contacts reach the landlord only once both
//! sides said yes (and the household agreed), the companion of a viewing learns whom they
//! meet, and a landlord hears when their incentive request is decided.

use bleibe::domain::pipeline::Action;
use entities::{household, landlord, outbox_message, proposal, unit, user, viewing};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::db_test;
use crate::helpers::TestApp;
use crate::landlord_proposals::proposal_for_landlord;
use crate::pipeline::{coordinator, match_run, take};
use crate::workspace::{ES_COORDINATOR, VOLUNTEER, demo, staff, state_of, step};

/// Mails of `kind` in the outbox for a proposal.
async fn mails(app: &TestApp, proposal_id: i64, kind: &str) -> Vec<outbox_message::Model> {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::ProposalId.eq(proposal_id))
        .filter(outbox_message::Column::Kind.eq(kind))
        .order_by_asc(outbox_message::Column::Id)
        .all(app.db())
        .await
        .expect("q")
}

async fn set_state(app: &TestApp, id: i64, state: &str) {
    proposal::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        state: Set(state.into()),
        ..Default::default()
    }
    .update(app.db())
    .await
    .expect("state");
}

async fn set_consent(app: &TestApp, scope: &str) {
    let h = household::Entity::find()
        .one(app.db())
        .await
        .expect("q")
        .expect("household");
    household::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(h.id),
        consent_scope: Set(Some(scope.into())),
        ..Default::default()
    }
    .update(app.db())
    .await
    .expect("consent");
}

const SECRETS: [&str; 5] = ["Fatima", "Haddad", "fatima.haddad", "0171", "PL-2025-001"];

db_test!(
    async fn contacts_reach_the_landlord_once_both_said_yes_and_only_with_consent(app) {
        let (id, _) = proposal_for_landlord(app, "sent").await;
        let page = format!("/proposals/{id}");
        // Before both said yes: no name, no contact, in any of the states a landlord sees.
        for state in ["sent", "landlord_accepted", "household_accepted"] {
            set_state(app, id, state).await;
            let html = app.get(&page).await.text().await.expect("page");
            for secret in SECRETS {
                assert!(!html.contains(secret), "{secret} shown in {state}");
            }
            let dashboard = app.get("/dashboard").await.text().await.expect("dashboard");
            for secret in SECRETS {
                assert!(!dashboard.contains(secret), "{secret} on the overview in {state}");
            }
        }

        // Both said yes, but the household's consent does not cover sharing: the page says
        // so instead of promising names.
        set_state(app, id, "accepted").await;
        let html = app.get(&page).await.text().await.expect("page");
        assert!(html.contains("möchte seine Kontaktdaten nicht weitergeben"), "{html}");
        assert!(!html.contains("Namen und Kontaktdaten erfahren Sie"), "no promise after both said yes");
        for secret in SECRETS {
            assert!(!html.contains(secret), "{secret} shown without consent");
        }

        // With consent: the name and the contact to use.
        set_consent(app, "matching,email,share_profile").await;
        let html = app.get(&page).await.text().await.expect("page");
        assert!(html.contains("So erreichen Sie den Haushalt"), "{html}");
        assert!(html.contains("Fatima Haddad") && html.contains("fatima.haddad@example.org") && html.contains("0171 2345678"));
        assert!(!html.contains("Schulden"), "the coordinator's notes stay inside");

        // Without e-mail consent, the caseworker is the way to the household.
        set_consent(app, "matching,share_profile").await;
        let html = app.get(&page).await.text().await.expect("page");
        assert!(html.contains("Kontakt über die Betreuung") && html.contains("Lea Hartmann"), "{html}");
        assert!(!html.contains("fatima.haddad"), "not the address the household did not give for e-mail");

        // The page stays through move-in and the year after; a no closes it.
        for state in ["moved_in", "sustained"] {
            set_state(app, id, state).await;
            let r = app.get(&page).await;
            assert_eq!(r.status(), 200, "{state}");
            assert!(r.text().await.expect("page").contains("Fatima Haddad"));
        }
        set_state(app, id, "household_declined").await;
        assert_eq!(app.get(&page).await.status(), 404);
    }
);

db_test!(
    async fn first_a_viewing_is_its_own_answer_and_its_times_are_taken_with_one_click(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = suggested.into_iter().next().expect("a suggestion");
        let user = coordinator(app).await;
        take(app, &user, p.id, Action::Approve, &[]).await;
        take(app, &user, p.id, Action::HouseholdAccept, &[]).await;

        // The landlord, in their account, wants to meet the household first.
        let unit = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        let owner = landlord::Entity::find_by_id(unit.landlord_id).one(app.db()).await.expect("q").expect("landlord");
        let account = user::Entity::find_by_id(owner.user_id.expect("account")).one(app.db()).await.expect("q").expect("user");
        let landlord_client = staff(app, &account.email).await;
        let page = format!("/proposals/{}", p.id);
        let html = landlord_client.get(&page).await.text().await.expect("page");
        assert!(html.contains("Ich möchte den Haushalt erst kennenlernen") && html.contains("Ja, ich sage zu"), "three plain answers");
        let r = landlord_client
            .post_form(&page, &format!("{page}/answer"), &[("answer", "viewing"), ("slot1", "05.12.2026 17:00"), ("slot2", "07.12.2026 10:30"), ("place", "Vor dem Haus")])
            .await;
        assert_eq!(r.status(), 303);
        let dashboard = landlord_client.get("/dashboard").await.text().await.expect("overview");
        assert!(dashboard.contains("Danke! Die Gemeinde sucht mit dem Haushalt einen Ihrer Termine aus"), "not thanked for a yes");
        assert!(dashboard.contains("Die Gemeinde wählt einen Ihrer Termine"), "the overview says what was answered");
        // The next e-mail speaks of the landlord's own times.
        let letter = mails(app, p.id, "accepted_landlord").await;
        assert_eq!(letter.len(), 1);
        assert!(letter[0].body_text.contains("Sie haben Termine für eine Besichtigung vorgeschlagen"), "{}", letter[0].body_text);

        // The coordinator sees both times and takes one with one click.
        let es = staff(app, ES_COORDINATOR).await;
        let html = es.get(&format!("/workspace/proposals/{}", p.id)).await.text().await.expect("page");
        assert!(html.contains("Termine, die die Vermieterin oder der Vermieter vorschlägt"), "{html}");
        assert_eq!(html.matches("Diesen Termin nehmen").count(), 2);
        let r = step(&es, p.id, "schedule_viewing", &[("starts_at", "07.12.2026 10:30"), ("place", "Vor dem Haus")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(state_of(app, p.id).await, "viewing_scheduled");
        for kind in ["viewing_landlord", "viewing_household"] {
            let m = mails(app, p.id, kind).await;
            assert_eq!(m.len(), 1, "{kind}");
            assert!(m[0].attachments.as_deref().unwrap_or_default().contains("besichtigung.ics"), "{kind} has the calendar entry");
            assert!(m[0].subject.contains("07.12.2026"), "{}", m[0].subject);
        }
        let html = es.get(&format!("/workspace/proposals/{}", p.id)).await.text().await.expect("page");
        assert!(html.contains("vereinbart"), "the taken time is marked");
        assert_eq!(html.matches("Diesen Termin nehmen").count(), 1, "the other time can still be taken instead");

        // A volunteer is asked to come along, with a note: they get the invitation with the
        // contacts and the note, and see both on their page.
        let volunteer = user::Entity::find().filter(user::Column::Email.eq(VOLUNTEER)).one(app.db()).await.expect("q").expect("volunteer");
        let r = step(&es, p.id, "schedule_viewing", &[("starts_at", "07.12.2026 11:00"), ("place", "Vor dem Haus"), ("companion", &volunteer.id.to_string()), ("note", "Eine Dolmetscherin für Arabisch kommt mit.")]).await;
        assert_eq!(r.status(), 303);
        let invitation = mails(app, p.id, "viewing_companion").await;
        assert_eq!(invitation.len(), 1);
        assert_eq!(invitation[0].to_address, VOLUNTEER);
        assert!(invitation[0].body_text.contains("Eine Dolmetscherin für Arabisch kommt mit."));
        assert!(invitation[0].body_text.contains(&owner.display_name), "the landlord is named");
        assert!(invitation[0].attachments.as_deref().unwrap_or_default().contains("besichtigung.ics"));
        let v = staff(app, VOLUNTEER).await;
        let html = v.get("/viewings").await.text().await.expect("page");
        assert!(html.contains("Hinweis der Koordination") && html.contains("Eine Dolmetscherin für Arabisch kommt mit."), "{html}");
        assert!(html.contains(&owner.display_name), "the landlord's contact");
        let h = bleibe::store::households::find(app.db(), p.household_id).await.expect("q").expect("household");
        let contact = h.profile.contact_person(app.app.clock.today()).expect("a contact person");
        assert!(html.contains(&contact), "the household's contact person");
        let viewings = viewing::Entity::find().filter(viewing::Column::ProposalId.eq(p.id)).all(app.db()).await.expect("q");
        assert!(viewings.iter().any(|w| w.status == "moved"), "the earlier time no longer stands");
    }
);

db_test!(
    async fn an_alternative_picked_sends_nothing_until_approved(app) {
        let d = demo(app).await;
        let es = staff(app, ES_COORDINATOR).await;
        let (run_id, _) = match_run(app, d).await;
        let html = es.get(&format!("/runs/{run_id}")).await.text().await.expect("run");
        assert!(!html.contains("checked>"), "nothing is ticked by default");
        assert!(html.contains("Alle auswählen"), "select all is offered");
        assert!(html.contains("Nicht gewählt:") || html.contains("Kann jetzt nicht vorgeschlagen werden"), "alternatives say why they were not chosen");
        let marker = "name=\"candidate\" value=\"";
        let at = html.find(marker).expect("an alternative") + marker.len();
        let candidate: i64 = html[at..].split('"').next().expect("id").parse().expect("number");
        let before = outbox_message::Entity::find().all(app.db()).await.expect("q").len();
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/pick"), &[("candidate", &candidate.to_string()), ("reason", "Arbeitet gleich um die Ecke")]).await;
        assert_eq!(r.status(), 303);
        let picked = proposal::Entity::find().filter(proposal::Column::CandidateId.eq(candidate)).filter(proposal::Column::Origin.eq("override")).one(app.db()).await.expect("q").expect("pick");
        assert_eq!(picked.state, "suggested");
        assert!(!picked.is_open, "holds nothing yet");
        assert_eq!(outbox_message::Entity::find().all(app.db()).await.expect("q").len(), before, "no e-mail");
        // It goes out only through the confirmation, like any suggestion.
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/approve"), &[("proposal", &picked.id.to_string())]).await;
        let confirm = r.text().await.expect("page");
        assert!(confirm.contains("Arbeitet") || confirm.contains("Bitte prüfen"), "{confirm}");
        assert_eq!(state_of(app, picked.id).await, "suggested");
        let r = es.post_form(&format!("/runs/{run_id}"), &format!("/runs/{run_id}/approve"), &[("proposal", &picked.id.to_string()), ("confirm", "yes")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(state_of(app, picked.id).await, "sent");
        let location = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        let page = es.get(&location).await.text().await.expect("run");
        assert!(page.contains("Gerade verschickt"), "the page reports what went out");
    }
);

db_test!(
    async fn why_not_lists_every_household_and_says_why_a_flat_got_no_proposal(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let es = staff(app, ES_COORDINATOR).await;
        let first = &suggested[0];
        let base = format!("/m/{}/why-not?unit={}", d.esslingen, first.unit_id);
        // Choosing a flat lists the municipality's households with their verdicts.
        let html = es.get(&base).await.text().await.expect("page");
        assert!(html.contains("Alle Haushalte der Gemeinde für diese Wohnung"), "{html}");
        let looking = household::Entity::find()
            .filter(household::Column::MunicipalityId.eq(d.esslingen))
            .filter(household::Column::Status.is_in(["active", "paused"]))
            .all(app.db())
            .await
            .expect("q");
        let rows = html.matches("why-not?unit=").count();
        assert!(rows >= looking.len(), "{rows} links for {} households", looking.len());
        assert!(html.contains("passt ("), "fitting households are named");
        // The proposed household is found by its reference in any case.
        let h = household::Entity::find_by_id(first.household_id).one(app.db()).await.expect("q").expect("h");
        let r = es.get(&format!("{base}&household={}", h.reference.to_lowercase())).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("page");
        assert!(html.contains(&format!("Haushalt {}", h.reference)), "the explanation for the household");
        // A search for nobody says so.
        let r = es.get(&format!("{base}&household=zzzz-nobody")).await;
        assert_eq!(r.status(), 404);
        assert!(r.text().await.expect("page").contains("Diesen Haushalt finden wir in Ihren Gemeinden nicht"));
        // A search by a name lists the household (no failed look-up).
        let contact = bleibe::store::households::find(app.db(), h.id).await.expect("q").expect("h").profile.contact_person(app.app.clock.today()).expect("a name");
        let first_name = contact.split(' ').next().expect("first name").to_lowercase();
        let r = es.get(&format!("{base}&household={first_name}")).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.expect("page").contains(&h.reference), "found by name");

        // A flat of the municipality that got no proposal says why.
        let proposed: Vec<i64> = suggested.iter().map(|p| p.unit_id).collect();
        let without = unit::Entity::find()
            .filter(unit::Column::MunicipalityId.eq(d.esslingen))
            .all(app.db())
            .await
            .expect("q")
            .into_iter()
            .find(|u| !proposed.contains(&u.id))
            .expect("a flat without a proposal");
        let html = es.get(&format!("/m/{}/why-not?unit={}", d.esslingen, without.id)).await.text().await.expect("page");
        assert!(
            ["Warum kein Vorschlag?", "Kein Haushalt erfüllt alle Regeln", "wird zurzeit nicht angeboten"].iter().any(|s| html.contains(s)),
            "{html}"
        );
    }
);

db_test!(
    async fn staff_see_every_flat_with_its_landlord_and_households_see_the_flat_itself(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = &suggested[0];
        let user = coordinator(app).await;
        take(app, &user, p.id, Action::Approve, &[]).await;
        let unit = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        let owner = landlord::Entity::find_by_id(unit.landlord_id).one(app.db()).await.expect("q").expect("landlord");

        // The coordinator's page of the flat: the landlord, the proposals, staff wording.
        let es = staff(app, ES_COORDINATOR).await;
        let html = es.get(&format!("/units/{}", unit.id)).await.text().await.expect("page");
        assert!(html.contains("Wohnungen der Gemeinde"), "the way back is the municipality's list");
        assert!(html.contains(&owner.display_name), "the landlord is named");
        assert!(html.contains("Vorschläge für diese Wohnung") && html.contains(&format!("/workspace/proposals/{}", p.id)));
        assert!(html.contains("Die Wohnung ist möbliert"), "every field is shown");
        assert!(html.contains("Ein Vorschlag läuft (siehe unten)"), "the next step in staff words");
        assert!(!html.contains("Bitte antworten Sie"), "not the landlord's request for an answer");
        assert!(!html.contains("← Meine Übersicht") && !html.contains("Warum ziehen Sie"), "not the landlord's own page");

        // The landlord's own page stays theirs.
        let account = user::Entity::find_by_id(owner.user_id.expect("account")).one(app.db()).await.expect("q").expect("user");
        let own = staff(app, &account.email).await;
        let html = own.get(&format!("/units/{}", unit.id)).await.text().await.expect("page");
        assert!(!html.contains("Vorschläge für diese Wohnung") && !html.contains("Wohnungen der Gemeinde"));

        // The household's answer page describes the flat: floor, lift, step-free entrance.
        let mail = mails(app, p.id, "proposal_household").await;
        let body = &mail.first().expect("the household's letter").body_text;
        let at = body.find("/a/").expect("an answer link");
        let token: String = body[at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        let visitor = crate::accounts::TestClient::new(app);
        // In the household's own language by default; in German when chosen.
        let stored = bleibe::store::households::find(app.db(), p.household_id).await.expect("q").expect("h");
        let own = stored.profile.preferred_language;
        let html = visitor.get(&format!("/a/{token}")).await.text().await.expect("page");
        assert!(html.contains(&format!("<html lang=\"{}\"", own.code())), "{html}");
        let html = visitor.get(&format!("/a/{token}?lang=de")).await.text().await.expect("page");
        assert!(html.contains("<html lang=\"de\">"), "{html}");
        assert!(html.contains("Aufzug") && html.contains("Eingang ohne Stufen"), "{html}");
        assert!(visitor.get(&format!("/a/{token}/photos/unknown.jpg")).await.status() == 404, "only the flat's own photos");
    }
);

db_test!(
    async fn no_api_answer_names_a_household_to_its_landlord(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = suggested.into_iter().next().expect("a suggestion");
        let user = coordinator(app).await;
        take(app, &user, p.id, Action::Approve, &[]).await;
        let unit = unit::Entity::find_by_id(p.unit_id).one(app.db()).await.expect("q").expect("unit");
        let owner = landlord::Entity::find_by_id(unit.landlord_id).one(app.db()).await.expect("q").expect("landlord");
        let account = user::Entity::find_by_id(owner.user_id.expect("account")).one(app.db()).await.expect("q").expect("user");
        let token = crate::api::token_for(app, &account.email).await;
        let h = bleibe::store::households::find(app.db(), p.household_id).await.expect("q").expect("household");
        let mut secrets: Vec<String> = vec![h.profile.reference.clone()];
        secrets.extend(h.profile.members.iter().filter_map(|m| m.last_name.clone()));
        secrets.extend(h.profile.email.clone());
        secrets.extend(h.profile.phone.clone());
        let check = |body: &serde_json::Value, when: &str| {
            let text = body.to_string();
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "{s} in the API answer {when}");
            }
        };
        for (step, when) in [(None, "sent"), (Some(Action::HouseholdAccept), "household accepted"), (Some(Action::LandlordAccept), "both accepted")] {
            if let Some(a) = step {
                take(app, &user, p.id, a, &[]).await;
            }
            let (status, _, list) = crate::api::api(app, &token, "/api/v1/proposals").await;
            assert_eq!(status, 200);
            assert!(list["items"].as_array().is_some_and(|i| !i.is_empty()), "the landlord sees the proposal");
            check(&list, when);
            let (status, _, one) = crate::api::api(app, &token, &format!("/api/v1/proposals/{}", p.id)).await;
            assert_eq!(status, 200);
            check(&one, when);
        }
    }
);
