//! Flats files: their columns, the landlord of each row (found by e-mail or created and
//! invited), and importing them (a flat at the same address, floor and landlord is flagged).

use super::*;

/// Columns of a units file.
pub const UNIT_COLUMNS: &[&str] = &[
    "landlord_name",
    "landlord_email",
    "landlord_phone",
    "street",
    "house_number",
    "address_extra",
    "postal_code",
    "town",
    "lat",
    "lon",
    "area_m2",
    "rooms",
    "floor",
    "has_lift",
    "step_free",
    "wheelchair_accessible",
    "furnished",
    "pets_allowed",
    "max_occupants",
    "cold_rent",
    "service_charges",
    "heating_costs",
    "deposit",
    "available_from",
    "lease_type",
    "lease_end",
    "pref_max_household_size",
    "pref_tags",
    "pref_notes",
    "description",
    "status",
];

/// The landlord a units row names: (name, e-mail, phone).
pub(super) fn landlord_of(row: &Row) -> Result<(String, String, Option<String>), Vec<Problem>> {
    let get = |c: &str| row.cells.get(c).cloned().unwrap_or_default();
    let name = get("landlord_name");
    let email = get("landlord_email").to_lowercase();
    let mut problems = Vec::new();
    if !(2..=200).contains(&name.chars().count()) {
        problems.push(Problem {
            line: row.line,
            column: Some("landlord_name".into()),
            key: "validation.name_length".into(),
            value: Some(cut(&name)),
        });
    }
    if !validator::ValidateEmail::validate_email(&email) {
        problems.push(Problem {
            line: row.line,
            column: Some("landlord_email".into()),
            key: "validation.email_invalid".into(),
            value: Some(cut(&email)),
        });
    }
    if get("landlord_phone").chars().count() > 50 {
        problems.push(Problem {
            line: row.line,
            column: Some("landlord_phone".into()),
            key: "validation.too_long".into(),
            value: Some(cut(&get("landlord_phone"))),
        });
    }
    if problems.is_empty() {
        Ok((
            name,
            email,
            Some(get("landlord_phone")).filter(|p| !p.is_empty()),
        ))
    } else {
        Err(problems)
    }
}

pub(super) fn unit_fields(row: &Row) -> (Vec<(String, String)>, Vec<Problem>, Option<UnitStatus>) {
    let mut fields = Vec::new();
    let mut problems = Vec::new();
    let mut status = None;
    for (column, value) in &row.cells {
        if value.is_empty() {
            continue;
        }
        match column.as_str() {
            "has_lift" | "step_free" | "wheelchair_accessible" | "furnished" | "pets_allowed" => {
                match yes_no(value) {
                    Some(true) => fields.push((column.clone(), "1".into())),
                    Some(false) => {}
                    None => problems.push(Problem {
                        line: row.line,
                        column: Some(column.clone()),
                        key: "import.yes_no".into(),
                        value: Some(cut(value)),
                    }),
                }
            }
            "lease_type" => {
                let v = match value.to_lowercase().as_str() {
                    "unbefristet" | "open_ended" | "open-ended" => "open_ended".to_owned(),
                    "befristet" | "fixed_term" | "fixed-term" => "fixed_term".to_owned(),
                    other => other.to_owned(),
                };
                fields.push(("lease_type".into(), v));
            }
            "pref_tags" => {
                for tag in list(value) {
                    fields.push(("pref_tags".into(), tag.to_lowercase()));
                }
            }
            "status" => match value.to_lowercase().as_str() {
                "checked" | "geprüft" => status = Some(UnitStatus::Checked),
                "available" | "frei" | "freigegeben" => status = Some(UnitStatus::Available),
                _ => problems.push(Problem {
                    line: row.line,
                    column: Some("status".into()),
                    key: "import.unit_status".into(),
                    value: Some(cut(value)),
                }),
            },
            "landlord_name" | "landlord_email" | "landlord_phone" => {}
            other => fields.push((other.to_owned(), value.clone())),
        }
    }
    if row.cells.get("lease_type").is_none_or(|v| v.is_empty()) {
        fields.push(("lease_type".into(), "open_ended".into()));
    }
    (fields, problems, status)
}

