//! Money as whole euro cents. Never a float: rent caps are compared to the cent.

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use super::Locale;

/// An amount of money in euro cents (may be negative, e.g. a gap below a cap).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    /// Zero euros.
    pub const ZERO: Cents = Cents(0);

    /// Whole euros.
    pub const fn euros(euros: i64) -> Self {
        Cents(euros * 100)
    }

    /// Converts an amount in euros (as written in a JSON scenario) to cents, rounding half
    /// away from zero. Returns `None` for amounts that are not finite or too large.
    pub fn from_euros_f64(euros: f64) -> Option<Self> {
        if !euros.is_finite() || euros.abs() > 1e12 {
            return None;
        }
        Some(Cents((euros * 100.0).round() as i64))
    }

    /// The amount in euros as a float, for JSON output and scoring ratios only.
    pub fn as_euros_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Formats the amount the way readers of `locale` expect (see
    /// [`super::format::money`]): German `1.234,50 €`, English `€1,234.50`.
    pub fn format(self, locale: Locale) -> String {
        super::format::money(locale, self)
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, rhs: Cents) -> Cents {
        Cents(self.0 + rhs.0)
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, rhs: Cents) -> Cents {
        Cents(self.0 - rhs.0)
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(Locale::De))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_german_and_english() {
        assert_eq!(Cents(61200).format(Locale::De), "612\u{a0}€");
        assert_eq!(Cents(123450).format(Locale::De), "1.234,50\u{a0}€");
        assert_eq!(Cents(123450).format(Locale::En), "€1,234.50");
        assert_eq!(Cents(-5).format(Locale::En), "-€0.05");
        assert_eq!(Cents(100_000_000).format(Locale::De), "1.000.000\u{a0}€");
    }

    #[test]
    fn euros_round_to_the_cent() {
        assert_eq!(Cents::from_euros_f64(540.0), Some(Cents(54000)));
        assert_eq!(Cents::from_euros_f64(0.125), Some(Cents(13)));
        assert_eq!(Cents::from_euros_f64(f64::NAN), None);
    }
}
