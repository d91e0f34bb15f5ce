//! The database side of erasure (Art. 17) and retention: each function removes, replaces
//! or scrubs one group of entries of the map in `domain::personal_data`, in the caller's
//! transaction. Files are returned to the caller, who removes them after the commit.

use chrono::{DateTime, Utc};
use entities::{
    action_token, api_token, audit_entry, follow_up, import, placement, proposal, proposal_event,
    rate_limit, review_flag, unit, unit_draft, unit_incentive, unit_photo, viewing,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::domain::personal_data::{SCRUBBED, Scrubber, coarsen};

fn none() -> sea_orm::sea_query::SimpleExpr {
    Expr::value(Option::<String>::None)
}

/// The proposals of a household.
pub async fn proposals_of_household<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Vec<i64>, sea_orm::DbErr> {
    proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::HouseholdId.eq(household_id))
        .order_by_asc(proposal::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// The proposals of some flats.
pub async fn proposals_of_units<C: ConnectionTrait>(
    db: &C,
    unit_ids: &[i64],
) -> Result<Vec<i64>, sea_orm::DbErr> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::UnitId.is_in(unit_ids.to_vec()))
        .order_by_asc(proposal::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// Removes what people wrote on proposals: why one was proposed by hand, the reasons of
/// answers and steps, where viewings meet and who comes along, the place freed and why a
/// tenancy ended, the notes of follow-up calls; and the documents made for them (they
/// name both sides). Codes, dates and amounts stay.
pub async fn clear_proposal_texts<C: ConnectionTrait>(
    db: &C,
    proposals: &[i64],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    for chunk in proposals.chunks(500) {
        let ids = chunk.to_vec();
        super::documents::delete_of_proposals(db, &ids).await?;
        proposal::Entity::update_many()
            .col_expr(proposal::Column::OverrideReason, none())
            .filter(proposal::Column::Id.is_in(ids.clone()))
            .exec(db)
            .await?;
        proposal_event::Entity::update_many()
            .col_expr(proposal_event::Column::Reason, none())
            .filter(proposal_event::Column::ProposalId.is_in(ids.clone()))
            .exec(db)
            .await?;
        // Events written before their data held only dates, codes and amounts kept the
        // place freed by a move there.
        for event in proposal_event::Entity::find()
            .filter(proposal_event::Column::ProposalId.is_in(ids.clone()))
            .filter(proposal_event::Column::Data.like("%freed_site%"))
            .all(db)
            .await?
        {
            let Some(mut data) = event
                .data
                .as_deref()
                .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            else {
                continue;
            };
            if let Some(map) = data.as_object_mut() {
                map.remove("freed_site");
            }
            let mut row: proposal_event::ActiveModel = event.into();
            row.data = Set(Some(super::to_json_text(&data)?));
            row.update(db).await?;
        }
        viewing::Entity::update_many()
            .col_expr(viewing::Column::Place, Expr::value("—"))
            .col_expr(viewing::Column::AccompaniedByName, none())
            .col_expr(viewing::Column::Note, none())
            .col_expr(viewing::Column::UpdatedAt, Expr::value(now))
            .filter(viewing::Column::ProposalId.is_in(ids.clone()))
            .exec(db)
            .await?;
        placement::Entity::update_many()
            .col_expr(placement::Column::FreedSite, none())
            .col_expr(placement::Column::EndReason, none())
            .col_expr(placement::Column::UpdatedAt, Expr::value(now))
            .filter(placement::Column::ProposalId.is_in(ids.clone()))
            .exec(db)
            .await?;
        let placements: Vec<i64> = placement::Entity::find()
            .select_only()
            .column(placement::Column::Id)
            .filter(placement::Column::ProposalId.is_in(ids))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        if !placements.is_empty() {
            follow_up::Entity::update_many()
                .col_expr(follow_up::Column::Problems, none())
                .col_expr(follow_up::Column::Note, none())
                .col_expr(follow_up::Column::UpdatedAt, Expr::value(now))
                .filter(follow_up::Column::PlacementId.is_in(placements))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Review flags about these records (`entity` and id, either side of the pair): their
/// reason and resolution, which quote the rows, become [`SCRUBBED`], and open ones are
/// closed (there is nothing left to decide). Others that mention the person are scrubbed.
pub async fn clear_flags<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    ids: &[i64],
    scrubber: &Scrubber,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let about = |chunk: &[i64]| {
        Condition::any()
            .add(review_flag::Column::EntityId.is_in(chunk.to_vec()))
            .add(review_flag::Column::OtherEntityId.is_in(chunk.to_vec()))
    };
    for chunk in ids.chunks(500) {
        review_flag::Entity::update_many()
            .col_expr(review_flag::Column::ResolvedAt, Expr::value(Some(now)))
            .filter(review_flag::Column::Entity.eq(entity))
            .filter(about(chunk))
            .filter(review_flag::Column::ResolvedAt.is_null())
            .exec(db)
            .await?;
        review_flag::Entity::update_many()
            .col_expr(review_flag::Column::Reason, Expr::value(SCRUBBED))
            .col_expr(review_flag::Column::Resolution, Expr::value(SCRUBBED))
            .filter(review_flag::Column::Entity.eq(entity))
            .filter(about(chunk))
            .exec(db)
            .await?;
    }
    for flag in review_flag::Entity::find()
        .filter(any_mention(
            &[review_flag::Column::Reason, review_flag::Column::Resolution],
            scrubber,
        ))
        .all(db)
        .await?
    {
        let reason = scrubber.scrub(&flag.reason);
        let resolution = flag.resolution.as_deref().map(|r| scrubber.scrub(r));
        if reason != flag.reason || resolution != flag.resolution {
            let mut row: review_flag::ActiveModel = flag.into();
            row.reason = Set(reason);
            row.resolution = Set(resolution);
            row.update(db).await?;
        }
    }
    Ok(())
}

/// A condition: one of the columns mentions one of the scrubber's needles (never true
/// without needles).
fn any_mention<Col: ColumnTrait>(columns: &[Col], scrubber: &Scrubber) -> Condition {
    let mut any = Condition::any();
    for needle in scrubber.needles() {
        for column in columns {
            any = any.add(super::mentions(*column, &needle));
        }
    }
    if scrubber.is_empty() {
        any = any.add(Expr::cust("1 = 0"));
    }
    any
}

/// Scrubs the import reports that mention the person (the cells of refused rows).
pub async fn scrub_import_reports<C: ConnectionTrait>(
    db: &C,
    scrubber: &Scrubber,
) -> Result<u64, sea_orm::DbErr> {
    let mut changed = 0;
    for row in import::Entity::find()
        .filter(any_mention(&[import::Column::Report], scrubber))
        .all(db)
        .await?
    {
        let Ok(mut report) = serde_json::from_str::<serde_json::Value>(&row.report) else {
            continue;
        };
        if scrubber.scrub_json(&mut report) {
            let text = super::to_json_text(&report)?;
            let mut active: import::ActiveModel = row.into();
            active.report = Set(text);
            active.update(db).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Scrubs the audit details that mention the person (erasure reasons, resolutions).
pub async fn scrub_audit<C: ConnectionTrait>(
    db: &C,
    scrubber: &Scrubber,
) -> Result<u64, sea_orm::DbErr> {
    let mut changed = 0;
    for row in audit_entry::Entity::find()
        .filter(any_mention(&[audit_entry::Column::Details], scrubber))
        .all(db)
        .await?
    {
        let Some(details) = row.details.clone() else {
            continue;
        };
        let text = match serde_json::from_str::<serde_json::Value>(&details) {
            Ok(mut value) => {
                scrubber.scrub_json(&mut value);
                super::to_json_text(&value)?
            }
            Err(_) => scrubber.scrub(&details),
        };
        if text != details {
            let mut active: audit_entry::ActiveModel = row.into();
            active.details = Set(Some(text));
            active.update(db).await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Scrubs the e-mails to other people that mention the person (found by `find`, scrubbed
/// with `scrub`): subject and texts lose the names, calendar files go. Returns the keys of
/// the messages changed (their files are removed after the commit).
pub async fn scrub_mails<C: ConnectionTrait>(
    db: &C,
    find: &Scrubber,
    scrub: &Scrubber,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sea_orm::DbErr> {
    use entities::outbox_message::{self, Column};
    let mut keys = Vec::new();
    for m in outbox_message::Entity::find()
        .filter(any_mention(
            &[Column::Subject, Column::BodyText, Column::BodyHtml],
            find,
        ))
        .filter(Column::RedactedAt.is_null())
        .all(db)
        .await?
    {
        let subject = scrub.scrub(&m.subject);
        let text = scrub.scrub(&m.body_text);
        let html = m.body_html.as_deref().map(|h| scrub.scrub(h));
        if subject == m.subject && text == m.body_text && html == m.body_html {
            continue;
        }
        keys.push(m.idempotency_key.clone());
        let mut row: outbox_message::ActiveModel = m.into();
        row.subject = Set(subject);
        row.body_text = Set(text);
        row.body_html = Set(html);
        row.attachments = Set(None);
        row.updated_at = Set(now);
        row.update(db).await?;
    }
    Ok(keys)
}

/// Removes the counters of attempts kept under one of these addresses.
pub async fn delete_counters<C: ConnectionTrait>(
    db: &C,
    addresses: &[String],
) -> Result<(), sea_orm::DbErr> {
    for address in addresses.iter().filter(|a| !a.trim().is_empty()) {
        rate_limit::Entity::delete_many()
            .filter(super::mentions(rate_limit::Column::Key, address.trim()))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Removes counters whose window started before `before` (the tidy job).
pub async fn purge_counters<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    Ok(rate_limit::Entity::delete_many()
        .filter(rate_limit::Column::WindowStart.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes a landlord's flat texts and exact places: street, house number, extra address
/// line, description, wishes; why withdrawn becomes "erasure"; coordinates coarsened. Postal code, town,
/// size and rent stay for the statistics.
pub async fn anonymise_units<C: ConnectionTrait>(
    db: &C,
    unit_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    for u in unit::Entity::find()
        .filter(unit::Column::Id.is_in(unit_ids.to_vec()))
        .all(db)
        .await?
    {
        unit::Entity::update_many()
            .col_expr(unit::Column::Street, Expr::value("—"))
            .col_expr(unit::Column::HouseNumber, Expr::value(""))
            .col_expr(unit::Column::AddressExtra, none())
            .col_expr(unit::Column::Description, none())
            .col_expr(unit::Column::PrefNotes, none())
            .col_expr(
                unit::Column::WithdrawnReason,
                Expr::value(crate::domain::personal_data::ERASED),
            )
            .col_expr(unit::Column::Lat, Expr::value(coarsen(u.lat)))
            .col_expr(unit::Column::Lon, Expr::value(coarsen(u.lon)))
            .col_expr(unit::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                unit::Column::Version,
                sea_orm::sea_query::ExprTrait::add(Expr::col(unit::Column::Version), 1),
            )
            .filter(unit::Column::Id.eq(u.id))
            .exec(db)
            .await?;
    }
    unit_incentive::Entity::update_many()
        .col_expr(unit_incentive::Column::LandlordNote, none())
        .col_expr(unit_incentive::Column::DecisionNote, none())
        .filter(unit_incentive::Column::UnitId.is_in(unit_ids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes a landlord's drafts and the photos of their flats and drafts; returns the
/// storage keys of the photo files to remove after the commit.
pub async fn delete_photos_and_drafts<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
    unit_ids: &[i64],
) -> Result<Vec<String>, sea_orm::DbErr> {
    let drafts: Vec<i64> = unit_draft::Entity::find()
        .select_only()
        .column(unit_draft::Column::Id)
        .filter(unit_draft::Column::LandlordId.eq(landlord_id))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let owned = Condition::any()
        .add(unit_photo::Column::UnitId.is_in(unit_ids.to_vec()))
        .add(unit_photo::Column::DraftId.is_in(drafts.clone()));
    let keys: Vec<String> = unit_photo::Entity::find()
        .filter(owned.clone())
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.storage_key)
        .collect();
    unit_photo::Entity::delete_many()
        .filter(owned)
        .exec(db)
        .await?;
    unit_draft::Entity::delete_many()
        .filter(unit_draft::Column::LandlordId.eq(landlord_id))
        .exec(db)
        .await?;
    Ok(keys)
}

/// Names of an erased account's API tokens become "—"; its e-mail links are deleted.
pub async fn clear_account_extras<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<(), sea_orm::DbErr> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::Name, Expr::value("—"))
        .filter(api_token::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    action_token::Entity::delete_many()
        .filter(action_token::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Storage keys of every stored photo (the tidy job removes files without one).
pub async fn photo_keys<C: ConnectionTrait>(
    db: &C,
) -> Result<std::collections::HashSet<String>, sea_orm::DbErr> {
    Ok(unit_photo::Entity::find()
        .select_only()
        .column(unit_photo::Column::StorageKey)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Removes the cells of refused rows from import reports older than `before` (they name
/// people; the counts and reasons stay). Returns how many reports changed.
pub async fn purge_import_cells<C: ConnectionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let mut changed = 0;
    for row in import::Entity::find()
        .filter(import::Column::CreatedAt.lt(before))
        .filter(import::Column::Report.like("%\"value\":\"%"))
        .all(db)
        .await?
    {
        let Ok(mut report) = serde_json::from_str::<serde_json::Value>(&row.report) else {
            continue;
        };
        if let Some(problems) = report.get_mut("rejected").and_then(|r| r.as_array_mut()) {
            for p in problems.iter_mut() {
                if let Some(v) = p.get_mut("value") {
                    *v = serde_json::Value::Null;
                }
            }
        }
        let text = super::to_json_text(&report)?;
        let mut active: import::ActiveModel = row.into();
        active.report = Set(text);
        active.update(db).await?;
        changed += 1;
    }
    Ok(changed)
}
