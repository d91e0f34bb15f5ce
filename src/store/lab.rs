//! What the policy lab reads of the service's history: when flats and households came and
//! went, and how proposals were answered.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{household, lab_run, placement, proposal, unit};
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

/// A comparison to store, as it starts.
#[derive(Debug, Clone)]
pub struct NewLabRun {
    pub municipality_id: Option<i64>,
    pub created_by: Option<i64>,
    pub months: i32,
    pub policies: String,
    pub seeds: i32,
    pub total: i32,
}

/// Stores a running comparison and returns its id.
pub async fn insert_run<C: ConnectionTrait>(
    db: &C,
    run: &NewLabRun,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::{ActiveModelTrait, Set};
    let row = lab_run::ActiveModel {
        municipality_id: Set(run.municipality_id),
        created_by_user_id: Set(run.created_by),
        months: Set(run.months),
        policies: Set(run.policies.clone()),
        seeds: Set(run.seeds),
        status: Set("running".into()),
        done: Set(0),
        total: Set(run.total),
        result: Set(None),
        error: Set(None),
        created_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Writes how many runs of a comparison are done.
pub async fn set_done<C: ConnectionTrait>(
    db: &C,
    id: i64,
    done: i32,
) -> Result<(), sea_orm::DbErr> {
    lab_run::Entity::update_many()
        .col_expr(lab_run::Column::Done, done.into())
        .filter(lab_run::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a comparison: its result (JSON) or why it failed.
pub async fn finish_run<C: ConnectionTrait>(
    db: &C,
    id: i64,
    result: Result<String, String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    let mut update = lab_run::Entity::update_many()
        .col_expr(lab_run::Column::FinishedAt, Expr::value(now))
        .filter(lab_run::Column::Id.eq(id));
    update = match result {
        Ok(json) => update
            .col_expr(lab_run::Column::Status, Expr::value("done"))
            .col_expr(lab_run::Column::Done, Expr::col(lab_run::Column::Total))
            .col_expr(lab_run::Column::Result, Expr::value(json)),
        Err(e) => update
            .col_expr(lab_run::Column::Status, Expr::value("failed"))
            .col_expr(lab_run::Column::Error, Expr::value(e)),
    };
    update.exec(db).await?;
    Ok(())
}

/// One comparison.
pub async fn find_run<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<lab_run::Model>, sea_orm::DbErr> {
    lab_run::Entity::find_by_id(id).one(db).await
}

/// The latest comparisons, newest first, of the given municipalities (`None`: all).
pub async fn recent_runs<C: ConnectionTrait>(
    db: &C,
    municipalities: Option<&[i64]>,
    limit: u64,
) -> Result<Vec<lab_run::Model>, sea_orm::DbErr> {
    use sea_orm::QueryOrder;
    let mut q = lab_run::Entity::find()
        .order_by_desc(lab_run::Column::CreatedAt)
        .order_by_desc(lab_run::Column::Id)
        .limit(limit);
    if let Some(ids) = municipalities {
        q = q.filter(lab_run::Column::MunicipalityId.is_in(ids.to_vec()));
    }
    q.all(db).await
}
