//! Bleibe's sea-orm entities: one module per table, data only.
//!
//! Behaviour lives in the application (`bleibe::store` converts rows to domain types).
//! Status and kind columns are plain strings here; `bleibe::domain` owns their meaning.

pub mod action_token;
pub mod api_token;
pub mod area_norm;
pub mod audit_entry;
pub mod campaign;
pub mod document;
pub mod document_template;
pub mod follow_up;
pub mod household;
pub mod household_allowed_municipality;
pub mod household_anchor;
pub mod household_member;
pub mod idempotency_key;
pub mod import;
pub mod incentive_programme;
pub mod job_lock;
pub mod job_run;
pub mod lab_run;
pub mod landlord;
pub mod landlord_origin;
pub mod match_candidate;
pub mod match_run;
pub mod match_run_rule_set;
pub mod municipality;
pub mod municipality_page;
pub mod outbox_message;
pub mod page_visit;
pub mod placement;
pub mod prelude;
pub mod proposal;
pub mod proposal_event;
pub mod rate_limit;
pub mod rent_cap;
pub mod review_flag;
pub mod role_policy;
pub mod rule_set;
pub mod session;
pub mod unit;
pub mod unit_draft;
pub mod unit_incentive;
pub mod unit_photo;
pub mod user;
pub mod user_municipality;
pub mod viewing;
pub mod webhook_delivery;
pub mod webhook_endpoint;
