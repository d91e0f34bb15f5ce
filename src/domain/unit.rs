//! Flats (units) and what landlords say about them.

use chrono::NaiveDate;

use super::geo::GeoPoint;
use super::{Cents, string_enum};

string_enum! {
    /// A unit's life cycle (an unfinished form is a draft, kept apart from units).
    pub enum UnitStatus {
        /// Sent by the landlord; the municipality has not looked at it yet.
        Submitted = "submitted",
        /// Checked by the municipality, not yet released for matching.
        Checked = "checked",
        /// Open for matching.
        Available = "available",
        /// A proposal for it is under way.
        Reserved = "reserved",
        /// Let through Bleibe.
        Let = "let",
        /// Taken back by the landlord.
        Withdrawn = "withdrawn",
    }
}

string_enum! {
    /// Open-ended (unbefristet) or fixed-term (befristet) lease.
    pub enum LeaseType {
        OpenEnded = "open_ended",
        FixedTerm = "fixed_term",
    }
}

string_enum! {
    /// A landlord's wish about the tenants, met or not by a household (a soft criterion).
    pub enum LandlordPreference {
        /// A family with children.
        Families = "families",
        /// Two adults without children.
        Couples = "couples",
        /// One person.
        Singles = "singles",
        /// Someone in the household has work or training.
        Employed = "employed",
        /// Someone in the household speaks German.
        SpeaksGerman = "speaks_german",
        /// Someone in the household speaks English.
        SpeaksEnglish = "speaks_english",
    }
}

/// A postal address in Germany.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub postal_code: String,
    pub town: String,
    /// E.g. "2. OG links".
    pub extra: Option<String>,
}

/// An address on one line, "Street 5, 73207 Town", without stray spaces or commas
/// where a part is empty (a flat whose landlord was erased keeps only postal code and
/// town).
pub fn one_line(street: &str, house_number: &str, postal_code: &str, town: &str) -> String {
    let first = format!("{} {}", street.trim(), house_number.trim());
    let second = format!("{} {}", postal_code.trim(), town.trim());
    [first.trim(), second.trim()]
        .into_iter()
        .filter(|part| !part.is_empty() && *part != "—")
        .collect::<Vec<_>>()
        .join(", ")
}

/// An address as a short label, "Street 5, Town", for lists where the postal code would
/// only add width; empty parts leave no stray marks (see [`one_line`]).
pub fn short_label(street: &str, house_number: &str, town: &str) -> String {
    one_line(street, house_number, "", town)
}

/// Anything with a street address that reads on one line (see [`one_line`]): the domain's
/// [`Address`], and the stored flat row (implemented in `store::units`).
pub trait OneLine {
    /// "Street 5, 73207 Town".
    fn one_line(&self) -> String;
}

impl OneLine for Address {
    fn one_line(&self) -> String {
        Address::one_line(self)
    }
}

impl Address {
    /// "Street 5, Town" (see [`short_label`]).
    pub fn short_label(&self) -> String {
        short_label(&self.street, &self.house_number, &self.town)
    }

    /// The address on one line, without the extra (see [`one_line`]).
    pub fn one_line(&self) -> String {
        one_line(
            &self.street,
            &self.house_number,
            &self.postal_code,
            &self.town,
        )
    }
}

/// Everything a landlord tells about a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitDetails {
    pub address: Address,
    pub location: GeoPoint,
    pub area_m2: f64,
    pub rooms: f64,
    /// 0 = ground floor, negative = basement.
    pub floor: i32,
    pub has_lift: bool,
    pub step_free: bool,
    pub wheelchair_accessible: bool,
    pub furnished: bool,
    pub pets_allowed: bool,
    pub max_occupants: u32,
    pub cold_rent: Cents,
    pub service_charges: Cents,
    pub heating_costs: Cents,
    pub deposit: Cents,
    /// What the municipality adds to the rent (counts against the cap gap).
    pub municipal_top_up: Cents,
    pub available_from: NaiveDate,
    pub lease_type: LeaseType,
    pub lease_end: Option<NaiveDate>,
    pub pref_min_household_size: Option<u32>,
    pub pref_max_household_size: Option<u32>,
    pub preferences: Vec<LandlordPreference>,
    pub pref_notes: Option<String>,
    pub description: Option<String>,
}

impl UnitDetails {
    /// Bruttokaltmiete: cold rent plus service charges, heating excluded.
    pub fn gross_cold_rent(&self) -> Cents {
        self.cold_rent + self.service_charges
    }
}

#[cfg(test)]
mod tests {
    use super::{one_line, short_label};

    #[test]
    fn one_line_joins_the_parts_without_stray_marks() {
        assert_eq!(
            one_line("Marktstraße", "5", "73207", "Plochingen"),
            "Marktstraße 5, 73207 Plochingen"
        );
        assert_eq!(
            one_line("Am Hang", "", "73207", "Plochingen"),
            "Am Hang, 73207 Plochingen"
        );
        // What erasure leaves of a landlord's flat.
        assert_eq!(one_line("—", "", "73207", "Plochingen"), "73207 Plochingen");
        assert_eq!(one_line(" Weg ", " 1 ", "", ""), "Weg 1");
    }

    #[test]
    fn the_short_label_leaves_out_the_postal_code() {
        assert_eq!(
            short_label("Marktstraße", "5", "Plochingen"),
            "Marktstraße 5, Plochingen"
        );
        assert_eq!(short_label("—", "", "Plochingen"), "Plochingen");
    }
}
