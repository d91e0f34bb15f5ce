//! The household form: what it reads (every field checked, messages at the field) and
//! the fields of a stored household for editing. The reading itself is pure
//! ([`read_form`]); [`validate`] adds the two checks that need the database.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use validator::ValidateEmail;

use super::*;
use crate::domain::format;

/// Most members a household can have in the form and the import (more than any
/// household Bleibe serves; empty rows are ignored).
pub const MEMBER_ROWS: usize = 30;
/// Most anchors (important places) a household can have.
pub const ANCHOR_ROWS: usize = 12;
/// The parts of a member row (`member_<part>_<row>`; import columns
/// `member1_first_name` … `member30_role`).
pub const MEMBER_PARTS: &[&str] = &["first_name", "last_name", "birth_year", "role"];
/// The parts of an anchor row (`anchor_<part>_<row>`; import columns `anchor1_kind` …).
pub const ANCHOR_PARTS: &[&str] = &[
    "kind",
    "label",
    "street",
    "postal_code",
    "town",
    "importance",
];
/// Purposes a household can consent to.
pub const CONSENT_SCOPES: &[&str] = &["matching", "email", "share_profile"];
/// Languages the form offers as checkboxes (others can be typed as codes).
pub const KNOWN_LANGUAGES: &[&str] = &[
    "de", "en", "ar", "fa", "uk", "ru", "ku", "ti", "tr", "ka", "fr",
];
/// Importance choices for anchors.
pub const IMPORTANCE: &[(&str, f64)] = &[("high", 1.0), ("medium", 0.7), ("low", 0.4)];

/// A validated household form.
#[derive(Debug, Clone)]
pub struct ValidHousehold {
    pub profile: HouseholdProfile,
    pub allowed: Vec<i64>,
    pub consent: Option<(DateTime<Utc>, String)>,
}

/// Checks a household form: the reference must be free in the municipality (`except` the
/// household being edited), and places of a residence obligation must be known.
pub async fn validate(
    app: &App,
    municipality_id: i64,
    f: Fields<'_>,
    except: Option<i64>,
) -> Result<Result<ValidHousehold, FieldErrors>, ServiceError> {
    let reference = f.get("reference");
    let taken = !reference.is_empty()
        && reference.chars().count() <= 50
        && households::reference_taken(&app.db, municipality_id, reference, except).await?;
    let known: Vec<i64> = area_choices(app)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(read_form(f, app.clock.today(), &known, taken))
}

/// Reads a household form as of `today`; `known` are the municipalities a residence
/// obligation may name, `reference_taken` whether another household has the reference.
pub fn read_form(
    f: Fields<'_>,
    today: NaiveDate,
    known: &[i64],
    reference_taken: bool,
) -> Result<ValidHousehold, FieldErrors> {
    let mut r = Reader::new(f.0);
    r.check_characters(&["urgency_reason", "landlord_text", "notes"]);
    let reference = f.get("reference").to_owned();
    if reference.is_empty() {
        r.error("reference", "validation.required");
    } else if reference.chars().count() > 50 {
        r.error("reference", "validation.too_long");
    } else if reference_taken {
        r.error("reference", "validation.reference_taken");
    }
    let residence_status = f.get("residence_status").parse::<ResidenceStatus>().ok();
    if residence_status.is_none() {
        r.error("residence_status", "validation.choose_one");
    }
    let urgency = f.get("urgency").parse::<u8>().ok().filter(|u| *u <= 3);
    if urgency.is_none() {
        r.error("urgency", "validation.choose_one");
    }
    let in_follow_up_since = r.date("in_follow_up_since", false);
    if in_follow_up_since.is_some_and(|d| d > today) {
        r.error("in_follow_up_since", "validation.date_future");
    }
    let obligation = f.checked("residence_obligation");
    let (languages, preferred_language) = read_languages(f, &mut r);
    let profile = HouseholdProfile {
        reference,
        members: read_members(f, &mut r, today),
        residence_status: residence_status.unwrap_or(ResidenceStatus::Other),
        residence_obligation: obligation,
        residence_obligation_until: r
            .date("residence_obligation_until", false)
            .filter(|_| obligation),
        benefit_type: r.choice("benefit_type", false),
        work_situation: r.choice("work_situation", false),
        wheelchair: f.checked("wheelchair"),
        max_floor_without_lift: r
            .number("max_floor_without_lift", 0.0..=40.0, false)
            .map(|v| v as i32),
        rooms_wanted: r.number("rooms_wanted", 1.0..=10.0, false),
        pets: f.checked("pets"),
        max_distance_km: r.number("max_distance_km", 1.0..=300.0, false),
        latest_move_date: r.date("latest_move_date", false),
        follow_up_site: r.text("follow_up_site", 200, false),
        in_follow_up_since,
        urgency: urgency.unwrap_or(0),
        urgency_reason: r.text("urgency_reason", 1000, false),
        languages,
        preferred_language,
        email: read_email(&mut r, "email"),
        phone: r.text("phone", 50, false),
        caseworker_name: r.text("caseworker_name", 200, false),
        caseworker_email: read_email(&mut r, "caseworker_email"),
        caseworker_phone: r.text("caseworker_phone", 50, false),
        landlord_text: r.text("landlord_text", 2000, false),
        anchors: read_anchors(f, &mut r),
        notes: r.text("notes", 5000, false),
    };
    let allowed = read_allowed(f, &mut r, known, obligation);
    let consent = read_consent(f, &mut r, today);
    if !r.errors().is_empty() {
        return Err(r.into_errors());
    }
    Ok(ValidHousehold {
        profile,
        allowed,
        consent,
    })
}

