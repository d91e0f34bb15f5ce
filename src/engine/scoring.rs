//! Soft criteria: every eligible pair gets points in [0, 1] per criterion; the score is the
//! weighted sum with the unit's municipality's weights (normalised to sum 1), so it lies
//! in [0, 1] too. The formulas, in plain words:
//!
//! - `anchor_distance`: each anchor gives `0.5^(d / 5 km)` (full points on the spot, half
//!   at 5 km, a quarter at 10 km), averaged with the anchors' importance as weights;
//!   without anchors the criterion is neutral (0.5).
//! - `area_fit`: with `r` = area / area norm for the household size,
//!   `exp(-4.22 · ln(r)²)`: full points at the norm, half at 1.5 times or two thirds of
//!   it, so over- and under-occupancy cost alike.
//! - `rooms_fit`: half a room off is free; each further room too few costs 0.4, each room
//!   too many 0.25.
//! - `rent_headroom`: the share the rent stays below the cap, full points from 20 % below.
//! - `waiting_time`: days in follow-up housing / 730, full points after two years.
//! - `urgency`: urgency / 3.
//! - `landlord_preferences`: the share of the landlord's wishes the household meets;
//!   full points when the landlord states none.
//!
//! Each criterion is one function that takes a `note` callback: the hot path passes a
//! no-op, the explanation passes a collector, so the numbers shown are the numbers used.

use serde::Serialize;

use super::explain;
use super::model::{CRITERIA, Household, Prepared, SizeEntry, Unit, meets};
use crate::domain::criteria::Criterion;
use crate::domain::format;
use crate::domain::geo::chord_km;
use crate::domain::household::AnchorKind;
use crate::domain::unit::LandlordPreference;
use crate::domain::{Cents, Locale};

/// Half-life of an anchor's points, in kilometres.
pub const ANCHOR_HALF_LIFE_KM: f64 = 5.0;
/// Steepness of the area fit: `ln 2 / ln(1.5)²`, i.e. half points at 1.5× or ÷1.5 the norm.
pub const AREA_FIT_STEEPNESS: f64 = 4.2195;
/// Rent this far below the cap earns full points.
pub const FULL_HEADROOM_SHARE: f64 = 0.20;
/// Days in follow-up housing that earn full waiting-time points.
pub const FULL_WAITING_DAYS: f64 = 730.0;
/// Scores are rounded to this many parts of 1, so the assignment works on exact integers.
pub const SCORE_SCALE: f64 = 1_000_000.0;

/// What a criterion's sentence needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Anchor {
        kind: AnchorKind,
        km: f64,
    },
    NoAnchors,
    Area {
        area: f64,
        norm: f64,
        persons: u32,
    },
    Rooms {
        rooms: f64,
        needed: f64,
        given: bool,
    },
    Rent {
        gross: Cents,
        top_up: Cents,
        net: Cents,
        cap: Cents,
    },
    Waiting {
        days: Option<i64>,
    },
    Urgency {
        level: u8,
    },
    Preferences {
        met: Vec<LandlordPreference>,
        unmet: Vec<LandlordPreference>,
    },
}

/// `0.5^(km / half-life)`, as `exp(-km · ln 2 / half-life)`.
pub fn anchor_decay(km: f64) -> f64 {
    (-km * (std::f64::consts::LN_2 / ANCHOR_HALF_LIFE_KM)).exp()
}

/// Area-fit points for a flat of `area` against the norm `norm`.
pub fn area_fit_points(area: f64, norm: f64) -> f64 {
    let ln_ratio = (area / norm).ln();
    (-AREA_FIT_STEEPNESS * ln_ratio * ln_ratio).exp()
}

/// Rent-headroom points for rent `net` under cap `cap` (0 when the cap is 0).
pub fn headroom_points(net: Cents, cap: Cents) -> f64 {
    if cap.0 <= 0 {
        return 0.0;
    }
    let share = (cap.0 - net.0) as f64 / cap.0 as f64;
    (share / FULL_HEADROOM_SHARE).clamp(0.0, 1.0)
}

/// Where criterion functions report their facts. `LISTENING` is a constant, so the hot
/// path (which does not listen) compiles the fact-building away.
pub trait Notes {
    const LISTENING: bool;
    fn note(&mut self, criterion: Criterion, fact: Fact);
}

/// Discards facts: the hot path.
pub struct Silent;

impl Notes for Silent {
    const LISTENING: bool = false;
    fn note(&mut self, _: Criterion, _: Fact) {}
}

