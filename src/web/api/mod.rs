//! The JSON API for municipal systems under `/api/v1`, its OpenAPI document at
//! `/api/openapi.json` and Swagger UI at `/api/docs`. Authentication is a per-user bearer
//! token (created on `/account/tokens`); a token acts exactly as its person in the pages.
//! Errors are `application/problem+json`.

pub mod conditional;
pub mod documents;
pub mod extract;
pub mod model;
pub mod problem;
pub mod v1;
pub mod writes;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post, put};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use crate::app::App;

/// The OpenAPI document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bleibe API",
        description = "Housing matching for German municipalities: units, households, match runs, \
                       proposals and placements. Authenticate with `Authorization: Bearer <token>`; \
                       create tokens on /account/tokens. A token sees and does exactly what its \
                       person may in the web interface. Errors are application/problem+json; \
                       refused fields are named by their JSON path (`members[1].birth_year`).\n\n\
                       **Writes** take the members of the web forms and are checked by the same \
                       rules, with the same messages, audit entries and e-mails.\n\n\
                       **Safe retries**: send `Idempotency-Key: <any unique text>` with a POST or \
                       PUT. The same key with the same body answers as the first request did \
                       (with `Idempotent-Replayed: true`) instead of writing twice; the same key \
                       with another body is refused with 422; a key is kept for 24 hours.\n\n\
                       **Concurrent edits**: `GET` of a household or unit answers an `ETag` \
                       (`\"v7\"`), which changes with every write, also those made in the web \
                       interface. Send it back as `If-Match` with PATCH or PUT: if someone wrote \
                       in between, the write is refused with 412 and nothing changes. The edit \
                       pages use the same version and tell the person when it trips. \
                       `If-None-Match` with the current ETag answers 304.\n\n\
                       **Webhooks**: admins register a municipality's addresses on \
                       /admin/webhooks. Each event is a POST with a JSON body (see `webhooks`) \
                       and the header `Bleibe-Signature: t=<unix seconds>,v1=<signature>`, where \
                       the signature is the lowercase hex HMAC-SHA256 of `<t>.<body>` with the \
                       address's secret; reject a `t` more than 5 minutes from now. \
                       `Bleibe-Event-Id` is the same on every attempt: drop repeats by it.",
    ),
    paths(
        v1::me,
        v1::municipalities,
        v1::list_units,
        v1::get_unit,
        v1::list_households,
        v1::get_household,
        v1::set_household_status,
        writes::create_household,
        writes::patch_household,
        writes::upsert_household,
        writes::create_unit,
        writes::patch_unit,
        writes::decide_incentive,
        v1::list_runs,
        v1::start_run,
        v1::get_run,
        v1::approve_run,
        v1::list_proposals,
        v1::get_proposal,
        v1::take_step,
        documents::get_document,
        v1::list_placements,
    ),
    // The error answers refer to this schema by name.
    components(schemas(problem::Problem, problem::FieldProblem, model::events::WebhookEvent)),
    modifiers(&BearerAuth, &Webhooks),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The events Bleibe sends to the webhook addresses admins register (OpenAPI 3.1
/// `webhooks`): one `POST` per event with the signature headers.
struct Webhooks;

impl Modify for Webhooks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use crate::domain::webhooks::{
            EVENT_ID_HEADER, EVENT_TYPE_HEADER, EventType, SIGNATURE_HEADER,
        };
        use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
        use utoipa::openapi::request_body::RequestBodyBuilder;
        use utoipa::openapi::{
            ContentBuilder, HttpMethod, PathItem, PathsBuilder, Ref, Required, ResponseBuilder,
        };
        let header = |name: &str, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::Type::String),
                ))
                .build()
        };
        let mut paths = PathsBuilder::new();
        for event in EventType::ALL {
            let operation = OperationBuilder::new()
                .summary(Some(format!("Event `{}`", event.as_str())))
                .description(Some(
                    "Sent in the transaction's order per proposal (or household), retried with \
                     back-off for about 20 hours until the receiver answers 2xx, then given up \
                     and shown to admins. Check the signature before trusting the body.",
                ))
                .parameter(header(SIGNATURE_HEADER, "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the endpoint's secret>`"))
                .parameter(header(EVENT_ID_HEADER, "The event's id: the same on every attempt"))
                .parameter(header(EVENT_TYPE_HEADER, event.as_str()))
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .content(
                            "application/json",
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("WebhookEvent")))
                                .build(),
                        )
                        .required(Some(Required::True))
                        .build(),
                ))
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description("Received (any 2xx); anything else is tried again later")
                        .build(),
                );
            paths = paths.path(event.as_str(), PathItem::new(HttpMethod::Post, operation));
        }
        openapi.webhooks = Some(paths.build());
    }
}

/// The API's routes (no session, no CSRF: a bearer token is not sent by browsers on their
/// own, so cross-site requests cannot use it).
pub fn routes() -> Router<App> {
    let v1 = Router::new()
        .route("/me", get(v1::me))
        .route("/municipalities", get(v1::municipalities))
        .route("/units", get(v1::list_units).post(writes::create_unit))
        .route("/units/{id}", get(v1::get_unit).patch(writes::patch_unit))
        .route(
            "/incentive-requests/{id}/decision",
            post(writes::decide_incentive),
        )
        .route(
            "/households",
            get(v1::list_households).post(writes::create_household),
        )
        .route(
            "/households/{id}",
            get(v1::get_household).patch(writes::patch_household),
        )
        .route(
            "/municipalities/{id}/households/by-reference/{reference}",
            put(writes::upsert_household),
        )
        .route("/households/{id}/status", post(v1::set_household_status))
        .route("/match-runs", get(v1::list_runs).post(v1::start_run))
        .route("/match-runs/{id}", get(v1::get_run))
        .route("/match-runs/{id}/approve", post(v1::approve_run))
        .route("/proposals", get(v1::list_proposals))
        .route("/proposals/{id}", get(v1::get_proposal))
        .route("/proposals/{id}/steps", post(v1::take_step))
        .route(
            "/proposals/{id}/documents/{kind}",
            get(documents::get_document),
        )
        .route("/placements", get(v1::list_placements))
        .fallback(|| async { problem::Problem::not_found("API route") })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    // Swagger UI sets styles from its script; its page gets a policy that allows that.
    let docs: Router<App> =
        Router::from(SwaggerUi::new("/api/docs").url("/api/openapi.json", ApiDoc::openapi()))
            .layer(SetResponseHeaderLayer::overriding(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                 script-src 'self'; frame-ancestors 'none'; base-uri 'self'",
                ),
            ));
    Router::new().nest("/api/v1", v1).merge(docs)
}
