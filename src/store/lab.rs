//! What the policy lab reads of the service's history: when flats and households came and
//! went, and how proposals were answered.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{household, placement, proposal, unit};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

/// When a record came and, if it did, went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub came: DateTime<Utc>,
    pub went: Option<DateTime<Utc>>,
}

/// Households by id: created, and closed (placed or otherwise ended).
pub async fn household_spans<C: ConnectionTrait>(
    db: &C,
    municipality_id: Option<i64>,
) -> Result<BTreeMap<i64, Span>, sea_orm::DbErr> {
    let mut q = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .column(household::Column::CreatedAt)
        .column(household::Column::ClosedAt)
        .filter(household::Column::AnonymizedAt.is_null());
    if let Some(m) = municipality_id {
        q = q.filter(household::Column::MunicipalityId.eq(m));
    }
    let rows: Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>)> = q.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(id, came, went)| (id, Span { came, went }))
        .collect())
}

/// Flats by id: submitted (or created), and withdrawn.
pub async fn unit_spans<C: ConnectionTrait>(
    db: &C,
    municipality_id: Option<i64>,
) -> Result<BTreeMap<i64, Span>, sea_orm::DbErr> {
    let mut q = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::CreatedAt)
        .column(unit::Column::SubmittedAt)
        .column(unit::Column::WithdrawnAt);
    if let Some(m) = municipality_id {
        q = q.filter(unit::Column::MunicipalityId.eq(m));
    }
    type Row = (
        i64,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = q.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(id, created, submitted, withdrawn)| {
            (
                id,
                Span {
                    came: submitted.unwrap_or(created),
                    went: withdrawn,
                },
            )
        })
        .collect())
}

/// A proposal sent to both sides, as the answer model needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SentProposal {
    pub unit_id: i64,
    pub household_id: i64,
    pub state: String,
    pub score: f64,
    pub sent_at: DateTime<Utc>,
    pub landlord_answered_at: Option<DateTime<Utc>>,
    pub household_answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub moved_in_on: Option<NaiveDate>,
}

/// Proposals sent since `since` (for flats in the municipality, or all).
pub async fn sent_proposals<C: ConnectionTrait>(
    db: &C,
    municipality_id: Option<i64>,
    since: DateTime<Utc>,
) -> Result<Vec<SentProposal>, sea_orm::DbErr> {
    let mut q = proposal::Entity::find().filter(proposal::Column::SentAt.gte(since));
    if let Some(m) = municipality_id {
        let flats: Vec<i64> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .filter(unit::Column::MunicipalityId.eq(m))
            .into_tuple()
            .all(db)
            .await?;
        q = q.filter(proposal::Column::UnitId.is_in(flats));
    }
    let rows = q.all(db).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut moved: BTreeMap<i64, NaiveDate> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let found: Vec<(i64, Option<NaiveDate>)> = placement::Entity::find()
            .select_only()
            .column(placement::Column::ProposalId)
            .column(placement::Column::MovedInOn)
            .filter(placement::Column::ProposalId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        moved.extend(found.into_iter().filter_map(|(p, d)| d.map(|d| (p, d))));
    }
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            Some(SentProposal {
                unit_id: p.unit_id,
                household_id: p.household_id,
                state: p.state,
                score: p.score,
                sent_at: p.sent_at?,
                landlord_answered_at: p.landlord_answered_at,
                household_answered_at: p.household_answered_at,
                closed_at: p.closed_at,
                moved_in_on: moved.get(&p.id).copied(),
            })
        })
        .collect())
}

/// Flats and households that moved in before `day`: they were gone before the history.
pub async fn moved_in_before<C: ConnectionTrait>(
    db: &C,
    day: NaiveDate,
) -> Result<
    (
        std::collections::BTreeSet<i64>,
        std::collections::BTreeSet<i64>,
    ),
    sea_orm::DbErr,
> {
    let rows: Vec<(i64, i64)> = placement::Entity::find()
        .select_only()
        .column(placement::Column::UnitId)
        .column(placement::Column::HouseholdId)
        .filter(placement::Column::MovedInOn.lt(day))
        .into_tuple()
        .all(db)
        .await?;
    Ok((
        rows.iter().map(|(u, _)| *u).collect(),
        rows.iter().map(|(_, h)| *h).collect(),
    ))
}
