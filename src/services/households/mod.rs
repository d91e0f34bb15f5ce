//! Household profiles, kept by coordinators: create, edit, pause, close, consent, and the
//! filtered list. Only coordinators of the household's municipality (and admins) see or
//! change a household; every change is recorded in the audit log by field name, without
//! the values.

mod form;
mod write;

pub use form::*;
pub use write::*;

use sea_orm::TransactionTrait;

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Language;
use crate::domain::Locale;
use crate::domain::household::{
    Anchor, AnchorKind, HouseholdProfile, HouseholdStatus, Member, MemberRole, ResidenceStatus,
};
use crate::domain::input::{Fields, Reader, VERSION_FIELD, expected_version};
use crate::domain::validation::FieldErrors;
use crate::store::households::{self, Consent, StoredHousehold};

/// Municipalities a residence obligation can name: every municipality Bleibe knows.
pub async fn area_choices(app: &App) -> Result<Vec<(i64, String)>, ServiceError> {
    Ok(super::staff::all_municipalities(app)
        .await?
        .iter()
        .map(|m| (m.id, m.name.clone()))
        .collect())
}

/// Refused unless `user` manages households of `municipality_id`.
pub fn check_scope(user: &CurrentUser, municipality_id: i64) -> Result<(), ServiceError> {
    if user.can_manage(municipality_id) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

/// A household the user may see.
pub async fn get(app: &App, user: &CurrentUser, id: i64) -> Result<StoredHousehold, ServiceError> {
    let household = households::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    check_scope(user, household.municipality_id)?;
    if household.status == HouseholdStatus::Closed
        && household.profile.reference.starts_with("anon-")
    {
        return Err(ServiceError::NotFound("household".into()));
    }
    Ok(household)
}

/// Creates a household.
pub async fn create(
    app: &App,
    user: &CurrentUser,
    municipality_id: i64,
    fields: &[(String, String)],
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    check_scope(user, municipality_id)?;
    let valid = match validate(app, municipality_id, Fields(fields), None).await? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let now = app.clock.now();
    let consent = valid.consent.as_ref().map(|(at, scope)| Consent {
        at: *at,
        scope: scope.clone(),
        recorded_by: Some(user.id),
    });
    let txn = app.db.begin().await?;
    let inserted = households::insert(
        &txn,
        municipality_id,
        HouseholdStatus::Active,
        &valid.profile,
        &valid.allowed,
        consent.as_ref(),
        Some(user.id),
        now,
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        // Another request created the reference a moment ago (after the check above).
        Err(e) if crate::store::is_unique_violation(&e) => {
            return Ok(Err(FieldErrors::single(
                "reference",
                "validation.reference_taken",
            )));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "create_household",
        "households",
        Some(id),
        Some(municipality_id),
        serde_json::json!({"consent": consent.is_some()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Names of the profile fields that differ (for the audit log; values are not recorded).
fn changed_fields(old: &HouseholdProfile, new: &HouseholdProfile) -> Vec<&'static str> {
    let mut out = Vec::new();
    macro_rules! compare {
        ($($field:ident),+) => { $(if old.$field != new.$field { out.push(stringify!($field)); })+ };
    }
    compare!(
        reference,
        members,
        residence_status,
        residence_obligation,
        residence_obligation_until,
        benefit_type,
        work_situation,
        wheelchair,
        max_floor_without_lift,
        rooms_wanted,
        pets,
        max_distance_km,
        latest_move_date,
        follow_up_site,
        in_follow_up_since,
        urgency,
        urgency_reason,
        languages,
        preferred_language,
        email,
        phone,
        caseworker_name,
        caseworker_email,
        caseworker_phone,
        landlord_text,
        anchors,
        notes
    );
    out
}

/// Filters of the household list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `None` = active and paused.
    pub status: Option<HouseholdStatus>,
    /// "1", "2", "3-4", "5+".
    pub size: Option<String>,
    /// At least this many months in follow-up housing.
    pub waiting_months: Option<u32>,
    /// At least this urgency.
    pub urgency: Option<u8>,
    /// Reference or a member's name contains this.
    pub search: String,
    /// At least this many persons (the API's filter; narrows `size`).
    pub min_persons: Option<u32>,
}

/// A household in the list.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub household: households::ListedHousehold,
    pub persons: u32,
    pub waiting_months: Option<u32>,
}

/// One page of the household list and how many households pass the filter in all.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub rows: Vec<ListRow>,
    pub total: u64,
}

impl Filter {
    /// The persons range of the size choice ("1", "2", "3-4", "5+"), narrowed by
    /// `min_persons`.
    fn persons(&self) -> (Option<u32>, Option<u32>) {
        let (min, max) = match self.size.as_deref() {
            Some("1") => (Some(1), Some(1)),
            Some("2") => (Some(2), Some(2)),
            Some("3-4") => (Some(3), Some(4)),
            Some("5+") => (Some(5), None),
            _ => (None, None),
        };
        let min = match (min, self.min_persons) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        (min, max)
    }
}

/// One page (`offset`, `limit`) of the households of `municipalities` matching the
/// filter, longest in follow-up housing first, then by id; filtered and paged in the
/// database. Every municipality must be the user's.
pub async fn list(
    app: &App,
    user: &CurrentUser,
    municipalities: &[i64],
    filter: &Filter,
    offset: u64,
    limit: u64,
) -> Result<ListPage, ServiceError> {
    for m in municipalities {
        check_scope(user, *m)?;
    }
    let today = app.clock.today();
    let (min_persons, max_persons) = filter.persons();
    let query = households::ListFilter {
        municipalities: municipalities.to_vec(),
        statuses: match filter.status {
            Some(s) => vec![s],
            None => vec![HouseholdStatus::Active, HouseholdStatus::Paused],
        },
        min_persons,
        max_persons,
        in_follow_up_by: filter
            .waiting_months
            .filter(|m| *m > 0)
            .map(|m| crate::domain::time::waited_at_least_since(today, m)),
        min_urgency: filter.urgency.filter(|u| *u > 0),
        search: crate::domain::household::search_term(&filter.search),
    };
    let (found, total) = households::page(&app.db, &query, offset, limit).await?;
    let rows = found
        .into_iter()
        .map(|h| ListRow {
            persons: h.birth_years.len() as u32,
            waiting_months: h
                .in_follow_up_since
                .map(|d| crate::domain::time::months_between(d, today)),
            household: h,
        })
        .collect();
    Ok(ListPage { rows, total })
}
