//! Numbers, money, dates, distances and counted nouns for people, in German and English:
//! the one place pages, e-mails, letters, exports, charts and the engine's explanations
//! take them from.

use chrono::{Datelike, NaiveDate};

use super::Locale;
use super::money::Cents;

/// The thousands and decimal separators of `locale`.
fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::De => ('.', ','),
        Locale::En => (',', '.'),
    }
}

/// Inserts `sep` between groups of three digits of an ASCII digit string.
pub fn group_digits(digits: &str, sep: char) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// A number with `decimals` decimals and no grouping: `1,2` in German, `1.2` in English.
pub fn number(locale: Locale, value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match locale {
        Locale::De => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A number for tables and charts: thousands grouped, rounded to `decimals` places. Whole
/// results get no decimals; otherwise trailing zeros are dropped unless `keep_zeros` is
/// set (money: `612,50`). Values that are not finite become an en dash.
pub fn decimal(locale: Locale, value: f64, decimals: usize, keep_zeros: bool) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let raw = format!("{:.*}", decimals, value.abs());
    let (int_part, frac_part) = raw.split_once('.').unwrap_or((raw.as_str(), ""));
    let frac_is_zero = frac_part.bytes().all(|b| b == b'0');
    let frac = if frac_is_zero {
        ""
    } else if keep_zeros {
        frac_part
    } else {
        frac_part.trim_end_matches('0')
    };
    let is_zero = frac_is_zero && int_part.bytes().all(|b| b == b'0');
    let (group_sep, decimal_sep) = separators(locale);
    let mut out = String::with_capacity(raw.len() + raw.len() / 3 + 1);
    if value < 0.0 && !is_zero {
        out.push('-');
    }
    out.push_str(&group_digits(int_part, group_sep));
    if !frac.is_empty() {
        out.push(decimal_sep);
        out.push_str(frac);
    }
    out
}

/// A measurement without trailing `,0`: `45 m²`, `2,5 Zimmer`.
pub fn compact(locale: Locale, value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        number(locale, value, 1)
    }
}

/// A measurement as a form field shows it for editing: as precise as stored, no grouping,
/// no trailing zeros (`2,5`, `45`, `61,25`).
pub fn measure_input(locale: Locale, value: f64) -> String {
    let text = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    };
    match locale {
        Locale::De => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A distance in kilometres with one decimal.
pub fn km(locale: Locale, value: f64) -> String {
    format!("{}\u{a0}km", number(locale, value, 1))
}

/// An amount of money as people read it: German `1.234,50 €` / `612 €`, English
/// `€1,234.50` / `€612`. Whole amounts are shown without cents.
pub fn money(locale: Locale, amount: Cents) -> String {
    let abs = amount.0.unsigned_abs();
    let (euros, cents) = (abs / 100, abs % 100);
    let (group, decimal) = separators(locale);
    let grouped = group_digits(&euros.to_string(), group);
    let number = if cents == 0 {
        grouped
    } else {
        format!("{grouped}{decimal}{cents:02}")
    };
    let sign = if amount.0 < 0 { "-" } else { "" };
    match locale {
        Locale::De => format!("{sign}{number}\u{a0}€"),
        Locale::En => format!("{sign}€{number}"),
    }
}

/// An amount as a form field shows it for editing: no sign, no grouping, cents only when
/// there are any (`612`, `612,50`).
pub fn money_input(locale: Locale, amount: Cents) -> String {
    let abs = amount.0.unsigned_abs();
    let sign = if amount.0 < 0 { "-" } else { "" };
    let (_, decimal) = separators(locale);
    match abs % 100 {
        0 => format!("{sign}{}", abs / 100),
        cents => format!("{sign}{}{decimal}{cents:02}", abs / 100),
    }
}

/// Cents as a plain decimal with both cent digits and no grouping, for CSV cells:
/// `612,50` (German) or `612.50` (English).
pub fn money_plain(locale: Locale, amount: Cents) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    let (_, decimal) = separators(locale);
    format!("{sign}{}{decimal}{:02}", abs / 100, abs % 100)
}

/// Cents grouped with both cent digits and a trailing euro sign, as a spreadsheet shows
/// them with `#,##0.00 €`.
pub fn money_sheet(locale: Locale, amount: Cents) -> String {
    let sign = if amount.0 < 0 { "-" } else { "" };
    let abs = amount.0.unsigned_abs();
    let (group, decimal) = separators(locale);
    format!(
        "{sign}{}{decimal}{:02} €",
        group_digits(&(abs / 100).to_string(), group),
        abs % 100
    )
}

