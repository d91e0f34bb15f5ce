//! Data protection (DSGVO): a person's data as JSON and as a readable page (Art. 15),
//! erasure by anonymisation (Art. 17), and the audit log for admins. Every export and every
//! erasure is itself written to the audit log, in the same transaction where it changes
//! something.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::{Value, json};

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::household::HouseholdStatus;
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::store::households::StoredHousehold;
use crate::store::{api_tokens, households, landlords, sessions, units, users};

/// Audit entries shown per page.
pub const AUDIT_PAGE: u64 = 50;

fn entry_json(e: &entities::audit_entry::Model) -> Value {
    json!({
        "at": e.occurred_at,
        "actor": e.actor_label,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "details": e.details.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()),
    })
}

async fn audit_about(
    app: &App,
    entity: &str,
    id: i64,
) -> Result<Vec<entities::audit_entry::Model>, ServiceError> {
    let filter = crate::store::audit::Filter {
        entity: Some(entity.to_owned()),
        entity_id: Some(id),
        ..Default::default()
    };
    Ok(crate::store::audit::list(&app.db, &filter, 0, 10_000)
        .await?
        .0)
}

/// What Bleibe stores about one household, for the household (Art. 15).
#[derive(Debug, Clone)]
pub struct HouseholdData {
    pub household: StoredHousehold,
    /// Every profile field as entered: (field name, value).
    pub fields: Vec<(String, String)>,
    pub proposals: Vec<super::pipeline::ProposalView>,
    pub audit: Vec<entities::audit_entry::Model>,
}

impl HouseholdData {
    /// The export as JSON.
    pub fn to_json(&self, exported_at: DateTime<Utc>, by: &str) -> Value {
        let h = &self.household;
        json!({
            "exported_at": exported_at,
            "exported_by": by,
            "purpose": "Auskunft nach Art. 15 DSGVO / access under Art. 15 GDPR",
            "household": {
                "id": h.id,
                "municipality_id": h.municipality_id,
                "status": h.status.as_str(),
                "reference": h.profile.reference,
                "allowed_municipalities": h.allowed_municipalities,
                "consent": h.consent.as_ref().map(|c| json!({
                    "given_at": c.at, "scope": c.scope, "recorded_by_user_id": c.recorded_by,
                })),
            },
            "profile": self.fields.iter().map(|(k, v)| json!({"field": k, "value": v})).collect::<Vec<_>>(),
            "proposals": self.proposals.iter().map(|p| json!({
                "id": p.id, "state": p.state.as_str(), "unit_address": p.unit_address,
                "score": p.score, "created_at": p.created_at, "state_changed_at": p.state_changed_at,
            })).collect::<Vec<_>>(),
            "audit_log": self.audit.iter().map(entry_json).collect::<Vec<_>>(),
        })
    }
}

/// A household's data for its coordinator; the export is audited.
pub async fn household_data(
    app: &App,
    user: &CurrentUser,
    id: i64,
    locale: Locale,
) -> Result<HouseholdData, ServiceError> {
    let household = super::households::get(app, user, id).await?;
    let fields = super::households::fields_of(&household, locale)
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    let proposals = super::pipeline::for_household(app, user, id).await?;
    let now = app.clock.now();
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "personal_data_export",
        "households",
        Some(id),
        Some(household.municipality_id),
        json!({"article": 15}),
        now,
    )
    .await?;
    let audit = audit_about(app, "households", id).await?;
    Ok(HouseholdData {
        household,
        fields,
        proposals,
        audit,
    })
}

