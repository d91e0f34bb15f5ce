//! Numbers, dates and names in German and English for the engine's sentences.

use chrono::{Datelike, NaiveDate};

use crate::domain::Locale;
use crate::domain::household::AnchorKind;
use crate::domain::unit::LandlordPreference;

/// A number with `decimals` decimals: `1,2` in German, `1.2` in English.
pub fn number(locale: Locale, value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match locale {
        Locale::De => text.replace('.', ","),
        Locale::En => text,
    }
}

/// A measurement without trailing `,0`: `45 m²`, `2,5 Zimmer`.
pub fn compact(locale: Locale, value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        number(locale, value, 1)
    }
}

/// A distance in kilometres with one decimal.
pub fn km(locale: Locale, value: f64) -> String {
    format!("{}\u{a0}km", number(locale, value, 1))
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

/// The name of an anchor kind, as the subject of "… 1,2 km entfernt".
pub fn anchor(locale: Locale, kind: AnchorKind) -> &'static str {
    match (locale, kind) {
        (Locale::De, AnchorKind::Work) => "Arbeitsplatz",
        (Locale::De, AnchorKind::School) => "Schule",
        (Locale::De, AnchorKind::Kindergarten) => "Kindergarten",
        (Locale::De, AnchorKind::Course) => "Sprachkurs",
        (Locale::De, AnchorKind::Doctor) => "Arztpraxis",
        (Locale::De, AnchorKind::Other) => "Wichtiger Ort",
        (Locale::En, AnchorKind::Work) => "Workplace",
        (Locale::En, AnchorKind::School) => "School",
        (Locale::En, AnchorKind::Kindergarten) => "Kindergarten",
        (Locale::En, AnchorKind::Course) => "Language course",
        (Locale::En, AnchorKind::Doctor) => "Doctor",
        (Locale::En, AnchorKind::Other) => "Important place",
    }
}

/// A landlord's wish in words.
pub fn preference(locale: Locale, p: LandlordPreference) -> &'static str {
    match (locale, p) {
        (Locale::De, LandlordPreference::Families) => "Familie mit Kindern",
        (Locale::De, LandlordPreference::Couples) => "Paar ohne Kinder",
        (Locale::De, LandlordPreference::Singles) => "Einzelperson",
        (Locale::De, LandlordPreference::Employed) => "berufstätig",
        (Locale::De, LandlordPreference::SpeaksGerman) => "spricht Deutsch",
        (Locale::De, LandlordPreference::SpeaksEnglish) => "spricht Englisch",
        (Locale::En, LandlordPreference::Families) => "family with children",
        (Locale::En, LandlordPreference::Couples) => "couple without children",
        (Locale::En, LandlordPreference::Singles) => "single person",
        (Locale::En, LandlordPreference::Employed) => "in work",
        (Locale::En, LandlordPreference::SpeaksGerman) => "speaks German",
        (Locale::En, LandlordPreference::SpeaksEnglish) => "speaks English",
    }
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
}
