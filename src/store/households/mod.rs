//! Households with their members, anchors and residence-obligation area: reading them
//! (here) and writing them (`write`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entities::{household, household_allowed_municipality, household_anchor, household_member};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::corrupt;
use crate::domain::Language;
use crate::domain::geo::GeoPoint;
use crate::domain::household::{Anchor, HouseholdProfile, HouseholdStatus, Member};

mod list;
mod write;

pub use list::*;
pub use write::*;

/// Consent as recorded (DSGVO): when, for what, by whom.
#[derive(Debug, Clone)]
pub struct Consent {
    pub at: DateTime<Utc>,
    /// Comma-separated purposes, e.g. "matching,email,share_profile".
    pub scope: String,
    pub recorded_by: Option<i64>,
}

/// Whether a consent's comma-separated scope names this purpose.
fn covers(scope: &str, purpose: &str) -> bool {
    scope.split(',').any(|s| s.trim() == purpose)
}

/// A household as stored.
#[derive(Debug, Clone)]
pub struct StoredHousehold {
    pub id: i64,
    pub municipality_id: i64,
    pub status: HouseholdStatus,
    pub profile: HouseholdProfile,
    /// The Wohnsitzauflage area; empty when there is no obligation.
    pub allowed_municipalities: Vec<i64>,
    pub consent: Option<Consent>,
    pub caseworker_user_id: Option<i64>,
    /// When its personal data was erased (its page is gone then).
    pub erased_at: Option<DateTime<Utc>>,
    /// How many times it was written (the API's `ETag`, the edit form's version).
    pub version: i64,
}

impl StoredHousehold {
    /// Whether the household may be matched: consent given for matching and not withdrawn.
    pub fn consents_to_matching(&self) -> bool {
        self.consent
            .as_ref()
            .is_some_and(|c| covers(&c.scope, "matching"))
    }

    /// Whether the household agreed that its details go to a landlord once both said yes.
    pub fn shares_profile(&self) -> bool {
        self.erased_at.is_none()
            && self
                .consent
                .as_ref()
                .is_some_and(|c| covers(&c.scope, "share_profile"))
    }

    /// The contact a landlord is given once both sides said yes; none without consent.
    pub fn contact_for_landlord(
        &self,
        on: chrono::NaiveDate,
    ) -> Option<crate::domain::household::HouseholdContact> {
        if !self.shares_profile() {
            return None;
        }
        let own = self.mail_address().is_some() && self.mail_address() == self.profile.email;
        Some(self.profile.contact_for_landlord(own, on))
    }

    /// Where the household's e-mail goes: its own address when it consented to e-mail,
    /// else its caseworker's.
    pub fn mail_address(&self) -> Option<String> {
        let email_ok = self
            .consent
            .as_ref()
            .is_some_and(|c| covers(&c.scope, "email"));
        if email_ok && let Some(e) = &self.profile.email {
            return Some(e.clone());
        }
        self.profile.caseworker_email.clone()
    }
}

/// Whether another household of the municipality has this reference.
pub async fn reference_taken<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    reference: &str,
    except: Option<i64>,
) -> Result<bool, sea_orm::DbErr> {
    let mut query = household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality_id))
        .filter(household::Column::Reference.eq(reference.trim()));
    if let Some(id) = except {
        query = query.filter(household::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// The households with these ids with their members only: anchors and allowed
/// municipalities are left empty. For what a landlord is shown (sizes, ages, languages),
/// in one query; never for matching or editing.
pub async fn find_many_members_only<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Vec<StoredHousehold>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    use sea_orm::QuerySelect;
    // One query: the households joined with their members, in the members' order.
    let joined = household::Entity::find()
        .filter(household::Column::Id.is_in(ids.to_vec()))
        .join_rev(
            sea_orm::JoinType::LeftJoin,
            sea_orm::RelationTrait::def(&household_member::Relation::Household),
        )
        .select_also(household_member::Entity)
        .order_by_asc(household::Column::Id)
        .order_by_asc(household_member::Column::Position)
        .all(db)
        .await?;
    let (rows, mut members_by) = split_joined(joined);
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            from_rows(
                row,
                members_by.remove(&id).unwrap_or_default(),
                Vec::new(),
                Vec::new(),
            )
        })
        .collect()
}

type Joined = Vec<(household::Model, Option<household_member::Model>)>;

/// Households joined with their members (ordered by household) split into the households,
/// each once, and their members by household.
fn split_joined(
    joined: Joined,
) -> (
    Vec<household::Model>,
    BTreeMap<i64, Vec<household_member::Model>>,
) {
    let mut rows: Vec<household::Model> = Vec::new();
    let mut members_by: BTreeMap<i64, Vec<household_member::Model>> = BTreeMap::new();
    for (row, member) in joined {
        if let Some(m) = member {
            members_by.entry(m.household_id).or_default().push(m);
        }
        if rows.last().is_none_or(|last| last.id != row.id) {
            rows.push(row);
        }
    }
    (rows, members_by)
}

