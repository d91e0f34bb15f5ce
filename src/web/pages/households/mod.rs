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
use crate::domain::household::{
    AnchorKind, BenefitType, HouseholdStatus, MemberRole, ResidenceStatus, WorkSituation,
};
use crate::domain::input::Fields;
use crate::domain::validation::FieldErrors;
use crate::engine::explain;
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
                reference: h.profile.reference.clone(),
                name: h
                    .profile
                    .members
                    .first()
                    .map(|m| {
                        format!(
                            "{} {}",
                            m.first_name,
                            m.last_name.as_deref().unwrap_or_default()
                        )
                        .trim()
                        .to_owned()
                    })
                    .unwrap_or_default(),
                persons: r.persons,
                urgency: t
                    .get(&format!("household.urgency.{}", h.profile.urgency))
                    .to_owned(),
                waiting: r.waiting_months.map_or_else(String::new, |m| {
                    crate::i18n::fill(t.get("households.months"), &[("n", &m.to_string())])
                }),
                status: t
                    .get(&format!("household.status.{}", h.status.as_str()))
                    .to_owned(),
                consent: h.consents_to_matching(),
                move_by: h
                    .profile
                    .latest_move_date
                    .map(|d| explain::date(ctx.locale, d))
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

/// A row of repeated inputs (a member or an anchor).
#[derive(Debug, Clone)]
pub struct RepeatRow {
    pub legend: String,
    pub fields: Vec<Field>,
    /// The value and words of the button that takes this row out.
    pub remove_value: String,
    pub remove_label: String,
}

/// A group of repeated rows (the members, the important places), with the buttons that
/// add and remove rows (see `web::repeat`).
#[derive(Debug, Clone)]
pub struct RepeatGroup {
    pub id: &'static str,
    pub title: String,
    pub intro: String,
    pub rows: Vec<RepeatRow>,
    /// A blank row for `static/repeat.js` to copy (numbered as the next row).
    pub blank: RepeatRow,
    pub count_field: String,
    pub add_value: String,
    pub add_label: String,
    /// The form takes no more rows.
    pub full: bool,
    /// Most rows the form takes.
    pub max: usize,
    pub full_note: String,
    /// The words of a row's legend and remove button, with `{n}` for its number.
    pub legend_pattern: String,
    pub remove_pattern: String,
}

/// The household's members in the form.
pub const MEMBERS: Group = Group {
    name: "member",
    parts: MEMBER_PARTS,
    filled_by: &["first_name", "last_name", "birth_year"],
    max: MEMBER_ROWS,
};

/// The household's important places in the form.
pub const ANCHORS: Group = Group {
    name: "anchor",
    parts: ANCHOR_PARTS,
    filled_by: &["label", "postal_code", "street"],
    max: ANCHOR_ROWS,
};

/// Which row of which group gets the cursor when the form comes back after a row was
/// added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Focus {
    pub group: &'static str,
    pub row: usize,
}

/// The household form.
#[derive(Template, WebTemplate)]
#[template(path = "household_form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub title: String,
    pub action: String,
    pub csrf: String,
    pub summary: Vec<SummaryItem>,
    pub first: Section,
    pub members: RepeatGroup,
    pub sections: Vec<Section>,
    pub anchors: RepeatGroup,
    pub last: Vec<Section>,
    pub cancel: String,
}

fn text_field(t: Texts, f: Fields<'_>, errors: &FieldErrors, name: &str, kind: Kind) -> Field {
    Field::new(t, "household", name, kind)
        .value(f.get(name))
        .error_from(t, errors)
}

fn check_field(t: Texts, f: Fields<'_>, errors: &FieldErrors, name: &str) -> Field {
    Field::new(t, "household", name, Kind::Checkbox)
        .checked(f.checked(name))
        .error_from(t, errors)
}

fn select_field(
    t: Texts,
    f: Fields<'_>,
    errors: &FieldErrors,
    name: &str,
    choices: Vec<(String, String)>,
) -> Field {
    Field::new(t, "household", name, Kind::Select)
        .value(f.get(name))
        .choices(choices)
        .error_from(t, errors)
}