/// Erases a household's personal data (Art. 17): the profile is anonymised (names,
/// contacts, notes, exact places of anchors, the reference), the household closed; sizes,
/// dates and outcomes stay for the statistics, audit entries keep what was done and when.
/// Refused while a landlord waits for this household (withdraw the proposal first).
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
    let txn = app.db.begin().await?;
    if household.status != HouseholdStatus::Closed {
        households::set_status(&txn, id, HouseholdStatus::Closed, None, now).await?;
    }
    households::anonymise(&txn, id, now).await?;
    households::set_reference(&txn, id, &format!("anon-{id}")).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "erase_household",
        "households",
        Some(id),
        Some(household.municipality_id),
        json!({"article": 17, "reason": reason.chars().take(200).collect::<String>()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Everything Bleibe stores about the logged-in person (Art. 15); audited.
pub async fn export_self(app: &App, user: &CurrentUser) -> Result<Value, ServiceError> {
    let now = app.clock.now();
    let account = users::find(&app.db, user.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("account".into()))?;
    let landlord = landlords::find_by_user(&app.db, user.id).await?;
    let own_units = match &landlord {
        Some(l) => units::list_for_landlord(&app.db, l.id).await?,
        None => Vec::new(),
    };
    let tokens = api_tokens::of_user(&app.db, user.id).await?;
    audit::record(
        &app.db,
        &Actor::User(user.clone()),
        "personal_data_export",
        "users",
        Some(user.id),
        None,
        json!({"article": 15, "self": true}),
        now,
    )
    .await?;
    let filter = crate::store::audit::Filter {
        actor_user_id: Some(user.id),
        ..Default::default()
    };
    let (acted, _) = crate::store::audit::list(&app.db, &filter, 0, 10_000).await?;
    let about = audit_about(app, "users", user.id).await?;
    Ok(json!({
        "exported_at": now,
        "purpose": "Auskunft nach Art. 15 DSGVO / access under Art. 15 GDPR",
        "account": {
            "id": account.id,
            "email": account.email,
            "name": account.display_name,
            "role": account.role,
            "language": account.locale,
            "created_at": account.created_at,
            "email_confirmed_at": account.email_confirmed_at,
            "last_login_at": account.last_login_at,
            "municipalities": user.municipalities,
        },
        "landlord": landlord.as_ref().map(|l| json!({
            "id": l.id, "kind": l.kind, "name": l.display_name, "email": l.contact_email,
            "phone": l.phone, "street": l.street, "postal_code": l.postal_code, "town": l.town,
            "language": l.preferred_locale, "created_at": l.created_at,
        })),
        "units": own_units.iter().map(|u| json!({
            "id": u.id, "status": u.status.as_str(),
            "address": format!("{} {}, {} {}", u.details.address.street, u.details.address.house_number,
                u.details.address.postal_code, u.details.address.town),
            "description": u.details.description,
        })).collect::<Vec<_>>(),
        "api_tokens": tokens.iter().map(|t| json!({
            "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
            "last_used_at": t.last_used_at, "expires_at": t.expires_at, "revoked_at": t.revoked_at,
        })).collect::<Vec<_>>(),
        "audit_log": {
            "about_you": about.iter().map(entry_json).collect::<Vec<_>>(),
            "by_you": acted.iter().map(entry_json).collect::<Vec<_>>(),
        },
    }))
}

/// Erases a landlord's personal data (Art. 17, by an admin): the account can no longer log
/// in and no longer names them, the landlord record is anonymised, their flats are
/// withdrawn and keep only postal code and town for the statistics. Refused while one of
/// their flats is in an open proposal.
pub async fn erase_landlord(
    app: &App,
    admin: &CurrentUser,
    landlord_id: i64,
) -> Result<(), ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let landlord = landlords::find(&app.db, landlord_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("landlord".into()))?;
    let own = units::list_for_landlord(&app.db, landlord_id).await?;
    for u in &own {
        if crate::store::pipeline::held(&app.db, u.id, 0, None)
            .await?
            .0
        {
            return Err(ServiceError::Conflict(Conflict::LandlordBusy));
        }
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    landlords::anonymise(&txn, landlord_id, now).await?;
    for u in &own {
        if u.status != UnitStatus::Withdrawn {
            units::set_status(
                &txn,
                u.id,
                UnitStatus::Withdrawn,
                Some("erasure".into()),
                Some(admin.id),
                now,
            )
            .await?;
        }
        units::anonymise(&txn, u.id).await?;
    }
    if let Some(user_id) = landlord.user_id {
        users::anonymise(&txn, user_id, now).await?;
        sessions::delete_for_user(&txn, user_id, None).await?;
        api_tokens::revoke_all(&txn, user_id, now).await?;
        crate::store::audit::relabel_actor(&txn, user_id, "erased person (landlord)").await?;
    }
    audit::record(
        &txn,
        &Actor::User(admin.clone()),
        "erase_landlord",
        "landlords",
        Some(landlord_id),
        None,
        json!({"article": 17, "units": own.len()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The landlords an admin can erase: (id, name, e-mail), by name.
pub async fn landlords(
    app: &App,
    admin: &CurrentUser,
) -> Result<Vec<(i64, String, String)>, ServiceError> {
    if admin.role != Role::Admin {
        return Err(ServiceError::Forbidden);
    }
    let mut all: Vec<(i64, String, String)> = entities::landlord::Entity::find()
        .filter(entities::landlord::Column::AnonymizedAt.is_null())
        .all(&app.db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.display_name, l.contact_email.unwrap_or_default()))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(all)
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
