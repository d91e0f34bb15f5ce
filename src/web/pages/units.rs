//! The unit form (new, draft, edit), the unit page with withdrawal, unit photos, and the
//! postal-code lookup the form's script uses.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Authed, AuthedForm, Chrome, PageCtx};
use crate::domain::incentive::IncentiveStatus;
use crate::domain::input::Fields;
use crate::domain::roles::Role;
use crate::domain::unit::{LandlordPreference, UnitStatus};
use crate::domain::validation::FieldErrors;
use crate::domain::{Cents, Locale};
use crate::i18n::Texts;
use crate::services::units::{self, Action, Editor, Outcome, Target, Upload};
use crate::services::{CurrentUser, ServiceError};
use crate::web::error::PageError;
use crate::web::form::FormData;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};

/// A photo as the form shows it.
#[derive(Debug, Clone)]
pub struct PhotoView {
    pub id: i64,
    pub thumb: String,
    /// The image's text alternative.
    pub name: String,
    /// What the landlord wrote it shows (the form's value).
    pub alt: String,
}

/// A programme as the form offers it.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    pub id: i64,
    pub name: String,
    pub conditions: String,
    pub selected: bool,
}

/// The unit form.
#[derive(Template, WebTemplate)]
#[template(path = "unit_form.html")]
pub struct UnitFormPage {
    pub chrome: Chrome,
    pub title: String,
    pub intro: String,
    pub notice: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub action: String,
    pub csrf: String,
    pub address: Section,
    pub sections: Vec<Section>,
    pub photos: Vec<PhotoView>,
    pub photo_field: Field,
    pub programmes: Vec<ProgrammeView>,
    pub municipality: Option<String>,
    pub incentive_error: Option<String>,
    pub lat: String,
    pub lon: String,
    pub tiles: String,
    pub attribution: String,
    pub is_edit: bool,
    /// The key that ties the posts of a new flat's form to one draft.
    pub draft_key: String,
    /// Where a draft is thrown away.
    pub delete_url: Option<String>,
}

fn text(t: Texts, key: &str) -> String {
    t.get(key).to_owned()
}

fn yes_no_fields(t: Texts, f: Fields<'_>, errors: &FieldErrors, names: &[&str]) -> Vec<Field> {
    names
        .iter()
        .map(|n| {
            Field::new(t, "unit", n, Kind::Checkbox)
                .checked(f.checked(n))
                .error_from(t, errors)
        })
        .collect()
}

