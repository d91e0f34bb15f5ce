//! The closed lists of the pipeline: why a side declines, the kind of lease, why a tenancy
//! ended early, and how a placement turned out. Stored and sent as these strings.

use crate::domain::string_enum;

string_enum! {
    /// Why a landlord declines a proposal.
    pub enum LandlordDeclineReason {
        /// The flat is let already.
        AlreadyLet = "already_let",
        /// The household is too large or too small for the flat.
        HouseholdSize = "household_size",
        /// The dates do not fit.
        Timing = "timing",
        /// Personal reasons (not to be explained).
        Personal = "personal",
        /// Another reason, explained in the text.
        Other = "other",
    }
}

string_enum! {
    /// Why a household declines a proposal.
    pub enum HouseholdDeclineReason {
        /// Too far from work, school or other anchors.
        TooFar = "too_far",
        /// Too expensive.
        TooExpensive = "too_expensive",
        /// Too small.
        TooSmall = "too_small",
        /// The dates do not fit.
        Timing = "timing",
        /// Another reason, explained in the text.
        Other = "other",
    }
}

string_enum! {
    /// Who rents the flat.
    pub enum LeaseKind {
        /// The household rents directly from the landlord.
        Direct = "direct",
        /// The municipality rents the flat and sublets it (Zwischenanmietung / Generalmiete).
        HeadLease = "head_lease",
    }
}

string_enum! {
    /// Why a tenancy ended before the 12 months.
    pub enum EndReason {
        /// The household moved on (another town, a larger flat).
        MovedAway = "moved_away",
        /// The household gave notice.
        HouseholdTerminated = "household_terminated",
        /// The landlord gave notice (own use, sale, …).
        LandlordTerminated = "landlord_terminated",
        /// Rent was not paid.
        RentArrears = "rent_arrears",
        /// Conflicts with neighbours or the landlord.
        Conflict = "conflict",
        /// Another reason, explained in the text.
        Other = "other",
    }
}

string_enum! {
    /// How a placement stands or ended (the `outcome` of a placement).
    pub enum Outcome {
        /// Jobcenter or lease under way.
        Open = "open",
        /// Moved in; the follow-ups run.
        Living = "living",
        /// The tenancy lasted 12 months.
        Sustained = "sustained",
        /// The tenancy ended before the 12 months.
        EndedEarly = "ended_early",
        /// It did not come about (declined, refused, withdrawn).
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// The reason code recorded with a pipeline event: the ones above, and those Bleibe
    /// records itself.
    pub enum ReasonCode {
        /// Suggested by a match run.
        MatchRun = "match_run",
        /// Replaced by a newer run's suggestion.
        Superseded = "superseded",
        /// The coordinator chose another household.
        Override = "override",
        /// Sent to both sides.
        Sent = "sent",
        /// Nobody answered in time.
        NoAnswer = "no_answer",
        /// The landlord said yes and wants a viewing first.
        ViewingWanted = "viewing_wanted",
        AlreadyLet = "already_let",
        HouseholdSize = "household_size",
        Timing = "timing",
        Personal = "personal",
        TooFar = "too_far",
        TooExpensive = "too_expensive",
        TooSmall = "too_small",
        MovedAway = "moved_away",
        HouseholdTerminated = "household_terminated",
        LandlordTerminated = "landlord_terminated",
        RentArrears = "rent_arrears",
        Conflict = "conflict",
        Other = "other",
    }
}

impl ReasonCode {
    /// Codes whose free text is a technical note of Bleibe's, not a person's words.
    pub fn is_system(self) -> bool {
        matches!(self, Self::MatchRun | Self::Superseded | Self::Sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_a_person_gives_is_a_known_event_code() {
        let given = LandlordDeclineReason::ALL
            .iter()
            .map(|r| r.as_str())
            .chain(HouseholdDeclineReason::ALL.iter().map(|r| r.as_str()))
            .chain(EndReason::ALL.iter().map(|r| r.as_str()));
        for code in given {
            assert!(code.parse::<ReasonCode>().is_ok(), "{code}");
        }
    }
}
