//! The placement pipeline from the coordinator's side: approving or rejecting what a match
//! run suggests (or picking an alternative), answers entered on behalf of landlords and
//! households, viewings, the Jobcenter, the lease, move-in with the places freed in
//! follow-up housing, the follow-ups at 1, 3, 6 and 12 months, and the end.
//!
//! Every step is checked against the pipeline (`domain::pipeline`) and against the data
//! it needs, runs in one transaction with the proposal's event (actor, time, reason), and
//! writes the e-mails it causes to the outbox in that same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use entities::{
    follow_up, incentive_programme, placement, proposal_event, unit_incentive, viewing,
};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Deserialize;

use super::proposals::{berlin_to_utc, parse_slot};
use super::units::{Fields, parse_date};
use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::pipeline::{ProposalState, check_transition};
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale};
use crate::engine::PairVerdict;
use crate::store::households::StoredHousehold;
use crate::store::pipeline::{self as store, FollowUpOutcome, NewViewing, ProposalRow};
use crate::store::proposals::{self as proposals_store, Move};
use crate::store::units::StoredUnit;
use crate::store::{households, landlords, municipalities, units};

/// Months after move-in at which the coordinator checks how the tenancy goes.
pub const FOLLOW_UP_MONTHS: [u32; 4] = [1, 3, 6, 12];
/// Why a household declines (a landlord's reasons are in `proposals::DECLINE_REASONS`).
pub const HOUSEHOLD_REASONS: &[&str] =
    &["too_far", "too_expensive", "too_small", "timing", "other"];
/// Lease kinds: directly with the landlord, or the municipality rents and sublets.
pub const LEASE_KINDS: &[&str] = &["direct", "head_lease"];

/// A proposal as lists show it.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub id: i64,
    pub state: ProposalState,
    pub unit_id: i64,
    pub unit_municipality_id: i64,
    pub unit_address: String,
    pub household_id: i64,
    pub household_municipality_id: i64,
    pub household_reference: String,
    pub score: f64,
    pub origin: String,
    pub override_reason: Option<String>,
    pub match_run_id: Option<i64>,
    pub candidate_id: Option<i64>,
    pub state_changed_at: DateTime<Utc>,
    pub answer_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The list view of a proposal row.
pub fn view_of(row: &ProposalRow) -> Result<ProposalView, ServiceError> {
    let p = &row.proposal;
    let u = &row.unit;
    Ok(ProposalView {
        id: p.id,
        state: p
            .state
            .parse()
            .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?,
        unit_id: u.id,
        unit_municipality_id: u.municipality_id,
        unit_address: format!(
            "{} {}, {} {}",
            u.street, u.house_number, u.postal_code, u.town
        ),
        household_id: row.household.id,
        household_municipality_id: row.household.municipality_id,
        household_reference: row.household.reference.clone(),
        score: p.score,
        origin: p.origin.clone(),
        override_reason: p.override_reason.clone(),
        match_run_id: p.match_run_id,
        candidate_id: p.candidate_id,
        state_changed_at: p.state_changed_at,
        answer_due_at: p.answer_due_at,
        created_at: p.created_at,
    })
}

fn may_manage(user: &CurrentUser, row: &ProposalRow) -> bool {
    user.can_manage(row.unit.municipality_id) || user.can_manage(row.household.municipality_id)
}

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

