//! What each role must do to log in (a second factor).

use chrono::{DateTime, Utc};
use entities::role_policy;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use crate::domain::roles::Role;

/// Whether people of `role` must use a second factor.
pub async fn second_factor_required<C: ConnectionTrait>(
    db: &C,
    role: Role,
) -> Result<bool, sea_orm::DbErr> {
    Ok(role_policy::Entity::find_by_id(role.as_str().to_owned())
        .one(db)
        .await?
        .is_some_and(|p| p.second_factor_required))
}

/// Requires (or no longer requires) a second factor of `role`.
pub async fn set_second_factor_required<C: ConnectionTrait>(
    db: &C,
    role: Role,
    required: bool,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let row = role_policy::ActiveModel {
        role: Set(role.as_str().to_owned()),
        second_factor_required: Set(required),
        updated_at: Set(now),
    };
    if role_policy::Entity::find_by_id(role.as_str().to_owned())
        .one(db)
        .await?
        .is_some()
    {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}
