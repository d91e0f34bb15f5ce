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

/// The SQL condition of a household list's filter.
fn condition(filter: &ListFilter) -> sea_orm::Condition {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    let statuses: Vec<&str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    let mut cond = Condition::all()
        .add(household::Column::MunicipalityId.is_in(filter.municipalities.clone()))
        .add(household::Column::Status.is_in(statuses))
        .add(household::Column::Reference.not_like("anon-%"));
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

/// Rows by the household they belong to.
type ByHousehold<T> = BTreeMap<i64, Vec<T>>;

/// The members (in their order) and allowed municipalities of these households, by
/// household (two queries).
async fn members_and_allowed<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<(ByHousehold<household_member::Model>, ByHousehold<i64>), sea_orm::DbErr> {
    let mut members_by: BTreeMap<i64, Vec<household_member::Model>> = BTreeMap::new();
    if !ids.is_empty() {
        for m in household_member::Entity::find()
            .filter(household_member::Column::HouseholdId.is_in(ids.to_vec()))
            .order_by_asc(household_member::Column::HouseholdId)
            .order_by_asc(household_member::Column::Position)
            .order_by_asc(household_member::Column::Id)
            .all(db)
            .await?
        {
            members_by.entry(m.household_id).or_default().push(m);
        }
    }
    let mut allowed_by: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    if !ids.is_empty() {
        for a in household_allowed_municipality::Entity::find()
            .filter(household_allowed_municipality::Column::HouseholdId.is_in(ids.to_vec()))
            .order_by_asc(household_allowed_municipality::Column::HouseholdId)
            .order_by_asc(household_allowed_municipality::Column::MunicipalityId)
            .all(db)
            .await?
        {
            allowed_by
                .entry(a.household_id)
                .or_default()
                .push(a.municipality_id);
        }
    }
    Ok((members_by, allowed_by))
}

/// One page of the households that pass `filter` (erased ones never), longest in
/// follow-up housing first (those without a date last), then by id; with the number over
/// all pages. With members and allowed municipalities; anchors are left empty (a list
/// shows none; never for matching or editing). Three queries whatever the page size (the
/// page's rows, their members, their allowed municipalities), and a fourth to count when
/// the page is full or past the end.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    filter: &ListFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<StoredHousehold>, u64), sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    let cond = condition(filter);
    // The page's ids in index order (the partial index of the waiting list, see the
    // migration `household_waiting_index`: no sort of the whole town), then those rows.
    let mut page_ids = Query::select();
    page_ids
        .column(household::Column::Id)
        .from(household::Entity)
        .cond_where(cond.clone())
        .order_by_with_nulls(
            household::Column::InFollowUpSince,
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::Last,
        )
        .order_by(household::Column::Id, sea_orm::Order::Asc)
        .limit(limit)
        .offset(offset);
    // The page's rows alone (a join would decode the wide household row again for every
    // child row, which made this page's cost), then their members and allowed
    // municipalities by id.
    let rows = household::Entity::find()
        .filter(household::Column::Id.in_subquery(page_ids))
        .order_by_with_nulls(
            household::Column::InFollowUpSince,
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::Last,
        )
        .order_by_asc(household::Column::Id)
        .all(db)
        .await?;
    let shown = rows.len() as u64;
    let total = if shown < limit && (offset == 0 || shown > 0) {
        // A page that is not full is the last one: its rows tell the total.
        offset + shown
    } else {
        household::Entity::find().filter(cond).count(db).await?
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let (mut members_by, mut allowed_by) = members_and_allowed(db, &ids).await?;
    let households = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            from_rows(
                row,
                members_by.remove(&id).unwrap_or_default(),
                Vec::new(),
                allowed_by.remove(&id).unwrap_or_default(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((households, total))
}
