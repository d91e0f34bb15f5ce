//! The e-mail outbox table: enqueue in the caller's transaction; claim, mark sent, retry.

use chrono::{DateTime, Duration, Utc};
use entities::outbox_message::{self, Column};
use sea_orm::sea_query::{ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Set,
    TryInsertResult,
};

/// Status values of outbox rows.
pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// A message to enqueue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Unique per message; enqueueing the same key twice keeps the first.
    pub idempotency_key: String,
    pub kind: String,
    pub to_address: String,
    pub to_name: Option<String>,
    pub reply_to: Option<String>,
    pub locale: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    /// JSON list of attachments, if any.
    pub attachments: Option<String>,
    pub municipality_id: Option<i64>,
    pub proposal_id: Option<i64>,
}

/// Enqueues a message; returns false when a message with the same key already exists.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    m: &NewMessage,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let row = outbox_message::ActiveModel {
        idempotency_key: Set(m.idempotency_key.clone()),
        kind: Set(m.kind.clone()),
        to_address: Set(m.to_address.clone()),
        to_name: Set(m.to_name.clone()),
        reply_to: Set(m.reply_to.clone()),
        locale: Set(m.locale.clone()),
        subject: Set(m.subject.clone()),
        body_text: Set(m.body_text.clone()),
        body_html: Set(m.body_html.clone()),
        attachments: Set(m.attachments.clone()),
        status: Set(PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        sent_at: Set(None),
        municipality_id: Set(m.municipality_id),
        proposal_id: Set(m.proposal_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let result = outbox_message::Entity::insert(row)
        .on_conflict_do_nothing_on([Column::IdempotencyKey])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(result, TryInsertResult::Inserted(n) if n > 0))
}

/// Claims up to `limit` messages that are due (pending and due, or sending with a lapsed
/// lease) for `instance` until `lease` from now, and returns them. On PostgreSQL the rows
/// are picked with `FOR UPDATE SKIP LOCKED`, so instances never claim the same message;
/// SQLite has a single writer, so the update itself is the lock.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox_message::Model>, sea_orm::DbErr> {
    let mut due = Query::select();
    due.column(Column::Id)
        .from(outbox_message::Entity)
        .cond_where(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(Column::Status.eq(PENDING))
                        .add(Column::NextAttemptAt.lte(now)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(Column::Status.eq(SENDING))
                        .add(Column::LockedUntil.lt(now)),
                ),
        )
        .order_by(Column::Id, sea_orm::Order::Asc)
        .limit(limit);
    if db.get_database_backend() == DbBackend::Postgres {
        due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut claimed = outbox_message::Entity::update_many()
        .col_expr(Column::Status, SENDING.into())
        .col_expr(Column::LockedBy, Some(instance.to_owned()).into())
        .col_expr(Column::LockedUntil, Some(now + lease).into())
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.in_subquery(due))
        .exec_with_returning(db)
        .await?;
    claimed.sort_by_key(|m| m.id);
    Ok(claimed)
}

/// Marks a claimed message sent (only if `instance` still holds it).
pub async fn mark_sent<C: ConnectionTrait>(
    db: &C,
    id: i64,
    instance: &str,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let result = outbox_message::Entity::update_many()
        .col_expr(Column::Status, SENT.into())
        .col_expr(Column::SentAt, Some(now).into())
        .col_expr(
            Column::Attempts,
            sea_orm::sea_query::Expr::col(Column::Attempts).add(1),
        )
        .col_expr(Column::LockedUntil, Option::<DateTime<Utc>>::None.into())
        .col_expr(Column::LastError, Option::<String>::None.into())
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.eq(id))
        .filter(Column::LockedBy.eq(instance))
        .filter(Column::Status.eq(SENDING))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Records a failed attempt: back to pending at `retry_at`, or failed for good when