pub(super) fn same_address(
    a: &unit::Model,
    street: &str,
    number: &str,
    postal: &str,
    floor: i32,
) -> bool {
    a.street.trim().eq_ignore_ascii_case(street.trim())
        && a.house_number.trim().eq_ignore_ascii_case(number.trim())
        && a.postal_code.trim() == postal.trim()
        && a.floor == floor
}

/// A row of a flats file that passed every check: its line, the flat, its landlord
/// (name, e-mail, phone) and the status it is imported in.
type ValidRow = (
    u64,
    crate::services::units::ValidUnit,
    (String, String, Option<String>),
    Option<UnitStatus>,
);

/// (line, unit id, municipality id, landlord id) of an imported flat.
type Imported = (u64, i64, i64, i64);

pub(super) async fn import_units(
    app: &App,
    actor: &Actor,
    rows: Vec<Row>,
    options: &Options,
    mut report: Report,
    progress: Progress<'_>,
) -> Result<Report, ServiceError> {
    let total = rows.len() as u64;
    let mut valid = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        progress(0, i as u64, total);
        match check_row(app, actor, row, options).await? {
            Ok(checked) => valid.push(checked),
            Err(problems) => report.rejected.extend(problems),
        }
    }
    if !report.rejected.is_empty() {
        report.rejected.sort_by_key(|p| p.line);
        return finish_rejected(app, actor, Kind::Units, options, report).await;
    }
    let now = app.clock.now();
    let by = actor.user_id();
    let txn = app.db.begin().await?;
    let mut landlords_of_file = LandlordsOfFile::default();
    let mut imported: Vec<Imported> = Vec::new();
    for (i, (line, unit, landlord, status)) in valid.iter().enumerate() {
        progress(1, i as u64, valid.len() as u64);
        let landlord_id = landlords_of_file.id_for(&txn, landlord, by, now).await?;
        let d = &unit.details;
        let a = &d.address;
        let same: Vec<unit::Model> =
            units::of_landlord_at(&txn, landlord_id, &a.postal_code, d.floor)
                .await?
                .into_iter()
                .filter(|u| same_address(u, &a.street, &a.house_number, &a.postal_code, d.floor))
                .collect();
        let id = units::insert(
            &txn,
            landlord_id,
            unit.municipality_id,
            status.unwrap_or(UnitStatus::Checked),
            d,
            by,
            now,
        )
        .await?;
        for programme in &unit.programmes {
            incentives::request(&txn, id, *programme, None, now).await?;
        }
        if let Some(existing) = same.iter().map(|u| u.id).min() {
            report.flagged.push(Flagged {
                line: *line,
                key: "import.duplicate_unit".into(),
                existing_id: existing,
                new_id: Some(id),
            });
        }
        imported.push((*line, id, unit.municipality_id, landlord_id));
    }
    report.accepted = valid.len() as u64;
    report.imported = true;
    report.created_at = Some(now);
    let import_id = save_record(&txn, actor, Kind::Units, options, &report, now).await?;
    report.import_id = import_id;
    flag_duplicates(&txn, &report, &imported, import_id, now).await?;
    invite_new_landlords(app, &txn, actor, &landlords_of_file.new, &imported, now).await?;
    complete(&txn, actor, Kind::Units, options, &report, now).await?;
    txn.commit().await?;
    progress(1, valid.len() as u64, valid.len() as u64);
    Ok(report)
}

