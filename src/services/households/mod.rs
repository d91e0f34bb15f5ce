//! Household profiles, kept by coordinators: create, edit, pause, close, consent, and the
//! filtered list. Only coordinators of the household's municipality (and admins) see or
//! change a household; every change is recorded in the audit log by field name, without
//! the values.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::TransactionTrait;
use validator::ValidateEmail;

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Language;
use crate::domain::Locale;
use crate::domain::household::{
    Anchor, AnchorKind, BenefitType, HouseholdProfile, HouseholdStatus, Member, MemberRole,
    ResidenceStatus, WorkSituation,
};
use crate::domain::input::{Fields, Reader};
use crate::domain::validation::FieldErrors;
use crate::store::households::{self, Consent, StoredHousehold};

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

/// Checks a household form.
pub async fn validate(
    app: &App,
    municipality_id: i64,
    f: Fields<'_>,
    except: Option<i64>,
) -> Result<Result<ValidHousehold, FieldErrors>, ServiceError> {
    let mut r = Reader::new(f.0);
    r.check_characters(&["urgency_reason", "landlord_text", "notes"]);
    let today = app.clock.today();
    let reference = f.get("reference").to_owned();
    if reference.is_empty() {
        r.error("reference", "validation.required");
    } else if reference.chars().count() > 50 {
        r.error("reference", "validation.too_long");
    } else if households::reference_taken(&app.db, municipality_id, &reference, except).await? {
        r.error("reference", "validation.reference_taken");
    }
    let residence_status = f.get("residence_status").parse::<ResidenceStatus>().ok();
    if residence_status.is_none() {
        r.error("residence_status", "validation.choose_one");
    }
    let benefit_type = match f.get("benefit_type") {
        "" => None,
        v => v
            .parse::<BenefitType>()
            .map_err(|_| r.error("benefit_type", "validation.choose_one"))
            .ok(),
    };
    let work_situation = match f.get("work_situation") {
        "" => None,
        v => v
            .parse::<WorkSituation>()
            .map_err(|_| r.error("work_situation", "validation.choose_one"))
            .ok(),
    };

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
        let role = f
            .get(&format!("member_role_{i}"))
            .parse::<MemberRole>()
            .unwrap_or(if members.is_empty() {
                MemberRole::Applicant
            } else {
                MemberRole::Other
            });
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

    let mut anchors = Vec::new();
    for i in 0..ANCHOR_ROWS {
        let label = f.get(&format!("anchor_label_{i}"));
        let postal = f.get(&format!("anchor_postal_code_{i}"));
        let street = f.get(&format!("anchor_street_{i}"));
        if label.is_empty() && postal.is_empty() && street.is_empty() {
            continue;
        }
        let kind = f
            .get(&format!("anchor_kind_{i}"))
            .parse::<AnchorKind>()
            .unwrap_or(AnchorKind::Other);
        if label.is_empty() {
            r.error(&format!("anchor_label_{i}"), "validation.required");
        }
        for (part, value) in [
            ("label", label),
            ("street", street),
            ("town", f.get(&format!("anchor_town_{i}"))),
        ] {
            if value.chars().count() > 200 {
                r.error(&format!("anchor_{part}_{i}"), "validation.too_long");
            }
        }
        let place = crate::geodata::postal(postal);
        if place.is_none() {
            r.error(
                &format!("anchor_postal_code_{i}"),
                if postal.is_empty() {
                    "validation.required"
                } else {
                    "validation.postal_unknown"
                },
            );
        }
        let importance = IMPORTANCE
            .iter()
            .find(|(k, _)| *k == f.get(&format!("anchor_importance_{i}")))
            .map_or(1.0, |(_, v)| *v);
        if let Some(place) = place {
            anchors.push(Anchor {
                kind,
                label: label.to_owned(),
                street: Some(street.to_owned()).filter(|s| !s.is_empty()),
                postal_code: Some(postal.to_owned()),
                town: Some(f.get(&format!("anchor_town_{i}")).to_owned())
                    .filter(|s| !s.is_empty())
                    .or(Some(place.place.clone())),
                location: place.centre,
                importance,
            });
        }
    }

    let urgency = f.get("urgency").parse::<u8>().ok().filter(|u| *u <= 3);
    if urgency.is_none() {
        r.error("urgency", "validation.choose_one");
    }
    let max_floor = r
        .number("max_floor_without_lift", 0.0..=40.0, false)
        .map(|v| v as i32);
    let rooms_wanted = r.number("rooms_wanted", 1.0..=10.0, false);
    let max_distance = r.number("max_distance_km", 1.0..=300.0, false);
    let latest_move_date = r.date("latest_move_date", false);
    let in_follow_up_since = r.date("in_follow_up_since", false);
    if in_follow_up_since.is_some_and(|d| d > today) {
        r.error("in_follow_up_since", "validation.date_future");
    }
    let obligation = f.checked("residence_obligation");
    let obligation_until = r.date("residence_obligation_until", false);
    let known: Vec<i64> = area_choices(app)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
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
    let email = r.text("email", 254, false);
    if email.as_ref().is_some_and(|e| !e.validate_email()) {
        r.error("email", "validation.email_invalid");
    }
    let caseworker_email = r.text("caseworker_email", 254, false);
    if caseworker_email
        .as_ref()
        .is_some_and(|e| !e.validate_email())
    {
        r.error("caseworker_email", "validation.email_invalid");
    }
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
    let preferred_language = match f.get("preferred_language").trim() {
        "" => Language::De,
        code => code.parse::<Language>().unwrap_or_else(|()| {
            r.error("preferred_language", "validation.choose_one");
            Language::De
        }),
    };

    let consent = if f.checked("consent_given") {
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
    } else {
        None
    };

    let follow_up_site = r.text("follow_up_site", 200, false);
    let urgency_reason = r.text("urgency_reason", 1000, false);
    let phone = r.text("phone", 50, false);
    let caseworker_name = r.text("caseworker_name", 200, false);
    let caseworker_phone = r.text("caseworker_phone", 50, false);
    let landlord_text = r.text("landlord_text", 2000, false);
    let notes = r.text("notes", 5000, false);

    if !r.errors().is_empty() {
        return Ok(Err(r.into_errors()));
    }
    let (Some(residence_status), Some(urgency)) = (residence_status, urgency) else {
        return Ok(Err(FieldErrors::single(
            "residence_status",
            "validation.choose_one",
        )));
    };
    Ok(Ok(ValidHousehold {
        profile: HouseholdProfile {
            reference,
            members,
            residence_status,
            residence_obligation: obligation,
            residence_obligation_until: obligation.then_some(obligation_until).flatten(),
            benefit_type,
            work_situation,
            wheelchair: f.checked("wheelchair"),
            max_floor_without_lift: max_floor,
            rooms_wanted,
            pets: f.checked("pets"),
            max_distance_km: max_distance,
            latest_move_date,
            follow_up_site,
            in_follow_up_since,
            urgency,
            urgency_reason,
            languages,
            preferred_language,
            email,
            phone,
            caseworker_name,
            caseworker_email,
            caseworker_phone,
            landlord_text,
            anchors,
            notes,
        },
        allowed: if obligation { allowed } else { Vec::new() },
        consent,
    }))
}

