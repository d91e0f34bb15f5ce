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

mod records;
use records::*;

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

/// The documents made for these proposals with the data they were filled in with; for a
/// landlord only those a landlord gets (the household's letter is the household's).
async fn document_records<C: sea_orm::ConnectionTrait>(
    db: &C,
    proposal_ids: &[i64],
    landlord: bool,
) -> Result<Vec<Record>, ServiceError> {
    Ok(crate::store::documents::of_proposals(db, proposal_ids)
        .await?
        .into_iter()
        .filter(|d| {
            !landlord
                || d.kind
                    .parse::<crate::domain::document::DocumentKind>()
                    .is_ok_and(|k| k.for_landlord())
        })
        .map(|d| {
            Record(vec![
                ("created_at", Val::Time(d.created_at)),
                ("document", Val::Code("documents.kinds", d.kind)),
                ("language", Val::Text(d.lang)),
                ("template_version", Val::Int(i64::from(d.template_version))),
                (
                    "data",
                    serde_json::from_str(&d.data).map_or(Val::Empty, Val::Json),
                ),
            ])
        })
        .collect())
}

fn section(key: &'static str, records: Vec<Record>) -> Section {
    Section { key, records }
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
    let documents = document_records(db, &proposal_ids, false).await?;
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
        section("documents", documents),
        section("mails", mail_records(&mails)),
        section("audit", audit_records(&audit)),
    ]);
    Ok(Dossier { sections })
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
    let origin = crate::store::outreach::origin_of(db, landlord.id)
        .await?
        .map(|(o, municipality, campaign)| {
            Record(vec![
                ("municipality", Val::text(&municipality)),
                ("campaign", Val::text(&campaign)),
                (
                    "heard_from",
                    match &o.heard_from {
                        Some(h) => Val::Code("outreach.heard_from", h.clone()),
                        None => Val::text(&None),
                    },
                ),
                ("created_at", Val::Time(o.created_at)),
            ])
        });
    let mut sections = vec![
        section("landlord", vec![record]),
        section("origin", origin.into_iter().collect()),
        section("flats", own.units.iter().map(unit_record).collect()),
        section("incentives", incentives),
        section("photos", photos),
        section("drafts", drafts),
    ];
    sections.extend(proposal_sections(&proposal_rows, false));
    sections.extend([
        section("review_notes", flag_records(&flags)),
        section(
            "documents",
            document_records(db, &proposal_ids, true).await?,
        ),
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
