//! Data protection pages: a household's data (readable and as JSON) and its erasure, the
//! erasure of a landlord (with confirmation and reason), and the audit log (admins), in
//! words.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::staff::{Staff, StaffNav, nav, require_coordinator};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::personal_data::erasure_request;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::i18n::Texts;
use crate::services::dossier::ReadableSection;
use crate::services::{Conflict, CurrentUser, ServiceError, privacy};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};

/// A line of the audit log as shown: everything in words.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub href: Option<String>,
    pub details: String,
}

use crate::services::dossier::{actor_words, details_words, words};

/// Where a record of the audit log is shown, if it has a page.
fn entity_href(entity: &str, id: i64) -> Option<String> {
    match entity {
        "households" => Some(format!("/households/{id}")),
        "units" => Some(format!("/units/{id}")),
        "proposals" => Some(format!("/workspace/proposals/{id}")),
        "match_runs" => Some(format!("/runs/{id}")),
        _ => None,
    }
}

fn audit_rows(t: Texts, entries: &[entities::audit_entry::Model]) -> Vec<AuditRow> {
    entries
        .iter()
        .map(|e| AuditRow {
            at: crate::domain::time::to_berlin(e.occurred_at)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            actor: actor_words(t, &e.actor_label),
            action: words(t, "audit.actions", &e.action),
            entity: match e.entity_id {
                Some(id) => format!("{} {id}", words(t, "audit.entities", &e.entity)),
                None => words(t, "audit.entities", &e.entity),
            },
            href: e.entity_id.and_then(|id| entity_href(&e.entity, id)),
            details: e
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .map(|v| details_words(t, &v))
                .unwrap_or_default(),
        })
        .collect()
}

/// The two fields of an erasure: the reason and the name typed again.
fn erase_section(
    t: Texts,
    form: Option<&FormData>,
    errors: &FieldErrors,
    confirm_label: String,
) -> Section {
    let value = |name: &str| form.map(|f| f.text(name)).unwrap_or_default();
    let mut confirm = Field::new(t, "privacy_tools", "confirm", Kind::Text)
        .value(value("confirm"))
        .required()
        .error_from(t, errors);
    confirm.label = confirm_label;
    Section {
        id: "erase".into(),
        title: t.get("privacy_tools.erase_title").into(),
        intro: None,
        fields: vec![
            Field::new(t, "privacy_tools", "reason", Kind::Text)
                .value(value("reason"))
                .required()
                .wide()
                .error_from(t, errors),
            confirm,
        ],
    }
}

/// Why an erasure was refused, with the proposals to end first.
#[derive(Debug, Clone, Default)]
pub struct Refusal {
    pub text: String,
    /// (label, href) of each open proposal.
    pub proposals: Vec<(String, String)>,
}

/// The refusal an erasure meets while proposals are open (`None` for other errors).
async fn refusal(
    ctx: &PageCtx,
    error: &ServiceError,
    household: Option<i64>,
    landlord: Option<i64>,
) -> Result<Option<Refusal>, PageError> {
    let ServiceError::Conflict(conflict) = error else {
        return Ok(None);
    };
    if !matches!(
        conflict,
        Conflict::HouseholdOpenProposal | Conflict::LandlordBusy
    ) {
        return Ok(None);
    }
    let t = ctx.t();
    let open = privacy::blocking_proposals(&ctx.app, household, landlord).await?;
    Ok(Some(Refusal {
        text: t.get(conflict.key()).to_owned(),
        proposals: open
            .into_iter()
            .map(|id| {
                (
                    format!("{} {id}", t.get("privacy_tools.open_proposal")),
                    format!("/workspace/proposals/{id}"),
                )
            })
            .collect(),
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "household_data.html")]
pub struct HouseholdDataPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub reference: String,
    pub sections: Vec<ReadableSection>,
    pub erase: Section,
    pub summary: Vec<SummaryItem>,
    pub refused: Option<Refusal>,
}

async fn household_data_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: i64,
    form: Option<&FormData>,
    errors: &FieldErrors,
    refused: Option<Refusal>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let (household, dossier) = privacy::household_data(&ctx.app, user, id, form.is_none()).await?;
    let reference = household.profile.reference.clone();
    let erase = erase_section(
        t,
        form,
        errors,
        format!("{} {reference}", t.get("privacy_tools.erase_confirm")),
    );
    let page = HouseholdDataPage {
        nav: nav(ctx, user, Some(household.municipality_id), "/households").await?,
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        id,
        reference,
        sections: dossier.readable(t),
        summary: summary(std::slice::from_ref(&erase)),
        erase,
        refused,
    };
    Ok((erase_status(errors, &page.refused), page).into_response())
}

/// 422 for wrong fields, 409 for a refusal by the stored data, else 200.
fn erase_status(errors: &FieldErrors, refused: &Option<Refusal>) -> StatusCode {
    if refused.is_some() {
        StatusCode::CONFLICT
    } else {
        crate::web::form::status_for(errors.is_empty())
    }
}

