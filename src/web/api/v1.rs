//! `/api/v1`: thin handlers over the same services as the pages, with the same scope
//! checks. Lists are filtered, then paged.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};
use super::model::*;
use super::problem::Problem;
use super::problem::answers::{Always, BadRequest, BodyRefused, Conflict, Forbidden, NotFound};
use crate::app::App;
use crate::domain::household::HouseholdStatus;
use crate::domain::input::pairs_from_json;
use crate::domain::pipeline::Action;
use crate::domain::roles::Role;
use crate::domain::validation::FieldErrors;
use crate::services::{
    Actor, ServiceError, households, matching, pipeline, proposals, review, staff, units,
};

type ApiResult<T> = Result<T, Problem>;

fn service(api: &ApiUser, what: &str, hide: bool) -> impl Fn(ServiceError) -> Problem {
    move |e| Problem::from_service(e, what, hide, &api.texts)
}

fn paged<T, P: From<Paged<T>>>(all: Vec<T>, q: &impl Paging) -> ApiResult<Json<P>> {
    paginate(all, q)
        .map(|p| Json(P::from(p)))
        .map_err(Problem::bad_request)
}

fn staff_only(api: &ApiUser) -> ApiResult<()> {
    match api.user.role {
        Role::Admin | Role::Coordinator => Ok(()),
        Role::Volunteer | Role::Landlord => Err(Problem::forbidden()),
    }
}

/// The municipalities a list covers: the one asked for (which must be in scope) or all
/// the token's person manages.
async fn managed(app: &App, api: &ApiUser, asked: Option<i64>) -> ApiResult<Vec<i64>> {
    staff_only(api)?;
    match asked {
        Some(m) if api.user.can_manage(m) => Ok(vec![m]),
        Some(_) => Err(Problem::forbidden()),
        None => staff::scope(app, &api.user)
            .await
            .map_err(service(api, "municipality", false)),
    }
}

/// The token's person.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses(
        (status = 200, description = "The token's person", body = Me),
        Always,
    ))]
pub async fn me(api: ApiUser) -> Json<Me> {
    Json(Me::from(&api.user))
}

/// The municipalities the token's person works for (all for admins).
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "municipalities",
    params(MunicipalityQuery),
    responses(
        (status = 200, description = "A page of municipalities", body = MunicipalityPage),
        BadRequest, Always,
    ))]
pub async fn municipalities(
    State(app): State<App>,
    api: ApiUser,
    ApiQuery(q): ApiQuery<MunicipalityQuery>,
) -> ApiResult<Json<MunicipalityPage>> {
    let all = staff::municipalities(&app, &api.user)
        .await
        .map_err(service(&api, "municipality", false))?;
    paged(all.into_iter().map(Municipality::from).collect(), &q)
}

/// Units: a landlord's own, or those of the staff member's municipalities.
#[utoipa::path(get, path = "/api/v1/units", tag = "units",
    params(UnitQuery),
    responses(
        (status = 200, description = "A page of units, by id", body = UnitPage),
        BadRequest, Forbidden, Always,
    ))]
pub async fn list_units(
    State(app): State<App>,
    api: ApiUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> ApiResult<Json<UnitPage>> {
    let (page, per_page) = window(&q).map_err(Problem::bad_request)?;
    let postal = q.postal_code.as_deref();
    if postal.is_some_and(|p| p.len() != 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Problem::bad_request("postal_code must be five digits"));
    }
    let filter = units::ListFilter {
        status: q.status,
        postal_code: q.postal_code.clone(),
        min_rooms: q.min_rooms,
        ..Default::default()
    };
    let (found, total) = units::visible(
        &app,
        &api.user,
        q.municipality_id,
        filter,
        skip(page, per_page),
        u64::from(per_page),
    )
    .await
    .map_err(service(&api, "municipality", false))?;
    Ok(Json(UnitPage::from(Paged {
        items: found.into_iter().map(Unit::from).collect(),
        page,
        per_page,
        total,
    })))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units",
    params(("id" = i64, Path, description = "The unit's id")),
    responses(
        (status = 200, description = "The unit with its form's fields and incentive requests; `ETag` is its version", body = Unit),
        (status = 304, description = "Not modified (`If-None-Match` named the current `ETag`)"),
        BadRequest, NotFound, Always,
    ))]