/// `retry_at` is `None`.
pub async fn mark_failed<C: ConnectionTrait>(
    db: &C,
    id: i64,
    instance: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let (status, next) = match retry_at {
        Some(at) => (PENDING, at),
        None => (FAILED, now),
    };
    outbox_message::Entity::update_many()
        .col_expr(Column::Status, status.into())
        .col_expr(
            Column::Attempts,
            sea_orm::sea_query::Expr::col(Column::Attempts).add(1),
        )
        .col_expr(Column::NextAttemptAt, next.into())
        .col_expr(Column::LockedUntil, Option::<DateTime<Utc>>::None.into())
        .col_expr(
            Column::LastError,
            Some(error.chars().take(2000).collect::<String>()).into(),
        )
        .col_expr(Column::UpdatedAt, now.into())
        .filter(Column::Id.eq(id))
        .filter(Column::LockedBy.eq(instance))
        .exec(db)
        .await?;
    Ok(())
}

/// Messages by status, oldest first (for tests and the admin view).
pub async fn by_status<C: ConnectionTrait>(
    db: &C,
    status: &str,
) -> Result<Vec<outbox_message::Model>, sea_orm::DbErr> {
    outbox_message::Entity::find()
        .filter(Column::Status.eq(status))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// How many messages have this status.
pub async fn count_by_status<C: ConnectionTrait>(
    db: &C,
    status: &str,
) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    outbox_message::Entity::find()
        .filter(Column::Status.eq(status))
        .count(db)
        .await
}

/// Deletes messages sent before `before`; returns how many.
pub async fn purge_sent<C: ConnectionTrait>(
    db: &C,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(outbox_message::Entity::delete_many()
        .filter(Column::Status.eq(SENT))
        .filter(Column::SentAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Status of a message that was never sent because the person it concerned was erased.
pub const CANCELLED: &str = "cancelled";

/// Redacts messages: recipient, subject, texts and attachments removed; kind, status and
/// times stay for the delivery statistics. Messages not sent yet are cancelled.
pub async fn redact<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    if ids.is_empty() {
        return Ok(());
    }
    let none = || Expr::value(Option::<String>::None);
    for chunk in ids.chunks(500) {
        outbox_message::Entity::update_many()
            .col_expr(Column::Status, Expr::value(CANCELLED))
            .filter(Column::Id.is_in(chunk.to_vec()))
            .filter(Column::Status.is_in([PENDING, FAILED]))
            .exec(db)
            .await?;
        outbox_message::Entity::update_many()
            .col_expr(Column::ToAddress, Expr::value("—"))
            .col_expr(Column::ToName, none())
            .col_expr(Column::ReplyTo, none())
            .col_expr(Column::Subject, Expr::value("—"))
            .col_expr(Column::BodyText, Expr::value(""))
            .col_expr(Column::BodyHtml, none())
            .col_expr(Column::Attachments, none())
            .col_expr(Column::LastError, none())
            .col_expr(Column::RedactedAt, Expr::value(Some(now)))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.is_in(chunk.to_vec()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The idempotency keys of messages still holding their text (for the tidy job, which
/// removes the files of every other message).
pub async fn unredacted_keys<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::HashSet<String>, sea_orm::DbErr> {
    use sea_orm::QuerySelect;
    Ok(outbox_message::Entity::find()
        .select_only()
        .column(Column::IdempotencyKey)
        .filter(Column::RedactedAt.is_null())
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Messages sent to an address or linked to proposals, newest first (for exports).
pub async fn to_person<C: ConnectionTrait>(
    db: &C,
    proposals: &[i64],
    party_suffix: &str,
    addresses: &[String],
) -> Result<Vec<outbox_message::Model>, sea_orm::DbErr> {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, Func};
    let mut any = Condition::any();
    if !proposals.is_empty() {
        any = any.add(
            Condition::all()
                .add(Column::ProposalId.is_in(proposals.to_vec()))
                .add(Column::Kind.like(format!("%{party_suffix}"))),
        );
    }
    let addresses: Vec<String> = addresses
        .iter()
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    if !addresses.is_empty() {
        any = any.add(Expr::expr(Func::lower(Expr::col(Column::ToAddress))).is_in(addresses));
    }
    if any.is_empty() {
        return Ok(Vec::new());
    }
    outbox_message::Entity::find()
        .filter(any)
        .filter(Column::RedactedAt.is_null())
        .order_by_desc(Column::Id)
        .all(db)
        .await
}
