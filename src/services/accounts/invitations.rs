//! Invitations: a landlord entered by staff or a new staff member takes over their account
//! from the link they were sent.

use super::*;

/// Whom a landlord invited by a coordinator or volunteer asks: that person, reached
/// through the municipality's contact address and phone.
async fn inviter_contact<C: ConnectionTrait>(
    db: &C,
    inviter: &str,
    municipality_id: i64,
) -> Result<crate::mail::compose::Contact, ServiceError> {
    let m = crate::store::municipalities::find(db, municipality_id).await?;
    Ok(match m {
        Some(m) => crate::mail::compose::Contact {
            name: inviter.to_owned(),
            organisation: Some(m.name.clone()),
            email: m.contact_email,
            phone: m.contact_phone,
        },
        None => crate::mail::compose::Contact::default(),
    })
}

/// Sends a landlord (entered by a volunteer or coordinator) the link to take over the
/// flat with an account of their own. Called in the transaction that created the flat.
#[allow(clippy::too_many_arguments)]
pub async fn invite_landlord<C: ConnectionTrait>(
    app: &App,
    db: &C,
    landlord_id: i64,
    name: &str,
    email: &str,
    locale: Locale,
    inviter: &str,
    address: &str,
    municipality: &str,
    municipality_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (token, token_id) = issue_token(
        db,
        NewToken {
            purpose: tokens::INVITATION,
            landlord_id: Some(landlord_id),
            ..Default::default()
        },
        now + Duration::days(INVITATION_VALID_DAYS),
        now,
    )
    .await?;
    let url = link(app, &format!("/invitation/{token}"));
    let mail = letter(
        locale,
        "invitation",
        &[
            ("name", name),
            ("inviter", inviter),
            ("address", address),
            ("municipality", municipality),
        ],
        Some(&url),
    )
    .with_contact(&inviter_contact(db, inviter, municipality_id).await?);
    outbox::enqueue(
        db,
        &Outgoing {
            email: mail.to_email(
                format!("invitation-{landlord_id}-{token_id}"),
                email,
                Some(name),
            ),
            kind: "invitation".into(),
            locale: locale.code().into(),
            municipality_id: Some(municipality_id),
            proposal_id: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Who an invitation link is for: (id of the landlord or the staff user, name, e-mail),
/// if still valid.
pub async fn check_invitation(
    app: &App,
    token: &str,
) -> Result<Result<(i64, String, String), LinkOutcome>, ServiceError> {
    let row = match check_link(&app.db, token, tokens::INVITATION, app.clock.now()).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(Err(outcome)),
    };
    if let Some(user_id) = row.user_id {
        // A staff member invited by an admin: the account exists without a password.
        let Some(user) = users::find(&app.db, user_id).await? else {
            return Ok(Err(LinkOutcome::Unknown));
        };
        if user.password_hash.is_some() || user.disabled_at.is_some() {
            return Ok(Err(LinkOutcome::AlreadyUsed));
        }
        return Ok(Ok((user.id, user.display_name, user.email)));
    }
    let Some(landlord) = landlords::find(&app.db, row.landlord_id.unwrap_or(0)).await? else {
        return Ok(Err(LinkOutcome::Unknown));
    };
    if landlord.user_id.is_some() {
        return Ok(Err(LinkOutcome::AlreadyUsed));
    }
    Ok(Ok((
        landlord.id,
        landlord.display_name,
        landlord.contact_email.unwrap_or_default(),
    )))
}

/// Accepts a staff member's invitation: sets the password (which confirms the address).
async fn accept_staff_invitation(
    app: &App,
    token_id: i64,
    user_id: i64,
    password: &str,
    repeat: &str,
    locale: Locale,
) -> Result<Result<i64, LinkOutcome>, ServiceError> {
    let now = app.clock.now();
    let Some(user) = users::find(&app.db, user_id).await? else {
        return Ok(Err(LinkOutcome::Unknown));
    };
    let mut errors = FieldErrors::default();
    if let Some(problem) = password_problem(password, &user.email) {
        errors.add("password", problem);
    }
    if password != repeat {
        errors.add("password_repeat", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    let hash = hash_password(password)?;
    let txn = app.db.begin().await?;
    if !tokens::mark_used(&txn, token_id, now).await? {
        return Ok(Err(LinkOutcome::AlreadyUsed));
    }
    users::set_password(&txn, user_id, &hash, now).await?;
    users::set_locale(&txn, user_id, locale, now).await?;
    audit::record(
        &txn,
        &Actor::System,
        "accept_invitation",
        "users",
        Some(user_id),
        None,
        serde_json::json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user_id))
}

/// Accepts an invitation: creates the landlord's account (confirmed: the link came to
/// their address) and links it to the landlord record. Returns the new user's id.
pub async fn accept_invitation(
    app: &App,
    token: &str,
    password: &str,
    repeat: &str,
    locale: Locale,
) -> Result<Result<i64, LinkOutcome>, ServiceError> {
    let now = app.clock.now();
    let row = match check_link(&app.db, token, tokens::INVITATION, now).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(Err(outcome)),
    };
    if let Some(user_id) = row.user_id {
        return accept_staff_invitation(app, row.id, user_id, password, repeat, locale).await;
    }
    let Some(landlord) = landlords::find(&app.db, row.landlord_id.unwrap_or(0)).await? else {
        return Ok(Err(LinkOutcome::Unknown));
    };
    let email = landlord.contact_email.clone().unwrap_or_default();
    let mut errors = FieldErrors::default();
    if let Some(problem) = password_problem(password, &email) {
        errors.add("password", problem);
    }
    if password != repeat {
        errors.add("password_repeat", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return Err(ServiceError::Fields(errors));
    }
    if users::find_by_email(&app.db, &email).await?.is_some() {
        return Err(ServiceError::Conflict(Conflict::AccountExists));
    }
    let hash = hash_password(password)?;
    let txn = app.db.begin().await?;
    if !tokens::mark_used(&txn, row.id, now).await? {
        return Ok(Err(LinkOutcome::AlreadyUsed));
    }
    let user_id = users::insert(
        &txn,
        &NewUser {
            email,
            display_name: landlord.display_name.clone(),
            role: Role::Landlord,
            locale,
            password_hash: Some(hash),
            email_confirmed: true,
        },
        now,
    )
    .await?;
    landlords::link_user(&txn, landlord.id, user_id, now).await?;
    audit::record(
        &txn,
        &Actor::System,
        "accept_invitation",
        "landlords",
        Some(landlord.id),
        None,
        serde_json::json!({"user_id": user_id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(user_id))
}
