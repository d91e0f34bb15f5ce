//! Winning landlords: the public page's additions, campaigns, visit counts and where
//! landlords came from.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    campaign, household, household_member, landlord_origin, municipality_page, page_visit,
    rent_cap, rule_set,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::domain::Cents;
use crate::domain::norms::RentCapTable;

/// What an admin adds to a municipality's page.
#[derive(Debug, Clone, Default)]
pub struct PageText {
    pub text_de: String,
    pub text_en: String,
    /// Who landlords can ask (a name; the office's e-mail and phone are the municipality's).
    pub contact_name: Option<String>,
    /// A new photo (bytes, content type); `None` keeps the one stored.
    pub photo: Option<(Vec<u8>, String)>,
    pub remove_photo: bool,
    pub photo_alt: Option<String>,
}

/// The additions to a municipality's page, if an admin made any.
pub async fn page_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Option<municipality_page::Model>, sea_orm::DbErr> {
    municipality_page::Entity::find()
        .filter(municipality_page::Column::MunicipalityId.eq(municipality_id))
        .one(db)
        .await
}

/// Stores the additions to a municipality's page.
pub async fn save_page<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    text: PageText,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let existing = page_of(db, municipality_id).await?;
    let (photo, photo_type) = match (text.photo, text.remove_photo, &existing) {
        (Some((bytes, kind)), _, _) => (Some(bytes), Some(kind)),
        (None, true, _) | (None, false, None) => (None, None),
        (None, false, Some(row)) => (row.photo.clone(), row.photo_type.clone()),
    };
    let mut row = match existing {
        Some(row) => municipality_page::ActiveModel::from(row),
        None => municipality_page::ActiveModel {
            municipality_id: Set(municipality_id),
            ..Default::default()
        },
    };
    row.text_de = Set(text.text_de);
    row.text_en = Set(text.text_en);
    row.contact_name = Set(text.contact_name);
    row.photo = Set(photo);
    row.photo_type = Set(photo_type);
    row.photo_alt = Set(text.photo_alt);
    row.updated_by_user_id = Set(Some(user_id));
    row.updated_at = Set(now);
    row.save(db).await?;
    Ok(())
}

/// A municipality's campaigns, newest first (archived ones too).
pub async fn campaigns_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<campaign::Model>, sea_orm::DbErr> {
    campaign::Entity::find()
        .filter(campaign::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(campaign::Column::CreatedAt)
        .order_by_desc(campaign::Column::Id)
        .all(db)
        .await
}

/// The campaign with this code in this municipality, if it is still running.
pub async fn running_campaign<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    code: &str,
) -> Result<Option<campaign::Model>, sea_orm::DbErr> {
    campaign::Entity::find()
        .filter(campaign::Column::MunicipalityId.eq(municipality_id))
        .filter(campaign::Column::Code.eq(code))
        .filter(campaign::Column::ArchivedAt.is_null())
        .one(db)
        .await
}

