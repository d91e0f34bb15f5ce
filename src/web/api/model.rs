//! What the JSON API sends and receives, and how domain values become it. Household
//! details are sent only to staff of the household's municipality; a landlord sees a
//! proposal's household as the landlord pages do: without name, reference or contact.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, Discriminator, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema,
    SchemaFormat, SchemaType, Type,
};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::domain::household::HouseholdStatus;
use crate::domain::input::{FieldKind, FieldSpec, YES_NO};
use crate::domain::pipeline::{Action, ProposalState};
use crate::domain::unit::UnitStatus;
use crate::services::CurrentUser;
use crate::services::pipeline::{PlacementView, ProposalView};
use crate::services::proposals::LandlordProposal;
use crate::store::households::StoredHousehold;
use crate::store::units::StoredUnit;

/// Largest page size.
pub const MAX_PER_PAGE: u32 = 100;
/// Highest page number accepted.
pub const MAX_PAGE: u32 = 1_000_000;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: u32 = 25;

fn names<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.into_iter().collect::<Vec<_>>()))
        .build()
}

fn unit_status_schema() -> Object {
    names(UnitStatus::ALL.iter().map(|s| s.as_str()))
}

fn household_status_schema() -> Object {
    names(HouseholdStatus::ALL.iter().map(|s| s.as_str()))
}

fn proposal_state_schema() -> Object {
    names(ProposalState::ALL.iter().map(|s| s.as_str()))
}

fn settable_household_status_schema() -> Object {
    names(["active", "paused", "closed"])
}

fn postal_code_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[0-9]{5}$"))
        .build()
}

fn stage_schema() -> Object {
    names(crate::services::pipeline::STAGES.iter().map(|(k, _)| *k))
}

/// Which page of a list.
pub trait Paging {
    fn page(&self) -> Option<u32>;
    fn per_page(&self) -> Option<u32>;
}

macro_rules! paged_query {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Page number, from 1.
            #[param(minimum = 1, maximum = 1000000)]
            #[validate(range(min = 1, max = 1000000))]
            pub page: Option<u32>,
            /// Items per page (1 to 100, default 25).
            #[param(minimum = 1, maximum = 100)]
            #[validate(range(min = 1, max = 100))]
            pub per_page: Option<u32>,
        }

        impl Paging for $name {
            fn page(&self) -> Option<u32> { self.page }
            fn per_page(&self) -> Option<u32> { self.per_page }
        }
    };
}

macro_rules! page_of {
    ($(#[$meta:meta])* $name:ident, $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Serialize, ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// This page's number, from 1.
            pub page: u32,
            pub per_page: u32,
            /// Items over all pages.
            pub total: u64,
        }

        impl From<Paged<$item>> for $name {
            fn from(p: Paged<$item>) -> Self {
                Self { items: p.items, page: p.page, per_page: p.per_page, total: p.total }
            }
        }
    };
}

/// One page of a list, before it gets its named type.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// The page and page size asked for, or why they are wrong.
pub fn window(q: &impl Paging) -> Result<(u32, u32), String> {
    let page = q.page().unwrap_or(1);
    let per_page = q.per_page().unwrap_or(DEFAULT_PER_PAGE);
    if page == 0 || page > MAX_PAGE {
        return Err(format!("page must be between 1 and {MAX_PAGE}"));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(format!("per_page must be between 1 and {MAX_PER_PAGE}"));
    }
    Ok((page, per_page))
}

/// The rows to skip for a page.
pub fn skip(page: u32, per_page: u32) -> u64 {
    (u64::from(page) - 1) * u64::from(per_page)
}

