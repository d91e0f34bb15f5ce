//! Documents as PDF, read back with independent tools: `pdftotext` (poppler-utils) for
//! every figure and name, `zbarimg` (zbar-tools) for the QR codes of the household's letter,
//! `pdftoppm` for the PNG renderings kept in `target/documents/`. Without these tools the
//! tests are skipped, except under `CI=true` (`.ci/run` installs them).

use std::path::PathBuf;
use std::process::Command;

use bleibe::domain::document::DocumentKind;
use bleibe::domain::pipeline::Action;
use bleibe::domain::{Cents, Language, Locale};
use bleibe::services::{Actor, Conflict, ServiceError, documents};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::db_test;
use crate::helpers::TestApp;
use crate::pipeline::{accepted, coordinator, match_run, take};
use crate::workspace::{ADMIN, ES_COORDINATOR, demo, staff};

/// Whether the PDF tools are here; under `CI=true` they must be.
pub fn tools() -> bool {
    let found = ["pdftotext", "pdftoppm", "zbarimg"]
        .iter()
        .all(|tool| Command::new(tool).arg("-v").output().is_ok());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but poppler-utils or zbar-tools are not installed"
        );
        eprintln!("skipped: apt-get install poppler-utils zbar-tools");
    }
    found
}

fn temp_pdf(pdf: &[u8]) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new()
        .suffix(".pdf")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), pdf).expect("write pdf");
    file
}

/// The text of a PDF in reading order, as `pdftotext` extracts it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let file = temp_pdf(pdf);
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success(), "pdftotext failed");
    // Amounts are set with a no-break space before the euro sign; compare with plain ones.
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .replace('\u{a0}', " ")
}

/// Renders the pages to `target/documents/<name>-<page>.png` (for people to look at).
pub fn save_png(pdf: &[u8], name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/documents");
    std::fs::create_dir_all(&dir).expect("target/documents");
    let file = temp_pdf(pdf);
    let status = Command::new("pdftoppm")
        .args(["-r", "110", "-png"])
        .arg(file.path())
        .arg(dir.join(name))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
}

/// What the QR codes on the first page say, decoded by `zbarimg` from a rendering of this
/// test's own (the SQLite and PostgreSQL runs write `target/documents/` at the same time).
pub fn qr_codes(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = temp_pdf(pdf);
    let status = Command::new("pdftoppm")
        .args(["-r", "110", "-png", "-f", "1", "-l", "1"])
        .arg(file.path())
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(dir.path().join("page-1.png"))
        .output()
        .expect("zbarimg");
    let mut codes: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    codes.sort();
    codes
}

