//! The API's writes of households, flats and incentive decisions: thin handlers that turn
//! the JSON object into the form's fields ([`crate::domain::json_form`]), call the same
//! services as the pages (same scope, checks, audit entries and e-mails) and answer with
//! the resource, its `ETag`, and problem documents naming fields by their JSON path.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value};

use super::conditional::{self, ApiWrite, Written, once};
use super::extract::{ApiPath, ApiUser};
use super::model::inputs::{self, DECISION, HOUSEHOLD, UNIT, UNIT_OTHER};
use super::model::{Household, Unit};
use super::problem::Problem;
use super::problem::answers::{
    Always, BadRequest, BodyRefused, Conflict, Forbidden, NotFound, Precondition,
};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::input::VERSION_FIELD;
use crate::domain::json_form::{self, Member};
use crate::domain::validation::FieldErrors;
use crate::services::households::{StatusChange, Upserted};
use crate::services::{ServiceError, households, staff, units};

type ApiResult<T> = Result<T, Problem>;

fn staff_only(api: &ApiUser) -> ApiResult<()> {
    use crate::domain::roles::Role;
    match api.user.role {
        Role::Admin | Role::Coordinator => Ok(()),
        Role::Volunteer | Role::Landlord => Err(Problem::forbidden()),
    }
}

/// A service's refusal: fields named by their JSON path (`shape`), the rest as usual.
/// Outside the token's scope is "not found" for a record named in the path (`hide`), and
/// "forbidden" for a municipality or landlord named in the body.
fn refused(
    api: &ApiUser,
    shape: &'static [Member],
    what: &'static str,
    hide: bool,
) -> impl Fn(ServiceError) -> Problem {
    move |e| match e {
        ServiceError::Fields(errors) => fields(api, shape, errors),
        e => Problem::from_service(e, what, hide, &api.texts),
    }
}

/// 422 naming the form's fields by their JSON paths (a status change's reason is
/// `status_reason` in a household's JSON; no other write has a `reason`).
fn fields(api: &ApiUser, shape: &[Member], errors: FieldErrors) -> Problem {
    let mut named = json_form::json_errors(shape, errors);
    if let Some(key) = named.0.remove("reason") {
        named.add("status_reason", &key);
    }
    Problem::fields(&named, &api.texts)
}

/// How often a `PATCH` without `If-Match` is applied again to the current record when
/// another write came in between (with `If-Match`, that is a 412).
const PATCH_TRIES: usize = 5;

/// Whether a refused `PATCH` is tried again on the current record.
fn try_again(
    w: &ApiWrite,
    result: &Result<Result<(), FieldErrors>, ServiceError>,
    tries: usize,
) -> bool {
    !w.if_match.is_present()
        && tries < PATCH_TRIES
        && matches!(
            result,
            Err(ServiceError::Conflict(
                crate::services::Conflict::StaleVersion
            ))
        )
}

/// A whole number member read apart from the form (`municipality_id`, `landlord_id`).
fn id_member(body: &Map<String, Value>, name: &str) -> Result<Option<i64>, FieldErrors> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
        Some(_) => Err(FieldErrors::single(name, "validation.wrong_type")),
    }
}

/// The status change a body asks for (`status`, `status_reason`).
fn status_member(body: &Map<String, Value>) -> Result<Option<StatusChange>, FieldErrors> {
    let reason = match body.get("status_reason") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(FieldErrors::single(
                "status_reason",
                "validation.wrong_type",
            ));
        }
    };
    match body.get("status") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => match s.parse::<HouseholdStatus>() {
            Ok(status) => Ok(Some(StatusChange { status, reason })),
            Err(_) => Err(FieldErrors::single("status", "validation.choose_one")),
        },
        Some(_) => Err(FieldErrors::single("status", "validation.wrong_type")),
    }
}

