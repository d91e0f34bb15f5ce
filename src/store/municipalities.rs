//! Municipalities and their versioned rule tables.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entities::{area_norm, municipality, rent_cap, rule_set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::{corrupt, to_json_text};
use crate::domain::Cents;
use crate::domain::criteria::Weights;
use crate::domain::geo::GeoPoint;
use crate::domain::norms::{AreaNorms, RentCapTable, RuleSet};

/// A municipality to create.
#[derive(Debug, Clone)]
pub struct NewMunicipality {
    pub ags: String,
    pub name: String,
    pub district: String,
    pub state: String,
    pub center: GeoPoint,
}

/// Inserts a municipality and returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: &NewMunicipality,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = municipality::ActiveModel {
        ags: Set(new.ags.clone()),
        name: Set(new.name.clone()),
        district: Set(new.district.clone()),
        state: Set(new.state.clone()),
        center_lat: Set(new.center.lat),
        center_lon: Set(new.center.lon),
        contact_email: Set(None),
        contact_phone: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Sets a municipality's contact address and phone (whom landlords and households ask).
pub async fn set_contact<C: ConnectionTrait>(
    db: &C,
    id: i64,
    email: Option<String>,
    phone: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    municipality::ActiveModel {
        id: Set(id),
        contact_email: Set(email),
        contact_phone: Set(phone),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// All municipalities, by name.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<municipality::Model>, sea_orm::DbErr> {
    municipality::Entity::find()
        .order_by_asc(municipality::Column::Name)
        .order_by_asc(municipality::Column::Id)
        .all(db)
        .await
}

/// The active municipalities, by id.
pub async fn active<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<municipality::Model>, sea_orm::DbErr> {
    municipality::Entity::find()
        .filter(municipality::Column::Active.eq(true))
        .order_by_asc(municipality::Column::Id)
        .all(db)
        .await
}

/// The active municipalities among those with the given official keys (AGS), by id.
pub async fn active_with_keys<C: ConnectionTrait>(
    db: &C,
    keys: &[String],
) -> Result<Vec<municipality::Model>, sea_orm::DbErr> {
    municipality::Entity::find()
        .filter(municipality::Column::Ags.is_in(keys.iter().cloned()))
        .filter(municipality::Column::Active.eq(true))
        .order_by_asc(municipality::Column::Id)
        .all(db)
        .await
}

/// Stores a new version of a municipality's rule tables and returns (id, version).
pub async fn insert_rule_set<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    rules: &RuleSet,
    created_by: Option<i64>,
    change_note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(i64, i32), sea_orm::DbErr> {
    let latest = rule_set::Entity::find()
        .filter(rule_set::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(rule_set::Column::Version)
        .one(db)
        .await?;
    let version = latest.map_or(1, |r| r.version + 1);
    let row = rule_set::ActiveModel {
        municipality_id: Set(municipality_id),
        version: Set(version),
        extra_person_cap_cents: Set(rules.rent_caps.extra_person().0),
        extra_person_area_m2: Set(rules.area_norms.extra_person_m2()),
        weights: Set(to_json_text(&rules.weights.to_map())?),
        answer_days: Set(rules.answer_days as i32),
        reminder_days: Set(rules.reminder_days as i32),
        auto_approve: Set(rules.auto_approve),
        source_note: Set(rules.source_note.clone()),
        change_note: Set(change_note),
        created_by_user_id: Set(created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for (persons, cap) in rules.rent_caps.rows() {
        rent_cap::ActiveModel {
            rule_set_id: Set(row.id),
            persons: Set(*persons as i32),
            max_gross_cold_rent_cents: Set(cap.0),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (persons, area) in rules.area_norms.rows() {
        area_norm::ActiveModel {
            rule_set_id: Set(row.id),
            persons: Set(*persons as i32),
            area_m2: Set(*area),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok((row.id, version))
}

/// A stored rule-set version.
#[derive(Debug, Clone)]
pub struct StoredRuleSet {
    pub id: i64,
    pub municipality_id: i64,
    pub version: i32,
    pub rules: RuleSet,
}

/// The newest rule-set version of every municipality, by municipality id.
pub async fn current_rule_sets<C: ConnectionTrait>(
    db: &C,
) -> Result<BTreeMap<i64, StoredRuleSet>, sea_orm::DbErr> {
    let sets = rule_set::Entity::find()
        .order_by_asc(rule_set::Column::MunicipalityId)
        .order_by_desc(rule_set::Column::Version)
        .all(db)
        .await?;
    let mut newest: BTreeMap<i64, rule_set::Model> = BTreeMap::new();
    for set in sets {
        newest.entry(set.municipality_id).or_insert(set);
    }
    let ids: Vec<i64> = newest.values().map(|s| s.id).collect();
    let caps = rent_cap::Entity::find()
        .filter(rent_cap::Column::RuleSetId.is_in(ids.clone()))
        .all(db)
        .await?;
    let norms = area_norm::Entity::find()
        .filter(area_norm::Column::RuleSetId.is_in(ids))
        .all(db)
        .await?;
    let mut out = BTreeMap::new();
    for (municipality_id, set) in newest {
        let cap_rows: Vec<(u32, Cents)> = caps
            .iter()
            .filter(|c| c.rule_set_id == set.id)
            .map(|c| (c.persons.max(0) as u32, Cents(c.max_gross_cold_rent_cents)))
            .collect();
        let norm_rows: Vec<(u32, f64)> = norms
            .iter()
            .filter(|n| n.rule_set_id == set.id)
            .map(|n| (n.persons.max(0) as u32, n.area_m2))
            .collect();
        let rent_caps = RentCapTable::new(cap_rows, Cents(set.extra_person_cap_cents))
            .map_err(|e| corrupt("rule_sets", set.id, e))?;
        let area_norms = if norm_rows.is_empty() {
            AreaNorms::default()
        } else {
            AreaNorms::new(norm_rows, set.extra_person_area_m2)
                .map_err(|e| corrupt("rule_sets", set.id, e))?
        };
        let weight_map: BTreeMap<String, f64> = serde_json::from_str(&set.weights)
            .map_err(|e| corrupt("rule_sets", set.id, format!("weights: {e}")))?;
        let weights = Weights::from_overrides(weight_map.iter().map(|(k, v)| (k.as_str(), *v)))
            .map_err(|e| corrupt("rule_sets", set.id, e))?;
        out.insert(
            municipality_id,
            StoredRuleSet {
                id: set.id,
                municipality_id,
                version: set.version,
                rules: RuleSet {
                    rent_caps,
                    area_norms,
                    weights,
                    answer_days: set.answer_days.max(0) as u32,
                    reminder_days: set.reminder_days.max(0) as u32,
                    auto_approve: set.auto_approve,
                    source_note: set.source_note.clone(),
                },
            },
        );
    }
    Ok(out)
}

/// A stored version of a municipality's rules as its history lists it.
#[derive(Debug, Clone)]
pub struct RuleSetVersion {
    pub row: rule_set::Model,
    /// Who stored it (`None`: a person since erased, or the demo data).
    pub created_by: Option<String>,
    /// How many match runs used it.
    pub runs: u64,
}

/// Every version of a municipality's rules, newest first, with who stored it and how many
/// match runs used it (two queries however many versions there are).
pub async fn rule_set_versions<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<RuleSetVersion>, sea_orm::DbErr> {
    use entities::{match_run_rule_set, user};
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, Func, Query};
    let rows = rule_set::Entity::find()
        .filter(rule_set::Column::MunicipalityId.eq(municipality_id))
        .find_also_related(user::Entity)
        .order_by_desc(rule_set::Column::Version)
        .all(db)
        .await?;
    let mut ids = Query::select();
    ids.column(rule_set::Column::Id)
        .from(rule_set::Entity)
        .and_where(rule_set::Column::MunicipalityId.eq(municipality_id));
    let runs: BTreeMap<i64, i64> = match_run_rule_set::Entity::find()
        .select_only()
        .column(match_run_rule_set::Column::RuleSetId)
        .column_as(
            Expr::from(Func::count(Expr::col(
                match_run_rule_set::Column::RuleSetId,
            ))),
            "runs",
        )
        .filter(match_run_rule_set::Column::RuleSetId.in_subquery(ids))
        .group_by(match_run_rule_set::Column::RuleSetId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(row, user)| RuleSetVersion {
            runs: runs.get(&row.id).copied().unwrap_or(0).max(0) as u64,
            created_by: user.map(|u| u.display_name),
            row,
        })
        .collect())
}

/// One municipality.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<municipality::Model>, sea_orm::DbErr> {
    municipality::Entity::find_by_id(id).one(db).await
}

/// The municipality with this database id, official key (AGS, eight digits) or exact
/// name.
pub async fn find_by_key<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> Result<Option<municipality::Model>, sea_orm::DbErr> {
    let key = key.trim();
    let query = municipality::Entity::find();
    let query = match key.parse::<i64>() {
        Ok(id) if key.len() != 8 => query.filter(municipality::Column::Id.eq(id)),
        _ if key.len() == 8 && key.chars().all(|c| c.is_ascii_digit()) => {
            query.filter(municipality::Column::Ags.eq(key))
        }
        _ => query.filter(municipality::Column::Name.eq(key)),
    };
    query.one(db).await
}

/// The rule sets of a municipality, oldest version first.
pub async fn rule_sets<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<rule_set::Model>, sea_orm::DbErr> {
    rule_set::Entity::find()
        .filter(rule_set::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(rule_set::Column::Version)
        .all(db)
        .await
}

/// Whether another municipality (than `except`) has the official key `ags`.
pub async fn ags_taken<C: ConnectionTrait>(
    db: &C,
    ags: &str,
    except: Option<i64>,
) -> Result<bool, sea_orm::DbErr> {
    let mut query = municipality::Entity::find().filter(municipality::Column::Ags.eq(ags));
    if let Some(id) = except {
        query = query.filter(municipality::Column::Id.ne(id));
    }
    Ok(query.one(db).await?.is_some())
}

/// Replaces a municipality's key, names, centre and whether it takes part; false when
/// there is no such municipality.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: i64,
    new: &NewMunicipality,
    active: bool,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let Some(old) = find(db, id).await? else {
        return Ok(false);
    };
    let mut row: municipality::ActiveModel = old.into();
    row.ags = Set(new.ags.clone());
    row.name = Set(new.name.clone());
    row.district = Set(new.district.clone());
    row.state = Set(new.state.clone());
    row.center_lat = Set(new.center.lat);
    row.center_lon = Set(new.center.lon);
    row.active = Set(active);
    row.updated_at = Set(now);
    row.update(db).await?;
    Ok(true)
}