/// The first page's size in points, as `pdfinfo` reads it ("595.276 x 841.89 pts (A4)").
pub fn page_size(pdf: &[u8]) -> String {
    let file = temp_pdf(pdf);
    let out = Command::new("pdfinfo")
        .arg(file.path())
        .output()
        .expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// How many pages a PDF has, as `pdfinfo` reads it.
pub fn pages(pdf: &[u8]) -> usize {
    let file = temp_pdf(pdf);
    let out = Command::new("pdfinfo")
        .arg(file.path())
        .output()
        .expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// How many raster images a PDF holds, as `pdfimages -list` counts them.
fn images(pdf: &[u8]) -> usize {
    let file = temp_pdf(pdf);
    let out = Command::new("pdfimages")
        .arg("-list")
        .arg(file.path())
        .output()
        .expect("pdfimages");
    String::from_utf8_lossy(&out.stdout).lines().skip(2).count()
}

async fn documents_of(app: &TestApp, proposal_id: i64) -> u64 {
    entities::document::Entity::find()
        .filter(entities::document::Column::ProposalId.eq(proposal_id))
        .count(app.db())
        .await
        .expect("count")
}

fn euros(c: i64) -> String {
    Cents(c).format(Locale::De).replace('\u{a0}', " ")
}

db_test!(
    async fn the_rent_certificate_reads_back_and_goes_to_the_landlord_with_the_jobcenter_step(app) {
        if !tools() {
            return;
        }
        let (p, user) = accepted(app).await;
        let actor = Actor::User(user.clone());
        let made = documents::make(&app.app, &actor, p.id, DocumentKind::RentCertificate, None)
            .await
            .expect("certificate");
        let text = pdf_text(&made.pdf);
        let unit = entities::unit::Entity::find_by_id(p.unit_id)
            .one(app.db())
            .await
            .expect("q")
            .expect("unit");
        let household = bleibe::store::households::find(app.db(), p.household_id)
            .await
            .expect("q")
            .expect("household");
        for expected in [
            format!("{} {}", unit.street, unit.house_number),
            format!("{} {}", unit.postal_code, unit.town),
            euros(unit.cold_rent_cents),
            euros(unit.service_charges_cents),
            euros(unit.heating_costs_cents),
            euros(unit.cold_rent_cents + unit.service_charges_cents + unit.heating_costs_cents),
            euros(unit.deposit_cents),
            format!("Personen im Haushalt\n\n{}", household.profile.members.len()),
        ] {
            assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
        }
        // Both said yes: the household's contact person is named (as on the pages).
        let contact = household
            .contact_for_landlord(app.clock_now().date_naive())
            .expect("contact shared")
            .name;
        assert!(text.contains(&contact), "{contact} in:\n{text}");
        save_png(&made.pdf, "rent-certificate");
        // One page: the signature stays with the confirmation (a cold walk found it alone
        // on page 2), and whether the flat is furnished is said (a surcharge depends on it).
        assert_eq!(pages(&made.pdf), 1);
        assert!(text.contains("Möbliert"), "{text}");
        // The household's export (Art. 15) lists it with the data it was filled in with.
        let export = staff(app, ES_COORDINATOR)
            .await
            .get(&format!("/households/{}/data.json", p.household_id))
            .await
            .text()
            .await
            .expect("export");
        let export: serde_json::Value = serde_json::from_str(&export).expect("json");
        let documents = export["sections"]["documents"].to_string();
        assert!(documents.contains("rent-certificate") && documents.contains(&unit.street), "{documents}");

        // The Jobcenter step mails it to the landlord, attached, and keeps it.
        take(app, &user, p.id, Action::JobcenterRequested, &[("on", "2026-11-21")]).await;
        assert_eq!(documents_of(app, p.id).await, 2);
        let mail = entities::outbox_message::Entity::find()
            .filter(entities::outbox_message::Column::Kind.eq("jobcenter_requested_landlord"))
            .filter(entities::outbox_message::Column::ProposalId.eq(p.id))
            .one(app.db())
            .await
            .expect("q")
            .expect("the landlord's e-mail");
        assert!(mail.subject.contains(&unit.street), "{}", mail.subject);
        let attachments = mail.attachments.expect("attachment");
        assert!(attachments.contains("application/pdf"), "{attachments}");
        assert!(attachments.contains(&format!("mietbescheinigung-{}.pdf", p.id)));
        assert!(!mail.body_text.contains('{'), "{}", mail.body_text);
    }
);

db_test!(
    async fn a_document_that_does_not_fit_the_stage_is_refused_and_nothing_is_kept(app) {
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = &suggested[0];
        let user = coordinator(app).await;
        take(app, &user, p.id, Action::Approve, &[]).await;
        let actor = Actor::User(user.clone());
        let refused =
            documents::make(&app.app, &actor, p.id, DocumentKind::RentCertificate, None).await;
        assert!(
            matches!(refused, Err(ServiceError::Conflict(Conflict::DocumentNotAtStage))),
            "{refused:?}"
        );
        assert_eq!(documents_of(app, p.id).await, 0);
        // The landlord of the flat: not before both said yes, never the household's letter.
        let landlord = landlord_of(app, p.unit_id).await;
        let browser = staff(app, &landlord).await;
        for kind in ["rent-certificate", "proposal-letter"] {
            let r = browser
                .post_form(
                    &format!("/proposals/{}", p.id),
                    &format!("/proposals/{}/documents", p.id),
                    &[("kind", kind)],
                )
                .await;
            assert_eq!(r.status(), 409, "{kind}");
            // The refusal says why in both languages and leads back to the unchanged page.
            let html = r.text().await.expect("page");
            assert!(html.contains(&format!("href=\"/proposals/{}\"", p.id)), "{html}");
            assert!(html.contains("fit where the proposal stands"), "{html}");
        }
        assert_eq!(documents_of(app, p.id).await, 0);
    }
);

/// The e-mail address the flat's landlord logs in with.
pub async fn landlord_of(app: &TestApp, unit_id: i64) -> String {
    let unit = entities::unit::Entity::find_by_id(unit_id)
        .one(app.db())
        .await
        .expect("q")
        .expect("unit");
    let landlord = entities::landlord::Entity::find_by_id(unit.landlord_id)
        .one(app.db())
        .await
        .expect("q")
        .expect("landlord");
    entities::user::Entity::find_by_id(landlord.user_id.expect("landlord account"))
        .one(app.db())
        .await
        .expect("q")
        .expect("user")
        .email
}

db_test!(
    async fn the_households_letter_is_in_its_language_with_qr_codes_that_answer(app) {
        if !tools() {
            return;
        }
        let d = demo(app).await;
        let (_, suggested) = match_run(app, d).await;
        let p = &suggested[0];
        let user = coordinator(app).await;
        take(app, &user, p.id, Action::Approve, &[]).await;
        // A photo of the flat goes into the letter.
        let photo = bleibe::services::photos::store(&app.app, &png(640)).expect("photo");
        bleibe::store::photos::insert(
            app.db(),
            bleibe::store::photos::Owner::Unit(p.unit_id),
            &photo.storage_key,
            "wohnzimmer.png",
            &photo.content_type,
            photo.byte_size,
            photo.width,
            photo.height,
            app.clock_now(),
        )
        .await
        .expect("photo row");
        let actor = Actor::User(user.clone());
        let mut letters = Vec::new();
        for lang in [Language::De, Language::Ar, Language::Uk] {
            let made = documents::make(&app.app, &actor, p.id, DocumentKind::ProposalLetter, Some(lang))
                .await
                .expect("letter");
            save_png(&made.pdf, &format!("proposal-letter-{}", lang.code()));
            letters.push((lang, made));
        }
        // The Arabic letter's text comes back in Arabic script, in logical order.
        let (_, arabic) = &letters[1];
        let text = pdf_text(&arabic.pdf);
        let subject = bleibe::mail::compose::mail_text("ar", "mail.proposal_household.subject");
        assert!(subject.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
        assert!(text.contains(&subject), "{subject:?} in:\n{text}");
        let hint = bleibe::mail::compose::mail_text("ar", "mail.letter_qr_hint");
        let first_words: String = hint.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        assert!(text.contains(&first_words), "{first_words:?} in:\n{text}");
        // Its QR codes are answer links of this proposal that work.
        let codes = qr_codes(&arabic.pdf);
        assert_eq!(codes.len(), 2, "{codes:?}");
        let base = &app.app.settings.server.base_url;
        for url in &codes {
            let path = url.strip_prefix(base.as_str()).expect("the service's address");
            assert!(path.starts_with("/a/"), "{url}");
            let page = app.get(path).await;
            assert_eq!(page.status(), 200, "{url}");
            assert!(text.contains(url.as_str()), "the address is printed too: {url}");
        }
        assert_eq!(images(&arabic.pdf), 1, "the flat's photo (the QR codes are drawn)");
        // A letter on paper: the helper line says so, and nobody is told to reply by e-mail.
        assert!(text.contains("Dieser Brief ist auf Arabisch geschrieben"), "{text}");
        let german = pdf_text(&letters[0].1.pdf);
        assert!(!german.contains("E-Mail"), "{german}");
        assert!(german.contains("Ihre Ansprechperson"), "{german}");
        // The Ukrainian letter is in Cyrillic.
        let uk = pdf_text(&letters[2].1.pdf);
        let subject = bleibe::mail::compose::mail_text("uk", "mail.proposal_household.subject");
        assert!(uk.contains(&subject), "{subject:?} in:\n{uk}");
        // Each letter is kept and listed on the proposal's page; the landlord gets none.
        assert_eq!(documents_of(app, p.id).await, 3);
        let page = staff(app, ES_COORDINATOR)
            .await
            .get(&format!("/workspace/proposals/{}", p.id))
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains(&format!("/documents/{}", letters[1].1.id)), "listed");
        // Each kept letter says its language.
        assert!(page.contains(&format!("({})", Language::Ar.native_name())), "language shown");
        let landlord = staff(app, &landlord_of(app, p.unit_id).await).await;
        let r = landlord.get(&format!("/documents/{}", letters[1].1.id)).await;
        assert_eq!(r.status(), 404);
    }
);

db_test!(
    async fn agreements_use_the_municipalitys_template_and_a_broken_one_is_refused_at_upload(app) {
        if !tools() {
            return;
        }
        let (p, user) = accepted(app).await;
        let unit = entities::unit::Entity::find_by_id(p.unit_id)
            .one(app.db())
            .await
            .expect("q")
            .expect("unit");
        // The municipality grants all three kinds of incentive with an agreement.
        for (kind, amount) in [("rent_default_guarantee", 432_100), ("renovation_grant", 1_250_000), ("head_lease", 15_000)] {
            grant(app, &unit, kind, amount).await;
        }
        let admin = staff(app, ADMIN).await;
        let page = format!("/admin/municipalities/{}/templates", unit.municipality_id);
        // A part with a mistake on line 4 is refused there, with the line, and not kept.
        let broken = "#let letterhead(m) = [#m.name]\n#let clauses(kind) = ()\n\n#let footer(m) = [#m.phone]\n";
        let r = admin.post_form(&page, &page, &[("source", broken), ("note", "")]).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("municipality.typ, Zeile 4"), "{html}");
        assert!(html.contains("#let footer(m) = [#m.phone]"), "what was typed stays");
        assert_eq!(
            entities::document_template::Entity::find().count(app.db()).await.expect("count"),
            0
        );
        // A sound part with an extra clause is kept as version 1 and used.
        let good = "#let letterhead(m) = [#text(16pt, weight: \"bold\", m.name) \\ Amt für Soziales]\n#let clauses(kind) = if kind == \"rent-guarantee\" { ([Sonderklausel Esslingen: Meldung an das Amt für Soziales.],) } else { () }\n#let footer(m) = m.contact.join(\" · \")\n";
        let r = admin.post_form(&page, &page, &[("source", good), ("note", "Briefkopf")]).await;
        assert_eq!(r.status(), 303);
        let actor = bleibe::services::Actor::User(user.clone());
        let made = documents::make(&app.app, &actor, p.id, DocumentKind::RentGuarantee, None)
            .await
            .expect("agreement");
        let text = pdf_text(&made.pdf);
        for expected in [
            "Erklärung zur Mietausfallgarantie".to_owned(),
            "Amt für Soziales".to_owned(),
            "Sonderklausel Esslingen".to_owned(),
            euros(432_100),
            "01.12.2026 bis 30.11.2028".to_owned(),
            format!("{} {}", unit.street, unit.house_number),
        ] {
            assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
        }
        save_png(&made.pdf, "rent-guarantee");
        for (kind, expected) in [
            (DocumentKind::OccupancyAgreement, ["Sanierungszuschuss gegen Belegungsrecht".to_owned(), euros(1_250_000)]),
            (DocumentKind::HeadLease, ["Zwischenanmietung".to_owned(), euros(15_000)]),
        ] {
            let made = documents::make(&app.app, &actor, p.id, kind, None).await.expect("agreement");
            let text = pdf_text(&made.pdf);
            for e in &expected {
                assert!(text.contains(e.as_str()), "{}: missing {e:?} in:\n{text}", kind.as_str());
            }
            assert!(!text.contains("Sonderklausel Esslingen"), "the clause is for the guarantee only");
            save_png(&made.pdf, kind.as_str());
        }
        let kept = entities::document::Entity::find_by_id(made.id)
            .one(app.db())
            .await
            .expect("q")
            .expect("kept");
        assert_eq!(kept.template_version, 1);
        assert!(kept.data.contains("4.321"), "the data it used is kept");
        // Agreements never name the household.
        let household = bleibe::store::households::find(app.db(), p.household_id)
            .await
            .expect("q")
            .expect("household");
        for m in &household.profile.members {
            assert!(!text.contains(&m.first_name), "{} in:\n{text}", m.first_name);
        }
    }
);

/// Grants the flat an incentive of `kind` (a programme of its municipality, made when it
/// has none) of `amount` cents, from 1 December 2026 for two years.
async fn grant(app: &TestApp, unit: &entities::unit::Model, kind: &str, amount: i64) {
    let now = app.clock_now();
    let found = entities::incentive_programme::Entity::find()
        .filter(entities::incentive_programme::Column::MunicipalityId.eq(unit.municipality_id))
        .filter(entities::incentive_programme::Column::Kind.eq(kind))
        .one(app.db())
        .await
        .expect("q");
    let programme = match found {
        Some(p) => p.id,
        None => {
            entities::incentive_programme::ActiveModel {
                municipality_id: Set(unit.municipality_id),
                kind: Set(kind.into()),
                name_de: Set(format!("Programm {kind}")),
                name_en: Set(format!("Programme {kind}")),
                conditions_de: Set(String::new()),
                conditions_en: Set(String::new()),
                duration_months: Set(Some(24)),
                occupancy_years: Set(Some(10)),
                active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(app.db())
            .await
            .expect("programme")
            .id
        }
    };
    // The landlord's request, if the demo made one, is granted; else one is made granted.
    let asked = entities::unit_incentive::Entity::find()
        .filter(entities::unit_incentive::Column::UnitId.eq(unit.id))
        .filter(entities::unit_incentive::Column::ProgrammeId.eq(programme))
        .one(app.db())
        .await
        .expect("q");
    let mut row = match asked {
        Some(r) => r.into(),
        None => entities::unit_incentive::ActiveModel {
            unit_id: Set(unit.id),
            programme_id: Set(programme),
            requested_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.status = Set("granted".into());
    row.decided_at = Set(Some(now));
    row.granted_amount_cents = Set(Some(amount));
    row.granted_from = Set(Some(crate::pipeline::day(2026, 12, 1)));
    row.granted_until = Set(Some(crate::pipeline::day(2028, 11, 30)));
    row.updated_at = Set(now);
    row.save(app.db()).await.expect("grant");
}

db_test!(
    async fn the_api_the_command_line_and_the_yearly_report_give_pdfs(app) {
        if !tools() {
            return;
        }
        let (p, _) = accepted(app).await;
        let token = crate::api::token_for(app, ES_COORDINATOR).await;
        let r = app
            .client
            .get(app.url(&format!("/api/v1/proposals/{}/documents/rent-certificate", p.id)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.expect("pdf");
        assert!(pdf_text(&pdf).contains("Mietbescheinigung"));
        for (path, status) in [
            (format!("/api/v1/proposals/{}/documents/nonsense", p.id), 404),
            (format!("/api/v1/proposals/{}/documents/proposal-letter", p.id), 409),
            ("/api/v1/proposals/999999/documents/rent-certificate".to_owned(), 404),
        ] {
            let r = app.client.get(app.url(&path)).bearer_auth(&token).send().await.expect("request");
            assert_eq!(r.status(), status, "{path}");
            assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        }
        // The command line makes the same document from the same database.
        let out = tempfile::tempdir().expect("tempdir");
        let file = out.path().join("bescheinigung.pdf");
        let run = crate::cli::bleibe()
            .args(["document", "render", "rent-certificate", "--proposal", &p.id.to_string(), "-o"])
            .arg(&file)
            .env("BLEIBE_DATABASE__URL", &app.database_url)
            .env("BLEIBE_DATA__DIR", &app.data_dir)
            .output()
            .expect("bleibe");
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let cli_pdf = std::fs::read(&file).expect("written");
        assert!(pdf_text(&cli_pdf).contains("Mietbescheinigung"));
        let wrong = crate::cli::bleibe()
            .args(["document", "render", "rent-certificate"])
            .env("BLEIBE_DATABASE__URL", &app.database_url)
            .env("BLEIBE_DATA__DIR", &app.data_dir)
            .output()
            .expect("bleibe");
        assert!(!wrong.status.success());
        assert!(String::from_utf8_lossy(&wrong.stderr).contains("--proposal"));
        // The yearly report as PDF beside the page and the workbook.
        let mid = entities::municipality::Entity::find()
            .filter(entities::municipality::Column::Name.eq("Esslingen am Neckar"))
            .one(app.db())
            .await
            .expect("q")
            .expect("Esslingen")
            .id;
        let browser = staff(app, ES_COORDINATOR).await;
        let page = browser.get(&format!("/m/{mid}/report/2026")).await.text().await.expect("page");
        assert!(page.contains(&format!("/m/{mid}/report/2026.pdf")));
        let r = browser.get(&format!("/m/{mid}/report/2026.pdf")).await;
        assert_eq!(r.status(), 200);
        let pdf = r.bytes().await.expect("pdf");
        let text = pdf_text(&pdf);
        assert!(text.contains("Jahresbericht 2026: Esslingen am Neckar"), "{text}");
        assert!(text.contains("Verschickte Vorschläge"), "{text}");
        save_png(&pdf, "yearly-report");
    }
);
