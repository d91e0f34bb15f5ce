//! What only admins do: create staff accounts (an invitation e-mail with a link to set
//! the password), switch accounts off and on, and keep the list of municipalities.
//! `bleibe user create` comes through here too, acting as the system.

use chrono::Duration;
use entities::{municipality, user};
use sea_orm::{ConnectionTrait, TransactionTrait};
use validator::ValidateEmail;

use super::accounts::{INVITATION_VALID_DAYS, link, random_token};
use super::{Actor, Conflict, ServiceError, audit};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::geo::GeoPoint;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::mail::compose::letter;
use crate::mail::outbox::{self, Outgoing};
use crate::store::municipalities::NewMunicipality;
use crate::store::tokens::{self, NewToken};
use crate::store::users::{self, NewUser};
use crate::util::sha256_hex;

fn admin_only(actor: &Actor) -> Result<(), ServiceError> {
    match actor {
        Actor::System => Ok(()),
        Actor::User(u) if u.role == Role::Admin => Ok(()),
        Actor::User(_) => Err(ServiceError::Forbidden),
    }
}

/// A staff account in the list.
#[derive(Debug, Clone)]
pub struct UserLine {
    pub user: user::Model,
    pub municipalities: Vec<String>,
}

/// Every account but landlords', by name.
pub async fn users(app: &App, actor: &Actor) -> Result<Vec<UserLine>, ServiceError> {
    admin_only(actor)?;
    let rows = crate::store::users::staff_with_municipalities(&app.db).await?;
    let names: std::collections::BTreeMap<i64, String> =
        crate::store::municipalities::list(&app.db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
    Ok(rows
        .into_iter()
        .map(|(user, ids)| UserLine {
            municipalities: ids.iter().filter_map(|id| names.get(id).cloned()).collect(),
            user,
        })
        .collect())
}

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub email: String,
    pub name: String,
    pub role: String,
    /// Municipality ids (coordinators and volunteers need at least one).
    pub municipalities: Vec<String>,
    pub locale: Locale,
}

/// The account created and the link to set the password (also sent by e-mail).
#[derive(Debug, Clone)]
pub struct Created {
    pub user_id: i64,
    pub link: String,
}

