//! Writing households: new ones (one or many), changes, consent, status, anonymising.

use chrono::{DateTime, Utc};
use entities::{household, household_allowed_municipality, household_anchor, household_member};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::household::{HouseholdProfile, HouseholdStatus};
use crate::store::to_json_text;

use super::*;

/// Sets the columns that come from the profile.
fn fill(row: &mut household::ActiveModel, p: &HouseholdProfile) -> Result<(), sea_orm::DbErr> {
    row.reference = Set(p.reference.clone());
    row.search_text = Set(p.search_text());
    row.list_name = Set(p.members.first().map_or_else(String::new, |m| {
        full_name(&m.first_name, m.last_name.as_deref())
    }));
    row.list_birth_years = Set(p
        .members
        .iter()
        .map(|m| m.birth_year.to_string())
        .collect::<Vec<_>>()
        .join(","));
    row.residence_status = Set(p.residence_status.as_str().to_owned());
    row.residence_obligation = Set(p.residence_obligation);
    row.residence_obligation_until = Set(p.residence_obligation_until);
    row.benefit_type = Set(p.benefit_type.map(|b| b.as_str().to_owned()));
    row.work_situation = Set(p.work_situation.map(|w| w.as_str().to_owned()));
    row.wheelchair = Set(p.wheelchair);
    row.max_floor_without_lift = Set(p.max_floor_without_lift);
    row.rooms_wanted = Set(p.rooms_wanted);
    row.pets = Set(p.pets);
    row.max_distance_km = Set(p.max_distance_km);
    row.latest_move_date = Set(p.latest_move_date);
    row.follow_up_site = Set(p.follow_up_site.clone());
    row.in_follow_up_since = Set(p.in_follow_up_since);
    row.urgency = Set(i32::from(p.urgency));
    row.urgency_reason = Set(p.urgency_reason.clone());
    row.languages = Set(to_json_text(&p.languages)?);
    row.preferred_language = Set(p.preferred_language.code().to_owned());
    row.email = Set(p.email.clone());
    row.phone = Set(p.phone.clone());
    row.caseworker_name = Set(p.caseworker_name.clone());
    row.caseworker_email = Set(p.caseworker_email.clone());
    row.caseworker_phone = Set(p.caseworker_phone.clone());
    row.landlord_text = Set(p.landlord_text.clone());
    row.notes = Set(p.notes.clone());
    Ok(())
}

