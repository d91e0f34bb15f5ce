//! The HTTP interface: server-rendered pages, health endpoints and static files.
//! Handlers are thin: extract, call one service function, render.

pub mod api;
pub mod assets;
pub mod error;
pub mod extract;
pub mod form;
pub mod forms;
pub mod health;
pub mod pager;
pub mod pages;
pub mod repeat;
pub mod session;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Request, StatusCode, header};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use pages::outreach_staff::save_page;
use pages::{admin, auth, figures, households, import, pipeline, review, rules, unit_list, units};

/// The header that carries a request's id, set by us or by a proxy in front.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the whole router with its middleware.
pub fn router(app: App) -> Router {
    let timeout = Duration::from_secs(app.settings.server.request_timeout_secs);
    // Forms with files: photos of a flat, import files. They are read as a stream to disk,
    // a few at a time; every other form is small.
    let uploads = Router::new()
        .route("/units/new", get(units::new_unit).post(units::create_unit))
        .route(
            "/landlords/{id}/units/new",
            get(units::new_unit_for).post(units::create_unit_for),
        )
        .route(
            "/units/drafts/{id}",
            get(units::show_draft).post(units::save_draft),
        )
        .route(
            "/units/drafts/{id}/delete",
            get(units::confirm_delete_draft).post(units::delete_draft),
        )
        .route(
            "/units/{id}/edit",
            get(units::edit_unit).post(units::update_unit),
        )
        .route(
            "/m/{mid}/import",
            get(import::show_import).post(import::upload),
        )
        .route("/m/{mid}/outreach/page", post(save_page))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit(&app)))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            UPLOADS_AT_ONCE,
        ));
    let with_session = Router::new()
        .merge(public_routes())
        .merge(outreach_routes())
        .route("/signup", get(auth::show_signup).post(auth::create_account))
        .route("/signup/sent", get(auth::signup_sent))
        .route("/confirm/resend", post(auth::resend_confirmation))
        .route("/login", get(auth::show_login).post(auth::login))
        .route("/login/code", get(auth::show_code).post(auth::submit_code))
        .route("/logout", post(auth::logout))
        .route("/forgot", get(auth::show_forgot).post(auth::request_reset))
        .route("/dashboard", get(pages::overview::show_dashboard))
        .route("/proposals/{id}", get(pages::overview::show_proposal))
        .route(
            "/proposals/{id}/answer",
            post(pages::overview::answer_proposal),
        )
        .route("/proposals/{id}/documents", post(pages::documents::make))
        .route("/documents/{id}", get(pages::documents::download))
        .route("/units/{id}", get(units::show_unit))
        .route("/units/{id}/withdraw", post(units::withdraw_unit))
        .route("/photos/{key}", get(units::serve_photo))
        .route("/geo/postal/{code}", get(units::postal_lookup))
        .route("/workspace", get(pages::workspace::show_workspace))
        .route("/workspace/landlords", post(pages::workspace::start_entry))
        .route(
            "/workspace/units/{id}/status",
            post(pages::workspace::change_unit_status),
        )
        .route(
            "/workspace/incentives/{id}",
            post(pages::workspace::decide_incentive),
        )
        .route("/m/{mid}/households", get(households::list))
        .route(
            "/m/{mid}/households/new",
            get(households::new_household).post(households::create_household),
        )
        .route("/households/{id}", get(households::show_household))
        .route(
            "/households/{id}/edit",
            get(households::edit_household).post(households::update_household),
        )
        .route("/households/{id}/status", post(households::change_status))
        .route("/m/{mid}/units", get(unit_list::units_list))
        .route(
            "/m/{mid}/runs",
            get(review::list_runs).post(review::start_run),
        )
        .route("/runs/{id}", get(review::show_run))
        .route("/runs/{id}/approve", post(review::approve_run))
        .route("/runs/{id}/pick", post(review::pick_alternative))
        .route("/m/{mid}/why-not", get(review::why_not))
        .route("/m/{mid}/proposals", get(pipeline::board))
        .route("/m/{mid}/placements", get(pipeline::placements))
        .route("/workspace/proposals/{id}", get(pipeline::show_proposal))
        .route(
            "/workspace/proposals/{id}/{action}",
            post(pipeline::take_step),
        )
        .route(
            "/workspace/follow-ups/{id}",
            post(pipeline::record_follow_up),
        )
        .route(
            "/workspace/incentives/{id}/paid",
            post(pipeline::incentive_paid),
        )
        .route(
            "/m/{mid}/rules",
            get(rules::show_rules).post(rules::save_rules),
        )
        .route(
            "/m/{mid}/programmes/new",
            get(rules::new_programme).post(rules::create_programme),
        )
        .route(
            "/programmes/{id}/edit",
            get(rules::edit_programme).post(rules::update_programme),
        )
        .route(
            "/admin/users",
            get(admin::list_users).post(admin::create_user),
        )
        .route("/admin/users/{id}/{action}", post(admin::user_action))
        .route("/admin/municipalities", get(admin::list_municipalities))
        .route(
            "/admin/municipalities/{id}/templates",
            get(pages::templates::show).post(pages::templates::upload),
        )
        .route("/admin/jobs", get(admin::list_jobs))
        .route(
            "/admin/webhooks",
            get(pages::webhooks::list).post(pages::webhooks::create),
        )
        .route("/admin/webhooks/{id}", get(pages::webhooks::show))
        .route(
            "/admin/webhooks/{id}/{action}",
            post(pages::webhooks::switch),
        )
        .route(
            "/admin/webhooks/deliveries/{id}/redeliver",
            post(pages::webhooks::redeliver),
        )
        .route(
            "/admin/municipalities/new",
            get(admin::new_municipality).post(admin::create_municipality),
        )
        .route(
            "/admin/municipalities/{id}/edit",
            get(admin::edit_municipality).post(admin::update_municipality),
        )
        .route("/m/{mid}/import/template/{file}", get(import::template))
        .route("/imports/{id}", get(import::show_report))
        .route("/flags/{id}/resolve", post(import::resolve_flag))
        .route("/m/{mid}", get(figures::show))
        .route("/m/{mid}/export/{file}", get(figures::export))
        .route("/m/{mid}/report/{year}", get(figures::year_report))
        .route("/m/{mid}/map", get(figures::map))
        .route("/m/{mid}/map.json", get(figures::map_points))
        .route("/account", get(pages::account::show))
        .route(
            "/account/second-factor",
            get(pages::second_factor::show).post(pages::second_factor::confirm),
        )
        .route(
            "/account/second-factor/off",
            post(pages::second_factor::turn_off),
        )
        .route(
            "/admin/second-factor",
            post(pages::second_factor::set_requirements),
        )
        .route(
            "/account/tokens",
            get(pages::account::show).post(pages::account::create_token),
        )
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::account::revoke_token),
        )
        .route("/account/password", post(pages::account::change_password))
        .route("/account/email", post(pages::account::change_email))
        .route("/account/phone", post(pages::account::change_phone))
        .route("/account/language", post(pages::account::change_language))
        .route(
            "/account/delete",
            get(pages::account_delete::show_delete).post(pages::account_delete::delete_account),
        )
        .route("/account/deleted", get(pages::account_delete::deleted))
        .route("/account/data", get(pages::account::data_page))
        .route("/account/data.json", get(pages::account::export))
        .route("/households/{id}/data", get(pages::privacy::household_data))
        .route(
            "/households/{id}/data.json",
            get(pages::privacy::household_data_json),
        )
        .route(
            "/households/{id}/erase",
            post(pages::privacy::erase_household),
        )
        .route("/admin/audit", get(pages::privacy::audit_log))
        .route(
            "/admin/landlords/{id}/erase",
            get(pages::privacy::confirm_erase_landlord).post(pages::privacy::erase_landlord),
        )
        .route("/viewings", get(pipeline::my_viewings))
        .route("/viewings/{id}", post(pipeline::record_viewing))
        .merge(secret_link_routes(&app))
        .layer(axum::extract::DefaultBodyLimit::max(form::FORM_MAX_BYTES))
        .merge(uploads)
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            session::middleware,
        ));
    let routes = Router::new()
        .merge(with_session)
        .merge(api::routes())
        .route("/lang/{code}", get(pages::language::switch_language))
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(health::metrics))
        .route("/static/{*path}", get(assets::serve_asset))
        .fallback(error::not_found);

    let middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    request.id = %id,
                    method = %request.method(),
                    path = %request.uri().path(),
                )
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
            ),
        ));

    let hsts = app.settings.secure_cookies().then(|| {
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        )
    });
    let router = routes
        .route_layer(axum::middleware::from_fn(health::track))
        .layer(tower::util::option_layer(hsts))
        .layer(middleware)
        .with_state(app.clone());
    let _ = app.router.set(router.clone());
    router
}

