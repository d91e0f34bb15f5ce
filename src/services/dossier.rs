//! Exports under Art. 15: everything stored about a household, or about a person with an
//! account (landlord or staff), gathered from every entry of the map in
//! `domain::personal_data` that concerns them. One [`Dossier`] gives both forms: readable,
//! with labels and values in the reader's language, and JSON with stable field names and
//! stored codes.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::ServiceError;
use crate::app::App;
use crate::domain::unit::OneLine;
use crate::domain::{Cents, Locale};
use crate::i18n::Texts;
use crate::store::dossier as rows;

/// One stored value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    /// A stored code and the catalog section that names it (`household.status`).
    Code(&'static str, String),
    /// Several codes of one catalog section.
    Codes(&'static str, Vec<String>),
    Int(i64),
    Num(f64),
    /// A coordinate in degrees.
    Degrees(f64),
    /// A share in [0, 1], read as a percentage.
    Share(f64),
    /// A place in a list counted from 0, read from 1.
    Rank(i64),
    /// The engine's criteria as stored: JSON, read as their sentences.
    Criteria(Value),
    /// Audit details: JSON, read with the keys in words.
    Details(Value),
    /// Who acted, as the audit log names them ("Name (role)").
    Actor(String),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Money(i64),
    Json(Value),
    Empty,
}

impl Val {
    fn text(v: &Option<String>) -> Val {
        v.as_ref()
            .filter(|s| !s.trim().is_empty())
            .map_or(Val::Empty, |s| Val::Text(s.clone()))
    }

    fn code(section: &'static str, v: &Option<String>) -> Val {
        v.as_ref()
            .filter(|s| !s.is_empty())
            .map_or(Val::Empty, |s| Val::Code(section, s.clone()))
    }

    fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Val) -> Val {
        v.map_or(Val::Empty, f)
    }

    fn to_json(&self) -> Value {
        match self {
            Val::Text(s) | Val::Code(_, s) => json!(s),
            Val::Codes(_, list) => json!(list),
            Val::Int(n) => json!(n),
            Val::Num(n) | Val::Degrees(n) | Val::Share(n) => json!(n),
            Val::Rank(n) => json!(n),
            Val::Bool(b) => json!(b),
            Val::Date(d) => json!(d),
            Val::Time(t) => json!(t),
            Val::Money(c) => json!(c),
            Val::Json(v) | Val::Criteria(v) | Val::Details(v) => v.clone(),
            Val::Actor(s) => json!(s),
            Val::Empty => Value::Null,
        }
    }

    fn words(&self, t: Texts) -> String {
        let locale = t.locale;
        let code = |section: &str, c: &str| {
            t.optional(&format!("{section}.{c}"))
                .map_or_else(|| c.to_owned(), str::to_owned)
        };
        match self {
            Val::Text(s) => s.clone(),
            Val::Code(section, c) => code(section, c),
            Val::Codes(section, list) => list
                .iter()
                .map(|c| code(section, c))
                .collect::<Vec<_>>()
                .join(", "),
            Val::Int(n) => n.to_string(),
            Val::Num(n) => crate::domain::format::compact(locale, *n),
            Val::Degrees(n) => format!("{n:.6}"),
            Val::Share(n) => format!(
                "{}\u{a0}%",
                crate::domain::format::number(locale, n * 100.0, 1)
            ),
            Val::Rank(n) => (n + 1).to_string(),
            Val::Bool(b) => t
                .get(if *b { "common.yes" } else { "common.no" })
                .to_owned(),
            Val::Date(d) => crate::domain::format::date(locale, *d),
            Val::Time(at) => {
                let local = crate::domain::time::to_berlin(*at);
                format!(
                    "{}, {}",
                    crate::domain::format::date(locale, local.date_naive()),
                    local.format("%H:%M")
                )
            }
            Val::Money(c) => Cents(*c).format(locale),
            Val::Json(v) => json_words(v),
            Val::Criteria(v) => criteria_words(v, locale),
            Val::Details(v) => details_words(t, v),
            Val::Actor(label) => actor_words(t, label),
            Val::Empty => String::new(),
        }
    }
}