/// Keeps facts: the explanation.
#[derive(Default)]
pub struct Collect(pub Vec<(Criterion, Fact)>);

impl Notes for Collect {
    const LISTENING: bool = true;
    fn note(&mut self, criterion: Criterion, fact: Fact) {
        self.0.push((criterion, fact));
    }
}

fn anchor_distance<N: Notes>(h: &Household, u: &Unit, n: &mut N) -> f64 {
    let mut weighted = 0.0;
    let mut total = 0.0;
    for a in &h.anchors {
        // The great-circle distance, from precomputed unit vectors (see `chord_km`).
        let km = chord_km(&a.xyz, &u.xyz);
        if N::LISTENING {
            n.note(Criterion::AnchorDistance, Fact::Anchor { kind: a.kind, km });
        }
        weighted += a.importance * anchor_decay(km);
        total += a.importance;
    }
    if total > 0.0 {
        weighted / total
    } else {
        if N::LISTENING && h.anchors.is_empty() {
            n.note(Criterion::AnchorDistance, Fact::NoAnchors);
        }
        0.5
    }
}

fn size_entry<'a>(h: &Household, u: &'a Unit) -> Option<&'a SizeEntry> {
    if h.persons == 0 {
        return None;
    }
    u.by_size.get(h.persons as usize)
}

fn area_fit<N: Notes>(p: &Prepared, h: &Household, u: &Unit, n: &mut N) -> f64 {
    let norm = || p.munis[u.muni as usize].norms.area_for(h.persons);
    if N::LISTENING {
        n.note(
            Criterion::AreaFit,
            Fact::Area {
                area: u.area_m2,
                norm: norm(),
                persons: h.persons,
            },
        );
    }
    match size_entry(h, u) {
        Some(entry) => entry.area_points,
        None => area_fit_points(u.area_m2, norm()),
    }
}

fn rooms_fit<N: Notes>(h: &Household, u: &Unit, n: &mut N) -> f64 {
    if N::LISTENING {
        n.note(
            Criterion::RoomsFit,
            Fact::Rooms {
                rooms: u.rooms,
                needed: h.rooms_needed,
                given: h.rooms_given,
            },
        );
    }
    let diff = u.rooms - h.rooms_needed;
    let penalty = if diff < 0.0 {
        0.4 * (-diff - 0.5).max(0.0)
    } else {
        0.25 * (diff - 0.5).max(0.0)
    };
    (1.0 - penalty).clamp(0.0, 1.0)
}

fn rent_headroom<N: Notes>(p: &Prepared, h: &Household, u: &Unit, n: &mut N) -> f64 {
    let (cap, points) = match size_entry(h, u) {
        Some(entry) => (entry.cap, entry.headroom_points),
        None => {
            let cap = p.munis[u.muni as usize].caps.cap_for(h.persons);
            (cap, headroom_points(u.net, cap))
        }
    };
    if N::LISTENING {
        n.note(
            Criterion::RentHeadroom,
            Fact::Rent {
                gross: u.gross,
                top_up: u.top_up,
                net: u.net,
                cap,
            },
        );
    }
    points
}

fn waiting_time<N: Notes>(h: &Household, n: &mut N) -> f64 {
    if N::LISTENING {
        n.note(
            Criterion::WaitingTime,
            Fact::Waiting {
                days: h.waiting_days,
            },
        );
    }
    h.waiting_days
        .map_or(0.0, |d| (d as f64 / FULL_WAITING_DAYS).clamp(0.0, 1.0))
}

fn urgency<N: Notes>(h: &Household, n: &mut N) -> f64 {
    if N::LISTENING {
        n.note(Criterion::Urgency, Fact::Urgency { level: h.urgency });
    }
    f64::from(h.urgency.min(3)) / 3.0
}

fn landlord_preferences<N: Notes>(h: &Household, u: &Unit, n: &mut N) -> f64 {
    if u.preference_bits == 0 {
        if N::LISTENING {
            n.note(
                Criterion::LandlordPreferences,
                Fact::Preferences {
                    met: Vec::new(),
                    unmet: Vec::new(),
                },
            );
        }
        return 1.0;
    }
    if N::LISTENING {
        let (met, unmet) = u.preferences.iter().partition(|p| meets(h.trait_bits, **p));
        n.note(
            Criterion::LandlordPreferences,
            Fact::Preferences { met, unmet },
        );
    }
    let met = (u.preference_bits & h.trait_bits).count_ones();
    f64::from(met) / f64::from(u.preference_bits.count_ones())
}

