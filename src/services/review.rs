//! Reviewing match runs: the runs of a municipality, one run's proposals per unit with
//! the explained score and the alternatives, and "why not" for any pair.

use std::collections::BTreeMap;

use entities::{match_candidate, match_run};

use super::pipeline::{ProposalView, StoredCriterion, parse_criteria};
use super::{CurrentUser, ServiceError};
use crate::app::App;
use crate::domain::pipeline::ProposalState;
use crate::domain::roles::Role;
use crate::engine::PairVerdict;
use crate::store::{households, pipeline as store, units};

fn may_see(user: &CurrentUser, run: &match_run::Model) -> bool {
    match run.municipality_id {
        Some(m) => user.can_manage(m),
        None => user.role == Role::Admin,
    }
}

/// The newest runs of a municipality (and, for admins, runs over all municipalities).
pub async fn runs_of(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
) -> Result<Vec<match_run::Model>, ServiceError> {
    Ok(runs_page(app, user, &[municipality_id], 0, 50).await?.0)
}

/// One page of the runs of these municipalities (each must be the user's), newest first,
/// with the number over all pages; admins also see runs over every municipality (those
/// have none). Paged in the database.
pub async fn runs_page(
    app: &App,
    user: &CurrentUser,
    municipalities: &[i64],
    offset: u64,
    limit: u64,
) -> Result<(Vec<match_run::Model>, u64), ServiceError> {
    if !municipalities.iter().all(|m| user.can_manage(*m)) {
        return Err(ServiceError::Forbidden);
    }
    let admin = user.role == Role::Admin;
    Ok(crate::store::review::runs_page(&app.db, municipalities, admin, offset, limit).await?)
}

/// A household as the review shows it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub household_id: i64,
    pub reference: String,
    pub persons: usize,
    pub score: f64,
    pub criteria: Vec<StoredCriterion>,
    /// For an alternative: why the run did not choose it here.
    pub not_chosen: Option<NotChosen>,
}

/// Why an alternative household was not the run's choice for a flat.
#[derive(Debug, Clone, PartialEq)]
pub enum NotChosen {
    /// Another proposal that is under way holds the household: it cannot be proposed now.
    Held { address: String },
    /// The run proposes the household for another flat (where it fits better for the run
    /// as a whole).
    ProposedElsewhere { address: String },
    /// It fits this flat less well than the household chosen.
    LowerScore,
    /// It fits as well or better here, but the best set for all flats together is another.
    WholeRun,
}

impl NotChosen {
    /// Whether a coordinator may pick the household now.
    pub fn can_pick(&self) -> bool {
        !matches!(self, NotChosen::Held { .. })
    }
}

/// One unit of a run: what was proposed and the alternatives.
#[derive(Debug, Clone)]
pub struct RunUnit {
    pub unit_id: i64,
    pub address: String,
    pub municipality_id: i64,
    pub area_m2: f64,
    pub rooms: f64,
    pub gross_cold_rent: crate::domain::Cents,
    /// The proposal for this unit from this run (the suggestion, or the coordinator's
    /// pick), as it stands now.
    pub proposal: Option<ProposalView>,
    pub assigned: Option<Candidate>,
    pub alternatives: Vec<Candidate>,
}

/// A run with everything the review page shows.
#[derive(Debug, Clone)]
pub struct RunDetail {
    pub run: match_run::Model,
    /// (municipality id, rule-set version) used.
    pub rule_sets: Vec<(i64, i32)>,
    pub units: Vec<RunUnit>,
}

impl RunDetail {
    /// Suggestions still waiting for a decision.
    pub fn waiting(&self) -> Vec<i64> {
        self.units
            .iter()
            .filter_map(|u| u.proposal.as_ref())
            .filter(|p| p.state == ProposalState::Suggested)
            .map(|p| p.id)
            .collect()
    }
}