async fn load(app: &App, user: &CurrentUser, id: i64) -> Result<ProposalRow, ServiceError> {
    let row = store::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    if !may_manage(user, &row) {
        return Err(ServiceError::Forbidden);
    }
    Ok(row)
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
    let row = load(app, user, id).await?;
    let db = &app.db;
    let unit = units::find(db, row.unit.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let household = households::find(db, row.household.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let landlord = landlords::find(db, unit.landlord_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    let events = proposals_store::events(db, id).await?;
    let viewings = proposals_store::viewings(db, id).await?;
    let placement = store::placement_of(db, id).await?;
    let follow_ups = match &placement {
        Some(p) => store::follow_ups_of(db, &[p.id]).await?,
        None => Vec::new(),
    };
    let criteria = match row.proposal.candidate_id {
        Some(cid) => entities::match_candidate::Entity::find_by_id(cid)
            .one(db)
            .await?
            .map(|c| parse_criteria(&c.criteria))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let requests = unit_incentive::Entity::find()
        .filter(unit_incentive::Column::UnitId.eq(unit.id))
        .order_by_asc(unit_incentive::Column::Id)
        .all(db)
        .await?;
    let programmes: BTreeMap<i64, incentive_programme::Model> = incentive_programme::Entity::find()
        .filter(incentive_programme::Column::MunicipalityId.eq(unit.municipality_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let incentives = requests
        .into_iter()
        .filter_map(|r| programmes.get(&r.programme_id).cloned().map(|p| (r, p)))
        .collect();
    let companions = companions(app, unit.municipality_id).await?;
    let mut actor_ids: Vec<i64> = events.iter().filter_map(|e| e.actor_user_id).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let actors = entities::user::Entity::find()
        .filter(entities::user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
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
async fn companions(app: &App, municipality_id: i64) -> Result<Vec<(i64, String)>, ServiceError> {
    let ids: Vec<i64> = entities::user_municipality::Entity::find()
        .filter(entities::user_municipality::Column::MunicipalityId.eq(municipality_id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(entities::user::Entity::find()
        .filter(entities::user::Column::Id.is_in(ids))
        .filter(entities::user::Column::DisabledAt.is_null())
        .filter(
            entities::user::Column::Role
                .is_in([Role::Volunteer.as_str(), Role::Coordinator.as_str()]),
        )
        .order_by_asc(entities::user::Column::DisplayName)
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Why a step could not be taken, for the person who tried.
#[derive(Debug, Clone, PartialEq)]
pub enum StepError {
    /// Some fields are missing or wrong.
    Fields(FieldErrors),
    /// The pipeline does not allow this move from where the proposal stands.
    Illegal {
        from: ProposalState,
        to: ProposalState,
    },
    /// The data does not allow it (a catalog key, e.g. `pipeline.blocked.unit_taken`),
    /// with sentences in German and English where the engine explains more.
    Blocked {
        key: &'static str,
        details: Vec<(String, String)>,
    },
}

impl StepError {
    fn field(name: &str, key: &str) -> Self {
        StepError::Fields(FieldErrors::single(name, key))
    }

    fn blocked(key: &'static str) -> Self {
        StepError::Blocked {
            key,
            details: Vec::new(),
        }
    }
}

/// What a coordinator can do with a proposal (the `action` of the forms).
pub const ACTIONS: &[&str] = &[
    "approve",
    "reject",
    "landlord_accept",
    "landlord_decline",
    "household_accept",
    "household_decline",
    "schedule_viewing",
    "viewing_held",
    "jobcenter_requested",
    "jobcenter_granted",
    "jobcenter_refused",
    "lease_signed",
    "moved_in",
    "sustained",
    "ended_early",
    "withdraw",
];

/// The state an action leads to from `from`, if the action exists.
pub fn target(action: &str, from: ProposalState) -> Option<ProposalState> {
    use ProposalState::*;
    Some(match action {
        "approve" => Approved,
        "reject" => Rejected,
        "landlord_accept" => {
            if from == HouseholdAccepted {
                Accepted
            } else {
                LandlordAccepted
            }
        }
        "household_accept" => {
            if from == LandlordAccepted {
                Accepted
            } else {
                HouseholdAccepted
            }
        }
        "landlord_decline" => LandlordDeclined,
        "household_decline" => HouseholdDeclined,
        "schedule_viewing" => ViewingScheduled,
        "viewing_held" => ViewingHeld,
        "jobcenter_requested" => JobcenterRequested,
        "jobcenter_granted" => JobcenterGranted,
        "jobcenter_refused" => JobcenterRefused,
        "lease_signed" => LeaseSigned,
        "moved_in" => MovedIn,
        "sustained" => Sustained,
        "ended_early" => EndedEarly,
        "withdraw" => Withdrawn,
        _ => return None,
    })
}

/// The actions open from a state (for the page's forms).
pub fn actions_from(from: ProposalState) -> Vec<&'static str> {
    ACTIONS
        .iter()
        .copied()
        .filter(|a| target(a, from).is_some_and(|to| from.can_move_to(to)))
        .collect()
}

fn required_text(f: Fields<'_>, name: &str, max: usize, errors: &mut FieldErrors) -> String {
    let text = f.get(name);
    if text.is_empty() {
        errors.add(name, "validation.required");
    } else if text.chars().count() > max {
        errors.add(name, "validation.too_long");
    }
    text.to_owned()
}

fn optional_text(
    f: Fields<'_>,
    name: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    let text = f.get(name);
    if text.chars().count() > max {
        errors.add(name, "validation.too_long");
    }
    Some(text.to_owned()).filter(|t| !t.is_empty())
}

/// A date that must be given and not lie in the future.
fn past_date(
    f: Fields<'_>,
    name: &str,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> Option<NaiveDate> {
    let text = f.get(name);
    if text.is_empty() {
        errors.add(name, "validation.required");
        return None;
    }
    match parse_date(text) {
        Some(d) if d > today => {
            errors.add(name, "validation.date_future");
            None
        }
        Some(d) => Some(d),
        None => {
            errors.add(name, "validation.date");
            None
        }
    }
}

fn money(f: Fields<'_>, name: &str, required: bool, errors: &mut FieldErrors) -> Option<Cents> {
    let text = f.get(name);
    if text.is_empty() {
        if required {
            errors.add(name, "validation.required");
        }
        return None;
    }
    match crate::util::parse_number(text).and_then(Cents::from_euros_f64) {
        Some(c) if (0..=1_000_000).contains(&c.0) => Some(c),
        Some(_) => {
            errors.add(name, "validation.costs_range");
            None
        }
        None => {
            errors.add(name, "validation.number");
            None
        }
    }
}

/// What a step changes besides the state, decided before the transaction.
#[derive(Debug, Clone, Default)]
struct Effects {
    reason_code: Option<String>,
    reason: Option<String>,
    data: Option<serde_json::Value>,
    viewing: Option<NewViewing>,
    viewing_note: Option<String>,
    jobcenter: Option<(&'static str, NaiveDate)>,
    lease: Option<(String, NaiveDate, NaiveDate, Cents, Cents, Cents)>,
    moved_in: Option<(NaiveDate, Option<String>, i32)>,
    ended: Option<(NaiveDate, String)>,
}

fn reasons_for(action: &str) -> &'static [&'static str] {
    match action {
        "landlord_decline" => super::proposals::DECLINE_REASONS,
        "household_decline" => HOUSEHOLD_REASONS,
        _ => &[],
    }
}

/// Checks the fields of an action and works out its effects.
fn effects(
    app: &App,
    action: &str,
    row: &ProposalRow,
    household: &StoredHousehold,
    f: Fields<'_>,
) -> Result<Effects, StepError> {
    let today = app.clock.today();
    let mut errors = FieldErrors::default();
    let mut e = Effects::default();
    match action {
        "approve" => {}
        "reject" | "withdraw" => {
            e.reason = Some(required_text(f, "reason", 1000, &mut errors));
        }
        "landlord_decline" | "household_decline" => {
            let code = f.get("reason_code");
            if !reasons_for(action).contains(&code) {
                errors.add("reason_code", "validation.choose_one");
            }
            e.reason_code = Some(code.to_owned());
            e.reason = optional_text(f, "reason", 1000, &mut errors);
            if code == "other" && e.reason.is_none() {
                errors.add("reason", "validation.reason_required");
            }
        }
        "landlord_accept" | "household_accept" => {
            e.reason = optional_text(f, "reason", 1000, &mut errors);
        }
        "schedule_viewing" => {
            let at = f.get("starts_at");
            let starts_at = match parse_slot(at) {
                Some(local) if berlin_to_utc(local) > app.clock.now() => Some(berlin_to_utc(local)),
                Some(_) => {
                    errors.add("starts_at", "validation.date_past");
                    None
                }
                None => {
                    errors.add(
                        "starts_at",
                        if at.is_empty() {
                            "validation.required"
                        } else {
                            "validation.datetime"
                        },
                    );
                    None
                }
            };
            let place = required_text(f, "place", 300, &mut errors);
            let companion_user_id = match f.get("companion") {
                "" => None,
                v => match v.parse::<i64>() {
                    Ok(id) => Some(id),
                    Err(_) => {
                        errors.add("companion", "validation.choose_one");
                        None
                    }
                },
            };
            let companion_name = optional_text(f, "companion_name", 200, &mut errors);
            if let Some(starts_at) = starts_at {
                e.viewing = Some(NewViewing {
                    proposal_id: row.proposal.id,
                    starts_at,
                    place,
                    companion_user_id,
                    companion_name,
                    note: optional_text(f, "note", 1000, &mut errors),
                });
            }
        }
        "viewing_held" => {
            e.viewing_note = optional_text(f, "note", 1000, &mut errors);
        }
        "jobcenter_requested" | "jobcenter_granted" | "jobcenter_refused" => {
            let on = past_date(f, "on", today, &mut errors);
            let status = match action {
                "jobcenter_requested" => "requested",
                "jobcenter_granted" => "granted",
                _ => "refused",
            };
            if action == "jobcenter_refused" {
                e.reason = Some(required_text(f, "reason", 1000, &mut errors));
            } else {
                e.reason = optional_text(f, "reason", 1000, &mut errors);
            }
            if let Some(on) = on {
                e.jobcenter = Some((status, on));
            }
        }
        "lease_signed" => {
            let kind = f.get("lease_kind");
            if !LEASE_KINDS.contains(&kind) {
                errors.add("lease_kind", "validation.choose_one");
            }
            let signed_on = past_date(f, "signed_on", today, &mut errors);
            let start = match parse_date(f.get("lease_start")) {
                Some(d) => Some(d),
                None => {
                    errors.add(
                        "lease_start",
                        if f.get("lease_start").is_empty() {
                            "validation.required"
                        } else {
                            "validation.date"
                        },
                    );
                    None
                }
            };
            let cold = money(f, "rent_cold", true, &mut errors);
            let service = money(f, "service_charges", true, &mut errors);
            let heating = money(f, "heating_costs", true, &mut errors);
            if let (Some(signed_on), Some(start), Some(cold), Some(service), Some(heating)) =
                (signed_on, start, cold, service, heating)
            {
                e.lease = Some((kind.to_owned(), signed_on, start, cold, service, heating));
                e.data = Some(serde_json::json!({
                    "lease_kind": kind,
                    "signed_on": signed_on,
                    "lease_start": start,
                    "rent_cold_cents": cold.0,
                }));
            }
        }
        "moved_in" => {
            let on = past_date(f, "moved_in_on", today, &mut errors);
            let site = optional_text(f, "freed_site", 200, &mut errors);
            let places = match f.get("places_freed") {
                "" => Some(household.profile.members.len() as i32),
                v => match v.parse::<i32>() {
                    Ok(n) if (0..=50).contains(&n) => Some(n),
                    _ => {
                        errors.add("places_freed", "validation.places_range");
                        None
                    }
                },
            };
            if let (Some(on), Some(places)) = (on, places) {
                e.moved_in = Some((on, site.clone(), places));
                e.data = Some(serde_json::json!({
                    "moved_in_on": on,
                    "freed_site": site,
                    "places_freed": places,
                }));
            }
        }
        "sustained" => {
            e.reason = optional_text(f, "reason", 1000, &mut errors);
        }
        "ended_early" => {
            let on = past_date(f, "ended_on", today, &mut errors);
            let reason = required_text(f, "reason", 1000, &mut errors);
            e.reason = Some(reason.clone());
            if let Some(on) = on {
                e.ended = Some((on, reason));
            }
        }
        _ => return Err(StepError::blocked("pipeline.blocked.unknown_action")),
    }
    if errors.is_empty() {
        Ok(e)
    } else {
        Err(StepError::Fields(errors))
    }
}

fn actor_kind(action: &str) -> &'static str {
    match action {
        "landlord_accept" | "landlord_decline" => "landlord_by_staff",
        "household_accept" | "household_decline" => "household_by_staff",
        _ => "coordinator",
    }
}

/// Takes one step of the pipeline for a proposal.
pub async fn act(
    app: &App,
    user: &CurrentUser,
    id: i64,
    action: &str,
    fields: &[(String, String)],
) -> Result<Result<ProposalState, StepError>, ServiceError> {
    let row = load(app, user, id).await?;
    let allowed = match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Volunteer | Role::Landlord => false,
    };
    if !allowed {
        return Err(ServiceError::Forbidden);
    }
    let from: ProposalState = row
        .proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    let Some(to) = target(action, from) else {
        return Ok(Err(StepError::blocked("pipeline.blocked.unknown_action")));
    };
    if check_transition(from, to).is_err() {
        return Ok(Err(StepError::Illegal { from, to }));
    }
    let household = households::find(&app.db, row.household.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let effects = match effects(app, action, &row, &household, Fields(fields)) {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    if action == "approve" {
        return approve_checked(app, &Actor::User(user.clone()), row, household).await;
    }
    if to == ProposalState::Sustained {
        let placement = store::placement_of(&app.db, id).await?;
        let done_12 = match placement {
            Some(p) => store::follow_ups_of(&app.db, &[p.id])
                .await?
                .iter()
                .any(|f| f.month == 12 && f.status == "done"),
            None => false,
        };
        if !done_12 {
            return Ok(Err(StepError::blocked("pipeline.blocked.follow_up_12")));
        }
    }
    if let Some(viewing) = &effects.viewing
        && let Some(companion) = viewing.companion_user_id
        && !companions(app, row.unit.municipality_id)
            .await?
            .iter()
            .any(|(id, _)| *id == companion)
    {
        return Ok(Err(StepError::field("companion", "validation.choose_one")));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let moved = proposals_store::transition(
        &txn,
        id,
        from,
        to,
        &Move {
            actor_kind: actor_kind(action),
            actor_user_id: Some(user.id),
            reason_code: effects.reason_code.as_deref(),
            reason: effects.reason.as_deref(),
            data: effects.data.clone(),
        },
        now,
    )
    .await?;
    if !moved {
        return Ok(Err(StepError::blocked("pipeline.blocked.moved_meanwhile")));
    }
    apply(&txn, app, &row, &household, to, &effects, now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "pipeline_step",
        "proposals",
        Some(id),
        Some(row.unit.municipality_id),
        serde_json::json!({"from": from.as_str(), "to": to.as_str(), "action": action}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// The side effects of an answer given by a party (through the landlord's page or an
/// e-mail link), in the answer's transaction: the unit freed on a decline, letters when
/// both said yes, used-up links retired.
pub(crate) async fn apply_answer(
    txn: &DatabaseTransaction,
    app: &App,
    proposal_id: i64,
    to: ProposalState,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let row = store::find(txn, proposal_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    let household = households::find(txn, row.household.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    apply(txn, app, &row, &household, to, &Effects::default(), now).await
}

/// The side effects of a step, in the step's transaction.
async fn apply(
    txn: &DatabaseTransaction,
    app: &App,
    row: &ProposalRow,
    household: &StoredHousehold,
    to: ProposalState,
    e: &Effects,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    use ProposalState::*;
    let unit_id = row.unit.id;
    let m = row.unit.municipality_id;
    match to {
        LandlordDeclined | HouseholdDeclined | Expired | JobcenterRefused | Withdrawn => {
            // The flat is free for the next household (unless it is let meanwhile).
            if row.unit.status == UnitStatus::Reserved.as_str() {
                units::set_status(txn, unit_id, UnitStatus::Available, None, None, now).await?;
            }
            if let Some(mut p) = store::placement_of(txn, row.proposal.id).await? {
                if to == JobcenterRefused
                    && let Some((status, on)) = e.jobcenter
                {
                    p.jobcenter_status = Some(status.into());
                    p.jobcenter_decided_on = Some(on);
                }
                p.outcome = "cancelled".into();
                store::save_placement(txn, p, now).await?;
            }
        }
        ViewingScheduled => {
            if let Some(v) = &e.viewing {
                let viewing_id = store::schedule_viewing(txn, v, now).await?;
                if let Some(viewing) = entities::viewing::Entity::find_by_id(viewing_id)
                    .one(txn)
                    .await?
                {
                    super::letters::viewing(txn, app, &row.proposal, &viewing, now).await?;
                }
            }
        }
        Accepted => {
            super::letters::accepted(txn, app, &row.proposal, now).await?;
        }
        ViewingHeld => {
            store::viewing_held(txn, row.proposal.id, e.viewing_note.clone(), now).await?;
        }
        JobcenterRequested | JobcenterGranted => {
            let mut p = store::ensure_placement(txn, &row.proposal, m, now).await?;
            if let Some((status, on)) = e.jobcenter {
                p.jobcenter_status = Some(status.into());
                if status == "requested" {
                    p.jobcenter_requested_on = Some(on);
                } else {
                    p.jobcenter_decided_on = Some(on);
                }
            }
            store::save_placement(txn, p, now).await?;
        }
        LeaseSigned => {
            let mut p = store::ensure_placement(txn, &row.proposal, m, now).await?;
            if let Some((kind, signed_on, start, cold, service, heating)) = &e.lease {
                p.lease_kind = Some(kind.clone());
                p.lease_signed_on = Some(*signed_on);
                p.lease_start = Some(*start);
                p.rent_cold_cents = Some(cold.0);
                p.service_charges_cents = Some(service.0);
                p.heating_costs_cents = Some(heating.0);
            }
            store::save_placement(txn, p, now).await?;
        }
        MovedIn => {
            let mut p = store::ensure_placement(txn, &row.proposal, m, now).await?;
            if let Some((on, site, places)) = &e.moved_in {
                p.moved_in_on = Some(*on);
                p.freed_site = site
                    .clone()
                    .or_else(|| household.profile.follow_up_site.clone());
                p.places_freed = *places;
                p.outcome = "living".into();
                let due: Vec<(i32, NaiveDate)> = FOLLOW_UP_MONTHS
                    .iter()
                    .map(|months| {
                        (
                            *months as i32,
                            on.checked_add_months(Months::new(*months)).unwrap_or(*on),
                        )
                    })
                    .collect();
                store::insert_follow_ups(txn, p.id, &due, now).await?;
            }
            store::save_placement(txn, p, now).await?;
            units::set_status(txn, unit_id, UnitStatus::Let, None, None, now).await?;
            households::set_status(txn, household.id, HouseholdStatus::Placed, None, now).await?;
        }
        Sustained => {
            if let Some(mut p) = store::placement_of(txn, row.proposal.id).await? {
                p.outcome = "sustained".into();
                store::save_placement(txn, p, now).await?;
            }
        }
        EndedEarly => {
            if let Some(mut p) = store::placement_of(txn, row.proposal.id).await? {
                p.outcome = "ended_early".into();
                if let Some((on, reason)) = &e.ended {
                    p.ended_on = Some(*on);
                    p.end_reason = Some(reason.clone());
                }
                let pid = p.id;
                store::save_placement(txn, p, now).await?;
                store::cancel_follow_ups(txn, pid, now).await?;
            }
        }
        _ => {}
    }
    // An answer recorded by staff, or the end of the proposal, retires the answer links
    // of whoever no longer needs them.
    let party = match to {
        LandlordAccepted | LandlordDeclined => Some(Some(super::links::Party::Landlord)),
        HouseholdAccepted | HouseholdDeclined => Some(Some(super::links::Party::Household)),
        _ if !to.awaits_answer() => Some(None),
        _ => None,
    };
    if let Some(party) = party {
        super::links::retire_party(txn, row.proposal.id, party, now).await?;
    }
    Ok(())
}

/// Approves a suggestion on the system's behalf (the nightly run of a municipality that
/// turned auto-approval on), with the same checks as a coordinator's approval.
pub async fn approve_as_system(
    app: &App,
    id: i64,
) -> Result<Result<ProposalState, StepError>, ServiceError> {
    let row = store::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    if row.proposal.state != ProposalState::Suggested.as_str() {
        return Ok(Err(StepError::blocked("pipeline.blocked.moved_meanwhile")));
    }
    let household = households::find(&app.db, row.household.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    approve_checked(app, &Actor::System, row, household).await
}

/// Approves after checking, today, that the pair still meets every hard rule.
async fn approve_checked(
    app: &App,
    actor: &Actor,
    row: ProposalRow,
    household: StoredHousehold,
) -> Result<Result<ProposalState, StepError>, ServiceError> {
    let unit = units::find(&app.db, row.unit.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let (unit_held, household_held) =
        store::held(&app.db, unit.id, household.id, Some(row.proposal.id)).await?;
    if unit_held || unit.status == UnitStatus::Reserved || unit.status == UnitStatus::Let {
        return Ok(Err(StepError::blocked("pipeline.blocked.unit_taken")));
    }
    if household_held {
        return Ok(Err(StepError::blocked("pipeline.blocked.household_taken")));
    }
    match super::matching::explain_pair(app, &unit, &household).await? {
        None => return Ok(Err(StepError::blocked("pipeline.blocked.no_rules"))),
        Some(PairVerdict::Ineligible { rules }) => {
            return Ok(Err(StepError::Blocked {
                key: "pipeline.blocked.not_eligible",
                details: rules.into_iter().map(|r| (r.text_de, r.text_en)).collect(),
            }));
        }
        Some(PairVerdict::Eligible { .. }) => {}
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let sent = approve_in(&txn, app, actor, &row, &unit, &household, now).await;
    match sent {
        Ok(true) => {}
        Ok(false) => return Ok(Err(StepError::blocked("pipeline.blocked.moved_meanwhile"))),
        Err(ServiceError::Db(e)) if is_unique_violation(&e) => {
            return Ok(Err(StepError::blocked("pipeline.blocked.unit_taken")));
        }
        Err(e) => return Err(e),
    }
    txn.commit().await?;
    Ok(Ok(ProposalState::Sent))
}

use crate::store::is_unique_violation;

/// Approves a suggested proposal and sends it: both moves recorded, the unit reserved,
/// the letters to the landlord and the household (or its caseworker) in the outbox.
async fn approve_in(
    txn: &DatabaseTransaction,
    app: &App,
    actor: &Actor,
    row: &ProposalRow,
    unit: &StoredUnit,
    household: &StoredHousehold,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let id = row.proposal.id;
    let approved = proposals_store::transition(
        txn,
        id,
        ProposalState::Suggested,
        ProposalState::Approved,
        &Move {
            actor_kind: if actor.user_id().is_some() {
                "coordinator"
            } else {
                "system"
            },
            actor_user_id: actor.user_id(),
            reason_code: None,
            reason: None,
            data: None,
        },
        now,
    )
    .await?;
    if !approved {
        return Ok(false);
    }
    store::mark_approved(txn, id, actor.user_id(), now).await?;
    units::set_status(txn, unit.id, UnitStatus::Reserved, None, None, now).await?;
    let rules = municipalities::current_rule_sets(txn).await?;
    let answer_days = rules
        .get(&unit.municipality_id)
        .map_or(7, |r| r.rules.answer_days.max(1));
    let due = now + Duration::days(i64::from(answer_days));
    proposals_store::transition(
        txn,
        id,
        ProposalState::Approved,
        ProposalState::Sent,
        &Move {
            actor_kind: "system",
            actor_user_id: None,
            reason_code: Some("sent"),
            reason: None,
            data: None,
        },
        now,
    )
    .await?;
    store::mark_sent(txn, id, now, due).await?;
    let mut sent = row.proposal.clone();
    sent.answer_due_at = Some(due);
    sent.sent_at = Some(now);
    super::letters::proposal_sent(txn, app, &sent, now).await?;
    audit::record(
        txn,
        actor,
        "approve_proposal",
        "proposals",
        Some(id),
        Some(unit.municipality_id),
        serde_json::json!({"unit_id": unit.id, "household_id": household.id}),
        now,
    )
    .await?;
    Ok(true)
}

/// Where a household's mail goes: its own address when it consented to e-mail, else
/// its caseworker.
pub fn household_address(h: &StoredHousehold) -> Option<String> {
    let email_ok = h
        .consent
        .as_ref()
        .is_some_and(|c| c.scope.split(',').any(|s| s.trim() == "email"));
    if email_ok && let Some(e) = &h.profile.email {
        return Some(e.clone());
    }
    h.profile.caseworker_email.clone()
}

/// Records a follow-up's outcome.
pub async fn record_follow_up(
    app: &App,
    user: &CurrentUser,
    follow_up_id: i64,
    fields: &[(String, String)],
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    let fu = follow_up::Entity::find_by_id(follow_up_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("follow-up".into()))?;
    let placement = placement::Entity::find_by_id(fu.placement_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("placement".into()))?;
    let row = load(app, user, placement.proposal_id).await?;
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Err(ServiceError::Forbidden);
    }
    if fu.status != "due" {
        return Err(ServiceError::Conflict(
            "pipeline.blocked.follow_up_done".into(),
        ));
    }
    let f = Fields(fields);
    let mut errors = FieldErrors::default();
    let done_on = past_date(f, "done_on", app.clock.today(), &mut errors);
    let yes_no = |name: &str, errors: &mut FieldErrors| match f.get(name) {
        "yes" => Some(true),
        "no" => Some(false),
        "" | "unknown" => None,
        _ => {
            errors.add(name, "validation.choose_one");
            None
        }
    };
    let rent_paid = yes_no("rent_paid", &mut errors);
    let support_needed = yes_no("support_needed", &mut errors);
    let problems = optional_text(f, "problems", 2000, &mut errors);
    let note = optional_text(f, "note", 2000, &mut errors);
    let Some(done_on) = done_on.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let recorded = store::record_follow_up(
        &txn,
        follow_up_id,
        &FollowUpOutcome {
            done_on,
            rent_paid,
            problems,
            support_needed,
            note,
            by: user.id,
        },
        now,
    )
    .await?;
    if !recorded {
        return Err(ServiceError::Conflict(
            "pipeline.blocked.follow_up_done".into(),
        ));
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "follow_up",
        "follow_ups",
        Some(follow_up_id),
        Some(row.unit.municipality_id),
        serde_json::json!({"month": fu.month, "rent_paid": rent_paid, "support_needed": support_needed}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(placement.proposal_id))
}

/// Viewings a volunteer accompanies, with the unit's address: (viewing, proposal id,
/// address, state of the proposal).
pub async fn viewings_for_volunteer(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<(viewing::Model, ProposalView)>, ServiceError> {
    let viewings = store::viewings_accompanied_by(&app.db, user.id).await?;
    let mut out = Vec::new();
    for v in viewings {
        if let Some(row) = store::find(&app.db, v.proposal_id).await?
            && user.can_read(row.unit.municipality_id)
        {
            out.push((v, view_of(&row)?));
        }
    }
    Ok(out)
}

/// A volunteer (or coordinator) records that the viewing they accompanied took place.
pub async fn record_viewing(
    app: &App,
    user: &CurrentUser,
    viewing_id: i64,
    note: &str,
) -> Result<(), ServiceError> {
    let v = viewing::Entity::find_by_id(viewing_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("viewing".into()))?;
    let row = store::find(&app.db, v.proposal_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    let own = v.accompanied_by_user_id == Some(user.id) && user.can_read(row.unit.municipality_id);
    if !own && !may_manage(user, &row) {
        return Err(ServiceError::Forbidden);
    }
    if v.status != "scheduled" {
        return Err(ServiceError::Conflict(
            "pipeline.blocked.viewing_recorded".into(),
        ));
    }
    let from: ProposalState = row
        .proposal
        .state
        .parse()
        .map_err(|e: String| ServiceError::Other(anyhow::anyhow!(e)))?;
    check_transition(from, ProposalState::ViewingHeld)
        .map_err(|_| ServiceError::Conflict("pipeline.blocked.viewing_recorded".into()))?;
    let note = Some(note.trim().chars().take(1000).collect::<String>()).filter(|n| !n.is_empty());
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let moved = proposals_store::transition(
        &txn,
        row.proposal.id,
        from,
        ProposalState::ViewingHeld,
        &Move {
            actor_kind: if user.role == Role::Volunteer {
                "volunteer"
            } else {
                "coordinator"
            },
            actor_user_id: Some(user.id),
            reason_code: None,
            reason: note.as_deref(),
            data: None,
        },
        now,
    )
    .await?;
    if !moved {
        return Err(ServiceError::Conflict(
            "pipeline.blocked.moved_meanwhile".into(),
        ));
    }
    store::viewing_held(&txn, row.proposal.id, note, now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "viewing_held",
        "viewings",
        Some(viewing_id),
        Some(row.unit.municipality_id),
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Approves several suggestions of a run; returns how many went out and, for the others,
/// why not.
pub async fn approve_many(
    app: &App,
    user: &CurrentUser,
    ids: &[i64],
) -> Result<(usize, Vec<(i64, StepError)>), ServiceError> {
    let mut done = 0;
    let mut failed = Vec::new();
    for id in ids {
        match act(app, user, *id, "approve", &[]).await {
            Ok(Ok(_)) => done += 1,
            Ok(Err(e)) => failed.push((*id, e)),
            Err(ServiceError::NotFound(_) | ServiceError::Forbidden) => {
                failed.push((*id, StepError::blocked("pipeline.blocked.unknown_proposal")));
            }
            Err(e) => return Err(e),
        }
    }
    Ok((done, failed))
}

/// Picks an alternative household for a unit of a run instead of the suggested one: the
/// suggestion (if still waiting) is rejected with the reason, the alternative becomes a
/// proposal of its own and is approved at once. Returns the new proposal's id.
pub async fn pick_alternative(
    app: &App,
    user: &CurrentUser,
    candidate_id: i64,
    reason: &str,
) -> Result<Result<i64, StepError>, ServiceError> {
    let candidate = entities::match_candidate::Entity::find_by_id(candidate_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("candidate".into()))?;
    let unit = units::find(&app.db, candidate.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let household = households::find(&app.db, candidate.household_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    if !(user.can_manage(unit.municipality_id) || user.can_manage(household.municipality_id)) {
        return Err(ServiceError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Ok(Err(StepError::field(
            "reason",
            "validation.reason_required",
        )));
    }
    let now = app.clock.now();
    let suggestion = entities::proposal::Entity::find()
        .filter(entities::proposal::Column::MatchRunId.eq(candidate.match_run_id))
        .filter(entities::proposal::Column::UnitId.eq(unit.id))
        .filter(entities::proposal::Column::State.eq(ProposalState::Suggested.as_str()))
        .one(&app.db)
        .await?;
    let txn = app.db.begin().await?;
    if let Some(s) = &suggestion {
        proposals_store::transition(
            &txn,
            s.id,
            ProposalState::Suggested,
            ProposalState::Rejected,
            &Move {
                actor_kind: "coordinator",
                actor_user_id: Some(user.id),
                reason_code: Some("override"),
                reason: Some(reason),
                data: Some(serde_json::json!({"instead": household.id})),
            },
            now,
        )
        .await?;
    }
    let id = store::insert_override(
        &txn,
        candidate.match_run_id,
        candidate.id,
        unit.id,
        household.id,
        candidate.score,
        reason,
        user.id,
        now,
    )
    .await?;
    txn.commit().await?;
    match act(app, user, id, "approve", &[]).await? {
        Ok(_) => Ok(Ok(id)),
        Err(e) => {
            // The override stays as a suggestion the coordinator can look at; the original
            // suggestion is not restored (the coordinator decided against it).
            Ok(Err(e))
        }
    }
}

/// Marks a granted incentive as paid.
pub async fn incentive_paid(
    app: &App,
    user: &CurrentUser,
    request_id: i64,
    amount: &str,
    on: &str,
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    let request = unit_incentive::Entity::find_by_id(request_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("incentive".into()))?;
    let unit = units::find(&app.db, request.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    if !user.can_manage(unit.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    if request.status != crate::domain::incentive::IncentiveStatus::Granted.as_str() {
        return Err(ServiceError::Conflict(
            "pipeline.blocked.not_granted".into(),
        ));
    }
    let fields = vec![
        ("paid_amount".to_owned(), amount.to_owned()),
        ("paid_on".to_owned(), on.to_owned()),
    ];
    let f = Fields(&fields);
    let mut errors = FieldErrors::default();
    let paid = money(f, "paid_amount", true, &mut errors);
    let paid_on = past_date(f, "paid_on", app.clock.today(), &mut errors);
    let (Some(paid), Some(paid_on)) = (paid, paid_on) else {
        return Ok(Err(errors));
    };
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    unit_incentive::Entity::update_many()
        .col_expr(unit_incentive::Column::PaidAmountCents, Some(paid.0).into())
        .col_expr(unit_incentive::Column::PaidOn, Some(paid_on).into())
        .col_expr(
            unit_incentive::Column::Status,
            crate::domain::incentive::IncentiveStatus::Paid
                .as_str()
                .into(),
        )
        .col_expr(unit_incentive::Column::UpdatedAt, now.into())
        .filter(unit_incentive::Column::Id.eq(request_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "incentive_paid",
        "unit_incentives",
        Some(request_id),
        Some(unit.municipality_id),
        serde_json::json!({"amount_cents": paid.0}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(unit.id))
}

/// The proposal a follow-up belongs to.
pub async fn proposal_of_follow_up(app: &App, follow_up_id: i64) -> Result<i64, ServiceError> {
    let fu = follow_up::Entity::find_by_id(follow_up_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("follow-up".into()))?;
    Ok(placement::Entity::find_by_id(fu.placement_id)
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::NotFound("placement".into()))?
        .proposal_id)
}

/// A placement as the table shows it.
#[derive(Debug, Clone)]
pub struct PlacementView {
    pub placement: placement::Model,
    pub unit_address: String,
    pub household_reference: String,
    /// The next follow-up still due: (month, due date).
    pub next_follow_up: Option<(i32, NaiveDate)>,
}

/// The placements of a municipality (started ones included), newest first.
pub async fn placements(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Vec<PlacementView>, ServiceError> {
    if !user.can_manage(municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let rows = store::placements_of_municipality(&app.db, municipality_id).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let follow_ups = store::follow_ups_of(&app.db, &ids).await?;
    let proposals = entities::proposal::Entity::find()
        .filter(
            entities::proposal::Column::Id
                .is_in(rows.iter().map(|p| p.proposal_id).collect::<Vec<_>>()),
        )
        .all(&app.db)
        .await?;
    let parties = store::with_parties(&app.db, proposals).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let party = parties.iter().find(|r| r.proposal.id == p.proposal_id);
            let next = follow_ups
                .iter()
                .filter(|f| f.placement_id == p.id && f.status == "due")
                .min_by_key(|f| f.due_on)
                .map(|f| (f.month, f.due_on));
            PlacementView {
                unit_address: party
                    .map(|r| {
                        format!(
                            "{} {}, {} {}",
                            r.unit.street, r.unit.house_number, r.unit.postal_code, r.unit.town
                        )
                    })
                    .unwrap_or_default(),
                household_reference: party
                    .map(|r| r.household.reference.clone())
                    .unwrap_or_default(),
                next_follow_up: next,
                placement: p,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_offered_is_a_legal_move() {
        for from in ProposalState::ALL {
            for action in actions_from(*from) {
                let to = target(action, *from).expect("known action");
                assert!(check_transition(*from, to).is_ok(), "{action} from {from}");
            }
        }
    }

    #[test]
    fn every_legal_move_a_person_makes_has_an_action() {
        // Sending and expiry are done by Bleibe itself (on approval, and by the scheduled job).
        let by_system = [ProposalState::Sent, ProposalState::Expired];
        for from in ProposalState::ALL {
            for to in from.next_states() {
                if by_system.contains(to) {
                    continue;
                }
                assert!(
                    actions_from(*from)
                        .iter()
                        .any(|a| target(a, *from) == Some(*to)),
                    "no action for {from} → {to}"
                );
            }
        }
    }

    #[test]
    fn answers_complete_each_other() {
        use ProposalState::*;
        assert_eq!(target("landlord_accept", Sent), Some(LandlordAccepted));
        assert_eq!(target("landlord_accept", HouseholdAccepted), Some(Accepted));
        assert_eq!(target("household_accept", LandlordAccepted), Some(Accepted));
        assert_eq!(target("unknown", Sent), None);
        assert!(actions_from(Suggested).contains(&"approve"));
        assert!(!actions_from(MovedIn).contains(&"withdraw"));
        assert!(actions_from(Sustained).is_empty());
    }
}
