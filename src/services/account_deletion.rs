//! Deleting one's own account (DSGVO Art. 17): what it would do, for the page that asks,
//! and doing it. A landlord's open proposals are withdrawn with letters to the household
//! and its coordinator, their flats taken out and their data erased as an admin's erasure
//! does; a staff account is erased likewise; statistics keep what they count.

use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;

use super::account_settings::{account, current_password_problem};
use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::pipeline::{ProposalState, Step};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::mail::compose::Contact;
use crate::store::{landlords, units, users};

/// A proposal that stops a landlord's account from being deleted now (a lease is signed,
/// or the household lives in the flat).
#[derive(Debug, Clone)]
pub struct Held {
    pub proposal_id: i64,
    pub state: ProposalState,
    pub town: String,
}

/// What deleting the account would do, for the page that asks.
#[derive(Debug, Clone, Default)]
pub struct DeletionPlan {
    pub is_landlord: bool,
    /// Flats that are taken out of the placement (landlords).
    pub units: usize,
    /// Open proposals that would be withdrawn, with letters to household and coordinator.
    pub withdrawn: usize,
    /// Proposals that cannot be ended this way: deletion must wait.
    pub held: Vec<Held>,
    /// Whom to ask while deletion must wait: the municipality of the first held flat, or
    /// the team.
    pub contact: Contact,
    /// The only admin who can log in: another admin must exist first.
    pub last_admin: bool,
}

impl DeletionPlan {
    /// Whether the account can be deleted now.
    pub fn possible(&self) -> bool {
        self.held.is_empty() && !self.last_admin
    }
}

/// Whether a proposal in `state` ends when its landlord leaves (withdrawn), or must wait.
fn must_wait(state: ProposalState) -> bool {
    matches!(state, ProposalState::LeaseSigned | ProposalState::MovedIn)
}

/// What deleting the account would do, and whether it can be done now.
pub async fn deletion_plan(app: &App, user: &CurrentUser) -> Result<DeletionPlan, ServiceError> {
    let mut plan = DeletionPlan {
        is_landlord: user.role == Role::Landlord,
        contact: super::letters::support_contact(app),
        ..Default::default()
    };
    if user.role == Role::Admin {
        plan.last_admin = users::active_admins_except(&app.db, user.id).await? == 0;
    }
    if user.role != Role::Landlord {
        return Ok(plan);
    }
    let Some(landlord) = landlords::find_by_user(&app.db, user.id).await? else {
        return Ok(plan);
    };
    let own = units::list_for_landlord(&app.db, landlord.id).await?;
    plan.units = own
        .iter()
        .filter(|u| u.status != crate::domain::unit::UnitStatus::Withdrawn)
        .count();
    let ids: Vec<i64> = own.iter().map(|u| u.id).collect();
    for id in crate::store::pipeline::open_proposals(&app.db, None, &ids).await? {
        let Some(row) = crate::store::pipeline::find(&app.db, id).await? else {
            continue;
        };
        let state = super::pipeline::state_of(&row.proposal)?;
        if must_wait(state) {
            if plan.held.is_empty()
                && let Some(m) =
                    crate::store::municipalities::find(&app.db, row.unit.municipality_id).await?
            {
                plan.contact = super::letters::municipality_contact(&m);
            }
            plan.held.push(Held {
                proposal_id: id,
                state,
                town: format!("{} {}", row.unit.postal_code, row.unit.town),
            });
        } else {
            plan.withdrawn += 1;
        }
    }
    Ok(plan)
}

/// Deletes the logged-in person's account (Art. 17), with the current password and the
/// box ticked. A landlord's open proposals are withdrawn (the household and its
/// coordinator are told by e-mail), their flats taken out and their data erased as an
/// admin's erasure does; statistics keep what they count. A staff account is erased
/// likewise (what they did stays, under "erased person"). Refused while a lease of one of
/// the landlord's flats is signed or a household lives there, and for the last admin.
pub async fn delete_account(
    app: &App,
    user: &CurrentUser,
    password: &str,
    confirmed: bool,
) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let account = account(app, user).await?;
    let mut errors = FieldErrors::default();
    if let Some(problem) = current_password_problem(app, &account, password).await? {
        errors.add("delete_password", problem);
    }
    if !confirmed {
        errors.add("confirm", "account.errors.confirm_delete");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let plan = deletion_plan(app, user).await?;
    if plan.last_admin {
        return Err(ServiceError::Conflict(Conflict::LastAdmin));
    }
    if !plan.held.is_empty() {
        return Err(ServiceError::Conflict(Conflict::AccountHeld));
    }
    let leftovers = if user.role == Role::Landlord {
        delete_landlord(app, user, &account, now).await?
    } else {
        let txn = app.db.begin().await?;
        audit::record(
            &txn,
            &Actor::User(user.clone()),
            "delete_own_account",
            "users",
            Some(account.id),
            None,
            serde_json::json!({"article": 17, "role": user.role.as_str()}),
            now,
        )
        .await?;
        let leftovers = super::privacy::erase_staff_in(&txn, &account, now).await?;
        txn.commit().await?;
        leftovers
    };
    leftovers.remove(app);
    Ok(())
}

/// A landlord leaves: in one transaction every open proposal of their flats is withdrawn
/// (the pipeline's withdraw step, with its consequences and letters), the household and its
/// coordinator are told, and the landlord is erased.
async fn delete_landlord(
    app: &App,
    user: &CurrentUser,
    account: &entities::user::Model,
    now: DateTime<Utc>,
) -> Result<super::privacy::Leftovers, ServiceError> {
    let landlord = landlords::find_by_user(&app.db, user.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    let own = units::list_for_landlord(&app.db, landlord.id).await?;
    let ids: Vec<i64> = own.iter().map(|u| u.id).collect();
    let who = super::privacy::landlord_identifiers(&landlord, Some(account), &own);
    let txn = app.db.begin().await?;
    let step = Step::Withdraw {
        reason: "account_deleted".to_owned(),
    };
    let mut withdrawn = 0;
    for id in crate::store::pipeline::open_proposals(&txn, None, &ids).await? {
        let row = crate::store::pipeline::find(&txn, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
        let from = super::pipeline::state_of(&row.proposal)?;
        if must_wait(from) {
            // Moved on since the page was shown: nothing is written.
            return Err(ServiceError::Conflict(Conflict::AccountHeld));
        }
        let ended =
            super::pipeline::end_in(&txn, app, &row, &step, "landlord", Some(user.id), now).await?;
        if ended.is_none() {
            return Err(ServiceError::Conflict(Conflict::AccountHeld));
        }
        let household_knew = from != ProposalState::Approved;
        super::letters::landlord_left(&txn, app, &row.proposal, household_knew, now).await?;
        audit::record(
            &txn,
            &Actor::User(user.clone()),
            "pipeline_step",
            "proposals",
            Some(id),
            Some(row.unit.municipality_id),
            serde_json::json!({"from": from.as_str(), "to": "withdrawn", "action": "withdraw", "why": "account_deleted"}),
            now,
        )
        .await?;
        withdrawn += 1;
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "delete_own_account",
        "landlords",
        Some(landlord.id),
        None,
        serde_json::json!({"article": 17, "units": own.len(), "withdrawn": withdrawn}),
        now,
    )
    .await?;
    let leftovers =
        super::privacy::erase_landlord_in(&txn, user.id, &landlord, Some(account), &own, &who, now)
            .await?;
    txn.commit().await?;
    Ok(leftovers)
}
