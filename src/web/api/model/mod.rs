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
use crate::store::households::{ListedHousehold, StoredHousehold};
use crate::store::units::StoredUnit;

/// Largest page size.
pub const MAX_PER_PAGE: u32 = 100;
/// Highest page number accepted.
pub const MAX_PAGE: u32 = 1_000_000;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: u32 = 25;

pub(crate) fn names<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
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
        /// Only proposals in this stage of the board.
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

pub mod events;
pub mod inputs;
mod resources;
mod writes;

pub use resources::*;
pub use writes::*;