/// One run for review.
pub async fn run_detail(
    app: &App,
    user: &CurrentUser,
    run_id: i64,
) -> Result<RunDetail, ServiceError> {
    // Five round trips with the session: the run with its rule sets, the candidates with
    // their households, the run's proposals, the households' open proposals, the flats.
    let db = &app.db;
    let (run, rule_sets) = crate::store::review::run_with_rule_sets(db, run_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("run".into()))?;
    if !may_see(user, &run) {
        return Err(ServiceError::Forbidden);
    }
    let candidate_rows = crate::store::review::candidates(db, run_id).await?;
    let household_of: BTreeMap<i64, (String, usize)> = candidate_rows
        .iter()
        .map(|c| (c.candidate.household_id, (c.reference.clone(), c.persons)))
        .collect();
    let household_ids: Vec<i64> = household_of.keys().copied().collect();
    let candidates: Vec<match_candidate::Model> =
        candidate_rows.into_iter().map(|c| c.candidate).collect();
    let by_unit = current_proposals(&store::of_run(db, run_id).await?)?;
    // Where each candidate household stands: held by an open proposal, or the run's
    // current proposal for a flat.
    let held: BTreeMap<i64, i64> = store::open_of_households(db, &household_ids)
        .await?
        .into_iter()
        .map(|(household, row)| (household, row.unit_id))
        .collect();
    let proposed_at: BTreeMap<i64, i64> = by_unit
        .values()
        .filter(|view| view.state != ProposalState::Rejected)
        .map(|view| (view.household_id, view.unit_id))
        .collect();
    let mut unit_ids: Vec<i64> = candidates.iter().map(|c| c.unit_id).collect();
    unit_ids.dedup();
    // The flats of the run, and those its households are held or proposed at, at once.
    let mut address_ids: Vec<i64> = held
        .values()
        .chain(proposed_at.values())
        .chain(unit_ids.iter())
        .copied()
        .collect();
    address_ids.sort_unstable();
    address_ids.dedup();
    let found = units::find_many(db, &address_ids).await?;
    let run_view = RunView {
        addresses: found
            .iter()
            .map(|(id, unit)| (*id, unit.details.address.one_line()))
            .collect(),
        candidates,
        household_of,
        by_unit,
        held,
        proposed_at,
    };
    let mut units_out = Vec::new();
    for unit_id in unit_ids {
        let Some(unit) = found.get(&unit_id) else {
            continue;
        };
        if !user.can_manage(unit.municipality_id)
            && !run_view
                .by_unit
                .get(&unit_id)
                .is_some_and(|p| user.can_manage(p.household_municipality_id))
        {
            continue;
        }
        units_out.push(run_view.unit(unit_id, unit));
    }
    Ok(RunDetail {
        run,
        rule_sets,
        units: units_out,
    })
}

/// The run's proposal of each flat; the coordinator's pick replaces the rejected
/// suggestion in the overview.
fn current_proposals(
    rows: &[store::ProposalRow],
) -> Result<BTreeMap<i64, ProposalView>, ServiceError> {
    let mut by_unit: BTreeMap<i64, ProposalView> = BTreeMap::new();
    for row in rows {
        let view = super::pipeline::view_of(row)?;
        let replace = match by_unit.get(&view.unit_id) {
            None => true,
            Some(existing) => existing.state == ProposalState::Rejected,
        };
        if replace {
            by_unit.insert(view.unit_id, view);
        }
    }
    Ok(by_unit)
}

/// What the run page needs to tell, per flat, who was chosen and why the others were not.
struct RunView {
    candidates: Vec<match_candidate::Model>,
    /// Household id → (reference, persons).
    household_of: BTreeMap<i64, (String, usize)>,
    by_unit: BTreeMap<i64, ProposalView>,
    /// Household id → the flat of its open proposal.
    held: BTreeMap<i64, i64>,
    /// Household id → the flat the run proposes it for.
    proposed_at: BTreeMap<i64, i64>,
    addresses: BTreeMap<i64, String>,
}

impl RunView {
    fn unit(&self, unit_id: i64, unit: &units::StoredUnit) -> RunUnit {
        let mine: Vec<&match_candidate::Model> = self
            .candidates
            .iter()
            .filter(|c| c.unit_id == unit_id)
            .collect();
        let chosen = self
            .by_unit
            .get(&unit_id)
            .map(|p| (p.household_id, p.score))
            .or_else(|| {
                mine.iter()
                    .find(|c| c.rank == 0)
                    .map(|c| (c.household_id, c.score))
            });
        let d = &unit.details;
        RunUnit {
            unit_id,
            address: d.address.one_line(),
            municipality_id: unit.municipality_id,
            area_m2: d.area_m2,
            rooms: d.rooms,
            gross_cold_rent: d.cold_rent + d.service_charges,
            proposal: self.by_unit.get(&unit_id).cloned(),
            assigned: mine
                .iter()
                .find(|c| c.rank == 0)
                .map(|c| self.candidate(c, unit_id, chosen)),
            alternatives: mine
                .iter()
                .filter(|c| c.rank > 0)
                .map(|c| self.candidate(c, unit_id, chosen))
                .collect(),
        }
    }

