//! Documents as PDF: the rent certificate for the Jobcenter, the incentive agreements, the
//! household's proposal letter and the yearly report. Each use checks who may have which
//! document of which proposal (staff of its municipalities; a landlord the certificate and
//! agreements of their own flats), builds the data ([`data`]), typesets it with the
//! municipality's template ([`templates`]) and keeps what was made with the template
//! version and the data it used, so every document can be listed and fetched again.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use sha2::{Digest, Sha256};

use super::{Actor, Conflict, CurrentUser, ServiceError, audit};
use crate::app::App;
use crate::domain::Language;
use crate::domain::document::{self as rules, DocumentKind};
use crate::domain::incentive::{IncentiveKind, IncentiveStatus};
use crate::domain::pipeline::ProposalState;
use crate::domain::roles::Role;
use crate::mail::EmailAttachment;
use crate::store::documents::{self as store, Listed, NewDocument};
use crate::store::pipeline::{self as pipeline_store, ProposalRow};
use crate::store::{households, incentives, landlords, municipalities, units};

pub mod data;
mod letter;
pub mod samples;
pub mod templates;
mod year;

pub use year::yearly_report_pdf;

/// A document made or fetched: what it is, its file name and the PDF.
#[derive(Debug, Clone)]
pub struct Made {
    pub id: i64,
    pub kind: DocumentKind,
    pub file_name: String,
    pub pdf: Vec<u8>,
}

/// What a proposal's page shows of its documents: those that fit its stage for this
/// reader, and those made so far.
#[derive(Debug, Clone, Default)]
pub struct Shelf {
    pub offered: Vec<DocumentKind>,
    pub made: Vec<Listed>,
}

/// A proposal the actor may have documents of, and whether they read as a landlord. The
/// system (the command line) may have every staff document.
async fn scoped(
    app: &App,
    actor: &Actor,
    proposal_id: i64,
) -> Result<(ProposalRow, bool), ServiceError> {
    let not_found = || ServiceError::NotFound("proposal".into());
    let Actor::User(user) = actor else {
        let row = pipeline_store::find(&app.db, proposal_id)
            .await?
            .ok_or_else(not_found)?;
        return Ok((row, false));
    };
    match user.role {
        Role::Admin | Role::Coordinator => {
            let row = pipeline_store::find(&app.db, proposal_id)
                .await?
                .ok_or_else(not_found)?;
            if !super::pipeline::may_manage(user, &row) {
                return Err(ServiceError::Forbidden);
            }
            Ok((row, false))
        }
        Role::Landlord => {
            crate::store::proposals::find_of_landlord_account(&app.db, proposal_id, user.id)
                .await?
                .ok_or_else(not_found)?;
            let row = pipeline_store::find(&app.db, proposal_id)
                .await?
                .ok_or_else(not_found)?;
            Ok((row, true))
        }
        _ => Err(ServiceError::Forbidden),
    }
}

fn state_of(row: &ProposalRow) -> Result<ProposalState, ServiceError> {
    super::pipeline::state_of(&row.proposal)
}

/// A flat's incentive request with its programme.
type Request = (
    entities::unit_incentive::Model,
    entities::incentive_programme::Model,
);

/// The incentives granted (or paid) for a flat.
async fn granted<C: ConnectionTrait>(db: &C, unit_id: i64) -> Result<Vec<Request>, ServiceError> {
    Ok(incentives::requests_for_unit(db, unit_id)
        .await?
        .into_iter()
        .filter(|(r, _)| is_granted(r))
        .collect())
}

/// Whether a request was granted (a paid one was granted first).
fn is_granted(r: &entities::unit_incentive::Model) -> bool {
    r.status == IncentiveStatus::Granted.as_str() || r.status == IncentiveStatus::Paid.as_str()
}

/// The incentive kinds granted (or paid) among a flat's requests.
pub fn granted_kinds(requests: &[Request]) -> Vec<IncentiveKind> {
    requests
        .iter()
        .filter(|(r, _)| is_granted(r))
        .filter_map(|(_, p)| p.kind.parse().ok())
        .collect()
}

/// The documents that fit the proposal now for this reader.
fn offered_to(
    state: ProposalState,
    granted: &[IncentiveKind],
    landlord: bool,
) -> Vec<DocumentKind> {
    rules::offered(state, granted)
        .into_iter()
        .filter(|k| !landlord || k.for_landlord())
        .collect()
}

