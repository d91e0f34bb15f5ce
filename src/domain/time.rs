//! German civil time. Bleibe stores instants in UTC and shows them in Europe/Berlin time.
//! The EU rule (summer time from the last Sunday of March, 01:00 UTC, to the last Sunday of
//! October, 01:00 UTC) is small enough to state here instead of shipping a time-zone database.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc, Weekday,
};

/// The UTC offset of German civil time at `instant`: +01:00 in winter, +02:00 in summer.
pub fn berlin_offset(instant: DateTime<Utc>) -> FixedOffset {
    let year = instant.year();
    let start = last_sunday(year, 3)
        .and_hms_opt(1, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t));
    let end = last_sunday(year, 10)
        .and_hms_opt(1, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t));
    let summer = matches!((start, end), (Some(s), Some(e)) if instant >= s && instant < e);
    let hours = if summer { 2 } else { 1 };
    FixedOffset::east_opt(hours * 3600).unwrap_or_else(|| Utc.fix())
}

/// `instant` in German civil time.
pub fn to_berlin(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&berlin_offset(instant))
}

/// The calendar date in Germany at `instant`.
pub fn berlin_date(instant: DateTime<Utc>) -> NaiveDate {
    to_berlin(instant).date_naive()
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or(NaiveDate::MIN);
    let mut day = first_of_next - Duration::days(1);
    while day.weekday() != Weekday::Sun {
        day -= Duration::days(1);
    }
    day
}

/// A German civil date and time as an instant. In the hour when clocks go back the earlier
/// of the two instants is taken; a time in the hour skipped in spring is read as summer time.
pub fn berlin_to_utc(local: chrono::NaiveDateTime) -> DateTime<Utc> {
    // The offset at the (approximate) instant, then once more at the corrected instant.
    let guess = local.and_utc();
    let first =
        (local - Duration::seconds(i64::from(berlin_offset(guess).local_minus_utc()))).and_utc();
    (local - Duration::seconds(i64::from(berlin_offset(first).local_minus_utc()))).and_utc()
}

/// Whole months between two dates (e.g. time spent in follow-up housing), never negative.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    if to <= from {
        return 0;
    }
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        months -= 1;
    }
    months.max(0) as u32
}

/// The latest start date that has `months` whole months behind it on `today`: a
/// household that came on or before this day has waited at least `months` months
/// (`months_between(since, today) >= months` exactly when `since <= cutoff`), so a list
/// can filter by waiting time in SQL. For `months` ≥ 1 (zero months is no filter: every
/// household, also one with no date or a date ahead, has waited that long). Falls back
/// to the earliest date for absurd values.
pub fn waited_at_least_since(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waited_at_least_since_agrees_with_months_between_on_every_day() {
        // Every day of four years (with a leap year and month ends), every start day of
        // the three years before, one to 40 months: the SQL filter's date and the page's
        // count agree.
        let first = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        for t in (0..4 * 366).step_by(3) {
            let today = first + chrono::Days::new(t);
            for months in [1, 2, 6, 12, 13, 24, 36, 40] {
                let cutoff = waited_at_least_since(today, months);
                for back in 0..(months as u64 * 31 + 40) {
                    let since = today - chrono::Days::new(back);
                    assert_eq!(
                        months_between(since, today) >= months,
                        since <= cutoff,
                        "today {today}, since {since}, {months} months, cutoff {cutoff}"
                    );
                }
            }
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn summer_time_switches_at_one_utc_on_the_last_sundays() {
        // 2026: last Sunday of March is the 29th, of October the 25th.
        assert_eq!(
            berlin_offset(utc(2026, 3, 29, 0, 59)).local_minus_utc(),
            3600
        );
        assert_eq!(
            berlin_offset(utc(2026, 3, 29, 1, 0)).local_minus_utc(),
            7200
        );
        assert_eq!(
            berlin_offset(utc(2026, 10, 25, 0, 59)).local_minus_utc(),
            7200
        );
        assert_eq!(
            berlin_offset(utc(2026, 10, 25, 1, 0)).local_minus_utc(),
            3600
        );
        assert_eq!(
            berlin_offset(utc(2026, 11, 21, 12, 0)).local_minus_utc(),
            3600
        );
    }

    #[test]
    fn the_german_date_changes_before_utc_midnight() {
        assert_eq!(
            berlin_date(utc(2026, 11, 21, 23, 30)),
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid")
        );
    }

    #[test]
    fn months_between_counts_whole_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid");
        assert_eq!(months_between(d(2025, 1, 15), d(2026, 3, 14)), 13);
        assert_eq!(months_between(d(2025, 1, 15), d(2026, 3, 15)), 14);
        assert_eq!(months_between(d(2026, 3, 15), d(2025, 1, 15)), 0);
    }
}