/// Builds the form page from the editor state.
pub fn form_page(ctx: &PageCtx, editor: &Editor, notice: Option<String>) -> Response {
    let t = ctx.t();
    let f = Fields(&editor.fields);
    let e = &editor.errors;
    let field = |name: &str, kind: Kind| {
        Field::new(t, "unit", name, kind)
            .value(f.get(name))
            .error_from(t, e)
    };
    let money = |name: &str| field(name, Kind::Number).inputmode("decimal").suffix("€");

    let address = Section {
        id: "address".into(),
        title: text(t, "unit.sections.address"),
        intro: Some(text(t, "unit.sections.address_intro")),
        fields: vec![
            field("street", Kind::Text)
                .required()
                .autocomplete("address-line1")
                .wide(),
            field("house_number", Kind::Text).required().narrow(),
            field("postal_code", Kind::Text)
                .required()
                .autocomplete("postal-code")
                .inputmode("numeric")
                .narrow(),
            field("town", Kind::Text)
                .required()
                .autocomplete("address-level2"),
            field("address_extra", Kind::Text).wide(),
        ],
    };
    let mut flat = vec![
        field("area_m2", Kind::Number)
            .required()
            .inputmode("decimal")
            .suffix("m²"),
        field("rooms", Kind::Number).required().inputmode("decimal"),
        field("floor", Kind::Number).required().inputmode("numeric"),
        field("max_occupants", Kind::Number)
            .required()
            .inputmode("numeric"),
    ];
    flat.extend(yes_no_fields(
        t,
        f,
        e,
        &[
            "has_lift",
            "step_free",
            "wheelchair_accessible",
            "furnished",
            "pets_allowed",
        ],
    ));
    let lease_choices = vec![
        ("open_ended".to_owned(), text(t, "unit.lease.open_ended")),
        ("fixed_term".to_owned(), text(t, "unit.lease.fixed_term")),
    ];
    let rent = vec![
        money("cold_rent").required(),
        money("service_charges").required(),
        money("heating_costs"),
        money("deposit"),
        field("available_from", Kind::Date).required(),
        field("lease_type", Kind::Radio)
            .required()
            .choices(lease_choices),
        field("lease_end", Kind::Date),
    ];
    let tags: Vec<&str> = f.all("pref_tags");
    let tag_choices = LandlordPreference::ALL
        .iter()
        .map(|p| {
            (
                p.as_str().to_owned(),
                text(t, &format!("unit.tags.{}", p.as_str())),
            )
        })
        .collect();
    let wishes = vec![
        field("pref_max_household_size", Kind::Number).inputmode("numeric"),
        Field::new(t, "unit", "pref_tags", Kind::Checkboxes)
            .options(tag_choices, &tags)
            .error_from(t, e),
        field("pref_notes", Kind::TextArea).wide(),
        field("description", Kind::TextArea).wide(),
    ];
    let sections = vec![
        Section {
            id: "flat".into(),
            title: text(t, "unit.sections.flat"),
            intro: None,
            fields: flat,
        },
        Section {
            id: "rent".into(),
            title: text(t, "unit.sections.rent"),
            intro: Some(text(t, "unit.sections.rent_intro")),
            fields: rent,
        },
        Section {
            id: "wishes".into(),
            title: text(t, "unit.sections.wishes"),
            intro: Some(text(t, "unit.sections.wishes_intro")),
            fields: wishes,
        },
    ];
    let photo_field = Field::new(t, "unit", "photos", Kind::File)
        .files("image/jpeg,image/png,image/webp", true)
        .error_from(t, e);
    let mut all_sections = vec![address.clone()];
    all_sections.extend(sections.iter().cloned());
    all_sections.push(Section {
        id: "photos".into(),
        title: String::new(),
        intro: None,
        fields: vec![photo_field.clone()],
    });
    let mut items = summary(&all_sections);
    let incentive_error = e.get("incentive").map(|k| text(t, k));
    if let Some(message) = &incentive_error {
        items.push(SummaryItem {
            target: "incentives".into(),
            message: message.clone(),
        });
    }
    let selected: Vec<&str> = f.all("incentive");
    let programmes = editor
        .programmes
        .iter()
        .map(|p| ProgrammeView {
            id: p.id,
            name: if ctx.locale == Locale::En {
                p.name_en.clone()
            } else {
                p.name_de.clone()
            },
            conditions: if ctx.locale == Locale::En {
                p.conditions_en.clone()
            } else {
                p.conditions_de.clone()
            },
            selected: selected.contains(&p.id.to_string().as_str()),
        })
        .collect();
    let (action, title, is_edit) = match editor.target {
        Target::New { landlord_id } if editor.on_behalf => (
            format!("/landlords/{landlord_id}/units/new"),
            "unit.title_new",
            false,
        ),
        Target::New { .. } => ("/units/new".to_owned(), "unit.title_new", false),
        Target::Draft(id) => (format!("/units/drafts/{id}"), "unit.title_new", false),
        Target::Unit(id) => (format!("/units/{id}/edit"), "unit.title_edit", true),
    };
    let intro = if editor.on_behalf {
        crate::i18n::fill(
            t.get("unit.intro_on_behalf"),
            &[("landlord", &editor.landlord_name)],
        )
    } else {
        text(t, "unit.intro")
    };
    let location = editor.location;
    let page = UnitFormPage {
        chrome: ctx.chrome(),
        title: text(t, title),
        intro,
        notice,
        summary: items,
        action,
        csrf: ctx.csrf(),
        address,
        sections,
        photos: editor
            .photos
            .iter()
            .enumerate()
            .map(|(i, p)| PhotoView {
                id: p.id,
                thumb: format!("/photos/{}?size=thumb", p.storage_key),
                name: p.alt_text.clone().unwrap_or_else(|| {
                    crate::i18n::fill(t.get("unit.photo_alt_new"), &[("n", &(i + 1).to_string())])
                }),
                // What was typed comes back; else what is stored.
                alt: match f.get(&format!("photo_alt_{}", p.id)) {
                    "" => p.alt_text.clone().unwrap_or_default(),
                    typed => typed.to_owned(),
                },
            })
            .collect(),
        photo_field,
        programmes,
        municipality: editor.municipality.as_ref().map(|m| m.name.clone()),
        incentive_error,
        lat: location
            .map(|l| format!("{:.6}", l.lat))
            .unwrap_or_else(|| f.get("lat").to_owned()),
        lon: location
            .map(|l| format!("{:.6}", l.lon))
            .unwrap_or_else(|| f.get("lon").to_owned()),
        tiles: ctx.app.settings.map.tile_url.clone(),
        attribution: ctx.app.settings.map.tile_attribution.clone(),
        is_edit,
        draft_key: f.get(units::DRAFT_KEY).to_owned(),
        delete_url: match editor.target {
            Target::Draft(id) => Some(format!("/units/drafts/{id}/delete")),
            _ => None,
        },
    };
    let status = crate::web::form::status_for(page.summary.is_empty());
    let mut response = (status, page).into_response();
    // Tiles come from the configured server; everything else from here.
    if let Some(host) = tile_origin(&ctx.app.settings.map.tile_url)
        && let Ok(value) = HeaderValue::from_str(&format!(
            "default-src 'self'; img-src 'self' data: {host}; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
        ))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// The scheme and host of a tile URL, for the content security policy; a `{s}`
/// subdomain placeholder becomes a wildcard.
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{}", host.replace("{s}", "*")))
}

