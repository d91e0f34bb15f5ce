//! Households files: their columns and how a row becomes the household form's fields,
//! and importing them (a reference that exists already is put up for review, not imported).

use super::*;

/// Columns of a households file, besides the numbered member and anchor columns.
pub const HOUSEHOLD_COLUMNS: &[&str] = &[
    "municipality",
    "reference",
    "residence_status",
    "benefit_type",
    "work_situation",
    "wheelchair",
    "max_floor_without_lift",
    "rooms_wanted",
    "pets",
    "residence_obligation",
    "allowed_municipalities",
    "residence_obligation_until",
    "max_distance_km",
    "latest_move_date",
    "follow_up_site",
    "in_follow_up_since",
    "urgency",
    "urgency_reason",
    "languages",
    "preferred_language",
    "email",
    "phone",
    "caseworker_name",
    "caseworker_email",
    "caseworker_phone",
    "landlord_text",
    "consent_date",
    "consent_scope",
    "notes",
];

/// The form field a households column fills, if it is one.
pub(super) fn household_field(column: &str) -> Option<String> {
    if HOUSEHOLD_COLUMNS.contains(&column) {
        return Some(match column {
            "allowed_municipalities" => "allowed".to_owned(),
            other => other.to_owned(),
        });
    }
    for (prefix, parts, rows) in [
        ("member", MEMBER_PARTS, MEMBER_ROWS),
        ("anchor", ANCHOR_PARTS, ANCHOR_ROWS),
    ] {
        if let Some(rest) = column.strip_prefix(prefix) {
            let (n, part) = rest.split_once('_')?;
            let n: usize = n.parse().ok()?;
            if (1..=rows).contains(&n) && parts.contains(&part) {
                return Some(format!("{prefix}_{part}_{}", n - 1));
            }
        }
    }
    None
}

/// The column a form field came from (for the report).
pub(super) fn household_column(field: &str) -> String {
    for (prefix, parts) in [("member", MEMBER_PARTS), ("anchor", ANCHOR_PARTS)] {
        for part in parts {
            if let Some(n) = field
                .strip_prefix(&format!("{prefix}_{part}_"))
                .and_then(|n| n.parse::<usize>().ok())
            {
                return format!("{prefix}{}_{part}", n + 1);
            }
        }
    }
    match field {
        "allowed" => "allowed_municipalities".to_owned(),
        "consent_given" => "consent_date".to_owned(),
        "languages_other" => "languages".to_owned(),
        other => other.to_owned(),
    }
}

/// The form fields of a households row, or the problems of converting it.
pub(super) fn household_fields(
    row: &Row,
    all: &[municipality::Model],
    municipality_id: i64,
) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut fields = Vec::new();
    let mut problems = Vec::new();
    let problem = |column: &str, key: &str, value: &str| Problem {
        line: row.line,
        column: Some(column.to_owned()),
        key: key.to_owned(),
        value: Some(cut(value)),
    };
    for (column, value) in &row.cells {
        if value.is_empty() || column == "municipality" {
            continue;
        }
        match column.as_str() {
            "wheelchair" | "pets" | "residence_obligation" => match yes_no(value) {
                Some(true) => fields.push((column.clone(), "1".into())),
                Some(false) => {}
                None => problems.push(problem(column, "import.yes_no", value)),
            },
            "allowed_municipalities" => {
                for key in list(value) {
                    match find_municipality(all, &key) {
                        Some(m) => fields.push(("allowed".into(), m.id.to_string())),
                        None => problems.push(problem(column, "import.unknown_municipality", &key)),
                    }
                }
            }
            "languages" => {
                let mut other = Vec::new();
                for code in list(value) {
                    let code = code.to_lowercase();
                    if KNOWN_LANGUAGES.contains(&code.as_str()) {
                        fields.push(("languages".into(), code));
                    } else {
                        other.push(code);
                    }
                }
                if !other.is_empty() {
                    fields.push(("languages_other".into(), other.join(",")));
                }
            }
            "consent_scope" => {
                for scope in list(value) {
                    fields.push(("consent_scope".into(), scope.to_lowercase()));
                }
            }
            "consent_date" => {
                fields.push(("consent_given".into(), "1".into()));
                fields.push(("consent_date".into(), value.clone()));
            }
            other => {
                if let Some(field) = household_field(other) {
                    let value = if field.starts_with("member_role_")
                        || field.starts_with("anchor_kind_")
                        || field.starts_with("anchor_importance_")
                        || field == "residence_status"
                        || field == "benefit_type"
                        || field == "work_situation"
                        || field == "preferred_language"
                    {
                        value.to_lowercase()
                    } else {
                        value.clone()
                    };
                    fields.push((field, value));
                }
            }
        }
    }
    if row.cells.get("urgency").is_none_or(|u| u.is_empty()) {
        fields.push(("urgency".into(), "0".into()));
    }
    let _ = municipality_id;
    (fields, problems)
}

