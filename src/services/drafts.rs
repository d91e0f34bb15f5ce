//! Drafts of new flats beyond the form itself: their names on the overview, throwing one
//! away, and the `tidy` job's reminder and removal of drafts nobody saved for long
//! (see [`crate::domain::draft`] for the rule and its periods).

use sea_orm::TransactionTrait;

use super::{Actor, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Locale;
use crate::domain::draft::{DRAFT_REMIND_DAYS, DraftFate, deletion_day, draft_address, draft_fate};
use crate::mail::compose::letter;
use crate::mail::outbox::{self, Outgoing};
use crate::store::drafts::{self, Draft};
use crate::store::photos::Owner;

/// A draft as the overview and the delete page name it.
#[derive(Debug, Clone)]
pub struct DraftSummary {
    pub id: i64,
    /// The address typed so far, or "Entwurf vom 02.12.2026, 10:42 Uhr".
    pub title: String,
    pub started: chrono::NaiveDate,
    pub saved: chrono::NaiveDate,
    /// The day it will be deleted, once its landlord was reminded.
    pub deleted_on: Option<chrono::NaiveDate>,
}

/// The name of a draft: its address, else the day and time it was started (two drafts of
/// one day stay apart).
pub fn title(draft: &Draft, locale: Locale) -> String {
    draft_address(&draft.fields).unwrap_or_else(|| {
        let day =
            crate::domain::format::date(locale, crate::domain::time::berlin_date(draft.created_at));
        let time = crate::domain::time::to_berlin(draft.created_at)
            .format("%H:%M")
            .to_string();
        crate::i18n::fill(
            crate::i18n::text(locale, "dashboard.draft_of_day"),
            &[("date", &day), ("time", &time)],
        )
    })
}

/// A draft summarised for the overview.
pub fn summary(draft: &Draft, locale: Locale) -> DraftSummary {
    DraftSummary {
        id: draft.id,
        title: title(draft, locale),
        started: crate::domain::time::berlin_date(draft.created_at),
        saved: crate::domain::time::berlin_date(draft.updated_at),
        deleted_on: draft
            .reminded_at
            .filter(|r| *r >= draft.updated_at)
            .map(deletion_day),
    }
}

/// The drafts of a landlord, as their overview summarises them (the caller has checked the
/// landlord is the user's own record).
pub async fn of_landlord(
    app: &App,
    landlord_id: i64,
    locale: Locale,
) -> Result<Vec<(i64, DraftSummary)>, ServiceError> {
    Ok(drafts::list_for_landlord(&app.db, landlord_id)
        .await?
        .iter()
        .map(|d| (d.id, summary(d, locale)))
        .collect())
}

/// The draft `id` as its delete page shows it (only for who may act on it).
pub async fn to_delete(
    app: &App,
    user: &CurrentUser,
    id: i64,
    locale: Locale,
) -> Result<DraftSummary, ServiceError> {
    let draft = super::units::draft_of(app, user, id).await?;
    Ok(summary(&draft, locale))
}

/// Throws a draft away with its photos.
pub async fn delete(app: &App, user: &CurrentUser, id: i64) -> Result<(), ServiceError> {
    let draft = super::units::draft_of(app, user, id).await?;
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let keys = remove(&txn, &draft).await?;
    audit::record(
        &txn,
        &Actor::User(user.clone()),
        "delete_draft",
        "unit_drafts",
        Some(id),
        None,
        serde_json::json!({"photos": keys.len()}),
        now,
    )
    .await?;
    txn.commit().await?;
    for key in &keys {
        super::photos::remove_files(app, key);
    }
    Ok(())
}

/// Deletes a draft's photo rows and the draft; returns the photos' storage keys (their
/// files are removed after the commit).
async fn remove<C: sea_orm::ConnectionTrait>(
    db: &C,
    draft: &Draft,
) -> Result<Vec<String>, ServiceError> {
    let photos = crate::store::photos::list(db, Owner::Draft(draft.id)).await?;
    let ids: Vec<i64> = photos.iter().map(|p| p.id).collect();
    let keys = crate::store::photos::delete(db, Owner::Draft(draft.id), &ids).await?;
    drafts::delete(db, draft.id).await?;
    Ok(keys)
}

/// The `tidy` job's part: reminds landlords of drafts nobody saved for
/// [`DRAFT_REMIND_DAYS`] days (one e-mail per draft, in the outbox in the same transaction)
/// and deletes those still not saved after the grace period. Returns (reminded, deleted).
pub async fn tidy(app: &App) -> Result<(i64, i64), ServiceError> {
    let now = app.clock.now();
    let idle = drafts::idle_since(&app.db, now - chrono::Duration::days(DRAFT_REMIND_DAYS)).await?;
    let (mut reminded, mut deleted) = (0, 0);
    for draft in idle {
        match draft_fate(draft.updated_at, draft.reminded_at, now) {
            DraftFate::Keep => {}
            DraftFate::Remind => {
                let txn = app.db.begin().await?;
                remind(app, &txn, &draft, now).await?;
                drafts::mark_reminded(&txn, draft.id, now).await?;
                txn.commit().await?;
                reminded += 1;
            }
            DraftFate::Delete => {
                let txn = app.db.begin().await?;
                let keys = remove(&txn, &draft).await?;
                audit::record(
                    &txn,
                    &Actor::System,
                    "delete_draft",
                    "unit_drafts",
                    Some(draft.id),
                    None,
                    serde_json::json!({"photos": keys.len(), "idle": true}),
                    now,
                )
                .await?;
                txn.commit().await?;
                for key in &keys {
                    super::photos::remove_files(app, key);
                }
                deleted += 1;
            }
        }
    }
    Ok((reminded, deleted))
}

/// The reminder: which draft, the day it goes, a link to finish it.
async fn remind<C: sea_orm::ConnectionTrait>(
    app: &App,
    db: &C,
    draft: &Draft,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    let Some(landlord) = crate::store::landlords::find(db, draft.landlord_id).await? else {
        return Ok(());
    };
    // Whoever started the draft hears of it: a volunteer or coordinator who began entering
    // the flat for the landlord, else the landlord.
    let starter = match draft.created_by.filter(|id| Some(*id) != landlord.user_id) {
        Some(id) => crate::store::users::find(db, id)
            .await?
            .filter(|u| u.anonymized_at.is_none() && u.disabled_at.is_none()),
        None => None,
    };
    let (email, name, locale) = match starter {
        Some(user) => (
            Some(user.email),
            user.display_name,
            user.locale.parse::<Locale>().unwrap_or_default(),
        ),
        None => (
            landlord
                .contact_email
                .clone()
                .filter(|_| landlord.anonymized_at.is_none()),
            landlord.display_name.clone(),
            landlord.preferred_locale.parse().unwrap_or_default(),
        ),
    };
    let Some(email) = email else {
        return Ok(());
    };
    let url = format!(
        "{}/units/drafts/{}",
        app.settings.server.base_url.trim_end_matches('/'),
        draft.id
    );
    let day = crate::domain::format::date(locale, deletion_day(now));
    let mail = letter(
        locale,
        "draft_reminder",
        &[
            ("name", &name),
            ("draft", &title(draft, locale)),
            ("date", &day),
            ("days", &DRAFT_REMIND_DAYS.to_string()),
        ],
        Some(&url),
    )
    .with_contact(&super::letters::support_contact(app));
    outbox::enqueue(
        db,
        &Outgoing {
            email: mail.to_email(
                format!("draft-reminder-{}-{}", draft.id, now.timestamp()),
                &email,
                Some(&name),
            ),
            kind: "draft_reminder".into(),
            locale: locale.code().into(),
            municipality_id: None,
            proposal_id: None,
        },
        now,
    )
    .await?;
    Ok(())
}