/// Replaces members, anchors and allowed municipalities.
async fn replace_children<C: ConnectionTrait>(
    db: &C,
    id: i64,
    p: &HouseholdProfile,
    allowed_municipalities: &[i64],
) -> Result<(), sea_orm::DbErr> {
    household_member::Entity::delete_many()
        .filter(household_member::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    household_anchor::Entity::delete_many()
        .filter(household_anchor::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    household_allowed_municipality::Entity::delete_many()
        .filter(household_allowed_municipality::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    let (members, anchors, allowed) = child_rows(id, p, allowed_municipalities);
    crate::store::bulk::insert_all(db, members).await?;
    crate::store::bulk::insert_all(db, anchors).await?;
    crate::store::bulk::insert_all(db, allowed).await
}

type ChildRows = (
    Vec<household_member::ActiveModel>,
    Vec<household_anchor::ActiveModel>,
    Vec<household_allowed_municipality::ActiveModel>,
);

/// The rows of a household's members, anchors and allowed municipalities (each
/// municipality once).
fn child_rows(id: i64, p: &HouseholdProfile, allowed_municipalities: &[i64]) -> ChildRows {
    let members = p
        .members
        .iter()
        .enumerate()
        .map(|(position, member)| household_member::ActiveModel {
            household_id: Set(id),
            first_name: Set(member.first_name.clone()),
            last_name: Set(member.last_name.clone()),
            birth_year: Set(member.birth_year),
            role: Set(member.role.as_str().to_owned()),
            position: Set(position as i32),
            ..Default::default()
        })
        .collect();
    let anchors = p
        .anchors
        .iter()
        .enumerate()
        .map(|(position, anchor)| household_anchor::ActiveModel {
            household_id: Set(id),
            kind: Set(anchor.kind.as_str().to_owned()),
            label: Set(anchor.label.clone()),
            street: Set(anchor.street.clone()),
            postal_code: Set(anchor.postal_code.clone()),
            town: Set(anchor.town.clone()),
            lat: Set(anchor.location.lat),
            lon: Set(anchor.location.lon),
            importance: Set(anchor.importance),
            position: Set(position as i32),
            ..Default::default()
        })
        .collect();
    let mut seen = Vec::new();
    let allowed = allowed_municipalities
        .iter()
        .filter(|m| {
            let new = !seen.contains(*m);
            seen.push(**m);
            new
        })
        .map(|m| household_allowed_municipality::ActiveModel {
            household_id: Set(id),
            municipality_id: Set(*m),
        })
        .collect();
    (members, anchors, allowed)
}

/// A new household's row.
fn new_row(
    municipality_id: i64,
    status: HouseholdStatus,
    profile: &HouseholdProfile,
    consent: Option<&Consent>,
    caseworker_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<household::ActiveModel, sea_orm::DbErr> {
    let mut row = household::ActiveModel {
        municipality_id: Set(municipality_id),
        status: Set(status.as_str().to_owned()),
        caseworker_user_id: Set(caseworker_user_id),
        consent_at: Set(consent.map(|c| c.at)),
        consent_scope: Set(consent.map(|c| c.scope.clone())),
        consent_recorded_by_user_id: Set(consent.and_then(|c| c.recorded_by)),
        consent_withdrawn_at: Set(None),
        closed_at: Set(None),
        close_reason: Set(None),
        anonymized_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut row, profile)?;
    Ok(row)
}

/// A household for [`insert_many`].
#[derive(Debug, Clone)]
pub struct NewHousehold {
    /// Given by the caller (see [`crate::store::bulk::next_id`]).
    pub id: i64,
    pub municipality_id: i64,
    pub status: HouseholdStatus,
    pub profile: HouseholdProfile,
    pub allowed_municipalities: Vec<i64>,
    pub consent: Option<Consent>,
    pub caseworker_user_id: Option<i64>,
    /// Closed households: when.
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Inserts many households with their members, anchors and allowed municipalities in a
/// few statements (a data set's bulk load); the ids are the caller's.
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    households: &[NewHousehold],
) -> Result<(), sea_orm::DbErr> {
    let mut rows = Vec::with_capacity(households.len());
    let (mut members, mut anchors, mut allowed) = (Vec::new(), Vec::new(), Vec::new());
    for h in households {
        let mut row = new_row(
            h.municipality_id,
            h.status,
            &h.profile,
            h.consent.as_ref(),
            h.caseworker_user_id,
            h.created_at,
        )?;
        row.id = Set(h.id);
        row.closed_at = Set(h.closed_at);
        rows.push(row);
        let (m, a, l) = child_rows(h.id, &h.profile, &h.allowed_municipalities);
        members.extend(m);
        anchors.extend(a);
        allowed.extend(l);
    }
    crate::store::bulk::insert_all(db, rows).await?;
    crate::store::bulk::insert_all(db, members).await?;
    crate::store::bulk::insert_all(db, anchors).await?;
    crate::store::bulk::insert_all(db, allowed).await
}

/// Inserts a household with its members, anchors and allowed municipalities.
#[allow(clippy::too_many_arguments)]
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    status: HouseholdStatus,
    profile: &HouseholdProfile,
    allowed_municipalities: &[i64],
    consent: Option<&Consent>,
    caseworker_user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = new_row(
        municipality_id,
        status,
        profile,
        consent,
        caseworker_user_id,
        now,
    )?;
    let row = row.insert(db).await?;
    replace_children(db, row.id, profile, allowed_municipalities).await?;
    Ok(row.id)
}

/// Replaces a household's profile (and children), keeping status and consent. The caller
/// counts the write ([`bump_version`]) in the same transaction, with the consent's.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i64,
    profile: &HouseholdProfile,
    allowed_municipalities: &[i64],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut row = household::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        updated_at: Set(now),
        ..Default::default()
    };
    fill(&mut row, profile)?;
    row.update(db).await?;
    replace_children(db, id, profile, allowed_municipalities).await
}

/// Counts a write of household `id`: its version goes up by one. With `expected`, only
/// when the stored version is that one; false when it is not (another write came first,
/// and the caller rolls back). Within a transaction the row stays locked until the end,
/// so two writers naming the same version cannot both pass.
pub async fn bump_version<C: ConnectionTrait>(
    db: &C,
    id: i64,
    expected: Option<i64>,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    let mut update = household::Entity::update_many()
        .col_expr(
            household::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(household::Column::Version), 1),
        )
        .filter(household::Column::Id.eq(id));
    if let Some(v) = expected {
        update = update.filter(household::Column::Version.eq(v));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Sets the consent (or withdraws it with `None`).
pub async fn set_consent<C: ConnectionTrait>(
    db: &C,
    id: i64,
    consent: Option<&Consent>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let row = household::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        consent_at: Set(consent.map(|c| c.at)),
        consent_scope: Set(consent.map(|c| c.scope.clone())),
        consent_recorded_by_user_id: Set(consent.and_then(|c| c.recorded_by)),
        consent_withdrawn_at: Set(if consent.is_none() { Some(now) } else { None }),
        updated_at: Set(now),
        ..Default::default()
    };
    row.update(db).await?;
    Ok(())
}

/// Sets a household's status (with the reason when closing).
pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: HouseholdStatus,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let closing = status == HouseholdStatus::Closed;
    let row = household::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        status: Set(status.as_str().to_owned()),
        closed_at: Set(closing.then_some(now)),
        close_reason: Set(if closing { reason } else { None }),
        updated_at: Set(now),
        ..Default::default()
    };
    row.update(db).await?;
    bump_version(db, id, None).await?;
    let about = crate::store::webhooks::About {
        proposal_id: None,
        household_id: Some(id),
    };
    let data = serde_json::json!({"household_id": id, "status": status.as_str()});
    let event = crate::domain::webhooks::EventType::HouseholdStatusChanged;
    crate::store::webhooks::enqueue(db, event, about, data, now).await?;
    Ok(())
}