pub async fn get_unit(
    State(app): State<App>,
    api: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (unit, requests) = units::with_requests(&app, &api.user, id)
        .await
        .map_err(service(&api, "unit", true))?;
    let version = unit.version;
    Ok(super::writes::tagged(
        &headers,
        version,
        &Unit::detailed(unit, &requests),
    ))
}

/// Households of the coordinator's municipalities, longest waiting first.
#[utoipa::path(get, path = "/api/v1/households", tag = "households",
    params(HouseholdQuery),
    responses(
        (status = 200, description = "A page of households", body = HouseholdPage),
        BadRequest, Forbidden, Always,
    ))]
pub async fn list_households(
    State(app): State<App>,
    api: ApiUser,
    ApiQuery(q): ApiQuery<HouseholdQuery>,
) -> ApiResult<Json<HouseholdPage>> {
    let (page, per_page) = window(&q).map_err(Problem::bad_request)?;
    let today = app.clock.today();
    let filter = households::Filter {
        status: q.status,
        urgency: q.min_urgency,
        min_persons: q.min_persons,
        ..Default::default()
    };
    let municipalities = managed(&app, &api, q.municipality_id).await?;
    let found = households::list(
        &app,
        &api.user,
        &municipalities,
        &filter,
        skip(page, per_page),
        u64::from(per_page),
    )
    .await
    .map_err(service(&api, "municipality", false))?;
    Ok(Json(HouseholdPage::from(Paged {
        items: found
            .rows
            .into_iter()
            .map(|r| Household::listed(r.household, today))
            .collect(),
        page,
        per_page,
        total: found.total,
    })))
}

/// One household with its persons.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "households",
    params(("id" = i64, Path, description = "The household's id")),
    responses(
        (status = 200, description = "The household with its profile; `ETag` is its version", body = Household),
        (status = 304, description = "Not modified (`If-None-Match` named the current `ETag`)"),
        BadRequest, Forbidden, NotFound, Always,
    ))]
pub async fn get_household(
    State(app): State<App>,
    api: ApiUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    staff_only(&api)?;
    let h = households::get(&app, &api.user, id)
        .await
        .map_err(service(&api, "household", true))?;
    let version = h.version;
    Ok(super::writes::tagged(
        &headers,
        version,
        &Household::of(h, app.clock.today(), true),
    ))
}

/// Pauses, closes (with a reason) or reactivates a household.
#[utoipa::path(post, path = "/api/v1/households/{id}/status", tag = "households",
    params(("id" = i64, Path, description = "The household's id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The household as it is now", body = Household),
        BadRequest, Forbidden, NotFound, Conflict, BodyRefused, Always,
    ))]
pub async fn set_household_status(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StatusChange>,
) -> ApiResult<Response> {
    staff_only(&api)?;
    let status = match body.status.parse::<HouseholdStatus>() {
        Ok(s) if s != HouseholdStatus::Placed => s,
        _ => {
            return Err(Problem::fields(
                &crate::domain::validation::FieldErrors::single("status", "validation.choose_one"),
                &api.texts,
            ));
        }
    };
    if body.reason.chars().count() > 500 {
        return Err(Problem::fields(
            &crate::domain::validation::FieldErrors::single("reason", "validation.too_long"),
            &api.texts,
        ));
    }
    households::set_status(&app, &api.user, id, status, &body.reason)
        .await
        .map_err(service(&api, "household", true))?
        .map_err(|errors| Problem::fields(&errors, &api.texts))?;
    get_household(State(app), api, HeaderMap::new(), ApiPath(id)).await
}

/// Match runs, newest first.
#[utoipa::path(get, path = "/api/v1/match-runs", tag = "matching",
    params(RunQuery),
    responses(
        (status = 200, description = "A page of runs", body = RunPage),
        BadRequest, Forbidden, Always,
    ))]
pub async fn list_runs(
    State(app): State<App>,
    api: ApiUser,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> ApiResult<Json<RunPage>> {
    let (page, per_page) = window(&q).map_err(Problem::bad_request)?;
    let municipalities = managed(&app, &api, q.municipality_id).await?;
    let (runs, total) = review::runs_page(
        &app,
        &api.user,
        &municipalities,
        skip(page, per_page),
        u64::from(per_page),
    )
    .await
    .map_err(service(&api, "municipality", false))?;
    Ok(Json(RunPage::from(Paged {
        items: runs.into_iter().map(MatchRun::from).collect(),
        page,
        per_page,
        total,
    })))
}

/// Runs the matching engine for a municipality; its suggestions wait for review.
#[utoipa::path(post, path = "/api/v1/match-runs", tag = "matching",
    request_body = NewRun,
    responses(
        (status = 201, description = "The finished run", body = MatchRun),
        BadRequest, Forbidden, NotFound, BodyRefused, Always,
    ))]
