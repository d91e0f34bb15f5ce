//! What the map of a municipality reads: its flats and the important places (anchors) of
//! its looking households.

use entities::{household, household_anchor, unit};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The municipality's flats that are not withdrawn, by id.
pub async fn units<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<unit::Model>, DbErr> {
    unit::Entity::find()
        .filter(unit::Column::MunicipalityId.eq(municipality_id))
        .filter(unit::Column::Status.ne("withdrawn"))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await
}

/// The anchors of the municipality's active and paused households, each with its
/// household's reference, by household and the anchors' order.
pub async fn anchors<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<(String, household_anchor::Model)>, DbErr> {
    let households: std::collections::HashMap<i64, String> = household::Entity::find()
        .select_only()
        .columns([household::Column::Id, household::Column::Reference])
        .filter(household::Column::MunicipalityId.eq(municipality_id))
        .filter(household::Column::Status.is_in(["active", "paused"]))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut ids: Vec<i64> = households.keys().copied().collect();
    ids.sort_unstable();
    let mut anchors = Vec::new();
    for chunk in ids.chunks(500) {
        anchors.extend(
            household_anchor::Entity::find()
                .filter(household_anchor::Column::HouseholdId.is_in(chunk.to_vec()))
                .order_by_asc(household_anchor::Column::HouseholdId)
                .order_by_asc(household_anchor::Column::Position)
                .all(db)
                .await?,
        );
    }
    Ok(anchors
        .into_iter()
        .filter_map(|a| Some((households.get(&a.household_id)?.clone(), a)))
        .collect())
}