fn action_of(form: &FormData) -> Action {
    match form.get("action") {
        "draft" => Action::SaveDraft,
        "refresh" => Action::Refresh,
        _ => Action::Submit,
    }
}

fn uploads(form: &FormData) -> Vec<Upload> {
    form.files
        .iter()
        .filter(|f| f.field == "photos")
        .map(|f| Upload {
            filename: f.filename.clone(),
            path: f.file.path.clone(),
            too_large: f.too_large,
        })
        .collect()
}

async fn handle(
    ctx: &PageCtx,
    user: &CurrentUser,
    target: Target,
    form: FormData,
) -> Result<Response, PageError> {
    let action = action_of(&form);
    let files = uploads(&form);
    let outcome = units::save(
        &ctx.app,
        user,
        target,
        action,
        form.fields,
        files,
        ctx.locale,
    )
    .await;
    match outcome {
        Ok(Outcome::Submitted(_)) => {
            ctx.session.flash("success", "unit.submitted");
            Ok(Redirect::to(if user.role == Role::Landlord {
                "/dashboard"
            } else {
                "/workspace"
            })
            .into_response())
        }
        Ok(Outcome::Updated(id)) => {
            ctx.session.flash("success", "unit.updated");
            Ok(Redirect::to(&format!("/units/{id}")).into_response())
        }
        Ok(Outcome::DraftSaved { id, anchor }) => {
            if anchor.is_none() {
                ctx.session.flash("success", "unit.draft_saved");
            }
            let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            Ok(Redirect::to(&format!("/units/drafts/{id}{fragment}")).into_response())
        }
        Ok(Outcome::Saved(editor)) => Ok(form_page(
            ctx,
            &editor,
            Some(text(ctx.t(), "unit.draft_saved")),
        )),
        Ok(Outcome::Again(editor)) => Ok(form_page(ctx, &editor, None)),
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(ctx.t(), "unit.locked"))),
        Err(e) => Err(e.into()),
    }
}

async fn landlord_id_of(ctx: &PageCtx, user: &CurrentUser) -> Result<i64, PageError> {
    if user.role != Role::Landlord {
        return Err(PageError::NotFound);
    }
    Ok(units::own_landlord(&ctx.app, user).await?.id)
}