/// Sets the version a write is held to: `If-Match`, else the one the change was based on.
fn hold_to(pairs: &mut Vec<(String, String)>, w: &ApiWrite, current: i64) {
    let version = w.if_match.expected(current).unwrap_or(current);
    pairs.retain(|(k, _)| k != VERSION_FIELD);
    pairs.push((VERSION_FIELD.into(), version.to_string()));
}

fn household_path(id: i64) -> String {
    format!("/api/v1/households/{id}")
}

fn unit_path(id: i64) -> String {
    format!("/api/v1/units/{id}")
}

/// The answer of a household write: the household as `GET` shows it.
async fn household_answer(app: &App, api: &ApiUser, written: Written) -> ApiResult<Response> {
    let id = written.id().unwrap_or_default();
    let h = households::get(app, &api.user, id)
        .await
        .map_err(|e| Problem::from_service(e, "household", true, &api.texts))?;
    let version = h.version;
    let body = Household::of(h, app.clock.today(), true);
    Ok(conditional::answer(&written, version, &body))
}

/// The answer of a flat write: the flat as `GET` shows it.
async fn unit_answer(app: &App, api: &ApiUser, written: Written) -> ApiResult<Response> {
    let id = written.id().unwrap_or_default();
    let (unit, requests) = units::with_requests(app, &api.user, id)
        .await
        .map_err(|e| Problem::from_service(e, "unit", true, &api.texts))?;
    let version = unit.version;
    Ok(conditional::answer(
        &written,
        version,
        &Unit::detailed(unit, &requests),
    ))
}

/// Creates a household in a municipality the token's person manages.
#[utoipa::path(post, path = "/api/v1/households", tag = "households",
    request_body = inputs::HouseholdWrite,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key with the same body answers as the first request (kept 24 hours)")),
    responses(
        (status = 201, description = "Created; `Location` names it, `ETag` is its version", body = Household),
        BadRequest, Forbidden, Conflict, BodyRefused, Always,
    ))]
pub async fn create_household(
    State(app): State<App>,
    api: ApiUser,
    w: ApiWrite,
) -> ApiResult<Response> {
    staff_only(&api)?;
    let written = once(&app, &api, &w, || async {
        let municipality = id_member(&w.body, "municipality_id")
            .map_err(|e| fields(&api, HOUSEHOLD, e))?
            .ok_or_else(|| {
                let e = FieldErrors::single("municipality_id", "validation.required");
                fields(&api, HOUSEHOLD, e)
            })?;
        let pairs = json_form::to_pairs(HOUSEHOLD, &w.body, &["municipality_id"])
            .map_err(|e| Problem::fields(&e, &api.texts))?;
        let id = households::create(&app, &api.user, municipality, &pairs)
            .await
            .map_err(refused(&api, HOUSEHOLD, "municipality", false))?
            .map_err(|e| fields(&api, HOUSEHOLD, e))?;
        Ok(Written::created(household_path(id)))
    })
    .await?;
    household_answer(&app, &api, written).await
}

/// Changes the members given of a household's profile (and its status).
#[utoipa::path(patch, path = "/api/v1/households/{id}", tag = "households",
    params(("id" = i64, Path, description = "The household's id"),
        ("If-Match" = Option<String>, Header,
        description = "The `ETag` the change is based on; another version is refused with 412")),
    request_body = inputs::HouseholdWrite,
    responses(
        (status = 200, description = "The household as it is now", body = Household),
        BadRequest, Forbidden, NotFound, Conflict, Precondition, BodyRefused, Always,
    ))]
