//! The household form's sections and the repeated rows of members and important places
//! (the pages that show it are in `edit.rs`).

use super::*;

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
    /// The version the form was opened at (edits only).
    pub version: String,
    /// Someone saved this household since the form was opened: the link to the current one.
    pub stale: Option<String>,
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

pub(super) fn build_form(
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
    (
        base_section(t, f, errors),
        members,
        needs_sections(t, f, errors, areas),
        anchors,
        contact_sections(t, f, errors),
    )
}

/// A section of the household form: its title (`household.sections.<id>`) and, with
/// `intro`, the sentence under it (`household.sections.<id>_intro`).
fn section(t: Texts, id: &str, intro: bool, fields: Vec<Field>) -> Section {
    Section {
        id: id.into(),
        title: t.get(&format!("household.sections.{id}")).to_owned(),
        intro: intro.then(|| t.get(&format!("household.sections.{id}_intro")).to_owned()),
        fields,
    }
}

/// Reference, residence status, benefits and work.
fn base_section(t: Texts, f: Fields<'_>, errors: &FieldErrors) -> Section {
    let statuses: Vec<&str> = ResidenceStatus::ALL.iter().map(|s| s.as_str()).collect();
    let benefits: Vec<&str> = BenefitType::ALL.iter().map(|s| s.as_str()).collect();
    let works: Vec<&str> = WorkSituation::ALL.iter().map(|s| s.as_str()).collect();
    let optional = |choices: Vec<(String, String)>| {
        let mut c = choices;
        c.insert(0, (String::new(), t.get("household.not_given").to_owned()));
        c
    };
    let choice = |name: &str, prefix: &str, values: &[&str]| {
        select_field(t, f, errors, name, optional(options(t, prefix, values)))
    };
    section(
        t,
        "base",
        false,
        vec![
            text_field(t, f, errors, "reference", Kind::Text).required(),
            choice("residence_status", "household.residence", &statuses).required(),
            choice("benefit_type", "household.benefit", &benefits),
            choice("work_situation", "proposal.work_situation", &works),
        ],
    )
}

/// Needs, the place (residence obligation, distance) and time (move date, waiting,
/// urgency).
fn needs_sections(
    t: Texts,
    f: Fields<'_>,
    errors: &FieldErrors,
    areas: &[(i64, String)],
) -> Vec<Section> {
    let allowed_values: Vec<&str> = f.all("allowed");
    let area_options = areas
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let urgencies = options(t, "household.urgency", &["0", "1", "2", "3"]);
    vec![
        section(
            t,
            "needs",
            false,
            vec![
                check_field(t, f, errors, "wheelchair"),
                text_field(t, f, errors, "max_floor_without_lift", Kind::Number)
                    .inputmode("numeric"),
                text_field(t, f, errors, "rooms_wanted", Kind::Number).inputmode("decimal"),
                check_field(t, f, errors, "pets"),
            ],
        ),
        section(
            t,
            "place",
            true,
            vec![
                check_field(t, f, errors, "residence_obligation"),
                Field::new(t, "household", "allowed", Kind::Checkboxes)
                    .options(area_options, &allowed_values)
                    .error_from(t, errors),
                text_field(t, f, errors, "residence_obligation_until", Kind::Date),
                text_field(t, f, errors, "max_distance_km", Kind::Number)
                    .inputmode("decimal")
                    .suffix("km"),
            ],
        ),
        section(
            t,
            "time",
            false,
            vec![
                text_field(t, f, errors, "latest_move_date", Kind::Date),
                text_field(t, f, errors, "follow_up_site", Kind::Text).wide(),
                text_field(t, f, errors, "in_follow_up_since", Kind::Date),
                select_field(t, f, errors, "urgency", urgencies).required(),
                text_field(t, f, errors, "urgency_reason", Kind::TextArea),
            ],
        ),
    ]
}

/// Languages, contact, what landlords may read, consent and notes.
fn contact_sections(t: Texts, f: Fields<'_>, errors: &FieldErrors) -> Vec<Section> {
    let language_values: Vec<&str> = f.all("languages");
    let scope_values: Vec<&str> = f.all("consent_scope");
    let preferred = Language::ALL
        .iter()
        .map(|l| (l.code().to_owned(), language_label(t, *l)))
        .collect();
    vec![
        section(
            t,
            "languages",
            false,
            vec![
                Field::new(t, "household", "languages", Kind::Checkboxes)
                    .options(options(t, "languages", KNOWN_LANGUAGES), &language_values)
                    .error_from(t, errors),
                text_field(t, f, errors, "languages_other", Kind::Text),
                select_field(t, f, errors, "preferred_language", preferred),
            ],
        ),
        section(
            t,
            "contact",
            false,
            vec![
                text_field(t, f, errors, "email", Kind::Email).wide(),
                text_field(t, f, errors, "phone", Kind::Text),
                text_field(t, f, errors, "caseworker_name", Kind::Text).wide(),
                text_field(t, f, errors, "caseworker_email", Kind::Email).wide(),
                text_field(t, f, errors, "caseworker_phone", Kind::Text),
            ],
        ),
        section(
            t,
            "share",
            true,
            vec![text_field(t, f, errors, "landlord_text", Kind::TextArea)],
        ),
        section(
            t,
            "consent",
            true,
            vec![
                check_field(t, f, errors, "consent_given"),
                text_field(t, f, errors, "consent_date", Kind::Date),
                Field::new(t, "household", "consent_scope", Kind::Checkboxes)
                    .options(options(t, "household.scope", CONSENT_SCOPES), &scope_values)
                    .error_from(t, errors),
            ],
        ),
        section(
            t,
            "notes",
            false,
            vec![text_field(t, f, errors, "notes", Kind::TextArea)],
        ),
    ]
}
