//! Data protection (DSGVO): a person's data as JSON and as a readable page (Art. 15),
//! erasure by anonymisation (Art. 17), and the audit log for admins. Every export and every
//! erasure is itself written to the audit log, in the same transaction where it changes
//! something.

use chrono::{DateTime, Utc};
use sea_orm::TransactionTrait;
use serde_json::json;

use super::dossier::Dossier;
use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::personal_data::Identifiers;
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::store::households::StoredHousehold;
use crate::store::{api_tokens, erasure, households, landlords, outbox, sessions, units, users};

/// Audit entries shown per page.
pub const AUDIT_PAGE: u64 = 50;

/// A household's data for its coordinator (Art. 15), with its reference and
/// municipality. Showing or downloading it is audited (`audited`); showing the page again
/// with the messages of a refused erasure is not.
pub async fn household_data(
    app: &App,
    user: &CurrentUser,
    id: i64,
    audited: bool,
) -> Result<(StoredHousehold, Dossier), ServiceError> {
    let household = super::households::get(app, user, id).await?;
    if audited {
        audit::record(
            &app.db,
            &Actor::User(user.clone()),
            "personal_data_export",
            "households",
            Some(id),
            Some(household.municipality_id),
            json!({"article": 15}),
            app.clock.now(),
        )
        .await?;
    }
    let dossier = super::dossier::of_household(app, id).await?;
    Ok((household, dossier))
}

/// Files an erasure leaves to remove after its commit (the tidy job removes any that
/// could not be removed then).
#[derive(Debug, Default)]
pub struct Leftovers {
    /// Storage keys of photos (the file and its thumbnail).
    pub photos: Vec<String>,
    /// Idempotency keys of redacted e-mails (their files of the file transport).
    pub mails: Vec<String>,
    /// The account whose kept forms' files go (`<data.dir>/stash/u<id>-*`).
    pub stash_of: Option<i64>,
}

