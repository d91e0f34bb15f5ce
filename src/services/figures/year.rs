//! The yearly report for the Regierungspräsidium: what a year brought, as a page and XLSX.

use super::exports::text;
use super::*;

/// The yearly report's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearReport {
    pub year: i32,
    pub municipality: String,
    pub district: String,
    pub rule_versions: Vec<(i32, NaiveDate, Option<String>)>,
    pub households_registered: u64,
    pub households_active_at_end: u64,
    pub units_registered: u64,
    pub proposals_sent: u64,
    pub accepted_by_both: u64,
    pub declined_by_landlord: u64,
    pub declined_by_household: u64,
    pub expired: u64,
    pub decline_reasons: Vec<(String, u64)>,
    pub leases_signed: u64,
    pub head_leases: u64,
    pub moved_in: u64,
    pub persons_placed: u64,
    pub places_freed: i64,
    pub median_days_to_move_in: Option<f64>,
    pub moved_in_per_month: Vec<(u32, u64)>,
    /// Per programme: (name, granted count, granted sum, paid sum).
    pub incentives: Vec<(String, u64, Cents, Cents)>,
    pub follow_ups_done: u64,
    pub sustained: u64,
    pub ended_early: u64,
    /// Records left out because they break an invariant: why, and how many.
    pub left_out: Vec<(Problem, u64)>,
}

fn in_year(d: Option<NaiveDate>, year: i32) -> bool {
    d.is_some_and(|d| d.year() == year)
}

fn instant_in_year(d: Option<DateTime<Utc>>, year: i32) -> bool {
    in_year(d.map(crate::domain::time::berlin_date), year)
}

/// Computes the report of `year` from the rows (and the events of the proposals).
pub fn year_report(
    data: &Data,
    events: &[entities::proposal_event::Model],
    year: i32,
    locale: Locale,
) -> YearReport {
    let sound = sound(data);
    let mut r = YearReport {
        year,
        left_out: sound.left_out.clone(),
        ..Default::default()
    };
    // Events of proposals whose placement is left out do not count either.
    let left_out: Vec<i64> = data
        .placements
        .iter()
        .filter(|p| !sound.placements.iter().any(|k| k.id == p.id))
        .map(|p| p.proposal_id)
        .collect();
    let events: Vec<&entities::proposal_event::Model> = events
        .iter()
        .filter(|e| !left_out.contains(&e.proposal_id) && instant_in_year(Some(e.created_at), year))
        .collect();
    count_registrations(data, year, &mut r);
    count_answers(&events, Texts::new(locale), &mut r);
    count_placements(data, &sound, year, &mut r);
    r.incentives = data
        .programmes
        .iter()
        .map(|programme| incentives_of(programme, &sound, year, locale))
        .collect();
    r
}

/// Households, flats and proposals that came in during the year.
fn count_registrations(data: &Data, year: i32, r: &mut YearReport) {
    let mine = |h: &&household::Model| h.municipality_id == data.municipality_id;
    r.households_registered = data
        .households
        .iter()
        .filter(mine)
        .filter(|h| instant_in_year(Some(h.created_at), year))
        .count() as u64;
    r.households_active_at_end = data
        .households
        .iter()
        .filter(mine)
        .filter(|h| {
            crate::domain::time::berlin_date(h.created_at).year() <= year
                && (h.status == "active" || h.status == "paused")
        })
        .count() as u64;
    r.units_registered = data
        .units
        .iter()
        .filter(|u| instant_in_year(u.submitted_at.or(Some(u.created_at)), year))
        .count() as u64;
    r.proposals_sent = data
        .proposals
        .iter()
        .filter(|p| instant_in_year(p.sent_at, year))
        .count() as u64;
}

