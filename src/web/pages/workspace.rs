//! The staff workspace: enter a flat for a landlord, check and release submitted units,
//! decide on requested incentives.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::Locale;
use crate::domain::roles::Role;
use crate::domain::unit::UnitStatus;
use crate::domain::validation::FieldErrors;
use crate::services::CurrentUser;
use crate::services::staff::{self, LandlordContact};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind};

/// A unit waiting for a check.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub id: i64,
    pub address: String,
    pub status: String,
    pub can_check: bool,
}

/// A requested incentive waiting for a decision.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub unit_id: i64,
    pub address: String,
    pub programme: String,
    pub requested: String,
    pub grant_fields: Vec<Field>,
    pub decline_fields: Vec<Field>,
}

/// A decision form that came back: the request, which of its two forms, what was typed.
#[derive(Clone, Copy)]
struct FailedDecision<'a> {
    request: i64,
    decision: &'a str,
    form: &'a FormData,
    errors: &'a FieldErrors,
}

/// The grant and decline forms of a request (element ids unique per request).
fn decision_fields(
    t: crate::i18n::Texts,
    id: i64,
    failed: Option<FailedDecision<'_>>,
) -> (Vec<Field>, Vec<Field>) {
    let none = FieldErrors::default();
    let empty = FormData::default();
    let (grant, grant_errors) = match failed {
        Some(f) if f.request == id && f.decision == "grant" => (f.form, f.errors),
        _ => (&empty, &none),
    };
    let (decline, decline_errors) = match failed {
        Some(f) if f.request == id && f.decision == "decline" => (f.form, f.errors),
        _ => (&empty, &none),
    };
    let form = format!("grant{id}");
    let grant_fields = vec![
        Field::new(t, "workspace", "amount", Kind::Number)
            .in_form(&form)
            .value(grant.text("amount"))
            .inputmode("decimal")
            .suffix("€")
            .error_from(t, grant_errors),
        Field::new(t, "workspace", "from", Kind::Date)
            .in_form(&form)
            .value(grant.text("from"))
            .error_from(t, grant_errors),
        Field::new(t, "workspace", "until", Kind::Date)
            .in_form(&form)
            .value(grant.text("until"))
            .error_from(t, grant_errors),
        Field::new(t, "workspace", "note", Kind::Text)
            .in_form(&form)
            .value(grant.text("note"))
            .wide()
            .error_from(t, grant_errors),
    ];
    let decline_fields = vec![
        Field::labelled(
            "note",
            t.get("workspace.decline_reason").to_owned(),
            Kind::Text,
        )
        .in_form(&format!("decline{id}"))
        .value(decline.text("note"))
        .required()
        .wide()
        .error_from(t, decline_errors),
    ];
    (grant_fields, decline_fields)
}

/// The workspace.
#[derive(Template, WebTemplate)]
#[template(path = "workspace.html")]
pub struct WorkspacePage {
    pub chrome: Chrome,
    pub nav: super::staff::StaffNav,
    pub csrf: String,
    pub entry_fields: Vec<Field>,
    pub entry_errors: bool,
    pub checks: Vec<CheckRow>,
    pub requests: Vec<RequestRow>,
    pub decision_error: Option<String>,
    pub coordinator: bool,
}

fn require_staff(user: &CurrentUser) -> Result<(), PageError> {
    match user.role {
        Role::Admin | Role::Coordinator | Role::Volunteer => Ok(()),
        Role::Landlord => Err(PageError::NotFound),
    }
}

