//! JSON bodies read as forms: the API's households and flats arrive as JSON objects and
//! are turned into the very name–value pairs their web forms post, so that the one field
//! reader ([`super::input`]) checks them with the same rules and the same messages. A
//! [`Member`] list describes how a JSON object maps onto a form: scalar members, lists
//! (checkbox groups), rows (`members[2].birth_year` ↔ `member_birth_year_2`) and nested
//! objects (`consent.date` ↔ `consent_date`). Errors come back named by their JSON path.

use serde_json::{Map, Value};

use super::validation::FieldErrors;

/// How one JSON member is written in the form.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A string, as typed.
    Text,
    /// A number (decimal point), handed to the reader with a decimal comma.
    Number,
    /// A whole number.
    Whole,
    /// `true` ticks the form's checkbox, `false` leaves it unticked.
    Flag,
    /// A list of strings: one pair per item (a checkbox group).
    Texts,
    /// A list of whole numbers (ids): one pair per item.
    Ids,
    /// A list of strings written as one text, comma-separated (a "type other codes" field).
    Joined,
    /// A list of objects, each a row of the form: `<form>_<part>_<index>`.
    Rows {
        parts: &'static [(&'static str, Shape)],
        max: usize,
    },
    /// An object whose members are form fields of their own.
    Object(&'static [Member]),
}

/// A member of the JSON object and the form field(s) it fills.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// The member's name in JSON.
    pub json: &'static str,
    /// The form field's name (for rows: the prefix of the row fields).
    pub form: &'static str,
    pub shape: Shape,
    /// Further form fields the member stands for: a change of the member clears them too
    /// (the form's checkboxes of languages when the JSON gives the whole list).
    pub also: &'static [&'static str],
}

impl Member {
    /// A member named alike in JSON and in the form.
    pub const fn same(name: &'static str, shape: Shape) -> Self {
        Self {
            json: name,
            form: name,
            shape,
            also: &[],
        }
    }

    /// A member whose form field is named otherwise.
    pub const fn named(json: &'static str, form: &'static str, shape: Shape) -> Self {
        Self {
            json,
            form,
            shape,
            also: &[],
        }
    }

    /// Whether the form field `name` belongs to this member.
    fn owns(&self, name: &str) -> bool {
        match self.shape {
            Shape::Rows { .. } => name
                .strip_prefix(self.form)
                .is_some_and(|rest| rest.starts_with('_')),
            Shape::Object(members) => members.iter().any(|m| m.owns(name)),
            _ => name == self.form || self.also.contains(&name),
        }
    }
}

/// The pairs of a whole JSON object (a new household or flat). Members in `other` are
/// read elsewhere (a municipality id, a status) and skipped; any other unknown member is
/// an error at its name.
pub fn to_pairs(
    members: &[Member],
    body: &Map<String, Value>,
    other: &[&str],
) -> Result<Vec<(String, String)>, FieldErrors> {
    let mut pairs = Vec::new();
    let mut errors = FieldErrors::default();
    read_object(members, body, other, "", &mut pairs, &mut errors);
    if errors.is_empty() {
        Ok(pairs)
    } else {
        Err(errors)
    }
}

/// A change (PATCH) applied to the form fields of the stored record: every member the
/// body names replaces what `base` holds for it (`null` empties it); the rest stays.
pub fn merge(
    members: &[Member],
    base: Vec<(String, String)>,
    body: &Map<String, Value>,
    other: &[&str],
) -> Result<Vec<(String, String)>, FieldErrors> {
    let changes = to_pairs(members, body, other)?;
    let named: Vec<&Member> = members
        .iter()
        .filter(|m| body.contains_key(m.json))
        .collect();
    let mut out: Vec<(String, String)> = base
        .into_iter()
        .filter(|(name, _)| !named.iter().any(|m| m.owns(name)))
        .collect();
    out.extend(changes);
    Ok(out)
}

/// The JSON path of the form field `name`, for error messages: `member_birth_year_2` →
/// `members[2].birth_year`, `consent_date` → `consent.date`. Names of no member stay.
pub fn json_path(members: &[Member], name: &str) -> String {
    path_in(members, name, "").unwrap_or_else(|| name.to_owned())
}

/// The errors of the form reader, renamed to JSON paths.
pub fn json_errors(members: &[Member], errors: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::default();
    for (name, key) in errors.0 {
        out.add(&json_path(members, &name), &key);
    }
    out
}