fn row_field(
    t: Texts,
    f: Fields<'_>,
    errors: &FieldErrors,
    base: &str,
    i: usize,
    kind: Kind,
    row_label: &str,
) -> Field {
    let name = format!("{base}_{i}");
    let mut field = Field::new(t, "household", base, kind).value(f.get(&name));
    field.label = format!("{} ({row_label})", field.label);
    field.name = name;
    field.error_from(t, errors)
}

/// The words of row `i` of a group (its legend), and of its remove button.
fn row_words(t: Texts, key: &str, i: usize) -> (String, String) {
    let legend = crate::i18n::fill(t.get(key), &[("n", &(i + 1).to_string())]);
    let remove = crate::i18n::fill(t.get("household.remove_row"), &[("row", &legend)]);
    (legend, remove)
}

/// A member row `i` of the form, its values from `f`.
fn member_row(t: Texts, f: Fields<'_>, errors: &FieldErrors, i: usize) -> RepeatRow {
    let roles: Vec<&str> = MemberRole::ALL.iter().map(|s| s.as_str()).collect();
    let (label, remove_label) = row_words(t, "household.person_n", i);
    RepeatRow {
        fields: vec![
            row_field(t, f, errors, "member_first_name", i, Kind::Text, &label),
            row_field(t, f, errors, "member_last_name", i, Kind::Text, &label),
            row_field(t, f, errors, "member_birth_year", i, Kind::Number, &label)
                .inputmode("numeric"),
            {
                let mut field = row_field(t, f, errors, "member_role", i, Kind::Select, &label);
                if field.value.is_empty() {
                    field.value = if i == 0 { "applicant" } else { "other" }.to_owned();
                }
                field.choices(options(t, "household.role", &roles))
            },
        ],
        legend: label,
        remove_value: MEMBERS.remove_value(i),
        remove_label,
    }
}

/// An anchor row `i` of the form, its values from `f`.
fn anchor_row(t: Texts, f: Fields<'_>, errors: &FieldErrors, i: usize) -> RepeatRow {
    let kinds: Vec<&str> = AnchorKind::ALL.iter().map(|s| s.as_str()).collect();
    let importance: Vec<&str> = IMPORTANCE.iter().map(|(k, _)| *k).collect();
    let (label, remove_label) = row_words(t, "household.place_n", i);
    RepeatRow {
        fields: vec![
            row_field(t, f, errors, "anchor_kind", i, Kind::Select, &label).choices(options(
                t,
                "household.anchor",
                &kinds,
            )),
            row_field(t, f, errors, "anchor_label", i, Kind::Text, &label),
            row_field(t, f, errors, "anchor_street", i, Kind::Text, &label),
            row_field(t, f, errors, "anchor_postal_code", i, Kind::Text, &label)
                .inputmode("numeric")
                .narrow(),
            row_field(t, f, errors, "anchor_town", i, Kind::Text, &label),
            {
                let mut field =
                    row_field(t, f, errors, "anchor_importance", i, Kind::Select, &label);
                if field.value.is_empty() {
                    field.value = "high".into();
                }
                field.choices(options(t, "household.importance", &importance))
            },
        ],
        legend: label,
        remove_value: ANCHORS.remove_value(i),
        remove_label,
    }
}

