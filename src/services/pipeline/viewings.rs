//! The viewings a volunteer accompanies, and recording that one took place (by the
//! volunteer who accompanied it, or a coordinator).

use entities::viewing;

use super::{Blocked, ProposalView, StepError, StepResult, may_manage, view_of};
use crate::app::App;
use crate::domain::pipeline::{Action, Step};
use crate::domain::roles::Role;
use crate::services::{CurrentUser, ServiceError};
use crate::store::pipeline as store;

/// Viewings a volunteer accompanies, with the unit's address: (viewing, proposal id,
/// address, state of the proposal).
pub async fn viewings_for_volunteer(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<(viewing::Model, ProposalView)>, ServiceError> {
    let viewings = store::viewings_accompanied_by(&app.db, user.id).await?;
    let mut out = Vec::new();
    for v in viewings {
        if let Some(row) = store::find(&app.db, v.proposal_id).await?
            && user.can_read(row.unit.municipality_id)
        {
            out.push((v, view_of(&row)?));
        }
    }
    Ok(out)
}

/// A volunteer (or coordinator) records that the viewing they accompanied took place,
/// with a note (`note`). Refused until the viewing's time has passed.
pub async fn record_viewing(
    app: &App,
    user: &CurrentUser,
    viewing_id: i64,
    pairs: &[(String, String)],
) -> StepResult {
    let v = crate::store::proposals::viewing(&app.db, viewing_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("viewing".into()))?;
    let row = store::find(&app.db, v.proposal_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("proposal".into()))?;
    let own = v.accompanied_by_user_id == Some(user.id) && user.can_read(row.unit.municipality_id);
    if !own && !may_manage(user, &row) {
        return Err(ServiceError::Forbidden);
    }
    if v.status != "scheduled" {
        return Ok(Err(StepError::Blocked(Blocked::ViewingRecorded)));
    }
    let step = match Step::parse(Action::ViewingHeld, pairs) {
        Ok(step) => step,
        Err(errors) => return Ok(Err(StepError::Fields(errors))),
    };
    let kind = if user.role == Role::Volunteer {
        "volunteer"
    } else {
        "coordinator"
    };
    super::steps::take(app, user, row, step, kind).await
}