/// The member rows; empty rows are skipped, and at least one member is required.
fn read_members(f: Fields<'_>, r: &mut Reader<'_>, today: NaiveDate) -> Vec<Member> {
    let mut members = Vec::new();
    for i in 0..MEMBER_ROWS {
        let name = f.get(&format!("member_first_name_{i}"));
        let last = f.get(&format!("member_last_name_{i}"));
        let year = f.get(&format!("member_birth_year_{i}"));
        if name.is_empty() && last.is_empty() && year.is_empty() {
            continue;
        }
        if name.is_empty() {
            r.error(&format!("member_first_name_{i}"), "validation.required");
        } else if name.chars().count() > 100 {
            r.error(&format!("member_first_name_{i}"), "validation.too_long");
        }
        if last.chars().count() > 100 {
            r.error(&format!("member_last_name_{i}"), "validation.too_long");
        }
        let birth_year = year
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=today.year()).contains(y));
        if birth_year.is_none() {
            r.error(&format!("member_birth_year_{i}"), "validation.birth_year");
        }
        // Left empty: the first person applies, the others are "other"; a value that is no
        // role is refused, never guessed.
        let role_text = f.get(&format!("member_role_{i}"));
        let role = match role_text.parse::<MemberRole>() {
            Ok(role) => role,
            Err(_) if role_text.is_empty() && members.is_empty() => MemberRole::Applicant,
            Err(_) if role_text.is_empty() => MemberRole::Other,
            Err(_) => {
                r.error(&format!("member_role_{i}"), "validation.choose_one");
                MemberRole::Other
            }
        };
        if let Some(birth_year) = birth_year {
            members.push(Member {
                first_name: name.to_owned(),
                last_name: Some(last.to_owned()).filter(|l| !l.is_empty()),
                birth_year,
                role,
            });
        }
    }
    if members.is_empty()
        && !r.has_error("member_first_name_0")
        && !r.has_error("member_birth_year_0")
    {
        r.error("member_first_name_0", "validation.members_required");
    }
    members
}