/// Whether the municipality has a campaign with this code (running or archived).
pub async fn code_taken<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    code: &str,
) -> Result<bool, sea_orm::DbErr> {
    Ok(campaign::Entity::find()
        .filter(campaign::Column::MunicipalityId.eq(municipality_id))
        .filter(campaign::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

/// Creates a campaign; returns its id.
pub async fn insert_campaign<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    code: &str,
    label: &str,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = campaign::ActiveModel {
        municipality_id: Set(municipality_id),
        code: Set(code.to_owned()),
        label: Set(label.to_owned()),
        created_by_user_id: Set(user_id),
        created_at: Set(now),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Ends (`archived = true`) or restarts a campaign of this municipality; false when there
/// is none with this id.
pub async fn set_archived<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    campaign_id: i64,
    archived: bool,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let result = campaign::Entity::update_many()
        .col_expr(
            campaign::Column::ArchivedAt,
            Expr::value(archived.then_some(now)),
        )
        .filter(campaign::Column::Id.eq(campaign_id))
        .filter(campaign::Column::MunicipalityId.eq(municipality_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Counts one visit of a municipality's page on `day`. Two visits at the same moment may
/// each add a row; the figures add the rows up, so none is lost.
pub async fn count_visit<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    campaign_id: Option<i64>,
    day: NaiveDate,
) -> Result<(), sea_orm::DbErr> {
    let mut update = page_visit::Entity::update_many()
        .col_expr(
            page_visit::Column::Visits,
            sea_orm::ExprTrait::add(Expr::col(page_visit::Column::Visits), 1),
        )
        .filter(page_visit::Column::MunicipalityId.eq(municipality_id))
        .filter(page_visit::Column::Day.eq(day));
    update = match campaign_id {
        Some(id) => update.filter(page_visit::Column::CampaignId.eq(id)),
        None => update.filter(page_visit::Column::CampaignId.is_null()),
    };
    if update.exec(db).await?.rows_affected == 0 {
        page_visit::ActiveModel {
            municipality_id: Set(municipality_id),
            campaign_id: Set(campaign_id),
            day: Set(day),
            visits: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Every visit count of a municipality's page.
pub async fn visits_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<page_visit::Model>, sea_orm::DbErr> {
    page_visit::Entity::find()
        .filter(page_visit::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(page_visit::Column::Day)
        .order_by_asc(page_visit::Column::Id)
        .all(db)
        .await
}

/// Records how a landlord came.
pub async fn insert_origin<C: ConnectionTrait>(
    db: &C,
    origin: &landlord_origin::Model,
) -> Result<(), sea_orm::DbErr> {
    landlord_origin::ActiveModel {
        landlord_id: Set(origin.landlord_id),
        municipality_id: Set(origin.municipality_id),
        campaign_id: Set(origin.campaign_id),
        heard_from: Set(origin.heard_from.clone()),
        created_at: Set(origin.created_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The rows of a municipality's channel figures in two round trips: its page's visit
/// counts, and the origins of the landlords who signed up through its page or own a flat in
/// it; each with its campaign, if any.
pub async fn channel_rows<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<ChannelRows, sea_orm::DbErr> {
    use sea_orm::{Condition, QueryTrait};
    let visits = page_visit::Entity::find()
        .find_also_related(campaign::Entity)
        .filter(page_visit::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(page_visit::Column::Day)
        .order_by_asc(page_visit::Column::Id)
        .all(db)
        .await?;
    let landlords_here = entities::unit::Entity::find()
        .select_only()
        .column(entities::unit::Column::LandlordId)
        .filter(entities::unit::Column::MunicipalityId.eq(municipality_id))
        .into_query();
    let origins = landlord_origin::Entity::find()
        .find_also_related(campaign::Entity)
        .filter(
            Condition::any()
                .add(landlord_origin::Column::MunicipalityId.eq(municipality_id))
                .add(landlord_origin::Column::LandlordId.in_subquery(landlords_here)),
        )
        .order_by_asc(landlord_origin::Column::Id)
        .all(db)
        .await?;
    let mut campaigns: BTreeMap<i64, campaign::Model> = BTreeMap::new();
    let mut out = ChannelRows::default();
    for (v, c) in visits {
        campaigns.extend(c.map(|c| (c.id, c)));
        out.visits.push(v);
    }
    for (o, c) in origins {
        campaigns.extend(c.map(|c| (c.id, c)));
        out.origins.push(o);
    }
    out.campaigns = campaigns.into_values().collect();
    Ok(out)
}

/// The rows the channel figures come from (see `services::figures::channels`).
#[derive(Debug, Clone, Default)]
pub struct ChannelRows {
    /// The campaigns the visits and origins name.
    pub campaigns: Vec<campaign::Model>,
    pub visits: Vec<page_visit::Model>,
    /// The origins of this municipality's sign-ups and of its flats' landlords.
    pub origins: Vec<landlord_origin::Model>,
}

/// The cap table of a municipality's newest rule set, if it has one.
pub async fn current_caps<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Option<RentCapTable>, sea_orm::DbErr> {
    let Some(set) = rule_set::Entity::find()
        .filter(rule_set::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(rule_set::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let rows: Vec<(u32, Cents)> = rent_cap::Entity::find()
        .filter(rent_cap::Column::RuleSetId.eq(set.id))
        .order_by_asc(rent_cap::Column::Persons)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.persons.max(0) as u32, Cents(c.max_gross_cold_rent_cents)))
        .collect();
    Ok(RentCapTable::new(rows, Cents(set.extra_person_cap_cents)).ok())
}

/// How many active households of each size (members) wait in a municipality.
pub async fn waiting_by_size<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<BTreeMap<u32, u64>, sea_orm::DbErr> {
    let ids: Vec<i64> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(household::Column::MunicipalityId.eq(municipality_id))
        .filter(household::Column::Status.eq("active"))
        .filter(household::Column::AnonymizedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    let mut members: BTreeMap<i64, u32> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<i64> = household_member::Entity::find()
            .select_only()
            .column(household_member::Column::HouseholdId)
            .filter(household_member::Column::HouseholdId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        for id in rows {
            *members.entry(id).or_insert(0) += 1;
        }
    }
    let mut out = BTreeMap::new();
    for persons in members.into_values() {
        *out.entry(persons).or_insert(0) += 1;
    }
    Ok(out)
}

/// How a landlord came, with the municipality's name and the campaign's label.
pub async fn origin_of<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
) -> Result<Option<(landlord_origin::Model, Option<String>, Option<String>)>, sea_orm::DbErr> {
    let Some(origin) = landlord_origin::Entity::find()
        .filter(landlord_origin::Column::LandlordId.eq(landlord_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let municipality = match origin.municipality_id {
        Some(id) => entities::municipality::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.name),
        None => None,
    };
    let campaign = match origin.campaign_id {
        Some(id) => campaign::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|c| c.label),
        None => None,
    };
    Ok(Some((origin, municipality, campaign)))
}