/// One row of a flats file checked as the flat form checks it, plus the landlord's columns
/// and whether the importer may bring flats to the flat's municipality.
async fn check_row(
    app: &App,
    actor: &Actor,
    row: &Row,
    options: &Options,
) -> Result<Result<ValidRow, Vec<Problem>>, ServiceError> {
    let landlord = landlord_of(row);
    let (fields, mut problems, status) = unit_fields(row);
    if let Err(p) = &landlord {
        problems.extend(p.iter().cloned());
    }
    // An availability date in the past is a fact here (the flat is free already).
    let keep = parse_date(Fields(&fields).get("available_from"));
    let checked = crate::services::units::validate_unit(app, Fields(&fields), keep).await?;
    let unit = match checked {
        Ok(u) => Some(u),
        Err(errors) => {
            problems.extend(problems_of(row, &errors, &|f: &str| f.to_owned()));
            None
        }
    };
    if let Some(u) = &unit {
        let refused = if options
            .only_municipality
            .is_some_and(|only| only != u.municipality_id)
        {
            Some("import.other_municipality")
        } else if !may_import(actor, u.municipality_id) {
            Some("import.not_yours")
        } else {
            None
        };
        if let Some(key) = refused {
            problems.push(Problem {
                line: row.line,
                column: Some("postal_code".into()),
                key: key.into(),
                value: row.cells.get("postal_code").map(|v| cut(v)),
            });
        }
    }
    problems.sort_by(|a, b| a.column.cmp(&b.column));
    problems.dedup();
    Ok(match (problems.is_empty(), unit, landlord) {
        (true, Some(unit), Ok(landlord)) => Ok((row.line, unit, landlord, status)),
        _ => Err(problems),
    })
}

/// The landlords of one file by e-mail: looked up once each, created when Bleibe does not
/// know them yet (those are invited at the end).
#[derive(Default)]
struct LandlordsOfFile {
    ids: BTreeMap<String, i64>,
    new: BTreeSet<i64>,
}

impl LandlordsOfFile {
    async fn id_for<C: sea_orm::ConnectionTrait>(
        &mut self,
        db: &C,
        (name, email, phone): &(String, String, Option<String>),
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, ServiceError> {
        if let Some(id) = self.ids.get(email) {
            return Ok(*id);
        }
        let id = match landlords::find_by_contact_email(db, email).await? {
            Some(l) => l.id,
            None => {
                let landlord = NewLandlord {
                    user_id: None,
                    kind: "private".into(),
                    display_name: name.clone(),
                    contact_email: Some(email.clone()),
                    phone: phone.clone(),
                    locale: Locale::De,
                    created_by: by,
                };
                let id = landlords::insert(db, &landlord, now).await?;
                self.new.insert(id);
                id
            }
        };
        self.ids.insert(email.clone(), id);
        Ok(id)
    }
}

/// A review flag for each imported flat at the address, floor and landlord of one Bleibe
/// had already.
async fn flag_duplicates<C: sea_orm::ConnectionTrait>(
    db: &C,
    report: &Report,
    imported: &[Imported],
    import_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    for f in &report.flagged {
        let municipality = imported.iter().find(|i| i.0 == f.line).map(|i| i.2);
        let reason = format!(
            "line {}: same address, floor and landlord as unit #{}",
            f.line, f.existing_id
        );
        let flag = imports::NewFlag {
            kind: "duplicate_unit",
            entity: "units",
            entity_id: f.new_id.unwrap_or_default(),
            other_entity_id: Some(f.existing_id),
            municipality_id: municipality,
            import_id,
            reason: &reason,
        };
        imports::insert_flag(db, flag, now).await?;
    }
    Ok(())
}

/// Landlords new to Bleibe get the link to take their flats over with an account (named
/// by the first of their flats in the file).
async fn invite_new_landlords(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    new_landlords: &BTreeSet<i64>,
    imported: &[Imported],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let inviter = match actor {
        Actor::System => "Bleibe".to_owned(),
        Actor::User(u) => u.display_name.clone(),
    };
    for landlord_id in new_landlords {
        let Some(l) = landlords::find(txn, *landlord_id).await? else {
            continue;
        };
        let Some((_, unit_id, municipality_id, _)) = imported.iter().find(|i| i.3 == *landlord_id)
        else {
            continue;
        };
        let unit = units::find(txn, *unit_id).await?;
        let m = crate::store::municipalities::find(txn, *municipality_id).await?;
        let (Some(unit), Some(m)) = (unit, m) else {
            continue;
        };
        let a = &unit.details.address;
        crate::services::accounts::invite_landlord(
            app,
            txn,
            l.id,
            &l.display_name,
            &l.contact_email.clone().unwrap_or_default(),
            Locale::De,
            &inviter,
            &a.one_line(),
            &m.name,
            m.id,
            now,
        )
        .await?;
    }
    Ok(())
}
