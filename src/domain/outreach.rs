//! Winning landlords: the address of a municipality's public page, campaign codes, the
//! answers to "Wie haben Sie von uns erfahren?", the calculator "What would my flat
//! bring?" and the rule that keeps waiting counts from singling anyone out. No I/O.

use std::collections::BTreeMap;

use super::input::Reader;
use super::money::Cents;
use super::norms::RentCapTable;
use super::string_enum;
use super::validation::FieldErrors;

/// The address part of a name: lower case, umlauts spelled out (ä → ae, ß → ss), every
/// other run of characters but letters and digits one `-`, at most 40 characters.
/// "Göppingen" → "goeppingen", "Amtsblatt März" → "amtsblatt-maerz".
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let spelled = match c {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' => "e",
            'á' | 'à' | 'â' => "a",
            _ => "",
        };
        if !spelled.is_empty() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push_str(spelled);
        } else if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    let mut cut: String = out.chars().take(40).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    cut
}

/// Whether `code` looks like a campaign code (what [`slug`] makes); anything else in an
/// address is ignored, never stored.
pub fn is_campaign_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

string_enum! {
    /// The answers to "Wie haben Sie von uns erfahren?" when a landlord came without a
    /// campaign code.
    pub enum HeardFrom {
        /// Zeitung oder Amtsblatt.
        Newspaper = "newspaper",
        /// Infoabend oder Veranstaltung.
        Event = "event",
        /// Flyer oder Plakat.
        Flyer = "flyer",
        /// Ehrenamtliche, Lotsinnen und Lotsen.
        Volunteers = "volunteers",
        /// Bekannte, Familie, Nachbarn.
        Acquaintances = "acquaintances",
        /// Stadtverwaltung oder Rathaus.
        TownHall = "town_hall",
        /// Internet or social media.
        Internet = "internet",
        /// Something else.
        Other = "other",
    }
}

/// Counts of waiting households below this are never shown as a number.
pub const WAITING_THRESHOLD: u64 = 5;

/// A count of waiting households as the public may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitingCount {
    /// Fewer than [`WAITING_THRESHOLD`] (including none).
    Few,
    /// About this many: the count rounded to the nearest multiple of 5 (never below 5).
    About(u64),
}

/// The rule: below [`WAITING_THRESHOLD`] only "fewer than 5"; from there the nearest
/// multiple of 5 (halves up), so one household more or less rarely changes the figure and
/// no single household can be told from the count.
pub fn waiting_count(n: u64) -> WaitingCount {
    if n < WAITING_THRESHOLD {
        return WaitingCount::Few;
    }
    WaitingCount::About(((n + 2) / 5 * 5).max(WAITING_THRESHOLD))
}

/// What a landlord typed into the calculator.
#[derive(Debug, Clone, PartialEq)]
pub struct Enquiry {
    pub postal_code: String,
    pub area_m2: f64,
    pub rooms: f64,
    pub cold_rent: Cents,
    pub service_charges: Cents,
}

impl Enquiry {
    /// Reads the calculator's fields (`postal_code`, `area_m2`, `rooms`, `cold_rent`,
    /// `service_charges`); every mistake is named at its field.
    pub fn parse(pairs: &[(String, String)]) -> Result<Enquiry, FieldErrors> {
        let mut r = Reader::new(pairs);
        // "73 728" is a postal code too; anything but five digits is not.
        let typed: String = r.raw("postal_code").split_whitespace().collect();
        let postal_code = match typed.as_str() {
            "" => {
                r.error("postal_code", "validation.required");
                None
            }
            code if code.len() == 5 && code.chars().all(|c| c.is_ascii_digit()) => {
                Some(code.to_owned())
            }
            _ => {
                r.error("postal_code", "validation.postal_format");
                None
            }
        };
        let area_m2 = r.number("area_m2", 10.0..=500.0, true);
        r.refine(
            "area_m2",
            "validation.out_of_range",
            "validation.area_range",
        );
        let rooms = r.number("rooms", 1.0..=20.0, true);
        r.refine("rooms", "validation.out_of_range", "validation.rooms_range");
        r.refine("rooms", "validation.number", "validation.rooms_range");
        if let Some(rooms) = rooms
            && (rooms * 2.0).fract() != 0.0
        {
            r.error("rooms", "validation.rooms_half");
        }
        let cold_rent = r.money("cold_rent", Cents::euros(10_000), true);
        if cold_rent == Some(Cents(0)) {
            r.error("cold_rent", "validation.out_of_range");
        }
        r.refine(
            "cold_rent",
            "validation.out_of_range",
            "outreach.rent_range",
        );
        // The same plausibility as the flat's form: 2 to 40 € per m².
        if let (Some(rent), Some(area)) = (cold_rent, area_m2)
            && rent.0 > 0
            && !(2.0..=40.0).contains(&(rent.as_euros_f64() / area))
        {
            r.error("cold_rent", "validation.rent_implausible");
        }
        let service_charges = r.money("service_charges", Cents::euros(2_000), false);
        r.refine(
            "service_charges",
            "validation.out_of_range",
            "validation.costs_range",
        );
        r.finish(|| {
            Some(Enquiry {
                postal_code: postal_code?,
                area_m2: area_m2?,
                rooms: rooms?,
                cold_rent: cold_rent?,
                service_charges: service_charges.unwrap_or(Cents(0)),
            })
        })
    }