/// A code in words: its catalog text in `section`, or the code with spaces for
/// underscores.
pub fn words(t: Texts, section: &str, code: &str) -> String {
    t.optional(&format!("{section}.{code}"))
        .map_or_else(|| code.replace('_', " "), str::to_owned)
}

/// An audit actor label, "Name (role)", with the role in words.
pub fn actor_words(t: Texts, label: &str) -> String {
    match label.rsplit_once(" (") {
        Some((name, role)) if role.ends_with(')') => {
            let role = role.trim_end_matches(')');
            let name = if name == "erased person" {
                t.get("audit.erased_person")
            } else {
                name
            };
            format!("{name} ({})", words(t, "audit.roles", role))
        }
        _ if label == "system" => t.get("audit.system").to_owned(),
        _ => label.to_owned(),
    }
}

/// Audit details and step data (JSON) in words: `Feld: Wert; …`, keys from
/// `audit.details` (or the export's field names), dates and times in the reader's format,
/// amounts in euros, states and codes in words.
pub fn details_words(t: Texts, value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", key_words(t, k), value_words(t, k, v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => value_words(t, "", other),
    }
}

fn key_words(t: Texts, key: &str) -> String {
    t.optional(&format!("audit.details.{key}"))
        .or_else(|| t.optional(&format!("dossier.fields.{key}")))
        .map_or_else(|| key.replace('_', " "), str::to_owned)
}

fn value_words(t: Texts, key: &str, value: &Value) -> String {
    let locale = t.locale;
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| value_words(t, key, v))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => details_words(t, value),
        Value::Bool(b) => t.get(if *b { "common.yes" } else { "common.no" }).into(),
        Value::Number(n) if key.ends_with("_cents") => n
            .as_i64()
            .map_or_else(|| n.to_string(), |c| Cents(c).format(locale)),
        Value::String(s) if key.ends_with("_at") => DateTime::parse_from_rfc3339(s).map_or_else(
            |_| s.clone(),
            |at| Val::Time(at.with_timezone(&Utc)).words(t),
        ),
        Value::String(s) if key.ends_with("_on") || key == "on" || key == "lease_start" => s
            .parse::<NaiveDate>()
            .map_or_else(|_| s.clone(), |d| crate::domain::format::date(locale, d)),
        Value::String(s) => {
            let section = match key {
                "from" | "to" | "from_state" | "to_state" => "pipeline.state",
                "action" => "pipeline.actions",
                "lease_kind" => "pipeline.lease",
                _ => "audit.values",
            };
            t.optional(&format!("{section}.{s}"))
                .or_else(|| t.optional(&format!("audit.values.{s}")))
                .map_or_else(|| s.clone(), str::to_owned)
        }
        other => other.to_string(),
    }
}

