//! The soft criteria the matching engine scores, and their weights.

use std::collections::BTreeMap;

use super::string_enum;

string_enum! {
    /// A soft criterion. Each scores a household–unit pair with points in [0, 1].
    pub enum Criterion {
        /// Closeness of the unit to the household's anchors (work, school, ...).
        AnchorDistance = "anchor_distance",
        /// Living area against the area norm for the household size.
        AreaFit = "area_fit",
        /// Number of rooms against what the household needs.
        RoomsFit = "rooms_fit",
        /// How far the rent stays below the cap (public budget).
        RentHeadroom = "rent_headroom",
        /// Time already spent in follow-up housing (fairness).
        WaitingTime = "waiting_time",
        /// Urgency recorded by the coordinator.
        Urgency = "urgency",
        /// The landlord's stated wishes met.
        LandlordPreferences = "landlord_preferences",
    }
}

impl Criterion {
    /// The documented default weight (they sum to 1).
    pub fn default_weight(self) -> f64 {
        match self {
            Criterion::AnchorDistance => 0.25,
            Criterion::AreaFit => 0.15,
            Criterion::RoomsFit => 0.10,
            Criterion::RentHeadroom => 0.10,
            Criterion::WaitingTime => 0.15,
            Criterion::Urgency => 0.15,
            Criterion::LandlordPreferences => 0.10,
        }
    }
}

/// Relative weights of the criteria for one municipality. Any non-negative numbers; the
/// engine divides by their sum, so only proportions matter. Missing criteria keep their
/// default weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    values: [f64; 7],
}

impl Default for Weights {
    fn default() -> Self {
        let mut values = [0.0; 7];
        for (i, c) in Criterion::ALL.iter().enumerate() {
            values[i] = c.default_weight();
        }
        Self { values }
    }
}

impl Weights {
    /// Defaults overridden by `overrides` (criterion name → weight). Errors name the
    /// unknown criterion or the invalid weight.
    pub fn from_overrides<'a>(
        overrides: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Result<Self, String> {
        let mut weights = Self::default();
        for (name, value) in overrides {
            let criterion: Criterion = name.parse().map_err(|_| {
                format!(
                    "unknown criterion \"{name}\" (known: {})",
                    Criterion::ALL
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            if !(value.is_finite() && value >= 0.0) {
                return Err(format!(
                    "the weight of \"{name}\" must be a number ≥ 0, not {value}"
                ));
            }
            weights.values[criterion as usize] = value;
        }
        if weights.total() <= 0.0 {
            return Err("at least one criterion needs a weight above 0".into());
        }
        Ok(weights)
    }

    /// The raw weight of a criterion.
    pub fn get(&self, criterion: Criterion) -> f64 {
        self.values[criterion as usize]
    }

    /// The weight as a share of all weights (they sum to 1).
    pub fn normalized(&self, criterion: Criterion) -> f64 {
        let total = self.total();
        if total > 0.0 {
            self.get(criterion) / total
        } else {
            0.0
        }
    }

    fn total(&self) -> f64 {
        self.values.iter().sum()
    }

    /// As a name → weight map, e.g. for storing in a rule set.
    pub fn to_map(&self) -> BTreeMap<String, f64> {
        Criterion::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), self.get(*c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weights_sum_to_one() {
        let sum: f64 = Criterion::ALL.iter().map(|c| c.default_weight()).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn overrides_replace_defaults_and_normalise() {
        let w = Weights::from_overrides([("urgency", 0.45)]).expect("valid");
        assert_eq!(w.get(Criterion::Urgency), 0.45);
        assert!((w.normalized(Criterion::Urgency) - 0.45 / 1.3).abs() < 1e-12);
    }

    #[test]
    fn unknown_criteria_and_negative_weights_are_refused() {
        assert!(
            Weights::from_overrides([("beauty", 1.0)])
                .unwrap_err()
                .contains("beauty")
        );
        assert!(Weights::from_overrides([("urgency", -1.0)]).is_err());
        let all_zero: Vec<(&str, f64)> = Criterion::ALL.iter().map(|c| (c.as_str(), 0.0)).collect();
        assert!(Weights::from_overrides(all_zero).is_err());
    }
}
