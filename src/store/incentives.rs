//! Incentive programmes and landlords' requests.

use chrono::{DateTime, Utc};
use entities::{incentive_programme, unit_incentive};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::domain::Cents;
use crate::domain::incentive::{IncentiveKind, IncentiveStatus};

/// An incentive programme to create.
#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub kind: IncentiveKind,
    pub name_de: String,
    pub name_en: String,
    pub conditions_de: String,
    pub conditions_en: String,
    pub amount: Option<Cents>,
    pub duration_months: Option<i32>,
    pub occupancy_years: Option<i32>,
    pub budget: Option<Cents>,
}

/// Inserts a programme and returns its id.
pub async fn insert_programme<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    new: &NewProgramme,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = incentive_programme::ActiveModel {
        municipality_id: Set(municipality_id),
        kind: Set(new.kind.as_str().to_owned()),
        name_de: Set(new.name_de.clone()),
        name_en: Set(new.name_en.clone()),
        conditions_de: Set(new.conditions_de.clone()),
        conditions_en: Set(new.conditions_en.clone()),
        amount_cents: Set(new.amount.map(|c| c.0)),
        duration_months: Set(new.duration_months),
        occupancy_years: Set(new.occupancy_years),
        budget_cents: Set(new.budget.map(|c| c.0)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Records a landlord's request for an incentive on a unit.
pub async fn request<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    programme_id: i64,
    landlord_note: Option<String>,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = unit_incentive::ActiveModel {
        unit_id: Set(unit_id),
        programme_id: Set(programme_id),
        status: Set(IncentiveStatus::Requested.as_str().to_owned()),
        landlord_note: Set(landlord_note),
        requested_at: Set(now),
        decided_at: Set(None),
        decided_by_user_id: Set(None),
        decision_note: Set(None),
        granted_amount_cents: Set(None),
        granted_from: Set(None),
        granted_until: Set(None),
        paid_amount_cents: Set(None),
        paid_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// A municipality's active programmes, by kind.
pub async fn programmes_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<incentive_programme::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    incentive_programme::Entity::find()
        .filter(incentive_programme::Column::MunicipalityId.eq(municipality_id))
        .filter(incentive_programme::Column::Active.eq(true))
        .order_by_asc(incentive_programme::Column::Id)
        .all(db)
        .await
}

/// A unit's incentive requests with their programmes.
pub async fn requests_for_unit<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
) -> Result<Vec<(unit_incentive::Model, incentive_programme::Model)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    Ok(unit_incentive::Entity::find()
        .filter(unit_incentive::Column::UnitId.eq(unit_id))
        .find_also_related(incentive_programme::Entity)
        .order_by_asc(unit_incentive::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(request, programme)| programme.map(|p| (request, p)))
        .collect())
}

/// The requests of several units with their programmes, by request id.
pub async fn requests_for_units<C: ConnectionTrait>(
    db: &C,
    unit_ids: &[i64],
) -> Result<Vec<(unit_incentive::Model, incentive_programme::Model)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(unit_incentive::Entity::find()
        .filter(unit_incentive::Column::UnitId.is_in(unit_ids.to_vec()))
        .find_also_related(incentive_programme::Entity)
        .order_by_asc(unit_incentive::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(request, programme)| programme.map(|p| (request, p)))
        .collect())
}

/// What each of these programmes has granted so far (granted and paid requests), summed
/// in the database; programmes without grants are left out.
pub async fn granted_by_programme<C: ConnectionTrait>(
    db: &C,
    programme_ids: &[i64],
) -> Result<std::collections::BTreeMap<i64, Cents>, sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    if programme_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, Option<i64>)> = unit_incentive::Entity::find()
        .select_only()
        .column(unit_incentive::Column::ProgrammeId)
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back for one decoder on both.
        .column_as(
            Expr::cust("CAST(SUM(\"granted_amount_cents\") AS BIGINT)"),
            "granted",
        )
        .filter(unit_incentive::Column::ProgrammeId.is_in(programme_ids.to_vec()))
        .filter(unit_incentive::Column::Status.is_in([
            IncentiveStatus::Granted.as_str(),
            IncentiveStatus::Paid.as_str(),
        ]))
        .group_by(unit_incentive::Column::ProgrammeId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, sum)| (id, Cents(sum.unwrap_or(0))))
        .collect())
}

