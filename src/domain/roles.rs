//! Who may do what.

use super::string_enum;

string_enum! {
    /// A user's role. Scope (which municipalities) is separate.
    pub enum Role {
        /// Manages municipalities, users, rule tables and incentive programmes; sees everything.
        Admin = "admin",
        /// Municipal or welfare-association staff for one or more municipalities.
        Coordinator = "coordinator",
        /// Ehrenamtliche/r: may enter units on a landlord's behalf and accompany viewings.
        Volunteer = "volunteer",
        /// Vermieter/in: sees only their own units.
        Landlord = "landlord",
    }
}