/// A repeated group as the form shows it: its rows (the cursor in the first field of
/// `focus`), a blank row to copy, the buttons.
#[allow(clippy::too_many_arguments)]
fn repeat_group(
    t: Texts,
    f: Fields<'_>,
    errors: &FieldErrors,
    group: Group,
    id: &'static str,
    row: fn(Texts, Fields<'_>, &FieldErrors, usize) -> RepeatRow,
    legend_key: &str,
    focus: Option<Focus>,
) -> RepeatGroup {
    let count = group.shown(f.0, 1);
    let mut rows: Vec<RepeatRow> = (0..count).map(|i| row(t, f, errors, i)).collect();
    if let Some(focus) = focus.filter(|f| f.group == group.name)
        && let Some(first) = rows.get_mut(focus.row).and_then(|r| r.fields.first_mut())
    {
        first.autofocus = true;
    }
    let blank = row(t, Fields(&[]), &FieldErrors::default(), count);
    RepeatGroup {
        id,
        title: t.get(&format!("household.sections.{id}")).to_owned(),
        intro: t.get(&format!("household.sections.{id}_intro")).to_owned(),
        blank,
        count_field: group.count_field(),
        add_value: group.add_value(),
        add_label: t.get(&format!("household.add_{}", group.name)).to_owned(),
        full: count >= group.max,
        max: group.max,
        full_note: crate::i18n::fill(
            t.get(&format!("household.{id}_full")),
            &[("n", &group.max.to_string())],
        ),
        legend_pattern: t.get(legend_key).to_owned(),
        remove_pattern: crate::i18n::fill(
            t.get("household.remove_row"),
            &[("row", t.get(legend_key))],
        ),
        rows: std::mem::take(&mut rows),
    }
}

fn build_form(
    ctx: &PageCtx,
    f: Fields<'_>,
    errors: &FieldErrors,
    areas: &[(i64, String)],
    focus: Option<Focus>,
) -> (
    Section,
    RepeatGroup,
    Vec<Section>,
    RepeatGroup,
    Vec<Section>,
) {
    let t = ctx.t();
    let statuses: Vec<&str> = ResidenceStatus::ALL.iter().map(|s| s.as_str()).collect();
    let benefits: Vec<&str> = BenefitType::ALL.iter().map(|s| s.as_str()).collect();
    let works: Vec<&str> = WorkSituation::ALL.iter().map(|s| s.as_str()).collect();
    let optional = |choices: Vec<(String, String)>| {
        let mut c = choices;
        c.insert(0, (String::new(), t.get("household.not_given").to_owned()));
        c
    };
    let first = Section {
        id: "base".into(),
        title: t.get("household.sections.base").into(),
        intro: None,
        fields: vec![
            text_field(t, f, errors, "reference", Kind::Text).required(),
            select_field(
                t,
                f,
                errors,
                "residence_status",
                optional(options(t, "household.residence", &statuses)),
            )
            .required(),
            select_field(
                t,
                f,
                errors,
                "benefit_type",
                optional(options(t, "household.benefit", &benefits)),
            ),
            select_field(
                t,
                f,
                errors,
                "work_situation",
                optional(options(t, "proposal.work_situation", &works)),
            ),
        ],
    };
    let members = repeat_group(
        t,
        f,
        errors,
        MEMBERS,
        "members",
        member_row,
        "household.person_n",
        focus,
    );
    let language_values: Vec<&str> = f.all("languages");
    let scope_values: Vec<&str> = f.all("consent_scope");
    let allowed_values: Vec<&str> = f.all("allowed");
    let sections = vec![
        Section {
            id: "needs".into(),
            title: t.get("household.sections.needs").into(),
            intro: None,
            fields: vec![
                check_field(t, f, errors, "wheelchair"),
                text_field(t, f, errors, "max_floor_without_lift", Kind::Number)
                    .inputmode("numeric"),
                text_field(t, f, errors, "rooms_wanted", Kind::Number).inputmode("decimal"),
                check_field(t, f, errors, "pets"),
            ],
        },
        Section {
            id: "place".into(),
            title: t.get("household.sections.place").into(),
            intro: Some(t.get("household.sections.place_intro").into()),
            fields: vec![
                check_field(t, f, errors, "residence_obligation"),
                Field::new(t, "household", "allowed", Kind::Checkboxes)
                    .options(
                        areas
                            .iter()
                            .map(|(id, name)| (id.to_string(), name.clone()))
                            .collect(),
                        &allowed_values,
                    )
                    .error_from(t, errors),
                text_field(t, f, errors, "residence_obligation_until", Kind::Date),
                text_field(t, f, errors, "max_distance_km", Kind::Number)
                    .inputmode("decimal")
                    .suffix("km"),
            ],
        },
        Section {
            id: "time".into(),
            title: t.get("household.sections.time").into(),
            intro: None,
            fields: vec![
                text_field(t, f, errors, "latest_move_date", Kind::Date),
                text_field(t, f, errors, "follow_up_site", Kind::Text).wide(),
                text_field(t, f, errors, "in_follow_up_since", Kind::Date),
                select_field(
                    t,
                    f,
                    errors,
                    "urgency",
                    options(t, "household.urgency", &["0", "1", "2", "3"]),
                )
                .required(),
                text_field(t, f, errors, "urgency_reason", Kind::TextArea),
            ],
        },
    ];
    let anchors = repeat_group(
        t,
        f,
        errors,
        ANCHORS,
        "anchors",
        anchor_row,
        "household.place_n",
        focus,
    );
    let last = vec![
        Section {
            id: "languages".into(),
            title: t.get("household.sections.languages").into(),
            intro: None,
            fields: vec![
                Field::new(t, "household", "languages", Kind::Checkboxes)
                    .options(options(t, "languages", KNOWN_LANGUAGES), &language_values)
                    .error_from(t, errors),
                text_field(t, f, errors, "languages_other", Kind::Text),
                select_field(
                    t,
                    f,
                    errors,
                    "preferred_language",
                    Language::ALL
                        .iter()
                        .map(|l| (l.code().to_owned(), language_label(t, *l)))
                        .collect(),
                ),
            ],
        },
        Section {
            id: "contact".into(),
            title: t.get("household.sections.contact").into(),
            intro: None,
            fields: vec![
                text_field(t, f, errors, "email", Kind::Email).wide(),
                text_field(t, f, errors, "phone", Kind::Text),
                text_field(t, f, errors, "caseworker_name", Kind::Text).wide(),
                text_field(t, f, errors, "caseworker_email", Kind::Email).wide(),
                text_field(t, f, errors, "caseworker_phone", Kind::Text),
            ],
        },
        Section {
            id: "share".into(),
            title: t.get("household.sections.share").into(),
            intro: Some(t.get("household.sections.share_intro").into()),
            fields: vec![text_field(t, f, errors, "landlord_text", Kind::TextArea)],
        },
        Section {
            id: "consent".into(),
            title: t.get("household.sections.consent").into(),
            intro: Some(t.get("household.sections.consent_intro").into()),
            fields: vec![
                check_field(t, f, errors, "consent_given"),
                text_field(t, f, errors, "consent_date", Kind::Date),
                Field::new(t, "household", "consent_scope", Kind::Checkboxes)
                    .options(options(t, "household.scope", CONSENT_SCOPES), &scope_values)
                    .error_from(t, errors),
            ],
        },
        Section {
            id: "notes".into(),
            title: t.get("household.sections.notes").into(),
            intro: None,
            fields: vec![text_field(t, f, errors, "notes", Kind::TextArea)],
        },
    ];
    (first, members, sections, anchors, last)
}

/// What the household form page shows besides the values: its title, where it posts and
/// where "cancel" leads.
struct FormFrame {
    mid: i64,
    title: String,
    action: String,
    cancel: String,
}

async fn form_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    frame: FormFrame,
    fields: &[(String, String)],
    errors: &FieldErrors,
    focus: Option<Focus>,
) -> Result<Response, PageError> {
    let areas = households::area_choices(&ctx.app).await?;
    let (first, members, sections, anchors, last) =
        build_form(ctx, Fields(fields), errors, &areas, focus);
    let mut all: Vec<Section> = vec![first.clone()];
    all.push(Section {
        id: "members".into(),
        title: String::new(),
        intro: None,
        fields: members.rows.iter().flat_map(|r| r.fields.clone()).collect(),
    });
    all.extend(sections.iter().cloned());
    all.push(Section {
        id: "anchors".into(),
        title: String::new(),
        intro: None,
        fields: anchors.rows.iter().flat_map(|r| r.fields.clone()).collect(),
    });
    all.extend(last.iter().cloned());
    let page = FormPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(frame.mid), "/households").await?,
        title: frame.title,
        action: frame.action,
        csrf: ctx.csrf(),
        summary: summary(&all),
        first,
        members,
        sections,
        anchors,
        last,
        cancel: frame.cancel,
    };
    let status = crate::web::form::status_for(errors.is_empty());
    Ok((status, page).into_response())
}

