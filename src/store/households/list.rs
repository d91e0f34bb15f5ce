//! Lists of households: for matching (by status) and the coordinator's paged, filtered list.

use super::*;

/// Households in the given statuses, optionally of one municipality, with everything
/// matching needs, by id. Child rows are loaded with sub-queries, so the number of
/// households is not limited by the database's parameter limit.
pub async fn list_by_status<C: ConnectionTrait>(
    db: &C,
    statuses: &[HouseholdStatus],
    municipality_id: Option<i64>,
) -> Result<Vec<StoredHousehold>, sea_orm::DbErr> {
    let status_names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let mut rows_query =
        household::Entity::find().filter(household::Column::Status.is_in(status_names.clone()));
    let mut ids = Query::select();
    ids.column(household::Column::Id)
        .from(household::Entity)
        .and_where(household::Column::Status.is_in(status_names));
    if let Some(id) = municipality_id {
        rows_query = rows_query.filter(household::Column::MunicipalityId.eq(id));
        ids.and_where(household::Column::MunicipalityId.eq(id));
    }
    let rows = rows_query
        .order_by_asc(household::Column::Id)
        .all(db)
        .await?;
    with_details(db, rows, ids).await
}

/// What the household list is filtered by; everything is applied in SQL.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The municipalities looked in (never empty for a real list: empty finds nothing).
    pub municipalities: Vec<i64>,
    pub statuses: Vec<HouseholdStatus>,
    /// Persons in the household, from and to (inclusive).
    pub min_persons: Option<u32>,
    pub max_persons: Option<u32>,
    /// Only households in follow-up housing since this day or before.
    pub in_follow_up_by: Option<chrono::NaiveDate>,
    pub min_urgency: Option<u8>,
    /// A lowercased term ([`crate::domain::household::search_term`]) the reference or a
    /// member's name contains.
    pub search: Option<String>,
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_contains(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The statuses and "not erased" as SQL with the values written out, not bound: so
/// PostgreSQL's cached (generic) plan can prove that the partial index of the waiting list
/// (migration `household_waiting_index`) applies, and reads the page in its order. With
/// bound values it cannot, and sorted the whole town on every request (four times the
/// time). The values are the statuses' own names, never input.
fn statuses_and_not_erased(statuses: &[HouseholdStatus]) -> String {
    if statuses.is_empty() {
        return "1 = 0".to_owned();
    }
    let names: Vec<String> = statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!(
        "\"households\".\"status\" IN ({}) AND \"households\".\"reference\" NOT LIKE 'anon-%'",
        names.join(", ")
    )
}

/// The SQL condition of a household list's filter.
fn condition(filter: &ListFilter) -> sea_orm::Condition {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let mut cond = Condition::all()
        .add(household::Column::MunicipalityId.is_in(filter.municipalities.clone()))
        .add(Expr::cust(statuses_and_not_erased(&filter.statuses)));
    if filter.min_persons.is_some() || filter.max_persons.is_some() {
        let mut persons = Query::select();
        persons
            .expr(Func::count(Expr::col(household_member::Column::Id)))
            .from(household_member::Entity)
            .and_where(
                Expr::col((
                    household_member::Entity,
                    household_member::Column::HouseholdId,
                ))
                .equals((household::Entity, household::Column::Id)),
            );
        let persons = Expr::SubQuery(None, Box::new(persons.into()));
        if let Some(min) = filter.min_persons {
            cond = cond.add(persons.clone().gte(i64::from(min)));
        }
        if let Some(max) = filter.max_persons {
            cond = cond.add(persons.lte(i64::from(max)));
        }
    }
    if let Some(by) = filter.in_follow_up_by {
        cond = cond.add(household::Column::InFollowUpSince.lte(by));
    }
    if let Some(u) = filter.min_urgency {
        cond = cond.add(household::Column::Urgency.gte(i32::from(u)));
    }
    if let Some(term) = &filter.search {
        cond = cond.add(
            Expr::col((household::Entity, household::Column::SearchText))
                .like(LikeExpr::new(like_contains(term)).escape('\\')),
        );
    }
    cond
}

/// A household as its list shows it, on the page and in the API: a dozen of its columns,
/// the first member's name, every member's birth year and the allowed municipalities.
/// Read in one query (the wide row has 40 columns the list never shows).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedHousehold {
    pub id: i64,
    pub municipality_id: i64,
    pub status: HouseholdStatus,
    pub reference: String,
    /// The first member's first and last name; empty without members.
    pub name: String,
    /// One per member (the list's persons and ages).
    pub birth_years: Vec<i32>,
    pub urgency: u8,
    pub in_follow_up_since: Option<chrono::NaiveDate>,
    pub latest_move_date: Option<chrono::NaiveDate>,
    pub rooms_wanted: Option<f64>,
    pub max_distance_km: Option<f64>,
    pub wheelchair: bool,
    pub pets: bool,
    pub residence_obligation: bool,
    /// The Wohnsitzauflage area, ascending; empty when there is no obligation.
    pub allowed_municipalities: Vec<i64>,
    pub consents_to_matching: bool,
    pub preferred_language: Language,
}