    fn candidate(
        &self,
        c: &match_candidate::Model,
        unit_id: i64,
        chosen: Option<(i64, f64)>,
    ) -> Candidate {
        let household = self.household_of.get(&c.household_id);
        Candidate {
            id: c.id,
            household_id: c.household_id,
            reference: household.map(|h| h.0.clone()).unwrap_or_default(),
            persons: household.map_or(0, |h| h.1),
            score: c.score,
            criteria: parse_criteria(&c.criteria),
            not_chosen: self.not_chosen(c, unit_id, chosen),
        }
    }

    /// Why a candidate is not the flat's household: held elsewhere, proposed elsewhere in
    /// this run, a lower score, or the whole run's best set.
    fn not_chosen(
        &self,
        c: &match_candidate::Model,
        unit_id: i64,
        chosen: Option<(i64, f64)>,
    ) -> Option<NotChosen> {
        if chosen.is_some_and(|(h, _)| h == c.household_id) {
            return None;
        }
        let address_of = |id: i64| self.addresses.get(&id).cloned().unwrap_or_default();
        if let Some(held_at) = self.held.get(&c.household_id) {
            return Some(NotChosen::Held {
                address: address_of(*held_at),
            });
        }
        if let Some(other) = self.proposed_at.get(&c.household_id)
            && *other != unit_id
        {
            return Some(NotChosen::ProposedElsewhere {
                address: address_of(*other),
            });
        }
        match chosen {
            Some((_, score)) if c.score <= score => Some(NotChosen::LowerScore),
            _ => Some(NotChosen::WholeRun),
        }
    }
}

/// The answer to "why not this household for this flat?".
#[derive(Debug, Clone)]
pub enum WhyNot {
    /// Both fit: the score and its criteria.
    Eligible {
        score: f64,
        criteria: Vec<StoredCriterion>,
    },
    /// Every broken hard rule, in German and English.
    Ineligible { rules: Vec<(String, String)> },
    /// A side's municipality has no rule tables yet, or the household has no members.
    NoRules,
}

/// Explains a pair. The household is given by reference (within the municipalities the
/// user works for) or by id.
pub async fn why_not(
    app: &App,
    user: &CurrentUser,
    unit_id: i64,
    household: &str,
) -> Result<Option<(String, String, WhyNot)>, ServiceError> {
    let Some(unit) = units::find(&app.db, unit_id).await? else {
        return Ok(None);
    };
    if !user.can_manage(unit.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let key = household.trim();
    let scope = super::staff::scope(app, user).await?;
    let Some(id) = households::find_by_reference(&app.db, &scope, key).await? else {
        return Ok(None);
    };
    let Some(h) = households::find(&app.db, id).await? else {
        return Ok(None);
    };
    if !user.can_manage(h.municipality_id) {
        return Ok(None);
    }
    let unit_label = unit.details.address.short_label();
    let verdict = WhyNot::of(super::matching::explain_pair(app, &unit, &h).await?);
    Ok(Some((unit_label, h.profile.reference.clone(), verdict)))
}

/// A household of the municipality as "why not" lists it for a flat.
#[derive(Debug, Clone)]
pub struct HouseholdVerdict {
    pub household_id: i64,
    pub reference: String,
    /// The person who speaks for the household.
    pub name: Option<String>,
    pub verdict: WhyNot,
    /// Another proposal under way holds the household.
    pub held: bool,
}

/// Why a flat got no proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum NoProposal {
    /// The flat is not offered now (not yet checked, reserved, let or withdrawn).
    NotOffered,
    /// No household meets every hard rule; the rule broken most often, and how often.
    NobodyEligible {
        rule: Option<(String, String)>,
        count: usize,
    },
    /// Every household that fits is held by a proposal under way or proposed for a flat
    /// where it fits better.
    TakenElsewhere { eligible: usize },
    /// Households fit and are free: the flat was not in the last run (new, or checked
    /// since); a new run will propose one.
    NotInLastRun { eligible: usize },
}