async fn page(
    ctx: &PageCtx,
    user: &CurrentUser,
    form: &FormData,
    errors: &FieldErrors,
    failed: Option<FailedDecision<'_>>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let entry_fields = vec![
        Field::new(t, "workspace", "landlord_name", Kind::Text)
            .value(form.text("landlord_name"))
            .required()
            .wide()
            .error_from(t, errors),
        Field::new(t, "workspace", "landlord_email", Kind::Email)
            .value(form.text("landlord_email"))
            .required()
            .wide()
            .error_from(t, errors),
        Field::new(t, "workspace", "landlord_phone", Kind::Text)
            .value(form.text("landlord_phone"))
            .error_from(t, errors),
    ];
    let checks = staff::units_to_check(&ctx.app, user)
        .await?
        .into_iter()
        .map(|u| {
            let a = &u.details.address;
            CheckRow {
                id: u.id,
                address: a.one_line(),
                status: t
                    .get(&format!("unit.status.{}", u.status.as_str()))
                    .to_owned(),
                can_check: u.status == UnitStatus::Submitted,
            }
        })
        .collect();
    let requests = staff::open_requests(&ctx.app, user)
        .await?
        .into_iter()
        .map(|r| {
            let a = &r.unit.details.address;
            let (grant_fields, decline_fields) = decision_fields(t, r.request.id, failed);
            RequestRow {
                grant_fields,
                decline_fields,
                id: r.request.id,
                unit_id: r.unit.id,
                address: a.short_label(),
                programme: if ctx.locale == Locale::En {
                    r.programme.name_en
                } else {
                    r.programme.name_de
                },
                requested: crate::domain::format::date(
                    ctx.locale,
                    crate::domain::time::berlin_date(r.request.requested_at),
                ),
            }
        })
        .collect();
    let status = crate::web::form::status_for(errors.is_empty() && failed.is_none());
    let page = WorkspacePage {
        chrome: ctx.chrome(),
        nav: super::staff::nav(ctx, user, None, "workspace").await?,
        csrf: ctx.csrf(),
        entry_fields,
        entry_errors: !errors.is_empty(),
        checks,
        requests,
        decision_error: failed.map(|_| t.get("form.summary_title").to_owned()),
        coordinator: matches!(user.role, Role::Admin | Role::Coordinator),
    };
    Ok((status, page).into_response())
}

/// `GET /workspace`.
pub async fn show_workspace(Authed { ctx, user }: Authed) -> Result<Response, PageError> {
    if user.role == Role::Landlord {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    page(
        &ctx,
        &user,
        &FormData::default(),
        &FieldErrors::default(),
        None,
    )
    .await
}

/// `POST /workspace/landlords`: start entering a flat for a landlord.
pub async fn start_entry(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_staff(&user)?;
    let contact = LandlordContact {
        name: form.text("landlord_name"),
        email: form.text("landlord_email"),
        phone: form.text("landlord_phone"),
        locale: ctx.locale,
    };
    match staff::landlord_for_entry(&ctx.app, &user, contact).await? {
        Ok(id) => Ok(Redirect::to(&format!("/landlords/{id}/units/new")).into_response()),
        Err(errors) => page(&ctx, &user, &form, &errors, None).await,
    }
}

/// `POST /workspace/units/{id}/status`.
pub async fn change_unit_status(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_staff(&user)?;
    let to = match form.get("to") {
        "checked" => UnitStatus::Checked,
        "available" => UnitStatus::Available,
        _ => return Err(PageError::BadRequest("unknown status".into())),
    };
    match staff::set_unit_status(&ctx.app, &user, id, to).await {
        Ok(()) => {
            ctx.session.flash("success", "workspace.status_changed");
            // Back to the flat's page when the change was made there.
            let back = if form.get("back") == format!("/units/{id}") {
                format!("/units/{id}")
            } else {
                "/workspace".to_owned()
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /workspace/incentives/{id}`: grant or decline a requested incentive.
pub async fn decide_incentive(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_staff(&user)?;
    match staff::decide_incentive(&ctx.app, &user, id, &form.fields).await? {
        Ok(_) => {
            ctx.session.flash("success", "workspace.decided");
            Ok(Redirect::to("/workspace").into_response())
        }
        Err(errors) => {
            let failed = FailedDecision {
                request: id,
                decision: form.get("decision"),
                form: &form,
                errors: &errors,
            };
            page(
                &ctx,
                &user,
                &FormData::default(),
                &FieldErrors::default(),
                Some(failed),
            )
            .await
        }
    }
}
