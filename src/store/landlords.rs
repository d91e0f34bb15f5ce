//! Landlords.

use chrono::{DateTime, Utc};
use entities::landlord;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::domain::Locale;

/// A landlord to create.
#[derive(Debug, Clone)]
pub struct NewLandlord {
    pub user_id: Option<i64>,
    /// "private", "company", "cooperative" or "public".
    pub kind: String,
    pub display_name: String,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub locale: Locale,
    pub created_by: Option<i64>,
}

/// Inserts a landlord and returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: &NewLandlord,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = landlord::ActiveModel {
        user_id: Set(new.user_id),
        kind: Set(new.kind.clone()),
        display_name: Set(new.display_name.clone()),
        contact_email: Set(new.contact_email.as_ref().map(|e| e.trim().to_lowercase())),
        phone: Set(new.phone.clone()),
        street: Set(None),
        postal_code: Set(None),
        town: Set(None),
        preferred_locale: Set(new.locale.code().to_owned()),
        notes: Set(None),
        created_by_user_id: Set(new.created_by),
        anonymized_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// The landlord with this id.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<landlord::Model>, sea_orm::DbErr> {
    use sea_orm::EntityTrait;
    landlord::Entity::find_by_id(id).one(db).await
}

/// The landlord record of a user account.
pub async fn find_by_user<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Option<landlord::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    landlord::Entity::find()
        .filter(landlord::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Links a landlord record to a (new) user account.
pub async fn link_user<C: ConnectionTrait>(
    db: &C,
    id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    landlord::Entity::update_many()
        .col_expr(landlord::Column::UserId, Some(user_id).into())
        .col_expr(landlord::Column::UpdatedAt, now.into())
        .filter(landlord::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Anonymises a landlord record (erasure); statistics keep the kind.
pub async fn anonymise<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let none = || Expr::value(Option::<String>::None);
    landlord::Entity::update_many()
        .col_expr(landlord::Column::DisplayName, Expr::value("—"))
        .col_expr(landlord::Column::ContactEmail, none())
        .col_expr(landlord::Column::Phone, none())
        .col_expr(landlord::Column::Street, none())
        .col_expr(landlord::Column::PostalCode, none())
        .col_expr(landlord::Column::Town, none())
        .col_expr(landlord::Column::Notes, none())
        .col_expr(landlord::Column::AnonymizedAt, Expr::value(Some(now)))
        .col_expr(landlord::Column::UpdatedAt, Expr::value(now))
        .filter(landlord::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the contact address (after the account's address changed).
pub async fn set_contact_email<C: ConnectionTrait>(
    db: &C,
    id: i64,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    landlord::Entity::update_many()
        .col_expr(
            landlord::Column::ContactEmail,
            email.map(|e| e.trim().to_lowercase()).into(),
        )
        .col_expr(landlord::Column::UpdatedAt, now.into())
        .filter(landlord::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the phone number (`None` removes it).
pub async fn set_phone<C: ConnectionTrait>(
    db: &C,
    id: i64,
    phone: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    landlord::Entity::update_many()
        .col_expr(landlord::Column::Phone, phone.map(str::to_owned).into())
        .col_expr(landlord::Column::UpdatedAt, now.into())
        .filter(landlord::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the language of the landlord's e-mails.
pub async fn set_locale<C: ConnectionTrait>(
    db: &C,
    id: i64,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    landlord::Entity::update_many()
        .col_expr(
            landlord::Column::PreferredLocale,
            locale.code().to_owned().into(),
        )
        .col_expr(landlord::Column::UpdatedAt, now.into())
        .filter(landlord::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The first landlord record (by id) with this contact address.
pub async fn find_by_contact_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<landlord::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    landlord::Entity::find()
        .filter(landlord::Column::ContactEmail.eq(email))
        .order_by_asc(landlord::Column::Id)
        .one(db)
        .await
}

/// Records who entered a landlord last (staff adding flats on their behalf).
pub async fn set_created_by<C: ConnectionTrait>(
    db: &C,
    id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    landlord::ActiveModel {
        id: Set(id),
        created_by_user_id: Set(Some(user_id)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// The landlords not erased, as (id, name, contact e-mail), by name.
pub async fn not_erased<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(i64, String, String)>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut all: Vec<(i64, String, String)> = landlord::Entity::find()
        .filter(landlord::Column::AnonymizedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l.display_name, l.contact_email.unwrap_or_default()))
        .collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(all)
}
