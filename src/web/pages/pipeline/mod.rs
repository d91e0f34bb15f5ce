//! The placement pipeline for coordinators: the board of a municipality's proposals by
//! stage, one proposal with every step it can take next (each a small form rendered from
//! the step's declared fields), the placements with their follow-ups, and for volunteers
//! the viewings they accompany.

pub mod board;
pub mod placements;
pub mod proposal;
pub mod viewings;

pub use board::board;
pub use placements::placements;
pub use proposal::{incentive_paid, record_follow_up, show_proposal, take_step};
pub use viewings::{my_viewings, record_viewing};

use crate::domain::Locale;
use crate::domain::format;
use crate::domain::pipeline::ProposalState;
use crate::domain::validation::FieldErrors;
use crate::i18n::{Texts, fill};
use crate::services::pipeline::StepError;
use crate::web::error::PageError;

/// The name of a state in the reader's language.
pub fn state_label(t: Texts, state: ProposalState) -> String {
    t.get(&format!("pipeline.state.{}", state.as_str()))
        .to_owned()
}

/// A sentence saying why a step was not taken.
pub fn blocked_message(t: Texts, locale: Locale, e: &StepError) -> String {
    match e {
        StepError::Illegal { from, to } => fill(
            t.get("pipeline.illegal"),
            &[
                ("from", &state_label(t, *from)),
                ("to", &state_label(t, *to)),
            ],
        ),
        StepError::Blocked(blocked) => {
            let mut text = t.get(blocked.key()).to_owned();
            for (de, en) in blocked.details() {
                text.push(' ');
                text.push_str(if locale == Locale::En { en } else { de });
            }
            text
        }
        StepError::Fields(errors) => errors
            .0
            .values()
            .map(|k| t.get(k).to_owned())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A step that the proposal's stage or data does not allow: the 409 page with the sentence
/// in German and English and the way back to `back` (nothing was changed).
pub fn refusal(e: &StepError, back: Option<String>) -> PageError {
    PageError::RefusedAt {
        de: blocked_message(Texts::new(Locale::De), Locale::De, e),
        en: blocked_message(Texts::new(Locale::En), Locale::En, e),
        back,
    }
}

/// The messages of errors that belong to no field of a form (`fields`): the step as a
/// whole, shown above the form's fields.
pub fn notices(t: Texts, errors: &FieldErrors, fields: &[&str]) -> Vec<String> {
    errors
        .0
        .iter()
        .filter(|(name, _)| !fields.contains(&name.as_str()))
        .map(|(_, key)| t.get(key).to_owned())
        .collect()
}

/// A point in time as German readers expect it: date and local time.
pub fn when(locale: Locale, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = crate::domain::time::to_berlin(at);
    format!(
        "{} {}",
        format::date(locale, local.date_naive()),
        local.format("%H:%M")
    )
}