/// `GET /households/{id}/data`: everything stored about a household, readable, with the
/// download and the erasure (Art. 15 and 17).
pub async fn household_data(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    household_data_page(&ctx, &user, id, None, &FieldErrors::default(), None).await
}

/// A dossier as a JSON download.
pub fn json_download(json: &serde_json::Value, file_name: &str) -> Result<Response, PageError> {
    let body = serde_json::to_vec_pretty(json).map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `GET /households/{id}/data.json`: the same as JSON, to hand to the household.
pub async fn household_data_json(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let (_, dossier) = privacy::household_data(&ctx.app, &user, id, true).await?;
    let json = dossier.to_json(ctx.app.clock.now(), &user.display_name);
    json_download(&json, &format!("bleibe-household-{id}.json"))
}

/// `POST /households/{id}/erase`: erases the household after its reference was typed
/// again and a reason given; otherwise nothing changes and the page says why at the
/// fields (422), keeping what was typed.
pub async fn erase_household(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = crate::services::households::get(&ctx.app, &user, id).await?;
    let reason = match erasure_request(&form.fields, &h.profile.reference) {
        Ok(reason) => reason,
        Err(errors) => {
            return household_data_page(&ctx, &user, id, Some(&form), &errors, None).await;
        }
    };
    if let Err(e) = privacy::erase_household(&ctx.app, &user, id, &reason).await {
        let Some(refused) = refusal(&ctx, &e, Some(id), None).await? else {
            return Err(e.into());
        };
        let no_errors = FieldErrors::default();
        return household_data_page(&ctx, &user, id, Some(&form), &no_errors, Some(refused)).await;
    }
    ctx.session
        .flash("success", "privacy_tools.household_erased");
    Ok(Redirect::to(&format!("/m/{}/households", h.municipality_id)).into_response())
}

/// The audit log's filter as sent: every field may be empty or missing.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub page: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_privacy.html")]
pub struct AdminPrivacyPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub landlords: Vec<(i64, String, String)>,
    pub rows: Vec<AuditRow>,
    pub total: u64,
    pub page: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub filters: Vec<Field>,
}

/// A filter value: trimmed, `None` when empty.
fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The filter read from the query, and the fields with a message where a value cannot be
/// used (that part of the filter is then left out).
impl AuditQuery {
    /// The query from its pairs, the first value of each name counting (a link with a
    /// name twice still opens the page).
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut q = AuditQuery::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "entity" => &mut q.entity,
                "entity_id" => &mut q.entity_id,
                "actor" => &mut q.actor,
                "action" => &mut q.action,
                "page" => &mut q.page,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        q
    }
}

/// The filter the query asks for; a value the log does not hold is reported at its field
/// and ignored.
fn audit_filter(
    t: Texts,
    q: &AuditQuery,
    kinds: &crate::store::audit::Kinds,
) -> (crate::store::audit::Filter, FieldErrors) {
    let mut errors = FieldErrors::default();
    let mut number = |name: &str, v: &Option<String>| {
        given(v).and_then(|text| match text.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.add(name, "validation.whole_number");
                None
            }
        })
    };
    let entity_id = number("entity_id", &q.entity_id);
    let actor_user_id = number("actor", &q.actor);
    // Known: in the log, or a name the log has words for (none of it recorded yet).
    let mut known = |name: &str, v: &Option<String>, list: &[String], section: &str| {
        given(v).and_then(|code| {
            if list.contains(&code) || t.optional(&format!("{section}.{code}")).is_some() {
                Some(code)
            } else {
                errors.add(name, "privacy_tools.unknown_value");
                None
            }
        })
    };
    let entity = known("entity", &q.entity, &kinds.entities, "audit.entities");
    let action = known("action", &q.action, &kinds.actions, "audit.actions");
    let filter = crate::store::audit::Filter {
        entity,
        entity_id,
        actor_user_id,
        action,
    };
    (filter, errors)
}

fn audit_link(filter: &crate::store::audit::Filter, page: u64) -> String {
    let mut s = format!("/admin/audit?page={page}");
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
}