/// The JSON object of a record's form fields (the inverse of [`to_pairs`]): what the API
/// shows of a household or flat is exactly what it accepts back. Empty texts are `null`.
pub fn from_pairs(members: &[Member], pairs: &[(String, String)]) -> Map<String, Value> {
    let f = super::input::Fields(pairs);
    let mut out = Map::new();
    for m in members {
        let value = match m.shape {
            Shape::Rows { parts, max } => {
                let mut rows = Vec::new();
                for i in 0..max {
                    let mut row = Map::new();
                    for (part, shape) in parts {
                        let text = f.get(&format!("{}_{part}_{i}", m.form));
                        if !text.is_empty() {
                            row.insert((*part).to_owned(), scalar_of(*shape, text));
                        }
                    }
                    if !row.is_empty() {
                        rows.push(Value::Object(row));
                    }
                }
                Value::Array(rows)
            }
            Shape::Object(inner) => {
                let object = from_pairs(inner, pairs);
                let given = inner
                    .iter()
                    .any(|i| matches!(i.shape, Shape::Flag) && f.checked(i.form));
                if given {
                    Value::Object(object)
                } else {
                    Value::Null
                }
            }
            Shape::Texts | Shape::Ids | Shape::Joined => {
                let item = if matches!(m.shape, Shape::Ids) {
                    Shape::Whole
                } else {
                    Shape::Text
                };
                let mut texts: Vec<&str> = m.also.iter().flat_map(|a| f.all(a)).collect();
                for value in f.all(m.form) {
                    texts.extend(value.split(',').map(str::trim).filter(|t| !t.is_empty()));
                }
                Value::Array(texts.into_iter().map(|t| scalar_of(item, t)).collect())
            }
            Shape::Flag => Value::Bool(f.checked(m.form)),
            shape => {
                let text = f.get(m.form);
                if text.is_empty() {
                    Value::Null
                } else {
                    scalar_of(shape, text)
                }
            }
        };
        out.insert(m.json.to_owned(), value);
    }
    out
}

/// A form value as JSON: numbers as numbers (read the way the form writes them).
fn scalar_of(shape: Shape, text: &str) -> Value {
    match shape {
        Shape::Number => super::input::parse_number(text)
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(text.to_owned()), Value::Number),
        Shape::Whole => text
            .trim()
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.to_owned()), Value::from),
        Shape::Flag => Value::Bool(!text.is_empty() && text != "0" && text != "false"),
        _ => Value::String(text.to_owned()),
    }
}

fn path_in(members: &[Member], name: &str, prefix: &str) -> Option<String> {
    for m in members {
        let here = format!("{prefix}{}", m.json);
        match m.shape {
            Shape::Rows { parts, .. } => {
                let Some(rest) = name.strip_prefix(m.form).and_then(|r| r.strip_prefix('_')) else {
                    continue;
                };
                for (part, _) in parts {
                    if let Some(index) = rest
                        .strip_prefix(part)
                        .and_then(|r| r.strip_prefix('_'))
                        .filter(|i| i.bytes().all(|b| b.is_ascii_digit()))
                    {
                        return Some(format!("{here}[{index}].{part}"));
                    }
                }
            }
            Shape::Object(inner) => {
                if let Some(found) = path_in(inner, name, &format!("{here}.")) {
                    return Some(found);
                }
            }
            _ if m.owns(name) => return Some(here),
            _ => {}
        }
    }
    None
}

fn read_object(
    members: &[Member],
    body: &Map<String, Value>,
    other: &[&str],
    prefix: &str,
    pairs: &mut Vec<(String, String)>,
    errors: &mut FieldErrors,
) {
    for (name, value) in body {
        let path = format!("{prefix}{name}");
        let Some(member) = members.iter().find(|m| m.json == name) else {
            if !other.contains(&name.as_str()) {
                errors.add(&path, "validation.unknown_member");
            }
            continue;
        };
        read_member(member, value, &path, pairs, errors);
    }
}

