//! The resources the API sends: the token's person, municipalities, flats, households,
//! proposals, match runs and placements, and their pages.

use super::*;

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
    /// The flat form's fields, as `PATCH` takes them (only in `GET /units/{id}` and the
    /// answers of writes).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<inputs::UnitWrite>)]
    pub profile: Option<serde_json::Value>,
    /// The incentive requests (only in `GET /units/{id}` and the answers of writes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incentive_requests: Option<Vec<inputs::IncentiveRequest>>,
}

impl Unit {
    /// A flat with its form's fields and its incentive requests.
    pub fn detailed(
        u: StoredUnit,
        requests: &[crate::services::units::IncentiveRequestRow],
    ) -> Self {
        let requested: Vec<i64> = requests
            .iter()
            .filter(|(r, _)| r.status != "withdrawn")
            .map(|(_, p)| p.id)
            .collect();
        let fields =
            crate::services::units::fields_of_unit(&u, &requested, crate::domain::Locale::De);
        let profile = crate::domain::json_form::from_pairs(inputs::UNIT, &fields);
        Self {
            profile: Some(serde_json::Value::Object(profile)),
            incentive_requests: Some(
                requests
                    .iter()
                    .map(|(r, p)| inputs::IncentiveRequest::of(r, p))
                    .collect(),
            ),
            ..Self::from(u)
        }
    }
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
            profile: None,
            incentive_requests: None,
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
    /// The household form's fields, as `PUT` and `PATCH` take them (only in
    /// `GET /households/{id}` and the answers of writes).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<inputs::HouseholdWrite>)]
    pub profile: Option<serde_json::Value>,
}

impl Household {
    /// The household; with its persons when `with_members`.
    pub fn of(h: StoredHousehold, today: NaiveDate, with_members: bool) -> Self {
        let listed = Self::listed(ListedHousehold::of(&h), today);
        let profile = with_members.then(|| {
            let fields = crate::services::households::fields_of(&h, crate::domain::Locale::De);
            serde_json::Value::Object(crate::domain::json_form::from_pairs(
                inputs::HOUSEHOLD,
                &fields,
            ))
        });
        Self {
            profile,
            members: with_members.then(|| {
                h.profile
                    .members
                    .into_iter()
                    .map(|m| Member {
                        first_name: m.first_name,
                        last_name: m.last_name,
                        birth_year: m.birth_year,
                        role: m.role.as_str().to_owned(),
                    })
                    .collect()
            }),
            ..listed
        }
    }

    /// A household as a list shows it, without its persons.
    pub fn listed(h: ListedHousehold, today: NaiveDate) -> Self {
        let (adults, children_ages) =
            crate::domain::household::adults_and_children(h.birth_years.iter().copied(), today);
        Self {
            id: h.id,
            municipality_id: h.municipality_id,
            status: h.status.as_str().to_owned(),
            reference: h.reference,
            persons: h.birth_years.len() as u32,
            adults,
            children_ages,
            urgency: h.urgency,
            in_follow_up_since: h.in_follow_up_since,
            rooms_wanted: h.rooms_wanted,
            max_distance_km: h.max_distance_km,
            wheelchair: h.wheelchair,
            pets: h.pets,
            residence_obligation: h.residence_obligation,
            allowed_municipalities: h.allowed_municipalities,
            consents_to_matching: h.consents_to_matching,
            preferred_language: h.preferred_language.code().to_owned(),
            members: None,
            profile: None,
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
    /// How groups of households fared in the run (only in `GET /match-runs/{id}` and the
    /// answer to `POST /match-runs`; `null` for runs stored before it was kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fairness: Option<Option<RunFairness>>,
}

/// How groups of households fared in a run: the share with a proposal and the mean score,
/// against the group's share of the run's households, with notes where a group fares
/// much worse. Names no household.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RunFairness {
    /// Households in the run.
    pub pool: usize,
    /// Households that got a proposal.
    pub matched: usize,
    pub match_rate: Option<f64>,
    pub mean_score: Option<f64>,
    pub groups: Vec<FairnessGroup>,
    pub notes: Vec<FairnessNote>,
}

/// One group of households in a run.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FairnessGroup {
    /// `size`, `mobility`, `urgency`, `follow_up` or `residence_obligation`.
    pub dimension: String,
    /// Stable key, e.g. `size_5_plus`.
    pub key: String,
    pub label_de: String,
    pub label_en: String,
    pub in_pool: usize,
    /// Share of the run's households, 0 to 1.
    pub pool_share: f64,
    pub matched: usize,
    /// Share of all households with a proposal, 0 to 1.
    pub matched_share: Option<f64>,
    /// Matched in the group ÷ in the group.
    pub match_rate: Option<f64>,
    pub mean_score: Option<f64>,
    /// Households of the group with no flat passing every hard rule.
    pub without_eligible_flat: usize,
}

/// A plain-language note on a group that fares much worse.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FairnessNote {
    pub key: String,
    pub de: String,
    pub en: String,
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
            fairness: None,
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