impl ListedHousehold {
    /// What the list shows of a household read whole.
    pub fn of(h: &StoredHousehold) -> Self {
        let p = &h.profile;
        Self {
            id: h.id,
            municipality_id: h.municipality_id,
            status: h.status,
            reference: p.reference.clone(),
            name: p.members.first().map_or_else(String::new, |m| {
                full_name(&m.first_name, m.last_name.as_deref())
            }),
            birth_years: p.members.iter().map(|m| m.birth_year).collect(),
            urgency: p.urgency,
            in_follow_up_since: p.in_follow_up_since,
            latest_move_date: p.latest_move_date,
            rooms_wanted: p.rooms_wanted,
            max_distance_km: p.max_distance_km,
            wheelchair: p.wheelchair,
            pets: p.pets,
            residence_obligation: p.residence_obligation,
            allowed_municipalities: h.allowed_municipalities.clone(),
            consents_to_matching: h.consents_to_matching(),
            preferred_language: p.preferred_language,
        }
    }
}

/// "First Last", or the first name alone.
pub(super) fn full_name(first: &str, last: Option<&str>) -> String {
    format!("{first} {}", last.unwrap_or_default())
        .trim()
        .to_owned()
}

/// The list's row as read: the household's columns and its allowed places.
#[derive(sea_orm::FromQueryResult)]
struct ListedRow {
    id: i64,
    municipality_id: i64,
    status: String,
    reference: String,
    urgency: i32,
    in_follow_up_since: Option<chrono::NaiveDate>,
    latest_move_date: Option<chrono::NaiveDate>,
    rooms_wanted: Option<f64>,
    max_distance_km: Option<f64>,
    wheelchair: bool,
    pets: bool,
    residence_obligation: bool,
    preferred_language: String,
    consent_at: Option<DateTime<Utc>>,
    consent_scope: Option<String>,
    consent_withdrawn_at: Option<DateTime<Utc>>,
    name: String,
    birth_years: String,
    allowed: Option<String>,
}

/// Numbers from a comma-separated aggregate (`group_concat`, `string_agg`).
fn numbers<T: std::str::FromStr>(
    id: i64,
    what: &str,
    list: Option<&str>,
) -> Result<Vec<T>, sea_orm::DbErr> {
    list.unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| corrupt("households", id, format!("{what}: {s:?}")))
        })
        .collect()
}

