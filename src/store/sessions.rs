//! Server-side sessions and the shared rate-limit counters.

use chrono::{DateTime, Duration, Utc};
use entities::{rate_limit, session};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// A session row (the key is the SHA-256 of the cookie's token).
pub type SessionRow = session::Model;

/// The session with this key, expired or not.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> Result<Option<SessionRow>, sea_orm::DbErr> {
    session::Entity::find_by_id(key.to_owned()).one(db).await
}

/// A session joined with its person and their municipalities: one row per municipality.
#[derive(sea_orm::FromQueryResult)]
struct SessionUserRow {
    id: String,
    user_id: Option<i64>,
    csrf_token: String,
    data: String,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    u_id: Option<i64>,
    u_display_name: Option<String>,
    u_role: Option<String>,
    u_disabled_at: Option<DateTime<Utc>>,
    u_anonymized_at: Option<DateTime<Utc>>,
    u_totp_enabled_at: Option<DateTime<Utc>>,
    second_factor_required: Option<bool>,
    municipality_id: Option<i64>,
}

impl SessionUserRow {
    fn session(&self) -> SessionRow {
        SessionRow {
            id: self.id.clone(),
            user_id: self.user_id,
            csrf_token: self.csrf_token.clone(),
            data: self.data.clone(),
            expires_at: self.expires_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// The person's part of the row, when someone is logged in.
    fn person(&self) -> Option<super::users::RequestUserRow> {
        Some(super::users::RequestUserRow {
            id: self.u_id?,
            display_name: self.u_display_name.clone()?,
            role: self.u_role.clone()?,
            disabled_at: self.u_disabled_at,
            anonymized_at: self.u_anonymized_at,
            totp_enabled_at: self.u_totp_enabled_at,
            second_factor_required: self.second_factor_required,
            municipality_id: self.municipality_id,
        })
    }
}

/// The session with this key (expired or not) and, when someone is logged in to it, the
/// person as every request needs them (see [`super::users::for_request`]), in one round
/// trip.
pub async fn find_with_user<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> Result<Option<(SessionRow, Option<super::users::RequestUser>)>, sea_orm::DbErr> {
    use super::users::{request_user, role_policy_join};
    use entities::{role_policy, user, user_municipality};
    use sea_orm::{JoinType, QueryOrder, QuerySelect, RelationTrait};
    let rows = session::Entity::find()
        .select_only()
        .columns([
            session::Column::Id,
            session::Column::UserId,
            session::Column::CsrfToken,
            session::Column::Data,
            session::Column::ExpiresAt,
            session::Column::CreatedAt,
            session::Column::UpdatedAt,
        ])
        .column_as(user::Column::Id, "u_id")
        .column_as(user::Column::DisplayName, "u_display_name")
        .column_as(user::Column::Role, "u_role")
        .column_as(user::Column::DisabledAt, "u_disabled_at")
        .column_as(user::Column::AnonymizedAt, "u_anonymized_at")
        .column_as(user::Column::TotpEnabledAt, "u_totp_enabled_at")
        .column(role_policy::Column::SecondFactorRequired)
        .column(user_municipality::Column::MunicipalityId)
        .join(JoinType::LeftJoin, session::Relation::User.def())
        .join(JoinType::LeftJoin, role_policy_join())
        .join_rev(JoinType::LeftJoin, user_municipality::Relation::User.def())
        .filter(session::Column::Id.eq(key))
        .order_by_asc(user_municipality::Column::MunicipalityId)
        .into_model::<SessionUserRow>()
        .all(db)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let people: Vec<_> = rows.iter().filter_map(SessionUserRow::person).collect();
    let session = first.session();
    Ok(Some((session, request_user(&people))))
}

/// Stores a new session.
pub async fn insert<C: ConnectionTrait>(db: &C, row: SessionRow) -> Result<(), sea_orm::DbErr> {
    session::ActiveModel {
        id: Set(row.id),
        user_id: Set(row.user_id),
        csrf_token: Set(row.csrf_token),
        data: Set(row.data),
        expires_at: Set(row.expires_at),
        created_at: Set(row.created_at),
        updated_at: Set(row.updated_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Saves a session's user, token, data and expiry.
pub async fn update<C: ConnectionTrait>(db: &C, row: SessionRow) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::UserId, row.user_id.into())
        .col_expr(session::Column::CsrfToken, row.csrf_token.into())
        .col_expr(session::Column::Data, row.data.into())
        .col_expr(session::Column::ExpiresAt, row.expires_at.into())
        .col_expr(session::Column::UpdatedAt, row.updated_at.into())
        .filter(session::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes a session.
pub async fn delete<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), sea_orm::DbErr> {
    session::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// The user of the session whose form token is `token`, if that session was logged in
/// and is live or ended after `since` (a logged-out session stays as an expired row for a
/// while so its forms can be recognised).
pub async fn user_of_form_token<C: ConnectionTrait>(
    db: &C,
    token: &str,
    since: DateTime<Utc>,
) -> Result<Option<i64>, sea_orm::DbErr> {
    Ok(session::Entity::find()
        .filter(session::Column::CsrfToken.eq(token))
        .filter(session::Column::UserId.is_not_null())
        .filter(session::Column::ExpiresAt.gt(since))
        .one(db)
        .await?
        .and_then(|row| row.user_id))
}

/// Ends a session now but keeps its row (user and form token, nothing else) as an expired
/// one, so a form still open in another tab is recognised; the `tidy` job removes it.
pub async fn end<C: ConnectionTrait>(
    db: &C,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::Data, "{}".into())
        .col_expr(session::Column::ExpiresAt, now.into())
        .col_expr(session::Column::UpdatedAt, now.into())
        .filter(session::Column::Id.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (after a password change), except `keep`.
pub async fn delete_for_user<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    let mut query = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(key) = keep {
        query = query.filter(session::Column::Id.ne(key));
    }
    query.exec(db).await?;
    Ok(())
}

/// Removes sessions that expired before `before`.
pub async fn purge_expired<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Counts one event under `key` in a fixed window of `window` and returns the count in the
/// current window (including this one). Shared by all instances through the database.
pub async fn count_event<C: ConnectionTrait>(
    db: &C,
    key: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<i32, sea_orm::DbErr> {
    let current = rate_limit::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?;
    match current {
        Some(row) if row.window_start + window > now => {
            rate_limit::Entity::update_many()
                .col_expr(
                    rate_limit::Column::Count,
                    Expr::col(rate_limit::Column::Count).add(1),
                )
                .filter(rate_limit::Column::Key.eq(key))
                .exec(db)
                .await?;
            Ok(row.count + 1)
        }
        _ => {
            let row = rate_limit::ActiveModel {
                key: Set(key.to_owned()),
                window_start: Set(now),
                count: Set(1),
            };
            rate_limit::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(rate_limit::Column::Key)
                        .update_columns([
                            rate_limit::Column::WindowStart,
                            rate_limit::Column::Count,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
            Ok(1)
        }
    }
}

/// The count in the current window, without counting.
pub async fn current_count<C: ConnectionTrait>(
    db: &C,
    key: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<i32, sea_orm::DbErr> {
    Ok(rate_limit::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .filter(|row| row.window_start + window > now)
        .map_or(0, |row| row.count))
}

/// Forgets a counter (after a successful login).
pub async fn reset_counter<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), sea_orm::DbErr> {
    rate_limit::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