/// A press of "add a person", "remove place 2", ...: the form again with the row added
/// or taken out and every value kept; nothing is saved.
fn row_button(fields: &mut Vec<(String, String)>) -> Option<Focus> {
    let action = Fields(fields).get("action").to_owned();
    [MEMBERS, ANCHORS].into_iter().find_map(|group| {
        group.action(&action).map(|pressed| Focus {
            group: group.name,
            row: group.apply(fields, pressed, 1),
        })
    })
}

fn new_frame(t: Texts, mid: i64) -> FormFrame {
    FormFrame {
        mid,
        title: t.get("household.new_title").into(),
        action: format!("/m/{mid}/households/new"),
        cancel: format!("/m/{mid}/households"),
    }
}

fn edit_frame(t: Texts, h: &StoredHousehold) -> FormFrame {
    FormFrame {
        mid: h.municipality_id,
        title: crate::i18n::fill(
            t.get("household.edit_title"),
            &[("reference", &h.profile.reference)],
        ),
        action: format!("/households/{}/edit", h.id),
        cancel: format!("/households/{}", h.id),
    }
}

/// `GET /m/{mid}/households/new`.
pub async fn new_household(
    Path(mid): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let today = ctx.app.clock.today().to_string();
    let defaults = vec![
        ("urgency".to_owned(), "0".to_owned()),
        ("preferred_language".to_owned(), "de".to_owned()),
        ("consent_date".to_owned(), today),
    ];
    let frame = new_frame(ctx.t(), mid);
    form_page(&ctx, &user, frame, &defaults, &FieldErrors::default(), None).await
}