pub async fn start_run(
    State(app): State<App>,
    api: ApiUser,
    ApiJson(body): ApiJson<NewRun>,
) -> ApiResult<(StatusCode, Json<MatchRun>)> {
    staff_only(&api)?;
    let summary = matching::run(
        &app,
        &Actor::User(api.user.clone()),
        matching::Scope::Municipality(body.municipality_id),
        matching::Trigger::Manual,
    )
    .await
    .map_err(service(&api, "municipality", false))?;
    let detail = review::run_detail(&app, &api.user, summary.run_id)
        .await
        .map_err(service(&api, "match run", true))?;
    Ok((StatusCode::CREATED, Json(run_with_proposals(detail))))
}

fn run_with_proposals(detail: review::RunDetail) -> MatchRun {
    let fairness = detail
        .run
        .fairness
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let mut run = MatchRun::from(detail.run);
    run.fairness = Some(fairness);
    run.proposals = Some(
        detail
            .units
            .into_iter()
            .filter_map(|u| u.proposal)
            .map(Proposal::from)
            .collect(),
    );
    run
}

/// One run with the proposals it made.
#[utoipa::path(get, path = "/api/v1/match-runs/{id}", tag = "matching",
    params(("id" = i64, Path, description = "The run's id")),
    responses(
        (status = 200, description = "The run", body = MatchRun),
        BadRequest, Forbidden, NotFound, Always,
    ))]
pub async fn get_run(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MatchRun>> {
    staff_only(&api)?;
    let detail = review::run_detail(&app, &api.user, id)
        .await
        .map_err(service(&api, "match run", true))?;
    Ok(Json(run_with_proposals(detail)))
}

/// Approves every suggestion of a run that still waits: each goes out to both sides.
#[utoipa::path(post, path = "/api/v1/match-runs/{id}/approve", tag = "matching",
    params(("id" = i64, Path, description = "The run's id")),
    responses(
        (status = 200, description = "What went out and what could not", body = Approval),
        BadRequest, Forbidden, NotFound, Always,
    ))]
pub async fn approve_run(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Approval>> {
    staff_only(&api)?;
    let detail = review::run_detail(&app, &api.user, id)
        .await
        .map_err(service(&api, "match run", true))?;
    let (approved, failed) = pipeline::approve_many(&app, &api.user, &detail.waiting())
        .await
        .map_err(service(&api, "match run", true))?;
    Ok(Json(Approval {
        approved: approved.len(),
        not_approved: failed
            .into_iter()
            .map(|(proposal_id, e)| NotApproved {
                proposal_id,
                reason: step_text(&e, &api.texts),
            })
            .collect(),
    }))
}

fn step_text(e: &pipeline::StepError, t: &crate::i18n::Texts) -> String {
    match e {
        pipeline::StepError::Fields(errors) => errors
            .0
            .iter()
            .map(|(f, k)| format!("{f}: {}", t.get(k)))
            .collect::<Vec<_>>()
            .join("; "),
        pipeline::StepError::Illegal { from, to } => {
            format!("a proposal in state {from} cannot move to {to}")
        }
        pipeline::StepError::Blocked(blocked) => {
            let mut text = t.get(blocked.key()).to_owned();
            for (de, en) in blocked.details() {
                text.push(' ');
                text.push_str(if t.locale == crate::domain::Locale::De {
                    de
                } else {
                    en
                });
            }
            text
        }
    }
}

/// Proposals: staff see their municipalities' (all but superseded ones); a landlord the
/// ones sent for their units, with the household described but not named.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals",
    params(ProposalQuery),
    responses(
        (status = 200, description = "A page of proposals", body = ProposalPage),
        BadRequest, Forbidden, Always,
    ))]