/// Cuts one page out of `all`, or says why the page parameters are wrong. For short
/// lists only; long ones are paged in the database ([`window`], [`skip`]).
pub fn paginate<T>(all: Vec<T>, q: &impl Paging) -> Result<Paged<T>, String> {
    let (page, per_page) = window(q)?;
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(usize::try_from(skip(page, per_page)).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .collect();
    Ok(Paged {
        items,
        page,
        per_page,
        total,
    })
}

paged_query! {
    /// Filters of the municipality list.
    pub struct MunicipalityQuery {
    }
}

paged_query! {
    /// Filters of the unit list.
    pub struct UnitQuery {
        /// Only this municipality.
        pub municipality_id: Option<i64>,
        /// Only units in this status.
        #[param(schema_with = unit_status_schema)]
        pub status: Option<UnitStatus>,
        /// Only units with this postal code (five digits).
        #[param(schema_with = postal_code_schema)]
        pub postal_code: Option<String>,
        /// At least this many rooms.
        #[param(minimum = 0, maximum = 100)]
        #[validate(range(min = 0.0, max = 100.0))]
        pub min_rooms: Option<f64>,
    }
}

paged_query! {
    /// Filters of the household list (staff only).
    pub struct HouseholdQuery {
        /// Only this municipality.
        pub municipality_id: Option<i64>,
        /// Only households in this status (default: active and paused).
        #[param(schema_with = household_status_schema)]
        pub status: Option<HouseholdStatus>,
        /// At least this urgency (0 to 3).
        #[param(minimum = 0, maximum = 3)]
        #[validate(range(min = 0, max = 3))]
        pub min_urgency: Option<u8>,
        /// At least this many persons.
        #[param(minimum = 1, maximum = 30)]
        #[validate(range(min = 1, max = 30))]
        pub min_persons: Option<u32>,
    }
}

paged_query! {
    /// Filters of the match-run list.
    pub struct RunQuery {
        /// Only this municipality.
        pub municipality_id: Option<i64>,
    }
}

paged_query! {
    /// Filters of the proposal list.
    pub struct ProposalQuery {
        /// Only this municipality (staff).
        pub municipality_id: Option<i64>,
        /// Only proposals in this state.
        #[param(schema_with = proposal_state_schema)]
        pub state: Option<ProposalState>,
        /// Only proposals in this stage of the board (staff).
        #[param(schema_with = stage_schema)]
        pub stage: Option<String>,
        /// Only proposals of this unit.
        pub unit_id: Option<i64>,
    }
}

paged_query! {
    /// Filters of the placement list.
    pub struct PlacementQuery {
        /// Only this municipality.
        pub municipality_id: Option<i64>,
        /// Only placements with this outcome.
        #[param(max_length = 40)]
        #[validate(length(max = 40))]
        pub outcome: Option<String>,
    }
}

/// The token's person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub name: String,
    /// admin, coordinator, volunteer or landlord.
    pub role: String,
    /// The municipalities a coordinator or volunteer works for.
    pub municipalities: Vec<i64>,
}

impl From<&CurrentUser> for Me {
    fn from(u: &CurrentUser) -> Self {
        Self {
            id: u.id,
            name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            municipalities: u.municipalities.clone(),
        }
    }
}

/// A municipality.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Municipality {
    pub id: i64,
    pub name: String,
    /// Amtlicher Gemeindeschlüssel.
    pub ags: String,
    pub district: String,
    pub active: bool,
}

impl From<entities::municipality::Model> for Municipality {
    fn from(m: entities::municipality::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            ags: m.ags,
            district: m.district,
            active: m.active,
        }
    }
}

/// A flat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    pub municipality_id: i64,
    pub landlord_id: i64,
    #[schema(schema_with = unit_status_schema)]
    pub status: String,
    pub street: String,
    pub house_number: String,
    pub postal_code: String,
    pub town: String,
    pub lat: f64,
    pub lon: f64,
    pub area_m2: f64,
    pub rooms: f64,
    /// 0 = ground floor.
    pub floor: i32,
    pub has_lift: bool,
    pub step_free: bool,
    pub wheelchair_accessible: bool,
    pub pets_allowed: bool,
    pub max_occupants: u32,
    /// Kaltmiete in cents.
    pub cold_rent_cents: i64,
    pub service_charges_cents: i64,
    pub heating_costs_cents: i64,
    pub available_from: NaiveDate,
    pub lease_type: String,
}