/// Creates a staff account and sends the invitation.
pub async fn create_user(
    app: &App,
    actor: &Actor,
    new: &NewStaff,
) -> Result<Result<Created, FieldErrors>, ServiceError> {
    admin_only(actor)?;
    let mut errors =
        crate::domain::input::line_errors([("email", &*new.email), ("name", &*new.name)], &[]);
    let email = new.email.trim().to_lowercase();
    if !email.validate_email() {
        errors.add("email", "validation.email_invalid");
    } else if users::find_by_email(&app.db, &email).await?.is_some() {
        errors.add("email", "validation.email_taken");
    }
    let name = new.name.trim();
    if !(2..=200).contains(&name.chars().count()) {
        errors.add("name", "validation.name_length");
    }
    let role = match new.role.parse::<Role>() {
        Ok(Role::Landlord) | Err(_) => {
            errors.add("role", "validation.choose_one");
            None
        }
        Ok(r) => Some(r),
    };
    let scope = municipalities_chosen(app, &new.municipalities, &mut errors).await?;
    if matches!(role, Some(Role::Coordinator | Role::Volunteer)) && scope.is_empty() {
        errors.add("municipalities", "validation.municipality_required");
    }
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let now = app.clock.now();
    let token = random_token()?;
    let url = link(app, &format!("/invitation/{token}"));
    let txn = app.db.begin().await?;
    let user_id = users::insert(
        &txn,
        &NewUser {
            email: email.clone(),
            display_name: name.to_owned(),
            role,
            locale: new.locale,
            password_hash: None,
            email_confirmed: false,
        },
        now,
    )
    .await?;
    if role != Role::Admin {
        for m in &scope {
            users::grant_municipality(&txn, user_id, *m, now).await?;
        }
    }
    send_invitation(
        &txn, app, actor, user_id, name, &email, new.locale, &token, &url,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "create_user",
        "users",
        Some(user_id),
        scope.first().copied(),
        serde_json::json!({"role": role.as_str(), "municipalities": scope}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(Created { user_id, link: url }))
}

/// The municipalities ticked for a new staff member, each once; one Bleibe does not know
/// is an error at the field.
async fn municipalities_chosen(
    app: &App,
    ticked: &[String],
    errors: &mut FieldErrors,
) -> Result<Vec<i64>, ServiceError> {
    let known: Vec<i64> = crate::store::municipalities::list(&app.db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let mut scope = Vec::new();
    for m in ticked {
        match m.trim().parse::<i64>() {
            Ok(id) if known.contains(&id) => {
                if !scope.contains(&id) {
                    scope.push(id);
                }
            }
            _ => errors.add("municipalities", "validation.choose_one"),
        }
    }
    Ok(scope)
}

#[allow(clippy::too_many_arguments)]
async fn send_invitation<C: ConnectionTrait>(
    db: &C,
    app: &App,
    actor: &Actor,
    user_id: i64,
    name: &str,
    email: &str,
    locale: Locale,
    token: &str,
    url: &str,
) -> Result<(), ServiceError> {
    let now = app.clock.now();
    let token_id = tokens::insert(
        db,
        &NewToken {
            hash: sha256_hex(token),
            purpose: tokens::INVITATION,
            user_id: Some(user_id),
            ..Default::default()
        },
        now + Duration::days(INVITATION_VALID_DAYS),
        now,
    )
    .await?;
    let inviter = match actor {
        Actor::System => "Bleibe".to_owned(),
        Actor::User(u) => u.display_name.clone(),
    };
    let mail = letter(
        locale,
        "staff_invitation",
        &[("name", name), ("inviter", &inviter)],
        Some(url),
    )
    .with_contact(&super::letters::support_contact(app));
    outbox::enqueue(
        db,
        &Outgoing {
            email: mail.to_email(
                format!("staff-invitation-{user_id}-{token_id}"),
                email,
                Some(name),
            ),
            kind: "staff_invitation".into(),
            locale: locale.code().into(),
            municipality_id: None,
            proposal_id: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Sends a new invitation to a staff member who has not set a password yet.
pub async fn resend_invitation(
    app: &App,
    actor: &Actor,
    user_id: i64,
) -> Result<String, ServiceError> {
    admin_only(actor)?;
    let u = users::find(&app.db, user_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("user".into()))?;
    if u.password_hash.is_some() || u.role == Role::Landlord.as_str() {
        return Err(ServiceError::Conflict(Conflict::InvitedAlreadyActive));
    }
    let token = random_token()?;
    let url = link(app, &format!("/invitation/{token}"));
    let locale = u.locale.parse().unwrap_or_default();
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    send_invitation(
        &txn,
        app,
        actor,
        u.id,
        &u.display_name,
        &u.email,
        locale,
        &token,
        &url,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "resend_invitation",
        "users",
        Some(u.id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(url)
}

/// Switches an account off (it cannot log in; its sessions end) or on again.
pub async fn set_disabled(
    app: &App,
    actor: &Actor,
    user_id: i64,
    disabled: bool,
) -> Result<(), ServiceError> {
    admin_only(actor)?;
    if actor.user_id() == Some(user_id) {
        return Err(ServiceError::Conflict(Conflict::NotYourself));
    }
    users::find(&app.db, user_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("user".into()))?;
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    users::set_disabled(&txn, user_id, disabled, now).await?;
    if disabled {
        crate::store::sessions::delete_for_user(&txn, user_id, None).await?;
    }
    audit::record(
        &txn,
        actor,
        if disabled {
            "disable_user"
        } else {
            "enable_user"
        },
        "users",
        Some(user_id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A municipality to create or change, as typed.
#[derive(Debug, Clone, Default)]
pub struct MunicipalityInput {
    pub ags: String,
    pub name: String,
    pub district: String,
    pub state: String,
    pub lat: String,
    pub lon: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub active: bool,
}

impl MunicipalityInput {
    /// The form fields of a stored municipality.
    pub fn of(m: &municipality::Model) -> Self {
        Self {
            ags: m.ags.clone(),
            name: m.name.clone(),
            district: m.district.clone(),
            state: m.state.clone(),
            lat: m.center_lat.to_string(),
            lon: m.center_lon.to_string(),
            contact_email: m.contact_email.clone().unwrap_or_default(),
            contact_phone: m.contact_phone.clone().unwrap_or_default(),
            active: m.active,
        }
    }
}

fn validate_municipality(
    input: &MunicipalityInput,
) -> Result<(NewMunicipality, Option<String>, Option<String>), FieldErrors> {
    let mut errors = crate::domain::input::line_errors(
        [
            ("ags", &*input.ags),
            ("name", &*input.name),
            ("district", &*input.district),
            ("state", &*input.state),
            ("lat", &*input.lat),
            ("lon", &*input.lon),
            ("contact_email", &*input.contact_email),
            ("contact_phone", &*input.contact_phone),
        ],
        &[],
    );
    let ags = input.ags.trim();
    if ags.len() != 8 || !ags.chars().all(|c| c.is_ascii_digit()) {
        errors.add("ags", "validation.ags_format");
    }
    for (name, value) in [("name", &input.name), ("district", &input.district)] {
        if !(2..=200).contains(&value.trim().chars().count()) {
            errors.add(name, "validation.name_length");
        }
    }
    if input.state.trim().chars().count() > 100 {
        errors.add("state", "validation.too_long");
    }
    let lat = crate::domain::input::parse_number(&input.lat);
    let lon = crate::domain::input::parse_number(&input.lon);
    let center = match (lat, lon) {
        (Some(lat), Some(lon)) => GeoPoint::new(lat, lon),
        _ => None,
    };
    if center.is_none() {
        errors.add("lat", "validation.coordinates");
    }
    let email = Some(input.contact_email.trim().to_owned()).filter(|e| !e.is_empty());
    if email.as_ref().is_some_and(|e| !e.validate_email()) {
        errors.add("contact_email", "validation.email_invalid");
    }
    let phone = Some(input.contact_phone.trim().to_owned()).filter(|e| !e.is_empty());
    if phone.as_ref().is_some_and(|p| p.chars().count() > 50) {
        errors.add("contact_phone", "validation.too_long");
    }
    match center {
        Some(center) if errors.is_empty() => Ok((
            NewMunicipality {
                ags: ags.to_owned(),
                name: input.name.trim().to_owned(),
                district: input.district.trim().to_owned(),
                state: Some(input.state.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "Baden-Württemberg".to_owned()),
                center,
            },
            email,
            phone,
        )),
        _ => Err(errors),
    }
}

/// Creates (`id` = `None`) or changes a municipality. Returns its id.
pub async fn save_municipality(
    app: &App,
    actor: &Actor,
    id: Option<i64>,
    input: &MunicipalityInput,
) -> Result<Result<i64, FieldErrors>, ServiceError> {
    admin_only(actor)?;
    let (new, email, phone) = match validate_municipality(input) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    if crate::store::municipalities::ags_taken(&app.db, &new.ags, id).await? {
        return Ok(Err(FieldErrors::single("ags", "validation.ags_taken")));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let id = match id {
        None => crate::store::municipalities::insert(&txn, &new, now).await?,
        Some(id) => {
            if !crate::store::municipalities::update(&txn, id, &new, input.active, now).await? {
                return Err(ServiceError::NotFound("municipality".into()));
            }
            id
        }
    };
    crate::store::municipalities::set_contact(&txn, id, email, phone, now).await?;
    audit::record(
        &txn,
        actor,
        "save_municipality",
        "municipalities",
        Some(id),
        Some(id),
        serde_json::json!({"ags": new.ags, "name": new.name}),
        now,
    )
    .await?;
    txn.commit().await?;
    app.cache.forget_municipalities();
    Ok(Ok(id))
}

/// One municipality (admins).
pub async fn municipality(
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<municipality::Model, ServiceError> {
    admin_only(actor)?;
    crate::store::municipalities::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))
}

/// Every municipality (admins).
pub async fn municipalities(
    app: &App,
    actor: &Actor,
) -> Result<Vec<municipality::Model>, ServiceError> {
    admin_only(actor)?;
    Ok(crate::store::municipalities::list(&app.db).await?)
}

/// The newest job runs, for admins.
pub async fn job_runs(
    app: &App,
    actor: &Actor,
    limit: u64,
) -> Result<Vec<entities::job_run::Model>, ServiceError> {
    if !matches!(actor, Actor::User(u) if u.role == crate::domain::roles::Role::Admin) {
        return Err(ServiceError::Forbidden);
    }
    Ok(crate::store::jobs::recent_runs(&app.db, None, limit).await?)
}
