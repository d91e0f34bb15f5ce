//! Tests of the typed steps: each step's fields read and refused at their limits.

use super::*;
use crate::domain::pipeline::check_transition;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn every_open_step_is_a_legal_move() {
    for from in ProposalState::ALL {
        for action in Action::open_from(*from) {
            let to = action.target(*from).expect("open");
            assert!(check_transition(*from, to).is_ok(), "{action} from {from}");
        }
    }
}

#[test]
fn every_legal_move_a_person_makes_has_a_step() {
    // Sending and expiry are Bleibe's own moves (on approval, and by the scheduled job).
    let by_system = [ProposalState::Sent, ProposalState::Expired];
    for from in ProposalState::ALL {
        for to in from.next_states() {
            if by_system.contains(to) {
                continue;
            }
            assert!(
                Action::open_from(*from)
                    .iter()
                    .any(|a| a.target(*from) == Some(*to)),
                "no step for {from} → {to}"
            );
        }
    }
}

#[test]
fn answers_complete_each_other_and_follow_ups_keep_the_state() {
    use ProposalState::*;
    assert_eq!(Action::LandlordAccept.target(Sent), Some(LandlordAccepted));
    assert_eq!(
        Action::LandlordAccept.target(HouseholdAccepted),
        Some(Accepted)
    );
    assert_eq!(
        Action::HouseholdAccept.target(LandlordAccepted),
        Some(Accepted)
    );
    assert_eq!(Action::FollowUp.target(MovedIn), Some(MovedIn));
    assert_eq!(Action::FollowUp.target(LeaseSigned), None);
    assert_eq!(Action::Approve.target(Sent), None);
    assert!(Action::open_from(Suggested).contains(&Action::Approve));
    assert!(!Action::open_from(MovedIn).contains(&Action::Withdraw));
    assert!(Action::open_from(Sustained).is_empty());
}

#[test]
fn each_step_reads_exactly_its_declared_fields() {
    // Every declared field filled with a value its kind accepts: the parse succeeds,
    // and leaving out a required field is an error at that field.
    for action in Action::ALL {
        let filled: Vec<(String, String)> = action
            .fields()
            .iter()
            .map(|f| (f.name.to_owned(), sample(f).to_owned()))
            .collect();
        let step = Step::parse(*action, &filled)
            .unwrap_or_else(|e| panic!("{action} with {filled:?}: {e:?}"));
        assert_eq!(step.action(), *action);
        for required in action.fields().iter().filter(|f| f.required) {
            let without: Vec<(String, String)> = filled
                .iter()
                .filter(|(k, _)| k != required.name)
                .cloned()
                .collect();
            let errors = Step::parse(*action, &without).expect_err("missing field");
            assert_eq!(
                errors.get(required.name),
                Some("validation.required"),
                "{action}.{}",
                required.name
            );
        }
    }
}

fn sample(spec: &FieldSpec) -> &'static str {
    match spec.kind {
        FieldKind::Text { .. } | FieldKind::Note { .. } => "Text",
        FieldKind::Date => "2026-12-01",
        FieldKind::DateTime => "2026-12-05T17:00",
        FieldKind::Money { .. } => "612,50",
        FieldKind::Count { .. } => "3",
        FieldKind::Choice(values) => values[0],
        FieldKind::YesNo => "yes",
        FieldKind::Id => "7",
    }
}

#[test]
fn wrong_values_are_named_at_their_fields() {
    let errors = Step::parse(
        Action::LeaseSigned,
        &pairs(&[
            ("lease_kind", "mündlich"),
            ("signed_on", "gestern"),
            ("lease_start", "2026-12-01"),
            ("rent_cold", "-5"),
            ("service_charges", "120"),
            ("heating_costs", "2.500"),
        ]),
    )
    .expect_err("invalid");
    assert_eq!(errors.get("lease_kind"), Some("validation.choose_one"));
    assert_eq!(errors.get("signed_on"), Some("validation.date"));
    assert_eq!(errors.get("rent_cold"), Some("validation.rent_range"));
    assert_eq!(errors.get("heating_costs"), Some("validation.costs_range"));
    assert_eq!(errors.get("lease_start"), None);

    let errors = Step::parse(
        Action::LandlordDecline,
        &pairs(&[("reason_code", "other"), ("reason", " ")]),
    )
    .expect_err("other needs a text");
    assert_eq!(errors.get("reason"), Some("validation.reason_required"));

    let errors = Step::parse(
        Action::FollowUp,
        &pairs(&[("month", "2"), ("done_on", "2027-01-01")]),
    )
    .expect_err("no 2-month follow-up");
    assert_eq!(
        errors.get("month"),
        Some("pipeline.invalid.follow_up_month")
    );
    let errors = Step::parse(
        Action::FollowUp,
        &pairs(&[
            ("month", "3"),
            ("done_on", "2027-01-01"),
            ("rent_paid", "vielleicht"),
        ]),
    )
    .expect_err("yes, no or unknown");
    assert_eq!(errors.get("rent_paid"), Some("validation.choose_one"));
}