/// The anchor rows (important places); empty rows are skipped.
fn read_anchors(f: Fields<'_>, r: &mut Reader<'_>) -> Vec<Anchor> {
    let mut anchors = Vec::new();
    for i in 0..ANCHOR_ROWS {
        let label = f.get(&format!("anchor_label_{i}"));
        let postal = f.get(&format!("anchor_postal_code_{i}"));
        let street = f.get(&format!("anchor_street_{i}"));
        if label.is_empty() && postal.is_empty() && street.is_empty() {
            continue;
        }
        let kind_text = f.get(&format!("anchor_kind_{i}"));
        let kind = kind_text.parse::<AnchorKind>().unwrap_or(AnchorKind::Other);
        if !kind_text.is_empty() && kind_text.parse::<AnchorKind>().is_err() {
            r.error(&format!("anchor_kind_{i}"), "validation.choose_one");
        }
        if label.is_empty() {
            r.error(&format!("anchor_label_{i}"), "validation.required");
        }
        let town = f.get(&format!("anchor_town_{i}"));
        for (part, value) in [("label", label), ("street", street), ("town", town)] {
            if value.chars().count() > 200 {
                r.error(&format!("anchor_{part}_{i}"), "validation.too_long");
            }
        }
        let Some(place) = crate::geodata::postal(postal) else {
            let key = if postal.is_empty() {
                "validation.required"
            } else {
                "validation.postal_unknown"
            };
            r.error(&format!("anchor_postal_code_{i}"), key);
            continue;
        };
        let importance_text = f.get(&format!("anchor_importance_{i}"));
        let importance = IMPORTANCE
            .iter()
            .find(|(k, _)| *k == importance_text)
            .map_or(1.0, |(_, v)| *v);
        if !importance_text.is_empty() && !IMPORTANCE.iter().any(|(k, _)| *k == importance_text) {
            r.error(&format!("anchor_importance_{i}"), "validation.choose_one");
        }
        anchors.push(Anchor {
            kind,
            label: label.to_owned(),
            street: Some(street.to_owned()).filter(|s| !s.is_empty()),
            postal_code: Some(postal.to_owned()),
            town: Some(town.to_owned())
                .filter(|s| !s.is_empty())
                .or(Some(place.place.clone())),
            location: place.centre,
            importance,
        });
    }
    anchors
}

/// The municipalities of a residence obligation (required with one, dropped without).
fn read_allowed(f: Fields<'_>, r: &mut Reader<'_>, known: &[i64], obligation: bool) -> Vec<i64> {
    let mut allowed: Vec<i64> = Vec::new();
    for v in f.all("allowed") {
        match v.parse::<i64>() {
            Ok(id) if known.contains(&id) => {
                if !allowed.contains(&id) {
                    allowed.push(id);
                }
            }
            _ => r.error("allowed", "validation.choose_one"),
        }
    }
    allowed.sort_unstable();
    if obligation && allowed.is_empty() {
        r.error("allowed", "validation.allowed_required");
    }
    if obligation { allowed } else { Vec::new() }
}

/// An optional e-mail address.
fn read_email(r: &mut Reader<'_>, name: &str) -> Option<String> {
    let email = r.text(name, 254, false);
    if email.as_ref().is_some_and(|e| !e.validate_email()) {
        r.error(name, "validation.email_invalid");
    }
    email
}

/// The languages spoken (ticked and typed as codes) and the one for letters.
fn read_languages(f: Fields<'_>, r: &mut Reader<'_>) -> (Vec<String>, Language) {
    let mut languages: Vec<String> = f
        .all("languages")
        .iter()
        .map(|l| l.trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect();
    for extra in f.get("languages_other").split([',', ' ']) {
        let code = extra.trim().to_lowercase();
        if !code.is_empty() && !languages.contains(&code) {
            if code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
                r.error("languages_other", "validation.language_code");
            } else {
                languages.push(code);
            }
        }
    }
    let preferred = match f.get("preferred_language").trim() {
        "" => Language::De,
        code => code.parse::<Language>().unwrap_or_else(|()| {
            r.error("preferred_language", "validation.choose_one");
            Language::De
        }),
    };
    (languages, preferred)
}

