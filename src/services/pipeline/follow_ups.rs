//! The follow-ups after moving in (1, 3, 6 and 12 months): recorded as the step
//! [`Step::FollowUp`], with the month taken from the follow-up's row.

use super::{Blocked, StepError, load};
use crate::app::App;
use crate::domain::pipeline::{Action, Step};
use crate::domain::roles::Role;
use crate::services::{CurrentUser, ServiceError};

/// Records a follow-up's outcome (`done_on`, `rent_paid`, `support_needed`, `problems`,
/// `note`). Returns the proposal's id.
pub async fn record_follow_up(
    app: &App,
    user: &CurrentUser,
    follow_up_id: i64,
    pairs: &[(String, String)],
) -> Result<Result<i64, StepError>, ServiceError> {
    let (fu, proposal_id) = crate::store::pipeline::follow_up_with_proposal(&app.db, follow_up_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("follow-up".into()))?;
    let row = load(app, user, proposal_id).await?;
    if !matches!(user.role, Role::Admin | Role::Coordinator) {
        return Err(ServiceError::Forbidden);
    }
    if fu.status != "due" {
        return Ok(Err(StepError::Blocked(Blocked::FollowUpDone)));
    }
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "month")
        .cloned()
        .collect();
    pairs.push(("month".to_owned(), fu.month.to_string()));
    let step = match Step::parse(Action::FollowUp, &pairs) {
        Ok(step) => step,
        Err(errors) => return Ok(Err(StepError::Fields(errors))),
    };
    Ok(super::steps::take(app, user, row, step, "coordinator")
        .await?
        .map(|_| proposal_id))
}

/// The proposal a follow-up belongs to.
pub async fn proposal_of_follow_up(app: &App, follow_up_id: i64) -> Result<i64, ServiceError> {
    crate::store::pipeline::follow_up_with_proposal(&app.db, follow_up_id)
        .await?
        .map(|(_, proposal_id)| proposal_id)
        .ok_or_else(|| ServiceError::NotFound("follow-up".into()))
}
