//! What the API writes: a household's profile and a flat, as JSON objects whose members
//! are the fields of their web forms (read by the same reader, with the same messages),
//! and a decision on an incentive request. The `*Write` types document the objects in
//! the OpenAPI document and are what `GET` shows as `profile`; reading goes through the
//! shapes ([`HOUSEHOLD`], [`UNIT`]), which name every refused member by its JSON path.

use super::*;
use crate::domain::household::{
    AnchorKind, BenefitType, MemberRole, ResidenceStatus, WorkSituation,
};
use crate::domain::json_form::{Member as M, Shape};
use crate::domain::unit::{LandlordPreference, LeaseType};
use crate::services::households::{ANCHOR_ROWS, MEMBER_ROWS};

const PERSON: &[(&str, Shape)] = &[
    ("first_name", Shape::Text),
    ("last_name", Shape::Text),
    ("birth_year", Shape::Whole),
    ("role", Shape::Text),
];

const PLACE: &[(&str, Shape)] = &[
    ("kind", Shape::Text),
    ("label", Shape::Text),
    ("street", Shape::Text),
    ("postal_code", Shape::Text),
    ("town", Shape::Text),
    ("importance", Shape::Text),
];

const CONSENT: &[M] = &[
    M::named("given", "consent_given", Shape::Flag),
    M::named("date", "consent_date", Shape::Text),
    M::named("scope", "consent_scope", Shape::Texts),
];

/// How a household's JSON maps onto the household form.
pub const HOUSEHOLD: &[M] = &[
    M::same("reference", Shape::Text),
    M::named(
        "members",
        "member",
        Shape::Rows {
            parts: PERSON,
            max: MEMBER_ROWS,
        },
    ),
    M::same("residence_status", Shape::Text),
    M::same("residence_obligation", Shape::Flag),
    M::same("residence_obligation_until", Shape::Text),
    M::named("allowed_municipalities", "allowed", Shape::Ids),
    M::same("benefit_type", Shape::Text),
    M::same("work_situation", Shape::Text),
    M::same("wheelchair", Shape::Flag),
    M::same("max_floor_without_lift", Shape::Whole),
    M::same("rooms_wanted", Shape::Number),
    M::same("pets", Shape::Flag),
    M::same("max_distance_km", Shape::Number),
    M::same("latest_move_date", Shape::Text),
    M::same("follow_up_site", Shape::Text),
    M::same("in_follow_up_since", Shape::Text),
    M::same("urgency", Shape::Whole),
    M::same("urgency_reason", Shape::Text),
    M {
        json: "languages",
        form: "languages_other",
        shape: Shape::Joined,
        also: &["languages"],
    },
    M::same("preferred_language", Shape::Text),
    M::same("email", Shape::Text),
    M::same("phone", Shape::Text),
    M::same("caseworker_name", Shape::Text),
    M::same("caseworker_email", Shape::Text),
    M::same("caseworker_phone", Shape::Text),
    M::same("landlord_text", Shape::Text),
    M::same("notes", Shape::Text),
    M::named(
        "anchors",
        "anchor",
        Shape::Rows {
            parts: PLACE,
            max: ANCHOR_ROWS,
        },
    ),
    M::same("consent", Shape::Object(CONSENT)),
];

/// Members of a household's JSON read apart from the form: the municipality of a new
/// household, and a status change with its reason.
pub const HOUSEHOLD_OTHER: &[&str] = &["municipality_id", "status", "status_reason"];

/// How a flat's JSON maps onto the flat form.
pub const UNIT: &[M] = &[
    M::same("street", Shape::Text),
    M::same("house_number", Shape::Text),
    M::same("postal_code", Shape::Text),
    M::same("town", Shape::Text),
    M::same("address_extra", Shape::Text),
    M::same("lat", Shape::Number),
    M::same("lon", Shape::Number),
    M::same("area_m2", Shape::Number),
    M::same("rooms", Shape::Number),
    M::same("floor", Shape::Whole),
    M::same("max_occupants", Shape::Whole),
    M::same("cold_rent", Shape::Number),
    M::same("service_charges", Shape::Number),
    M::same("heating_costs", Shape::Number),
    M::same("deposit", Shape::Number),
    M::same("available_from", Shape::Text),
    M::same("lease_type", Shape::Text),
    M::same("lease_end", Shape::Text),
    M::same("pref_max_household_size", Shape::Whole),
    M::same("pref_notes", Shape::Text),
    M::same("description", Shape::Text),
    M::same("has_lift", Shape::Flag),
    M::same("step_free", Shape::Flag),
    M::same("wheelchair_accessible", Shape::Flag),
    M::same("furnished", Shape::Flag),
    M::same("pets_allowed", Shape::Flag),
    M::named("preferences", "pref_tags", Shape::Texts),
    M::named("incentive_programme_ids", "incentive", Shape::Ids),
];

/// Members of a flat's JSON read apart from the form: whose flat a new one is.
pub const UNIT_OTHER: &[&str] = &["landlord_id"];

