//! `GET /api/v1/proposals/{id}/documents/{kind}`: a document of a proposal as PDF, scoped
//! like the proposal page (staff of its municipalities; a landlord the rent certificate
//! and agreements of their own flats). The document is kept with the proposal, as when made
//! on its page.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::extract::{ApiPath, ApiQuery, ApiUser};
use super::problem::Problem;
use super::problem::answers::{Always, BadRequest, Conflict, NotFound};
use crate::app::App;
use crate::domain::Language;
use crate::domain::document::DocumentKind;
use crate::services::{Actor, documents};

/// The language of the household's letter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// The letter's language; the household's own when left out. Other documents are in
    /// German.
    #[param(schema_with = language_schema)]
    pub lang: Option<Language>,
}

fn language_schema() -> utoipa::openapi::Object {
    super::model::names(Language::ALL.iter().map(|l| l.code()))
}

/// A document of a proposal as PDF.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/documents/{kind}", tag = "proposals",
    params(
        ("id" = i64, Path, description = "The proposal's id"),
        ("kind" = String, Path, description = "rent-certificate, rent-guarantee, occupancy-agreement, head-lease or proposal-letter"),
        DocumentQuery,
    ),
    responses(
        (status = 200, description = "The document (PDF/A-2b)", content_type = "application/pdf"),
        BadRequest, NotFound, Conflict, Always,
    ))]
pub async fn get_document(
    State(app): State<App>,
    api: ApiUser,
    ApiPath((id, kind)): ApiPath<(i64, String)>,
    ApiQuery(q): ApiQuery<DocumentQuery>,
) -> Result<Response, Problem> {
    let kind: DocumentKind = kind
        .parse()
        .ok()
        .filter(|k: &DocumentKind| k.of_proposal())
        .ok_or_else(|| Problem::not_found("document kind"))?;
    let lang = q.lang;
    let made = documents::make(&app, &Actor::User(api.user.clone()), id, kind, lang)
        .await
        .map_err(|e| Problem::from_service(e, "proposal", true, &api.texts))?;
    let mut response = made.pdf.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", made.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