/// `POST /m/{mid}/households/new`: saves, or adds/removes a row (nothing saved).
pub async fn create_household(
    Path(mid): Path<i64>,
    AuthedForm {
        ctx,
        user,
        mut form,
    }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let frame = new_frame(ctx.t(), mid);
    if let Some(focus) = row_button(&mut form.fields) {
        // The municipality must be the coordinator's even when nothing is saved.
        households::check_scope(&user, mid)?;
        let errors = FieldErrors::default();
        return form_page(&ctx, &user, frame, &form.fields, &errors, Some(focus)).await;
    }
    match households::create(&ctx.app, &user, mid, &form.fields).await? {
        Ok(id) => {
            ctx.session.flash("success", "household.saved");
            Ok(Redirect::to(&format!("/households/{id}")).into_response())
        }
        Err(errors) => form_page(&ctx, &user, frame, &form.fields, &errors, None).await,
    }
}

/// `GET /households/{id}/edit`.
pub async fn edit_household(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = households::get(&ctx.app, &user, id).await?;
    let fields = households::fields_of(&h, ctx.locale);
    let frame = edit_frame(ctx.t(), &h);
    form_page(&ctx, &user, frame, &fields, &FieldErrors::default(), None).await
}

/// `POST /households/{id}/edit`: saves, or adds/removes a row (nothing saved).
pub async fn update_household(
    Path(id): Path<i64>,
    AuthedForm {
        ctx,
        user,
        mut form,
    }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = households::get(&ctx.app, &user, id).await?;
    let frame = edit_frame(ctx.t(), &h);
    if let Some(focus) = row_button(&mut form.fields) {
        let errors = FieldErrors::default();
        return form_page(&ctx, &user, frame, &form.fields, &errors, Some(focus)).await;
    }
    match households::update(&ctx.app, &user, id, &form.fields).await? {
        Ok(()) => {
            ctx.session.flash("success", "household.saved");
            Ok(Redirect::to(&format!("/households/{id}")).into_response())
        }
        Err(errors) => form_page(&ctx, &user, frame, &form.fields, &errors, None).await,
    }
}

/// A line of the profile.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

/// A proposal of the household, as the profile lists it.
#[derive(Debug, Clone)]
pub struct ProposalLine {
    pub id: i64,
    pub unit: String,
    pub state: String,
    pub since: String,
}