/// How a decision on an incentive request maps onto the decision form.
pub const DECISION: &[M] = &[
    M::same("decision", Shape::Text),
    M::same("amount", Shape::Number),
    M::same("from", Shape::Text),
    M::same("until", Shape::Text),
    M::same("note", Shape::Text),
];

fn one_of<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    let mut all: Vec<serde_json::Value> = values.into_iter().map(Into::into).collect();
    all.push(serde_json::Value::Null);
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(all))
        .build()
}

fn residence_schema() -> Object {
    one_of(ResidenceStatus::ALL.iter().map(|s| s.as_str()))
}
fn benefit_schema() -> Object {
    one_of(BenefitType::ALL.iter().map(|s| s.as_str()))
}
fn work_schema() -> Object {
    one_of(WorkSituation::ALL.iter().map(|s| s.as_str()))
}
fn role_schema() -> Object {
    one_of(MemberRole::ALL.iter().map(|s| s.as_str()))
}
fn anchor_kind_schema() -> Object {
    one_of(AnchorKind::ALL.iter().map(|s| s.as_str()))
}
fn importance_schema() -> Object {
    one_of(["high", "medium", "low"])
}
fn lease_schema() -> Object {
    one_of(LeaseType::ALL.iter().map(|s| s.as_str()))
}
fn status_schema() -> Object {
    one_of(["active", "paused", "closed", "placed"])
}

/// A person of a household.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberWrite {
    #[schema(max_length = 100)]
    pub first_name: String,
    #[schema(max_length = 100)]
    pub last_name: Option<String>,
    pub birth_year: i32,
    #[schema(schema_with = role_schema)]
    pub role: Option<String>,
}

/// A place that matters to a household (work, school, doctor).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnchorWrite {
    #[schema(schema_with = anchor_kind_schema)]
    pub kind: Option<String>,
    pub label: String,
    pub street: Option<String>,
    #[schema(pattern = "^[0-9]{5}$")]
    pub postal_code: Option<String>,
    pub town: Option<String>,
    #[schema(schema_with = importance_schema)]
    pub importance: Option<String>,
}

/// The household's consent to being matched (and to e-mail, to sharing the profile).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentWrite {
    /// Consent was given (`false` withdraws it).
    pub given: bool,
    /// The day it was given, `YYYY-MM-DD` (not in the future).
    pub date: Option<NaiveDate>,
    /// What it covers: `matching`, `email`, `share_profile`.
    pub scope: Vec<String>,
}

/// A household's profile: the members of the household form. In `POST` and `PUT` it is
/// the whole profile (a member left out is empty); in `PATCH` only the members given
/// change, and `null` empties one. Dates are `YYYY-MM-DD` (or `DD.MM.YYYY`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdWrite {
    /// The municipality (`POST` only).
    pub municipality_id: Option<i64>,
    /// The municipality's own reference (Aktenzeichen), unique there.
    #[schema(max_length = 50)]
    pub reference: Option<String>,
    /// The persons, applicant first (at most 30).
    pub members: Option<Vec<MemberWrite>>,
    #[schema(schema_with = residence_schema)]
    pub residence_status: Option<String>,
    /// Wohnsitzauflage: the household must live in `allowed_municipalities`.
    pub residence_obligation: Option<bool>,
    pub residence_obligation_until: Option<NaiveDate>,
    pub allowed_municipalities: Option<Vec<i64>>,
    #[schema(schema_with = benefit_schema)]
    pub benefit_type: Option<String>,
    #[schema(schema_with = work_schema)]
    pub work_situation: Option<String>,
    pub wheelchair: Option<bool>,
    pub max_floor_without_lift: Option<i32>,
    pub rooms_wanted: Option<f64>,
    pub pets: Option<bool>,
    pub max_distance_km: Option<f64>,
    pub latest_move_date: Option<NaiveDate>,
    #[schema(max_length = 200)]
    pub follow_up_site: Option<String>,
    pub in_follow_up_since: Option<NaiveDate>,
    /// 0 (none) to 3 (very urgent).
    #[schema(minimum = 0, maximum = 3)]
    pub urgency: Option<u8>,
    #[schema(max_length = 1000)]
    pub urgency_reason: Option<String>,
    /// Language codes, e.g. `de`, `ar`, `ti`.
    pub languages: Option<Vec<String>>,
    /// The language of e-mails and letters to the household.
    pub preferred_language: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub caseworker_name: Option<String>,
    pub caseworker_email: Option<String>,
    pub caseworker_phone: Option<String>,
    /// What the landlord may read about the household once both sides accepted.
    #[schema(max_length = 2000)]
    pub landlord_text: Option<String>,
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
    /// Places that matter (at most 12).
    pub anchors: Option<Vec<AnchorWrite>>,
    pub consent: Option<ConsentWrite>,
    /// `PATCH` and `PUT` only: a new status (`placed` comes from the move-in).
    #[schema(schema_with = status_schema)]
    pub status: Option<String>,
    /// Why (required when closing).
    #[schema(max_length = 500)]
    pub status_reason: Option<String>,
}

