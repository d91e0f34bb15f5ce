//! Proposals, their events and viewings.

use chrono::{DateTime, Utc};
use entities::{household, household_member, proposal, proposal_event, viewing};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::pipeline::ProposalState;

/// The proposal with this id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<proposal::Model>, sea_orm::DbErr> {
    proposal::Entity::find_by_id(id).one(db).await
}

/// Proposal `id` with its unit, when the unit belongs to the landlord whose account is
/// `user_id` (one query; `None` otherwise).
pub async fn find_of_landlord_account<C: ConnectionTrait>(
    db: &C,
    id: i64,
    user_id: i64,
) -> Result<Option<(proposal::Model, entities::unit::Model)>, sea_orm::DbErr> {
    use entities::{landlord, unit};
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    let found = proposal::Entity::find_by_id(id)
        .find_also_related(unit::Entity)
        .join(JoinType::InnerJoin, unit::Relation::Landlord.def())
        .filter(landlord::Column::UserId.eq(user_id))
        .one(db)
        .await?;
    Ok(found.and_then(|(p, u)| u.map(|u| (p, u))))
}

/// A proposal as its landlord sees it listed: with the household and its members (no
/// anchors, no allowed places) and the viewings.
#[derive(Debug, Clone)]
pub struct WithHousehold {
    pub proposal: proposal::Model,
    pub household: household::Model,
    /// In the household's order.
    pub members: Vec<household_member::Model>,
    /// Earliest first.
    pub viewings: Vec<viewing::Model>,
}

/// Proposals of these units in these states, newest first, each with its household,
/// members and viewings: one round trip (members × viewings rows per proposal).
pub async fn for_units<C: ConnectionTrait>(
    db: &C,
    unit_ids: &[i64],
    states: &[ProposalState],
) -> Result<Vec<WithHousehold>, sea_orm::DbErr> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    with_households(
        db,
        sea_orm::Condition::all()
            .add(proposal::Column::UnitId.is_in(unit_ids.to_vec()))
            .add(proposal::Column::State.is_in(states.iter().map(|s| s.as_str()))),
    )
    .await
}

/// What a landlord's proposal list is filtered by.
#[derive(Debug, Clone)]
pub struct LandlordFilter {
    pub landlord_id: i64,
    /// Never empty for a real list (empty finds nothing).
    pub states: Vec<ProposalState>,
    pub unit_id: Option<i64>,
}

/// One page of the proposals of a landlord's units that pass `filter`, newest first, each
/// with its household, members and viewings, and the number over all pages: the page's ids
/// (joined with the units for the landlord), the rows, and a count when the page is full.
pub async fn page_of_landlord<C: ConnectionTrait>(
    db: &C,
    filter: &LandlordFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<WithHousehold>, u64), sea_orm::DbErr> {
    use entities::unit;
    use sea_orm::{JoinType, PaginatorTrait, QuerySelect, RelationTrait};
    let mut cond = sea_orm::Condition::all()
        .add(unit::Column::LandlordId.eq(filter.landlord_id))
        .add(proposal::Column::State.is_in(filter.states.iter().map(|s| s.as_str())));
    if let Some(id) = filter.unit_id {
        cond = cond.add(proposal::Column::UnitId.eq(id));
    }
    let of_landlord = || {
        proposal::Entity::find()
            .join(JoinType::InnerJoin, proposal::Relation::Unit.def())
            .filter(cond.clone())
    };
    let ids: Vec<i64> = of_landlord()
        .select_only()
        .column(proposal::Column::Id)
        .order_by_desc(proposal::Column::Id)
        .offset(offset)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let shown = ids.len() as u64;
    let total = if shown < limit && (offset == 0 || shown > 0) {
        offset + shown
    } else {
        of_landlord().count(db).await?
    };
    if ids.is_empty() {
        return Ok((Vec::new(), total));
    }
    let rows = with_households(
        db,
        sea_orm::Condition::all().add(proposal::Column::Id.is_in(ids)),
    )
    .await?;
    Ok((rows, total))
}

/// The proposals that pass `cond`, newest first, each with its household, members and
/// viewings, in one query; those whose household is gone are left out.
async fn with_households<C: ConnectionTrait>(
    db: &C,
    cond: sea_orm::Condition,
) -> Result<Vec<WithHousehold>, sea_orm::DbErr> {
    use crate::store::joined::{self, Part};
    use std::collections::BTreeMap;
    let query = proposal::Entity::find()
        .filter(cond)
        .find_also_related(household::Entity)
        .find_also(household::Entity, household_member::Entity)
        .find_also(proposal::Entity, viewing::Entity)
        .order_by_desc(proposal::Column::Id);
    type Gathered = (
        proposal::Model,
        household::Model,
        BTreeMap<(i32, i64), household_member::Model>,
        BTreeMap<(DateTime<Utc>, i64), viewing::Model>,
    );
    let mut out: Vec<Gathered> = Vec::new();
    // One row per member and viewing: the proposal and its household are decoded on the
    // first row of each proposal only (see `store::joined`).
    for row in joined::rows(db, query).await? {
        let id = joined::id(&row, Part::A)?;
        if out.last().is_none_or(|(p, ..)| Some(p.id) != id) {
            let Some(household) = joined::model::<household::Model>(&row, Part::B)? else {
                continue;
            };
            let proposal = joined::model::<proposal::Model>(&row, Part::A)?
                .ok_or_else(|| sea_orm::DbErr::RecordNotFound("proposal".into()))?;
            out.push((proposal, household, BTreeMap::new(), BTreeMap::new()));
        }
        // Members repeat once per viewing and viewings once per member: each is decoded
        // on the first row that holds it.
        if let Some((_, _, members, viewings)) = out.last_mut() {
            let member = joined::id(&row, Part::C)?;
            if member.is_some_and(|id| !members.values().any(|m| m.id == id))
                && let Some(m) = joined::model::<household_member::Model>(&row, Part::C)?
            {
                members.insert((m.position, m.id), m);
            }
            let viewing = joined::id(&row, Part::D)?;
            if viewing.is_some_and(|id| !viewings.values().any(|v| v.id == id))
                && let Some(v) = joined::model::<viewing::Model>(&row, Part::D)?
            {
                viewings.insert((v.starts_at, v.id), v);
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(proposal, household, members, viewings)| WithHousehold {
            proposal,
            household,
            members: members.into_values().collect(),
            viewings: viewings.into_values().collect(),
        })
        .collect())
}

/// Who moved a proposal.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub actor_kind: &'a str,
    pub actor_user_id: Option<i64>,
    pub reason_code: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub data: Option<serde_json::Value>,
}

