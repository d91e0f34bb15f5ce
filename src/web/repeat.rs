//! Groups of repeated rows in a form (the members of a household, its important places):
//! how many rows a page shows, and the buttons that add a row or remove one without
//! saving. Everything works without JavaScript: the form is posted with
//! `action=add_<group>` or `action=remove_<group>_<row>` and comes back with every typed
//! value in place; `static/repeat.js` does the same in the page where scripts run.
//!
//! Row fields are named `<group>_<part>_<row>` (rows counted from 0); the number of rows
//! shown travels in the hidden field `<group>_rows`.

/// A repeated group of a form.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// The name's start: `member`, `anchor`.
    pub name: &'static str,
    /// The parts of one row: `first_name`, `birth_year`, ...
    pub parts: &'static [&'static str],
    /// The parts that count when deciding whether a row is filled in.
    pub filled_by: &'static [&'static str],
    /// Most rows the form takes.
    pub max: usize,
}

/// A button of a repeated group that was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    Add,
    Remove(usize),
}

impl Group {
    /// The hidden field holding how many rows are shown.
    pub fn count_field(&self) -> String {
        format!("{}_rows", self.name)
    }

    /// The field name of `part` in row `row`.
    pub fn field(&self, part: &str, row: usize) -> String {
        format!("{}_{part}_{row}", self.name)
    }

    /// The button value that adds a row.
    pub fn add_value(&self) -> String {
        format!("add_{}", self.name)
    }

    /// The button value that removes row `row`.
    pub fn remove_value(&self, row: usize) -> String {
        format!("remove_{}_{row}", self.name)
    }

    /// Which of this group's buttons `action` is, if any.
    pub fn action(&self, action: &str) -> Option<RowAction> {
        if action == self.add_value() {
            return Some(RowAction::Add);
        }
        action
            .strip_prefix(&format!("remove_{}_", self.name))
            .and_then(|row| row.parse().ok())
            .filter(|row| *row < self.max)
            .map(RowAction::Remove)
    }

    /// The (part, row) a field name belongs to, if it is one of this group's.
    fn split(&self, field: &str) -> Option<(&'static str, usize)> {
        let rest = field.strip_prefix(self.name)?.strip_prefix('_')?;
        self.parts.iter().find_map(|part| {
            rest.strip_prefix(part)
                .and_then(|r| r.strip_prefix('_'))
                .and_then(|row| row.parse().ok())
                .map(|row| (*part, row))
        })
    }

    /// The last row with something typed in it, plus one (0 when none is).
    pub fn used(&self, fields: &[(String, String)]) -> usize {
        fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .filter_map(|(k, _)| self.split(k))
            .filter(|(part, _)| self.filled_by.contains(part))
            .map(|(_, row)| row + 1)
            .max()
            .unwrap_or(0)
    }

    /// How many rows to show: as many as the form showed (its hidden count), every filled
    /// one, at least `min`, at most `max`.
    pub fn shown(&self, fields: &[(String, String)], min: usize) -> usize {
        let counted = fields
            .iter()
            .find(|(k, _)| *k == self.count_field())
            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        counted.max(self.used(fields)).max(min).min(self.max)
    }

    /// Carries out a button press on the posted `fields`: a row added at the end, or row
    /// `row` taken out with the rows after it moving up (their values kept). Returns the
    /// row whose first field gets the cursor.
    pub fn apply(
        &self,
        fields: &mut Vec<(String, String)>,
        action: RowAction,
        min: usize,
    ) -> usize {
        let shown = self.shown(fields, min);
        let (count, focus) = match action {
            RowAction::Add => {
                let count = (shown + 1).min(self.max);
                (count, count - 1)
            }
            RowAction::Remove(removed) => {
                fields.retain(|(k, _)| self.split(k).is_none_or(|(_, row)| row != removed));
                for (name, _) in fields.iter_mut() {
                    if let Some((part, row)) = self.split(name)
                        && row > removed
                    {
                        *name = self.field(part, row - 1);
                    }
                }
                let count = shown.saturating_sub(1).max(min.max(1));
                (count, removed.min(count - 1))
            }
        };
        fields.retain(|(k, _)| *k != self.count_field());
        fields.push((self.count_field(), count.to_string()));
        focus
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBERS: Group = Group {
        name: "member",
        parts: &["first_name", "last_name", "birth_year", "role"],
        filled_by: &["first_name", "last_name", "birth_year"],
        max: 30,
    };

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    #[test]
    fn buttons_are_read_only_for_their_own_group_and_rows_in_range() {
        assert_eq!(MEMBERS.action("add_member"), Some(RowAction::Add));
        assert_eq!(
            MEMBERS.action("remove_member_3"),
            Some(RowAction::Remove(3))
        );
        assert_eq!(MEMBERS.action("remove_member_30"), None);
        assert_eq!(MEMBERS.action("remove_member_x"), None);
        assert_eq!(MEMBERS.action("add_anchor"), None);
        assert_eq!(MEMBERS.action("save"), None);
    }

    #[test]
    fn adding_keeps_every_value_and_shows_one_more_row() {
        let mut f = form(&[
            ("reference", "GP-1"),
            ("member_rows", "2"),
            ("member_first_name_0", "Amina"),
            ("member_first_name_1", "Yusuf"),
        ]);
        let focus = MEMBERS.apply(&mut f, RowAction::Add, 1);
        assert_eq!(focus, 2);
        assert_eq!(MEMBERS.shown(&f, 1), 3);
        assert_eq!(value(&f, "member_first_name_1"), "Yusuf");
        assert_eq!(value(&f, "reference"), "GP-1");
    }

    #[test]
    fn removing_a_row_moves_the_later_rows_up_with_their_values() {
        let mut f = form(&[
            ("member_rows", "3"),
            ("member_first_name_0", "Amina"),
            ("member_birth_year_0", "1985"),
            ("member_first_name_1", "Yusuf"),
            ("member_birth_year_1", "2012"),
            ("member_first_name_2", "Lina"),
            ("member_birth_year_2", "2016"),
            ("member_role_2", "child"),
            ("anchor_label_1", "Schule"),
        ]);
        let focus = MEMBERS.apply(&mut f, RowAction::Remove(1), 1);
        assert_eq!(focus, 1);
        assert_eq!(MEMBERS.shown(&f, 1), 2);
        assert_eq!(value(&f, "member_first_name_1"), "Lina");
        assert_eq!(value(&f, "member_birth_year_1"), "2016");
        assert_eq!(value(&f, "member_role_1"), "child");
        assert_eq!(value(&f, "member_first_name_2"), "");
        assert_eq!(
            value(&f, "anchor_label_1"),
            "Schule",
            "other groups untouched"
        );
    }

    #[test]
    fn the_last_row_cannot_be_removed_and_the_count_stays_within_bounds() {
        let mut f = form(&[("member_first_name_0", "Amina")]);
        let focus = MEMBERS.apply(&mut f, RowAction::Remove(0), 1);
        assert_eq!((focus, MEMBERS.shown(&f, 1)), (0, 1));
        assert_eq!(value(&f, "member_first_name_0"), "");
        let many = form(&[("member_rows", "500")]);
        assert_eq!(MEMBERS.shown(&many, 1), 30);
        // A filled row beyond the posted count is still shown.
        let beyond = form(&[("member_rows", "1"), ("member_last_name_6", "Haddad")]);
        assert_eq!(MEMBERS.shown(&beyond, 1), 7);
    }
}