/// `GET /units/new`.
pub async fn new_unit(Authed { ctx, user }: Authed) -> Result<Response, PageError> {
    let landlord_id = landlord_id_of(&ctx, &user).await?;
    let editor = units::editor_for_new(&ctx.app, &user, landlord_id).await?;
    Ok(form_page(&ctx, &editor, None))
}

/// `POST /units/new`.
pub async fn create_unit(
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    let landlord_id = landlord_id_of(&ctx, &user).await?;
    handle(&ctx, &user, Target::New { landlord_id }, form).await
}

/// `GET /landlords/{id}/units/new`: a volunteer or coordinator enters a unit for a landlord.
pub async fn new_unit_for(
    Authed { ctx, user }: Authed,
    Path(landlord_id): Path<i64>,
) -> Result<Response, PageError> {
    let editor = units::editor_for_new(&ctx.app, &user, landlord_id).await?;
    Ok(form_page(&ctx, &editor, None))
}

/// `POST /landlords/{id}/units/new`.
pub async fn create_unit_for(
    Path(landlord_id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    handle(&ctx, &user, Target::New { landlord_id }, form).await
}

/// `GET /units/drafts/{id}`.
pub async fn show_draft(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let editor = units::editor_for_draft(&ctx.app, &user, id).await?;
    Ok(form_page(&ctx, &editor, None))
}

/// `POST /units/drafts/{id}`.
pub async fn save_draft(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    handle(&ctx, &user, Target::Draft(id), form).await
}

/// The page that asks before a draft is thrown away.
#[derive(Template, WebTemplate)]
#[template(path = "draft_delete.html")]
pub struct DraftDeletePage {
    pub chrome: Chrome,
    pub csrf: String,
    pub id: i64,
    pub intro: String,
    pub back: String,
}

/// `GET /units/drafts/{id}/delete`: what would be deleted, and the button.
pub async fn confirm_delete_draft(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<DraftDeletePage, PageError> {
    let draft = crate::services::drafts::to_delete(&ctx.app, &user, id, ctx.locale).await?;
    let intro = crate::i18n::fill(
        ctx.t().get("unit.delete_intro"),
        &[
            ("draft", &draft.title),
            (
                "date",
                &crate::domain::format::date(ctx.locale, draft.saved),
            ),
        ],
    );
    Ok(DraftDeletePage {
        chrome: ctx.chrome(),
        csrf: ctx.csrf(),
        id,
        intro,
        back: format!("/units/drafts/{id}"),
    })
}

/// `POST /units/drafts/{id}/delete`: throws the draft away, back to the overview.
pub async fn delete_draft(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, .. }: AuthedForm,
) -> Result<Response, PageError> {
    crate::services::drafts::delete(&ctx.app, &user, id).await?;
    ctx.session.flash("success", "unit.draft_deleted");
    Ok(Redirect::to(if user.role == Role::Landlord {
        "/dashboard"
    } else {
        "/workspace"
    })
    .into_response())
}

/// `GET /units/{id}/edit`.
pub async fn edit_unit(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match units::editor_for_unit(&ctx.app, &user, id, ctx.locale).await {
        Ok(editor) => Ok(form_page(&ctx, &editor, None)),
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(ctx.t(), "unit.locked"))),
        Err(e) => Err(e.into()),
    }
}

/// `POST /units/{id}/edit`.
pub async fn update_unit(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    handle(&ctx, &user, Target::Unit(id), form).await
}

// ---- the unit page ----

/// A label and a value on the unit page.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A requested incentive and where it stands.
#[derive(Debug, Clone)]
pub struct IncentiveView {
    /// For staff: what the programme has left to grant.
    pub budget: Option<String>,
    pub name: String,
    pub status: String,
    pub detail: Option<String>,
}

/// The unit page.
#[derive(Template, WebTemplate)]
#[template(path = "unit_show.html")]
pub struct UnitPage {
    pub chrome: Chrome,
    /// What staff see besides the landlord's view: the landlord, the proposals, actions.
    pub staff: Option<StaffPart>,
    pub id: i64,
    pub address: String,
    pub status: String,
    pub status_class: &'static str,
    pub next_step: String,
    pub facts: Vec<Fact>,
    pub photos: Vec<PhotoView>,
    pub incentives: Vec<IncentiveView>,
    pub can_edit: bool,
    pub can_withdraw: bool,
    pub withdrawn_reason: Option<String>,
    /// The flat can still be matched (not let, reserved or withdrawn).
    pub open: bool,
    /// A request waits for a decision.
    pub any_requested: bool,
    pub csrf: String,
    pub reason_error: Option<String>,
    pub reason_value: String,
}

