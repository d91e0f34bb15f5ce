//! The documents Bleibe typesets, and which of them fit a proposal's stage. Who may hold
//! what: the household's letter is for its caseworker only, and nothing of the household
//! goes into a document a landlord gets before both sides said yes.

use super::incentive::IncentiveKind;
use super::pipeline::ProposalState;
use super::string_enum;

string_enum! {
    /// A kind of document.
    pub enum DocumentKind {
        /// Mietbescheinigung / Wohnungsangebot for the Jobcenter (§ 22 Abs. 4 SGB II).
        RentCertificate = "rent-certificate",
        /// Erklärung zur Mietausfallgarantie.
        RentGuarantee = "rent-guarantee",
        /// Vereinbarung Sanierungszuschuss gegen Belegungsrecht.
        OccupancyAgreement = "occupancy-agreement",
        /// Eckpunkte der Zwischenanmietung (head lease term sheet).
        HeadLease = "head-lease",
        /// The household's proposal on paper, in its language, with QR codes.
        ProposalLetter = "proposal-letter",
        /// A municipality's yearly report.
        YearlyReport = "yearly-report",
    }
}

impl DocumentKind {
    /// The agreement for an incentive of this kind, if it has one.
    pub fn agreement_for(kind: IncentiveKind) -> Option<Self> {
        match kind {
            IncentiveKind::RentDefaultGuarantee => Some(Self::RentGuarantee),
            IncentiveKind::RenovationGrant => Some(Self::OccupancyAgreement),
            IncentiveKind::HeadLease => Some(Self::HeadLease),
            IncentiveKind::PlacementBonus | IncentiveKind::Advice => None,
        }
    }

    /// The incentive an agreement is about.
    pub fn incentive(self) -> Option<IncentiveKind> {
        IncentiveKind::ALL
            .iter()
            .copied()
            .find(|k| Self::agreement_for(*k) == Some(self))
    }

    /// Whether a landlord may have this document of their own flat.
    pub fn for_landlord(self) -> bool {
        matches!(
            self,
            Self::RentCertificate
                | Self::RentGuarantee
                | Self::OccupancyAgreement
                | Self::HeadLease
        )
    }

    /// Whether the document belongs to one proposal (all but the yearly report).
    pub fn of_proposal(self) -> bool {
        self != Self::YearlyReport
    }

    /// The file name of a download, e.g. `mietbescheinigung-17.pdf`.
    pub fn file_name(self, id: i64) -> String {
        let stem = match self {
            Self::RentCertificate => "mietbescheinigung",
            Self::RentGuarantee => "mietausfallgarantie",
            Self::OccupancyAgreement => "belegungsrecht",
            Self::HeadLease => "zwischenanmietung",
            Self::ProposalLetter => "wohnungsangebot-brief",
            Self::YearlyReport => "jahresbericht",
        };
        format!("{stem}-{id}.pdf")
    }
}

/// The documents that fit a proposal in `state` whose flat was granted `granted`
/// incentives: the rent certificate from both sides' yes until the lease; the household's
/// letter while its answer is awaited; an agreement per granted incentive that has one
/// while the proposal is not called off.
pub fn offered(state: ProposalState, granted: &[IncentiveKind]) -> Vec<DocumentKind> {
    use ProposalState::*;
    let mut out = Vec::new();
    if matches!(
        state,
        Accepted | ViewingScheduled | ViewingHeld | JobcenterRequested | JobcenterGranted
    ) {
        out.push(DocumentKind::RentCertificate);
    }
    if matches!(state, Sent | LandlordAccepted) {
        out.push(DocumentKind::ProposalLetter);
    }
    let open = !state.is_final() || matches!(state, Sustained);
    if open && state != Suggested {
        for &kind in DocumentKind::ALL {
            if kind.incentive().is_some_and(|i| granted.contains(&i)) {
                out.push(kind);
            }
        }
    }
    out
}

/// Whether a document of a proposal in `state` may name the household (its contact
/// person): only once both sides said yes and while the placement goes on, as for
/// contacts on the pages.
pub fn names_household(state: ProposalState) -> bool {
    state.shares_contacts()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_agreement_belongs_to_one_incentive() {
        for &kind in IncentiveKind::ALL {
            if let Some(doc) = DocumentKind::agreement_for(kind) {
                assert_eq!(doc.incentive(), Some(kind));
            }
        }
        assert_eq!(DocumentKind::RentCertificate.incentive(), None);
    }

    #[test]
    fn the_household_is_named_only_after_both_said_yes() {
        for &state in ProposalState::ALL {
            let named = names_household(state);
            let before = matches!(
                state,
                ProposalState::Suggested
                    | ProposalState::Approved
                    | ProposalState::Sent
                    | ProposalState::LandlordAccepted
                    | ProposalState::HouseholdAccepted
            );
            if before {
                assert!(!named, "{state:?}");
            }
        }
        assert!(names_household(ProposalState::JobcenterRequested));
        assert!(!names_household(ProposalState::Withdrawn));
    }

    #[test]
    fn documents_follow_the_stage() {
        use ProposalState::*;
        let none: &[IncentiveKind] = &[];
        assert_eq!(offered(Suggested, none), vec![]);
        assert_eq!(offered(Sent, none), vec![DocumentKind::ProposalLetter]);
        assert_eq!(offered(HouseholdAccepted, none), vec![]);
        assert_eq!(
            offered(JobcenterRequested, none),
            vec![DocumentKind::RentCertificate]
        );
        assert_eq!(offered(LeaseSigned, none), vec![]);
        let granted = [IncentiveKind::RentDefaultGuarantee, IncentiveKind::Advice];
        assert_eq!(
            offered(LeaseSigned, &granted),
            vec![DocumentKind::RentGuarantee]
        );
        assert_eq!(offered(Withdrawn, &granted), vec![]);
        assert_eq!(offered(Suggested, &granted), vec![]);
        // The letter is the household's: never offered to a landlord.
        assert!(!DocumentKind::ProposalLetter.for_landlord());
    }
}
