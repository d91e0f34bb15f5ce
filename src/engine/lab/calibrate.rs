//! The answer model from the service's own history: in each score band, how often
//! households and landlords said yes, and how long answers and move-ins took. Bands with
//! too few answers keep the documented assumption.

use super::stream::{AnswerModel, DayRange};

/// Answers a band needs before its own figures replace the assumption.
pub const MIN_ANSWERS: usize = 5;

/// One proposal of the history as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answered {
    pub score: f64,
    /// `Some(true)`: said yes; `Some(false)`: said no or let it expire; `None`: unknown.
    pub household_yes: Option<bool>,
    pub landlord_yes: Option<bool>,
    /// Days from sending until both had answered (or it closed).
    pub answer_days: Option<u32>,
    /// Days from both yeses to the move-in.
    pub move_in_days: Option<u32>,
}

fn rate(values: impl Iterator<Item = bool>) -> Option<f64> {
    let (yes, n) = values.fold((0usize, 0usize), |(y, n), v| (y + usize::from(v), n + 1));
    (n >= MIN_ANSWERS).then(|| yes as f64 / n as f64)
}

/// The 10th to 90th percentile of the days seen, when there are enough.
fn range(mut days: Vec<u32>) -> Option<DayRange> {
    if days.len() < MIN_ANSWERS {
        return None;
    }
    days.sort_unstable();
    let at = |q: f64| days[((q * (days.len() - 1) as f64).round() as usize).min(days.len() - 1)];
    Some(DayRange {
        min: at(0.1).min(365),
        max: at(0.9).min(365),
    })
}

/// The model for a history; what it cannot tell stays as assumed.
pub fn calibrate(history: &[Answered]) -> AnswerModel {
    let mut model = AnswerModel::default();
    let bounds: Vec<f64> = model.bands.iter().map(|b| b.from_score).collect();
    for (i, band) in model.bands.iter_mut().enumerate() {
        let upper = bounds.get(i + 1).copied().unwrap_or(f64::INFINITY);
        let inside: Vec<&Answered> = history
            .iter()
            .filter(|a| a.score >= band.from_score && a.score < upper)
            .collect();
        if let Some(r) = rate(inside.iter().filter_map(|a| a.household_yes)) {
            band.household_accepts = r;
        }
        if let Some(r) = rate(inside.iter().filter_map(|a| a.landlord_yes)) {
            band.landlord_accepts = r;
        }
    }
    if let Some(r) = range(history.iter().filter_map(|a| a.answer_days).collect()) {
        model.answer_days = r;
    }
    if let Some(r) = range(history.iter().filter_map(|a| a.move_in_days).collect()) {
        model.move_in_days = r;
    }
    model.source = "history".into();
    model.answers_seen = history
        .iter()
        .filter(|a| a.household_yes.is_some() || a.landlord_yes.is_some())
        .count() as u32;
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(score: f64, household: bool, landlord: bool, days: u32) -> Answered {
        Answered {
            score,
            household_yes: Some(household),
            landlord_yes: Some(landlord),
            answer_days: Some(days),
            move_in_days: (household && landlord).then_some(days * 3),
        }
    }

    #[test]
    fn bands_with_enough_answers_take_their_own_rates() {
        let mut history: Vec<Answered> = (0..10)
            .map(|i| answered(0.9, i < 8, i < 5, 2 + i))
            .collect();
        // Two answers in the lowest band: too few, the assumption stays.
        history.push(answered(0.1, false, false, 30));
        history.push(answered(0.2, false, false, 30));
        let m = calibrate(&history);
        let top = m.band(0.9);
        assert_eq!((top.household_accepts, top.landlord_accepts), (0.8, 0.5));
        assert_eq!(m.band(0.1), &AnswerModel::default().bands[0]);
        assert_eq!(m.answers_seen, 12);
        assert_eq!(m.source, "history");
        // Answer days 2..11 and twice 30: the 10th to 90th percentile.
        assert_eq!(m.answer_days, DayRange { min: 3, max: 30 });
        // Move-ins: five pairs said yes twice (days 2..6, times 3).
        assert_eq!(m.move_in_days, DayRange { min: 6, max: 18 });
    }

    #[test]
    fn an_empty_history_is_the_assumption_marked_as_history() {
        let m = calibrate(&[]);
        assert_eq!(m.bands, AnswerModel::default().bands);
        assert_eq!(m.answers_seen, 0);
    }
}