/// Points of every criterion, indexed like [`Criterion::ALL`], reporting facts to `n`.
pub fn criterion_points<N: Notes>(
    p: &Prepared,
    hi: usize,
    ui: usize,
    n: &mut N,
) -> [f64; CRITERIA] {
    let (h, u) = (&p.households[hi], &p.units[ui]);
    [
        anchor_distance(h, u, n),
        area_fit(p, h, u, n),
        rooms_fit(h, u, n),
        rent_headroom(p, h, u, n),
        waiting_time(h, n),
        urgency(h, n),
        landlord_preferences(h, u, n),
    ]
}

/// The pair's score in millionths: Σ weight × points, rounded. The hot path.
pub fn score_micro(p: &Prepared, hi: usize, ui: usize) -> i64 {
    let points = criterion_points(p, hi, ui, &mut Silent);
    micro(p, ui, &points)
}

fn micro(p: &Prepared, ui: usize, points: &[f64; CRITERIA]) -> i64 {
    let weights = &p.munis[p.units[ui].muni as usize].weights;
    let score: f64 = weights.iter().zip(points).map(|(w, x)| w * x).sum();
    (score.clamp(0.0, 1.0) * SCORE_SCALE).round() as i64
}

/// One criterion of a pair's score, as written in results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionExplanation {
    pub name: &'static str,
    /// Share of the score this criterion carries (all weights sum to 1).
    pub weight: f64,
    /// Points in [0, 1]; the score is Σ weight × points.
    pub points: f64,
    pub text_de: String,
    pub text_en: String,
}

/// A pair's score with every criterion explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    pub micro: i64,
    pub criteria: Vec<CriterionExplanation>,
}

/// Scores one pair and explains every criterion in German and English.
pub fn explain_pair(p: &Prepared, hi: usize, ui: usize) -> Explained {
    let mut collect = Collect::default();
    let points = criterion_points(p, hi, ui, &mut collect);
    let facts = collect.0;
    let weights = &p.munis[p.units[ui].muni as usize].weights;
    let criteria = Criterion::ALL
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mine: Vec<&Fact> = facts
                .iter()
                .filter(|(fc, _)| fc == c)
                .map(|(_, f)| f)
                .collect();
            CriterionExplanation {
                name: c.as_str(),
                weight: weights[i],
                points: points[i],
                text_de: sentence(Locale::De, &mine),
                text_en: sentence(Locale::En, &mine),
            }
        })
        .collect();
    Explained {
        micro: micro(p, ui, &points),
        criteria,
    }
}

