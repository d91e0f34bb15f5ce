//! Hard rules: a pair that breaks one is never proposed, and the engine says which rules
//! blocked it, each with a code and a sentence in German and English.

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{Household, Prepared, Unit};
use crate::domain::format;
use crate::domain::geo::chord_km;
use crate::domain::{Cents, Locale};

/// A broken hard rule, with the facts its sentence needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// The household is not active (paused, placed, closed).
    HouseholdInactive,
    /// The household has not consented to matching.
    NoConsent,
    /// The unit is not open for matching.
    UnitInactive,
    /// More persons than the unit takes.
    TooLarge { persons: u32, max: u32 },
    /// Outside the landlord's limits on household size.
    LandlordLimit {
        persons: u32,
        min: Option<u32>,
        max: Option<u32>,
    },
    /// Gross cold rent minus municipal top-up above the KdU cap.
    RentAboveCap {
        gross: Cents,
        top_up: Cents,
        net: Cents,
        cap: Cents,
        persons: u32,
        municipality: String,
    },
    /// Free only after the household must have moved.
    AvailableTooLate {
        available_from: NaiveDate,
        latest: NaiveDate,
    },
    /// The household needs a wheelchair-accessible unit.
    NotWheelchairAccessible { accessible: bool, floor: i32 },
    /// Too many stairs without a lift.
    TooManyStairs { floor: i32, limit: i32 },
    /// The household has a pet, the unit allows none.
    PetsNotAllowed,
    /// The unit is outside the Wohnsitzauflage area.
    ResidenceObligation { municipality: String },
    /// Farther from the household's municipality than it may move.
    TooFar {
        distance_km: f64,
        max_km: f64,
        from: String,
    },
    /// The household declined this unit before.
    HouseholdDeclined,
    /// The landlord declined this household before.
    LandlordDeclined,
}

