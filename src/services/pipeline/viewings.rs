//! The viewings a volunteer accompanies, and recording that one took place (by the
//! volunteer who accompanied it, or a coordinator).

use entities::viewing;

use super::{Blocked, ProposalView, StepError, StepResult, may_manage, view_of};
use crate::app::App;
use crate::domain::household::HouseholdContact;
use crate::domain::pipeline::{Action, Step};
use crate::domain::roles::Role;
use crate::services::{CurrentUser, ServiceError};
use crate::store::pipeline as store;

/// A viewing a volunteer accompanies, with what they need to get there and meet people.
#[derive(Debug, Clone)]
pub struct AccompaniedViewing {
    pub viewing: viewing::Model,
    pub proposal: ProposalView,
    /// The landlord's name, e-mail and phone (while the viewing is arranged).
    pub landlord: Option<(String, Option<String>, Option<String>)>,
    /// Whom to contact in the household (while the viewing is arranged).
    pub household: Option<HouseholdContact>,
}

/// Viewings a volunteer accompanies, with the unit's address and, while a viewing is
/// arranged, both sides' contacts.
pub async fn viewings_for_volunteer(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<AccompaniedViewing>, ServiceError> {
    let viewings = store::viewings_accompanied_by(&app.db, user.id).await?;
    let today = app.clock.today();
    let mut out = Vec::new();
    for v in viewings {
        let Some(row) = store::find(&app.db, v.proposal_id).await? else {
            continue;
        };
        if !user.can_read(row.unit.municipality_id) {
            continue;
        }
        let (landlord, household) = if v.status == "scheduled" {
            companion_contacts(&app.db, &row, today).await?
        } else {
            (None, None)
        };
        out.push(AccompaniedViewing {
            proposal: view_of(&row)?,
            viewing: v,
            landlord,
            household,
        });
    }
    Ok(out)
}

/// Both sides' contacts for whoever accompanies their viewing.
pub(crate) async fn companion_contacts<C: sea_orm::ConnectionTrait>(
    db: &C,
    row: &crate::store::pipeline::ProposalRow,
    today: chrono::NaiveDate,
) -> Result<
    (
        Option<(String, Option<String>, Option<String>)>,
        Option<HouseholdContact>,
    ),
    ServiceError,
> {
    let landlord = crate::store::landlords::find(db, row.unit.landlord_id)
        .await?
        .filter(|l| l.anonymized_at.is_none());
    let landlord_email = match &landlord {
        Some(l) => match (&l.contact_email, l.user_id) {
            (Some(e), _) => Some(e.clone()),
            (None, Some(uid)) => crate::store::users::find(db, uid).await?.map(|u| u.email),
            (None, None) => None,
        },
        None => None,
    };
    let household = crate::store::households::find(db, row.household.id)
        .await?
        .filter(|h| h.erased_at.is_none())
        .map(|h| {
            let own = h.mail_address().is_some() && h.mail_address() == h.profile.email;
            h.profile.contact_for_landlord(own, today)
        });
    Ok((
        landlord.map(|l| (l.display_name, landlord_email, l.phone)),
        household,
    ))
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
