//! Use cases: one function per thing a person or a job does. Each checks permission and
//! scope, runs in one transaction, and calls `store`, `engine`, the outbox and the audit
//! log. Pages, the API, jobs and the CLI all come through here.

pub mod account_deletion;
pub mod account_settings;
pub mod accounts;
pub mod admin;
pub mod api_tokens;
pub mod audit;
pub mod demo;
pub mod documents;
pub mod dossier;
pub mod drafts;
pub mod figures;
pub mod households;
pub mod idempotency;
pub mod import;
pub mod lab;
pub mod letters;
pub mod limits;
pub mod links;
pub mod map;
pub mod matching;
pub mod outreach;
pub mod passwords;
pub mod photos;
pub mod pipeline;
pub mod privacy;
pub mod proposals;
pub mod reports;
pub mod retention;
pub mod review;
pub mod routine;
pub mod rules;
pub mod second_factor;
pub mod staff;
pub mod units;
pub mod webhooks;

use sea_orm::DbErr;

use crate::domain::roles::Role;

/// A logged-in person as the services see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub display_name: String,
    pub role: Role,
    /// Municipalities a coordinator or volunteer works for (empty for admins and landlords).
    pub municipalities: Vec<i64>,
}

impl CurrentUser {
    /// Whether the user may manage the municipality's households, units and runs.
    pub fn can_manage(&self, municipality_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator => self.municipalities.contains(&municipality_id),
            Role::Volunteer | Role::Landlord => false,
        }
    }
}

impl CurrentUser {
    /// Whether the user may read the municipality's units (volunteers too).
    pub fn can_read(&self, municipality_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator | Role::Volunteer => self.municipalities.contains(&municipality_id),
            Role::Landlord => false,
        }
    }
}

/// Who does something: a person, or the system itself (CLI, scheduled jobs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    System,
    User(CurrentUser),
}

impl Actor {
    /// The acting user's id, if a person acts.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::System => None,
            Actor::User(u) => Some(u.id),
        }
    }

    /// How the audit log names the actor.
    pub fn label(&self) -> String {
        match self {
            Actor::System => "system".to_owned(),
            Actor::User(u) => format!("{} ({})", u.display_name, u.role),
        }
    }
}

/// What is stored that contradicts a request: each with the catalog key of its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A proposal for the household is under way: withdraw it first.
    HouseholdOpenProposal,
    /// "Placed" is set by recording the move-in, not by hand.
    HouseholdPlacedByMoveIn,
    /// The flat is in a proposal or let, and cannot be edited or withdrawn now.
    UnitLocked,
    /// An account with this e-mail address exists.
    AccountExists,
    /// A flat of this landlord is in an open proposal.
    LandlordBusy,
    /// The side has answered already, or the proposal moved on.
    AnsweredAlready,
    /// The incentive request was decided already.
    DecidedAlready,
    /// The flat's status does not allow that change (checked or released already).
    UnitStatus,
    /// The invited person has set a password already.
    InvitedAlreadyActive,
    /// An admin cannot lock their own account.
    NotYourself,
    /// Another match run is under way.
    RunInProgress,
    /// The person's data was erased already.
    AlreadyErased,
    /// The only admin who can log in cannot delete their own account.
    LastAdmin,
    /// A lease of one of the landlord's flats is signed, or a household lives there: the
    /// account cannot be deleted yet.
    AccountHeld,
    /// The document does not fit the proposal's stage (or is not the reader's to have).
    DocumentNotAtStage,
    /// Someone else saved a change since the form was opened (or since the version an
    /// API client names in `If-Match`).
    StaleVersion,
}

impl Conflict {
    /// The catalog key of the sentence that explains it.
    pub fn key(self) -> &'static str {
        match self {
            Conflict::HouseholdOpenProposal => "household.open_proposal",
            Conflict::HouseholdPlacedByMoveIn => "household.placed_by_move_in",
            Conflict::UnitLocked => "unit.locked",
            Conflict::AccountExists => "auth.account_exists_text",
            Conflict::LandlordBusy => "privacy_tools.landlord_busy",
            Conflict::AnsweredAlready => "proposal.answered_already",
            Conflict::DecidedAlready => "workspace.decided_already",
            Conflict::UnitStatus => "workspace.status_conflict",
            Conflict::InvitedAlreadyActive => "admin.invited_already_active",
            Conflict::NotYourself => "admin.not_yourself",
            Conflict::RunInProgress => "review.run_in_progress",
            Conflict::AlreadyErased => "privacy_tools.already_erased",
            Conflict::LastAdmin => "account.delete.last_admin",
            Conflict::AccountHeld => "account.delete.held",
            Conflict::DocumentNotAtStage => "documents.not_at_stage",
            Conflict::StaleVersion => "form.stale_text",
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing does not exist (or the actor may not know it exists).
    #[error("{0}")]
    NotFound(String),
    /// The actor may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The request contradicts the current state.
    #[error("{0}")]
    Conflict(Conflict),
    /// The input is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// Form fields are not acceptable: which and why.
    #[error("invalid fields: {0:?}")]
    Fields(crate::domain::validation::FieldErrors),
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
