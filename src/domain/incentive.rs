//! Incentives for landlords and the state of a landlord's request.

use super::string_enum;

string_enum! {
    /// What kind of help a municipality offers landlords.
    pub enum IncentiveKind {
        /// Mietausfallgarantie: the municipality guarantees the rent for a period.
        RentDefaultGuarantee = "rent_default_guarantee",
        /// Sanierungszuschuss gegen Belegungsrecht: a grant for an occupancy right.
        RenovationGrant = "renovation_grant",
        /// Zwischenanmietung / Generalmiete: the municipality rents and sublets.
        HeadLease = "head_lease",
        /// Vermittlungsprämie: a bonus paid on signing.
        PlacementBonus = "placement_bonus",
        /// Beratung: help with the lease and choosing tenants.
        Advice = "advice",
    }
}

string_enum! {
    /// Where a landlord's request for an incentive stands.
    pub enum IncentiveStatus {
        Requested = "requested",
        Granted = "granted",
        Declined = "declined",
        Paid = "paid",
        Withdrawn = "withdrawn",
    }
}
