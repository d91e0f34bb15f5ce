//! Households looking for a flat.

use chrono::{Datelike, NaiveDate};

use super::geo::GeoPoint;
use super::{Language, string_enum};

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

/// The text a household is found by (see [`HouseholdProfile::search_text`]); the search
/// term is lowercased the same way ([`search_term`]).
pub fn search_text<'a>(
    reference: &str,
    names: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) -> String {
    let mut text = reference.trim().to_lowercase();
    for (first, last) in names {
        text.push('\n');
        text.push_str(&first.trim().to_lowercase());
        if let Some(last) = last.map(str::trim).filter(|l| !l.is_empty()) {
            text.push(' ');
            text.push_str(&last.to_lowercase());
        }
    }
    text
}

/// A search term as the search text holds it: trimmed, lowercased, inner spaces made one;
/// `None` when nothing is left.
pub fn search_term(typed: &str) -> Option<String> {
    let words: Vec<&str> = typed.split_whitespace().collect();
    (!words.is_empty()).then(|| words.join(" ").to_lowercase())
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
    pub preferred_language: Language,
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
    /// What the coordinator's search looks in, lowercased: the reference and every
    /// member's first and last name, one per line. Stored with the household so the list
    /// can be searched in SQL on every database the same way (SQLite's `LOWER` only knows
    /// ASCII, and names are often not).
    pub fn search_text(&self) -> String {
        search_text(
            &self.reference,
            self.members
                .iter()
                .map(|m| (m.first_name.as_str(), m.last_name.as_deref())),
        )
    }

    /// Adults and children's ages on `on`; members under 18 are children.
    pub fn adults_and_children(&self, on: NaiveDate) -> (u32, Vec<u32>) {
        adults_and_children(self.members.iter().map(|m| m.birth_year), on)
    }
}

/// Adults and children's ages (youngest first) on `on` of persons born in these years;
/// those under 18 are children (birth dates are not stored, only years).
pub fn adults_and_children(
    birth_years: impl Iterator<Item = i32>,
    on: NaiveDate,
) -> (u32, Vec<u32>) {
    let mut adults = 0;
    let mut children = Vec::new();
    for year in birth_years {
        let age = (on.year() - year).max(0);
        if age >= 18 {
            adults += 1;
        } else {
            children.push(age as u32);
        }
    }
    children.sort_unstable();
    (adults, children)
}

