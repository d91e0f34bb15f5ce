//! Action links in e-mails that work without logging in: single-use, expiring, each scoped
//! to one proposal, one party (landlord or household) and one action.
//!
//! A link carries 32 random bytes; only their SHA-256 is stored, together with the scope
//! and the expiry, so the database alone cannot produce a working link and a guessed or
//! altered link matches nothing. Using one answer link of a party retires that party's
//! other links for the proposal: they answered.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::ServiceError;
use crate::app::App;
use crate::store::tokens::{self, NewToken};
use crate::util::sha256_hex;

/// The token purpose of proposal answer links.
pub const PROPOSAL_ANSWER: &str = "proposal_answer";

/// Who a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Landlord,
    Household,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Landlord => "landlord",
            Party::Household => "household",
        }
    }

    pub fn parse(text: &str) -> Option<Party> {
        match text {
            "landlord" => Some(Party::Landlord),
            "household" => Some(Party::Household),
            _ => None,
        }
    }

    /// The actions a party's links may carry.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Party::Landlord => &["accept", "viewing", "decline"],
            Party::Household => &["accept", "decline"],
        }
    }
}

/// Creates a link for `party` to do `action` on a proposal, valid until `expires_at`, and
/// returns its address.
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal_id: i64,
    party: Party,
    action: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let (token, _) = super::accounts::issue_token(
        db,
        NewToken {
            purpose: PROPOSAL_ANSWER,
            proposal_id: Some(proposal_id),
            party: Some(party.as_str().to_owned()),
            action: Some(action.to_owned()),
            ..Default::default()
        },
        expires_at,
        now,
    )
    .await?;
    Ok(super::accounts::link(app, &format!("/a/{token}")))
}

/// A link as found.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundLink {
    pub token_id: i64,
    pub proposal_id: i64,
    pub party: Party,
    pub action: String,
}

/// What a link is worth now.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkState {
    Valid(FoundLink),
    /// Used already (by this or another link of the same party), with the proposal.
    Used(i64, Party),
    /// Past its date, or the proposal expired unanswered, with the proposal.
    Expired(i64, Party),
    /// Retired without an answer of this party: the proposal ended otherwise.
    Closed(i64, Party),
    Unknown,
}

/// Looks a link up without using it.
pub async fn check(app: &App, token: &str) -> Result<LinkState, ServiceError> {
    if token.len() != 64 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(LinkState::Unknown);
    }
    let Some(row) = tokens::find(&app.db, &sha256_hex(token), PROPOSAL_ANSWER).await? else {
        return Ok(LinkState::Unknown);
    };
    let (Some(proposal_id), Some(party), Some(action)) = (
        row.proposal_id,
        row.party.as_deref().and_then(Party::parse),
        row.action.clone(),
    ) else {
        return Ok(LinkState::Unknown);
    };
    if row.used_at.is_some() {
        return retired(app, proposal_id, party).await;
    }
    if row.expires_at <= app.clock.now() {
        return Ok(LinkState::Expired(proposal_id, party));
    }
    Ok(LinkState::Valid(FoundLink {
        token_id: row.id,
        proposal_id,
        party,
        action,
    }))
}

/// Why a link no longer works: its party answered (used), the proposal expired without
/// that answer, or the proposal ended otherwise (links are retired when it closes).
async fn retired(app: &App, proposal_id: i64, party: Party) -> Result<LinkState, ServiceError> {
    let Some(p) = crate::store::proposals::find(&app.db, proposal_id).await? else {
        return Ok(LinkState::Unknown);
    };
    let answered = match party {
        Party::Landlord => p.landlord_answered_at.is_some(),
        Party::Household => p.household_answered_at.is_some(),
    };
    Ok(if answered {
        LinkState::Used(proposal_id, party)
    } else if p.state == crate::domain::pipeline::ProposalState::Expired.as_str() {
        LinkState::Expired(proposal_id, party)
    } else {
        LinkState::Closed(proposal_id, party)
    })
}

/// Uses a party's links of a proposal up, in the caller's transaction. False when the
/// given link was used meanwhile (a second click racing the first).
pub async fn use_up<C: ConnectionTrait>(
    db: &C,
    link: &FoundLink,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    if !tokens::mark_used(db, link.token_id, now).await? {
        return Ok(false);
    }
    retire_party(db, link.proposal_id, Some(link.party), now).await?;
    Ok(true)
}

/// Retires the unused answer links of a proposal (of one party, or all).
pub async fn retire_party<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
    party: Option<Party>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    crate::store::tokens::retire_of_proposal(
        db,
        proposal_id,
        PROPOSAL_ANSWER,
        party.map(|p| p.as_str()),
        now,
    )
    .await?;
    Ok(())
}
