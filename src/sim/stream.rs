//! Synthetic streams for the policy lab: a few real municipalities of Baden-Württemberg,
//! a backlog at the start and flats and households arriving evenly over the months after.
//! Built on the scenario generator, so households and flats look the same. Deterministic
//! for a seed.

use chrono::{Duration, NaiveDate};

use super::{GenerateOptions, bw_municipalities, generate_in};
use crate::engine::lab::{AnswerModel, HouseholdArrival, Stream, UnitArrival};
use crate::util::SplitMix64;

/// The demo's five towns: the default of a generated stream.
pub const DEMO_TOWNS: [&str; 5] = [
    "Esslingen am Neckar",
    "Göppingen",
    "Kirchheim unter Teck",
    "Winnenden",
    "Plochingen",
];

/// Parameters of a generated stream.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    pub months: u32,
    /// Households joining per year (the backlog at the start included).
    pub households_per_year: usize,
    /// Flats offered per year.
    pub flats_per_year: usize,
    pub seed: u64,
    pub start: NaiveDate,
    /// Town names from the shipped table.
    pub towns: Vec<String>,
}

impl StreamOptions {
    /// A stream of `months` months in the demo's five towns: 1,000 households and 400 flats
    /// a year.
    pub fn demo(months: u32, seed: u64) -> StreamOptions {
        StreamOptions {
            months,
            households_per_year: 1_000,
            flats_per_year: 400,
            seed,
            start: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default(),
            towns: DEMO_TOWNS.iter().map(|t| (*t).to_owned()).collect(),
        }
    }
}

/// Share of the households waiting at the start (the backlog).
const BACKLOG: f64 = 0.25;
/// Share of the flats free at the start.
const FLATS_AT_START: f64 = 0.05;

/// Generates a stream; an unknown town name is an error.
pub fn generate_stream(o: &StreamOptions) -> Result<Stream, String> {
    if !(1..=36).contains(&o.months) {
        return Err("a generated stream has 1 to 36 months".into());
    }
    let all = bw_municipalities();
    let mut towns = Vec::new();
    for name in &o.towns {
        let town = all
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                format!("unknown town '{name}' (not in assets/geo/bw_municipalities.csv)")
            })?;
        towns.push(town.clone());
    }
    if towns.is_empty() {
        return Err("name at least one town".into());
    }
    let end = o
        .start
        .checked_add_months(chrono::Months::new(o.months))
        .ok_or("the stream ends too late")?
        - Duration::days(1);
    let days = (end - o.start).num_days();
    let scale = f64::from(o.months) / 12.0;
    let households = ((o.households_per_year as f64) * scale).round() as usize;
    let flats = ((o.flats_per_year as f64) * scale).round() as usize;
    let scenario = generate_in(
        GenerateOptions {
            households,
            units: flats,
            seed: o.seed,
            as_of: o.start,
            dense: false,
        },
        towns,
    );
    let mut rng = SplitMix64::new(o.seed ^ 0x5747_2EA7);
    let mut arrival = |backlog: f64| {
        if rng.chance(backlog) {
            0
        } else {
            rng.range_i64(1, days.max(1))
        }
    };
    let units = scenario
        .units
        .into_iter()
        .map(|mut unit| {
            let shift = Duration::days(arrival(FLATS_AT_START));
            unit.available_from = unit.available_from.map(|d| d + shift);
            UnitArrival {
                arrives: o.start + shift,
                unit,
            }
        })
        .collect();
    let households = scenario
        .households
        .into_iter()
        .map(|mut household| {
            let shift = Duration::days(arrival(BACKLOG));
            household.in_follow_up_since = household.in_follow_up_since.map(|d| d + shift);
            household.latest_move_date = household.latest_move_date.map(|d| d + shift);
            HouseholdArrival {
                arrives: o.start + shift,
                household,
            }
        })
        .collect();
    Ok(Stream {
        start: o.start,
        end,
        municipalities: scenario.municipalities,
        units,
        households,
        answers: AnswerModel::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::lab::Lab;

    #[test]
    fn a_generated_stream_is_valid_reproducible_and_spread_over_the_year() {
        let s = generate_stream(&StreamOptions::demo(12, 4)).expect("stream");
        assert_eq!(s.municipalities.len(), 5);
        assert_eq!((s.households.len(), s.units.len()), (1_000, 400));
        assert_eq!(s.end, NaiveDate::from_ymd_opt(2027, 12, 31).expect("date"));
        let lab = Lab::new(&s).expect("valid");
        assert!(lab.by_household.iter().filter(|r| !r.is_empty()).count() > 300);
        let at_start = s.households.iter().filter(|h| h.arrives == s.start).count();
        assert!((180..330).contains(&at_start), "{at_start}");
        let late = s
            .households
            .iter()
            .filter(|h| h.arrives.format("%m").to_string() == "12")
            .count();
        assert!(late > 30, "{late}");
        let again = generate_stream(&StreamOptions::demo(12, 4)).expect("stream");
        assert_eq!(
            serde_json::to_string(&s).expect("json"),
            serde_json::to_string(&again).expect("json")
        );
        let mut bad = StreamOptions::demo(12, 4);
        bad.towns.push("Atlantis".into());
        assert!(generate_stream(&bad).unwrap_err().contains("Atlantis"));
        assert!(generate_stream(&StreamOptions::demo(0, 1)).is_err());
    }
}