/// Loads members, anchors and allowed municipalities of `rows` (whose ids `ids` selects)
/// in three queries and assembles the households.
async fn with_details<C: ConnectionTrait>(
    db: &C,
    rows: Vec<household::Model>,
    ids: sea_orm::sea_query::SelectStatement,
) -> Result<Vec<StoredHousehold>, sea_orm::DbErr> {
    let members = household_member::Entity::find()
        .filter(household_member::Column::HouseholdId.in_subquery(ids.clone()))
        .order_by_asc(household_member::Column::HouseholdId)
        .order_by_asc(household_member::Column::Position)
        .all(db)
        .await?;
    let anchors = household_anchor::Entity::find()
        .filter(household_anchor::Column::HouseholdId.in_subquery(ids.clone()))
        .order_by_asc(household_anchor::Column::HouseholdId)
        .order_by_asc(household_anchor::Column::Position)
        .all(db)
        .await?;
    let allowed = household_allowed_municipality::Entity::find()
        .filter(household_allowed_municipality::Column::HouseholdId.in_subquery(ids))
        .order_by_asc(household_allowed_municipality::Column::HouseholdId)
        .order_by_asc(household_allowed_municipality::Column::MunicipalityId)
        .all(db)
        .await?;

    let mut members_by: BTreeMap<i64, Vec<household_member::Model>> = BTreeMap::new();
    for m in members {
        members_by.entry(m.household_id).or_default().push(m);
    }
    let mut anchors_by: BTreeMap<i64, Vec<household_anchor::Model>> = BTreeMap::new();
    for a in anchors {
        anchors_by.entry(a.household_id).or_default().push(a);
    }
    let mut allowed_by: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for a in allowed {
        allowed_by
            .entry(a.household_id)
            .or_default()
            .push(a.municipality_id);
    }
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            from_rows(
                row,
                members_by.remove(&id).unwrap_or_default(),
                anchors_by.remove(&id).unwrap_or_default(),
                allowed_by.remove(&id).unwrap_or_default(),
            )
        })
        .collect()
}