pub(super) fn row_municipality(
    row: &Row,
    all: &[municipality::Model],
    options: &Options,
) -> Result<i64, Problem> {
    let cell = row
        .cells
        .get("municipality")
        .map(String::as_str)
        .unwrap_or("");
    let id = if cell.is_empty() {
        options.default_municipality.ok_or_else(|| Problem {
            line: row.line,
            column: Some("municipality".into()),
            key: "import.municipality_missing".into(),
            value: None,
        })?
    } else {
        find_municipality(all, cell)
            .ok_or_else(|| Problem {
                line: row.line,
                column: Some("municipality".into()),
                key: "import.unknown_municipality".into(),
                value: Some(cut(cell)),
            })?
            .id
    };
    if options.only_municipality.is_some_and(|only| only != id) {
        return Err(Problem {
            line: row.line,
            column: Some("municipality".into()),
            key: "import.other_municipality".into(),
            value: Some(cut(cell)),
        });
    }
    Ok(id)
}

/// A row of a households file that passed every check: its line, its municipality and the
/// household as the form reads it.
type ValidRow = (u64, i64, crate::services::households::ValidHousehold);

pub(super) async fn import_households(
    app: &App,
    actor: &Actor,
    rows: Vec<Row>,
    options: &Options,
    mut report: Report,
    progress: Progress<'_>,
) -> Result<Report, ServiceError> {
    let (valid, duplicates) = check_rows(app, actor, &rows, options, &mut report, progress).await?;
    if !report.rejected.is_empty() {
        return finish_rejected(app, actor, Kind::Households, options, report).await;
    }
    let now = app.clock.now();
    let by = actor.user_id();
    let txn = app.db.begin().await?;
    let mut ids_by_line = BTreeMap::new();
    for (i, (line, municipality_id, v)) in valid.iter().enumerate() {
        progress(1, i as u64, valid.len() as u64);
        let consent = v.consent.as_ref().map(|(at, scope)| Consent {
            at: *at,
            scope: scope.clone(),
            recorded_by: by,
        });
        let id = households::insert(
            &txn,
            *municipality_id,
            HouseholdStatus::Active,
            &v.profile,
            &v.allowed,
            consent.as_ref(),
            by,
            now,
        )
        .await?;
        ids_by_line.insert(*line, id);
    }
    // Rows repeating a reference of an earlier row of the file: flagged against it.
    for (line, _, first, _) in &duplicates {
        if let Some(first) = first
            && let Some(existing) = ids_by_line.get(first)
        {
            report.flagged.push(Flagged {
                line: *line,
                key: "import.duplicate_in_file".into(),
                existing_id: *existing,
                new_id: None,
            });
        }
    }
    report.flagged.sort_by_key(|f| f.line);
    report.accepted = valid.len() as u64;
    report.imported = true;
    report.created_at = Some(now);
    let import_id = save_record(&txn, actor, Kind::Households, options, &report, now).await?;
    report.import_id = import_id;
    flag_duplicates(&txn, &report, &duplicates, import_id, now).await?;
    // The stored report carries the id now.
    complete(&txn, actor, Kind::Households, options, &report, now).await?;
    txn.commit().await?;
    progress(1, valid.len() as u64, valid.len() as u64);
    Ok(report)
}

