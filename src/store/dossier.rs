//! The rows an export (Art. 15) gathers about a household or a landlord: every entry of
//! the map in `domain::personal_data` that concerns them.

use entities::{
    audit_entry, follow_up, household_anchor, household_member, match_candidate, municipality,
    outbox_message, placement, proposal, proposal_event, review_flag, unit, unit_draft,
    unit_incentive, unit_photo, viewing,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Everything on the proposals of a household or of a landlord's flats.
#[derive(Debug, Clone, Default)]
pub struct ProposalRows {
    pub proposals: Vec<proposal::Model>,
    pub events: Vec<proposal_event::Model>,
    pub viewings: Vec<viewing::Model>,
    pub placements: Vec<placement::Model>,
    pub follow_ups: Vec<follow_up::Model>,
    /// The flats of the proposals.
    pub units: Vec<unit::Model>,
}

/// The proposals matching `which` and everything on them.
pub async fn proposal_rows<C: ConnectionTrait>(
    db: &C,
    which: Condition,
) -> Result<ProposalRows, sea_orm::DbErr> {
    let proposals = proposal::Entity::find()
        .filter(which)
        .order_by_asc(proposal::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = proposals.iter().map(|p| p.id).collect();
    let unit_ids: Vec<i64> = proposals.iter().map(|p| p.unit_id).collect();
    let events = proposal_event::Entity::find()
        .filter(proposal_event::Column::ProposalId.is_in(ids.clone()))
        .order_by_asc(proposal_event::Column::Id)
        .all(db)
        .await?;
    let viewings = viewing::Entity::find()
        .filter(viewing::Column::ProposalId.is_in(ids.clone()))
        .order_by_asc(viewing::Column::Id)
        .all(db)
        .await?;
    let placements = placement::Entity::find()
        .filter(placement::Column::ProposalId.is_in(ids))
        .order_by_asc(placement::Column::Id)
        .all(db)
        .await?;
    let follow_ups = follow_up::Entity::find()
        .filter(
            follow_up::Column::PlacementId
                .is_in(placements.iter().map(|p| p.id).collect::<Vec<_>>()),
        )
        .order_by_asc(follow_up::Column::PlacementId)
        .order_by_asc(follow_up::Column::Month)
        .all(db)
        .await?;
    let units = unit::Entity::find()
        .filter(unit::Column::Id.is_in(unit_ids))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    Ok(ProposalRows {
        proposals,
        events,
        viewings,
        placements,
        follow_ups,
        units,
    })
}

/// The proposals of a household.
pub fn of_household(household_id: i64) -> Condition {
    Condition::all().add(proposal::Column::HouseholdId.eq(household_id))
}

/// The proposals of some flats.
pub fn of_units(unit_ids: &[i64]) -> Condition {
    Condition::all().add(proposal::Column::UnitId.is_in(unit_ids.to_vec()))
}

/// A household's persons and anchors, as stored.
pub async fn members_and_anchors<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<(Vec<household_member::Model>, Vec<household_anchor::Model>), sea_orm::DbErr> {
    let members = household_member::Entity::find()
        .filter(household_member::Column::HouseholdId.eq(household_id))
        .order_by_asc(household_member::Column::Position)
        .all(db)
        .await?;
    let anchors = household_anchor::Entity::find()
        .filter(household_anchor::Column::HouseholdId.eq(household_id))
        .order_by_asc(household_anchor::Column::Position)
        .all(db)
        .await?;
    Ok((members, anchors))
}

/// The pairs the engine scored for a household, newest run first.
pub async fn candidates<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Vec<match_candidate::Model>, sea_orm::DbErr> {
    match_candidate::Entity::find()
        .filter(match_candidate::Column::HouseholdId.eq(household_id))
        .order_by_desc(match_candidate::Column::MatchRunId)
        .order_by_asc(match_candidate::Column::Rank)
        .all(db)
        .await
}

/// Review notes about these records of `entity` (on either side of the pair).
pub async fn flags<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    ids: &[i64],
) -> Result<Vec<review_flag::Model>, sea_orm::DbErr> {
    review_flag::Entity::find()
        .filter(review_flag::Column::Entity.eq(entity))
        .filter(
            Condition::any()
                .add(review_flag::Column::EntityId.is_in(ids.to_vec()))
                .add(review_flag::Column::OtherEntityId.is_in(ids.to_vec())),
        )
        .order_by_asc(review_flag::Column::Id)
        .all(db)
        .await
}

/// Audit entries about these records (`(entity, ids)` pairs), oldest first.
pub async fn audit_about<C: ConnectionTrait>(
    db: &C,
    about: &[(&str, Vec<i64>)],
) -> Result<Vec<audit_entry::Model>, sea_orm::DbErr> {
    let mut any = Condition::any();
    for (entity, ids) in about.iter().filter(|(_, ids)| !ids.is_empty()) {
        any = any.add(
            Condition::all()
                .add(audit_entry::Column::Entity.eq(*entity))
                .add(audit_entry::Column::EntityId.is_in(ids.clone())),
        );
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    audit_entry::Entity::find()
        .filter(any)
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await
}

/// Audit entries by an account, oldest first.
pub async fn audit_by<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<audit_entry::Model>, sea_orm::DbErr> {
    audit_entry::Entity::find()
        .filter(audit_entry::Column::ActorUserId.eq(user_id))
        .order_by_asc(audit_entry::Column::Id)
        .all(db)
        .await
}

/// E-mails to a person: on these proposals to their side (`kind` ending in `party`), or
/// to one of their addresses; oldest first.
pub async fn mails<C: ConnectionTrait>(
    db: &C,
    proposals: &[i64],
    party: &str,
    addresses: &[String],
) -> Result<Vec<outbox_message::Model>, sea_orm::DbErr> {
    let mut rows = super::outbox::to_person(db, proposals, party, addresses).await?;
    rows.reverse();
    Ok(rows)
}

/// Names of municipalities by id.
pub async fn municipality_names<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::BTreeMap<i64, String>, sea_orm::DbErr> {
    Ok(municipality::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect())
}

/// A landlord's flats, incentive requests, photos and drafts, as stored.
#[derive(Debug, Clone, Default)]
pub struct LandlordRows {
    pub units: Vec<unit::Model>,
    pub incentives: Vec<unit_incentive::Model>,
    pub photos: Vec<unit_photo::Model>,
    pub drafts: Vec<unit_draft::Model>,
}

/// Everything a landlord entered about their flats.
pub async fn landlord_rows<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
) -> Result<LandlordRows, sea_orm::DbErr> {
    let units = unit::Entity::find()
        .filter(unit::Column::LandlordId.eq(landlord_id))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let incentives = unit_incentive::Entity::find()
        .filter(unit_incentive::Column::UnitId.is_in(ids.clone()))
        .order_by_asc(unit_incentive::Column::Id)
        .all(db)
        .await?;
    let drafts = unit_draft::Entity::find()
        .filter(unit_draft::Column::LandlordId.eq(landlord_id))
        .order_by_asc(unit_draft::Column::Id)
        .all(db)
        .await?;
    let photos = unit_photo::Entity::find()
        .filter(
            Condition::any()
                .add(unit_photo::Column::UnitId.is_in(ids))
                .add(
                    unit_photo::Column::DraftId
                        .is_in(drafts.iter().map(|d| d.id).collect::<Vec<_>>()),
                ),
        )
        .order_by_asc(unit_photo::Column::Id)
        .all(db)
        .await?;
    Ok(LandlordRows {
        units,
        incentives,
        photos,
        drafts,
    })
}