/// How a landlord reaches a household once both sides said yes.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdContact {
    /// The person who speaks for the household (first and last name).
    pub name: String,
    /// The caseworker's name, when contact goes through the caseworker.
    pub caseworker: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl HouseholdProfile {
    /// The person who speaks for the household: the applicant, else the first adult on
    /// `on`, else the first member; first and last name.
    pub fn contact_person(&self, on: NaiveDate) -> Option<String> {
        let person = self
            .members
            .iter()
            .find(|m| m.role == MemberRole::Applicant)
            .or_else(|| self.members.iter().find(|m| m.age_on(on) >= 18))
            .or_else(|| self.members.first())?;
        let name = match &person.last_name {
            Some(last) if !last.trim().is_empty() => format!("{} {}", person.first_name, last),
            _ => person.first_name.clone(),
        };
        Some(name.trim().to_owned()).filter(|n| !n.is_empty() && n != "—")
    }

    /// The contact a landlord is given: the household's own e-mail and phone when it takes
    /// its mail itself (`own_mail`), else its caseworker (when it has one) with the
    /// caseworker's e-mail and phone, else the household's phone.
    pub fn contact_for_landlord(&self, own_mail: bool, on: NaiveDate) -> HouseholdContact {
        let name = self
            .contact_person(on)
            .unwrap_or_else(|| self.reference.clone());
        let has_caseworker = self.caseworker_name.is_some()
            || self.caseworker_email.is_some()
            || self.caseworker_phone.is_some();
        if own_mail || !has_caseworker {
            HouseholdContact {
                name,
                caseworker: None,
                email: self.email.clone().filter(|_| own_mail),
                phone: self.phone.clone(),
            }
        } else {
            HouseholdContact {
                name,
                caseworker: Some(
                    self.caseworker_name
                        .clone()
                        .unwrap_or_else(|| "—".to_owned()),
                ),
                email: self.caseworker_email.clone(),
                phone: self.caseworker_phone.clone(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_text_holds_the_reference_and_names_in_small_letters() {
        let text = search_text(
            " AB-12 ",
            [
                ("Zoë", Some("Öztürk")),
                (" Ali ", None),
                ("Lina", Some("  ")),
            ]
            .into_iter(),
        );
        assert_eq!(text, "ab-12\nzoë öztürk\nali\nlina");
        assert_eq!(search_term("  ZOË   Öztürk "), Some("zoë öztürk".into()));
        assert!(text.contains(&search_term("ZOË   ÖZT").unwrap_or_default()));
        assert_eq!(search_term("   "), None);
    }

    fn member(first: &str, last: Option<&str>, born: i32, role: MemberRole) -> Member {
        Member {
            first_name: first.into(),
            last_name: last.map(str::to_owned),
            birth_year: born,
            role,
        }
    }

    fn profile(members: Vec<Member>) -> HouseholdProfile {
        HouseholdProfile {
            reference: "ES-2026-001".into(),
            members,
            residence_status: ResidenceStatus::Anerkannt,
            residence_obligation: false,
            residence_obligation_until: None,
            benefit_type: None,
            work_situation: None,
            wheelchair: false,
            max_floor_without_lift: None,
            rooms_wanted: None,
            pets: false,
            max_distance_km: None,
            latest_move_date: None,
            follow_up_site: None,
            in_follow_up_since: None,
            urgency: 0,
            urgency_reason: None,
            languages: Vec::new(),
            preferred_language: Language::De,
            email: Some("familie@example.org".into()),
            phone: Some("0711 1234".into()),
            caseworker_name: Some("Lea Hartmann".into()),
            caseworker_email: Some("lea@example.org".into()),
            caseworker_phone: Some("0711 999".into()),
            landlord_text: None,
            anchors: Vec::new(),
            notes: None,
        }
    }

    fn on() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).expect("date")
    }

    #[test]
    fn the_applicant_speaks_for_the_household_else_the_first_adult() {
        let p = profile(vec![
            member("Mila", None, 2015, MemberRole::Child),
            member("Olena", Some("Kovalenko"), 1990, MemberRole::Partner),
            member("Taras", Some("Kovalenko"), 1988, MemberRole::Applicant),
        ]);
        assert_eq!(p.contact_person(on()).as_deref(), Some("Taras Kovalenko"));
        let p = profile(vec![
            member("Mila", None, 2015, MemberRole::Child),
            member("Olena", Some("Kovalenko"), 1990, MemberRole::Partner),
        ]);
        assert_eq!(p.contact_person(on()).as_deref(), Some("Olena Kovalenko"));
        // Erased names are no contact person: the reference stands in.
        let p = profile(vec![member("—", None, 1990, MemberRole::Applicant)]);
        assert_eq!(p.contact_person(on()), None);
        assert_eq!(p.contact_for_landlord(true, on()).name, "ES-2026-001");
    }

    #[test]
    fn a_landlord_reaches_the_household_or_its_caseworker() {
        let p = profile(vec![member(
            "Taras",
            Some("Kovalenko"),
            1988,
            MemberRole::Applicant,
        )]);
        let own = p.contact_for_landlord(true, on());
        assert_eq!(own.caseworker, None);
        assert_eq!(own.email.as_deref(), Some("familie@example.org"));
        assert_eq!(own.phone.as_deref(), Some("0711 1234"));
        let via = p.contact_for_landlord(false, on());
        assert_eq!(via.name, "Taras Kovalenko");
        assert_eq!(via.caseworker.as_deref(), Some("Lea Hartmann"));
        assert_eq!(via.email.as_deref(), Some("lea@example.org"));
        assert_eq!(via.phone.as_deref(), Some("0711 999"));
        // Without a caseworker and without e-mail consent: the phone only, never the
        // address the household did not agree to be written to.
        let mut alone = p.clone();
        alone.caseworker_name = None;
        alone.caseworker_email = None;
        alone.caseworker_phone = None;
        let c = alone.contact_for_landlord(false, on());
        assert_eq!(c.email, None);
        assert_eq!(c.phone.as_deref(), Some("0711 1234"));
    }
}