/// What a proposal page shows of its documents, for a reader the page has checked already:
/// `granted` are the flat's incentives when the page has them (else they are read). A
/// landlord's page shows documents only once both sides said yes, and reads nothing before.
pub async fn shelf_of(
    app: &App,
    landlord: bool,
    proposal_id: i64,
    state: ProposalState,
    unit_id: i64,
    known: Option<Vec<IncentiveKind>>,
) -> Result<Shelf, ServiceError> {
    if landlord && !state.shares_contacts() {
        return Ok(Shelf::default());
    }
    let kinds = match known {
        Some(kinds) => kinds,
        None => granted_kinds(&granted(&app.db, unit_id).await?),
    };
    let made = store::of_proposal(&app.db, proposal_id)
        .await?
        .into_iter()
        .filter(|d| {
            !landlord
                || d.kind
                    .parse::<DocumentKind>()
                    .is_ok_and(|k| k.for_landlord())
        })
        .collect();
    Ok(Shelf {
        offered: offered_to(state, &kinds, landlord),
        made,
    })
}

/// A stored document, to the people who may have it.
pub async fn stored(app: &App, user: &CurrentUser, id: i64) -> Result<Made, ServiceError> {
    let not_found = || ServiceError::NotFound("document".into());
    let doc = store::find(&app.db, id).await?.ok_or_else(not_found)?;
    let kind: DocumentKind = doc.kind.parse().map_err(|_| not_found())?;
    match doc.proposal_id {
        Some(proposal_id) => {
            let (_, landlord) = scoped(app, &Actor::User(user.clone()), proposal_id).await?;
            if landlord && !kind.for_landlord() {
                return Err(not_found());
            }
        }
        None => {
            if !user.can_manage(doc.municipality_id) || user.role == Role::Landlord {
                return Err(ServiceError::Forbidden);
            }
        }
    }
    Ok(Made {
        id: doc.id,
        kind,
        file_name: file_name(
            kind,
            doc.proposal_id.unwrap_or(doc.municipality_id),
            &doc.lang,
        ),
        pdf: doc.pdf,
    })
}

