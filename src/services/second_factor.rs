//! The second factor: setting it up on the account page (a secret shown as a QR code and
//! as text, confirmed with a first code, then ten recovery codes shown once), asking for a
//! code after the password, turning it off, and which roles must have one.

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::roles::Role;
use crate::domain::second_factor::{self as sf, RECOVERY_CODES};
use crate::domain::validation::FieldErrors;
use crate::store::{role_policies, users};
use crate::util::sha256_hex;

/// Where a person's second factor stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Confirmed: a code is asked at every login.
    pub enabled: bool,
    /// Recovery codes not used yet.
    pub recovery_left: usize,
    /// The person's role must use one.
    pub required: bool,
}

/// What the set-up page shows: the secret as text and as a QR code of its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub secret: String,
    pub uri: String,
    /// The QR code as an SVG image (no script, no outside reference).
    pub qr_svg: String,
}

fn recovery_hashes(json: Option<&str>) -> Vec<String> {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

async fn user_row(app: &App, id: i64) -> Result<entities::user::Model, ServiceError> {
    users::find(&app.db, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("user".into()))
}

/// Whether people of `role` must use a second factor (landlords never must).
pub async fn required(app: &App, role: Role) -> Result<bool, ServiceError> {
    if role == Role::Landlord {
        return Ok(false);
    }
    Ok(role_policies::second_factor_required(&app.db, role).await?)
}

/// The person's second factor.
pub async fn status(app: &App, user: &CurrentUser) -> Result<Status, ServiceError> {
    let row = user_row(app, user.id).await?;
    Ok(Status {
        enabled: row.totp_enabled_at.is_some(),
        recovery_left: recovery_hashes(row.totp_recovery.as_deref()).len(),
        required: required(app, user.role).await?,
    })
}

/// Whether a code is asked after the password.
pub async fn enabled(app: &App, user_id: i64) -> Result<bool, ServiceError> {
    Ok(users::find(&app.db, user_id)
        .await?
        .is_some_and(|u| u.totp_enabled_at.is_some()))
}

fn setup_of(secret: &str, account: &str) -> Result<Setup, ServiceError> {
    let uri = sf::otpauth_uri(secret, account, "Bleibe");
    let qr = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("QR code: {e}")))?;
    let svg = qr
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // The image goes into the page: without the XML declaration.
    let qr_svg = svg
        .find("<svg")
        .map_or(svg.clone(), |start| svg[start..].to_owned());
    Ok(Setup {
        secret: secret.to_owned(),
        uri,
        qr_svg,
    })
}

/// The set-up under way (a new secret when there is none yet); `None` once confirmed.
pub async fn setup(app: &App, user: &CurrentUser) -> Result<Option<Setup>, ServiceError> {
    let row = user_row(app, user.id).await?;
    if row.totp_enabled_at.is_some() {
        return Ok(None);
    }
    let secret = match row.totp_secret {
        Some(secret) => secret,
        None => {
            let mut random = [0u8; 20];
            getrandom::fill(&mut random)
                .map_err(|e| ServiceError::Other(anyhow::anyhow!("no randomness: {e}")))?;
            let secret = sf::secret_from(random);
            users::set_totp_secret(&app.db, user.id, &secret, app.clock.now()).await?;
            secret
        }
    };
    Ok(Some(setup_of(&secret, &row.email)?))
}

/// Confirms the set-up with a first code; returns the recovery codes, shown once.
pub async fn confirm(
    app: &App,
    user: &CurrentUser,
    code: &str,
) -> Result<Result<Vec<String>, FieldErrors>, ServiceError> {
    let row = user_row(app, user.id).await?;
    let (Some(secret), None) = (&row.totp_secret, row.totp_enabled_at) else {
        return Ok(Err(FieldErrors::single(
            "code",
            "second_factor.not_started",
        )));
    };
    let now = app.clock.now();
    let Some(step) = sf::check(secret, code, now.timestamp().max(0) as u64, None) else {
        return Ok(Err(FieldErrors::single("code", "second_factor.wrong_code")));
    };
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut random = [0u8; 5];
        getrandom::fill(&mut random)
            .map_err(|e| ServiceError::Other(anyhow::anyhow!("no randomness: {e}")))?;
        codes.push(sf::recovery_code_from(random));
    }
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| sha256_hex(&sf::normal_recovery_code(c)))
        .collect();
    let json = serde_json::to_string(&hashes).map_err(|e| ServiceError::Other(e.into()))?;
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    if !users::enable_totp(&txn, user.id, secret, step, &json, now).await? {
        return Ok(Err(FieldErrors::single(
            "code",
            "second_factor.not_started",
        )));
    }
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "second_factor_on",
        "users",
        Some(user.id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(codes))
}

/// Checks a code from the app (each works once) or an unused recovery code (used up now).
pub async fn verify(app: &App, user_id: i64, code: &str) -> Result<bool, ServiceError> {
    let row = user_row(app, user_id).await?;
    let (Some(secret), Some(_)) = (&row.totp_secret, row.totp_enabled_at) else {
        return Ok(false);
    };
    let now = app.clock.now().timestamp().max(0) as u64;
    if let Some(step) = sf::check(secret, code, now, row.totp_last_step) {
        return Ok(users::use_totp_step(&app.db, user_id, step).await?);
    }
    let typed = sha256_hex(&sf::normal_recovery_code(code));
    let hashes = recovery_hashes(row.totp_recovery.as_deref());
    if !hashes.contains(&typed) {
        return Ok(false);
    }
    let rest: Vec<&String> = hashes.iter().filter(|h| **h != typed).collect();
    let new = serde_json::to_string(&rest).map_err(|e| ServiceError::Other(e.into()))?;
    let old = row.totp_recovery.unwrap_or_default();
    Ok(users::replace_recovery(&app.db, user_id, &old, &new).await?)
}

/// Turns the second factor off, with a current code (not while the role requires one).
pub async fn disable(
    app: &App,
    user: &CurrentUser,
    code: &str,
) -> Result<Result<(), FieldErrors>, ServiceError> {
    if required(app, user.role).await? {
        return Ok(Err(FieldErrors::single(
            "code",
            "second_factor.required_by_role",
        )));
    }
    if !verify(app, user.id, code).await? {
        return Ok(Err(FieldErrors::single("code", "second_factor.wrong_code")));
    }
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    users::disable_totp(&txn, user.id, now).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "second_factor_off",
        "users",
        Some(user.id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Which staff roles must use a second factor.
pub async fn requirements(app: &App) -> Result<Vec<(Role, bool)>, ServiceError> {
    let mut out = Vec::new();
    for role in [Role::Admin, Role::Coordinator, Role::Volunteer] {
        out.push((role, required(app, role).await?));
    }
    Ok(out)
}

/// An admin requires (or no longer requires) a second factor of the staff roles.
pub async fn set_requirements(
    app: &App,
    actor: &Actor,
    required: &[Role],
) -> Result<(), ServiceError> {
    match actor {
        Actor::User(u) if u.role == Role::Admin => {}
        _ => return Err(ServiceError::Forbidden),
    }
    let now = app.clock.now();
    let txn = sea_orm::TransactionTrait::begin(&app.db).await?;
    for role in [Role::Admin, Role::Coordinator, Role::Volunteer] {
        role_policies::set_second_factor_required(&txn, role, required.contains(&role), now)
            .await?;
    }
    audit::record(
        &txn,
        actor,
        "second_factor_policy",
        "role_policies",
        None,
        None,
        serde_json::json!({"required": required.iter().map(|r| r.as_str()).collect::<Vec<_>>()}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