/// Moves a proposal from `from` to `to` (only if it is still in `from`) and records the
/// event. Returns false when the proposal had moved meanwhile.
pub async fn transition<C: ConnectionTrait>(
    db: &C,
    id: i64,
    from: ProposalState,
    to: ProposalState,
    by: &Move<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let mut update = proposal::Entity::update_many()
        .col_expr(proposal::Column::State, to.as_str().to_owned().into())
        .col_expr(
            proposal::Column::IsOpen,
            to.holds_unit_and_household().into(),
        )
        .col_expr(proposal::Column::StateChangedAt, now.into())
        .col_expr(proposal::Column::UpdatedAt, now.into());
    if to.is_final() {
        update = update.col_expr(proposal::Column::ClosedAt, Some(now).into());
    }
    if by.actor_kind.starts_with("landlord") {
        update = update.col_expr(proposal::Column::LandlordAnsweredAt, Some(now).into());
    }
    if by.actor_kind.starts_with("household") {
        update = update.col_expr(proposal::Column::HouseholdAnsweredAt, Some(now).into());
    }
    let result = update
        .filter(proposal::Column::Id.eq(id))
        .filter(proposal::Column::State.eq(from.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    proposal_event::ActiveModel {
        proposal_id: Set(id),
        from_state: Set(Some(from.as_str().to_owned())),
        to_state: Set(to.as_str().to_owned()),
        actor_kind: Set(by.actor_kind.to_owned()),
        actor_user_id: Set(by.actor_user_id),
        reason_code: Set(by.reason_code.map(str::to_owned)),
        reason: Set(by.reason.map(str::to_owned)),
        data: Set(by.data.as_ref().map(|d| d.to_string())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The municipality's systems hear of it in the same transaction (webhook outbox).
    if let Some(event) = crate::domain::webhooks::event_of_move(from, to) {
        let about = super::webhooks::About {
            proposal_id: Some(id),
            household_id: None,
        };
        let data = serde_json::json!({
            "proposal_id": id,
            "from_state": from.as_str(),
            "state": to.as_str(),
        });
        super::webhooks::enqueue(db, event, about, data, now).await?;
    }
    Ok(true)
}

/// A proposal's events, oldest first.
pub async fn events<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Vec<proposal_event::Model>, sea_orm::DbErr> {
    proposal_event::Entity::find()
        .filter(proposal_event::Column::ProposalId.eq(id))
        .order_by_asc(proposal_event::Column::Id)
        .all(db)
        .await
}

/// The events of these proposals, in any order; in chunks, so the number of proposals is
/// not limited by the database's parameter limit.
pub async fn events_of_many<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Vec<proposal_event::Model>, sea_orm::DbErr> {
    let mut events = Vec::new();
    for chunk in ids.chunks(500) {
        events.extend(
            proposal_event::Entity::find()
                .filter(proposal_event::Column::ProposalId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(events)
}

/// Records a proposed viewing time.
pub async fn add_viewing<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
    proposed_by: &str,
    starts_at: DateTime<Utc>,
    place: &str,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = viewing::ActiveModel {
        proposal_id: Set(proposal_id),
        status: Set("proposed".into()),
        proposed_by: Set(proposed_by.to_owned()),
        starts_at: Set(starts_at),
        ends_at: Set(None),
        place: Set(place.to_owned()),
        accompanied_by_user_id: Set(None),
        accompanied_by_name: Set(None),
        note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The viewings of one proposal, earliest first.
pub async fn viewings<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
) -> Result<Vec<viewing::Model>, sea_orm::DbErr> {
    viewing::Entity::find()
        .filter(viewing::Column::ProposalId.eq(proposal_id))
        .order_by_asc(viewing::Column::StartsAt)
        .all(db)
        .await
}

/// The viewing with this id.
pub async fn viewing<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<viewing::Model>, sea_orm::DbErr> {
    viewing::Entity::find_by_id(id).one(db).await
}

/// Marks a proposal as reminded; false when it was already (another run got there first),
/// so each reminder goes out once.
pub async fn mark_reminded<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    Ok(proposal::Entity::update_many()
        .col_expr(
            proposal::Column::RemindedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(proposal::Column::Id.eq(id))
        .filter(proposal::Column::RemindedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
