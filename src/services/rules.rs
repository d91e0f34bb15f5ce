//! A municipality's rule tables (rent caps, area norms, matching weights, deadlines) and
//! incentive programmes, edited by admins and coordinators. Rule tables are versioned:
//! saving makes a new version, old versions stay, and every match run records the
//! versions it used. Programme changes are recorded in the audit log with old and new
//! values (programmes hold no personal data).

use chrono::{DateTime, Utc};
use entities::incentive_programme;
use sea_orm::{ActiveModelTrait, Set, TransactionTrait};

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::criteria::{Criterion, Weights};
use crate::domain::incentive::{IncentiveKind, IncentiveStatus};
use crate::domain::input::{Fields, Reader};
use crate::domain::norms::{AreaNorms, RentCapTable, RuleSet};
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale, format};
use crate::store::incentives::NewProgramme;
use crate::store::municipalities::{self, StoredRuleSet};

/// Household sizes the form has a row for (larger households: the amount per person).
pub const SIZES: u32 = 6;

fn check(user: &CurrentUser, municipality_id: i64) -> Result<(), ServiceError> {
    if user.can_manage(municipality_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// A version in the history.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: i64,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub change_note: Option<String>,
    /// How many match runs used it.
    pub runs: u64,
}

/// The current rules of a municipality and the history of versions, newest first.
pub async fn rules_of(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<(Option<StoredRuleSet>, Vec<Version>), ServiceError> {
    check(user, municipality_id)?;
    let current = municipalities::current_rule_sets(&app.db)
        .await?
        .remove(&municipality_id);
    let versions = municipalities::rule_set_versions(&app.db, municipality_id)
        .await?
        .into_iter()
        .map(|v| Version {
            id: v.row.id,
            version: v.row.version,
            created_at: v.row.created_at,
            created_by: v.created_by,
            change_note: v.row.change_note,
            runs: v.runs,
        })
        .collect();
    Ok((current, versions))
}

/// The form fields of a rule set (or of the defaults when there is none).
pub fn fields_of(rules: Option<&RuleSet>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let norms = rules.map(|r| r.area_norms.clone()).unwrap_or_default();
    for persons in 1..=SIZES {
        let cap = rules.and_then(|r| {
            r.rent_caps
                .rows()
                .iter()
                .find(|(p, _)| *p == persons)
                .map(|(_, c)| *c)
        });
        out.push((
            format!("cap_{persons}"),
            cap.map(|c| format::money_input(Locale::De, c))
                .unwrap_or_default(),
        ));
        let area = norms
            .rows()
            .iter()
            .find(|(p, _)| *p == persons)
            .map(|(_, a)| *a);
        out.push((
            format!("area_{persons}"),
            area.map(|a| format::measure_input(Locale::De, a))
                .unwrap_or_default(),
        ));
    }
    out.push((
        "extra_cap".into(),
        rules
            .map(|r| format::money_input(Locale::De, r.rent_caps.extra_person()))
            .unwrap_or_default(),
    ));
    out.push((
        "extra_area".into(),
        format::measure_input(Locale::De, norms.extra_person_m2()),
    ));
    let weights = rules.map(|r| r.weights.clone()).unwrap_or_default();
    for c in Criterion::ALL {
        out.push((
            format!("weight_{}", c.as_str()),
            format::measure_input(Locale::De, (weights.normalized(*c) * 1000.0).round() / 10.0),
        ));
    }
    out.push((
        "answer_days".into(),
        rules.map_or(14, |r| r.answer_days).to_string(),
    ));
    out.push((
        "reminder_days".into(),
        rules.map_or(7, |r| r.reminder_days).to_string(),
    ));
    if rules.is_some_and(|r| r.auto_approve) {
        out.push(("auto_approve".into(), "1".into()));
    }
    out.push((
        "source_note".into(),
        rules
            .and_then(|r| r.source_note.clone())
            .unwrap_or_default(),
    ));
    out
}

fn days(r: &mut Reader<'_>, name: &str) -> u32 {
    match r.whole(name, i64::MIN..=i64::MAX, true) {
        Some(d) if (1..=90).contains(&d) => d as u32,
        Some(_) => {
            r.error(name, "validation.days_range");
            0
        }
        None => 0,
    }
}

/// Checks a rule-set form.
pub fn validate(f: Fields<'_>) -> Result<RuleSet, FieldErrors> {
    let mut r = Reader::new(f.0);
    r.check_characters(&[]);
    let (caps, areas) = read_tables(&mut r);
    let extra_cap = r.number("extra_cap", 0.0..=f64::MAX, false).unwrap_or(0.0);
    let extra_area = r
        .number("extra_area", 0.0..=f64::MAX, false)
        .unwrap_or(15.0);
    if extra_area > 100.0 {
        r.error("extra_area", "validation.out_of_range");
    }
    let weights = read_weights(&mut r);
    let answer_days = days(&mut r, "answer_days");
    let reminder_days = days(&mut r, "reminder_days");
    if answer_days > 0 && reminder_days >= answer_days {
        r.error("reminder_days", "validation.reminder_before_expiry");
    }
    let source_note = f.get("source_note");
    if source_note.chars().count() > 500 {
        r.error("source_note", "validation.too_long");
    }
    let change_note = f.get("change_note");
    if change_note.is_empty() {
        r.error("change_note", "validation.required");
    } else if change_note.chars().count() > 500 {
        r.error("change_note", "validation.too_long");
    }
    let rent_caps = RentCapTable::new(caps, Cents::from_euros_f64(extra_cap).unwrap_or_default());
    let area_norms = if areas.is_empty() {
        Ok(AreaNorms::default())
    } else {
        AreaNorms::new(areas, extra_area)
    };
    match (rent_caps, area_norms, weights) {
        (Ok(rent_caps), Ok(area_norms), Some(weights)) if r.errors().is_empty() => Ok(RuleSet {
            rent_caps,
            area_norms,
            weights,
            answer_days,
            reminder_days,
            auto_approve: f.checked("auto_approve"),
            source_note: Some(source_note.to_owned()).filter(|s| !s.is_empty()),
        }),
        (caps, norms, _) => {
            if caps.is_err() && !r.has_error("cap_1") {
                r.error("cap_1", "validation.cap_required");
            }
            if norms.is_err() && !r.has_error("area_1") {
                r.error("area_1", "validation.area_range");
            }
            Err(r.into_errors())
        }
    }
}

/// Rent caps and area norms by household size.
type RuleTables = (Vec<(u32, Cents)>, Vec<(u32, f64)>);

/// The rent caps and area norms by household size, each in its range, caps rising with
/// the size.
fn read_tables(r: &mut Reader<'_>) -> RuleTables {
    let mut caps = Vec::new();
    let mut areas = Vec::new();
    for persons in 1..=SIZES {
        if let Some(v) = r.number(&format!("cap_{persons}"), 0.0..=f64::MAX, false) {
            if !(50.0..=10_000.0).contains(&v) {
                r.error(&format!("cap_{persons}"), "validation.cap_range");
            } else if let Some(c) = Cents::from_euros_f64(v) {
                caps.push((persons, c));
            }
        }
        if let Some(v) = r.number(&format!("area_{persons}"), 0.0..=f64::MAX, false) {
            if !(10.0..=500.0).contains(&v) {
                r.error(&format!("area_{persons}"), "validation.area_range");
            } else {
                areas.push((persons, v));
            }
        }
    }
    if caps.is_empty() && !r.has_error("cap_1") {
        r.error("cap_1", "validation.cap_required");
    }
    for pair in caps.windows(2) {
        if pair[1].1 < pair[0].1 {
            r.error(&format!("cap_{}", pair[1].0), "validation.cap_order");
        }
    }
    (caps, areas)
}

/// The criteria's weights; all zero is an error.
fn read_weights(r: &mut Reader<'_>) -> Option<Weights> {
    let mut weights = Vec::new();
    for c in Criterion::ALL {
        let name = format!("weight_{}", c.as_str());
        let v = r.number(&name, 0.0..=f64::MAX, false).unwrap_or(0.0);
        if v > 1000.0 {
            r.error(&name, "validation.out_of_range");
        }
        weights.push((c.as_str(), v));
    }
    match Weights::from_overrides(weights.iter().map(|(k, v)| (*k, *v))) {
        Ok(w) => Some(w),
        Err(_) => {
            r.error("weight_anchor_distance", "validation.weights_zero");
            None
        }
    }
}

/// Saves a new version of the rules. Returns the version number.
pub async fn save(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    fields: &[(String, String)],
) -> Result<Result<i32, FieldErrors>, ServiceError> {
    check(user, municipality_id)?;
    let f = Fields(fields);
    let rules = match validate(f) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let (id, version) = municipalities::insert_rule_set(
        &txn,
        municipality_id,
        &rules,
        Some(user.id),
        Some(f.get("change_note").to_owned()),
        now,
    )
    .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "rule_set_version",
        "rule_sets",
        Some(id),
        Some(municipality_id),
        serde_json::json!({"version": version, "note": f.get("change_note")}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(version))
}

/// A programme with what is committed and paid from its budget.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    pub programme: incentive_programme::Model,
    pub committed: Cents,
    pub paid: Cents,
}

/// The incentive programmes of a municipality with their budget use.
pub async fn programmes(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Vec<ProgrammeView>, ServiceError> {
    check(user, municipality_id)?;
    let (rows, requests) =
        crate::store::incentives::programmes_with_requests(&app.db, municipality_id).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let mine = requests.iter().filter(|r| r.programme_id == p.id);
            let committed = mine
                .clone()
                .filter(|r| {
                    r.status == IncentiveStatus::Granted.as_str()
                        || r.status == IncentiveStatus::Paid.as_str()
                })
                .map(|r| r.granted_amount_cents.unwrap_or(0))
                .sum();
            let paid = mine.map(|r| r.paid_amount_cents.unwrap_or(0)).sum();
            ProgrammeView {
                programme: p,
                committed: Cents(committed),
                paid: Cents(paid),
            }
        })
        .collect())
}

