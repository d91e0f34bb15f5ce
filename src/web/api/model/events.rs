//! What webhooks send: one event per POST, signed (see the OpenAPI document's
//! description and `webhooks`).

use super::*;

/// An event sent to a municipality's webhook address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEvent {
    /// The event's id (also in the `Bleibe-Event-Id` header): the same on every attempt
    /// and on a redelivery, so a receiver drops repeats by it.
    pub id: String,
    /// The event type (also in the `Bleibe-Event` header).
    #[serde(rename = "type")]
    #[schema(schema_with = event_type_schema)]
    pub kind: String,
    /// When it happened (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
    pub municipality_id: i64,
    pub data: WebhookData,
}

/// Ids and states; the household's reference only for endpoints marked as trusted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookData {
    /// Proposal events: the proposal, its flat and its household.
    pub proposal_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub household_id: Option<i64>,
    /// Proposal events: the state before and after (see the `Proposal` schema).
    pub from_state: Option<String>,
    pub state: Option<String>,
    /// `household.status_changed`: the new status.
    pub status: Option<String>,
    /// `follow_up.*`: the check-in and its month after moving in (1, 3, 6, 12).
    pub follow_up_id: Option<i64>,
    pub month: Option<i32>,
    /// Only for endpoints marked as trusted: the municipality's reference of the household.
    pub household_reference: Option<String>,
}

fn event_type_schema() -> Object {
    names(crate::domain::webhooks::EventType::NAMES.iter().copied())
}
