//! The household's proposal on paper: the proposal e-mail's letter (fresh answer links,
//! issued in the caller's transaction), up to three photos of the flat (their thumbnails,
//! sharp enough at 4 cm and small) and a QR code per link.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde_json::Value;

use super::data;
use crate::app::App;
use crate::domain::Language;
use crate::services::{ServiceError, letters, photos};
use crate::store::municipalities;
use crate::store::photos::{self as photo_store, Owner};
use crate::store::pipeline::ProposalRow;

/// How many photos the letter shows.
const PHOTOS: usize = 3;

/// The letter's data, its files (QR codes, photos) and its language.
pub async fn build<C: ConnectionTrait>(
    db: &C,
    app: &App,
    row: &ProposalRow,
    lang: Option<Language>,
    logo: Option<&str>,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Value, Vec<(String, Vec<u8>)>, String), ServiceError> {
    let letter =
        letters::household_proposal_letter(db, app, &row.proposal, lang.map(Language::code), now)
            .await?;
    let municipality = municipalities::find(db, row.unit.municipality_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    let mut files = Vec::new();
    for (i, (_, url)) in letter.actions.iter().enumerate() {
        let svg = crate::documents::qr_svg(url)
            .ok_or_else(|| ServiceError::Other(anyhow::anyhow!("no QR code for {url}")))?;
        files.push((format!("/qr-{i}.svg"), svg));
    }
    let mut shown = Vec::new();
    for photo in photo_store::list(db, Owner::Unit(row.unit.id))
        .await?
        .into_iter()
        .take(PHOTOS)
    {
        let Some(path) = photos::file_of(app, &photo.storage_key, true) else {
            continue;
        };
        let Ok(bytes) = tokio::fs::read(&path).await else {
            continue;
        };
        let Some((_, _, ext)) = photos::sniff(&bytes) else {
            continue;
        };
        let name = format!("/photo-{}.{ext}", shown.len());
        shown.push(name.clone());
        files.push((name, bytes));
    }
    let json = data::letter(
        &letter,
        data::municipality(&municipality, logo),
        &row.household.reference,
        date,
        &shown,
    );
    Ok((json, files, letter.lang))
}
