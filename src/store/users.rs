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

/// The user with this e-mail address (compared in lower case).
pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
}

/// The user with this id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    user::Entity::find_by_id(id).one(db).await
}

/// The municipalities a user works for, by id.
pub async fn municipalities_of<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    user_municipality::Entity::find()
        .select_only()
        .column(user_municipality::Column::MunicipalityId)
        .filter(user_municipality::Column::UserId.eq(user_id))
        .order_by_asc(user_municipality::Column::MunicipalityId)
        .into_tuple()
        .all(db)
        .await
}

/// A logged-in person as every request needs them, read in one query: the account,
/// whether their role requires a second factor, and the municipalities they work for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestUser {
    pub id: i64,
    pub display_name: String,
    pub role: String,
    /// Disabled or erased: no longer logged in.
    pub inactive: bool,
    pub second_factor_enabled: bool,
    pub second_factor_required: bool,
    pub municipalities: Vec<i64>,
}

/// One row of the query that reads a person for a request: the account's columns that
/// matter, its role's rule and one municipality (a row per municipality, joined).
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub(crate) struct RequestUserRow {
    pub(crate) id: i64,
    pub(crate) display_name: String,
    pub(crate) role: String,
    pub(crate) disabled_at: Option<DateTime<Utc>>,
    pub(crate) anonymized_at: Option<DateTime<Utc>>,
    pub(crate) totp_enabled_at: Option<DateTime<Utc>>,
    pub(crate) second_factor_required: Option<bool>,
    pub(crate) municipality_id: Option<i64>,
}

/// The person of the rows of one account (ordered by municipality).
pub(crate) fn request_user(rows: &[RequestUserRow]) -> Option<RequestUser> {
    let first = rows.first()?;
    Some(RequestUser {
        id: first.id,
        display_name: first.display_name.clone(),
        role: first.role.clone(),
        inactive: first.disabled_at.is_some() || first.anonymized_at.is_some(),
        second_factor_enabled: first.totp_enabled_at.is_some(),
        second_factor_required: first.second_factor_required.unwrap_or(false),
        municipalities: rows.iter().filter_map(|r| r.municipality_id).collect(),
    })
}

/// The join from accounts to their role's rule (the role's name is the rule's key).
pub(crate) fn role_policy_join() -> sea_orm::RelationDef {
    use sea_orm::EntityTrait;
    user::Entity::belongs_to(entities::role_policy::Entity)
        .from(user::Column::Role)
        .to(entities::role_policy::Column::Role)
        .into()
}

/// The person `id` for a request (one row per municipality they work for, joined).
pub async fn for_request<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<RequestUser>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let rows = request_user_query()
        .filter(user::Column::Id.eq(id))
        .into_model::<RequestUserRow>()
        .all(db)
        .await?;
    Ok(request_user(&rows))
}

/// The query of [`RequestUserRow`]s: the account's columns, its role's rule, a row per
/// municipality in order; the caller says whose.
pub(crate) fn request_user_query() -> sea_orm::Select<user::Entity> {
    use entities::role_policy;
    use sea_orm::{EntityTrait, JoinType, QueryOrder, QuerySelect, RelationTrait};
    user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::DisplayName,
            user::Column::Role,
            user::Column::DisabledAt,
            user::Column::AnonymizedAt,
            user::Column::TotpEnabledAt,
        ])
        .column(role_policy::Column::SecondFactorRequired)
        .column(user_municipality::Column::MunicipalityId)
        .join(JoinType::LeftJoin, role_policy_join())
        .join_rev(JoinType::LeftJoin, user_municipality::Relation::User.def())
        .order_by_asc(user_municipality::Column::MunicipalityId)
}

/// Marks the e-mail address confirmed.
pub async fn confirm_email<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(user::Column::EmailConfirmedAt, Some(now).into())
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::EmailConfirmedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Sets a new password hash (and confirms the address: only its owner could use the link).
pub async fn set_password<C: ConnectionTrait>(
    db: &C,
    id: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Some(hash.to_owned()).into())
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    confirm_email(db, id, now).await
}