/// A flat: the members of the flat form. Amounts are euros per month (`612.5`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitWrite {
    /// Whose flat (`POST` by staff only; a landlord's token writes their own).
    pub landlord_id: Option<i64>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    #[schema(pattern = "^[0-9]{5}$")]
    pub postal_code: Option<String>,
    pub town: Option<String>,
    pub address_extra: Option<String>,
    /// The pin on the map (within 25 km of the postal code's centre; else the centre).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub area_m2: Option<f64>,
    pub rooms: Option<f64>,
    /// 0 = ground floor.
    pub floor: Option<i32>,
    pub max_occupants: Option<u32>,
    pub cold_rent: Option<f64>,
    pub service_charges: Option<f64>,
    pub heating_costs: Option<f64>,
    pub deposit: Option<f64>,
    pub available_from: Option<NaiveDate>,
    #[schema(schema_with = lease_schema)]
    pub lease_type: Option<String>,
    pub lease_end: Option<NaiveDate>,
    pub pref_max_household_size: Option<u32>,
    pub pref_notes: Option<String>,
    pub description: Option<String>,
    pub has_lift: Option<bool>,
    pub step_free: Option<bool>,
    pub wheelchair_accessible: Option<bool>,
    pub furnished: Option<bool>,
    pub pets_allowed: Option<bool>,
    /// The landlord's wishes: any of the listed preference codes.
    pub preferences: Option<Vec<String>>,
    /// The municipality's incentive programmes asked for (an id left out is withdrawn
    /// while still undecided).
    pub incentive_programme_ids: Option<Vec<i64>>,
}

/// The preference codes a flat can carry.
pub fn preference_codes() -> Vec<&'static str> {
    LandlordPreference::ALL.iter().map(|p| p.as_str()).collect()
}

/// A decision on an incentive request, as the coordinators' form takes it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionWrite {
    /// `grant` or `decline`.
    #[schema(schema_with = decision_schema)]
    pub decision: String,
    /// Euros granted (at most the programme's amount and what its budget has left).
    pub amount: Option<f64>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Required when declining.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

fn decision_schema() -> Object {
    names(["grant", "decline"])
}

/// An incentive request of a flat.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IncentiveRequest {
    pub id: i64,
    pub unit_id: i64,
    pub programme_id: i64,
    /// The programme's name in German.
    pub programme: String,
    /// requested, granted, declined, withdrawn, paid …
    pub status: String,
    pub granted_amount_cents: Option<i64>,
    pub granted_from: Option<NaiveDate>,
    pub granted_until: Option<NaiveDate>,
}

impl IncentiveRequest {
    /// A request with its programme.
    pub fn of(
        request: &entities::unit_incentive::Model,
        programme: &entities::incentive_programme::Model,
    ) -> Self {
        Self {
            id: request.id,
            unit_id: request.unit_id,
            programme_id: programme.id,
            programme: programme.name_de.clone(),
            status: request.status.clone(),
            granted_amount_cents: request.granted_amount_cents,
            granted_from: request.granted_from,
            granted_until: request.granted_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::json_form::Member;
    use std::collections::BTreeSet;

    fn properties<T: ToSchema>() -> BTreeSet<String> {
        let schema = serde_json::to_value(T::schema()).unwrap_or_default();
        schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn members(shape: &[Member], other: &[&str]) -> BTreeSet<String> {
        shape
            .iter()
            .map(|m| m.json.to_owned())
            .chain(other.iter().map(|o| (*o).to_owned()))
            .collect()
    }

    /// The documented objects and the shapes that read them name the same members.
    #[test]
    fn the_documented_objects_are_the_ones_read() {
        assert_eq!(
            properties::<HouseholdWrite>(),
            members(HOUSEHOLD, HOUSEHOLD_OTHER)
        );
        assert_eq!(properties::<UnitWrite>(), members(UNIT, UNIT_OTHER));
        assert_eq!(properties::<DecisionWrite>(), members(DECISION, &[]));
        let consent: BTreeSet<String> = CONSENT.iter().map(|m| m.json.to_owned()).collect();
        assert_eq!(properties::<ConsentWrite>(), consent);
        let person: BTreeSet<String> = PERSON.iter().map(|(p, _)| (*p).to_owned()).collect();
        assert_eq!(properties::<MemberWrite>(), person);
        let place: BTreeSet<String> = PLACE.iter().map(|(p, _)| (*p).to_owned()).collect();
        assert_eq!(properties::<AnchorWrite>(), place);
    }

    /// The form's row parts are the ones the shapes write.
    #[test]
    fn rows_use_the_forms_parts() {
        use crate::services::households::{ANCHOR_PARTS, MEMBER_PARTS};
        let person: Vec<&str> = PERSON.iter().map(|(p, _)| *p).collect();
        let place: Vec<&str> = PLACE.iter().map(|(p, _)| *p).collect();
        assert_eq!(person, MEMBER_PARTS);
        assert_eq!(place, ANCHOR_PARTS);
    }
}