/// The names of a programme's form fields.
pub const PROGRAMME_FIELDS: &[&str] = &[
    "kind",
    "name_de",
    "name_en",
    "conditions_de",
    "conditions_en",
    "amount",
    "duration_months",
    "occupancy_years",
    "budget",
    "active",
];

/// The form fields of a programme.
pub fn programme_fields(p: &incentive_programme::Model) -> Vec<(String, String)> {
    let mut out = vec![
        ("kind".to_owned(), p.kind.clone()),
        ("name_de".to_owned(), p.name_de.clone()),
        ("name_en".to_owned(), p.name_en.clone()),
        ("conditions_de".to_owned(), p.conditions_de.clone()),
        ("conditions_en".to_owned(), p.conditions_en.clone()),
        (
            "amount".to_owned(),
            p.amount_cents
                .map(|c| format::money_input(Locale::De, Cents(c)))
                .unwrap_or_default(),
        ),
        (
            "duration_months".to_owned(),
            p.duration_months.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "occupancy_years".to_owned(),
            p.occupancy_years.map(|v| v.to_string()).unwrap_or_default(),
        ),
        (
            "budget".to_owned(),
            p.budget_cents
                .map(|c| format::money_input(Locale::De, Cents(c)))
                .unwrap_or_default(),
        ),
    ];
    if p.active {
        out.push(("active".to_owned(), "1".to_owned()));
    }
    out
}