/// Records a successful login.
pub async fn touch_login<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Some(now).into())
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the preferred language.
pub async fn set_locale<C: ConnectionTrait>(
    db: &C,
    id: i64,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(user::Column::Locale, locale.code().to_owned().into())
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Active coordinators (not admins) of a municipality, by id: who gets its digest and
/// follow-up reminders.
pub async fn coordinators_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<user::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let ids: Vec<i64> = user_municipality::Entity::find()
        .filter(user_municipality::Column::MunicipalityId.eq(municipality_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Role.eq(Role::Coordinator.as_str()))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::AnonymizedAt.is_null())
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

/// Active volunteers and coordinators of a municipality as (id, name), by name: who can
/// accompany a viewing.
pub async fn companions_of<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<(i64, String)>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, RelationTrait};
    Ok(user::Entity::find()
        .join_rev(JoinType::InnerJoin, user_municipality::Relation::User.def())
        .filter(user_municipality::Column::MunicipalityId.eq(municipality_id))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::Role.is_in([Role::Volunteer.as_str(), Role::Coordinator.as_str()]))
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Anonymises an account (erasure): it can no longer log in and no longer names anyone.
pub async fn anonymise<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entities::user::Entity::update_many()
        .col_expr(
            entities::user::Column::Email,
            Expr::value(format!("erased-{id}@erased.invalid")),
        )
        .col_expr(entities::user::Column::DisplayName, Expr::value("—"))
        .col_expr(
            entities::user::Column::PasswordHash,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            entities::user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            entities::user::Column::TotpEnabledAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(
            entities::user::Column::TotpRecovery,
            Expr::value(Option::<String>::None),
        )
        .col_expr(entities::user::Column::AnonymizedAt, Expr::value(Some(now)))
        .col_expr(entities::user::Column::DisabledAt, Expr::value(Some(now)))
        .col_expr(entities::user::Column::UpdatedAt, Expr::value(now))
        .filter(entities::user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Keeps a new second-factor secret until the person confirms it with a code (the one
/// confirmed before, if any, stops working).
pub async fn set_totp_secret<C: ConnectionTrait>(
    db: &C,
    id: i64,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    user::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        totp_secret: Set(Some(secret.to_owned())),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        totp_recovery: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Turns the second factor on with the step of the confirming code and the recovery
/// codes' hashes; false when the secret changed meanwhile.
pub async fn enable_totp<C: ConnectionTrait>(
    db: &C,
    id: i64,
    secret: &str,
    step: i64,
    recovery_json: &str,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let done = user::Entity::update_many()
        .col_expr(user::Column::TotpEnabledAt, Some(now).into())
        .col_expr(user::Column::TotpLastStep, Some(step).into())
        .col_expr(
            user::Column::TotpRecovery,
            Some(recovery_json.to_owned()).into(),
        )
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::TotpSecret.eq(secret))
        .filter(user::Column::TotpEnabledAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records that the code of `step` was used; false when it (or a later one) was used
/// already, so each code works once.
pub async fn use_totp_step<C: ConnectionTrait>(
    db: &C,
    id: i64,
    step: i64,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
    let done = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Some(step).into())
        .filter(user::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Replaces the unused recovery codes (one was used); false when they changed meanwhile.
pub async fn replace_recovery<C: ConnectionTrait>(
    db: &C,
    id: i64,
    old_json: &str,
    new_json: &str,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let done = user::Entity::update_many()
        .col_expr(user::Column::TotpRecovery, Some(new_json.to_owned()).into())
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::TotpRecovery.eq(old_json))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Turns the second factor off.
pub async fn disable_totp<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    user::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        totp_recovery: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Sets a new login address (stored in lower case) and marks it confirmed: only its owner
/// could open the link sent to it.
pub async fn set_email<C: ConnectionTrait>(
    db: &C,
    id: i64,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(user::Column::Email, email.trim().to_lowercase().into())
        .col_expr(user::Column::UpdatedAt, now.into())
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    confirm_email(db, id, now).await
}

/// How many admins can log in (neither disabled nor erased), leaving out `except`.
pub async fn active_admins_except<C: ConnectionTrait>(
    db: &C,
    except: i64,
) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::AnonymizedAt.is_null())
        .filter(user::Column::Id.ne(except))
        .count(db)
        .await
}

/// Every account but landlords' and erased ones, by name, with the ids of the
/// municipalities each serves (two queries).
pub async fn staff_with_municipalities<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(user::Model, Vec<i64>)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let rows = user::Entity::find()
        .filter(user::Column::Role.ne(Role::Landlord.as_str()))
        .filter(user::Column::AnonymizedAt.is_null())
        .order_by_asc(user::Column::DisplayName)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?;
    let mut links: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for l in user_municipality::Entity::find()
        .order_by_asc(user_municipality::Column::UserId)
        .order_by_asc(user_municipality::Column::MunicipalityId)
        .all(db)
        .await?
    {
        links.entry(l.user_id).or_default().push(l.municipality_id);
    }
    Ok(rows
        .into_iter()
        .map(|u| {
            let ids = links.remove(&u.id).unwrap_or_default();
            (u, ids)
        })
        .collect())
}

/// Switches an account off (`disabled`, from `now`) or on again.
pub async fn set_disabled<C: ConnectionTrait>(
    db: &C,
    id: i64,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    user::ActiveModel {
        id: Set(id),
        disabled_at: Set(disabled.then_some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}
