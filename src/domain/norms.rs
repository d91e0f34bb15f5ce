//! Rent caps (KdU Angemessenheitsgrenzen) and area norms (angemessene Wohnfläche) by
//! household size, as each municipality publishes them.

use serde::{Deserialize, Serialize};

use super::Cents;

/// A municipality's caps on gross cold rent (Bruttokaltmiete) by household size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RentCapTable {
    /// `(persons, cap)` rows, sorted by persons, persons unique and ≥ 1.
    rows: Vec<(u32, Cents)>,
    /// Added per person above the largest row.
    extra_person: Cents,
}

impl RentCapTable {
    /// Builds the table; rows are sorted. Returns an error naming the problem when a row is
    /// repeated, has zero persons or a negative cap, or when there are no rows.
    pub fn new(mut rows: Vec<(u32, Cents)>, extra_person: Cents) -> Result<Self, String> {
        if rows.is_empty() {
            return Err("the rent-cap table has no rows".into());
        }
        rows.sort_by_key(|(p, _)| *p);
        for pair in rows.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(format!(
                    "the rent-cap table has two rows for {} persons",
                    pair[0].0
                ));
            }
        }
        if let Some((p, _)) = rows.iter().find(|(p, _)| *p == 0) {
            return Err(format!(
                "a rent-cap row is for {p} persons; households have at least 1"
            ));
        }
        if let Some((p, c)) = rows.iter().find(|(_, c)| c.0 < 0) {
            return Err(format!(
                "the rent cap for {p} persons is negative ({})",
                c.0
            ));
        }
        if extra_person.0 < 0 {
            return Err("the amount per extra person is negative".into());
        }
        Ok(Self { rows, extra_person })
    }

    /// A table with one cap for every household size (used as a neutral fallback).
    pub fn uniform(cap: Cents) -> Self {
        Self {
            rows: vec![(1, Cents(cap.0.max(0)))],
            extra_person: Cents::ZERO,
        }
    }

    /// The cap for a household of `persons`. Above the largest row: that row's amount plus
    /// the amount per further person. Below the smallest row: the smallest row's amount.
    pub fn cap_for(&self, persons: u32) -> Cents {
        if let Ok(i) = self.rows.binary_search_by_key(&persons, |(p, _)| *p) {
            return self.rows[i].1;
        }
        let (largest_persons, largest_cap) = self.rows[self.rows.len() - 1];
        if persons > largest_persons {
            return Cents(
                largest_cap.0 + self.extra_person.0 * i64::from(persons - largest_persons),
            );
        }
        // Between rows (a gap in the table): the next larger row is the documented cap.
        self.rows
            .iter()
            .find(|(p, _)| *p > persons)
            .map(|(_, c)| *c)
            .unwrap_or(largest_cap)
    }

    /// The rows, sorted by persons.
    pub fn rows(&self) -> &[(u32, Cents)] {
        &self.rows
    }

    /// The amount per person above the largest row.
    pub fn extra_person(&self) -> Cents {
        self.extra_person
    }
}

/// Area norms by household size; Baden-Württemberg's social-housing values by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaNorms {
    rows: Vec<(u32, f64)>,
    extra_person_m2: f64,
}

impl Default for AreaNorms {
    /// 45 m² for 1 person, 60 for 2, 75 for 3, 90 for 4, +15 for each further person.
    fn default() -> Self {
        Self {
            rows: vec![(1, 45.0), (2, 60.0), (3, 75.0), (4, 90.0)],
            extra_person_m2: 15.0,
        }
    }
}

impl AreaNorms {
    /// Builds the norms; rows are sorted. Errors on repeated or non-positive rows.
    pub fn new(mut rows: Vec<(u32, f64)>, extra_person_m2: f64) -> Result<Self, String> {
        if rows.is_empty() {
            return Err("the area-norm table has no rows".into());
        }
        rows.sort_by_key(|(p, _)| *p);
        for pair in rows.windows(2) {
            if pair[0].0 == pair[1].0 {
                return Err(format!(
                    "the area-norm table has two rows for {} persons",
                    pair[0].0
                ));
            }
        }
        if rows
            .iter()
            .any(|(p, a)| *p == 0 || !(a.is_finite() && *a > 0.0))
        {
            return Err("area norms need at least 1 person and a positive area".into());
        }
        if !(extra_person_m2.is_finite() && extra_person_m2 >= 0.0) {
            return Err("the area per extra person must be 0 or more".into());
        }
        Ok(Self {
            rows,
            extra_person_m2,
        })
    }

    /// The appropriate living area for `persons`.
    pub fn area_for(&self, persons: u32) -> f64 {
        if let Ok(i) = self.rows.binary_search_by_key(&persons, |(p, _)| *p) {
            return self.rows[i].1;
        }
        let (largest_persons, largest_area) = self.rows[self.rows.len() - 1];
        if persons > largest_persons {
            return largest_area + self.extra_person_m2 * f64::from(persons - largest_persons);
        }
        self.rows
            .iter()
            .find(|(p, _)| *p > persons)
            .map(|(_, a)| *a)
            .unwrap_or(largest_area)
    }

    /// The rows, sorted by persons.
    pub fn rows(&self) -> &[(u32, f64)] {
        &self.rows
    }

    /// The area added per person above the largest row.
    pub fn extra_person_m2(&self) -> f64 {
        self.extra_person_m2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RentCapTable {
        RentCapTable::new(
            vec![
                (1, Cents::euros(540)),
                (2, Cents::euros(650)),
                (4, Cents::euros(900)),
            ],
            Cents::euros(95),
        )
        .expect("valid")
    }

    #[test]
    fn cap_uses_the_row_for_the_size() {
        assert_eq!(table().cap_for(2), Cents::euros(650));
    }

    #[test]
    fn cap_above_the_largest_row_adds_the_extra_person_amount() {
        assert_eq!(table().cap_for(6), Cents::euros(900 + 2 * 95));
    }

    #[test]
    fn cap_in_a_gap_uses_the_next_larger_row() {
        assert_eq!(table().cap_for(3), Cents::euros(900));
    }

    #[test]
    fn repeated_rows_are_refused() {
        assert!(RentCapTable::new(vec![(1, Cents(1)), (1, Cents(2))], Cents(0)).is_err());
    }

    #[test]
    fn default_area_norms_are_baden_wuerttembergs() {
        let n = AreaNorms::default();
        assert_eq!(n.area_for(1), 45.0);
        assert_eq!(n.area_for(4), 90.0);
        assert_eq!(n.area_for(6), 120.0);
    }
}

/// One version of a municipality's rule tables: what the matching engine and the
/// deadlines of the pipeline use.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    pub rent_caps: RentCapTable,
    pub area_norms: AreaNorms,
    pub weights: super::criteria::Weights,
    /// Days either side has to answer a proposal before it expires.
    pub answer_days: u32,
    /// Days after sending when an unanswered proposal is reminded.
    pub reminder_days: u32,
    /// Whether the nightly run's suggestions are approved without a coordinator.
    pub auto_approve: bool,
    /// Where the figures come from (e.g. "Beispielwerte" or the district's decree).
    pub source_note: Option<String>,
}