/// `GET /admin/audit`: the audit log in words, filtered by area, record, person and
/// action (any of them empty), paged; and the landlords an admin can erase.
pub async fn audit_log(
    Query(pairs): Query<Vec<(String, String)>>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    if user.role != Role::Admin {
        return Err(PageError::NotFound);
    }
    let t = ctx.t();
    let q = AuditQuery::from_pairs(pairs);
    let kinds = privacy::audit_choices(&ctx.app, &user).await?;
    let (filter, errors) = audit_filter(t, &q, &kinds);
    let asked = given(&q.page)
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .max(1);
    let (_, total) = privacy::audit_log(&ctx.app, &user, &filter, 1).await?;
    let last = total.div_ceil(privacy::AUDIT_PAGE).max(1);
    let page = asked.min(last);
    let (entries, _) = privacy::audit_log(&ctx.app, &user, &filter, page).await?;
    let household_ids: Vec<i64> = entries
        .iter()
        .filter(|e| e.entity == "households")
        .filter_map(|e| e.entity_id)
        .collect();
    let erased = privacy::erased_households(&ctx.app, &household_ids).await?;
    let any = || (String::new(), t.get("privacy_tools.any").to_owned());
    // The log's values, and the chosen one even when nothing of it is recorded yet.
    let choices = |section: &str, codes: &[String], chosen: &Option<String>| {
        let mut list = vec![any()];
        list.extend(
            codes
                .iter()
                .chain(chosen.iter().filter(|c| !codes.contains(c)))
                .map(|c| (c.clone(), words(t, section, c))),
        );
        list
    };
    let mut actors = vec![any()];
    actors.extend(
        kinds
            .actors
            .iter()
            .map(|(id, label)| (id.to_string(), actor_words(t, label))),
    );
    if let Some(id) = filter
        .actor_user_id
        .filter(|id| !kinds.actors.iter().any(|a| a.0 == *id))
    {
        actors.push((
            id.to_string(),
            format!("{} {id}", words(t, "audit.entities", "users")),
        ));
    }
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let filters = vec![
        Field::new(t, "privacy_tools", "entity", Kind::Select)
            .value(filter.entity.clone().unwrap_or_default())
            .choices(choices("audit.entities", &kinds.entities, &filter.entity))
            .error_from(t, &errors),
        Field::new(t, "privacy_tools", "entity_id", Kind::Number)
            .value(text(&q.entity_id))
            .inputmode("numeric")
            .error_from(t, &errors),
        Field::new(t, "privacy_tools", "action", Kind::Select)
            .value(filter.action.clone().unwrap_or_default())
            .choices(choices("audit.actions", &kinds.actions, &filter.action))
            .error_from(t, &errors),
        Field::new(t, "privacy_tools", "actor", Kind::Select)
            .value(
                filter
                    .actor_user_id
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            )
            .choices(actors)
            .error_from(t, &errors),
    ];
    let mut rows = audit_rows(t, &entries);
    for (row, entry) in rows.iter_mut().zip(&entries) {
        if entry.entity == "households" && entry.entity_id.is_some_and(|id| erased.contains(&id)) {
            row.href = None;
        }
    }
    let page_view = AdminPrivacyPage {
        nav: nav(&ctx, &user, None, "audit").await?,
        chrome: ctx.chrome(),
        landlords: privacy::landlords(&ctx.app, &user).await?,
        rows,
        total,
        page,
        prev: (page > 1).then(|| audit_link(&filter, page - 1)),
        next: (page < last).then(|| audit_link(&filter, page + 1)),
        filters,
    };
    Ok((crate::web::form::status_for(errors.is_empty()), page_view).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "landlord_erase.html")]
pub struct LandlordErasePage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub name: String,
    pub email: String,
    pub units: usize,
    pub busy: bool,
    pub erase: Section,
    pub summary: Vec<SummaryItem>,
    pub refused: Option<Refusal>,
}

async fn landlord_erase_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: i64,
    form: Option<&FormData>,
    errors: &FieldErrors,
    refused: Option<Refusal>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let who = privacy::landlord_to_erase(&ctx.app, user, id).await?;
    let erase = erase_section(
        t,
        form,
        errors,
        format!("{} {}", t.get("privacy_tools.erase_confirm_name"), who.name),
    );
    let page = LandlordErasePage {
        nav: nav(ctx, user, None, "audit").await?,
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        id,
        name: who.name,
        email: who.email,
        units: who.units,
        busy: who.busy,
        summary: summary(std::slice::from_ref(&erase)),
        erase,
        refused,
    };
    Ok((erase_status(errors, &page.refused), page).into_response())
}

/// `GET /admin/landlords/{id}/erase`: what erasing this landlord does, and the form to
/// confirm it with a reason.
pub async fn confirm_erase_landlord(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    if user.role != Role::Admin {
        return Err(PageError::NotFound);
    }
    landlord_erase_page(&ctx, &user, id, None, &FieldErrors::default(), None).await
}

/// `POST /admin/landlords/{id}/erase`: erases the landlord once the name was typed again
/// and a reason given; otherwise nothing changes and the page says why (422).
pub async fn erase_landlord(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    if user.role != Role::Admin {
        return Err(PageError::NotFound);
    }
    let who = privacy::landlord_to_erase(&ctx.app, &user, id).await?;
    let reason = match erasure_request(&form.fields, &who.name) {
        Ok(reason) => reason,
        Err(errors) => {
            return landlord_erase_page(&ctx, &user, id, Some(&form), &errors, None).await;
        }
    };
    if let Err(e) = privacy::erase_landlord(&ctx.app, &user, id, &reason).await {
        let Some(refused) = refusal(&ctx, &e, None, Some(id)).await? else {
            return Err(e.into());
        };
        let no_errors = FieldErrors::default();
        return landlord_erase_page(&ctx, &user, id, Some(&form), &no_errors, Some(refused)).await;
    }
    ctx.session
        .flash("success", "privacy_tools.landlord_erased");
    Ok(Redirect::to("/admin/audit").into_response())
}
