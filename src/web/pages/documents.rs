//! Documents on the proposal pages: what fits the stage (a button each, the letter with a
//! choice of language), what was made (each to download again), and the two routes:
//! `POST /proposals/{id}/documents` makes one and sends it, `GET /documents/{id}` sends a
//! kept one. Both check who may have what; a refusal keeps nothing.

use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Authed, AuthedForm, PageCtx};
use crate::domain::document::DocumentKind;
use crate::domain::{Language, Locale};
use crate::i18n::Texts;
use crate::services::{Actor, Conflict, CurrentUser, ServiceError, documents};
use crate::web::error::PageError;

/// The proposal as its page saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub id: i64,
    pub state: crate::domain::pipeline::ProposalState,
    pub unit_id: i64,
    /// The flat's granted incentives, when the page read them.
    pub granted: Option<Vec<crate::domain::incentive::IncentiveKind>>,
}

/// A document that can be made now.
#[derive(Debug, Clone)]
pub struct Offer {
    pub kind: String,
    pub label: String,
    /// The household's letter: a choice of language goes with it.
    pub letter: bool,
}

/// A document made before.
#[derive(Debug, Clone)]
pub struct Kept {
    pub id: i64,
    pub label: String,
    pub made: String,
    pub template: String,
}

/// The documents part of a proposal page.
#[derive(Debug, Clone, Default)]
pub struct DocumentsView {
    pub proposal_id: i64,
    pub offered: Vec<Offer>,
    pub made: Vec<Kept>,
    /// Languages of the letter: code, name, chosen.
    pub langs: Vec<(String, String, bool)>,
}

impl DocumentsView {
    pub fn is_empty(&self) -> bool {
        self.offered.is_empty() && self.made.is_empty()
    }
}

/// What the proposal's page shows of its documents for this reader (whom the page has
/// checked already).
pub async fn view(
    ctx: &PageCtx,
    user: &CurrentUser,
    proposal: Seen,
    household_language: Option<Language>,
) -> Result<DocumentsView, PageError> {
    let t = ctx.t();
    let proposal_id = proposal.id;
    let shelf = documents::shelf_of(
        &ctx.app,
        user.role == crate::domain::roles::Role::Landlord,
        proposal.id,
        proposal.state,
        proposal.unit_id,
        proposal.granted,
    )
    .await?;
    let label = |kind: &str| t.get(&format!("documents.kinds.{kind}")).to_owned();
    let landlord = user.role == crate::domain::roles::Role::Landlord;
    let chosen = household_language.unwrap_or_default();
    Ok(DocumentsView {
        proposal_id,
        offered: shelf
            .offered
            .iter()
            .map(|k| Offer {
                kind: k.as_str().to_owned(),
                label: label(k.as_str()),
                letter: *k == DocumentKind::ProposalLetter,
            })
            .collect(),
        made: shelf
            .made
            .iter()
            .map(|d| Kept {
                id: d.id,
                label: match d.lang.parse::<Language>() {
                    // The household's letter: in which language.
                    Ok(l) if d.kind == DocumentKind::ProposalLetter.as_str() => {
                        format!("{} ({})", label(&d.kind), l.native_name())
                    }
                    _ => label(&d.kind),
                },
                made: super::pipeline::when(ctx.locale, d.created_at),
                // Which template: for staff; to a landlord it says nothing.
                template: if landlord {
                    String::new()
                } else if d.template_version == 0 {
                    t.get("documents.built_in").to_owned()
                } else {
                    format!("{} {}", t.get("documents.version"), d.template_version)
                },
            })
            .collect(),
        langs: Language::ALL
            .iter()
            .map(|l| {
                (
                    l.code().to_owned(),
                    format!(
                        "{} ({})",
                        l.native_name(),
                        crate::web::pages::overview::language_name(t, l.code())
                    ),
                    *l == chosen,
                )
            })
            .collect(),
    })
}

fn pdf(name: &str, bytes: Vec<u8>) -> Response {
    super::figures::download(name, "application/pdf", bytes)
}

/// `POST /proposals/{id}/documents`: makes the document `kind` (the letter in `lang`),
/// keeps it and sends it.
pub async fn make(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let kind: DocumentKind = form.get("kind").parse().map_err(|_| {
        PageError::BadRequest("kind: unbekanntes Dokument / unknown document".into())
    })?;
    let lang = match form.get("lang") {
        "" => None,
        code => Some(code.parse::<Language>().map_err(|_| {
            PageError::BadRequest("lang: unbekannte Sprache / unknown language".into())
        })?),
    };
    let user_is_landlord = user.role == crate::domain::roles::Role::Landlord;
    match documents::make(&ctx.app, &Actor::User(user), id, kind, lang).await {
        Ok(made) => Ok(Redirect::to(&format!("/documents/{}", made.id)).into_response()),
        Err(ServiceError::Conflict(Conflict::DocumentNotAtStage)) => {
            let key = "documents.not_at_stage";
            let back = if user_is_landlord {
                format!("/proposals/{id}")
            } else {
                format!("/workspace/proposals/{id}")
            };
            Err(PageError::RefusedAt {
                de: Texts::new(Locale::De).get(key).to_owned(),
                en: Texts::new(Locale::En).get(key).to_owned(),
                back: Some(back),
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /documents/{id}`: a kept document.
pub async fn download(
    Path(id): Path<i64>,
    Authed { ctx, user }: Authed,
) -> Result<Response, PageError> {
    let made = documents::stored(&ctx.app, &user, id).await?;
    Ok(pdf(&made.file_name, made.pdf))
}
