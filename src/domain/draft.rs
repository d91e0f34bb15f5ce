//! Drafts of a flat's form: what they are called and how long they are kept.
//!
//! A draft is the form of a new flat as typed so far. It is named by its address when a
//! street is given, else by the day it was started. A draft nobody saved for
//! [`DRAFT_REMIND_DAYS`] days is announced to its landlord by e-mail; if it is still not
//! saved [`DRAFT_GRACE_DAYS`] days after that reminder, the `tidy` job deletes it (with its
//! photos). Saving the draft again starts the count anew.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::input::Fields;

/// Days without a save after which the landlord is reminded of a draft.
pub const DRAFT_REMIND_DAYS: i64 = 60;
/// Days after the reminder after which a draft still not saved is deleted.
pub const DRAFT_GRACE_DAYS: i64 = 14;

/// What the `tidy` job does with a draft now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftFate {
    Keep,
    /// Send the reminder (once per idle spell).
    Remind,
    /// Delete it: reminded long enough ago and not saved since.
    Delete,
}

/// The fate of a draft last saved at `saved` and reminded at `reminded` (if ever).
pub fn draft_fate(
    saved: DateTime<Utc>,
    reminded: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DraftFate {
    match reminded.filter(|r| *r >= saved) {
        // Reminded in this idle spell: deleted once the grace has passed.
        Some(r) if now - r >= Duration::days(DRAFT_GRACE_DAYS) => DraftFate::Delete,
        Some(_) => DraftFate::Keep,
        None if now - saved >= Duration::days(DRAFT_REMIND_DAYS) => DraftFate::Remind,
        None => DraftFate::Keep,
    }
}

/// How a draft is named: its address (street, house number, town) when a street is given,
/// else `None` (the page then names it by the day it was started).
pub fn draft_address(fields: &[(String, String)]) -> Option<String> {
    let f = Fields(fields);
    let street = f.get("street");
    if street.is_empty() {
        return None;
    }
    let line = format!("{street} {}", f.get("house_number"));
    // A postal code that is not one (yet) is left out of the name.
    let code = f.get("postal_code");
    let code = if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
        code
    } else {
        ""
    };
    let place = format!("{code} {}", f.get("town"));
    Some(
        [line.trim(), place.trim()]
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The day a draft is deleted if nobody saves it after the reminder sent at `reminded`.
pub fn deletion_day(reminded: DateTime<Utc>) -> NaiveDate {
    super::time::berlin_date(reminded + Duration::days(DRAFT_GRACE_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 10, 0, 0).unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_draft_is_named_by_its_street_never_by_a_lone_house_number() {
        assert_eq!(draft_address(&fields(&[("house_number", "1")])), None);
        assert_eq!(
            draft_address(&fields(&[
                ("street", "Lindenweg"),
                ("house_number", "4a"),
                ("postal_code", "73033"),
                ("town", "Göppingen"),
            ])),
            Some("Lindenweg 4a, 73033 Göppingen".into())
        );
        assert_eq!(
            draft_address(&fields(&[("street", "Lindenweg")])),
            Some("Lindenweg".into())
        );
        // A postal code typed wrong stays out of the name; the town stays.
        assert_eq!(
            draft_address(&fields(&[
                ("street", "Lindenweg"),
                ("postal_code", "7303"),
                ("town", "Göppingen"),
            ])),
            Some("Lindenweg, Göppingen".into())
        );
    }

    #[test]
    fn an_idle_draft_is_announced_then_deleted_and_saving_starts_anew() {
        let saved = day(1, 1);
        assert_eq!(draft_fate(saved, None, day(1, 2)), DraftFate::Keep);
        // 60 days after 1 January is 2 March.
        assert_eq!(draft_fate(saved, None, day(2, 3)), DraftFate::Remind);
        let reminded = day(2, 3);
        assert_eq!(
            draft_fate(saved, Some(reminded), day(10, 3)),
            DraftFate::Keep
        );
        assert_eq!(
            draft_fate(saved, Some(reminded), day(16, 3)),
            DraftFate::Delete
        );
        // Saved after the reminder: the reminder no longer counts.
        let saved_again = day(5, 3);
        assert_eq!(
            draft_fate(saved_again, Some(reminded), day(30, 3)),
            DraftFate::Keep
        );
        assert_eq!(
            draft_fate(saved_again, Some(reminded), day(4, 5)),
            DraftFate::Remind
        );
        assert_eq!(
            deletion_day(reminded),
            NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
        );
    }
}
