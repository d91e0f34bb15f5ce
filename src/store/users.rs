//! User accounts and their municipality scope.

use chrono::{DateTime, Utc};
use entities::{user, user_municipality};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::domain::Locale;
use crate::domain::roles::Role;

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub locale: Locale,
    /// An argon2 PHC string; `None` until the person sets a password.
    pub password_hash: Option<String>,
    pub email_confirmed: bool,
}

/// Inserts a user (e-mail stored in lower case) and returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: &NewUser,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = user::ActiveModel {
        email: Set(new.email.trim().to_lowercase()),
        display_name: Set(new.display_name.clone()),
        password_hash: Set(new.password_hash.clone()),
        role: Set(new.role.as_str().to_owned()),
        locale: Set(new.locale.code().to_owned()),
        email_confirmed_at: Set(new.email_confirmed.then_some(now)),
        disabled_at: Set(None),
        last_login_at: Set(None),
        anonymized_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Lets a coordinator or volunteer work for a municipality.
pub async fn grant_municipality<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    municipality_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    user_municipality::ActiveModel {
        user_id: Set(user_id),
        municipality_id: Set(municipality_id),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
