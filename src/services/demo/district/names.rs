//! The names of the district's landlords: housing companies first, then private people.

use super::ascii;

const COMPANIES: &[&str] = &[
    "Wohnbau Oberschwaben GmbH",
    "Hausverwaltung Riß GmbH",
    "Baugenossenschaft Laupheim eG",
    "Immobilien Federsee GmbH",
    "Siedlungswerk Riedlingen eG",
];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Bernd", "Claudia", "Dieter", "Elke", "Frank", "Gabriele", "Hans", "Irene", "Jürgen",
    "Karin", "Lothar", "Monika", "Norbert", "Ursula", "Walter", "Aylin", "Mehmet",
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmid",
    "Schneider",
    "Maier",
    "Wagner",
    "Baur",
    "Hepp",
    "Zoller",
    "Rapp",
    "Gerster",
    "Haas",
    "Kessler",
    "Reiser",
    "Sauter",
    "Ströbele",
    "Yıldız",
    "Fischer",
];

/// The `l`-th landlord: the district's housing company, then companies and cooperatives
/// (every tenth) and private landlords; name, kind and a unique e-mail address.
pub(super) fn landlord_name(l: usize) -> (String, &'static str, String) {
    if l == 0 {
        return (
            "Kreisbau Biberach eG".into(),
            "cooperative",
            "vermietung@kreisbau-biberach.example".into(),
        );
    }
    if l % 10 == 1 {
        let name = COMPANIES[(l / 10) % COMPANIES.len()];
        let round = l / (10 * COMPANIES.len());
        let name = if round == 0 {
            name.to_owned()
        } else {
            format!("{name} ({})", round + 1)
        };
        return (name, "company", format!("vermietung.{l:03}@firma.example"));
    }
    let first = FIRST_NAMES[l % FIRST_NAMES.len()];
    let last = LAST_NAMES[(l / FIRST_NAMES.len()) % LAST_NAMES.len()];
    (
        format!("{first} {last}"),
        "private",
        format!("{}.{}.{l:03}@example.org", ascii(first), ascii(last)),
    )
}