/// `GET /households/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "household_show.html")]
pub struct ShowPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub csrf: String,
    pub id: i64,
    pub reference: String,
    pub status: String,
    pub status_key: String,
    pub facts: Vec<Fact>,
    pub members: Vec<Fact>,
    pub anchors: Vec<Fact>,
    pub proposals: Vec<ProposalLine>,
    pub reason_error: Option<String>,
    pub reason: String,
}

fn yes_no(t: Texts, v: bool) -> String {
    t.get(if v { "common.yes" } else { "common.no" }).to_owned()
}

async fn show_page(
    ctx: &PageCtx,
    user: &CurrentUser,
    h: StoredHousehold,
    reason_error: Option<String>,
    reason: String,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let locale = ctx.locale;
    let p = &h.profile;
    let areas = households::area_choices(&ctx.app).await?;
    let opt = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| explain::date(locale, d));
    let mut facts = vec![
        (
            "household.labels.residence_status",
            t.get(&format!(
                "household.residence.{}",
                p.residence_status.as_str()
            ))
            .to_owned(),
        ),
        (
            "household.labels.benefit_type",
            opt(p.benefit_type.map(|b| {
                t.get(&format!("household.benefit.{}", b.as_str()))
                    .to_owned()
            })),
        ),
        (
            "household.labels.work_situation",
            opt(p.work_situation.map(|w| {
                t.get(&format!("proposal.work_situation.{}", w.as_str()))
                    .to_owned()
            })),
        ),
        ("household.labels.wheelchair", yes_no(t, p.wheelchair)),
        (
            "household.labels.max_floor_without_lift",
            opt(p.max_floor_without_lift.map(|v| v.to_string())),
        ),
        (
            "household.labels.rooms_wanted",
            opt(p.rooms_wanted.map(|v| explain::compact(locale, v))),
        ),
        ("household.labels.pets", yes_no(t, p.pets)),
        (
            "household.labels.allowed",
            if p.residence_obligation {
                let names: Vec<String> = h
                    .allowed_municipalities
                    .iter()
                    .filter_map(|id| areas.iter().find(|(a, _)| a == id))
                    .map(|(_, n)| n.clone())
                    .collect();
                let until = date(p.residence_obligation_until)
                    .map(|d| format!(" ({} {d})", t.get("household.until")))
                    .unwrap_or_default();
                format!("{}{until}", names.join(", "))
            } else {
                t.get("household.no_obligation").to_owned()
            },
        ),
        (
            "household.labels.max_distance_km",
            opt(p.max_distance_km.map(|v| explain::km(locale, v))),
        ),
        (
            "household.labels.latest_move_date",
            opt(date(p.latest_move_date)),
        ),
        (
            "household.labels.follow_up_site",
            opt(p.follow_up_site.clone()),
        ),
        (
            "household.labels.in_follow_up_since",
            opt(date(p.in_follow_up_since)),
        ),
        (
            "household.labels.urgency",
            format!(
                "{}{}",
                t.get(&format!("household.urgency.{}", p.urgency)),
                p.urgency_reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ),
        ),
        (
            "household.labels.languages",
            p.languages
                .iter()
                .map(|code| super::dashboard::language_name(t, code))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "household.labels.preferred_language",
            language_label(t, p.preferred_language),
        ),
        ("household.labels.email", opt(p.email.clone())),
        ("household.labels.phone", opt(p.phone.clone())),
        (
            "household.labels.caseworker_name",
            opt(p.caseworker_name.clone().map(|n| {
                [
                    Some(n),
                    p.caseworker_email.clone(),
                    p.caseworker_phone.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
            })),
        ),
        (
            "household.labels.landlord_text",
            opt(p.landlord_text.clone()),
        ),
        (
            "household.labels.consent_given",
            match &h.consent {
                Some(c) => format!(
                    "{} {} ({})",
                    t.get("household.consent_on"),
                    explain::date(locale, crate::domain::time::berlin_date(c.at)),
                    c.scope
                        .split(',')
                        .map(|s| t.get(&format!("household.scope.{}", s.trim())).to_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => t.get("household.no_consent").to_owned(),
            },
        ),
        ("household.labels.notes", opt(p.notes.clone())),
    ];
    if !h.consents_to_matching() {
        facts.insert(
            0,
            (
                "household.warning",
                t.get("household.not_matched").to_owned(),
            ),
        );
    }
    let facts = facts
        .into_iter()
        .map(|(k, v)| Fact {
            label: t.get(k).to_owned(),
            value: v,
        })
        .collect();
    let today = ctx.app.clock.today();
    let members = p
        .members
        .iter()
        .map(|m| Fact {
            label: format!(
                "{} {}",
                m.first_name,
                m.last_name.as_deref().unwrap_or_default()
            )
            .trim()
            .to_owned(),
            value: format!(
                "{}, {} {} ({})",
                t.get(&format!("household.role.{}", m.role.as_str())),
                t.get("household.born"),
                m.birth_year,
                crate::i18n::fill(
                    t.get("household.age"),
                    &[("n", &m.age_on(today).to_string())]
                )
            ),
        })
        .collect();
    let anchors = p
        .anchors
        .iter()
        .map(|a| Fact {
            label: format!(
                "{}: {}",
                t.get(&format!("household.anchor.{}", a.kind.as_str())),
                a.label
            ),
            value: [
                a.street.clone(),
                Some(
                    format!(
                        "{} {}",
                        a.postal_code.as_deref().unwrap_or_default(),
                        a.town.as_deref().unwrap_or_default()
                    )
                    .trim()
                    .to_owned(),
                ),
            ]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        })
        .collect();
    let proposals = pipeline::for_household(&ctx.app, user, h.id)
        .await?
        .into_iter()
        .map(|p| ProposalLine {
            id: p.id,
            unit: p.unit_address,
            state: t
                .get(&format!("pipeline.state.{}", p.state.as_str()))
                .to_owned(),
            since: explain::date(locale, crate::domain::time::berlin_date(p.state_changed_at)),
        })
        .collect();
    let status = crate::web::form::status_for(reason_error.is_none());
    let page = ShowPage {
        chrome: ctx.chrome(),
        nav: nav(ctx, user, Some(h.municipality_id), "/households").await?,
        csrf: ctx.csrf(),
        id: h.id,
        reference: p.reference.clone(),
        status: t
            .get(&format!("household.status.{}", h.status.as_str()))
            .to_owned(),
        status_key: h.status.as_str().to_owned(),
        facts,
        members,
        anchors,
        proposals,
        reason_error,
        reason,
    };
    Ok((status, page).into_response())
}

/// `GET /households/{id}`.
pub async fn show_household(
    Path(id): Path<i64>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let h = households::get(&ctx.app, &user, id).await?;
    show_page(&ctx, &user, h, None, String::new()).await
}

/// `POST /households/{id}/status`: pause, close (with a reason) or reactivate.
pub async fn change_status(
    Path(id): Path<i64>,
    AuthedForm { ctx, user, form }: AuthedForm,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let to: HouseholdStatus = form
        .get("to")
        .parse()
        .map_err(|_| PageError::BadRequest("unknown status".into()))?;
    match households::set_status(&ctx.app, &user, id, to, form.get("reason")).await {
        Ok(Ok(())) => {
            ctx.session.flash("success", "household.status_changed");
            Ok(Redirect::to(&format!("/households/{id}")).into_response())
        }
        Ok(Err(errors)) => {
            let h = households::get(&ctx.app, &user, id).await?;
            let message = errors.get("reason").map(|k| ctx.t().get(k).to_owned());
            show_page(&ctx, &user, h, message, form.text("reason")).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A household language as staff read it: its own name with the name in the interface
/// language, "Українська (Ukrainisch)".
pub fn language_label(t: Texts, lang: Language) -> String {
    let own = lang.native_name();
    let ours = super::dashboard::language_name(t, lang.code());
    if own == ours {
        own.to_owned()
    } else {
        format!("{own} ({ours})")
    }
}