pub async fn patch_household(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
    w: ApiWrite,
) -> ApiResult<Response> {
    staff_only(&api)?;
    let status = status_member(&w.body).map_err(|e| fields(&api, HOUSEHOLD, e))?;
    let mut tries = 0;
    let result = loop {
        tries += 1;
        // The members named, applied to the household as it is now.
        let current = households::get(&app, &api.user, id)
            .await
            .map_err(|e| Problem::from_service(e, "household", true, &api.texts))?;
        let base = households::fields_of(&current, crate::domain::Locale::De);
        let mut pairs = json_form::merge(HOUSEHOLD, base, &w.body, &["status", "status_reason"])
            .map_err(|e| Problem::fields(&e, &api.texts))?;
        hold_to(&mut pairs, &w, current.version);
        let result = households::update_with(&app, &api.user, id, &pairs, status.as_ref()).await;
        if !try_again(&w, &result, tries) {
            break result;
        }
    };
    result
        .map_err(refused(&api, HOUSEHOLD, "household", true))?
        .map_err(|e| fields(&api, HOUSEHOLD, e))?;
    household_answer(&app, &api, Written::changed(household_path(id))).await
}

/// Creates or replaces the household with the municipality's reference (a sync from a
/// case-management system that keeps its own references, not Bleibe's ids).
#[utoipa::path(put, path = "/api/v1/municipalities/{id}/households/by-reference/{reference}",
    tag = "households",
    params(("id" = i64, Path, description = "The municipality's id"),
        ("reference" = String, Path, description = "The municipality's reference (Aktenzeichen)"),
        ("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key with the same body answers as the first request (kept 24 hours)"),
        ("If-Match" = Option<String>, Header,
        description = "The `ETag` the change is based on; another version is refused with 412")),
    request_body = inputs::HouseholdWrite,
    responses(
        (status = 200, description = "Replaced: the household as it is now", body = Household),
        (status = 201, description = "Created", body = Household),
        BadRequest, Forbidden, Conflict, Precondition, BodyRefused, Always,
    ))]
pub async fn upsert_household(
    State(app): State<App>,
    api: ApiUser,
    ApiPath((municipality, reference)): ApiPath<(i64, String)>,
    w: ApiWrite,
) -> ApiResult<Response> {
    staff_only(&api)?;
    let written = once(&app, &api, &w, || async {
        let existing = households::by_reference(&app, &api.user, municipality, &reference)
            .await
            .map_err(|e| Problem::from_service(e, "municipality", false, &api.texts))?;
        let status = status_member(&w.body).map_err(|e| fields(&api, HOUSEHOLD, e))?;
        let mut pairs = json_form::to_pairs(HOUSEHOLD, &w.body, &["status", "status_reason"])
            .map_err(|e| Problem::fields(&e, &api.texts))?;
        match (&existing, w.if_match.is_present()) {
            // A PUT replaces the whole profile: without If-Match the last one wins.
            (Some(h), true) => hold_to(&mut pairs, &w, h.version),
            (Some(_), false) => {}
            // Nothing can match a household that does not exist (not even `*`).
            (None, true) => {
                return Err(Problem::new(
                    axum::http::StatusCode::PRECONDITION_FAILED,
                    "no household has this reference in this municipality, so If-Match \
                     cannot match; send the request without If-Match to create it",
                ));
            }
            (None, false) => {}
        }
        let done = households::upsert(
            &app,
            &api.user,
            municipality,
            &reference,
            &pairs,
            status.as_ref(),
        )
        .await
        .map_err(refused(&api, HOUSEHOLD, "municipality", false))?
        .map_err(|e| fields(&api, HOUSEHOLD, e))?;
        Ok(match done {
            Upserted::Created(id) => Written::created(household_path(id)),
            Upserted::Updated(id) => Written::changed(household_path(id)),
        })
    })
    .await?;
    household_answer(&app, &api, written).await
}

/// Sends a new flat: a landlord's own, or, for staff, one of a landlord they entered.
#[utoipa::path(post, path = "/api/v1/units", tag = "units",
    request_body = inputs::UnitWrite,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe: the same key with the same body answers as the first request (kept 24 hours)")),
    responses(
        (status = 201, description = "Sent; `Location` names it, `ETag` is its version", body = Unit),
        BadRequest, Forbidden, NotFound, Conflict, BodyRefused, Always,
    ))]