fn read_member(
    member: &Member,
    value: &Value,
    path: &str,
    pairs: &mut Vec<(String, String)>,
    errors: &mut FieldErrors,
) {
    if value.is_null() {
        return;
    }
    let mut push = |text: String| pairs.push((member.form.to_owned(), text));
    match (member.shape, value) {
        (Shape::Rows { parts, max }, Value::Array(rows)) => {
            if rows.len() > max {
                errors.add(path, "validation.too_many_rows");
                return;
            }
            for (i, row) in rows.iter().enumerate() {
                let Value::Object(row) = row else {
                    errors.add(&format!("{path}[{i}]"), "validation.wrong_type");
                    continue;
                };
                for (part, v) in row {
                    let at = format!("{path}[{i}].{part}");
                    match parts.iter().find(|(p, _)| p == part) {
                        Some((_, shape)) => match scalar(*shape, v) {
                            Ok(Some(text)) => {
                                pairs.push((format!("{}_{part}_{i}", member.form), text));
                            }
                            Ok(None) => {}
                            Err(key) => errors.add(&at, key),
                        },
                        None => errors.add(&at, "validation.unknown_member"),
                    }
                }
            }
        }
        (Shape::Object(inner), Value::Object(object)) => {
            let mut nested = Vec::new();
            read_object(inner, object, &[], &format!("{path}."), &mut nested, errors);
            pairs.extend(nested);
        }
        (Shape::Texts | Shape::Ids | Shape::Joined, Value::Array(items)) => {
            let item_shape = if matches!(member.shape, Shape::Ids) {
                Shape::Whole
            } else {
                Shape::Text
            };
            let mut texts = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match scalar(item_shape, item) {
                    Ok(Some(text)) => texts.push(text),
                    Ok(None) => {}
                    Err(key) => errors.add(&format!("{path}[{i}]"), key),
                }
            }
            if matches!(member.shape, Shape::Joined) {
                push(texts.join(", "));
            } else {
                texts.into_iter().for_each(push);
            }
        }
        (Shape::Rows { .. } | Shape::Object(_) | Shape::Texts | Shape::Ids | Shape::Joined, _) => {
            errors.add(path, "validation.wrong_type");
        }
        (shape, v) => match scalar(shape, v) {
            Ok(Some(text)) => push(text),
            Ok(None) => {}
            Err(key) => errors.add(path, key),
        },
    }
}