/// Removes a household's personal data and keeps what statistics need (size, birth years,
/// roles, municipality, dates, status, needs). Names become "—", contacts and free texts
/// are emptied, anchors keep only their kind and a rounded position. False when it was
/// anonymised already.
pub async fn anonymise<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    use entities::{household_anchor, household_member};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let none = || Expr::value(Option::<String>::None);
    let done = household::Entity::update_many()
        .col_expr(household::Column::Email, none())
        .col_expr(household::Column::Phone, none())
        .col_expr(household::Column::CaseworkerName, none())
        .col_expr(household::Column::CaseworkerEmail, none())
        .col_expr(household::Column::CaseworkerPhone, none())
        .col_expr(household::Column::LandlordText, none())
        .col_expr(household::Column::Notes, none())
        .col_expr(household::Column::UrgencyReason, none())
        .col_expr(household::Column::FollowUpSite, none())
        .col_expr(household::Column::CloseReason, none())
        .col_expr(household::Column::AnonymizedAt, Expr::value(Some(now)))
        // The names go: only the reference can still be searched for.
        .col_expr(household::Column::ListName, Expr::value("—"))
        .col_expr(
            household::Column::SearchText,
            sea_orm::sea_query::Func::lower(Expr::col(household::Column::Reference)).into(),
        )
        .col_expr(household::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            household::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(household::Column::Version), 1),
        )
        .filter(household::Column::Id.eq(id))
        .filter(household::Column::AnonymizedAt.is_null())
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Ok(false);
    }
    household_member::Entity::update_many()
        .col_expr(household_member::Column::FirstName, Expr::value("—"))
        .col_expr(household_member::Column::LastName, none())
        .filter(household_member::Column::HouseholdId.eq(id))
        .exec(db)
        .await?;
    for anchor in household_anchor::Entity::find()
        .filter(household_anchor::Column::HouseholdId.eq(id))
        .all(db)
        .await?
    {
        household_anchor::Entity::update_many()
            .col_expr(
                household_anchor::Column::Label,
                Expr::value(anchor.kind.clone()),
            )
            .col_expr(household_anchor::Column::Street, none())
            .col_expr(
                household_anchor::Column::Lat,
                Expr::value((anchor.lat * 100.0).round() / 100.0),
            )
            .col_expr(
                household_anchor::Column::Lon,
                Expr::value((anchor.lon * 100.0).round() / 100.0),
            )
            .filter(household_anchor::Column::Id.eq(anchor.id))
            .exec(db)
            .await?;
    }
    Ok(true)
}

/// Replaces a household's reference (erasure: `anon-<id>`).
pub async fn set_reference<C: ConnectionTrait>(
    db: &C,
    id: i64,
    reference: &str,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    household::Entity::update_many()
        .col_expr(household::Column::Reference, Expr::value(reference))
        .col_expr(
            household::Column::SearchText,
            Expr::value(crate::domain::household::search_text(
                reference,
                std::iter::empty(),
            )),
        )
        .col_expr(
            household::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(household::Column::Version), 1),
        )
        .filter(household::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