/// Stored criteria as their sentences in `locale`.
fn criteria_words(v: &Value, locale: Locale) -> String {
    let field = match locale {
        Locale::De => "text_de",
        Locale::En => "text_en",
    };
    v.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|c| c.get(field).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// A JSON value as plain text: `key: value; key: value`.
fn json_words(v: &Value) -> String {
    match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", json_words(v)))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(items) => items.iter().map(json_words).collect::<Vec<_>>().join(", "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One stored record: its fields by stable name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record(pub Vec<(&'static str, Val)>);

/// The records of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub key: &'static str,
    pub records: Vec<Record>,
}

/// Everything stored about one household or person.
#[derive(Debug, Clone, PartialEq)]
pub struct Dossier {
    pub sections: Vec<Section>,
}

/// A section as shown: its title and each record's (label, value) lines.
#[derive(Debug, Clone)]
pub struct ReadableSection {
    pub key: &'static str,
    pub title: String,
    pub records: Vec<Vec<(String, String)>>,
}

impl Dossier {
    /// The JSON form: stable field names, stored codes, ISO dates.
    pub fn to_json(&self, exported_at: DateTime<Utc>, by: &str) -> Value {
        let sections: serde_json::Map<String, Value> = self
            .sections
            .iter()
            .map(|s| {
                let records: Vec<Value> = s
                    .records
                    .iter()
                    .map(|r| {
                        Value::Object(
                            r.0.iter()
                                .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                                .collect(),
                        )
                    })
                    .collect();
                (s.key.to_owned(), Value::Array(records))
            })
            .collect();
        json!({
            "exported_at": exported_at,
            "exported_by": by,
            "purpose": "Auskunft nach Art. 15 DSGVO / access under Art. 15 GDPR",
            "format": "bleibe-dossier-1",
            "sections": sections,
        })
    }

    /// The readable form in the reader's language; empty values are left out.
    pub fn readable(&self, t: Texts) -> Vec<ReadableSection> {
        self.sections
            .iter()
            .map(|s| ReadableSection {
                key: s.key,
                title: t.get(&format!("dossier.sections.{}", s.key)).to_owned(),
                records: s
                    .records
                    .iter()
                    .map(|r| {
                        r.0.iter()
                            .filter(|(_, v)| *v != Val::Empty)
                            .map(|(k, v)| (field_label(t, k), v.words(t)))
                            .filter(|(_, v)| !v.is_empty())
                            .collect()
                    })
                    .collect(),
            })
            .collect()
    }

    /// Every text of the dossier, for tests that look for a value.
    pub fn all_text(&self) -> String {
        self.to_json(DateTime::<Utc>::MIN_UTC, "").to_string()
    }
}

fn field_label(t: Texts, key: &str) -> String {
    t.optional(&format!("dossier.fields.{key}"))
        .map_or_else(|| key.replace('_', " "), str::to_owned)
}

fn section(key: &'static str, records: Vec<Record>) -> Section {
    Section { key, records }
}

/// The proposals part of a dossier: proposals, answers and steps, viewings, placements,
/// follow-up calls. `household_side` shows the flat's address; the landlord's side shows
/// no household data.
fn proposal_sections(r: &rows::ProposalRows, household_side: bool) -> Vec<Section> {
    let address = |unit_id: i64| {
        r.units
            .iter()
            .find(|u| u.id == unit_id)
            .map(|u| u.one_line())
            .unwrap_or_default()
    };
    let proposals = r
        .proposals
        .iter()
        .map(|p| proposal_record(p, household_side.then(|| address(p.unit_id))))
        .collect();
    let events = r
        .events
        .iter()
        .map(|e| event_record(e, household_side))
        .collect();
    let placements = r
        .placements
        .iter()
        .map(|p| placement_record(p, household_side))
        .collect();
    let mut out = vec![
        section("proposals", proposals),
        section("events", events),
        section("viewings", r.viewings.iter().map(viewing_record).collect()),
        section("placements", placements),
    ];
    if household_side {
        out.push(section(
            "follow_ups",
            r.follow_ups.iter().map(follow_up_record).collect(),
        ));
    }
    out
}

/// A proposal; with the flat's address and the reason it was proposed by hand on the
/// household's side.
fn proposal_record(p: &entities::proposal::Model, address: Option<String>) -> Record {
    let mut fields = vec![
        ("id", Val::Int(p.id)),
        ("state", Val::Code("pipeline.state", p.state.clone())),
        ("flat", Val::Int(p.unit_id)),
    ];
    if let Some(address) = address {
        fields.push(("flat_address", Val::Text(address)));
        fields.push(("override_reason", Val::text(&p.override_reason)));
    }
    fields.extend([
        ("score", Val::Share(p.score)),
        ("created_at", Val::Time(p.created_at)),
        ("sent_at", Val::opt(p.sent_at, Val::Time)),
        ("answer_due_at", Val::opt(p.answer_due_at, Val::Time)),
        (
            "landlord_answered_at",
            Val::opt(p.landlord_answered_at, Val::Time),
        ),
        (
            "household_answered_at",
            Val::opt(p.household_answered_at, Val::Time),
        ),
        ("state_changed_at", Val::Time(p.state_changed_at)),
    ]);
    Record(fields)
}

/// A step or answer. The landlord sees the steps, and the reasons (code, text and
/// details) only of their own answers: why a household said no is not theirs.
fn event_record(e: &entities::proposal_event::Model, household_side: bool) -> Record {
    let shown = household_side || e.actor_kind.starts_with("landlord");
    let reason = if shown {
        Val::text(&e.reason)
    } else {
        Val::Empty
    };
    let reason_code = if shown || !e.actor_kind.starts_with("household") {
        Val::code("pipeline.reason_codes", &e.reason_code)
    } else {
        Val::Empty
    };
    let data = e
        .data
        .as_deref()
        .filter(|_| shown || !e.actor_kind.starts_with("household"))
        .and_then(|d| serde_json::from_str(d).ok())
        .map_or(Val::Empty, Val::Details);
    Record(vec![
        ("proposal", Val::Int(e.proposal_id)),
        ("at", Val::Time(e.created_at)),
        ("from_state", Val::code("pipeline.state", &e.from_state)),
        ("to_state", Val::Code("pipeline.state", e.to_state.clone())),
        ("by", Val::Code("pipeline.actor", e.actor_kind.clone())),
        ("reason_code", reason_code),
        ("reason", reason),
        ("data", data),
    ])
}

fn viewing_record(v: &entities::viewing::Model) -> Record {
    Record(vec![
        ("proposal", Val::Int(v.proposal_id)),
        (
            "status",
            Val::Code("pipeline.viewing_status", v.status.clone()),
        ),
        ("starts_at", Val::Time(v.starts_at)),
        ("ends_at", Val::opt(v.ends_at, Val::Time)),
        ("place", Val::Text(v.place.clone())),
        ("companion", Val::text(&v.accompanied_by_name)),
        ("note", Val::text(&v.note)),
    ])
}

/// A tenancy; the Jobcenter and the place freed only on the household's side.
fn placement_record(p: &entities::placement::Model, household_side: bool) -> Record {
    let mut fields = vec![
        ("proposal", Val::Int(p.proposal_id)),
        ("outcome", Val::Code("pipeline.outcomes", p.outcome.clone())),
        ("lease_kind", Val::code("pipeline.lease", &p.lease_kind)),
        ("lease_signed_on", Val::opt(p.lease_signed_on, Val::Date)),
        ("lease_start", Val::opt(p.lease_start, Val::Date)),
        ("rent_cold", Val::opt(p.rent_cold_cents, Val::Money)),
        (
            "service_charges",
            Val::opt(p.service_charges_cents, Val::Money),
        ),
        ("heating_costs", Val::opt(p.heating_costs_cents, Val::Money)),
        ("moved_in_on", Val::opt(p.moved_in_on, Val::Date)),
        ("ended_on", Val::opt(p.ended_on, Val::Date)),
        (
            "end_reason_code",
            Val::code("pipeline.end_reasons", &p.end_reason_code),
        ),
        ("end_reason", Val::text(&p.end_reason)),
    ];
    if household_side {
        fields.extend([
            (
                "jobcenter_status",
                Val::code("pipeline.jobcenter_status", &p.jobcenter_status),
            ),
            ("freed_site", Val::text(&p.freed_site)),
            ("places_freed", Val::Int(i64::from(p.places_freed))),
        ]);
    }
    Record(fields)
}

fn follow_up_record(f: &entities::follow_up::Model) -> Record {
    Record(vec![
        ("month", Val::Int(i64::from(f.month))),
        ("due_on", Val::Date(f.due_on)),
        ("status", Val::Code("followup.status", f.status.clone())),
        ("done_on", Val::opt(f.done_on, Val::Date)),
        ("rent_paid", Val::opt(f.rent_paid, Val::Bool)),
        ("support_needed", Val::opt(f.support_needed, Val::Bool)),
        ("problems", Val::text(&f.problems)),
        ("note", Val::text(&f.note)),
    ])
}

fn flag_records(flags: &[entities::review_flag::Model]) -> Vec<Record> {
    flags
        .iter()
        .map(|f| {
            Record(vec![
                ("kind", Val::Code("import.flag_kinds", f.kind.clone())),
                ("created_at", Val::Time(f.created_at)),
                ("reason", Val::Text(f.reason.clone())),
                ("resolved_at", Val::opt(f.resolved_at, Val::Time)),
                ("resolution", Val::text(&f.resolution)),
            ])
        })
        .collect()
}

fn mail_records(mails: &[entities::outbox_message::Model]) -> Vec<Record> {
    mails
        .iter()
        .map(|m| {
            Record(vec![
                ("created_at", Val::Time(m.created_at)),
                ("sent_at", Val::opt(m.sent_at, Val::Time)),
                ("to", Val::Text(m.to_address.clone())),
                ("subject", Val::Text(m.subject.clone())),
                ("text", Val::Text(m.body_text.clone())),
                ("status", Val::Code("dossier.mail_status", m.status.clone())),
            ])
        })
        .collect()
}

fn audit_records(entries: &[entities::audit_entry::Model]) -> Vec<Record> {
    entries
        .iter()
        .map(|e| {
            Record(vec![
                ("at", Val::Time(e.occurred_at)),
                ("actor", Val::Actor(e.actor_label.clone())),
                ("action", Val::Code("audit.actions", e.action.clone())),
                ("entity", Val::Code("audit.entities", e.entity.clone())),
                ("entity_id", Val::opt(e.entity_id, Val::Int)),
                (
                    "details",
                    e.details
                        .as_deref()
                        .and_then(|d| serde_json::from_str(d).ok())
                        .map_or(Val::Empty, Val::Details),
                ),
            ])
        })
        .collect()
}

fn names(ids: &[i64], all: &BTreeMap<i64, String>) -> Val {
    Val::Text(
        ids.iter()
            .map(|id| all.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The household's own row, every column.
fn household_record(
    h: &entities::household::Model,
    allowed: &[i64],
    municipalities: &BTreeMap<i64, String>,
) -> Record {
    Record(vec![
        ("id", Val::Int(h.id)),
        ("reference", Val::Text(h.reference.clone())),
        ("municipality", names(&[h.municipality_id], municipalities)),
        ("status", Val::Code("household.status", h.status.clone())),
        (
            "residence_status",
            Val::Code("household.residence", h.residence_status.clone()),
        ),
        ("residence_obligation", Val::Bool(h.residence_obligation)),
        (
            "residence_obligation_until",
            Val::opt(h.residence_obligation_until, Val::Date),
        ),
        ("allowed_municipalities", names(allowed, municipalities)),
        (
            "benefit_type",
            Val::code("household.benefit", &h.benefit_type),
        ),
        (
            "work_situation",
            Val::code("proposal.work_situation", &h.work_situation),
        ),
        ("wheelchair", Val::Bool(h.wheelchair)),
        (
            "max_floor_without_lift",
            Val::opt(h.max_floor_without_lift, |v| Val::Int(v.into())),
        ),
        ("rooms_wanted", Val::opt(h.rooms_wanted, Val::Num)),
        ("pets", Val::Bool(h.pets)),
        ("max_distance_km", Val::opt(h.max_distance_km, Val::Num)),
        ("latest_move_date", Val::opt(h.latest_move_date, Val::Date)),
        ("follow_up_site", Val::text(&h.follow_up_site)),
        (
            "in_follow_up_since",
            Val::opt(h.in_follow_up_since, Val::Date),
        ),
        (
            "urgency",
            Val::Code("household.urgency", h.urgency.to_string()),
        ),
        ("urgency_reason", Val::text(&h.urgency_reason)),
        (
            "languages",
            Val::Codes(
                "languages",
                serde_json::from_str(&h.languages).unwrap_or_default(),
            ),
        ),
        (
            "preferred_language",
            Val::Code("languages", h.preferred_language.clone()),
        ),
        ("email", Val::text(&h.email)),
        ("phone", Val::text(&h.phone)),
        ("caseworker_name", Val::text(&h.caseworker_name)),
        ("caseworker_email", Val::text(&h.caseworker_email)),
        ("caseworker_phone", Val::text(&h.caseworker_phone)),
        ("landlord_text", Val::text(&h.landlord_text)),
        ("consent_at", Val::opt(h.consent_at, Val::Time)),
        (
            "consent_scope",
            Val::Codes(
                "household.scope",
                h.consent_scope
                    .iter()
                    .flat_map(|s| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        ),
        (
            "consent_withdrawn_at",
            Val::opt(h.consent_withdrawn_at, Val::Time),
        ),
        ("notes", Val::text(&h.notes)),
        ("closed_at", Val::opt(h.closed_at, Val::Time)),
        ("close_reason", Val::text(&h.close_reason)),
        ("anonymized_at", Val::opt(h.anonymized_at, Val::Time)),
        ("created_at", Val::Time(h.created_at)),
        ("updated_at", Val::Time(h.updated_at)),
    ])
}

fn member_record(m: &entities::household_member::Model) -> Record {
    Record(vec![
        ("first_name", Val::Text(m.first_name.clone())),
        ("last_name", Val::text(&m.last_name)),
        ("birth_year", Val::Int(i64::from(m.birth_year))),
        ("role", Val::Code("household.role", m.role.clone())),
    ])
}

fn anchor_record(a: &entities::household_anchor::Model) -> Record {
    Record(vec![
        ("kind", Val::Code("household.anchor", a.kind.clone())),
        ("label", Val::Text(a.label.clone())),
        ("street", Val::text(&a.street)),
        ("postal_code", Val::text(&a.postal_code)),
        ("town", Val::text(&a.town)),
        ("lat", Val::Degrees(a.lat)),
        ("lon", Val::Degrees(a.lon)),
        ("importance", Val::Num(a.importance)),
    ])
}

/// A pair the engine scored, with its explanation.
fn candidate_record(c: &entities::match_candidate::Model) -> Record {
    Record(vec![
        ("run", Val::Int(c.match_run_id)),
        ("flat", Val::Int(c.unit_id)),
        ("rank", Val::Rank(i64::from(c.rank))),
        ("score", Val::Share(c.score)),
        (
            "criteria",
            serde_json::from_str(&c.criteria).map_or(Val::Empty, Val::Criteria),
        ),
    ])
}

/// Everything stored about a household (the caller checks who may see it).
pub async fn of_household(app: &App, id: i64) -> Result<Dossier, ServiceError> {
    let db = &app.db;
    let h = crate::store::households::row(db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let municipalities = rows::municipality_names(db).await?;
    let allowed = crate::store::households::find(db, id)
        .await?
        .map(|s| s.allowed_municipalities)
        .unwrap_or_default();
    let (members, anchors) = rows::members_and_anchors(db, id).await?;
    let proposal_rows = rows::proposal_rows(db, rows::of_household(id)).await?;
    let proposal_ids: Vec<i64> = proposal_rows.proposals.iter().map(|p| p.id).collect();
    let candidates = rows::candidates(db, id).await?;
    let flags = rows::flags(db, "households", &[id]).await?;
    let mails = rows::mails(
        db,
        &proposal_ids,
        "_household",
        &h.email.iter().cloned().collect::<Vec<_>>(),
    )
    .await?;
    let audit =
        rows::audit_about(db, &[("households", vec![id]), ("proposals", proposal_ids)]).await?;
    let household = household_record(&h, &allowed, &municipalities);
    let mut sections = vec![
        section("household", vec![household]),
        section("members", members.iter().map(member_record).collect()),
        section("anchors", anchors.iter().map(anchor_record).collect()),
    ];
    sections.extend(proposal_sections(&proposal_rows, true));
    sections.extend([
        section(
            "candidates",
            candidates.iter().map(candidate_record).collect(),
        ),
        section("review_notes", flag_records(&flags)),
        section("mails", mail_records(&mails)),
        section("audit", audit_records(&audit)),
    ]);
    Ok(Dossier { sections })
}

fn unit_record(u: &entities::unit::Model) -> Record {
    Record(vec![
        ("id", Val::Int(u.id)),
        ("status", Val::Code("unit.status", u.status.clone())),
        ("street", Val::Text(u.street.clone())),
        ("house_number", Val::Text(u.house_number.clone())),
        ("postal_code", Val::Text(u.postal_code.clone())),
        ("town", Val::Text(u.town.clone())),
        ("address_extra", Val::text(&u.address_extra)),
        ("lat", Val::Degrees(u.lat)),
        ("lon", Val::Degrees(u.lon)),
        ("area_m2", Val::Num(u.area_m2)),
        ("rooms", Val::Num(u.rooms)),
        ("floor", Val::Int(i64::from(u.floor))),
        ("has_lift", Val::Bool(u.has_lift)),
        ("step_free", Val::Bool(u.step_free)),
        ("wheelchair_accessible", Val::Bool(u.wheelchair_accessible)),
        ("furnished", Val::Bool(u.furnished)),
        ("pets_allowed", Val::Bool(u.pets_allowed)),
        ("max_occupants", Val::Int(i64::from(u.max_occupants))),
        ("cold_rent", Val::Money(u.cold_rent_cents)),
        ("service_charges", Val::Money(u.service_charges_cents)),
        ("heating_costs", Val::Money(u.heating_costs_cents)),
        ("deposit", Val::Money(u.deposit_cents)),
        ("available_from", Val::Date(u.available_from)),
        ("lease_type", Val::Code("unit.lease", u.lease_type.clone())),
        ("lease_end", Val::opt(u.lease_end, Val::Date)),
        (
            "pref_max_household_size",
            Val::opt(u.pref_max_household_size, |v| Val::Int(v.into())),
        ),
        (
            "pref_tags",
            Val::Codes(
                "unit.tags",
                serde_json::from_str(&u.pref_tags).unwrap_or_default(),
            ),
        ),
        ("pref_notes", Val::text(&u.pref_notes)),
        ("description", Val::text(&u.description)),
        ("submitted_at", Val::opt(u.submitted_at, Val::Time)),
        ("checked_at", Val::opt(u.checked_at, Val::Time)),
        ("withdrawn_at", Val::opt(u.withdrawn_at, Val::Time)),
        ("withdrawn_reason", Val::text(&u.withdrawn_reason)),
        ("created_at", Val::Time(u.created_at)),
    ])
}

fn landlord_record(landlord: &entities::landlord::Model) -> Record {
    Record(vec![
        ("id", Val::Int(landlord.id)),
        (
            "kind",
            Val::Code("dossier.landlord_kinds", landlord.kind.clone()),
        ),
        ("name", Val::Text(landlord.display_name.clone())),
        ("email", Val::text(&landlord.contact_email)),
        ("phone", Val::text(&landlord.phone)),
        ("street", Val::text(&landlord.street)),
        ("postal_code", Val::text(&landlord.postal_code)),
        ("town", Val::text(&landlord.town)),
        (
            "language",
            Val::Code("languages", landlord.preferred_locale.clone()),
        ),
        ("notes", Val::text(&landlord.notes)),
        ("created_at", Val::Time(landlord.created_at)),
    ])
}

fn incentive_record(
    i: &entities::unit_incentive::Model,
    programmes: &BTreeMap<i64, String>,
) -> Record {
    Record(vec![
        ("flat", Val::Int(i.unit_id)),
        (
            "programme",
            Val::Text(programmes.get(&i.programme_id).cloned().unwrap_or_default()),
        ),
        ("status", Val::Code("incentive.status", i.status.clone())),
        ("landlord_note", Val::text(&i.landlord_note)),
        ("requested_at", Val::Time(i.requested_at)),
        ("decided_at", Val::opt(i.decided_at, Val::Time)),
        ("decision_note", Val::text(&i.decision_note)),
        (
            "granted_amount",
            Val::opt(i.granted_amount_cents, Val::Money),
        ),
        ("granted_from", Val::opt(i.granted_from, Val::Date)),
        ("granted_until", Val::opt(i.granted_until, Val::Date)),
        ("paid_amount", Val::opt(i.paid_amount_cents, Val::Money)),
        ("paid_on", Val::opt(i.paid_on, Val::Date)),
    ])
}

fn photo_record(p: &entities::unit_photo::Model) -> Record {
    Record(vec![
        ("flat", Val::opt(p.unit_id, Val::Int)),
        ("draft", Val::opt(p.draft_id, Val::Int)),
        ("file_name", Val::Text(p.original_name.clone())),
        ("bytes", Val::Int(p.byte_size)),
        ("width", Val::Int(i64::from(p.width))),
        ("height", Val::Int(i64::from(p.height))),
        ("created_at", Val::Time(p.created_at)),
    ])
}

fn draft_record(d: &entities::unit_draft::Model) -> Record {
    Record(vec![
        ("id", Val::Int(d.id)),
        ("flat", Val::opt(d.unit_id, Val::Int)),
        (
            "form",
            serde_json::from_str(&d.form_data).map_or(Val::Empty, Val::Json),
        ),
        ("updated_at", Val::Time(d.updated_at)),
    ])
}

/// A landlord's own part: the record, flats, incentive requests, photos, drafts, the
/// proposals of their flats (without household data), review notes, e-mails to them.
async fn landlord_sections(
    app: &App,
    landlord: &entities::landlord::Model,
    account_email: Option<&str>,
) -> Result<(Vec<Section>, Vec<(&'static str, Vec<i64>)>), ServiceError> {
    let db = &app.db;
    let own = rows::landlord_rows(db, landlord.id).await?;
    let unit_ids: Vec<i64> = own.units.iter().map(|u| u.id).collect();
    let programmes = crate::store::incentives::programme_names(db).await?;
    let proposal_rows = rows::proposal_rows(db, rows::of_units(&unit_ids)).await?;
    let proposal_ids: Vec<i64> = proposal_rows.proposals.iter().map(|p| p.id).collect();
    let addresses: Vec<String> = landlord
        .contact_email
        .iter()
        .cloned()
        .chain(account_email.map(str::to_owned))
        .collect();
    let mails = rows::mails(db, &proposal_ids, "_landlord", &addresses).await?;
    let flags = rows::flags(db, "units", &unit_ids).await?;
    let record = landlord_record(landlord);
    let incentives: Vec<Record> = own
        .incentives
        .iter()
        .map(|i| incentive_record(i, &programmes))
        .collect();
    let photos: Vec<Record> = own.photos.iter().map(photo_record).collect();
    let drafts: Vec<Record> = own.drafts.iter().map(draft_record).collect();
    let mut sections = vec![
        section("landlord", vec![record]),
        section("flats", own.units.iter().map(unit_record).collect()),
        section("incentives", incentives),
        section("photos", photos),
        section("drafts", drafts),
    ];
    sections.extend(proposal_sections(&proposal_rows, false));
    sections.extend([
        section("review_notes", flag_records(&flags)),
        section("mails", mail_records(&mails)),
    ]);
    // Entries about proposals are left out: they may speak of the household.
    let about = vec![("landlords", vec![landlord.id]), ("units", unit_ids)];
    Ok((sections, about))
}

/// Everything stored about the person with this account: the account, their landlord
/// record and flats when they are a landlord, API tokens, audit entries about them and
/// by them.
pub async fn of_account(app: &App, user_id: i64) -> Result<Dossier, ServiceError> {
    let db = &app.db;
    let account = crate::store::users::find(db, user_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("account".into()))?;
    let municipalities = rows::municipality_names(db).await?;
    let assigned = crate::store::users::municipalities_of(db, user_id).await?;
    let mut sections = vec![section(
        "account",
        vec![Record(vec![
            ("id", Val::Int(account.id)),
            ("email", Val::Text(account.email.clone())),
            ("name", Val::Text(account.display_name.clone())),
            ("role", Val::Code("admin.roles", account.role.clone())),
            ("language", Val::Code("languages", account.locale.clone())),
            ("municipalities", names(&assigned, &municipalities)),
            ("created_at", Val::Time(account.created_at)),
            (
                "email_confirmed_at",
                Val::opt(account.email_confirmed_at, Val::Time),
            ),
            ("last_login_at", Val::opt(account.last_login_at, Val::Time)),
            (
                "second_factor_since",
                Val::opt(account.totp_enabled_at, Val::Time),
            ),
        ])],
    )];
    let mut about = vec![("users", vec![user_id])];
    if let Some(landlord) = crate::store::landlords::find_by_user(db, user_id).await? {
        let (more, about_landlord) =
            landlord_sections(app, &landlord, Some(&account.email)).await?;
        sections.extend(more);
        about.extend(about_landlord);
    } else {
        let mails = rows::mails(db, &[], "", std::slice::from_ref(&account.email)).await?;
        sections.push(section("mails", mail_records(&mails)));
    }
    let tokens = crate::store::api_tokens::of_user(db, user_id).await?;
    sections.push(section(
        "api_tokens",
        tokens
            .iter()
            .map(|t| {
                Record(vec![
                    ("name", Val::Text(t.name.clone())),
                    ("prefix", Val::Text(t.prefix.clone())),
                    ("created_at", Val::Time(t.created_at)),
                    ("last_used_at", Val::opt(t.last_used_at, Val::Time)),
                    ("expires_at", Val::opt(t.expires_at, Val::Time)),
                    ("revoked_at", Val::opt(t.revoked_at, Val::Time)),
                ])
            })
            .collect(),
    ));
    let about_rows = rows::audit_about(db, &about).await?;
    sections.push(section("audit", audit_records(&about_rows)));
    let by = rows::audit_by(db, user_id).await?;
    sections.push(section("audit_by_you", audit_records(&by)));
    Ok(Dossier { sections })
}
