//! Household profiles for coordinators: the filtered list, the form (new and edit), the
//! profile page and its status (pause, close, reactivate).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::staff::{Staff, StaffNav, nav, require_coordinator};
use super::{AuthedForm, Chrome, PageCtx};
use crate::domain::Language;
use crate::domain::format;
use crate::domain::household::{
    AnchorKind, BenefitType, HouseholdStatus, MemberRole, ResidenceStatus, WorkSituation,
};
use crate::domain::input::Fields;
use crate::domain::validation::FieldErrors;
use crate::i18n::Texts;
use crate::services::households::{
    self, ANCHOR_PARTS, ANCHOR_ROWS, CONSENT_SCOPES, Filter, IMPORTANCE, KNOWN_LANGUAGES,
    MEMBER_PARTS, MEMBER_ROWS,
};
use crate::services::{CurrentUser, pipeline};
use crate::store::households::StoredHousehold;
use crate::web::error::PageError;
use crate::web::forms::{Field, Kind, Section, SummaryItem, summary};
use crate::web::pager::{self, Pager};
use crate::web::repeat::Group;

mod edit;
mod form;
mod show;

pub use edit::*;
pub use form::*;
pub use show::*;

/// Query of the household list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub waiting: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub q: String,
    /// The page of the list, from 1.
    #[serde(default)]
    pub page: String,
}

/// A row of the household list.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub persons: u32,
    pub urgency: String,
    pub waiting: String,
    pub status: String,
    pub consent: bool,
    pub move_by: String,
}

/// `GET /m/{mid}/households`.
#[derive(Template, WebTemplate)]
#[template(path = "households_list.html")]
pub struct ListPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub filters: Vec<Field>,
    pub rows: Vec<Row>,
    /// Households passing the filter on all pages.
    pub total: u64,
    pub pager: Pager,
    pub mid: i64,
}

fn options(t: Texts, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), t.get(&format!("{prefix}.{v}")).to_owned()))
        .collect()
}

fn with_any(t: Texts, mut choices: Vec<(String, String)>) -> Vec<(String, String)> {
    choices.insert(0, (String::new(), t.get("households.any").to_owned()));
    choices
}

/// `GET /m/{mid}/households`.
pub async fn list(
    Path(mid): Path<i64>,
    Query(query): Query<ListQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let filter = Filter {
        status: query.status.parse().ok(),
        size: Some(query.size.clone()).filter(|s| !s.is_empty()),
        waiting_months: query.waiting.parse().ok(),
        urgency: query.urgency.parse().ok(),
        search: query.q.clone(),
        min_persons: None,
    };
    let page = pager::page_number(&query.page);
    let found = households::list(
        &ctx.app,
        &user,
        &[mid],
        &filter,
        pager::offset(page),
        pager::PER_PAGE,
    )
    .await?;
    let pager = Pager::new(
        t,
        &format!("/m/{mid}/households"),
        &[
            ("q", &query.q),
            ("status", &query.status),
            ("size", &query.size),
            ("waiting", &query.waiting),
            ("urgency", &query.urgency),
        ],
        page,
        found.rows.len(),
        found.total,
    );
    let nav = nav(&ctx, &user, Some(mid), "/households").await?;
    let statuses: Vec<&str> = HouseholdStatus::ALL.iter().map(|s| s.as_str()).collect();
    let filters = vec![
        Field::new(t, "households", "q", Kind::Text).value(query.q.clone()),
        Field::new(t, "households", "status", Kind::Select)
            .value(query.status.clone())
            .choices(with_any(t, options(t, "household.status", &statuses))),
        Field::new(t, "households", "size", Kind::Select)
            .value(query.size.clone())
            .choices(with_any(
                t,
                ["1", "2", "3-4", "5+"]
                    .iter()
                    .map(|s| ((*s).to_owned(), explain_size(t, s)))
                    .collect(),
            )),
        Field::new(t, "households", "waiting", Kind::Select)
            .value(query.waiting.clone())
            .choices(with_any(
                t,
                ["6", "12", "24", "36"]
                    .iter()
                    .map(|m| {
                        (
                            (*m).to_owned(),
                            crate::i18n::fill(t.get("households.waiting_at_least"), &[("n", m)]),
                        )
                    })
                    .collect(),
            )),
        Field::new(t, "households", "urgency", Kind::Select)
            .value(query.urgency.clone())
            .choices(with_any(
                t,
                options(t, "household.urgency", &["1", "2", "3"]),
            )),
    ];
    let rows = found
        .rows
        .into_iter()
        .map(|r| {
            let h = &r.household;
            Row {
                id: h.id,
                reference: h.reference.clone(),
                name: h.name.clone(),
                persons: r.persons,
                urgency: t
                    .get(&format!("household.urgency.{}", h.urgency))
                    .to_owned(),
                waiting: r.waiting_months.map_or_else(String::new, |m| {
                    crate::i18n::fill(t.get("households.months"), &[("n", &m.to_string())])
                }),
                status: t
                    .get(&format!("household.status.{}", h.status.as_str()))
                    .to_owned(),
                consent: h.consents_to_matching,
                move_by: h
                    .latest_move_date
                    .map(|d| format::date(ctx.locale, d))
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(ListPage {
        chrome: ctx.chrome(),
        nav,
        filters,
        rows,
        total: found.total,
        pager,
        mid,
    }
    .into_response())
}

fn explain_size(t: Texts, size: &str) -> String {
    match size.parse::<u64>() {
        Ok(n) => crate::i18n::count(t.lang, "persons", n),
        Err(_) => crate::i18n::fill(t.get("households.persons"), &[("n", size)]),
    }
}

/// A household language as staff read it: its own name with the name in the interface
/// language, "Українська (Ukrainisch)".
pub fn language_label(t: Texts, lang: Language) -> String {
    let own = lang.native_name();
    let ours = super::overview::language_name(t, lang.code());
    if own == ours {
        own.to_owned()
    } else {
        format!("{own} ({ours})")
    }
}