impl ListedRow {
    fn into_listed(self) -> Result<ListedHousehold, sea_orm::DbErr> {
        let id = self.id;
        let mut allowed: Vec<i64> = if self.residence_obligation {
            numbers(id, "allowed municipalities", self.allowed.as_deref())?
        } else {
            Vec::new()
        };
        allowed.sort_unstable();
        Ok(ListedHousehold {
            id,
            municipality_id: self.municipality_id,
            status: self
                .status
                .parse()
                .map_err(|e: String| corrupt("households", id, e))?,
            reference: self.reference,
            name: self.name,
            birth_years: numbers(id, "birth years", Some(&self.birth_years))?,
            urgency: self.urgency.clamp(0, 3) as u8,
            in_follow_up_since: self.in_follow_up_since,
            latest_move_date: self.latest_move_date,
            rooms_wanted: self.rooms_wanted,
            max_distance_km: self.max_distance_km,
            wheelchair: self.wheelchair,
            pets: self.pets,
            residence_obligation: self.residence_obligation,
            allowed_municipalities: allowed,
            consents_to_matching: self.consent_withdrawn_at.is_none()
                && self.consent_at.is_some()
                && covers(
                    self.consent_scope.as_deref().unwrap_or_default(),
                    "matching",
                ),
            preferred_language: self.preferred_language.parse().unwrap_or_default(),
        })
    }
}

/// A comma-separated list of a child table's column beside the household's row, in the
/// database's own aggregate (`group_concat` in SQLite, `string_agg` in PostgreSQL).
fn joined(backend: sea_orm::DbBackend, table: &str, column: &str) -> String {
    let list = match backend {
        sea_orm::DbBackend::Postgres => format!("string_agg(CAST({column} AS TEXT), ',')"),
        _ => format!("group_concat({column}, ',')"),
    };
    format!("(SELECT {list} FROM {table} WHERE {table}.household_id = households.id)")
}

/// One page of the households that pass `filter` (erased ones never), longest in
/// follow-up housing first (those without a date last), then by id; with the number over
/// all pages. One query whatever the page size (the rows with their allowed municipalities
/// as a column beside them), and a second to count when the page is full or past the end.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    filter: &ListFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<ListedHousehold>, u64), sea_orm::DbErr> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let cond = condition(filter);
    // The page in the list's order, read from the partial index of the waiting list in
    // that order (see `statuses_and_not_erased`): the columns beside each row are computed
    // for the page's rows only.
    let rows = listed_rows(db)
        .filter(cond.clone())
        .order_by_with_nulls(
            household::Column::InFollowUpSince,
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::Last,
        )
        .order_by_asc(household::Column::Id)
        .limit(limit)
        .offset(offset)
        .into_model::<ListedRow>()
        .all(db)
        .await?;
    let shown = rows.len() as u64;
    let total = if shown < limit && (offset == 0 || shown > 0) {
        // A page that is not full is the last one: its rows tell the total.
        offset + shown
    } else {
        household::Entity::find().filter(cond).count(db).await?
    };
    let households = rows
        .into_iter()
        .map(ListedRow::into_listed)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((households, total))
}

/// The query of the list's rows: the household's columns the list shows (with the first
/// member's name and the members' birth years, copies written with the members) and,
/// beside them, its allowed places.
fn listed_rows<C: ConnectionTrait>(db: &C) -> sea_orm::Select<household::Entity> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::Expr;
    let backend = db.get_database_backend();
    household::Entity::find()
        .select_only()
        .columns([
            household::Column::Id,
            household::Column::MunicipalityId,
            household::Column::Status,
            household::Column::Reference,
            household::Column::Urgency,
            household::Column::InFollowUpSince,
            household::Column::LatestMoveDate,
            household::Column::RoomsWanted,
            household::Column::MaxDistanceKm,
            household::Column::Wheelchair,
            household::Column::Pets,
            household::Column::ResidenceObligation,
            household::Column::PreferredLanguage,
            household::Column::ConsentAt,
            household::Column::ConsentScope,
            household::Column::ConsentWithdrawnAt,
        ])
        .column_as(household::Column::ListName, "name")
        .column_as(household::Column::ListBirthYears, "birth_years")
        .expr_as(
            Expr::cust(joined(
                backend,
                "household_allowed_municipalities",
                "municipality_id",
            )),
            "allowed",
        )
}