/// A date: `01.03.2027` in German, `1 March 2027` in English.
pub fn date(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::De => d.format("%d.%m.%Y").to_string(),
        Locale::En => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
        }
    }
}

/// "3 Personen" / "3 persons", "1 Person" / "1 person".
pub fn persons(locale: Locale, n: u32) -> String {
    match (locale, n) {
        (Locale::De, 1) => "1 Person".into(),
        (Locale::De, n) => format!("{n} Personen"),
        (Locale::En, 1) => "1 person".into(),
        (Locale::En, n) => format!("{n} persons"),
    }
}

/// A counted noun given as `"Haushalt|Haushalte"`: the singular for exactly one, else the
/// plural; a unit without `|` is used as it is.
pub fn counted_unit(unit: &str, value: f64) -> &str {
    match unit.split_once('|') {
        Some((one, _)) if value == 1.0 => one,
        Some((_, other)) => other,
        None => unit,
    }
}

/// A floor: "im Erdgeschoss" / "on the ground floor", "im 2. Obergeschoss" / "on the 2nd floor".
pub fn floor(locale: Locale, f: i32) -> String {
    match (locale, f) {
        (Locale::De, 0) => "im Erdgeschoss".into(),
        (Locale::De, f) if f < 0 => "im Untergeschoss".into(),
        (Locale::De, f) => format!("im {f}. Obergeschoss"),
        (Locale::En, 0) => "on the ground floor".into(),
        (Locale::En, f) if f < 0 => "in the basement".into(),
        (Locale::En, f) => format!("on the {} floor", ordinal(f)),
    }
}

fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_read_naturally() {
        assert_eq!(km(Locale::De, 1.234), "1,2\u{a0}km");
        assert_eq!(km(Locale::En, 1.25), "1.2\u{a0}km");
        assert_eq!(compact(Locale::De, 2.5), "2,5");
        assert_eq!(compact(Locale::De, 45.0), "45");
        let d = NaiveDate::from_ymd_opt(2027, 3, 1).expect("valid");
        assert_eq!(date(Locale::De, d), "01.03.2027");
        assert_eq!(date(Locale::En, d), "1 March 2027");
        assert_eq!(floor(Locale::En, 2), "on the 2nd floor");
        assert_eq!(floor(Locale::En, 11), "on the 11th floor");
        assert_eq!(floor(Locale::De, 3), "im 3. Obergeschoss");
    }

    #[test]
    fn money_in_every_shape() {
        let a = Cents(123_450);
        assert_eq!(money(Locale::De, a), "1.234,50\u{a0}€");
        assert_eq!(money(Locale::En, a), "€1,234.50");
        assert_eq!(money(Locale::De, Cents(61_200)), "612\u{a0}€");
        assert_eq!(money(Locale::En, Cents(-5)), "-€0.05");
        assert_eq!(money_input(Locale::De, a), "1234,50");
        assert_eq!(money_input(Locale::En, Cents(61_200)), "612");
        assert_eq!(money_plain(Locale::De, Cents(61_250)), "612,50");
        assert_eq!(money_plain(Locale::En, Cents(-61_250)), "-612.50");
        assert_eq!(money_sheet(Locale::De, a), "1.234,50 €");
        assert_eq!(money_sheet(Locale::En, Cents(100)), "1.00 €");
    }

    #[test]
    fn decimals_group_and_trim() {
        assert_eq!(decimal(Locale::De, 1234.5, 2, false), "1.234,5");
        assert_eq!(decimal(Locale::De, 612.5, 2, true), "612,50");
        assert_eq!(decimal(Locale::En, 1_000_000.0, 2, true), "1,000,000");
        assert_eq!(decimal(Locale::En, -0.001, 2, false), "0");
        assert_eq!(decimal(Locale::De, f64::NAN, 2, false), "–");
        assert_eq!(measure_input(Locale::De, 61.25), "61,25");
        assert_eq!(measure_input(Locale::En, 45.0), "45");
        assert_eq!(counted_unit("Haushalt|Haushalte", 1.0), "Haushalt");
        assert_eq!(counted_unit("Haushalt|Haushalte", 2.0), "Haushalte");
        assert_eq!(counted_unit("€", 1.0), "€");
    }
}