/// The answers and outcomes of the year's events (those of the year only), with the
/// reasons of declines in the report's language.
fn count_answers(events: &[&entities::proposal_event::Model], t: Texts, r: &mut YearReport) {
    let reached = |state: ProposalState| {
        events
            .iter()
            .filter(|e| e.to_state == state.as_str())
            .count() as u64
    };
    r.accepted_by_both = reached(ProposalState::Accepted);
    r.declined_by_landlord = reached(ProposalState::LandlordDeclined);
    r.declined_by_household = reached(ProposalState::HouseholdDeclined);
    r.expired = reached(ProposalState::Expired);
    r.sustained = reached(ProposalState::Sustained);
    r.ended_early = reached(ProposalState::EndedEarly);
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for e in events.iter().filter(|e| {
        e.to_state == ProposalState::LandlordDeclined.as_str()
            || e.to_state == ProposalState::HouseholdDeclined.as_str()
    }) {
        let code = e.reason_code.clone().unwrap_or_else(|| "other".into());
        let key = format!("pipeline.reason_codes.{code}");
        let label = t.optional(&key).map_or(code, str::to_owned);
        *reasons.entry(label).or_default() += 1;
    }
    r.decline_reasons = reasons.into_iter().collect();
}

/// Leases, move-ins (per month) and follow-ups of the year, from the sound placements.
fn count_placements(data: &Data, sound: &Sound, year: i32, r: &mut YearReport) {
    let signed: Vec<&placement::Model> = sound
        .placements
        .iter()
        .copied()
        .filter(|p| in_year(p.lease_signed_on, year))
        .collect();
    r.leases_signed = signed.len() as u64;
    r.head_leases = signed
        .iter()
        .filter(|p| p.lease_kind.as_deref() == Some("head_lease"))
        .count() as u64;
    let moved: Vec<&placement::Model> = sound
        .placements
        .iter()
        .copied()
        .filter(|p| in_year(p.moved_in_on, year))
        .collect();
    (
        r.moved_in,
        r.persons_placed,
        r.places_freed,
        r.median_days_to_move_in,
    ) = move_ins(data, &moved);
    r.moved_in_per_month = (1..=12)
        .map(|m| {
            let count = moved
                .iter()
                .filter(|p| p.moved_in_on.is_some_and(|d| d.month() == m))
                .count() as u64;
            (m, count)
        })
        .collect();
    r.follow_ups_done = data
        .follow_ups
        .iter()
        .filter(|f| sound.placements.iter().any(|p| p.id == f.placement_id))
        .filter(|f| f.status == "done" && in_year(f.done_on, year))
        .count() as u64;
}

/// One programme's line: (name, granted count, granted sum, paid sum) in the year.
fn incentives_of(
    programme: &entities::incentive_programme::Model,
    sound: &Sound,
    year: i32,
    locale: Locale,
) -> (String, u64, Cents, Cents) {
    let of: Vec<&unit_incentive::Model> = sound
        .incentives
        .iter()
        .copied()
        .filter(|i| i.programme_id == programme.id)
        .collect();
    let granted: Vec<&&unit_incentive::Model> = of
        .iter()
        .filter(|i| {
            instant_in_year(i.decided_at, year) && (i.status == "granted" || i.status == "paid")
        })
        .collect();
    let paid: i64 = of
        .iter()
        .filter(|i| in_year(i.paid_on, year))
        .map(|i| i.paid_amount_cents.unwrap_or(0))
        .sum();
    let name = if locale == Locale::En {
        programme.name_en.clone()
    } else {
        programme.name_de.clone()
    };
    let granted_sum = granted
        .iter()
        .map(|i| i.granted_amount_cents.unwrap_or(0))
        .sum();
    (name, granted.len() as u64, Cents(granted_sum), Cents(paid))
}