/// Every row checked as the household form checks it (phase 0): the valid rows, and the
/// rows whose reference repeats one of the file or of Bleibe (those are flagged, not
/// imported). Rows with problems go to the report.
async fn check_rows(
    app: &App,
    actor: &Actor,
    rows: &[Row],
    options: &Options,
    report: &mut Report,
    progress: Progress<'_>,
) -> Result<(Vec<ValidRow>, Vec<Duplicate>), ServiceError> {
    let all = crate::store::municipalities::list(&app.db).await?;
    let total = rows.len() as u64;
    let mut valid = Vec::new();
    // References seen in this file, by municipality: (reference → line).
    let mut in_file: BTreeMap<(i64, String), u64> = BTreeMap::new();
    let mut duplicates: Vec<Duplicate> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        progress(0, i as u64, total);
        let municipality_id = match row_municipality(row, &all, options) {
            Ok(id) => id,
            Err(p) => {
                report.rejected.push(p);
                continue;
            }
        };
        if !may_import(actor, municipality_id) {
            report.rejected.push(Problem {
                line: row.line,
                column: Some("municipality".into()),
                key: "import.not_yours".into(),
                value: row.cells.get("municipality").map(|v| cut(v)),
            });
            continue;
        }
        let (fields, problems) = household_fields(row, &all, municipality_id);
        if !problems.is_empty() {
            report.rejected.extend(problems);
            continue;
        }
        let reference = Fields(&fields).get("reference").to_owned();
        let key = (municipality_id, reference.clone());
        if let Some(first) = in_file.get(&key) {
            duplicates.push((row.line, municipality_id, Some(*first), fields));
            continue;
        }
        let existing = if reference.is_empty() {
            None
        } else {
            households::id_of_reference(&app.db, municipality_id, &reference).await?
        };
        if let Some(existing) = existing {
            duplicates.push((row.line, municipality_id, None, fields.clone()));
            report.flagged.push(Flagged {
                line: row.line,
                key: "import.duplicate_reference".into(),
                existing_id: existing,
                new_id: None,
            });
            continue;
        }
        match crate::services::households::validate(app, municipality_id, Fields(&fields), None)
            .await?
        {
            Ok(v) => {
                in_file.insert(key, row.line);
                valid.push((row.line, municipality_id, v));
            }
            Err(errors) => report
                .rejected
                .extend(problems_of(row, &errors, &household_column)),
        }
    }
    Ok((valid, duplicates))
}

/// A review flag for each flagged row, naming the household it may repeat and the row's
/// reference and members (what a coordinator compares).
async fn flag_duplicates<C: sea_orm::ConnectionTrait>(
    db: &C,
    report: &Report,
    duplicates: &[Duplicate],
    import_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    for f in &report.flagged {
        let row = duplicates.iter().find(|d| d.0 == f.line);
        let row_values: BTreeMap<String, String> = row
            .map(|d| {
                d.3.iter()
                    .filter(|(k, _)| k == "reference" || k.starts_with("member_"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let reason = format!(
            "line {}: {}",
            f.line,
            serde_json::to_string(&row_values).unwrap_or_default()
        );
        let flag = imports::NewFlag {
            kind: "duplicate_household",
            entity: "households",
            entity_id: f.existing_id,
            other_entity_id: None,
            municipality_id: row.map(|d| d.1),
            import_id,
            reason: &reason,
        };
        imports::insert_flag(db, flag, now).await?;
    }
    Ok(())
}