impl From<StoredUnit> for Unit {
    fn from(u: StoredUnit) -> Self {
        let d = u.details;
        Self {
            id: u.id,
            municipality_id: u.municipality_id,
            landlord_id: u.landlord_id,
            status: u.status.as_str().to_owned(),
            street: d.address.street,
            house_number: d.address.house_number,
            postal_code: d.address.postal_code,
            town: d.address.town,
            lat: d.location.lat,
            lon: d.location.lon,
            area_m2: d.area_m2,
            rooms: d.rooms,
            floor: d.floor,
            has_lift: d.has_lift,
            step_free: d.step_free,
            wheelchair_accessible: d.wheelchair_accessible,
            pets_allowed: d.pets_allowed,
            max_occupants: d.max_occupants,
            cold_rent_cents: d.cold_rent.0,
            service_charges_cents: d.service_charges.0,
            heating_costs_cents: d.heating_costs.0,
            available_from: d.available_from,
            lease_type: d.lease_type.as_str().to_owned(),
        }
    }
}

/// A person of a household (detail only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Member {
    pub first_name: String,
    pub last_name: Option<String>,
    pub birth_year: i32,
    pub role: String,
}

/// A household as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Household {
    pub id: i64,
    pub municipality_id: i64,
    #[schema(schema_with = household_status_schema)]
    pub status: String,
    pub reference: String,
    pub persons: u32,
    pub adults: u32,
    pub children_ages: Vec<u32>,
    /// 0 (none) to 3 (very urgent).
    pub urgency: u8,
    pub in_follow_up_since: Option<NaiveDate>,
    pub rooms_wanted: Option<f64>,
    pub max_distance_km: Option<f64>,
    pub wheelchair: bool,
    pub pets: bool,
    /// Wohnsitzauflage.
    pub residence_obligation: bool,
    pub allowed_municipalities: Vec<i64>,
    /// Consent to matching given and not withdrawn.
    pub consents_to_matching: bool,
    pub preferred_language: String,
    /// The persons (only in `GET /households/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
}

impl Household {
    /// The household; with its persons when `with_members`.
    pub fn of(h: StoredHousehold, today: NaiveDate, with_members: bool) -> Self {
        let (adults, children_ages) = h.profile.adults_and_children(today);
        let consents = h.consents_to_matching();
        let p = h.profile;
        Self {
            id: h.id,
            municipality_id: h.municipality_id,
            status: h.status.as_str().to_owned(),
            persons: p.members.len() as u32,
            adults,
            children_ages,
            urgency: p.urgency,
            in_follow_up_since: p.in_follow_up_since,
            rooms_wanted: p.rooms_wanted,
            max_distance_km: p.max_distance_km,
            wheelchair: p.wheelchair,
            pets: p.pets,
            residence_obligation: p.residence_obligation,
            allowed_municipalities: h.allowed_municipalities,
            consents_to_matching: consents,
            preferred_language: p.preferred_language.code().to_owned(),
            members: with_members.then(|| {
                p.members
                    .iter()
                    .map(|m| Member {
                        first_name: m.first_name.clone(),
                        last_name: m.last_name.clone(),
                        birth_year: m.birth_year,
                        role: m.role.as_str().to_owned(),
                    })
                    .collect()
            }),
            reference: p.reference,
        }
    }
}

/// What a landlord learns about a proposed household: no name, reference or contact.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdSummary {
    pub persons: u32,
    pub adults: u32,
    pub children_ages: Vec<u32>,
    pub languages: Vec<String>,
    pub pets: bool,
    pub wheelchair: bool,
    /// What the caseworker wrote for landlords.
    pub landlord_text: Option<String>,
}

/// A proposal. Staff see the household's id and reference; a landlord sees the summary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    pub id: i64,
    #[schema(schema_with = proposal_state_schema)]
    pub state: String,
    pub unit_id: i64,
    pub unit_address: String,
    pub household_id: Option<i64>,
    pub household_reference: Option<String>,
    pub household: Option<HouseholdSummary>,
    pub score: f64,
    /// engine, alternative or manual.
    pub origin: String,
    pub match_run_id: Option<i64>,
    pub state_changed_at: DateTime<Utc>,
    /// Until when an answer is awaited.
    pub answer_due_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ProposalView> for Proposal {
    fn from(p: ProposalView) -> Self {
        Self {
            id: p.id,
            state: p.state.as_str().to_owned(),
            unit_id: p.unit_id,
            unit_address: p.unit_address,
            household_id: Some(p.household_id),
            household_reference: Some(p.household_reference),
            household: None,
            score: p.score,
            origin: p.origin,
            match_run_id: p.match_run_id,
            state_changed_at: p.state_changed_at,
            answer_due_at: p.answer_due_at,
            created_at: p.created_at,
        }
    }
}