impl Violation {
    /// A stable code for machines.
    pub fn code(&self) -> &'static str {
        match self {
            Violation::HouseholdInactive => "household_inactive",
            Violation::NoConsent => "no_consent",
            Violation::UnitInactive => "unit_inactive",
            Violation::TooLarge { .. } => "household_too_large",
            Violation::LandlordLimit { .. } => "landlord_household_limit",
            Violation::RentAboveCap { .. } => "rent_above_cap",
            Violation::AvailableTooLate { .. } => "available_too_late",
            Violation::NotWheelchairAccessible { .. } => "not_wheelchair_accessible",
            Violation::TooManyStairs { .. } => "too_many_stairs",
            Violation::PetsNotAllowed => "pets_not_allowed",
            Violation::ResidenceObligation { .. } => "residence_obligation",
            Violation::TooFar { .. } => "too_far",
            Violation::HouseholdDeclined => "household_declined",
            Violation::LandlordDeclined => "landlord_declined",
        }
    }

    /// The rule in a sentence.
    pub fn text(&self, l: Locale) -> String {
        let de = l == Locale::De;
        match self {
            Violation::HouseholdInactive => if de {
                "Der Haushalt sucht zurzeit nicht (pausiert oder abgeschlossen)".into()
            } else {
                "The household is not looking at the moment (paused or closed)".into()
            },
            Violation::NoConsent => if de {
                "Der Haushalt hat der Vermittlung nicht zugestimmt".into()
            } else {
                "The household has not consented to matching".into()
            },
            Violation::UnitInactive => if de {
                "Die Wohnung ist nicht für die Vermittlung freigegeben".into()
            } else {
                "The flat is not released for matching".into()
            },
            Violation::TooLarge { persons, max } => if de {
                format!("{} passen nicht in die Wohnung (höchstens {})", format::persons(l, *persons), format::persons(l, *max))
            } else {
                format!("{} do not fit the flat (at most {})", format::persons(l, *persons), format::persons(l, *max))
            },
            Violation::LandlordLimit { persons, min, max } => {
                let limit = match (min, max, de) {
                    (Some(min), Some(max), true) => format!("{min} bis {max} Personen"),
                    (Some(min), Some(max), false) => format!("{min} to {max} persons"),
                    (None, Some(max), true) => format!("höchstens {}", format::persons(l, *max)),
                    (None, Some(max), false) => format!("at most {}", format::persons(l, *max)),
                    (Some(min), None, true) => format!("mindestens {}", format::persons(l, *min)),
                    (Some(min), None, false) => format!("at least {}", format::persons(l, *min)),
                    (None, None, _) => String::new(),
                };
                if de {
                    format!("Die Vermieterseite möchte {limit}, der Haushalt hat {}", format::persons(l, *persons))
                } else {
                    format!("The landlord wants {limit}; the household has {}", format::persons(l, *persons))
                }
            }
            Violation::RentAboveCap { gross, top_up, net, cap, persons, municipality } => {
                let rent = if top_up.0 > 0 {
                    if de {
                        format!(
                            "Bruttokaltmiete {} abzüglich {} Zuschuss der Kommune = {}",
                            gross.format(l), top_up.format(l), net.format(l)
                        )
                    } else {
                        format!(
                            "Gross cold rent {} less the municipality's top-up of {} = {}",
                            gross.format(l), top_up.format(l), net.format(l)
                        )
                    }
                } else if de {
                    format!("Bruttokaltmiete {}", gross.format(l))
                } else {
                    format!("Gross cold rent {}", gross.format(l))
                };
                if de {
                    format!("{rent} liegt über der Obergrenze {} für {} in {municipality}", cap.format(l), format::persons(l, *persons))
                } else {
                    format!("{rent} is above the cap of {} for {} in {municipality}", cap.format(l), format::persons(l, *persons))
                }
            }
            Violation::AvailableTooLate { available_from, latest } => if de {
                format!(
                    "Frei erst ab {}, der Haushalt muss bis {} umziehen",
                    format::date(l, *available_from), format::date(l, *latest)
                )
            } else {
                format!(
                    "Available only from {}; the household must move by {}",
                    format::date(l, *available_from), format::date(l, *latest)
                )
            },
            Violation::NotWheelchairAccessible { accessible, floor } => match (accessible, de) {
                (false, true) => "Im Haushalt braucht jemand einen Rollstuhl; die Wohnung ist nicht rollstuhlgerecht".into(),
                (false, false) => "Someone in the household uses a wheelchair; the flat is not wheelchair accessible".into(),
                (true, true) => format!("Rollstuhlgerecht, aber {} ohne Aufzug", format::floor(l, *floor)),
                (true, false) => format!("Wheelchair accessible, but {} without a lift", format::floor(l, *floor)),
            },
            Violation::TooManyStairs { floor, limit } => {
                let place = format::floor(l, *floor);
                match (*limit, de) {
                    (0, true) => format!("Die Wohnung liegt {place} ohne Aufzug; im Haushalt kann jemand keine Treppen steigen"),
                    (0, false) => format!("The flat is {place} without a lift; someone in the household cannot climb stairs"),
                    (n, true) => format!("Die Wohnung liegt {place} ohne Aufzug; der Haushalt schafft Treppen bis zum {n}. Obergeschoss"),
                    (n, false) => format!("The flat is {place} without a lift; the household can manage stairs up to the {} only", format::floor(l, n).trim_start_matches("on the ")),
                }
            }
            Violation::PetsNotAllowed => if de {
                "Der Haushalt hat ein Haustier; in der Wohnung sind keine Haustiere erlaubt".into()
            } else {
                "The household has a pet; the flat allows no pets".into()
            },
            Violation::ResidenceObligation { municipality } => if de {
                format!("Wohnsitzauflage: Der Haushalt darf nicht nach {municipality} ziehen")
            } else {
                format!("Residence obligation: the household may not move to {municipality}")
            },
            Violation::TooFar { distance_km, max_km, from } => if de {
                format!("{} vom Ortskern von {from} entfernt; erlaubt sind höchstens {}", format::km(l, *distance_km), format::km(l, *max_km))
            } else {
                format!("{} from the centre of {from}; at most {} allowed", format::km(l, *distance_km), format::km(l, *max_km))
            },
            Violation::HouseholdDeclined => if de {
                "Der Haushalt hat diese Wohnung schon abgelehnt".into()
            } else {
                "The household has declined this flat before".into()
            },
            Violation::LandlordDeclined => if de {
                "Die Vermieterseite hat diesen Haushalt schon abgelehnt".into()
            } else {
                "The landlord has declined this household before".into()
            },
        }
    }

    /// Code and sentences, as the result format writes them.
    pub fn explained(&self) -> RuleExplanation {
        RuleExplanation {
            code: self.code(),
            text_de: self.text(Locale::De),
            text_en: self.text(Locale::En),
        }
    }
}

/// A broken rule as written in results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleExplanation {
    pub code: &'static str,
    pub text_de: String,
    pub text_en: String,
}

// Each rule is a named function so that `is_eligible` (the hot path, stopping at the
// first broken rule) and `violations` (every broken rule, for "why not") call the very
// same code, and the compiler can inline it.

fn household_inactive(_: &Prepared, h: &Household, _: &Unit, _: u32) -> Option<Violation> {
    (!h.active).then_some(Violation::HouseholdInactive)
}

fn no_consent(_: &Prepared, h: &Household, _: &Unit, _: u32) -> Option<Violation> {
    (!h.consent).then_some(Violation::NoConsent)
}

fn unit_inactive(_: &Prepared, _: &Household, u: &Unit, _: u32) -> Option<Violation> {
    (!u.active).then_some(Violation::UnitInactive)
}

fn too_large(_: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    (h.persons > u.max_occupants).then_some(Violation::TooLarge {
        persons: h.persons,
        max: u.max_occupants,
    })
}

fn landlord_limit(_: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    let below = u.landlord_min.is_some_and(|min| h.persons < min);
    let above = u.landlord_max.is_some_and(|max| h.persons > max);
    (below || above).then_some(Violation::LandlordLimit {
        persons: h.persons,
        min: u.landlord_min,
        max: u.landlord_max,
    })
}

