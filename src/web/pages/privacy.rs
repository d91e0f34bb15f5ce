//! Data protection pages: a household's data (readable and as JSON), its erasure, the
//! erasure of a landlord, and the audit log (admins).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::staff::{Staff, StaffNav, nav, require_coordinator};
use super::{AuthedForm, Chrome};
use crate::services::privacy;
use crate::web::error::PageError;

/// A line of the audit log as shown.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub details: String,
}

fn audit_rows(entries: &[entities::audit_entry::Model]) -> Vec<AuditRow> {
    entries
        .iter()
        .map(|e| AuditRow {
            at: crate::domain::time::to_berlin(e.occurred_at)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            actor: e.actor_label.clone(),
            action: e.action.clone(),
            entity: match e.entity_id {
                Some(id) => format!("{} {id}", e.entity),
                None => e.entity.clone(),
            },
            details: e.details.clone().unwrap_or_default(),
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "household_data.html")]
pub struct HouseholdDataPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub reference: String,
    /// (label, value)
    pub fields: Vec<(String, String)>,
    pub consent: String,
    pub proposals: Vec<(i64, String, String)>,
    pub rows: Vec<AuditRow>,
}

/// `GET /households/{id}/data`: everything stored about a household, readable, with the
/// download and the erasure (Art. 15 and 17).
pub async fn household_data(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let data = privacy::household_data(&ctx.app, &user, id, ctx.locale).await?;
    let t = ctx.t();
    let h = &data.household;
    let label = |name: &str| {
        let base = name.split('[').next().unwrap_or(name);
        t.optional(&format!("household.labels.{base}"))
            .map_or_else(|| name.to_owned(), |l| format!("{l} ({name})"))
    };
    Ok(HouseholdDataPage {
        nav: nav(&ctx, &user, Some(h.municipality_id), "/households").await?,
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        id,
        reference: h.profile.reference.clone(),
        fields: data
            .fields
            .iter()
            .map(|(k, v)| (label(k), v.clone()))
            .collect(),
        consent: h.consent.as_ref().map_or_else(
            || t.get("household.no_consent").to_owned(),
            |c| {
                format!(
                    "{} {} ({})",
                    t.get("household.consent_on"),
                    crate::domain::time::to_berlin(c.at).format("%d.%m.%Y"),
                    c.scope
                )
            },
        ),
        proposals: data
            .proposals
            .iter()
            .map(|p| (p.id, p.state.as_str().to_owned(), p.unit_address.clone()))
            .collect(),
        rows: audit_rows(&data.audit),
    }
    .into_response())
}

/// `GET /households/{id}/data.json`: the same as JSON, to hand to the household.
pub async fn household_data_json(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let data = privacy::household_data(&ctx.app, &user, id, ctx.locale).await?;
    let json = data.to_json(ctx.app.clock.now(), &user.display_name);
    let body = serde_json::to_vec_pretty(&json).map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bleibe-household-{id}.json\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `POST /households/{id}/erase`: anonymises the household; the reference must be typed
/// again to confirm (a wrong one changes nothing and says so at the field).
pub async fn erase_household(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = crate::services::households::get(&ctx.app, &user, id).await?;
    if form.text("confirm").trim() != h.profile.reference {
        ctx.session.flash("error", "privacy_tools.confirm_mismatch");
        return Ok(Redirect::to(&format!("/households/{id}/data")).into_response());
    }
    privacy::erase_household(&ctx.app, &user, id, &form.text("reason"))
        .await
        .map_err(PageError::from)?;
    ctx.session
        .flash("success", "privacy_tools.household_erased");
    Ok(Redirect::to(&format!("/m/{}/households", h.municipality_id)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_privacy.html")]
pub struct AdminPrivacyPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub landlords: Vec<(i64, String, String)>,
    pub rows: Vec<AuditRow>,
    pub total: u64,
    pub page: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
}

/// `GET /admin/audit`: the audit log, filtered and paged, and landlords to erase.
pub async fn audit_log(
    Query(q): Query<AuditQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    if user.role != crate::domain::roles::Role::Admin {
        return Err(PageError::NotFound);
    }
    let filter = crate::store::audit::Filter {
        entity: q.entity.clone().filter(|e| !e.trim().is_empty()),
        entity_id: q.entity_id,
        actor_user_id: q.actor,
        action: q.action.clone().filter(|a| !a.trim().is_empty()),
    };
    let page = q.page.unwrap_or(1).max(1);
    let (entries, total) = privacy::audit_log(&ctx.app, &user, &filter, page).await?;
    let link = |p: u64| {
        let mut s = format!("/admin/audit?page={p}");
        if let Some(e) = &filter.entity {
            s.push_str(&format!("&entity={}", super::url_encode(e)));
        }
        if let Some(id) = filter.entity_id {
            s.push_str(&format!("&entity_id={id}"));
        }
        if let Some(a) = filter.actor_user_id {
            s.push_str(&format!("&actor={a}"));
        }
        if let Some(a) = &filter.action {
            s.push_str(&format!("&action={}", super::url_encode(a)));
        }
        s
    };
    Ok(AdminPrivacyPage {
        nav: nav(&ctx, &user, None, "audit").await?,
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        landlords: privacy::landlords(&ctx.app, &user).await?,
        rows: audit_rows(&entries),
        total,
        page,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page * privacy::AUDIT_PAGE < total).then(|| link(page + 1)),
        entity: filter.entity.unwrap_or_default(),
        entity_id: filter.entity_id.map(|i| i.to_string()).unwrap_or_default(),
        action: filter.action.unwrap_or_default(),
    }
    .into_response())
}

/// `POST /admin/landlords/{id}/erase`.
pub async fn erase_landlord(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    if user.role != crate::domain::roles::Role::Admin {
        return Err(PageError::NotFound);
    }
    privacy::erase_landlord(&ctx.app, &user, id)
        .await
        .map_err(PageError::from)?;
    ctx.session
        .flash("success", "privacy_tools.landlord_erased");
    Ok(Redirect::to("/admin/audit").into_response())
}