/// The staff part of a flat's page.
#[derive(Debug, Clone)]
pub struct StaffPart {
    pub municipality_id: i64,
    pub landlord: Vec<(String, String)>,
    /// (proposal id, household reference, state, last change).
    pub proposals: Vec<(i64, String, String, String)>,
    pub can_check: bool,
    pub can_release: bool,
    pub manages: bool,
}

/// What staff see of a flat besides its facts.
fn staff_part(
    ctx: &PageCtx,
    user: &CurrentUser,
    unit: &units::StoredUnit,
    staff: units::StaffView,
) -> StaffPart {
    let t = ctx.t();
    let mut landlord = Vec::new();
    match staff.landlord {
        Some(units::LandlordContact::Erased) => landlord.push((
            text(t, "unit.staff.landlord"),
            text(t, "unit.landlord_erased"),
        )),
        Some(units::LandlordContact::Known {
            name,
            email,
            phone,
            address,
        }) => {
            landlord.push((text(t, "unit.staff.landlord"), name));
            for (key, value) in [
                ("unit.staff.email", email),
                ("unit.staff.phone", phone),
                ("unit.staff.address", address),
            ] {
                if let Some(v) = value {
                    landlord.push((text(t, key), v));
                }
            }
        }
        None => {}
    }
    let proposals = staff
        .proposals
        .into_iter()
        .map(|p| {
            (
                p.id,
                p.household_reference.clone(),
                super::pipeline::state_label(t, p.state),
                super::pipeline::when(ctx.locale, p.state_changed_at),
            )
        })
        .collect();
    let manages = user.can_manage(unit.municipality_id);
    StaffPart {
        municipality_id: unit.municipality_id,
        landlord,
        proposals,
        can_check: manages && unit.status == UnitStatus::Submitted,
        can_release: manages && matches!(unit.status, UnitStatus::Submitted | UnitStatus::Checked),
        manages,
    }
}

/// An amount, or "not given" for 0 € (how a field left blank is stored: heating paid by
/// the tenant directly, or no deposit asked, read better as "not given" than as 0 €).
fn amount_or_blank(t: Texts, amount: Cents) -> String {
    if amount.0 == 0 {
        text(t, "unit.not_given")
    } else {
        amount.format(t.locale)
    }
}

/// The CSS class of a status badge.
pub fn status_class(status: UnitStatus) -> &'static str {
    match status {
        UnitStatus::Submitted | UnitStatus::Checked => "badge-wait",
        UnitStatus::Available | UnitStatus::Reserved => "badge-active",
        UnitStatus::Let => "badge-done",
        UnitStatus::Withdrawn => "badge-off",
    }
}

fn yes(t: Texts, on: bool) -> String {
    text(t, if on { "common.yes" } else { "common.no" })
}