/// The pages for everyone: start page, privacy notice, accessibility statement, and the
/// municipalities' pages for landlords.
fn public_routes() -> Router<App> {
    use pages::home;
    Router::new()
        .route("/", get(home::show_home))
        .route("/privacy", get(home::show_privacy))
        .route("/barrierefreiheit", get(home::show_accessibility))
        .route("/accessibility", get(home::show_accessibility))
        .route("/favicon.ico", get(home::favicon))
        .route("/vermieten/{slug}", get(pages::outreach::show))
        .route("/vermieten/{slug}/foto", get(pages::outreach::photo))
}

/// Winning landlords for coordinators: campaigns and flyers (the admin's form with the
/// photo is among the uploads); and the policy lab.
fn outreach_routes() -> Router<App> {
    use pages::outreach_staff as staff;
    Router::new()
        .route("/m/{mid}/outreach", get(staff::show))
        .route("/m/{mid}/outreach/campaigns", post(staff::create_campaign))
        .route(
            "/m/{mid}/outreach/campaigns/{id}/{action}",
            post(staff::campaign_action),
        )
        .route("/m/{mid}/outreach/flyer.pdf", get(staff::flyer))
        .route(
            "/m/{mid}/lab",
            get(pages::lab::show).post(pages::lab::start),
        )
        .route("/m/{mid}/lab/{id}", get(pages::lab::show_run))
}