impl From<LandlordProposal> for Proposal {
    fn from(p: LandlordProposal) -> Self {
        let h = p.household;
        Self {
            id: p.proposal.id,
            state: p.state.as_str().to_owned(),
            unit_id: p.proposal.unit_id,
            unit_address: p.unit_address,
            household_id: None,
            household_reference: None,
            household: Some(HouseholdSummary {
                persons: h.persons,
                adults: h.adults,
                children_ages: h.children_ages,
                languages: h.languages,
                pets: h.pets,
                wheelchair: h.wheelchair,
                landlord_text: h.landlord_text,
            }),
            score: p.proposal.score,
            origin: p.proposal.origin,
            match_run_id: None,
            state_changed_at: p.proposal.state_changed_at,
            answer_due_at: p.proposal.answer_due_at,
            created_at: p.proposal.created_at,
        }
    }
}

/// A run of the matching engine.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchRun {
    pub id: i64,
    /// None: a run over all municipalities.
    pub municipality_id: Option<i64>,
    pub status: String,
    pub trigger: String,
    pub as_of: NaiveDate,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub households_count: i32,
    pub units_count: i32,
    pub pairs_scored: i64,
    pub eligible_pairs: i64,
    pub assigned_count: i32,
    pub total_score: f64,
    pub elapsed_ms: i64,
    pub engine_version: String,
    pub error: Option<String>,
    /// The proposals the run made, as they stand now (only in `GET /match-runs/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposals: Option<Vec<Proposal>>,
}

impl From<entities::match_run::Model> for MatchRun {
    fn from(r: entities::match_run::Model) -> Self {
        Self {
            id: r.id,
            municipality_id: r.municipality_id,
            status: r.status,
            trigger: r.trigger,
            as_of: r.as_of,
            started_at: r.started_at,
            finished_at: r.finished_at,
            households_count: r.households_count,
            units_count: r.units_count,
            pairs_scored: r.pairs_scored,
            eligible_pairs: r.eligible_pairs,
            assigned_count: r.assigned_count,
            total_score: r.total_score,
            elapsed_ms: r.elapsed_ms,
            engine_version: r.engine_version,
            error: r.error,
            proposals: None,
        }
    }
}

/// A placement: from both sides' yes to move-in and the follow-ups.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Placement {
    pub id: i64,
    pub proposal_id: i64,
    pub unit_id: i64,
    pub household_id: i64,
    pub municipality_id: i64,
    pub unit_address: String,
    pub household_reference: String,
    pub jobcenter_status: Option<String>,
    pub lease_kind: Option<String>,
    pub lease_signed_on: Option<NaiveDate>,
    pub lease_start: Option<NaiveDate>,
    pub moved_in_on: Option<NaiveDate>,
    pub outcome: String,
    pub ended_on: Option<NaiveDate>,
    /// The next follow-up still due: month after move-in and date.
    pub next_follow_up_month: Option<i32>,
    pub next_follow_up_due: Option<NaiveDate>,
}

impl From<PlacementView> for Placement {
    fn from(v: PlacementView) -> Self {
        let p = v.placement;
        Self {
            id: p.id,
            proposal_id: p.proposal_id,
            unit_id: p.unit_id,
            household_id: p.household_id,
            municipality_id: p.municipality_id,
            unit_address: v.unit_address,
            household_reference: v.household_reference,
            jobcenter_status: p.jobcenter_status,
            lease_kind: p.lease_kind,
            lease_signed_on: p.lease_signed_on,
            lease_start: p.lease_start,
            moved_in_on: p.moved_in_on,
            outcome: p.outcome,
            ended_on: p.ended_on,
            next_follow_up_month: v.next_follow_up.map(|(m, _)| m),
            next_follow_up_due: v.next_follow_up.map(|(_, d)| d),
        }
    }
}