pub async fn list_proposals(
    State(app): State<App>,
    api: ApiUser,
    ApiQuery(q): ApiQuery<ProposalQuery>,
) -> ApiResult<Json<ProposalPage>> {
    if let Some(stage) = &q.stage
        && !pipeline::STAGES.iter().any(|(k, _)| k == stage)
    {
        return Err(Problem::bad_request(format!("unknown stage \"{stage}\"")));
    }
    let (page, per_page) = window(&q).map_err(Problem::bad_request)?;
    if api.user.role == Role::Landlord {
        // A landlord's own proposals, in the states the stage and state ask for.
        let states = pipeline::board::wanted_states(q.stage.as_deref(), q.state);
        let (items, total) = proposals::landlord_page(
            &app,
            &api.user,
            states.as_deref(),
            q.unit_id,
            skip(page, per_page),
            u64::from(per_page),
        )
        .await
        .map_err(service(&api, "proposal", false))?;
        return Ok(Json(ProposalPage {
            items: items.into_iter().map(Proposal::from).collect(),
            page,
            per_page,
            total,
        }));
    }
    let municipalities = managed(&app, &api, q.municipality_id).await?;
    let listing = pipeline::board::Listing {
        municipalities: &municipalities,
        stage: q.stage.as_deref(),
        state: q.state,
        unit_id: q.unit_id,
    };
    let (items, total) = pipeline::board::page(
        &app,
        &api.user,
        &listing,
        skip(page, per_page),
        u64::from(per_page),
    )
    .await
    .map_err(service(&api, "municipality", false))?;
    Ok(Json(ProposalPage {
        items: items.into_iter().map(Proposal::from).collect(),
        page,
        per_page,
        total,
    }))
}

/// One proposal.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals",
    params(("id" = i64, Path, description = "The proposal's id")),
    responses(
        (status = 200, description = "The proposal", body = Proposal),
        BadRequest, NotFound, Always,
    ))]
pub async fn get_proposal(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Proposal>> {
    let proposal = if api.user.role == Role::Landlord {
        Proposal::from(
            proposals::landlord_view(&app, &api.user, id)
                .await
                .map_err(service(&api, "proposal", true))?,
        )
    } else {
        staff_only(&api).map_err(|_| Problem::not_found("proposal"))?;
        Proposal::from(
            pipeline::detail(&app, &api.user, id)
                .await
                .map_err(service(&api, "proposal", true))?
                .view,
        )
    };
    Ok(Json(proposal))
}

/// Takes one step of a proposal's pipeline, as a coordinator does on the proposal page.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/steps", tag = "proposals",
    params(("id" = i64, Path, description = "The proposal's id")),
    request_body = Step,
    responses(
        (status = 200, description = "The proposal after the step", body = Proposal),
        BadRequest, Forbidden, NotFound, Conflict, BodyRefused, Always,
    ))]
pub async fn take_step(
    State(app): State<App>,
    api: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(step): ApiJson<Step>,
) -> ApiResult<Json<Proposal>> {
    staff_only(&api)?;
    let action = match step.0.get("action") {
        Some(serde_json::Value::String(a)) => a.parse::<Action>().ok(),
        _ => None,
    };
    let refused = |errors: &FieldErrors| Problem::fields(errors, &api.texts);
    let Some(action) = action else {
        return Err(refused(&FieldErrors::single(
            "action",
            "validation.choose_one",
        )));
    };
    let pairs = pairs_from_json(&step.0, action.fields(), &["action"]).map_err(|e| refused(&e))?;
    match pipeline::act_on(&app, &api.user, id, action, &pairs)
        .await
        .map_err(service(&api, "proposal", true))?
    {
        Ok(_) => get_proposal(State(app), api, ApiPath(id)).await,
        Err(pipeline::StepError::Fields(errors)) => Err(refused(&errors)),
        Err(e) => Err(Problem::conflict(step_text(&e, &api.texts))),
    }
}

/// Placements of the coordinator's municipalities, newest first.
#[utoipa::path(get, path = "/api/v1/placements", tag = "placements",
    params(PlacementQuery),
    responses(
        (status = 200, description = "A page of placements", body = PlacementPage),
        BadRequest, Forbidden, Always,
    ))]
pub async fn list_placements(
    State(app): State<App>,
    api: ApiUser,
    ApiQuery(q): ApiQuery<PlacementQuery>,
) -> ApiResult<Json<PlacementPage>> {
    let (page, per_page) = window(&q).map_err(Problem::bad_request)?;
    let municipalities = managed(&app, &api, q.municipality_id).await?;
    let (items, total) = pipeline::placements_page(
        &app,
        &api.user,
        &municipalities,
        q.outcome.as_deref(),
        skip(page, per_page),
        u64::from(per_page),
    )
    .await
    .map_err(service(&api, "municipality", false))?;
    Ok(Json(PlacementPage {
        items: items.into_iter().map(Placement::from).collect(),
        page,
        per_page,
        total,
    }))
}