/// The consent given: its date (not in the future) and its purposes (at least one).
fn read_consent(
    f: Fields<'_>,
    r: &mut Reader<'_>,
    today: NaiveDate,
) -> Option<(DateTime<Utc>, String)> {
    if !f.checked("consent_given") {
        return None;
    }
    let date = r.date("consent_date", false);
    if f.get("consent_date").is_empty() {
        r.error("consent_date", "validation.required");
    }
    if date.is_some_and(|d| d > today) {
        r.error("consent_date", "validation.date_future");
    }
    let scope: Vec<&str> = f
        .all("consent_scope")
        .into_iter()
        .filter(|s| CONSENT_SCOPES.contains(s))
        .collect();
    if scope.is_empty() {
        r.error("consent_scope", "validation.consent_scope");
    }
    date.and_then(|d| d.and_hms_opt(12, 0, 0))
        .map(|d| (d.and_utc(), scope.join(",")))
}

/// The form fields of a stored household, as the form shows them for editing.
pub fn fields_of(h: &StoredHousehold, locale: Locale) -> Vec<(String, String)> {
    let p = &h.profile;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let measure = |v: Option<f64>| {
        v.map(|v| format::measure_input(locale, v))
            .unwrap_or_default()
    };
    let mut fields: Vec<(String, String)> = [
        ("reference", p.reference.clone()),
        ("residence_status", p.residence_status.as_str().into()),
        (
            "residence_obligation_until",
            date(p.residence_obligation_until),
        ),
        (
            "benefit_type",
            text(&p.benefit_type.map(|b| b.as_str().to_owned())),
        ),
        (
            "work_situation",
            text(&p.work_situation.map(|w| w.as_str().to_owned())),
        ),
        (
            "max_floor_without_lift",
            text(&p.max_floor_without_lift.map(|v| v.to_string())),
        ),
        ("rooms_wanted", measure(p.rooms_wanted)),
        ("max_distance_km", measure(p.max_distance_km)),
        ("latest_move_date", date(p.latest_move_date)),
        ("follow_up_site", text(&p.follow_up_site)),
        ("in_follow_up_since", date(p.in_follow_up_since)),
        ("urgency", p.urgency.to_string()),
        ("urgency_reason", text(&p.urgency_reason)),
        ("preferred_language", p.preferred_language.code().into()),
        ("email", text(&p.email)),
        ("phone", text(&p.phone)),
        ("caseworker_name", text(&p.caseworker_name)),
        ("caseworker_email", text(&p.caseworker_email)),
        ("caseworker_phone", text(&p.caseworker_phone)),
        ("landlord_text", text(&p.landlord_text)),
        ("notes", text(&p.notes)),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    for (name, on) in [
        ("residence_obligation", p.residence_obligation),
        ("wheelchair", p.wheelchair),
        ("pets", p.pets),
    ] {
        if on {
            fields.push((name.into(), "1".into()));
        }
    }
    for m in &h.allowed_municipalities {
        fields.push(("allowed".into(), m.to_string()));
    }
    push_languages(&mut fields, &p.languages);
    push_rows(&mut fields, h);
    fields.push((VERSION_FIELD.into(), h.version.to_string()));
    if let Some(c) = &h.consent {
        fields.push(("consent_given".into(), "1".into()));
        fields.push((
            "consent_date".into(),
            crate::domain::time::berlin_date(c.at).to_string(),
        ));
        for scope in c.scope.split(',') {
            fields.push(("consent_scope".into(), scope.trim().into()));
        }
    }
    fields
}

/// The languages as the form holds them: the ones it offers as ticks, the others in
/// "Weitere Sprachen" (so saving the form keeps them).
fn push_languages(fields: &mut Vec<(String, String)>, languages: &[String]) {
    let (offered, others): (Vec<&String>, Vec<&String>) = languages
        .iter()
        .partition(|l| KNOWN_LANGUAGES.contains(&l.as_str()));
    for l in offered {
        fields.push(("languages".into(), l.clone()));
    }
    if !others.is_empty() {
        let typed: Vec<&str> = others.iter().map(|l| l.as_str()).collect();
        fields.push(("languages_other".into(), typed.join(", ")));
    }
}

/// The member and anchor rows of a stored household as form fields.
fn push_rows(fields: &mut Vec<(String, String)>, h: &StoredHousehold) {
    for (i, m) in h.profile.members.iter().enumerate() {
        fields.push((format!("member_first_name_{i}"), m.first_name.clone()));
        fields.push((
            format!("member_last_name_{i}"),
            m.last_name.clone().unwrap_or_default(),
        ));
        fields.push((format!("member_birth_year_{i}"), m.birth_year.to_string()));
        fields.push((format!("member_role_{i}"), m.role.as_str().into()));
    }
    for (i, a) in h.profile.anchors.iter().enumerate() {
        let importance = IMPORTANCE
            .iter()
            .min_by(|x, y| {
                (x.1 - a.importance)
                    .abs()
                    .total_cmp(&(y.1 - a.importance).abs())
            })
            .map_or("high", |(k, _)| *k);
        for (part, value) in [
            ("kind", a.kind.as_str().to_owned()),
            ("label", a.label.clone()),
            ("street", a.street.clone().unwrap_or_default()),
            ("postal_code", a.postal_code.clone().unwrap_or_default()),
            ("town", a.town.clone().unwrap_or_default()),
            ("importance", importance.to_owned()),
        ] {
            fields.push((format!("anchor_{part}_{i}"), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).expect("date")
    }

    #[test]
    fn an_empty_form_names_every_required_field() {
        let errors = read_form(Fields(&[]), today(), &[], false).expect_err("errors");
        for field in [
            "reference",
            "residence_status",
            "urgency",
            "member_first_name_0",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_complete_form_reads_into_a_profile() {
        let f = fields(&[
            ("reference", "ES-1"),
            ("residence_status", "anerkannt"),
            ("urgency", "2"),
            ("member_first_name_0", "Huda"),
            ("member_birth_year_0", "1990"),
            ("member_first_name_1", "Bilal"),
            ("member_birth_year_1", "2016"),
            ("languages", "ar"),
            ("languages_other", "ku, de"),
            ("preferred_language", "ar"),
            ("rooms_wanted", "3,5"),
            ("residence_obligation", "1"),
            ("allowed", "7"),
            ("allowed", "7"),
            ("consent_given", "1"),
            ("consent_date", "2026-12-01"),
            ("consent_scope", "matching"),
        ]);
        let valid = read_form(Fields(&f), today(), &[7], false).expect("valid");
        let p = &valid.profile;
        assert_eq!(p.members.len(), 2);
        assert_eq!(p.members[0].role, MemberRole::Applicant);
        assert_eq!(p.members[1].role, MemberRole::Other);
        assert_eq!(p.languages, ["ar", "ku", "de"]);
        assert_eq!(p.preferred_language, Language::Ar);
        assert_eq!(p.rooms_wanted, Some(3.5));
        assert_eq!(valid.allowed, [7], "each place once");
        assert!(valid.consent.is_some_and(|(_, scope)| scope == "matching"));
    }

    #[test]
    fn wrong_values_are_named_at_their_field() {
        let f = fields(&[
            ("reference", "ES-1"),
            ("residence_status", "anerkannt"),
            ("urgency", "9"),
            ("member_first_name_0", "Huda"),
            ("member_birth_year_0", "1850"),
            ("anchor_label_0", "Schule"),
            ("anchor_postal_code_0", "99999"),
            ("in_follow_up_since", "2030-01-01"),
            ("residence_obligation", "1"),
            ("allowed", "8"),
            ("email", "not-an-address"),
            ("consent_given", "1"),
        ]);
        let errors = read_form(Fields(&f), today(), &[7], true).expect_err("errors");
        for (field, key) in [
            ("reference", "validation.reference_taken"),
            ("urgency", "validation.choose_one"),
            ("member_birth_year_0", "validation.birth_year"),
            ("anchor_postal_code_0", "validation.postal_unknown"),
            ("in_follow_up_since", "validation.date_future"),
            ("allowed", "validation.choose_one"),
            ("email", "validation.email_invalid"),
            ("consent_date", "validation.required"),
            ("consent_scope", "validation.consent_scope"),
        ] {
            assert_eq!(errors.get(field), Some(key), "{field}: {errors:?}");
        }
    }
}