page_of!(
    /// A page of municipalities.
    MunicipalityPage, Municipality
);
page_of!(
    /// A page of units.
    UnitPage, Unit
);
page_of!(
    /// A page of households.
    HouseholdPage, Household
);
page_of!(
    /// A page of match runs.
    RunPage, MatchRun
);
page_of!(
    /// A page of proposals.
    ProposalPage, Proposal
);
page_of!(
    /// A page of placements.
    PlacementPage, Placement
);

/// Sets a household's status.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StatusChange {
    /// active, paused or closed (placed comes from the move-in).
    #[schema(schema_with = settable_household_status_schema)]
    pub status: String,
    /// Why (required when closing).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// Starts a match run.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewRun {
    /// The municipality to match.
    #[serde(deserialize_with = "whole_number")]
    pub municipality_id: i64,
}

/// Approves a run's waiting suggestions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Approval {
    /// How many suggestions went out to both sides.
    pub approved: usize,
    /// The ones that could not, and why.
    pub not_approved: Vec<NotApproved>,
}

/// A suggestion that could not be approved.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotApproved {
    pub proposal_id: i64,
    pub reason: String,
}

/// One pipeline step of a proposal: `action` names the step, the other members are its
/// fields (each action's schema lists them with their types and limits). An unknown or
/// missing member, or one of the wrong type, is refused with 422 naming the member.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Step(pub serde_json::Map<String, serde_json::Value>);

impl utoipa::PartialSchema for Step {
    fn schema() -> RefOr<Schema> {
        let mut one_of = OneOfBuilder::new().description(Some(
            "A pipeline step, tagged by `action`. Dates are `YYYY-MM-DD`, times RFC 3339 or \
             German civil time `YYYY-MM-DDTHH:MM`, amounts euros.",
        ));
        for action in Action::ALL {
            let mut object = ObjectBuilder::new()
                .title(Some(action.as_str()))
                .description(Some(action.description()))
                .property(
                    "action",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([action.as_str()])),
                )
                .required("action")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)));
            for spec in action.fields() {
                object = object.property(spec.name, field_schema(spec));
                if spec.required {
                    object = object.required(spec.name);
                }
            }
            one_of = one_of.item(object.build());
        }
        let one_of = one_of.discriminator(Some(Discriminator::new("action")));
        RefOr::T(Schema::OneOf(one_of.build()))
    }
}

impl ToSchema for Step {}

/// The schema of one declared field; a field that may be left out may also be `null`.
fn field_schema(spec: &FieldSpec) -> Object {
    let of = |t: Type| {
        let types: SchemaType = if spec.required {
            t.into()
        } else {
            [t, Type::Null].into_iter().collect()
        };
        ObjectBuilder::new().schema_type(types)
    };
    let named = |values: &[&str]| {
        let mut all: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
        if !spec.required {
            all.push(serde_json::Value::Null);
        }
        of(Type::String).enum_values(Some(all)).build()
    };
    match spec.kind {
        FieldKind::Text { max } | FieldKind::Note { max } => of(Type::String)
            .min_length(Some(usize::from(spec.required)))
            .max_length(Some(max))
            .build(),
        FieldKind::Date => of(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .build(),
        FieldKind::DateTime => of(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .build(),
        FieldKind::Money { max } => of(Type::Number)
            .minimum(Some(0))
            .maximum(Some(max.0 / 100))
            .description(Some("euros"))
            .build(),
        FieldKind::Count { min, max } => of(Type::Integer)
            .minimum(Some(min))
            .maximum(Some(max))
            .build(),
        FieldKind::Choice(values) => named(values),
        FieldKind::YesNo => named(YES_NO),
        FieldKind::Id => of(Type::Integer).minimum(Some(1)).build(),
    }
}

/// An integer that JSON may also write as a number with a zero fraction (`12.0`).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => Err(serde::de::Error::custom(format!(
            "{n} is not a whole number"
        ))),
    }
}