/// The flat's facts as the page lists them.
fn facts(t: Texts, d: &crate::domain::unit::UnitDetails) -> Vec<Fact> {
    let l = t.locale;
    let fact = |key: &str, value: String| Fact {
        label: text(t, key),
        value,
    };
    let measure = |v: f64| crate::domain::format::compact(l, v);
    let lease = match d.lease_end {
        Some(end) => format!(
            "{} ({})",
            text(t, "unit.lease.fixed_term"),
            crate::domain::format::date(l, end)
        ),
        None => text(t, "unit.lease.open_ended"),
    };
    let mut facts = vec![
        fact("unit.labels.area_m2", format!("{} m²", measure(d.area_m2))),
        fact("unit.labels.rooms", measure(d.rooms)),
        fact(
            "unit.labels.floor",
            crate::domain::format::floor(l, d.floor),
        ),
        fact("unit.labels.max_occupants", d.max_occupants.to_string()),
        fact("unit.labels.cold_rent", d.cold_rent.format(l)),
        fact("unit.labels.service_charges", d.service_charges.format(l)),
        fact(
            "unit.labels.heating_costs",
            amount_or_blank(t, d.heating_costs),
        ),
        fact("unit.gross_cold_rent", d.gross_cold_rent().format(l)),
        fact("unit.labels.deposit", amount_or_blank(t, d.deposit)),
        fact(
            "unit.labels.available_from",
            crate::domain::format::date(l, d.available_from),
        ),
        fact("unit.labels.lease_type", lease),
        fact("unit.labels.has_lift", yes(t, d.has_lift)),
        fact("unit.labels.step_free", yes(t, d.step_free)),
        fact(
            "unit.labels.wheelchair_accessible",
            yes(t, d.wheelchair_accessible),
        ),
        fact("unit.labels.pets_allowed", yes(t, d.pets_allowed)),
        fact("unit.labels.furnished", yes(t, d.furnished)),
    ];
    if !d.preferences.is_empty() {
        facts.push(fact(
            "unit.labels.pref_tags",
            d.preferences
                .iter()
                .map(|p| text(t, &format!("unit.tags.{}", p.as_str())))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if let Some(notes) = d.pref_notes.as_ref().filter(|n| !n.trim().is_empty()) {
        facts.push(fact("unit.labels.pref_notes", notes.clone()));
    }
    if let Some(max) = d.pref_max_household_size {
        facts.push(fact("unit.labels.pref_max_household_size", max.to_string()));
    }
    if let Some(description) = &d.description {
        facts.push(fact("unit.labels.description", description.clone()));
    }
    facts
}

async fn unit_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    id: i64,
    reason_error: Option<String>,
    reason_value: String,
) -> Result<Response, PageError> {
    let units::FlatPage {
        unit,
        requests,
        budgets,
        photos,
        staff,
        running,
    } = units::flat_page(&ctx.app, user, id)
        .await?
        .ok_or(PageError::NotFound)?;
    let t = ctx.t();
    let l = ctx.locale;
    let a = &unit.details.address;
    let is_staff = units::is_staff(user);
    let mut incentives = Vec::new();
    let mut any_requested = false;
    for (request, programme) in requests {
        any_requested |= request.status == IncentiveStatus::Requested.as_str();
        let budget = budgets.get(&programme.id).copied().flatten().map(|left| {
            crate::i18n::fill(t.get("unit.budget_left"), &[("amount", &left.format(l))])
        });
        incentives.push({
            let amount = request.granted_amount_cents.map(|c| Cents(c).format(l));
            IncentiveView {
                budget,
                name: if l == Locale::En {
                    programme.name_en
                } else {
                    programme.name_de
                },
                status: text(t, &format!("incentive.status.{}", request.status)),
                detail: amount.or(request.decision_note),
            }
        });
    }
    let one_line = a.one_line();
    let photos = photos
        .into_iter()
        .enumerate()
        .map(|(i, p)| PhotoView {
            id: p.id,
            thumb: format!("/photos/{}?size=thumb", p.storage_key),
            // Described in the landlord's words, else by what it is (never its file name).
            name: p.alt_text.clone().unwrap_or_else(|| {
                crate::i18n::fill(
                    t.get("unit.photo_alt"),
                    &[("n", &(i + 1).to_string()), ("address", &one_line)],
                )
            }),
            alt: String::new(),
        })
        .collect();
    let staff_part = staff.map(|s| staff_part(ctx, user, &unit, s));
    let withdrawn_reason = unit.withdrawn_reason.clone();
    let erased = withdrawn_reason.as_deref() == Some(crate::domain::personal_data::ERASED);
    let open = !matches!(
        unit.status,
        UnitStatus::Let | UnitStatus::Reserved | UnitStatus::Withdrawn
    );
    // Reserved: the landlord is asked for an answer only while one is due from them.
    let next_step_key = if unit.status == UnitStatus::Reserved && !is_staff {
        let key = match &running {
            Some(p) if p.awaits_landlord() => "unit.next.reserved",
            Some(p) if p.viewing_first() => "unit.next.reserved_times",
            _ => "unit.next.reserved_answered",
        };
        text(t, key)
    } else if is_staff {
        text(t, &format!("unit.next_staff.{}", unit.status.as_str()))
    } else {
        text(t, &format!("unit.next.{}", unit.status.as_str()))
    };
    let page = UnitPage {
        chrome: ctx.chrome(),
        staff: staff_part,
        id,
        address: crate::domain::unit::one_line(
            &a.street,
            &match &a.extra {
                Some(extra) => format!("{} ({extra})", a.house_number),
                None => a.house_number.clone(),
            },
            &a.postal_code,
            &a.town,
        ),
        status: text(t, &format!("unit.status.{}", unit.status.as_str())),
        status_class: status_class(unit.status),
        next_step: if erased {
            text(t, "unit.landlord_erased")
        } else {
            next_step_key
        },
        facts: facts(t, &unit.details),
        photos,
        incentives,
        can_edit: !erased && (open || unit.status == UnitStatus::Withdrawn),
        can_withdraw: open && !erased,
        withdrawn_reason: withdrawn_reason.filter(|_| !erased),
        open,
        any_requested: any_requested && unit.status != UnitStatus::Withdrawn,
        csrf: ctx.csrf(),
        reason_error,
        reason_value,
    };
    let status = crate::web::form::status_for(page.reason_error.is_none());
    Ok((status, page).into_response())
}

/// `GET /units/{id}`.
pub async fn show_unit(
    Authed { ctx, user }: Authed,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    unit_page(&ctx, &user, id, None, String::new()).await
}

/// `POST /units/{id}/withdraw`.
pub async fn withdraw_unit(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    match units::withdraw(&ctx.app, &user, id, form.get("reason")).await {
        Ok(Ok(())) => {
            ctx.session.flash("success", "unit.withdrawn");
            Ok(Redirect::to(&format!("/units/{id}")).into_response())
        }
        Ok(Err(errors)) => {
            let message = errors.get("reason").map(|k| text(ctx.t(), k));
            unit_page(&ctx, &user, id, message, form.text("reason")).await
        }
        Err(ServiceError::Conflict(_)) => Err(PageError::Conflict(text(ctx.t(), "unit.locked"))),
        Err(e) => Err(e.into()),
    }
}

// ---- photos ----

#[derive(Debug, Deserialize)]
pub struct PhotoQuery {
    size: Option<String>,
}

/// `GET /photos/{key}[?size=thumb]`: only for who may see the unit (or edit the draft).
pub async fn serve_photo(
    Authed { ctx, user }: Authed,
    Path(key): Path<String>,
    Query(q): Query<PhotoQuery>,
) -> Result<Response, PageError> {
    let photo = units::visible_photo(&ctx.app, &user, &key)
        .await?
        .ok_or(PageError::NotFound)?;
    let thumb = q.size.as_deref() == Some("thumb");
    let path = crate::services::photos::file_of(&ctx.app, &photo.storage_key, thumb)
        .ok_or(PageError::NotFound)?;
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| PageError::NotFound)?;
    let content_type = if thumb {
        "image/jpeg".to_owned()
    } else {
        photo.content_type
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

// ---- postal codes ----

/// `GET /geo/postal/{code}`: place, centre and municipality for the form's script.
pub async fn postal_lookup(ctx: PageCtx, Path(code): Path<String>) -> Result<Response, PageError> {
    let entry = crate::geodata::postal(&code).ok_or(PageError::NotFound)?;
    let t = ctx.t();
    let found = units::municipality_for(&ctx.app, &code, &entry.place).await?;
    let (municipality, message) = match &found {
        Ok((m, _)) => (
            Some(m.name.clone()),
            crate::i18n::fill(t.get("unit.place_served"), &[("municipality", &m.name)]),
        ),
        Err((_, key)) => (None, text(t, key)),
    };
    Ok(Json(serde_json::json!({
        "postal_code": entry.code,
        "place": entry.place,
        "lat": entry.centre.lat,
        "lon": entry.centre.lon,
        "municipality": municipality,
        "message": message,
    }))
    .into_response())
}
