//! Documents made (PDF with the data and template version they used) and the
//! municipalities' template versions.

use chrono::{DateTime, Utc};
use entities::{document, document_template};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A document to keep.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub municipality_id: i64,
    pub proposal_id: Option<i64>,
    pub kind: String,
    pub lang: String,
    pub template_version: i32,
    pub data: String,
    pub sha256: String,
    pub pdf: Vec<u8>,
    pub created_by_user_id: Option<i64>,
}

/// Keeps a document and returns its id.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    new: NewDocument,
    now: DateTime<Utc>,
) -> Result<i64, sea_orm::DbErr> {
    let row = document::ActiveModel {
        municipality_id: Set(new.municipality_id),
        proposal_id: Set(new.proposal_id),
        kind: Set(new.kind),
        lang: Set(new.lang),
        template_version: Set(new.template_version),
        data: Set(new.data),
        sha256: Set(new.sha256),
        pdf: Set(new.pdf),
        created_by_user_id: Set(new.created_by_user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// A document as lists show it (without the PDF).
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub lang: String,
    pub template_version: i32,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// The documents made for a proposal, newest first.
pub async fn of_proposal<C: ConnectionTrait>(
    db: &C,
    proposal_id: i64,
) -> Result<Vec<Listed>, sea_orm::DbErr> {
    document::Entity::find()
        .select_only()
        .columns([
            document::Column::Id,
            document::Column::Kind,
            document::Column::Lang,
            document::Column::TemplateVersion,
            document::Column::Sha256,
            document::Column::CreatedAt,
        ])
        .filter(document::Column::ProposalId.eq(proposal_id))
        .order_by_desc(document::Column::CreatedAt)
        .order_by_desc(document::Column::Id)
        .into_model::<Listed>()
        .all(db)
        .await
}

/// A document as the person's export lists it: what, when, with which data.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct Exported {
    pub kind: String,
    pub lang: String,
    pub template_version: i32,
    pub data: String,
    pub created_at: DateTime<Utc>,
}

/// The documents made for these proposals, oldest first (without the PDFs).
pub async fn of_proposals<C: ConnectionTrait>(
    db: &C,
    proposal_ids: &[i64],
) -> Result<Vec<Exported>, sea_orm::DbErr> {
    if proposal_ids.is_empty() {
        return Ok(Vec::new());
    }
    document::Entity::find()
        .select_only()
        .columns([
            document::Column::Kind,
            document::Column::Lang,
            document::Column::TemplateVersion,
            document::Column::Data,
            document::Column::CreatedAt,
        ])
        .filter(document::Column::ProposalId.is_in(proposal_ids.to_vec()))
        .order_by_asc(document::Column::Id)
        .into_model::<Exported>()
        .all(db)
        .await
}

/// One document with its PDF.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<Option<document::Model>, sea_orm::DbErr> {
    document::Entity::find_by_id(id).one(db).await
}

/// Removes the documents of these proposals (their data names the household).
pub async fn delete_of_proposals<C: ConnectionTrait>(
    db: &C,
    proposal_ids: &[i64],
) -> Result<u64, sea_orm::DbErr> {
    if proposal_ids.is_empty() {
        return Ok(0);
    }
    Ok(document::Entity::delete_many()
        .filter(document::Column::ProposalId.is_in(proposal_ids.to_vec()))
        .exec(db)
        .await?
        .rows_affected)
}

/// The municipality's newest template version, if it uploaded one.
pub async fn current_template<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Option<document_template::Model>, sea_orm::DbErr> {
    document_template::Entity::find()
        .filter(document_template::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(document_template::Column::Version)
        .one(db)
        .await
}

/// One version of a municipality's template.
pub async fn template_version<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
    version: i32,
) -> Result<Option<document_template::Model>, sea_orm::DbErr> {
    document_template::Entity::find()
        .filter(document_template::Column::MunicipalityId.eq(municipality_id))
        .filter(document_template::Column::Version.eq(version))
        .one(db)
        .await
}

/// The municipality's template versions, newest first (without the logos).
pub async fn templates<C: ConnectionTrait>(
    db: &C,
    municipality_id: i64,
) -> Result<Vec<document_template::Model>, sea_orm::DbErr> {
    document_template::Entity::find()
        .filter(document_template::Column::MunicipalityId.eq(municipality_id))
        .order_by_desc(document_template::Column::Version)
        .all(db)
        .await
}

/// A template version to keep.
#[derive(Debug, Clone)]
pub struct NewTemplate {
    pub municipality_id: i64,
    pub source: String,
    pub logo: Option<(Vec<u8>, String)>,
    pub note: Option<String>,
    pub uploaded_by_user_id: Option<i64>,
}

/// Keeps a new version (one more than the newest) and returns its number.
pub async fn insert_template<C: ConnectionTrait>(
    db: &C,
    new: NewTemplate,
    now: DateTime<Utc>,
) -> Result<i32, sea_orm::DbErr> {
    let version = current_template(db, new.municipality_id)
        .await?
        .map_or(1, |t| t.version + 1);
    let (logo, logo_type) = match new.logo {
        Some((bytes, kind)) => (Some(bytes), Some(kind)),
        None => (None, None),
    };
    document_template::ActiveModel {
        municipality_id: Set(new.municipality_id),
        version: Set(version),
        source: Set(new.source),
        logo: Set(logo),
        logo_type: Set(logo_type),
        note: Set(new.note),
        uploaded_by_user_id: Set(new.uploaded_by_user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(version)
}