/// Municipalities a residence obligation can name: every municipality Bleibe knows.
pub async fn area_choices(app: &App) -> Result<Vec<(i64, String)>, ServiceError> {
    Ok(super::staff::all_municipalities(app)
        .await?
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect())
}

/// Refused unless `user` manages households of `municipality_id`.
pub fn check_scope(user: &CurrentUser, municipality_id: i64) -> Result<(), ServiceError> {
    if user.can_manage(municipality_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// A household the user may see.
pub async fn get(app: &App, user: &CurrentUser, id: i64) -> Result<StoredHousehold, ServiceError> {
    let household = households::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    check_scope(user, household.municipality_id)?;
    if household.status == HouseholdStatus::Closed
        && household.profile.reference.starts_with("anon-")
    {
        return Err(ServiceError::NotFound("household".into()));
    }
    Ok(household)
}

/// Creates a household.
pub async fn create(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    fields: &[(String, String)],
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    check_scope(user, municipality_id)?;
    let valid = match validate(app, municipality_id, Fields(fields), None).await? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let consent = valid.consent.as_ref().map(|(at, scope)| Consent {
        at: *at,
        scope: scope.clone(),
        recorded_by: Some(user.id),
    });
    let txn = app.db.begin().await?;
    let id = households::insert(
        &txn,
        municipality_id,
        HouseholdStatus::Active,
        &valid.profile,
        &valid.allowed,
        consent.as_ref(),
        Some(user.id),
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "create_household",
        "households",
        Some(id),
        Some(municipality_id),
        serde_json::json!({"consent": consent.is_some()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Names of the profile fields that differ (for the audit log; values are not recorded).
fn changed_fields(old: &HouseholdProfile, new: &HouseholdProfile) -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! compare {
        ($($field:ident),+) => { $(if old.$field != new.$field { out.push(stringify!($field)); })+ };
    }
    compare!(
        reference,
        members,
        residence_status,
        residence_obligation,
        residence_obligation_until,
        benefit_type,
        work_situation,
        wheelchair,
        max_floor_without_lift,
        rooms_wanted,
        pets,
        max_distance_km,
        latest_move_date,
        follow_up_site,
        in_follow_up_since,
        urgency,
        urgency_reason,
        languages,
        preferred_language,
        email,
        phone,
        caseworker_name,
        caseworker_email,
        caseworker_phone,
        landlord_text,
        anchors,
        notes
    );
    out
}

/// Saves a household's changed profile (and consent).
pub async fn update(
    app: &App,
    user: &CurrentUser,
    id: i64,
    fields: &[(String, String)],
) -> Result<Result<(), FieldErrors>, ServiceError> {
    let current = get(app, user, id).await?;
    let valid = match validate(app, current.municipality_id, Fields(fields), Some(id)).await? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let mut changed = changed_fields(&current.profile, &valid.profile);
    if current.allowed_municipalities != valid.allowed {
        changed.push("allowed_municipalities");
    }
    let old_consent = current.consent.as_ref().map(|c| (c.at, c.scope.clone()));
    let txn = app.db.begin().await?;
    households::update(&txn, id, &valid.profile, &valid.allowed, now).await?;
    if old_consent != valid.consent {
        let consent = valid.consent.as_ref().map(|(at, scope)| Consent {
            at: *at,
            scope: scope.clone(),
            recorded_by: Some(user.id),
        });
        households::set_consent(&txn, id, consent.as_ref(), now).await?;
        changed.push("consent");
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "update_household",
        "households",
        Some(id),
        Some(current.municipality_id),
        serde_json::json!({"fields": changed}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Pauses, closes (with a reason) or reactivates a household.
pub async fn set_status(
    app: &App,
    user: &CurrentUser,
    id: i64,
    status: HouseholdStatus,
    reason: &str,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    let current = get(app, user, id).await?;
    if status == HouseholdStatus::Placed {
        return Err(ServiceError::Conflict(Conflict::HouseholdPlacedByMoveIn));
    }
    let characters = crate::domain::input::line_errors([("reason", reason)], &["reason"]);
    if !characters.is_empty() {
        return Ok(Err(characters));
    }
    if status == HouseholdStatus::Closed && reason.trim().is_empty() {
        return Ok(Err(FieldErrors::single(
            "reason",
            "validation.reason_required",
        )));
    }
    if matches!(status, HouseholdStatus::Paused | HouseholdStatus::Closed)
        && crate::store::pipeline::held(&app.db, 0, id, None).await?.1
    {
        // A landlord is waiting for this household: the proposal is withdrawn first.
        return Err(ServiceError::Conflict(Conflict::HouseholdOpenProposal));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    households::set_status(
        &txn,
        id,
        status,
        Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "household_status",
        "households",
        Some(id),
        Some(current.municipality_id),
        serde_json::json!({"to": status.as_str()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The form fields of a stored household.
pub fn fields_of(h: &StoredHousehold, locale: Locale) -> Vec<(String, String)> {
    let p = &h.profile;
    let number = |v: f64| {
        let text = if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        };
        if locale == Locale::De {
            text.replace('.', ",")
        } else {
            text
        }
    };
    let mut fields: Vec<(String, String)> = vec![
        ("reference".into(), p.reference.clone()),
        (
            "residence_status".into(),
            p.residence_status.as_str().into(),
        ),
        (
            "residence_obligation_until".into(),
            p.residence_obligation_until
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        (
            "benefit_type".into(),
            p.benefit_type
                .map(|b| b.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "work_situation".into(),
            p.work_situation
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "max_floor_without_lift".into(),
            p.max_floor_without_lift
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ),
        (
            "rooms_wanted".into(),
            p.rooms_wanted.map(number).unwrap_or_default(),
        ),
        (
            "max_distance_km".into(),
            p.max_distance_km.map(number).unwrap_or_default(),
        ),
        (
            "latest_move_date".into(),
            p.latest_move_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        (
            "follow_up_site".into(),
            p.follow_up_site.clone().unwrap_or_default(),
        ),
        (
            "in_follow_up_since".into(),
            p.in_follow_up_since
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        ("urgency".into(), p.urgency.to_string()),
        (
            "urgency_reason".into(),
            p.urgency_reason.clone().unwrap_or_default(),
        ),
        (
            "preferred_language".into(),
            p.preferred_language.code().into(),
        ),
        ("email".into(), p.email.clone().unwrap_or_default()),
        ("phone".into(), p.phone.clone().unwrap_or_default()),
        (
            "caseworker_name".into(),
            p.caseworker_name.clone().unwrap_or_default(),
        ),
        (
            "caseworker_email".into(),
            p.caseworker_email.clone().unwrap_or_default(),
        ),
        (
            "caseworker_phone".into(),
            p.caseworker_phone.clone().unwrap_or_default(),
        ),
        (
            "landlord_text".into(),
            p.landlord_text.clone().unwrap_or_default(),
        ),
        ("notes".into(), p.notes.clone().unwrap_or_default()),
    ];
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
    for l in &p.languages {
        fields.push(("languages".into(), l.clone()));
    }
    for (i, m) in p.members.iter().enumerate() {
        fields.push((format!("member_first_name_{i}"), m.first_name.clone()));
        fields.push((
            format!("member_last_name_{i}"),
            m.last_name.clone().unwrap_or_default(),
        ));
        fields.push((format!("member_birth_year_{i}"), m.birth_year.to_string()));
        fields.push((format!("member_role_{i}"), m.role.as_str().into()));
    }
    for (i, a) in p.anchors.iter().enumerate() {
        fields.push((format!("anchor_kind_{i}"), a.kind.as_str().into()));
        fields.push((format!("anchor_label_{i}"), a.label.clone()));
        fields.push((
            format!("anchor_street_{i}"),
            a.street.clone().unwrap_or_default(),
        ));
        fields.push((
            format!("anchor_postal_code_{i}"),
            a.postal_code.clone().unwrap_or_default(),
        ));
        fields.push((
            format!("anchor_town_{i}"),
            a.town.clone().unwrap_or_default(),
        ));
        let importance = IMPORTANCE
            .iter()
            .min_by(|x, y| {
                (x.1 - a.importance)
                    .abs()
                    .total_cmp(&(y.1 - a.importance).abs())
            })
            .map_or("high", |(k, _)| *k);
        fields.push((format!("anchor_importance_{i}"), importance.into()));
    }
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

/// Filters of the household list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `None` = active and paused.
    pub status: Option<HouseholdStatus>,
    /// "1", "2", "3-4", "5+".
    pub size: Option<String>,
    /// At least this many months in follow-up housing.
    pub waiting_months: Option<u32>,
    /// At least this urgency.
    pub urgency: Option<u8>,
    /// Reference or a member's name contains this.
    pub search: String,
    /// At least this many persons (the API's filter; narrows `size`).
    pub min_persons: Option<u32>,
}

/// A household in the list.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub household: StoredHousehold,
    pub persons: u32,
    pub waiting_months: Option<u32>,
}

/// One page of the household list and how many households pass the filter in all.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub rows: Vec<ListRow>,
    pub total: u64,
}

impl Filter {
    /// The persons range of the size choice ("1", "2", "3-4", "5+"), narrowed by
    /// `min_persons`.
    fn persons(&self) -> (Option<u32>, Option<u32>) {
        let (min, max) = match self.size.as_deref() {
            Some("1") => (Some(1), Some(1)),
            Some("2") => (Some(2), Some(2)),
            Some("3-4") => (Some(3), Some(4)),
            Some("5+") => (Some(5), None),
            _ => (None, None),
        };
        let min = match (min, self.min_persons) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        (min, max)
    }
}

/// One page (`offset`, `limit`) of the households of `municipalities` matching the
/// filter, longest in follow-up housing first, then by id; filtered and paged in the
/// database. Every municipality must be the user's.
pub async fn list(
    app: &App,
    user: &CurrentUser,
    municipalities: &[i64],
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<ListPage, ServiceError> {
    for m in municipalities {
        check_scope(user, *m)?;
    }
    let today = app.clock.today();
    let (min_persons, max_persons) = filter.persons();
    let query = households::ListFilter {
        municipalities: municipalities.to_vec(),
        statuses: match filter.status {
            Some(s) => vec![s],
            None => vec![HouseholdStatus::Active, HouseholdStatus::Paused],
        },
        min_persons,
        max_persons,
        in_follow_up_by: filter
            .waiting_months
            .filter(|m| *m > 0)
            .map(|m| crate::domain::time::waited_at_least_since(today, m)),
        min_urgency: filter.urgency.filter(|u| *u > 0),
        search: crate::domain::household::search_term(&filter.search),
    };
    let (found, total) = households::page(&app.db, &query, offset, limit).await?;
    let rows = found
        .into_iter()
        .map(|h| ListRow {
            persons: h.profile.members.len() as u32,
            waiting_months: h
                .profile
                .in_follow_up_since
                .map(|d| crate::domain::time::months_between(d, today)),
            household: h,
        })
        .collect();
    Ok(ListPage { rows, total })
}
