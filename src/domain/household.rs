//! Households looking for a flat.

use chrono::{Datelike, NaiveDate};

use super::geo::GeoPoint;
use super::{Locale, string_enum};

string_enum! {
    /// A household's state in Bleibe.
    pub enum HouseholdStatus {
        /// Looking; matched when it has consent.
        Active = "active",
        /// Not looking for now (e.g. travelling, ill); not matched.
        Paused = "paused",
        /// Moved into a flat found through Bleibe.
        Placed = "placed",
        /// No longer supported (moved away, found a flat elsewhere, ...).
        Closed = "closed",
    }
}

string_enum! {
    /// Aufenthaltsstatus; decides who signs the lease.
    pub enum ResidenceStatus {
        /// Aufenthaltsgestattung: asylum procedure running.
        Gestattet = "gestattet",
        /// Duldung: tolerated.
        Geduldet = "geduldet",
        /// Anerkannt, with Aufenthaltserlaubnis.
        Anerkannt = "anerkannt",
        /// Anything else (e.g. EU citizens, temporary protection under §24 AufenthG).
        Other = "other",
    }
}

string_enum! {
    /// Who pays the housing costs (KdU).
    pub enum BenefitType {
        /// Jobcenter, SGB II.
        Sgb2 = "sgb2",
        /// Sozialamt, SGB XII.
        Sgb12 = "sgb12",
        /// Asylbewerberleistungsgesetz.
        Asylblg = "asylblg",
        /// Pays from own income.
        None = "none",
    }
}

string_enum! {
    /// The household's work situation, as shown to landlords.
    pub enum WorkSituation {
        Employed = "employed",
        InTraining = "in_training",
        LanguageCourse = "language_course",
        Seeking = "seeking",
        NotAbleToWork = "not_able_to_work",
    }
}

string_enum! {
    /// A member's place in the household.
    pub enum MemberRole {
        Applicant = "applicant",
        Partner = "partner",
        Child = "child",
        Relative = "relative",
        Other = "other",
    }
}

string_enum! {
    /// A place that ties the household to an area.
    pub enum AnchorKind {
        Work = "work",
        School = "school",
        Kindergarten = "kindergarten",
        Course = "course",
        Doctor = "doctor",
        Other = "other",
    }
}

/// A member of a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub first_name: String,
    pub last_name: Option<String>,
    pub birth_year: i32,
    pub role: MemberRole,
}

impl Member {
    /// Age reached during the year of `on` (birth dates are not stored, only years).
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        (on.year() - self.birth_year).max(0)
    }
}

/// A place that ties the household to an area, resolved to coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub kind: AnchorKind,
    pub label: String,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub town: Option<String>,
    pub location: GeoPoint,
    /// How much the place matters, 0 to 1.
    pub importance: f64,
}

/// Everything a coordinator records about a household.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdProfile {
    pub reference: String,
    pub members: Vec<Member>,
    pub residence_status: ResidenceStatus,
    pub residence_obligation: bool,
    pub residence_obligation_until: Option<NaiveDate>,
    pub benefit_type: Option<BenefitType>,
    pub work_situation: Option<WorkSituation>,
    pub wheelchair: bool,
    pub max_floor_without_lift: Option<i32>,
    pub rooms_wanted: Option<f64>,
    pub pets: bool,
    pub max_distance_km: Option<f64>,
    pub latest_move_date: Option<NaiveDate>,
    pub follow_up_site: Option<String>,
    pub in_follow_up_since: Option<NaiveDate>,
    /// 0 (none) to 3 (very urgent).
    pub urgency: u8,
    pub urgency_reason: Option<String>,
    /// Language codes, e.g. `ar`, `de`.
    pub languages: Vec<String>,
    pub preferred_language: Locale,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub caseworker_name: Option<String>,
    pub caseworker_email: Option<String>,
    pub caseworker_phone: Option<String>,
    /// What the caseworker writes for landlords (shared only as the pipeline allows).
    pub landlord_text: Option<String>,
    pub anchors: Vec<Anchor>,
    pub notes: Option<String>,
}

impl HouseholdProfile {
    /// Adults and children's ages on `on`; members under 18 are children.
    pub fn adults_and_children(&self, on: NaiveDate) -> (u32, Vec<u32>) {
        let mut adults = 0;
        let mut children = Vec::new();
        for member in &self.members {
            let age = member.age_on(on);
            if age >= 18 {
                adults += 1;
            } else {
                children.push(age as u32);
            }
        }
        children.sort_unstable();
        (adults, children)
    }
}
