//! The states a proposal moves through, one way, and which moves are legal.

use crate::domain::string_enum;

string_enum! {
    /// Where a proposal stands.
    pub enum ProposalState {
        /// Computed by a match run; waits for a coordinator.
        Suggested = "suggested",
        /// A coordinator rejected the suggestion (ends).
        Rejected = "rejected",
        /// A coordinator approved it; e-mails go out.
        Approved = "approved",
        /// Sent to both sides; waiting for both answers.
        Sent = "sent",
        /// The landlord said yes; the household has not answered yet.
        LandlordAccepted = "landlord_accepted",
        /// The household said yes; the landlord has not answered yet.
        HouseholdAccepted = "household_accepted",
        /// Both said yes.
        Accepted = "accepted",
        /// The landlord said no (ends; the pair is never proposed again).
        LandlordDeclined = "landlord_declined",
        /// The household said no (ends; the pair is never proposed again).
        HouseholdDeclined = "household_declined",
        /// Nobody answered in time (ends; unit and household are free again).
        Expired = "expired",
        /// A viewing is arranged.
        ViewingScheduled = "viewing_scheduled",
        /// The viewing took place.
        ViewingHeld = "viewing_held",
        /// The Jobcenter's Zusicherung is requested.
        JobcenterRequested = "jobcenter_requested",
        /// The Jobcenter approved the costs.
        JobcenterGranted = "jobcenter_granted",
        /// The Jobcenter refused (ends).
        JobcenterRefused = "jobcenter_refused",
        /// The lease is signed (direct or municipal head lease).
        LeaseSigned = "lease_signed",
        /// The household moved in; follow-ups at 1, 3, 6 and 12 months.
        MovedIn = "moved_in",
        /// The tenancy lasted (ends well).
        Sustained = "sustained",
        /// The tenancy ended early (ends, with reason).
        EndedEarly = "ended_early",
        /// Called off by a coordinator at any open stage (ends, with reason).
        Withdrawn = "withdrawn",
    }
}

use ProposalState::*;

impl ProposalState {
    /// The states a proposal may move to from here.
    pub fn next_states(self) -> &'static [ProposalState] {
        match self {
            Suggested => &[Approved, Rejected],
            Approved => &[Sent, Withdrawn],
            Sent => &[
                LandlordAccepted,
                HouseholdAccepted,
                LandlordDeclined,
                HouseholdDeclined,
                Expired,
                Withdrawn,
            ],
            LandlordAccepted => &[Accepted, HouseholdDeclined, Expired, Withdrawn],
            HouseholdAccepted => &[Accepted, LandlordDeclined, Expired, Withdrawn],
            Accepted => &[
                ViewingScheduled,
                JobcenterRequested,
                LeaseSigned,
                LandlordDeclined,
                HouseholdDeclined,
                Withdrawn,
            ],
            ViewingScheduled => &[
                ViewingHeld,
                ViewingScheduled,
                LandlordDeclined,
                HouseholdDeclined,
                Withdrawn,
            ],
            ViewingHeld => &[
                JobcenterRequested,
                LeaseSigned,
                ViewingScheduled,
                LandlordDeclined,
                HouseholdDeclined,
                Withdrawn,
            ],
            JobcenterRequested => &[JobcenterGranted, JobcenterRefused, Withdrawn],
            JobcenterGranted => &[LeaseSigned, LandlordDeclined, HouseholdDeclined, Withdrawn],
            LeaseSigned => &[MovedIn, Withdrawn],
            MovedIn => &[Sustained, EndedEarly],
            Rejected | LandlordDeclined | HouseholdDeclined | Expired | JobcenterRefused
            | Sustained | EndedEarly | Withdrawn => &[],
        }
    }

    /// Whether `self → to` is a legal move.
    pub fn can_move_to(self, to: ProposalState) -> bool {
        self.next_states().contains(&to)
    }

    /// No move leaves this state.
    pub fn is_final(self) -> bool {
        self.next_states().is_empty()
    }

    /// While open (approved and not ended), the unit and the household are frozen for
    /// other proposals.
    pub fn holds_unit_and_household(self) -> bool {
        !matches!(self, Suggested) && !self.is_final()
    }

    /// Both sides said yes and the placement goes on (or lasted): the two sides may learn
    /// whom they deal with, as far as the household's consent allows. Before both said yes,
    /// and once a side declined or the placement was called off, they may not.
    pub fn shares_contacts(self) -> bool {
        matches!(
            self,
            Accepted
                | ViewingScheduled
                | ViewingHeld
                | JobcenterRequested
                | JobcenterGranted
                | LeaseSigned
                | MovedIn
                | Sustained
        )
    }

    /// Waiting for an answer from one or both sides (reminders and expiry apply).
    pub fn awaits_answer(self) -> bool {
        matches!(self, Sent | LandlordAccepted | HouseholdAccepted)
    }
}