/// The flat's verdict for every household of its municipality that is looking (or paused)
/// and matches `query` (part of the reference or a member's name, any case): fitting
/// ones first, best score first. With it, why the flat has no proposal, when it has none.
pub async fn why_not_list(
    app: &App,
    user: &CurrentUser,
    unit_id: i64,
    query: &str,
) -> Result<(Vec<HouseholdVerdict>, Option<NoProposal>), ServiceError> {
    use crate::domain::household::HouseholdStatus;
    let unit = units::find(&app.db, unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    if !user.can_manage(unit.municipality_id) {
        return Err(ServiceError::Forbidden);
    }
    let all = households::list_by_status(
        &app.db,
        &[HouseholdStatus::Active, HouseholdStatus::Paused],
        Some(unit.municipality_id),
    )
    .await?;
    let verdicts = super::matching::explain_unit(app, &unit, &all).await?;
    let ids: Vec<i64> = all.iter().map(|h| h.id).collect();
    let held = store::open_of_households(&app.db, &ids).await?;
    let today = app.clock.today();
    let mut out: Vec<HouseholdVerdict> = all
        .iter()
        .zip(verdicts)
        .map(|(h, (_, v))| HouseholdVerdict {
            household_id: h.id,
            reference: h.profile.reference.clone(),
            name: h.profile.contact_person(today),
            verdict: WhyNot::of(v),
            held: held.contains_key(&h.id),
        })
        .collect();
    let no_proposal = no_proposal_reason(app, &unit, &out).await?;
    let q = query.trim().to_lowercase();
    if !q.is_empty() {
        out.retain(|v| finds(v, &all, &q));
    }
    let score = |v: &HouseholdVerdict| match &v.verdict {
        WhyNot::Eligible { score, .. } => *score,
        _ => -1.0,
    };
    out.sort_by(|a, b| {
        score(b)
            .total_cmp(&score(a))
            .then_with(|| a.reference.cmp(&b.reference))
    });
    Ok((out, no_proposal))
}

impl WhyNot {
    /// The engine's verdict on a pair, as stored for the page (none: no rules apply).
    fn of(verdict: Option<PairVerdict>) -> WhyNot {
        match verdict {
            None => WhyNot::NoRules,
            Some(PairVerdict::Ineligible { rules }) => WhyNot::Ineligible {
                rules: rules.into_iter().map(|r| (r.text_de, r.text_en)).collect(),
            },
            Some(PairVerdict::Eligible { score, criteria }) => WhyNot::Eligible {
                score,
                criteria: criteria
                    .into_iter()
                    .map(|c| StoredCriterion {
                        name: c.name.to_owned(),
                        weight: c.weight,
                        points: c.points,
                        text_de: c.text_de,
                        text_en: c.text_en,
                    })
                    .collect(),
            },
        }
    }
}

/// Whether the search `q` (lower case) finds a household of the list: in its reference,
/// its contact's name or any member's full name.
fn finds(v: &HouseholdVerdict, all: &[households::StoredHousehold], q: &str) -> bool {
    v.reference.to_lowercase().contains(q)
        || v.name
            .as_ref()
            .is_some_and(|n| n.to_lowercase().contains(q))
        || all.iter().any(|h| {
            h.id == v.household_id
                && h.profile.members.iter().any(|m| {
                    format!(
                        "{} {}",
                        m.first_name,
                        m.last_name.clone().unwrap_or_default()
                    )
                    .to_lowercase()
                    .contains(q)
                })
        })
}

/// Why the flat has no proposal (none when it has one under way or waiting).
async fn no_proposal_reason(
    app: &App,
    unit: &crate::store::units::StoredUnit,
    verdicts: &[HouseholdVerdict],
) -> Result<Option<NoProposal>, ServiceError> {
    let has_one = crate::store::review::under_way_or_suggested(&app.db, unit.id).await?;
    if has_one {
        return Ok(None);
    }
    if unit.status != crate::domain::unit::UnitStatus::Available {
        return Ok(Some(NoProposal::NotOffered));
    }
    let eligible: Vec<&HouseholdVerdict> = verdicts
        .iter()
        .filter(|v| matches!(v.verdict, WhyNot::Eligible { .. }))
        .collect();
    if eligible.is_empty() {
        let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
        for v in verdicts {
            if let WhyNot::Ineligible { rules } = &v.verdict {
                for r in rules {
                    *counts.entry(r.clone()).or_default() += 1;
                }
            }
        }
        let top = counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)));
        return Ok(Some(NoProposal::NobodyEligible {
            count: top.as_ref().map_or(0, |t| t.1),
            rule: top.map(|t| t.0),
        }));
    }
    // Proposed elsewhere: a suggestion waiting for another flat.
    let ids: Vec<i64> = eligible.iter().map(|v| v.household_id).collect();
    let suggested_elsewhere = crate::store::review::suggested_households(&app.db, &ids).await?;
    let free = eligible
        .iter()
        .filter(|v| !v.held && !suggested_elsewhere.contains(&v.household_id))
        .count();
    Ok(Some(if free == 0 {
        NoProposal::TakenElsewhere {
            eligible: eligible.len(),
        }
    } else {
        NoProposal::NotInLastRun {
            eligible: eligible.len(),
        }
    }))
}
