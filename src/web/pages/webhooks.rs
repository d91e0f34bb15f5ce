//! The admins' webhook pages: the endpoints of every municipality with their given-up
//! deliveries, a form to register one (the secret is shown once), and each endpoint's
//! delivery log with a button to send a delivery again.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::staff::{Staff, StaffNav, nav};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::domain::webhooks::EventType;
use crate::services::{CurrentUser, webhooks};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};

fn admin_only(user: &CurrentUser) -> Result<(), PageError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::time::to_berlin(t)
        .format("%d.%m.%Y %H:%M:%S")
        .to_string()
}

/// An endpoint in the list.
pub struct EndpointRow {
    pub id: i64,
    pub municipality: String,
    pub url: String,
    pub events: String,
    pub trusted: bool,
    pub active: bool,
    pub failed: i64,
}

/// `GET /admin/webhooks`.
#[derive(Template, WebTemplate)]
#[template(path = "admin_webhooks.html")]
pub struct WebhooksPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub rows: Vec<EndpointRow>,
    pub summary: Vec<SummaryItem>,
    pub fields: Vec<Field>,
    /// Just registered: the endpoint's id, its secret (shown this once) and the sentence
    /// that names its address.
    pub created: Option<(i64, String, String)>,
}

fn form_fields(
    ctx: &PageCtx,
    form: &FormData,
    errors: &FieldErrors,
    places: &[(i64, String)],
) -> Vec<Field> {
    let t = ctx.t();
    let chosen = form.all("events");
    let chosen: Vec<&str> = if form.fields.is_empty() {
        EventType::NAMES.to_vec()
    } else {
        chosen
    };
    vec![
        Field::new(t, "webhooks", "municipality_id", Kind::Select)
            .value(form.text("municipality_id"))
            .choices(
                places
                    .iter()
                    .map(|(id, name)| (id.to_string(), name.clone()))
                    .collect(),
            )
            .required()
            .error_from(t, errors),
        Field::new(t, "webhooks", "url", Kind::Text)
            .value(form.text("url"))
            .required()
            .wide()
            .error_from(t, errors),
        Field::new(t, "webhooks", "events", Kind::Checkboxes)
            .options(
                EventType::ALL
                    .iter()
                    .map(|e| {
                        (
                            e.as_str().to_owned(),
                            t.get(&format!("webhooks.events.{}", e.as_str().replace('.', "_")))
                                .to_owned(),
                        )
                    })
                    .collect(),
                &chosen,
            )
            .error_from(t, errors),
        Field::new(t, "webhooks", "trusted", Kind::Checkbox)
            .checked(form.get("trusted") == "1")
            .value("1".to_owned())
            .error_from(t, errors),
    ]
}