fn validate_programme(f: Fields<'_>) -> Result<(NewProgramme, bool), FieldErrors> {
    let mut r = Reader::new(f.0);
    r.check_characters(&["conditions_de", "conditions_en"]);
    let kind = f.get("kind").parse::<IncentiveKind>();
    if kind.is_err() {
        r.error("kind", "validation.choose_one");
    }
    for (name, max) in [
        ("name_de", 200),
        ("name_en", 200),
        ("conditions_de", 2000),
        ("conditions_en", 2000),
    ] {
        let v = f.get(name);
        if v.is_empty() {
            r.error(name, "validation.required");
        } else if v.chars().count() > max {
            r.error(name, "validation.too_long");
        }
    }
    let amount = r
        .number("amount", 0.0..=f64::MAX, false)
        .and_then(Cents::from_euros_f64);
    let budget = r
        .number("budget", 0.0..=f64::MAX, false)
        .and_then(Cents::from_euros_f64);
    let duration_months = r.whole("duration_months", 0..=120, false).map(|v| v as i32);
    let occupancy_years = r.whole("occupancy_years", 0..=30, false).map(|v| v as i32);
    match kind {
        Ok(kind) if r.errors().is_empty() => Ok((
            NewProgramme {
                kind,
                name_de: f.get("name_de").to_owned(),
                name_en: f.get("name_en").to_owned(),
                conditions_de: f.get("conditions_de").to_owned(),
                conditions_en: f.get("conditions_en").to_owned(),
                amount,
                duration_months,
                occupancy_years,
                budget,
            },
            f.checked("active"),
        )),
        _ => Err(r.into_errors()),
    }
}

/// A programme the user may edit.
pub async fn programme(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<incentive_programme::Model, ServiceError> {
    let p = crate::store::incentives::programme(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("programme".into()))?;
    check(user, p.municipality_id)?;
    Ok(p)
}

/// Creates a programme (when `id` is `None`) or changes one. Returns its id.
pub async fn save_programme(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    id: Option<i64>,
    fields: &[(String, String)],
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    check(user, municipality_id)?;
    let (new, active) = match validate_programme(Fields(fields)) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let (id, before) = match id {
        None => (
            crate::store::incentives::insert_programme(&txn, municipality_id, &new, now).await?,
            None,
        ),
        Some(id) => {
            let old = programme(app, user, id).await?;
            if old.municipality_id != municipality_id {
                return Err(ServiceError::Forbidden);
            }
            let mut row: incentive_programme::ActiveModel = old.clone().into();
            row.kind = Set(new.kind.as_str().to_owned());
            row.name_de = Set(new.name_de.clone());
            row.name_en = Set(new.name_en.clone());
            row.conditions_de = Set(new.conditions_de.clone());
            row.conditions_en = Set(new.conditions_en.clone());
            row.amount_cents = Set(new.amount.map(|c| c.0));
            row.duration_months = Set(new.duration_months);
            row.occupancy_years = Set(new.occupancy_years);
            row.budget_cents = Set(new.budget.map(|c| c.0));
            row.active = Set(active);
            row.updated_at = Set(now);
            row.update(&txn).await?;
            (id, Some(programme_fields(&old)))
        }
    };
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        if before.is_some() {
            "update_programme"
        } else {
            "create_programme"
        },
        "incentive_programmes",
        Some(id),
        Some(municipality_id),
        serde_json::json!({
            "before": before,
            "after": fields
                .iter()
                .filter(|(k, _)| PROGRAMME_FIELDS.contains(&k.as_str()))
                .collect::<Vec<_>>(),
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}