/// Why a move was refused, in a sentence for the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a proposal in state \"{from}\" cannot move to \"{to}\"")]
pub struct IllegalTransition {
    pub from: ProposalState,
    pub to: ProposalState,
}

/// Checks a move.
pub fn check_transition(from: ProposalState, to: ProposalState) -> Result<(), IllegalTransition> {
    if from.can_move_to(to) {
        Ok(())
    } else {
        Err(IllegalTransition { from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_shared_only_once_both_said_yes_and_while_it_goes_on() {
        // Every state reachable only through "both said yes" shares; none before it does.
        let before = [
            Suggested,
            Rejected,
            Approved,
            Sent,
            LandlordAccepted,
            HouseholdAccepted,
            Expired,
        ];
        for s in before {
            assert!(!s.shares_contacts(), "{s} shares contacts");
        }
        // A side that said no, a refusal or a withdrawal closes what was shared.
        for s in [
            LandlordDeclined,
            HouseholdDeclined,
            JobcenterRefused,
            Withdrawn,
            EndedEarly,
        ] {
            assert!(!s.shares_contacts(), "{s} shares contacts");
        }
        // Every state a proposal reaches from "accepted" without ending badly shares.
        let mut open = vec![Accepted];
        let mut seen = Vec::new();
        while let Some(s) = open.pop() {
            if seen.contains(&s) {
                continue;
            }
            seen.push(s);
            for next in s.next_states() {
                if !matches!(
                    next,
                    LandlordDeclined
                        | HouseholdDeclined
                        | JobcenterRefused
                        | Withdrawn
                        | EndedEarly
                ) {
                    open.push(*next);
                }
            }
        }
        for s in seen {
            assert!(s.shares_contacts(), "{s} does not share contacts");
        }
    }

    #[test]
    fn the_happy_path_is_legal() {
        let path = [
            Suggested,
            Approved,
            Sent,
            LandlordAccepted,
            Accepted,
            ViewingScheduled,
            ViewingHeld,
            JobcenterRequested,
            JobcenterGranted,
            LeaseSigned,
            MovedIn,
            Sustained,
        ];
        for pair in path.windows(2) {
            assert!(
                check_transition(pair[0], pair[1]).is_ok(),
                "{} → {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn ended_states_allow_no_move() {
        for state in [
            Rejected,
            LandlordDeclined,
            HouseholdDeclined,
            Expired,
            JobcenterRefused,
            Sustained,
            EndedEarly,
            Withdrawn,
        ] {
            assert!(state.is_final());
            assert!(!state.holds_unit_and_household());
        }
    }

    #[test]
    fn skipping_ahead_or_going_back_is_illegal() {
        assert!(check_transition(Suggested, Sent).is_err());
        assert!(check_transition(Sent, MovedIn).is_err());
        assert!(check_transition(MovedIn, Sent).is_err());
        let err = check_transition(Accepted, Suggested).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a proposal in state \"accepted\" cannot move to \"suggested\""
        );
    }

    #[test]
    fn every_state_is_reachable_from_suggested() {
        let mut seen = vec![Suggested];
        let mut frontier = vec![Suggested];
        while let Some(state) = frontier.pop() {
            for next in state.next_states() {
                if !seen.contains(next) {
                    seen.push(*next);
                    frontier.push(*next);
                }
            }
        }
        assert_eq!(seen.len(), ProposalState::ALL.len());
    }
}