/// Pages behind secret links, with the per-address limit on wrong links.
fn secret_link_routes(app: &App) -> Router<App> {
    Router::new()
        .route("/confirm/{token}", get(auth::confirm_email))
        .route(
            "/account/email/confirm/{token}",
            get(pages::account::show_confirm_email).post(pages::account::confirm_email),
        )
        .route(
            "/a/{token}",
            get(pages::links::show).post(pages::links::answer),
        )
        .route("/a/{token}/photos/{key}", get(pages::links::photo))
        .route(
            "/reset/{token}",
            get(auth::show_reset).post(auth::reset_password),
        )
        .route(
            "/invitation/{token}",
            get(auth::show_invitation).post(auth::accept_invitation),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            health::secret_links,
        ))
}

/// Requests with files served at the same time (more wait their turn).
pub const UPLOADS_AT_ONCE: usize = 4;

/// The largest body of a form with files: every photo of a unit at its largest, plus fields
/// (an import file is smaller).
fn upload_limit(app: &App) -> usize {
    let uploads = &app.settings.uploads;
    (uploads.max_photo_mb as usize * uploads.max_photos + 2) * 1024 * 1024
}

/// Request ids: 16 hex digits from a per-process random start and a counter, so ids are
/// unique without a shared generator.
#[derive(Clone, Copy, Debug, Default)]
struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", crate::util::next_request_number());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}