fn sentence(l: Locale, facts: &[&Fact]) -> String {
    let de = l == Locale::De;
    let mut anchors = Vec::new();
    let mut out = Vec::new();
    for fact in facts {
        match fact {
            Fact::Anchor { kind, km } => anchors.push(if de {
                format!(
                    "{} {} entfernt",
                    explain::anchor(l, *kind),
                    format::km(l, *km)
                )
            } else {
                format!("{} {} away", explain::anchor(l, *kind), format::km(l, *km))
            }),
            Fact::NoAnchors => out.push(if de {
                "Keine Ankerpunkte (Arbeit, Schule, ...) angegeben".to_owned()
            } else {
                "No anchors (work, school, ...) given".to_owned()
            }),
            Fact::Area {
                area,
                norm,
                persons,
            } => {
                let ratio = area / norm;
                let verdict = match (ratio, de) {
                    (r, true) if r < 0.67 => "zu klein",
                    (r, true) if r < 0.9 => "etwas klein",
                    (r, true) if r <= 1.1 => "passend",
                    (r, true) if r <= 1.5 => "etwas groß",
                    (_, true) => "sehr groß",
                    (r, false) if r < 0.67 => "too small",
                    (r, false) if r < 0.9 => "a little small",
                    (r, false) if r <= 1.1 => "a good fit",
                    (r, false) if r <= 1.5 => "a little large",
                    (_, false) => "very large",
                };
                out.push(if de {
                    format!(
                        "{} m² für {} (Richtwert {} m²): {verdict}",
                        format::compact(l, *area),
                        format::persons(l, *persons),
                        format::compact(l, *norm)
                    )
                } else {
                    format!(
                        "{} m² for {} (guide value {} m²): {verdict}",
                        format::compact(l, *area),
                        format::persons(l, *persons),
                        format::compact(l, *norm)
                    )
                });
            }
            Fact::Rooms {
                rooms,
                needed,
                given,
            } => out.push(match (de, given) {
                (true, true) => format!(
                    "{} Zimmer, gewünscht sind {}",
                    format::compact(l, *rooms),
                    format::compact(l, *needed)
                ),
                (true, false) => format!(
                    "{} Zimmer, gebraucht werden etwa {}",
                    format::compact(l, *rooms),
                    format::compact(l, *needed)
                ),
                (false, true) => format!(
                    "{} rooms; {} wanted",
                    format::compact(l, *rooms),
                    format::compact(l, *needed)
                ),
                (false, false) => format!(
                    "{} rooms; about {} needed",
                    format::compact(l, *rooms),
                    format::compact(l, *needed)
                ),
            }),
            Fact::Rent {
                gross,
                top_up,
                net,
                cap,
            } => {
                let below = *cap - *net;
                let share = if cap.0 > 0 {
                    below.0 as f64 / cap.0 as f64 * 100.0
                } else {
                    0.0
                };
                let rent = match (top_up.0 > 0, de) {
                    (true, true) => format!(
                        "Bruttokaltmiete {} abzüglich {} Zuschuss = {}",
                        gross.format(l),
                        top_up.format(l),
                        net.format(l)
                    ),
                    (true, false) => format!(
                        "Gross cold rent {} less a top-up of {} = {}",
                        gross.format(l),
                        top_up.format(l),
                        net.format(l)
                    ),
                    (false, true) => format!("Bruttokaltmiete {}", gross.format(l)),
                    (false, false) => format!("Gross cold rent {}", gross.format(l)),
                };
                out.push(if de {
                    format!(
                        "{rent} liegt {} ({} %) unter der Obergrenze {}",
                        below.format(l),
                        share.round() as i64,
                        cap.format(l)
                    )
                } else {
                    format!(
                        "{rent} is {} ({}%) below the cap of {}",
                        below.format(l),
                        share.round() as i64,
                        cap.format(l)
                    )
                });
            }
            Fact::Waiting { days } => out.push(match (days, de) {
                (None, true) => {
                    "Seit wann in der Anschlussunterbringung, ist nicht bekannt".to_owned()
                }
                (None, false) => "Time in follow-up housing not known".to_owned(),
                (Some(d), true) if *d < 30 => {
                    "Seit weniger als einem Monat in der Anschlussunterbringung".to_owned()
                }
                (Some(d), false) if *d < 30 => {
                    "In follow-up housing for less than a month".to_owned()
                }
                (Some(d), true) => {
                    let months = d / 30;
                    format!(
                        "Seit {months} {} in der Anschlussunterbringung",
                        if months == 1 { "Monat" } else { "Monaten" }
                    )
                }
                (Some(d), false) => {
                    let months = d / 30;
                    format!(
                        "In follow-up housing for {months} month{}",
                        if months == 1 { "" } else { "s" }
                    )
                }
            }),
            Fact::Urgency { level } => out.push(match (level, de) {
                (0, true) => "Keine besondere Dringlichkeit".to_owned(),
                (0, false) => "No particular urgency".to_owned(),
                (n, true) => format!("Dringlichkeit {n} von 3"),
                (n, false) => format!("Urgency {n} of 3"),
            }),
            Fact::Preferences { met, unmet } => {
                let names = |list: &[LandlordPreference]| {
                    list.iter()
                        .map(|p| explain::preference(l, *p))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                out.push(match (met.is_empty(), unmet.is_empty(), de) {
                    (true, true, true) => "Keine besonderen Wünsche der Vermieterseite".to_owned(),
                    (true, true, false) => "The landlord states no particular wishes".to_owned(),
                    (false, true, true) => {
                        format!("Wünsche der Vermieterseite erfüllt: {}", names(met))
                    }
                    (false, true, false) => format!("Landlord's wishes met: {}", names(met)),
                    (true, false, true) => {
                        format!("Wünsche der Vermieterseite nicht erfüllt: {}", names(unmet))
                    }
                    (true, false, false) => format!("Landlord's wishes not met: {}", names(unmet)),
                    (false, false, true) => {
                        format!("Erfüllt: {}; nicht erfüllt: {}", names(met), names(unmet))
                    }
                    (false, false, false) => {
                        format!("Met: {}; not met: {}", names(met), names(unmet))
                    }
                });
            }
        }
    }
    if !anchors.is_empty() {
        out.insert(0, anchors.join(", "));
    }
    out.join("; ")
}
