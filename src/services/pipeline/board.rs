//! The proposals of a municipality by stage, a household's or a flat's proposals, and one
//! proposal with everything its page shows.

use std::collections::BTreeMap;

use entities::{
    follow_up, incentive_programme, placement, proposal_event, unit_incentive, viewing,
};
use serde::Deserialize;

use super::{ProposalView, may_manage, view_of};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::pipeline::ProposalState;
use crate::services::{CurrentUser, ServiceError};
use crate::store::households::StoredHousehold;
use crate::store::pipeline as store;
use crate::store::units::StoredUnit;
use crate::store::{households, units};

/// A household's proposals (for its profile).
pub async fn for_household(
    app: &App,
    user: &CurrentUser,
    household_id: i64,
) -> Result<Vec<ProposalView>, ServiceError> {
    let rows = store::of_household(&app.db, household_id).await?;
    rows.iter()
        .filter(|r| may_manage(user, r))
        .map(view_of)
        .collect()
}

/// A unit's proposals (for the unit page, staff only).
pub async fn for_unit(
    app: &App,
    user: &CurrentUser,
    unit_id: i64,
) -> Result<Vec<ProposalView>, ServiceError> {
    let rows = store::of_unit(&app.db, unit_id).await?;
    rows.iter()
        .filter(|r| may_manage(user, r))
        .map(view_of)
        .collect()
}

/// The stages the pipeline board groups proposals into.
pub const STAGES: &[(&str, &[ProposalState])] = &[
    ("review", &[ProposalState::Suggested]),
    (
        "waiting",
        &[
            ProposalState::Approved,
            ProposalState::Sent,
            ProposalState::LandlordAccepted,
            ProposalState::HouseholdAccepted,
        ],
    ),
    (
        "viewing",
        &[
            ProposalState::Accepted,
            ProposalState::ViewingScheduled,
            ProposalState::ViewingHeld,
        ],
    ),
    (
        "contract",
        &[
            ProposalState::JobcenterRequested,
            ProposalState::JobcenterGranted,
            ProposalState::LeaseSigned,
        ],
    ),
    ("moved_in", &[ProposalState::MovedIn]),
    (
        "ended",
        &[
            ProposalState::Sustained,
            ProposalState::EndedEarly,
            ProposalState::LandlordDeclined,
            ProposalState::HouseholdDeclined,
            ProposalState::Expired,
            ProposalState::JobcenterRefused,
            ProposalState::Withdrawn,
        ],
    ),
];

/// The proposals of a municipality in a stage (`None`: all but the superseded ones).
pub async fn for_municipality(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    stage: Option<&str>,
) -> Result<Vec<ProposalView>, ServiceError> {
    if !user.can_manage(municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let states: Option<&[ProposalState]> =
        stage.and_then(|s| STAGES.iter().find(|(k, _)| *k == s).map(|(_, v)| *v));
    let rows = store::of_municipality(&app.db, municipality_id, states).await?;
    rows.iter().map(view_of).collect()
}

/// Which proposals [`page`] lists: those of `municipalities`, optionally only in a stage
/// of the board (an unknown stage is the caller's to refuse), in one state, or of one flat.
#[derive(Debug, Clone, Default)]
pub struct Listing<'a> {
    pub municipalities: &'a [i64],
    pub stage: Option<&'a str>,
    pub state: Option<ProposalState>,
    pub unit_id: Option<i64>,
}

/// One page of the proposals `listing` asks for (its municipalities each managed by
/// `user`), newest first; and how many there are in all.
pub async fn page(
    app: &App,
    user: &CurrentUser,
    listing: &Listing<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<ProposalView>, u64), ServiceError> {
    let Listing {
        municipalities,
        stage,
        state,
        unit_id,
    } = listing.clone();
    if !municipalities.iter().all(|m| user.can_manage(*m)) {
        return Err(ServiceError::Forbidden);
    }
    let states = wanted_states(stage, state);
    let filter = store::ProposalFilter {
        municipalities: municipalities.to_vec(),
        states,
        unit_id,
    };
    let (rows, total) = store::page(&app.db, &filter, offset, limit).await?;
    Ok((rows.iter().map(view_of).collect::<Result<_, _>>()?, total))
}

/// The states a listing keeps: those of the stage (none for an unknown one), narrowed to
/// the one state asked for; `None` keeps every state.
pub fn wanted_states(
    stage: Option<&str>,
    state: Option<ProposalState>,
) -> Option<Vec<ProposalState>> {
    let in_stage: Option<Vec<ProposalState>> = stage.map(|s| {
        STAGES
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, v)| v.to_vec())
            .unwrap_or_default()
    });
    match (in_stage, state) {
        (Some(mut states), Some(state)) => {
            states.retain(|s| *s == state);
            Some(states)
        }
        (Some(states), None) => Some(states),
        (None, Some(state)) => Some(vec![state]),
        (None, None) => None,
    }
}