pub async fn create_unit(State(app): State<App>, api: ApiUser, w: ApiWrite) -> ApiResult<Response> {
    let written = once(&app, &api, &w, || async {
        let landlord = id_member(&w.body, "landlord_id").map_err(|e| fields(&api, UNIT, e))?;
        let pairs = json_form::to_pairs(UNIT, &w.body, UNIT_OTHER)
            .map_err(|e| Problem::fields(&e, &api.texts))?;
        let id = units::create_direct(&app, &api.user, landlord, &pairs, api.texts.locale)
            .await
            .map_err(refused(&api, UNIT, "landlord", false))?
            .map_err(|e| fields(&api, UNIT, e))?;
        Ok(Written::created(unit_path(id)))
    })
    .await?;
    unit_answer(&app, &api, written).await
}

/// Changes the members given of a flat (its landlord, or staff of its municipality);
/// not while it is reserved or let.
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units",
    params(("id" = i64, Path, description = "The unit's id"),
        ("If-Match" = Option<String>, Header,
        description = "The `ETag` the change is based on; another version is refused with 412")),
    request_body = inputs::UnitWrite,
    responses(
        (status = 200, description = "The flat as it is now", body = Unit),
        BadRequest, Forbidden, NotFound, Conflict, Precondition, BodyRefused, Always,
    ))]
pub async fn patch_unit(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
    w: ApiWrite,
) -> ApiResult<Response> {
    let mut tries = 0;
    let result = loop {
        tries += 1;
        let (unit, base) = units::fields_for_change(&app, &api.user, id)
            .await
            .map_err(|e| Problem::from_service(e, "unit", true, &api.texts))?;
        let mut pairs = json_form::merge(UNIT, base, &w.body, &[])
            .map_err(|e| Problem::fields(&e, &api.texts))?;
        hold_to(&mut pairs, &w, unit.version);
        let result = units::update_direct(&app, &api.user, id, &pairs, api.texts.locale).await;
        if !try_again(&w, &result, tries) {
            break result;
        }
    };
    result
        .map_err(refused(&api, UNIT, "unit", true))?
        .map_err(|e| fields(&api, UNIT, e))?;
    unit_answer(&app, &api, Written::changed(unit_path(id))).await
}

/// Grants or declines an incentive request (coordinators of the flat's municipality); the
/// landlord gets the same e-mail as after the page's decision.
#[utoipa::path(post, path = "/api/v1/incentive-requests/{id}/decision", tag = "units",
    params(("id" = i64, Path, description = "The request's id (see `incentive_requests` of a unit)"),
        ("Idempotency-Key" = Option<String>, Header,
        description = "Makes a retry safe (kept 24 hours)")),
    request_body = inputs::DecisionWrite,
    responses(
        (status = 200, description = "The flat with its requests as they are now", body = Unit),
        BadRequest, Forbidden, NotFound, Conflict, BodyRefused, Always,
    ))]
pub async fn decide_incentive(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
    w: ApiWrite,
) -> ApiResult<Response> {
    staff_only(&api)?;
    let written = once(&app, &api, &w, || async {
        let pairs = json_form::to_pairs(DECISION, &w.body, &[])
            .map_err(|e| Problem::fields(&e, &api.texts))?;
        let unit = staff::decide_incentive(&app, &api.user, id, &pairs)
            .await
            .map_err(refused(&api, DECISION, "incentive request", true))?
            .map_err(|e| fields(&api, DECISION, e))?;
        Ok(Written::changed(unit_path(unit)))
    })
    .await?;
    unit_answer(&app, &api, written).await
}

/// `GET` of one household or flat with its `ETag` (304 for a matching `If-None-Match`).
pub fn tagged<T: serde::Serialize>(headers: &HeaderMap, version: i64, body: &T) -> Response {
    conditional::tagged(headers, version, body)
}
