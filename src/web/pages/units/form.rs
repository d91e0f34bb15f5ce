//! The flat form page: its sections, photos and incentive programmes, built from the
//! editor the service returns.

use super::*;

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
    let (address, sections) = form_sections(t, f, e);
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
    let (action, title, is_edit) = form_target(editor);
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
        photos: photo_views(t, f, editor),
        photo_field,
        programmes: programme_views(ctx.locale, f, editor),
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
        version: f.get(crate::domain::input::VERSION_FIELD).to_owned(),
        stale: match editor.target {
            Target::Unit(id) if editor.stale => Some(format!("/units/{id}")),
            _ => None,
        },
    };
    let status = if page.stale.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        crate::web::form::status_for(page.summary.is_empty())
    };
    with_tile_policy(
        (status, page).into_response(),
        &ctx.app.settings.map.tile_url,
    )
}

/// Where the form posts, its title, and whether it edits a stored flat.
fn form_target(editor: &Editor) -> (String, &'static str, bool) {
    match editor.target {
        Target::New { landlord_id } if editor.on_behalf => (
            format!("/landlords/{landlord_id}/units/new"),
            "unit.title_new",
            false,
        ),
        Target::New { .. } => ("/units/new".to_owned(), "unit.title_new", false),
        Target::Draft(id) => (format!("/units/drafts/{id}"), "unit.title_new", false),
        Target::Unit(id) => (format!("/units/{id}/edit"), "unit.title_edit", true),
    }
}

/// The form's sections: the address, then the flat, the rent and the landlord's wishes.
fn form_sections(t: Texts, f: Fields<'_>, e: &FieldErrors) -> (Section, Vec<Section>) {
    let field = |name: &str, kind: Kind| unit_field(t, f, e, name, kind);
    let address = section(
        t,
        "address",
        true,
        vec![
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
    );
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
    let sections = vec![
        section(t, "flat", false, flat),
        section(t, "rent", true, rent_fields(t, f, e)),
        section(t, "wishes", true, wish_fields(t, f, e)),
    ];
    (address, sections)
}

/// A field of the flat form with its posted value and error.
fn unit_field(t: Texts, f: Fields<'_>, e: &FieldErrors, name: &str, kind: Kind) -> Field {
    Field::new(t, "unit", name, kind)
        .value(f.get(name))
        .error_from(t, e)
}

/// A section of the flat form: its title (`unit.sections.<id>`) and, with `intro`, the
/// sentence under it.
fn section(t: Texts, id: &str, intro: bool, fields: Vec<Field>) -> Section {
    Section {
        id: id.into(),
        title: text(t, &format!("unit.sections.{id}")),
        intro: intro.then(|| text(t, &format!("unit.sections.{id}_intro"))),
        fields,
    }
}

/// Rent, costs, deposit and the lease's term.
fn rent_fields(t: Texts, f: Fields<'_>, e: &FieldErrors) -> Vec<Field> {
    let field = |name: &str, kind: Kind| unit_field(t, f, e, name, kind);
    let money = |name: &str| field(name, Kind::Number).inputmode("decimal").suffix("€");
    let lease_choices = vec![
        ("open_ended".to_owned(), text(t, "unit.lease.open_ended")),
        ("fixed_term".to_owned(), text(t, "unit.lease.fixed_term")),
    ];
    vec![
        money("cold_rent").required(),
        money("service_charges").required(),
        money("heating_costs"),
        money("deposit"),
        field("available_from", Kind::Date).required(),
        field("lease_type", Kind::Radio)
            .required()
            .choices(lease_choices),
        field("lease_end", Kind::Date),
    ]
}

/// Who the landlord would like as tenants, and the flat described in their words.
fn wish_fields(t: Texts, f: Fields<'_>, e: &FieldErrors) -> Vec<Field> {
    let tags: Vec<&str> = f.all("pref_tags");
    let tag_choices = LandlordPreference::ALL
        .iter()
        .map(|p| {
            let name = p.as_str();
            (name.to_owned(), text(t, &format!("unit.tags.{name}")))
        })
        .collect();
    vec![
        unit_field(t, f, e, "pref_max_household_size", Kind::Number).inputmode("numeric"),
        Field::new(t, "unit", "pref_tags", Kind::Checkboxes)
            .options(tag_choices, &tags)
            .error_from(t, e),
        unit_field(t, f, e, "pref_notes", Kind::TextArea).wide(),
        unit_field(t, f, e, "description", Kind::TextArea).wide(),
    ]
}

/// The incentive programmes of the flat's municipality, ticked as posted.
fn programme_views(locale: Locale, f: Fields<'_>, editor: &Editor) -> Vec<ProgrammeView> {
    let selected: Vec<&str> = f.all("incentive");
    let en = locale == Locale::En;
    editor
        .programmes
        .iter()
        .map(|p| ProgrammeView {
            id: p.id,
            name: if en { &p.name_en } else { &p.name_de }.clone(),
            conditions: if en {
                &p.conditions_en
            } else {
                &p.conditions_de
            }
            .clone(),
            selected: selected.contains(&p.id.to_string().as_str()),
        })
        .collect()
}

/// The photos stored so far, with what each shows (what was typed comes back, else what
/// is stored).
fn photo_views(t: Texts, f: Fields<'_>, editor: &Editor) -> Vec<PhotoView> {
    editor
        .photos
        .iter()
        .enumerate()
        .map(|(i, p)| PhotoView {
            id: p.id,
            thumb: format!("/photos/{}?size=thumb", p.storage_key),
            name: p.alt_text.clone().unwrap_or_else(|| {
                crate::i18n::fill(t.get("unit.photo_alt_new"), &[("n", &(i + 1).to_string())])
            }),
            alt: match f.get(&format!("photo_alt_{}", p.id)) {
                "" => p.alt_text.clone().unwrap_or_default(),
                typed => typed.to_owned(),
            },
        })
        .collect()
}

/// Lets the page load map tiles from the configured server; everything else stays on this
/// origin.
fn with_tile_policy(mut response: Response, tile_url: &str) -> Response {
    if let Some(host) = tile_origin(tile_url)
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