/// A scored criterion as stored with a run's candidates.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct StoredCriterion {
    pub name: String,
    pub weight: f64,
    pub points: f64,
    pub text_de: String,
    pub text_en: String,
}

impl StoredCriterion {
    /// The sentence in `locale`.
    pub fn text(&self, locale: Locale) -> &str {
        match locale {
            Locale::De => &self.text_de,
            Locale::En => &self.text_en,
        }
    }
}

/// Everything the proposal page shows.
#[derive(Debug, Clone)]
pub struct ProposalDetail {
    pub view: ProposalView,
    pub unit: StoredUnit,
    pub household: StoredHousehold,
    pub landlord: entities::landlord::Model,
    pub events: Vec<proposal_event::Model>,
    pub viewings: Vec<viewing::Model>,
    pub placement: Option<placement::Model>,
    pub follow_ups: Vec<follow_up::Model>,
    pub criteria: Vec<StoredCriterion>,
    pub incentives: Vec<(unit_incentive::Model, incentive_programme::Model)>,
    /// Staff who can accompany a viewing (volunteers and coordinators of the unit's
    /// municipality): (user id, name).
    pub companions: Vec<(i64, String)>,
    /// Names of the users who acted, by id.
    pub actors: BTreeMap<i64, String>,
}

/// Parses the criteria stored with a candidate.
pub fn parse_criteria(json: &str) -> Vec<StoredCriterion> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A proposal with its history, for the coordinator.
pub async fn detail(
    app: &App,
    user: &CurrentUser,
    id: i64,
) -> Result<ProposalDetail, ServiceError> {
    // Five or six round trips with the session: see `store::pipeline::detail`.
    let db = &app.db;
    let core = store::detail::core(db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    if !may_manage(user, &core.row) {
        return Err(ServiceError::Forbidden);
    }
    let row = core.row;
    let landlord = core.landlord;
    let unit = units::from_row(row.unit.clone())?;
    let household = households::find(db, row.household.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let tail = store::detail::tail(db, id).await?;
    let mut actors = BTreeMap::new();
    let mut events = Vec::new();
    for (event, actor) in store::detail::history(db, id).await? {
        if let (Some(id), Some(name)) = (event.actor_user_id, actor) {
            actors.insert(id, name);
        }
        events.push(event);
    }
    let criteria = tail
        .criteria
        .as_deref()
        .map(parse_criteria)
        .unwrap_or_default();
    // The flat's requests with the programmes of the flat's municipality.
    let incentives = core
        .incentives
        .into_iter()
        .filter(|(_, p)| p.municipality_id == unit.municipality_id)
        .collect();
    // Who can come along is needed where a viewing can be arranged or names someone of
    // the team; otherwise the round trip is saved.
    let state = super::state_of(&row.proposal)?;
    let companions = if crate::domain::pipeline::Action::ScheduleViewing
        .target(state)
        .is_some()
        || tail
            .viewings
            .iter()
            .any(|v| v.accompanied_by_user_id.is_some())
    {
        companions(app, unit.municipality_id).await?
    } else {
        Vec::new()
    };
    let (viewings, placement, follow_ups) = (tail.viewings, tail.placement, tail.follow_ups);
    Ok(ProposalDetail {
        view: view_of(&row)?,
        unit,
        household,
        landlord,
        events,
        viewings,
        placement,
        follow_ups,
        criteria,
        incentives,
        companions,
        actors,
    })
}

/// Volunteers and coordinators of a municipality, by name.
pub(super) async fn companions(
    app: &App,
    municipality_id: i64,
) -> Result<Vec<(i64, String)>, ServiceError> {
    Ok(crate::store::users::companions_of(&app.db, municipality_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_keeps_the_stage_narrowed_to_the_state() {
        use ProposalState::*;
        assert_eq!(wanted_states(None, None), None);
        assert_eq!(wanted_states(None, Some(Sent)), Some(vec![Sent]));
        assert_eq!(
            wanted_states(Some("waiting"), None),
            Some(vec![Approved, Sent, LandlordAccepted, HouseholdAccepted])
        );
        assert_eq!(wanted_states(Some("waiting"), Some(Sent)), Some(vec![Sent]));
        // A state outside the stage, or a stage nobody knows: nothing, not everything.
        assert_eq!(wanted_states(Some("review"), Some(Sent)), Some(vec![]));
        assert_eq!(wanted_states(Some("nowhere"), None), Some(vec![]));
        // Every state lies in one stage at most; a suggestion the coordinator rejected
        // in none (the board leaves it out).
        for state in ProposalState::ALL {
            let stages = STAGES.iter().filter(|(_, v)| v.contains(state)).count();
            let expected = usize::from(*state != Rejected);
            assert_eq!(stages, expected, "{state:?}");
        }
    }
}