/// Converts rows into the domain type.
pub fn from_rows(
    row: household::Model,
    members: Vec<household_member::Model>,
    anchors: Vec<household_anchor::Model>,
    allowed: Vec<i64>,
) -> Result<StoredHousehold, sea_orm::DbErr> {
    let id = row.id;
    let bad = |e: String| corrupt("households", id, e);
    let members = members
        .into_iter()
        .map(|m| {
            Ok(Member {
                first_name: m.first_name,
                last_name: m.last_name,
                birth_year: m.birth_year,
                role: m.role.parse().map_err(bad)?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    let anchors = anchors
        .into_iter()
        .map(|a| {
            Ok(Anchor {
                kind: a.kind.parse().map_err(bad)?,
                label: a.label,
                street: a.street,
                postal_code: a.postal_code,
                town: a.town,
                location: GeoPoint::new(a.lat, a.lon)
                    .ok_or_else(|| bad("anchor coordinates out of range".into()))?,
                importance: a.importance,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    let languages: Vec<String> =
        serde_json::from_str(&row.languages).map_err(|e| bad(format!("languages: {e}")))?;
    let consent = match (row.consent_at, row.consent_withdrawn_at) {
        (Some(at), None) => Some(Consent {
            at,
            scope: row.consent_scope.clone().unwrap_or_default(),
            recorded_by: row.consent_recorded_by_user_id,
        }),
        _ => None,
    };
    Ok(StoredHousehold {
        id,
        municipality_id: row.municipality_id,
        status: row.status.parse().map_err(bad)?,
        allowed_municipalities: if row.residence_obligation {
            allowed
        } else {
            Vec::new()
        },
        consent,
        caseworker_user_id: row.caseworker_user_id,
        erased_at: row.anonymized_at,
        version: row.version,
        profile: HouseholdProfile {
            reference: row.reference,
            members,
            residence_status: row.residence_status.parse().map_err(bad)?,
            residence_obligation: row.residence_obligation,
            residence_obligation_until: row.residence_obligation_until,
            benefit_type: row
                .benefit_type
                .map(|b| b.parse())
                .transpose()
                .map_err(bad)?,
            work_situation: row
                .work_situation
                .map(|w| w.parse())
                .transpose()
                .map_err(bad)?,
            wheelchair: row.wheelchair,
            max_floor_without_lift: row.max_floor_without_lift,
            rooms_wanted: row.rooms_wanted,
            pets: row.pets,
            max_distance_km: row.max_distance_km,
            latest_move_date: row.latest_move_date,
            follow_up_site: row.follow_up_site,
            in_follow_up_since: row.in_follow_up_since,
            urgency: row.urgency.clamp(0, 3) as u8,
            urgency_reason: row.urgency_reason,
            languages,
            preferred_language: row
                .preferred_language
                .parse::<Language>()
                .unwrap_or_default(),
            email: row.email,
            phone: row.phone,
            caseworker_name: row.caseworker_name,
            caseworker_email: row.caseworker_email,
            caseworker_phone: row.caseworker_phone,
            landlord_text: row.landlord_text,
            anchors,
            notes: row.notes,
        },
    })
}

/// A household's member count as a column beside its row (the `households` table must be
/// in the query under its own name).
pub(crate) const MEMBER_COUNT: &str = "(SELECT COUNT(*) FROM household_members \
     WHERE household_members.household_id = households.id)";

/// One household with everything, by id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<StoredHousehold>, sea_orm::DbErr> {
    let rows = household::Entity::find_by_id(id)
        .find_also_related(household_member::Entity)
        .find_also(household::Entity, household_anchor::Entity)
        .find_also(household::Entity, household_allowed_municipality::Entity)
        .all(db)
        .await?;
    let Some((row, ..)) = rows.first() else {
        return Ok(None);
    };
    let (row, children) = (row.clone(), children_of(rows));
    from_rows(row, children.members, children.anchors, children.allowed).map(Some)
}

/// A household's members, anchors and allowed municipalities, each once and in order.
struct Children {
    members: Vec<household_member::Model>,
    anchors: Vec<household_anchor::Model>,
    allowed: Vec<i64>,
}

/// A household row joined with one of each of its child tables' rows.
type JoinedChildren = (
    household::Model,
    Option<household_member::Model>,
    Option<household_anchor::Model>,
    Option<household_allowed_municipality::Model>,
);

/// Takes apart the rows of a household joined with its three child tables: one round
/// trip instead of four, at the price of members × anchors × municipalities rows (a
/// household has a handful of each).
fn children_of(rows: Vec<JoinedChildren>) -> Children {
    use std::collections::{BTreeMap, BTreeSet};
    let mut members = BTreeMap::new();
    let mut anchors = BTreeMap::new();
    let mut allowed = BTreeSet::new();
    for (_, member, anchor, municipality) in rows {
        if let Some(m) = member {
            members.insert((m.position, m.id), m);
        }
        if let Some(a) = anchor {
            anchors.insert((a.position, a.id), a);
        }
        if let Some(m) = municipality {
            allowed.insert(m.municipality_id);
        }
    }
    Children {
        members: members.into_values().collect(),
        anchors: anchors.into_values().collect(),
        allowed: allowed.into_iter().collect(),
    }
}

/// How many members each of these households has.
pub async fn member_counts<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<BTreeMap<i64, usize>, sea_orm::DbErr> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(500) {
        for m in household_member::Entity::find()
            .filter(household_member::Column::HouseholdId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            *out.entry(m.household_id).or_insert(0) += 1;
        }
    }
    Ok(out)
}

/// The id of the household with this reference (in any case) or, for a number, this id,
/// in one of the municipalities.
pub async fn find_by_reference<C: ConnectionTrait>(
    db: &C,
    municipalities: &[i64],
    key: &str,
) -> Result<Option<i64>, sea_orm::DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let mut query = household::Entity::find()
        .filter(household::Column::MunicipalityId.is_in(municipalities.to_vec()));
    // References are compared without regard to case ("es-2026-014" finds "ES-2026-014").
    let reference = Expr::expr(Func::lower(Expr::col((
        household::Entity,
        household::Column::Reference,
    ))))
    .eq(key.to_lowercase());
    query = match key.parse::<i64>() {
        Ok(id) => query.filter(
            sea_orm::Condition::any()
                .add(household::Column::Id.eq(id))
                .add(reference),
        ),
        Err(_) => query.filter(reference),
    };
    Ok(query
        .order_by_asc(household::Column::Id)
        .one(db)
        .await?
        .map(|h| h.id))
}

/// The id of the household with exactly this reference in the municipality.
pub async fn id_of_reference<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    reference: &str,
) -> Result<Option<i64>, sea_orm::DbErr> {
    Ok(household::Entity::find()
        .filter(household::Column::MunicipalityId.eq(municipality_id))
        .filter(household::Column::Reference.eq(reference))
        .one(db)
        .await?
        .map(|h| h.id))
}

/// Which of `ids` were erased (anonymised).
pub async fn erased_among<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<std::collections::BTreeSet<i64>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    Ok(household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(household::Column::Id.is_in(ids.to_vec()))
        .filter(household::Column::AnonymizedAt.is_not_null())
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Closed households whose data is due for anonymisation: closed before `before`, not yet
/// anonymised.
pub async fn closed_before<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    Ok(household::Entity::find()
        .filter(household::Column::Status.eq("closed"))
        .filter(household::Column::ClosedAt.lt(before))
        .filter(household::Column::AnonymizedAt.is_null())
        .order_by_asc(household::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.id)
        .collect())
}

/// A household's row as stored (for the export, which shows every column).
pub async fn row<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<household::Model>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    household::Entity::find_by_id(id).one(db).await
}
