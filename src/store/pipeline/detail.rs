//! One proposal with everything its page shows, in three round trips: the proposal with
//! its flat, household, landlord and the flat's incentive requests; its viewings,
//! placement, follow-ups and scored criteria; its history with who acted.

use std::collections::BTreeMap;

use entities::{
    follow_up, household, incentive_programme, landlord, match_candidate, placement, proposal,
    proposal_event, unit, unit_incentive, user, viewing,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::ProposalRow;

/// The proposal with the rows around it that have one value each, and the flat's
/// incentive requests with their programmes (by request id).
#[derive(Debug, Clone)]
pub struct DetailCore {
    pub row: ProposalRow,
    pub landlord: landlord::Model,
    pub incentives: Vec<(unit_incentive::Model, incentive_programme::Model)>,
}

/// The proposal's own lists.
#[derive(Debug, Clone, Default)]
pub struct DetailTail {
    /// Earliest first.
    pub viewings: Vec<viewing::Model>,
    pub placement: Option<placement::Model>,
    /// By month.
    pub follow_ups: Vec<follow_up::Model>,
    /// The scored criteria as stored with the run's candidate (JSON), if it came from one.
    pub criteria: Option<String>,
}

/// The proposal, its flat, household and landlord, and the flat's incentive requests: one
/// row per request (or one without), so a single round trip.
pub async fn core<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<DetailCore>, sea_orm::DbErr> {
    let rows = proposal::Entity::find_by_id(id)
        .find_also_related(unit::Entity)
        .find_also_related(household::Entity)
        .find_also(unit::Entity, landlord::Entity)
        .find_also(unit::Entity, unit_incentive::Entity)
        .find_also(unit_incentive::Entity, incentive_programme::Entity)
        .all(db)
        .await?;
    let mut incentives = BTreeMap::new();
    let mut head = None;
    for (proposal, unit, household, landlord, request, programme) in rows {
        if let (Some(request), Some(programme)) = (request, programme) {
            incentives.insert(request.id, (request, programme));
        }
        if head.is_none()
            && let (Some(unit), Some(household), Some(landlord)) = (unit, household, landlord)
        {
            head = Some((
                ProposalRow {
                    proposal,
                    unit,
                    household,
                },
                landlord,
            ));
        }
    }
    Ok(head.map(|(row, landlord)| DetailCore {
        row,
        landlord,
        incentives: incentives.into_values().collect(),
    }))
}

/// The proposal's viewings, placement with its follow-ups and stored criteria, joined in
/// one round trip (viewings × follow-ups rows, a handful of each).
pub async fn tail<C: ConnectionTrait>(db: &C, id: i64) -> Result<DetailTail, sea_orm::DbErr> {
    let rows = proposal::Entity::find_by_id(id)
        .find_also_related(viewing::Entity)
        .find_also(proposal::Entity, placement::Entity)
        .find_also(placement::Entity, follow_up::Entity)
        .find_also(proposal::Entity, match_candidate::Entity)
        .all(db)
        .await?;
    let mut viewings = BTreeMap::new();
    let mut follow_ups = BTreeMap::new();
    let mut out = DetailTail::default();
    for (_, viewing, placement, follow_up, candidate) in rows {
        if let Some(v) = viewing {
            viewings.insert((v.starts_at, v.id), v);
        }
        if let Some(f) = follow_up {
            follow_ups.insert((f.month, f.id), f);
        }
        if out.placement.is_none() {
            out.placement = placement;
        }
        if out.criteria.is_none() {
            out.criteria = candidate.map(|c| c.criteria);
        }
    }
    out.viewings = viewings.into_values().collect();
    out.follow_ups = follow_ups.into_values().collect();
    Ok(out)
}

/// The proposal's history, oldest first, with the name of whoever acted.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Vec<(proposal_event::Model, Option<String>)>, sea_orm::DbErr> {
    Ok(proposal_event::Entity::find()
        .filter(proposal_event::Column::ProposalId.eq(id))
        .find_also_related(user::Entity)
        .order_by_asc(proposal_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|(event, actor)| (event, actor.map(|u| u.display_name)))
        .collect())
}