async fn list_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    form: &FormData,
    errors: &FieldErrors,
    created: Option<(i64, String)>,
) -> Result<Response, PageError> {
    admin_only(user)?;
    let t = ctx.t();
    let event_words = |events: &str| -> String {
        events
            .split(',')
            .map(|e| {
                t.get(&format!("webhooks.events.{}", e.replace('.', "_")))
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows: Vec<EndpointRow> = webhooks::endpoints(&ctx.app, user)
        .await?
        .into_iter()
        .map(|v| EndpointRow {
            id: v.endpoint.id,
            municipality: v.municipality,
            url: v.endpoint.url,
            events: event_words(&v.endpoint.events),
            trusted: v.endpoint.trusted,
            active: v.endpoint.active,
            failed: v.failed,
        })
        .collect();
    let places = crate::services::households::area_choices(&ctx.app).await?;
    let fields = form_fields(ctx, form, errors, &places);
    let sections = vec![Section {
        id: "new".into(),
        title: String::new(),
        intro: None,
        fields: fields.clone(),
    }];
    let page = WebhooksPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, None, "webhooks").await?,
        csrf: ctx.csrf(),
        summary: summary(&sections),
        created: created.map(|(id, secret)| {
            let url = rows_url(&rows, id);
            let text = crate::i18n::fill(t.get("webhooks.created_text"), &[("url", &url)]);
            (id, secret, text)
        }),
        rows,
        fields,
    };
    let status = crate::web::form::status_for(errors.is_empty());
    Ok((status, page).into_response())
}

fn rows_url(rows: &[EndpointRow], id: i64) -> String {
    rows.iter()
        .find(|r| r.id == id)
        .map(|r| r.url.clone())
        .unwrap_or_default()
}

/// `GET /admin/webhooks`.
pub async fn list(Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    list_page(
        &ctx,
        &user,
        &FormData::default(),
        &FieldErrors::default(),
        None,
    )
    .await
}

/// `POST /admin/webhooks`: registers an endpoint; the page shows its secret once.
pub async fn create(AuthedForm { ctx, user, form }: AuthedForm) -> Result<Response, PageError> {
    admin_only(&user)?;
    match webhooks::create(&ctx.app, &user, &form.fields).await? {
        Ok(created) => {
            let empty = FormData::default();
            let mut response =
                list_page(&ctx, &user, &empty, &FieldErrors::default(), Some(created)).await?;
            *response.status_mut() = axum::http::StatusCode::CREATED;
            Ok(response)
        }
        Err(errors) => list_page(&ctx, &user, &form, &errors, None).await,
    }
}

/// A delivery in the log.
pub struct DeliveryRow {
    pub id: i64,
    pub event: String,
    pub event_id: String,
    pub proposal_id: String,
    pub status: String,
    pub failed: bool,
    pub attempts: i32,
    pub last: String,
    pub created: String,
    pub delivered: String,
}

/// `GET /admin/webhooks/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "admin_webhook.html")]
pub struct WebhookPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub url: String,
    pub events: String,
    pub trusted: bool,
    pub active: bool,
    pub rows: Vec<DeliveryRow>,
}

/// `GET /admin/webhooks/{id}`: the endpoint and its latest deliveries.
pub async fn show(Path(id): Path<i64>, Staff { ctx, user }: Staff) -> Result<Response, PageError> {
    admin_only(&user)?;
    let (endpoint, deliveries) = webhooks::endpoint(&ctx.app, &user, id).await?;
    let t = ctx.t();
    let rows = deliveries
        .into_iter()
        .map(|d| DeliveryRow {
            id: d.id,
            event: d.event,
            event_id: d.event_id,
            proposal_id: d.proposal_id.map(|p| p.to_string()).unwrap_or_default(),
            status: t.get(&format!("webhooks.status.{}", d.status)).to_owned(),
            failed: d.status == crate::store::webhooks::FAILED,
            attempts: d.attempts,
            last: match (d.last_status, d.last_error) {
                (_, Some(error)) => error,
                (Some(status), None) => format!("HTTP {status}"),
                (None, None) => String::new(),
            },
            created: when(d.created_at),
            delivered: d.delivered_at.map(when).unwrap_or_default(),
        })
        .collect();
    let page = WebhookPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, None, "webhooks").await?,
        csrf: ctx.csrf(),
        id,
        url: endpoint.url,
        events: endpoint.events.replace(',', ", "),
        trusted: endpoint.trusted,
        active: endpoint.active,
        rows,
    };
    Ok(page.into_response())
}

/// `POST /admin/webhooks/{id}/{on|off}`.
pub async fn switch(
    Path((id, action)): Path<(i64, String)>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    admin_only(&user)?;
    let active = match action.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(PageError::NotFound),
    };
    webhooks::set_active(&ctx.app, &user, id, active).await?;
    ctx.session.flash(
        "success",
        if active {
            "webhooks.switched_on"
        } else {
            "webhooks.switched_off"
        },
    );
    Ok(Redirect::to(&format!("/admin/webhooks/{id}")).into_response())
}

/// `POST /admin/webhooks/deliveries/{id}/redeliver`: sends it again with the next run of
/// the outbox job (within a minute).
pub async fn redeliver(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    admin_only(&user)?;
    let endpoint = webhooks::redeliver(&ctx.app, &user, id).await?;
    ctx.session.flash("success", "webhooks.redelivering");
    Ok(Redirect::to(&format!("/admin/webhooks/{endpoint}")).into_response())
}