/// Makes a document of a proposal now, keeps it and returns it. A kind that does not fit
/// the proposal's stage (or is not the reader's to have) is refused; nothing is kept then.
pub async fn make(
    app: &App,
    actor: &Actor,
    proposal_id: i64,
    kind: DocumentKind,
    lang: Option<Language>,
) -> Result<Made, ServiceError> {
    let (row, landlord) = scoped(app, actor, proposal_id).await?;
    let state = state_of(&row)?;
    let granted = granted(&app.db, row.unit.id).await?;
    if !offered_to(state, &granted_kinds(&granted), landlord).contains(&kind) {
        return Err(ServiceError::Conflict(Conflict::DocumentNotAtStage));
    }
    let now = app.clock.now();
    let txn = app.db.begin().await?;
    let made = make_in(&txn, app, &row, state, kind, lang, actor.user_id(), now).await?;
    audit::record(
        &txn,
        actor,
        "document_made",
        "proposals",
        Some(proposal_id),
        Some(row.unit.municipality_id),
        serde_json::json!({"kind": kind.as_str(), "document_id": made.id}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(made)
}

/// Builds, typesets and keeps a document of a proposal in the caller's transaction (the
/// letter's answer links are issued in it too).
#[allow(clippy::too_many_arguments)]
async fn make_in<C: ConnectionTrait>(
    db: &C,
    app: &App,
    row: &ProposalRow,
    state: ProposalState,
    kind: DocumentKind,
    lang: Option<Language>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Made, ServiceError> {
    let date = crate::domain::time::berlin_date(now);
    let part = templates::part_of(db, row.unit.municipality_id).await?;
    let (json, mut files, lang) = match kind {
        DocumentKind::ProposalLetter => {
            letter::build(db, app, row, lang, part.logo_path(), date, now).await?
        }
        _ => {
            let s = Gathered::load(db, row, state, date).await?;
            let json = s.data(db, kind, part.logo_path()).await?;
            (json, Vec::new(), "de".to_owned())
        }
    };
    files.extend(part.files());
    let ident = format!("{}-{}", kind.as_str(), row.proposal.id);
    let (pdf, version) = templates::render_with(kind, &json, &part, files, date, ident).await?;
    let sha256 = hex(&Sha256::digest(&pdf));
    let id = store::insert(
        db,
        NewDocument {
            municipality_id: row.unit.municipality_id,
            proposal_id: Some(row.proposal.id),
            kind: kind.as_str().into(),
            lang: lang.clone(),
            template_version: version,
            data: json.to_string(),
            sha256,
            pdf: pdf.clone(),
            created_by_user_id: by,
        },
        now,
    )
    .await?;
    Ok(Made {
        id,
        kind,
        file_name: file_name(kind, row.proposal.id, &lang),
        pdf,
    })
}

/// A download's name: the kind and the proposal, and the letter's language.
fn file_name(kind: DocumentKind, id: i64, lang: &str) -> String {
    let name = kind.file_name(id);
    match kind {
        DocumentKind::ProposalLetter => name.replace(".pdf", &format!("-{lang}.pdf")),
        _ => name,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a proposal's certificate and agreements are made from.
struct Gathered {
    row: ProposalRow,
    unit: crate::store::units::StoredUnit,
    landlord: entities::landlord::Model,
    municipality: entities::municipality::Model,
    placement: Option<entities::placement::Model>,
    tenant: Option<String>,
    persons: usize,
    date: NaiveDate,
}

impl Gathered {
    async fn load<C: ConnectionTrait>(
        db: &C,
        row: &ProposalRow,
        state: ProposalState,
        date: NaiveDate,
    ) -> Result<Self, ServiceError> {
        let missing = |what: &str| ServiceError::NotFound(what.into());
        let unit = units::find(db, row.unit.id)
            .await?
            .ok_or_else(|| missing("unit"))?;
        let landlord = landlords::find(db, unit.landlord_id)
            .await?
            .ok_or_else(|| missing("landlord"))?;
        let municipality = municipalities::find(db, unit.municipality_id)
            .await?
            .ok_or_else(|| missing("municipality"))?;
        let household = households::find(db, row.household.id)
            .await?
            .ok_or_else(|| missing("household"))?;
        // The household is named only once both said yes, and as far as it consented.
        let tenant = if rules::names_household(state) {
            household.contact_for_landlord(date).map(|c| c.name)
        } else {
            None
        };
        Ok(Self {
            row: row.clone(),
            placement: pipeline_store::placement_of(db, row.proposal.id).await?,
            persons: household.profile.members.len(),
            unit,
            landlord,
            municipality,
            tenant,
            date,
        })
    }

    async fn data<C: ConnectionTrait>(
        &self,
        db: &C,
        kind: DocumentKind,
        logo: Option<&str>,
    ) -> Result<serde_json::Value, ServiceError> {
        let subject = data::Subject {
            proposal_id: self.row.proposal.id,
            unit: &self.unit,
            landlord: &self.landlord,
            municipality: data::municipality(&self.municipality, logo),
            placement: self.placement.as_ref(),
            tenant: self.tenant.clone(),
            persons: self.persons,
            date: self.date,
        };
        if kind == DocumentKind::RentCertificate {
            return Ok(data::rent_certificate(&subject));
        }
        let incentive = kind.incentive();
        let found = granted(db, self.unit.id)
            .await?
            .into_iter()
            .find(|(_, p)| p.kind.parse::<IncentiveKind>().ok() == incentive)
            .ok_or(ServiceError::Conflict(Conflict::DocumentNotAtStage))?;
        Ok(data::agreement(kind, &subject, &found.0, &found.1))
    }
}

/// The rent certificate for the landlord's "Jobcenter requested" e-mail, made and kept in
/// the step's transaction.
pub async fn jobcenter_attachment<C: ConnectionTrait>(
    db: &C,
    app: &App,
    row: &ProposalRow,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<EmailAttachment, ServiceError> {
    let made = make_in(
        db,
        app,
        row,
        ProposalState::JobcenterRequested,
        DocumentKind::RentCertificate,
        None,
        by,
        now,
    )
    .await?;
    Ok(EmailAttachment {
        filename: made.file_name,
        content_type: "application/pdf".into(),
        content: made.pdf,
    })
}

#[cfg(test)]
mod tests;