/// One scalar as the form would hold it (`None`: an unticked checkbox, a `null`).
fn scalar(shape: Shape, value: &Value) -> Result<Option<String>, &'static str> {
    match (shape, value) {
        (_, Value::Null) => Ok(None),
        (Shape::Text, Value::String(s)) => Ok(Some(s.clone())),
        // The reader takes "1.234" for a thousand and more: a JSON number's decimal point
        // becomes the comma it cannot mistake.
        (Shape::Number, Value::Number(n)) => Ok(Some(n.to_string().replace('.', ","))),
        (Shape::Whole, Value::Number(n)) => n
            .as_i64()
            .map(|i| Some(i.to_string()))
            .ok_or("validation.whole_number"),
        (Shape::Flag, Value::Bool(b)) => Ok(b.then(|| "1".to_owned())),
        _ => Err("validation.wrong_type"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PERSON: &[(&str, Shape)] = &[("first_name", Shape::Text), ("birth_year", Shape::Whole)];
    const CONSENT: &[Member] = &[
        Member::named("given", "consent_given", Shape::Flag),
        Member::named("date", "consent_date", Shape::Text),
        Member::named("scope", "consent_scope", Shape::Texts),
    ];
    const SHAPE: &[Member] = &[
        Member::same("reference", Shape::Text),
        Member::same("rooms_wanted", Shape::Number),
        Member::same("wheelchair", Shape::Flag),
        Member::named("allowed_municipalities", "allowed", Shape::Ids),
        Member {
            json: "languages",
            form: "languages_other",
            shape: Shape::Joined,
            also: &["languages"],
        },
        Member::named(
            "members",
            "member",
            Shape::Rows {
                parts: PERSON,
                max: 3,
            },
        ),
        Member::same("consent", Shape::Object(CONSENT)),
    ];

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_object_becomes_the_forms_pairs() {
        let body = object(json!({
            "reference": "ES-1", "rooms_wanted": 2.5, "wheelchair": true,
            "allowed_municipalities": [3, 1], "languages": ["ar", "de"],
            "members": [{"first_name": "Amal", "birth_year": 1990}, {"first_name": "Sami"}],
            "consent": {"given": true, "date": "2026-11-01", "scope": ["matching", "email"]},
            "municipality_id": 1,
        }));
        let got = to_pairs(SHAPE, &body, &["municipality_id"]).expect("valid");
        let mut want = pairs(&[
            ("reference", "ES-1"),
            ("rooms_wanted", "2,5"),
            ("wheelchair", "1"),
            ("allowed", "3"),
            ("allowed", "1"),
            ("languages_other", "ar, de"),
            ("member_first_name_0", "Amal"),
            ("member_birth_year_0", "1990"),
            ("member_first_name_1", "Sami"),
            ("consent_given", "1"),
            ("consent_date", "2026-11-01"),
            ("consent_scope", "matching"),
            ("consent_scope", "email"),
        ]);
        let mut got_sorted = got.clone();
        got_sorted.sort();
        want.sort();
        assert_eq!(got_sorted, want);
    }

    #[test]
    fn a_false_flag_and_a_null_write_nothing() {
        let body = object(json!({"wheelchair": false, "reference": null}));
        assert!(to_pairs(SHAPE, &body, &[]).expect("valid").is_empty());
    }

    #[test]
    fn wrong_kinds_and_unknown_members_are_named_by_their_path() {
        let body = object(json!({
            "reference": 12, "rooms_wanted": "zwei", "colour": "blue",
            "members": [{"first_name": "A", "birth_year": 1990.5, "eyes": "brown"}, 7],
            "consent": {"given": "yes"},
            "allowed_municipalities": [1, "x"],
        }));
        let errors = to_pairs(SHAPE, &body, &[]).expect_err("invalid");
        let got: Vec<(&str, &str)> = errors
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("allowed_municipalities[1]", "validation.wrong_type"),
                ("colour", "validation.unknown_member"),
                ("consent.given", "validation.wrong_type"),
                ("members[0].birth_year", "validation.whole_number"),
                ("members[0].eyes", "validation.unknown_member"),
                ("members[1]", "validation.wrong_type"),
                ("reference", "validation.wrong_type"),
                ("rooms_wanted", "validation.wrong_type"),
            ]
        );
    }

    #[test]
    fn too_many_rows_are_refused() {
        let body = object(json!({"members": [{}, {}, {}, {}]}));
        let errors = to_pairs(SHAPE, &body, &[]).expect_err("too many");
        assert_eq!(
            errors.0.get("members").map(String::as_str),
            Some("validation.too_many_rows")
        );
    }

    #[test]
    fn a_change_replaces_only_the_members_it_names() {
        let base = pairs(&[
            ("reference", "ES-1"),
            ("wheelchair", "1"),
            ("languages", "de"),
            ("member_first_name_0", "Amal"),
            ("member_first_name_1", "Sami"),
            ("consent_given", "1"),
            ("consent_date", "2026-11-01"),
            ("version", "4"),
        ]);
        let body = object(json!({
            "wheelchair": false, "languages": ["ar"],
            "members": [{"first_name": "Nour"}], "consent": null,
        }));
        let got = merge(SHAPE, base, &body, &[]).expect("valid");
        assert_eq!(
            got,
            pairs(&[
                ("reference", "ES-1"),
                ("version", "4"),
                ("languages_other", "ar"),
                ("member_first_name_0", "Nour"),
            ])
        );
    }

    #[test]
    fn a_records_fields_read_back_as_the_json_they_came_from() {
        let body = object(json!({
            "reference": "ES-1", "rooms_wanted": 2.5, "wheelchair": true,
            "allowed_municipalities": [3, 1], "languages": ["ar", "de"],
            "members": [{"first_name": "Amal", "birth_year": 1990}, {"first_name": "Sami"}],
            "consent": {"given": true, "date": "2026-11-01", "scope": ["matching", "email"]},
        }));
        let pairs = to_pairs(SHAPE, &body, &[]).expect("valid");
        let back = Value::Object(from_pairs(SHAPE, &pairs));
        assert_eq!(back, Value::Object(body));
        // Without consent, with the form's own checkboxes of languages.
        let form = pairs_of(&[
            ("reference", "ES-2"),
            ("languages", "de"),
            ("languages_other", "ti"),
        ]);
        let back = from_pairs(SHAPE, &form);
        assert_eq!(back.get("consent"), Some(&Value::Null));
        assert_eq!(back.get("languages"), Some(&json!(["de", "ti"])));
        assert_eq!(back.get("wheelchair"), Some(&json!(false)));
        assert_eq!(back.get("rooms_wanted"), Some(&Value::Null));
    }

    fn pairs_of(list: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs(list)
    }

    #[test]
    fn form_names_map_back_to_json_paths() {
        assert_eq!(
            json_path(SHAPE, "member_birth_year_2"),
            "members[2].birth_year"
        );
        assert_eq!(json_path(SHAPE, "consent_date"), "consent.date");
        assert_eq!(json_path(SHAPE, "allowed"), "allowed_municipalities");
        assert_eq!(json_path(SHAPE, "languages_other"), "languages");
        assert_eq!(json_path(SHAPE, "reference"), "reference");
        assert_eq!(json_path(SHAPE, "member_x_1"), "member_x_1");
    }
}
