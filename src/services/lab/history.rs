//! The service's last months as a stream: every flat and household that was in the pool,
//! arriving when it was registered (or at the start, when earlier), with today's rule
//! tables, and the answer model calibrated to the proposals of those months. Ids are the
//! database ids; no names, addresses or references leave.

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate, TimeZone, Utc};

use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::pipeline::ProposalState;
use crate::domain::unit::UnitStatus;
use crate::engine::lab::calibrate::{Answered, calibrate};
use crate::engine::lab::{HouseholdArrival, Stream, UnitArrival};
use crate::services::matching::{
    self, Scope, household_input, municipalities_used, municipality_inputs, unit_input,
};
use crate::services::{Actor, ServiceError};
use crate::store::lab::{self as store, SentProposal};
use crate::store::{households, municipalities, units};

/// Longest history read, in months.
pub const MAX_MONTHS: u32 = 36;

/// The stream of the last `months` months for `scope`.
pub async fn history_stream(
    app: &App,
    actor: &Actor,
    scope: Scope,
    months: u32,
) -> Result<Stream, ServiceError> {
    if !matching::may_run(actor, scope) {
        return Err(ServiceError::Forbidden);
    }
    if !(1..=MAX_MONTHS).contains(&months) {
        return Err(ServiceError::Invalid(format!(
            "the history covers 1 to {MAX_MONTHS} months"
        )));
    }
    let end = app.clock.today();
    let start = end
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| ServiceError::Invalid("the history starts too early".into()))?;
    let db = &app.db;
    let m = scope.municipality();
    let rules = municipalities::current_rule_sets(db).await?;
    if let Some(id) = m
        && !rules.contains_key(&id)
    {
        return Err(ServiceError::Invalid(
            "this municipality has no rule tables yet".into(),
        ));
    }
    let has_rules = |id: i64| rules.contains_key(&id);
    let window = Window {
        start,
        end,
        municipality: m,
        gone: store::moved_in_before(db, start).await?,
    };
    let flats = flats(app, &window, &has_rules).await?;
    let people = households_of(app, &window, &has_rules).await?;
    let all = municipalities::list(db).await?;
    let used = {
        let units: Vec<_> = flats.iter().map(|a| a.unit.clone()).collect();
        let households: Vec<_> = people.iter().map(|a| a.household.clone()).collect();
        municipalities_used(&units, &households)
    };
    let municipalities = municipality_inputs(&all, &rules)
        .into_iter()
        .filter(
            |mi| matches!(mi.id, crate::engine::Id::Num(id) if used.contains(&id) || Some(id) == m),
        )
        .collect();
    let since = Utc.from_utc_datetime(&start.and_hms_opt(0, 0, 0).unwrap_or_default());
    let sent = store::sent_proposals(db, m, since).await?;
    let answers = calibrate(&sent.iter().map(answered).collect::<Vec<_>>());
    Ok(Stream {
        start,
        end,
        municipalities,
        units: flats,
        households: people,
        answers,
    })
}

/// The months read: their first and last day, the municipality (or all), and the flats
/// and households that moved in before the first day.
struct Window {
    start: NaiveDate,
    end: NaiveDate,
    municipality: Option<i64>,
    gone: (BTreeSet<i64>, BTreeSet<i64>),
}

impl Window {
    /// The arrival day of a record that was in the pool in the window, if it was.
    fn arrival(&self, span: Option<&store::Span>) -> Option<NaiveDate> {
        let span = span?;
        let came = span.came.date_naive();
        let went_before = span.went.is_some_and(|w| w.date_naive() < self.start);
        (came <= self.end && !went_before).then(|| came.max(self.start))
    }
}

/// Every flat that was open for matching, reserved, let or withdrawn in the window.
async fn flats(
    app: &App,
    w: &Window,
    has_rules: &(dyn Fn(i64) -> bool + Sync),
) -> Result<Vec<UnitArrival>, ServiceError> {
    let spans = store::unit_spans(&app.db, w.municipality).await?;
    let pool = [
        UnitStatus::Available,
        UnitStatus::Reserved,
        UnitStatus::Let,
        UnitStatus::Withdrawn,
    ];
    let mut flats = Vec::new();
    for u in units::list_by_status(&app.db, &pool, w.municipality).await? {
        if w.gone.0.contains(&u.id) || !has_rules(u.municipality_id) {
            continue;
        }
        if let Some(arrives) = w.arrival(spans.get(&u.id)) {
            let mut unit = unit_input(&u);
            unit.active = true;
            flats.push(UnitArrival { arrives, unit });
        }
    }
    Ok(flats)
}

/// Every household that waited in the window with consent to matching (or was placed).
async fn households_of(
    app: &App,
    w: &Window,
    has_rules: &(dyn Fn(i64) -> bool + Sync),
) -> Result<Vec<HouseholdArrival>, ServiceError> {
    let spans = store::household_spans(&app.db, w.municipality).await?;
    let statuses = [
        HouseholdStatus::Active,
        HouseholdStatus::Paused,
        HouseholdStatus::Placed,
        HouseholdStatus::Closed,
    ];
    let no_declines = crate::store::matching::Declines::default();
    let none = BTreeSet::new();
    let mut people = Vec::new();
    for h in households::list_by_status(&app.db, &statuses, w.municipality).await? {
        let counted = h.erased_at.is_none()
            && !h.profile.members.is_empty()
            && has_rules(h.municipality_id)
            && !w.gone.1.contains(&h.id)
            && (h.consents_to_matching() || h.status == HouseholdStatus::Placed);
        if !counted {
            continue;
        }
        if let Some(arrives) = w.arrival(spans.get(&h.id)) {
            let mut household = household_input(&h, arrives, has_rules, &no_declines, &none);
            household.active = true;
            household.consent = true;
            people.push(HouseholdArrival { arrives, household });
        }
    }
    Ok(people)
}

fn days(from: chrono::DateTime<Utc>, to: chrono::DateTime<Utc>) -> Option<u32> {
    u32::try_from((to - from).num_days()).ok()
}

/// A sent proposal as the answer model sees it.
fn answered(p: &SentProposal) -> Answered {
    let state: Option<ProposalState> = p.state.parse().ok();
    let expired = state == Some(ProposalState::Expired);
    let household_yes = match state {
        Some(ProposalState::HouseholdDeclined) => Some(false),
        _ if p.household_answered_at.is_some() => Some(true),
        _ if expired => Some(false),
        _ => None,
    };
    let landlord_yes = match state {
        Some(ProposalState::LandlordDeclined) => Some(false),
        _ if p.landlord_answered_at.is_some() => Some(true),
        _ if expired => Some(false),
        _ => None,
    };
    let both = p
        .landlord_answered_at
        .zip(p.household_answered_at)
        .map(|(l, h)| l.max(h));
    let answer_days = match (household_yes, landlord_yes) {
        (Some(true), Some(true)) => both.and_then(|at| days(p.sent_at, at)),
        (Some(false), _) | (_, Some(false)) => p
            .closed_at
            .or(p.household_answered_at)
            .or(p.landlord_answered_at)
            .and_then(|at| days(p.sent_at, at)),
        _ => None,
    };
    let move_in_days = both
        .zip(p.moved_in_on)
        .and_then(|(at, moved)| u32::try_from((moved - at.date_naive()).num_days()).ok());
    Answered {
        score: p.score,
        household_yes,
        landlord_yes,
        answer_days,
        move_in_days,
    }
}