/// The yearly report of a municipality.
pub async fn yearly(
    app: &App,
    actor: &Actor,
    municipality_id: i64,
    year: i32,
    locale: Locale,
) -> Result<YearReport, ServiceError> {
    if !(2000..=2100).contains(&year) {
        return Err(ServiceError::NotFound("year".into()));
    }
    let data = match actor {
        Actor::User(user) => load(app, user, municipality_id).await?,
        Actor::System => load_rows(app, municipality_id).await?,
    };
    let ids: Vec<i64> = data.proposals.iter().map(|p| p.id).collect();
    let events = crate::store::proposals::events_of_many(&app.db, &ids).await?;
    let mut report = year_report(&data, &events, year, locale);
    let m = crate::store::municipalities::find(&app.db, municipality_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    report.municipality = m.name;
    report.district = m.district;
    report.rule_versions = crate::store::municipalities::rule_sets(&app.db, municipality_id)
        .await?
        .into_iter()
        .filter(|s| crate::domain::time::berlin_date(s.created_at).year() <= year)
        .map(|s| {
            (
                s.version,
                crate::domain::time::berlin_date(s.created_at),
                s.source_note,
            )
        })
        .collect();
    audit::record(
        &app.db,
        actor,
        "year_report",
        "municipalities",
        Some(municipality_id),
        Some(municipality_id),
        serde_json::json!({"year": year}),
        app.clock.now(),
    )
    .await?;
    Ok(report)
}

/// The yearly report's sheet of figures: one line per figure, then the records left out.
fn figures_sheet(r: &YearReport, t: Texts) -> Table {
    let line = |key: &str, cell: Cell| vec![text(t.get(&format!("report.{key}"))), cell];
    let int = |v: u64| Cell::Int(v as i64);
    Table {
        name: t.get("report.sheet_figures").to_owned(),
        headers: vec![
            t.get("report.figure").to_owned(),
            format!("{} {}", r.municipality, r.year),
        ],
        rows: vec![
            line("households_registered", int(r.households_registered)),
            line("households_active_at_end", int(r.households_active_at_end)),
            line("units_registered", int(r.units_registered)),
            line("proposals_sent", int(r.proposals_sent)),
            line("accepted_by_both", int(r.accepted_by_both)),
            line("declined_by_landlord", int(r.declined_by_landlord)),
            line("declined_by_household", int(r.declined_by_household)),
            line("expired", int(r.expired)),
            line("leases_signed", int(r.leases_signed)),
            line("head_leases", int(r.head_leases)),
            line("moved_in", int(r.moved_in)),
            line("persons_placed", int(r.persons_placed)),
            line("places_freed", Cell::Int(r.places_freed)),
            line(
                "median_days",
                r.median_days_to_move_in.map_or(Cell::Empty, Cell::Number),
            ),
            line("follow_ups_done", int(r.follow_ups_done)),
            line("sustained", int(r.sustained)),
            line("ended_early", int(r.ended_early)),
        ]
        .into_iter()
        .chain(r.left_out.iter().map(|(problem, n)| {
            vec![
                text(format!(
                    "{}: {}",
                    t.get("dashboard_m.left_out_title"),
                    t.get(problem.key())
                )),
                int(*n),
            ]
        }))
        .collect(),
    }
}

/// The yearly report as a workbook: the figures, the month table and the incentives.
pub fn year_report_xlsx(r: &YearReport, locale: Locale) -> Result<Vec<u8>, ServiceError> {
    crate::services::reports::to_xlsx(&year_report_tables(r, locale), locale == Locale::De)
        .map_err(|e| ServiceError::Other(anyhow::anyhow!("xlsx: {e}")))
}

/// The yearly report's tables (the sheets of the workbook, the tables of the PDF): the
/// figures, moves per month, the incentives and the reasons for declining.
pub fn year_report_tables(r: &YearReport, locale: Locale) -> Vec<Table> {
    let t = Texts::new(locale);
    let int = |v: u64| Cell::Int(v as i64);
    let figures = figures_sheet(r, t);
    let months = Table {
        name: t.get("report.sheet_months").to_owned(),
        headers: vec![
            t.get("report.month").to_owned(),
            t.get("report.moved_in").to_owned(),
        ],
        rows: r
            .moved_in_per_month
            .iter()
            .map(|(m, n)| vec![Cell::Int(i64::from(*m)), int(*n)])
            .collect(),
    };
    let incentives = Table {
        name: t.get("report.sheet_incentives").to_owned(),
        headers: ["programme_col", "granted_count", "granted_sum", "paid_sum"]
            .iter()
            .map(|k| t.get(&format!("report.{k}")).to_owned())
            .collect(),
        rows: r
            .incentives
            .iter()
            .map(|(name, n, granted, paid)| {
                vec![
                    text(name.clone()),
                    int(*n),
                    Cell::Money(granted.0),
                    Cell::Money(paid.0),
                ]
            })
            .collect(),
    };
    let reasons = Table {
        name: t.get("report.sheet_reasons").to_owned(),
        headers: vec![
            t.get("report.reason").to_owned(),
            t.get("report.count").to_owned(),
        ],
        rows: r
            .decline_reasons
            .iter()
            .map(|(reason, n)| vec![text(reason.clone()), int(*n)])
            .collect(),
    };
    vec![figures, months, incentives, reasons]
}