/// Withdraws a request that has not been decided yet.
pub async fn withdraw_request<C: ConnectionTrait>(
    db: &C,
    request_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    unit_incentive::Entity::update_many()
        .col_expr(
            unit_incentive::Column::Status,
            IncentiveStatus::Withdrawn.as_str().to_owned().into(),
        )
        .col_expr(unit_incentive::Column::UpdatedAt, now.into())
        .filter(unit_incentive::Column::Id.eq(request_id))
        .filter(unit_incentive::Column::Status.eq(IncentiveStatus::Requested.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Renews a withdrawn request.
pub async fn renew_request<C: ConnectionTrait>(
    db: &C,
    request_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    unit_incentive::Entity::update_many()
        .col_expr(
            unit_incentive::Column::Status,
            IncentiveStatus::Requested.as_str().to_owned().into(),
        )
        .col_expr(unit_incentive::Column::RequestedAt, now.into())
        .col_expr(unit_incentive::Column::UpdatedAt, now.into())
        .filter(unit_incentive::Column::Id.eq(request_id))
        .filter(unit_incentive::Column::Status.eq(IncentiveStatus::Withdrawn.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The German names of all incentive programmes, by id.
pub async fn programme_names<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::BTreeMap<i64, String>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    Ok(entities::incentive_programme::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name_de))
        .collect())
}

/// One programme.
pub async fn programme<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<incentive_programme::Model>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    incentive_programme::Entity::find_by_id(id).one(db).await
}

/// Every programme of a municipality (active or not), by id, with every request made of
/// them (two queries).
pub async fn programmes_with_requests<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<(Vec<incentive_programme::Model>, Vec<unit_incentive::Model>), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let programmes = incentive_programme::Entity::find()
        .filter(incentive_programme::Column::MunicipalityId.eq(municipality_id))
        .order_by_asc(incentive_programme::Column::Id)
        .all(db)
        .await?;
    let requests = unit_incentive::Entity::find()
        .filter(unit_incentive::Column::ProgrammeId.is_in(programmes.iter().map(|p| p.id)))
        .order_by_asc(unit_incentive::Column::Id)
        .all(db)
        .await?;
    Ok((programmes, requests))
}

/// Incentive requests still waiting for a decision in these municipalities, oldest first,
/// with their programmes.
pub async fn open_requests<C: ConnectionTrait>(
    db: &C,
    municipalities: &[i64],
) -> Result<Vec<(unit_incentive::Model, Option<incentive_programme::Model>)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    unit_incentive::Entity::find()
        .filter(unit_incentive::Column::Status.eq(IncentiveStatus::Requested.as_str()))
        .find_also_related(incentive_programme::Entity)
        .filter(incentive_programme::Column::MunicipalityId.is_in(municipalities.to_vec()))
        .order_by_asc(unit_incentive::Column::RequestedAt)
        .order_by_asc(unit_incentive::Column::Id)
        .all(db)
        .await
}

/// One incentive request with its programme.
pub async fn request_with_programme<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<(unit_incentive::Model, incentive_programme::Model)>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    Ok(unit_incentive::Entity::find_by_id(id)
        .find_also_related(incentive_programme::Entity)
        .one(db)
        .await?
        .and_then(|(r, p)| p.map(|p| (r, p))))
}

/// The incentive request with this id.
pub async fn find_request<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<unit_incentive::Model>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    unit_incentive::Entity::find_by_id(id).one(db).await
}

/// What a payment of a granted incentive leaves: the sum paid so far, the day of this
/// payment and the status (paid once the grant is paid in full).
#[derive(Debug, Clone, Copy)]
pub struct Payment {
    pub total_cents: i64,
    pub on: chrono::NaiveDate,
    pub status: IncentiveStatus,
}

/// Records a payment of a granted request, only if it is still granted with the sum paid
/// before as read (`paid_before`); false when it changed meanwhile.
pub async fn record_payment<C: ConnectionTrait>(
    db: &C,
    id: i64,
    paid_before: Option<i64>,
    payment: Payment,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let done = unit_incentive::Entity::update_many()
        .col_expr(
            unit_incentive::Column::PaidAmountCents,
            Some(payment.total_cents).into(),
        )
        .col_expr(unit_incentive::Column::PaidOn, Some(payment.on).into())
        .col_expr(
            unit_incentive::Column::Status,
            payment.status.as_str().into(),
        )
        .col_expr(unit_incentive::Column::UpdatedAt, now.into())
        .filter(unit_incentive::Column::Id.eq(id))
        .filter(unit_incentive::Column::Status.eq(IncentiveStatus::Granted.as_str()))
        .filter(match paid_before {
            Some(before) => unit_incentive::Column::PaidAmountCents.eq(before),
            None => unit_incentive::Column::PaidAmountCents.is_null(),
        })
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