/// The KdU cap of the unit's municipality for the household's size.
pub fn cap_for(p: &Prepared, h: &Household, u: &Unit) -> Cents {
    match u.by_size.get(h.persons as usize) {
        Some(entry) if h.persons > 0 => entry.cap,
        _ => p.munis[u.muni as usize].caps.cap_for(h.persons),
    }
}

fn rent_above_cap(p: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    let cap = cap_for(p, h, u);
    (u.net > cap).then(|| Violation::RentAboveCap {
        gross: u.gross,
        top_up: u.top_up,
        net: u.net,
        cap,
        persons: h.persons,
        municipality: p.munis[u.muni as usize].name.clone(),
    })
}

fn available_too_late(_: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    match h.latest_move {
        Some(latest) if u.available_from > latest => Some(Violation::AvailableTooLate {
            available_from: u.available_from,
            latest,
        }),
        _ => None,
    }
}

fn not_wheelchair_accessible(_: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    let reachable = u.floor <= 0 || u.lift;
    (h.wheelchair && !(u.wheelchair_accessible && reachable)).then_some(
        Violation::NotWheelchairAccessible {
            accessible: u.wheelchair_accessible,
            floor: u.floor,
        },
    )
}

fn too_many_stairs(_: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    match h.max_floor_without_lift {
        Some(limit) if !u.lift && u.floor > limit.max(0) => Some(Violation::TooManyStairs {
            floor: u.floor,
            limit,
        }),
        _ => None,
    }
}

fn pets_not_allowed(_: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    (h.pets && !u.pets_allowed).then_some(Violation::PetsNotAllowed)
}

fn residence_obligation(p: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    match &h.allowed {
        Some(allowed) if allowed.binary_search(&u.muni).is_err() => {
            Some(Violation::ResidenceObligation {
                municipality: p.munis[u.muni as usize].name.clone(),
            })
        }
        _ => None,
    }
}

fn too_far(p: &Prepared, h: &Household, u: &Unit, _: u32) -> Option<Violation> {
    let max_km = h.max_distance_km?;
    let from = &p.munis[h.muni as usize];
    // Great-circle distance from precomputed unit vectors: the same as the geo crate's
    // haversine to well under a millimetre (tested in `domain::geo`), without trigonometry.
    let distance_km = chord_km(&from.center_xyz, &u.xyz);
    (distance_km > max_km).then(|| Violation::TooFar {
        distance_km,
        max_km,
        from: from.name.clone(),
    })
}

fn household_declined(_: &Prepared, h: &Household, _: &Unit, ui: u32) -> Option<Violation> {
    h.declined_units
        .binary_search(&ui)
        .is_ok()
        .then_some(Violation::HouseholdDeclined)
}

fn landlord_declined(_: &Prepared, h: &Household, _: &Unit, ui: u32) -> Option<Violation> {
    h.declined_by_landlord
        .binary_search(&ui)
        .is_ok()
        .then_some(Violation::LandlordDeclined)
}

/// Applies `$combine` to every rule's result in order, cheapest and most selective first:
/// the same list for the fast check and for the full explanation.
macro_rules! each_rule {
    ($p:expr, $h:expr, $u:expr, $ui:expr, $combine:ident) => {
        $combine!(
            household_inactive($p, $h, $u, $ui),
            no_consent($p, $h, $u, $ui),
            unit_inactive($p, $h, $u, $ui),
            too_large($p, $h, $u, $ui),
            landlord_limit($p, $h, $u, $ui),
            rent_above_cap($p, $h, $u, $ui),
            available_too_late($p, $h, $u, $ui),
            not_wheelchair_accessible($p, $h, $u, $ui),
            too_many_stairs($p, $h, $u, $ui),
            pets_not_allowed($p, $h, $u, $ui),
            residence_obligation($p, $h, $u, $ui),
            too_far($p, $h, $u, $ui),
            household_declined($p, $h, $u, $ui),
            landlord_declined($p, $h, $u, $ui)
        )
    };
}

macro_rules! none_broken {
    ($($rule:expr),+) => { $($rule.is_none())&&+ };
}

macro_rules! all_broken {
    ($($rule:expr),+) => { [$($rule),+].into_iter().flatten().collect::<Vec<Violation>>() };
}

/// Whether household `hi` may be proposed unit `ui` (stops at the first broken rule).
pub fn is_eligible(p: &Prepared, hi: usize, ui: usize) -> bool {
    let (h, u) = (&p.households[hi], &p.units[ui]);
    each_rule!(p, h, u, ui as u32, none_broken)
}

/// Every rule the pair breaks (empty when eligible).
pub fn violations(p: &Prepared, hi: usize, ui: usize) -> Vec<Violation> {
    let (h, u) = (&p.households[hi], &p.units[ui]);
    each_rule!(p, h, u, ui as u32, all_broken)
}

/// The hard rule that blocks the most flats for household `h` (ties: the first code by
/// name); `None` when no rule blocks any flat.
pub fn most_blocking(p: &Prepared, h: usize) -> Option<&'static str> {
    let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
    for u in 0..p.units.len() {
        for v in violations(p, h, u) {
            *counts.entry(v.code()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(code, _)| code)
}