    /// Cold rent and service charges without heating: what the KdU cap is compared with.
    pub fn gross_cold_rent(&self) -> Cents {
        Cents(self.cold_rent.0 + self.service_charges.0)
    }
}

/// The household sizes the calculator shows.
pub const SIZES: std::ops::RangeInclusive<u32> = 1..=6;

/// At most this many persons per room (half rooms count half).
pub const PERSONS_PER_ROOM: f64 = 2.0;

/// At least this much living space per person.
pub const MIN_M2_PER_PERSON: f64 = 10.0;

/// One household size in the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeLine {
    pub persons: u32,
    /// The KdU cap on gross cold rent for this size.
    pub cap: Cents,
    /// The asked rent is within the cap.
    pub rent_fits: bool,
    /// The flat is big enough: at most [`PERSONS_PER_ROOM`] per room and at least
    /// [`MIN_M2_PER_PERSON`] m² each.
    pub space_fits: bool,
}

impl SizeLine {
    /// The flat could go to a household of this size.
    pub fn fits(&self) -> bool {
        self.rent_fits && self.space_fits
    }
}

/// The calculator's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub gross_cold_rent: Cents,
    pub sizes: Vec<SizeLine>,
    /// The sizes the flat fits, smallest first.
    pub fitting: Vec<u32>,
    /// Waiting households of the fitting sizes, as the public may see it.
    pub waiting: WaitingCount,
    /// How much the asked rent is above the largest fitting cap would allow (when no size
    /// fits by rent but one fits by space): the rent to ask for at most.
    pub rent_to_fit: Option<Cents>,
}