impl Leftovers {
    /// Removes the files; what fails is left for the tidy job.
    pub fn remove(&self, app: &App) {
        for key in &self.photos {
            for thumb in [false, true] {
                if let Some(path) = super::photos::file_of(app, key, thumb) {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
        let mail_dir = app.settings.mail.file_dir(&app.settings.data);
        for key in &self.mails {
            let name = crate::mail::sanitize_key(key);
            let _ = std::fs::remove_file(mail_dir.join(format!("{name}.eml")));
        }
        if let Some(user_id) = self.stash_of {
            remove_stash_of(app, user_id);
        }
    }
}

/// Removes the kept forms' files of an account.
fn remove_stash_of(app: &App, user_id: i64) {
    let prefix = format!("u{user_id}-");
    let Ok(entries) = std::fs::read_dir(app.settings.data.dir.join("stash")) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The e-mails to the person (to their side of their proposals, or to their addresses) are
/// redacted; e-mails to others that name them lose the names (the others keep their mail).
/// Returns the keys of every message changed, whose files go after the commit.
async fn redact_mails<C: sea_orm::ConnectionTrait>(
    txn: &C,
    proposals: &[i64],
    party: &str,
    addresses: &[String],
    who: &Identifiers,
    now: DateTime<Utc>,
) -> Result<Vec<String>, ServiceError> {
    let own = outbox::to_person(txn, proposals, party, addresses).await?;
    outbox::redact(txn, &own.iter().map(|m| m.id).collect::<Vec<_>>(), now).await?;
    let find = crate::domain::personal_data::Scrubber::new(who.strong.iter());
    let mut keys: Vec<String> = own.into_iter().map(|m| m.idempotency_key).collect();
    keys.extend(erasure::scrub_mails(txn, &find, &who.scrubber(), now).await?);
    Ok(keys)
}

/// Erases everything about a household in `txn` (erasure and retention alike): the
/// profile anonymised and its reference replaced, the texts written on its proposals
/// removed, the e-mails about it redacted, review notes quoting it replaced, import
/// reports and audit details that mention it scrubbed; its suggestions not yet sent are
/// rejected (nobody may send them on).
pub async fn erase_household_in<C: sea_orm::ConnectionTrait>(
    txn: &C,
    household: &StoredHousehold,
    now: DateTime<Utc>,
) -> Result<Leftovers, ServiceError> {
    let id = household.id;
    let who = Identifiers::of_household(&household.profile);
    let scrubber = who.scrubber();
    let suggested = crate::store::matching::suggestions_of(txn, Some(id), &[]).await?;
    crate::store::matching::reject_suggested(txn, &suggested, "erased", None, now).await?;
    let proposals = erasure::proposals_of_household(txn, id).await?;
    erasure::clear_proposal_texts(txn, &proposals, now).await?;
    let addresses: Vec<String> = household.profile.email.iter().cloned().collect();
    let mails = redact_mails(txn, &proposals, "_household", &addresses, &who, now).await?;
    erasure::clear_flags(txn, "households", &[id], &scrubber, now).await?;
    erasure::scrub_import_reports(txn, &scrubber).await?;
    erasure::scrub_audit(txn, &scrubber).await?;
    crate::store::idempotency::forget_mentions(txn, &household.profile.reference).await?;
    households::anonymise(txn, id, now).await?;
    households::set_reference(txn, id, &format!("anon-{id}")).await?;
    Ok(Leftovers {
        mails,
        ..Default::default()
    })
}

/// Erases a household's personal data (Art. 17), as [`erase_household_in`] describes, and
/// closes it; sizes, dates and outcomes stay for the statistics, audit entries keep what
/// was done and when. Refused while a landlord waits for this household (withdraw the
/// proposal first).
pub async fn erase_household(
    app: &App,
    user: &CurrentUser,
    id: i64,
    reason: &str,
) -> Result<(), ServiceError> {
    let household = super::households::get(app, user, id).await?;
    if crate::store::pipeline::held(&app.db, 0, id, None).await?.1 {
        return Err(ServiceError::Conflict(Conflict::HouseholdOpenProposal));
    }
    let now = app.clock.now();
    let reason = Identifiers::of_household(&household.profile)
        .scrubber()
        .scrub(&reason.chars().take(200).collect::<String>());
    let txn = app.db.begin().await?;
    if household.status != HouseholdStatus::Closed {
        households::set_status(&txn, id, HouseholdStatus::Closed, None, now).await?;
    }
    let leftovers = erase_household_in(&txn, &household, now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "erase_household",
        "households",
        Some(id),
        Some(household.municipality_id),
        json!({"article": 17, "reason": reason}),
        now,
    )
    .await?;
    txn.commit().await?;
    leftovers.remove(app);
    Ok(())
}

/// Everything Bleibe stores about the logged-in person (Art. 15); audited.
pub async fn export_self(app: &App, user: &CurrentUser) -> Result<Dossier, ServiceError> {
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "personal_data_export",
        "users",
        Some(user.id),
        None,
        json!({"article": 15, "self": true}),
        app.clock.now(),
    )
    .await?;
    super::dossier::of_account(app, user.id).await
}

/// Erases a landlord's personal data (Art. 17, by an admin, with a reason): the account
/// can no longer log in and no longer names them, the landlord record is anonymised, their
/// flats are withdrawn and keep only postal code, town, size, rent and a position rounded
/// to about 1 km; photos and drafts are deleted, the texts written on their flats'
/// proposals removed, the e-mails about them redacted, texts that mention them scrubbed.
/// Refused while one of their flats is in an open proposal.
pub async fn erase_landlord(
    app: &App,
    admin: &CurrentUser,
    landlord_id: i64,
    reason: &str,
) -> Result<(), ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let landlord = landlords::find(&app.db, landlord_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    if landlord.anonymized_at.is_some() {
        return Err(ServiceError::Conflict(Conflict::AlreadyErased));
    }
    let own = units::list_for_landlord(&app.db, landlord_id).await?;
    for u in &own {
        if crate::store::pipeline::held(&app.db, u.id, 0, None)
            .await?
            .0
        {
            return Err(ServiceError::Conflict(Conflict::LandlordBusy));
        }
    }
    let account = match landlord.user_id {
        Some(id) => users::find(&app.db, id).await?,
        None => None,
    };
    let who = landlord_identifiers(&landlord, account.as_ref(), &own);
    let reason = who
        .scrubber()
        .scrub(&reason.chars().take(200).collect::<String>());
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let leftovers =
        erase_landlord_in(&txn, admin.id, &landlord, account.as_ref(), &own, &who, now).await?;
    audit::record(
        &txn,
        &Actor::User(admin.clone()),
        "erase_landlord",
        "landlords",
        Some(landlord_id),
        None,
        json!({"article": 17, "units": own.len(), "reason": reason}),
        now,
    )
    .await?;
    txn.commit().await?;
    leftovers.remove(app);
    Ok(())
}

/// What identifies a landlord in texts elsewhere: name, contacts, address, the account's
/// e-mail and name, the flats' streets with house numbers.
pub(crate) fn landlord_identifiers(
    landlord: &entities::landlord::Model,
    account: Option<&entities::user::Model>,
    own: &[units::StoredUnit],
) -> Identifiers {
    let mut who = Identifiers::default();
    who.add(
        [
            Some(landlord.display_name.clone()),
            landlord.contact_email.clone(),
            landlord.phone.clone(),
            landlord.street.clone(),
        ]
        .into_iter()
        .flatten(),
    );
    if let Some(a) = account {
        who.add([a.email.clone(), a.display_name.clone()]);
    }
    who.add(own.iter().map(|u| {
        format!(
            "{} {}",
            u.details.address.street, u.details.address.house_number
        )
    }));
    who
}

/// Erases everything about a landlord in `txn`: flats withdrawn and anonymised (position
/// coarsened), texts on their proposals removed, e-mails about them redacted, review notes
/// closed, reports and audit details scrubbed, counters, photos and drafts deleted, the
/// account anonymised with its sessions, tokens and links. `by` is whoever erases (an admin,
/// or the landlord deleting their own account).
pub(crate) async fn erase_landlord_in(
    txn: &sea_orm::DatabaseTransaction,
    by: i64,
    landlord: &entities::landlord::Model,
    account: Option<&entities::user::Model>,
    own: &[units::StoredUnit],
    who: &Identifiers,
    now: DateTime<Utc>,
) -> Result<Leftovers, ServiceError> {
    let scrubber = who.scrubber();
    let unit_ids: Vec<i64> = own.iter().map(|u| u.id).collect();
    let addresses: Vec<String> = landlord
        .contact_email
        .iter()
        .chain(account.map(|a| &a.email))
        .cloned()
        .collect();
    for u in own.iter().filter(|u| u.status != UnitStatus::Withdrawn) {
        units::set_status(
            txn,
            u.id,
            UnitStatus::Withdrawn,
            Some(crate::domain::personal_data::ERASED.into()),
            Some(by),
            now,
        )
        .await?;
    }
    // Requests not yet decided go with the flats (granted ones stay: the money is bound).
    for (request, _) in crate::store::incentives::requests_for_units(txn, &unit_ids).await? {
        crate::store::incentives::withdraw_request(txn, request.id, now).await?;
    }
    let suggested = crate::store::matching::suggestions_of(txn, None, &unit_ids).await?;
    crate::store::matching::reject_suggested(txn, &suggested, "erased", None, now).await?;
    let proposals = erasure::proposals_of_units(txn, &unit_ids).await?;
    erasure::clear_proposal_texts(txn, &proposals, now).await?;
    let mails = redact_mails(txn, &proposals, "_landlord", &addresses, who, now).await?;
    erasure::clear_flags(txn, "units", &unit_ids, &scrubber, now).await?;
    erasure::scrub_import_reports(txn, &scrubber).await?;
    erasure::scrub_audit(txn, &scrubber).await?;
    erasure::delete_counters(txn, &addresses).await?;
    let photos = erasure::delete_photos_and_drafts(txn, landlord.id, &unit_ids).await?;
    erasure::anonymise_units(txn, &unit_ids, now).await?;
    landlords::anonymise(txn, landlord.id, now).await?;
    if let Some(user_id) = landlord.user_id {
        erase_account_in(txn, user_id, "erased person (landlord)", now).await?;
    }
    Ok(Leftovers {
        photos,
        mails,
        stash_of: landlord.user_id,
    })
}

/// Erases an account in `txn`: it is anonymised (no address, name, password or second
/// factor; it can no longer log in), its sessions end, its API tokens are revoked and
/// renamed, its e-mail links deleted, and the audit log names it `label` from now on
/// (the entries stay, with what was done and when).
pub(crate) async fn erase_account_in<C: sea_orm::ConnectionTrait>(
    txn: &C,
    user_id: i64,
    label: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    users::anonymise(txn, user_id, now).await?;
    sessions::delete_for_user(txn, user_id, None).await?;
    api_tokens::revoke_all(txn, user_id, now).await?;
    erasure::clear_account_extras(txn, user_id).await?;
    crate::store::audit::relabel_actor(txn, user_id, label).await?;
    Ok(())
}

/// Erases a staff member's account (coordinator, volunteer, admin) in `txn`: the e-mails to
/// their address are redacted, audit details and counters that name them go, and the
/// account is erased as [`erase_account_in`] says. What they did stays in the records
/// (under "erased person"); households and flats they looked after are not touched.
pub(crate) async fn erase_staff_in(
    txn: &sea_orm::DatabaseTransaction,
    account: &entities::user::Model,
    now: DateTime<Utc>,
) -> Result<Leftovers, ServiceError> {
    let mut who = Identifiers::default();
    who.add([account.email.clone(), account.display_name.clone()]);
    let addresses = vec![account.email.clone()];
    let own = outbox::to_person(txn, &[], "_staff", &addresses).await?;
    outbox::redact(txn, &own.iter().map(|m| m.id).collect::<Vec<_>>(), now).await?;
    erasure::scrub_audit(txn, &who.scrubber()).await?;
    erasure::delete_counters(txn, &addresses).await?;
    let label = format!("erased person ({})", account.role);
    erase_account_in(txn, account.id, &label, now).await?;
    Ok(Leftovers {
        mails: own.into_iter().map(|m| m.idempotency_key).collect(),
        stash_of: Some(account.id),
        ..Default::default()
    })
}

/// The landlords an admin can erase: (id, name, e-mail), by name.
pub async fn landlords(
    app: &App,
    admin: &CurrentUser,
) -> Result<Vec<(i64, String, String)>, ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    Ok(crate::store::landlords::not_erased(&app.db).await?)
}

/// The areas and actions of the audit log, for its filter (admins only).
pub async fn audit_choices(
    app: &App,
    admin: &CurrentUser,
) -> Result<crate::store::audit::Kinds, ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    Ok(crate::store::audit::kinds(&app.db).await?)
}

/// The open proposals that stop an erasure: of the household, or of the landlord's flats.
pub async fn blocking_proposals(
    app: &App,
    household_id: Option<i64>,
    landlord_id: Option<i64>,
) -> Result<Vec<i64>, ServiceError> {
    let unit_ids: Vec<i64> = match landlord_id {
        Some(l) => units::list_for_landlord(&app.db, l)
            .await?
            .iter()
            .map(|u| u.id)
            .collect(),
        None => Vec::new(),
    };
    Ok(crate::store::pipeline::open_proposals(&app.db, household_id, &unit_ids).await?)
}

/// A landlord as the erasure page shows them.
#[derive(Debug, Clone)]
pub struct LandlordToErase {
    pub name: String,
    pub email: String,
    pub units: usize,
    /// A flat is in an open proposal: erasure is refused until it ends.
    pub busy: bool,
}

/// The landlord an admin is about to erase (not found once erased).
pub async fn landlord_to_erase(
    app: &App,
    admin: &CurrentUser,
    landlord_id: i64,
) -> Result<LandlordToErase, ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let landlord = landlords::find(&app.db, landlord_id)
        .await?
        .filter(|l| l.anonymized_at.is_none())
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    let own = units::list_for_landlord(&app.db, landlord_id).await?;
    let mut busy = false;
    for u in &own {
        busy |= crate::store::pipeline::held(&app.db, u.id, 0, None)
            .await?
            .0;
    }
    Ok(LandlordToErase {
        name: landlord.display_name,
        email: landlord.contact_email.unwrap_or_default(),
        units: own.len(),
        busy,
    })
}

/// One page of the audit log (admins only), newest first, and the number of entries.
pub async fn audit_log(
    app: &App,
    admin: &CurrentUser,
    filter: &crate::store::audit::Filter,
    page: u64,
) -> Result<(Vec<entities::audit_entry::Model>, u64), ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let offset = page.saturating_sub(1).saturating_mul(AUDIT_PAGE);
    Ok(crate::store::audit::list(&app.db, filter, offset, AUDIT_PAGE).await?)
}

/// Which of these households were erased (their pages are gone).
pub async fn erased_households(
    app: &App,
    ids: &[i64],
) -> Result<std::collections::BTreeSet<i64>, ServiceError> {
    Ok(households::erased_among(&app.db, ids).await?)
}