/// Answers the calculator from the municipality's cap table and its waiting households
/// per size (`waiting_by_size`: persons → households waiting).
pub fn estimate(
    enquiry: &Enquiry,
    caps: &RentCapTable,
    waiting_by_size: &BTreeMap<u32, u64>,
) -> Estimate {
    let gross = enquiry.gross_cold_rent();
    let sizes: Vec<SizeLine> = SIZES
        .map(|persons| {
            let cap = caps.cap_for(persons);
            SizeLine {
                persons,
                cap,
                rent_fits: gross <= cap,
                space_fits: f64::from(persons) <= enquiry.rooms * PERSONS_PER_ROOM
                    && enquiry.area_m2 >= f64::from(persons) * MIN_M2_PER_PERSON,
            }
        })
        .collect();
    let fitting: Vec<u32> = sizes
        .iter()
        .filter(|s| s.fits())
        .map(|s| s.persons)
        .collect();
    let waiting_n = fitting
        .iter()
        .map(|p| waiting_by_size.get(p).copied().unwrap_or(0))
        .sum();
    let rent_to_fit = if fitting.is_empty() {
        sizes.iter().filter(|s| s.space_fits).map(|s| s.cap).max()
    } else {
        None
    };
    Estimate {
        gross_cold_rent: gross,
        sizes,
        fitting,
        waiting: waiting_count(waiting_n),
        rent_to_fit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn caps() -> RentCapTable {
        RentCapTable::new(
            vec![
                (1, Cents::euros(480)),
                (2, Cents::euros(590)),
                (3, Cents::euros(700)),
                (4, Cents::euros(815)),
                (5, Cents::euros(930)),
            ],
            Cents::euros(115),
        )
        .expect("caps")
    }

    #[test]
    fn slugs_spell_out_umlauts_and_join_words() {
        assert_eq!(slug("Göppingen"), "goeppingen");
        assert_eq!(slug("Amtsblatt März"), "amtsblatt-maerz");
        assert_eq!(slug("Infoabend 12.05."), "infoabend-12-05");
        assert_eq!(slug("  Weißenstein / Süd "), "weissenstein-sued");
        assert_eq!(slug("Schwäbisch Gmünd"), "schwaebisch-gmuend");
        assert_eq!(slug("!!!"), "");
        assert!(slug(&"a b ".repeat(40)).len() <= 40);
        assert!(!slug(&"a b ".repeat(40)).ends_with('-'));
        for s in ["goeppingen", "amtsblatt-maerz", "lotsen-2027"] {
            assert!(is_campaign_code(s));
        }
        for s in ["", "Amtsblatt", "a b", "<script>", &"a".repeat(41)] {
            assert!(!is_campaign_code(s));
        }
    }

    #[test]
    fn waiting_counts_never_go_below_the_threshold() {
        for n in 0..WAITING_THRESHOLD {
            assert_eq!(waiting_count(n), WaitingCount::Few);
        }
        assert_eq!(waiting_count(5), WaitingCount::About(5));
        assert_eq!(waiting_count(6), WaitingCount::About(5));
        assert_eq!(waiting_count(7), WaitingCount::About(5));
        assert_eq!(waiting_count(8), WaitingCount::About(10));
        assert_eq!(waiting_count(23), WaitingCount::About(25));
        for n in 5..500 {
            let WaitingCount::About(shown) = waiting_count(n) else {
                panic!("{n} shown as few");
            };
            assert!(shown % 5 == 0 && shown >= 5 && shown.abs_diff(n) <= 2);
        }
    }

    #[test]
    fn the_enquiry_names_every_mistake_at_its_field() {
        let e = Enquiry::parse(&pairs(&[
            ("postal_code", "7303"),
            ("area_m2", "5"),
            ("rooms", "2,3"),
            ("cold_rent", "viel"),
        ]))
        .expect_err("wrong");
        assert_eq!(e.get("postal_code"), Some("validation.postal_format"));
        assert_eq!(e.get("area_m2"), Some("validation.area_range"));
        assert_eq!(e.get("rooms"), Some("validation.rooms_half"));
        assert_eq!(e.get("cold_rent"), Some("validation.number"));
        let e = Enquiry::parse(&pairs(&[])).expect_err("empty");
        assert_eq!(e.get("postal_code"), Some("validation.required"));
        assert_eq!(e.get("cold_rent"), Some("validation.required"));
        assert_eq!(e.get("service_charges"), None, "optional");
        // Found by a cold walk: a space in the postal code, letters for rooms, a rent of
        // 0 € or 5 € for 62 m².
        let e = Enquiry::parse(&pairs(&[
            ("postal_code", "73 728"),
            ("area_m2", "62"),
            ("rooms", "drei"),
            ("cold_rent", "5"),
        ]))
        .expect_err("wrong");
        assert_eq!(e.get("postal_code"), None, "73 728 is fine");
        assert_eq!(e.get("rooms"), Some("validation.rooms_range"));
        assert_eq!(e.get("cold_rent"), Some("validation.rent_implausible"));
        let e = Enquiry::parse(&pairs(&[("cold_rent", "0")])).expect_err("zero");
        assert_eq!(e.get("cold_rent"), Some("outreach.rent_range"));
        let ok = Enquiry::parse(&pairs(&[
            ("postal_code", "73033"),
            ("area_m2", "62,5"),
            ("rooms", "2,5"),
            ("cold_rent", "520"),
            ("service_charges", "110,50"),
        ]))
        .expect("valid");
        assert_eq!(ok.gross_cold_rent(), Cents(63_050));
        assert_eq!(ok.rooms, 2.5);
    }

    #[test]
    fn the_estimate_follows_the_cap_table_and_the_space() {
        let enquiry = Enquiry {
            postal_code: "73033".into(),
            area_m2: 62.0,
            rooms: 3.0,
            cold_rent: Cents::euros(520),
            service_charges: Cents::euros(110),
        };
        let waiting = BTreeMap::from([(1, 30), (2, 4), (3, 2), (4, 2), (7, 40)]);
        let e = estimate(&enquiry, &caps(), &waiting);
        assert_eq!(e.gross_cold_rent, Cents::euros(630));
        // 630 € is above the caps for 1 and 2 persons; 62 m² hold at most 6 persons.
        let fits: Vec<(u32, bool, bool)> = e
            .sizes
            .iter()
            .map(|s| (s.persons, s.rent_fits, s.space_fits))
            .collect();
        assert_eq!(
            fits,
            vec![
                (1, false, true),
                (2, false, true),
                (3, true, true),
                (4, true, true),
                (5, true, true),
                (6, true, true),
            ]
        );
        assert_eq!(e.sizes[5].cap, Cents::euros(930 + 115));
        assert_eq!(e.fitting, vec![3, 4, 5, 6]);
        // 2 + 2 waiting of the fitting sizes: the count is below the threshold.
        assert_eq!(e.waiting, WaitingCount::Few);
        assert_eq!(e.rent_to_fit, None);

        let small = Enquiry {
            area_m2: 25.0,
            rooms: 1.0,
            cold_rent: Cents::euros(600),
            service_charges: Cents(0),
            ..enquiry
        };
        let e = estimate(&small, &caps(), &waiting);
        assert!(e.fitting.is_empty());
        // Space for 2; the cap for 2 is 590 €: asking that much would fit.
        assert_eq!(e.rent_to_fit, Some(Cents::euros(590)));
        let cheaper = Enquiry {
            cold_rent: Cents::euros(470),
            ..small
        };
        let e = estimate(&cheaper, &caps(), &waiting);
        assert_eq!(e.fitting, vec![1, 2]);
        assert_eq!(e.waiting, WaitingCount::About(35));
    }
}
