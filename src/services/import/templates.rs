//! The example files offered for download: the header and one example row.

use super::*;

pub(super) fn template(columns: &[(String, String)]) -> String {
    let header: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    let example: Vec<String> = columns
        .iter()
        .map(|(_, v)| {
            if v.contains([';', '"', '\n']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        })
        .collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(";"), example.join(";"))
}

/// A households file with every column and one example row.
pub fn household_template(municipality: &str) -> String {
    let mut columns: Vec<(String, String)> = Vec::new();
    let example = |c: &str| -> &str {
        match c {
            "municipality" => municipality,
            "reference" => "AU-2026-001",
            "residence_status" => "anerkannt",
            "benefit_type" => "sgb2",
            "work_situation" => "language_course",
            "wheelchair" | "pets" | "residence_obligation" => "nein",
            "urgency" => "1",
            "languages" => "ar|de",
            "preferred_language" => "ar",
            "in_follow_up_since" => "01.03.2024",
            "latest_move_date" => "",
            "follow_up_site" => "Gemeinschaftsunterkunft Beispielweg 1",
            "caseworker_name" => "Sozialdienst",
            "consent_date" => "15.10.2026",
            "consent_scope" => "matching|email",
            _ => "",
        }
    };
    for c in HOUSEHOLD_COLUMNS {
        columns.push(((*c).to_owned(), example(c).to_owned()));
        if *c == "work_situation" {
            for n in 1..=3 {
                for part in MEMBER_PARTS {
                    let value = match (n, *part) {
                        (1, "first_name") => "Amal",
                        (1, "birth_year") => "1988",
                        (1, "role") => "applicant",
                        (2, "first_name") => "Yusuf",
                        (2, "birth_year") => "2016",
                        (2, "role") => "child",
                        _ => "",
                    };
                    columns.push((format!("member{n}_{part}"), value.to_owned()));
                }
            }
        }
        if *c == "urgency_reason" {
            for part in ANCHOR_PARTS {
                let value = match *part {
                    "kind" => "school",
                    "label" => "Grundschule",
                    "postal_code" => "73207",
                    "importance" => "high",
                    _ => "",
                };
                columns.push((format!("anchor1_{part}"), value.to_owned()));
            }
        }
    }
    template(&columns)
}

/// A units file with every column and one example row.
pub fn unit_template() -> String {
    let columns: Vec<(String, String)> = UNIT_COLUMNS
        .iter()
        .map(|c| {
            let v = match *c {
                "landlord_name" => "Renate Maier",
                "landlord_email" => "renate.maier@example.org",
                "street" => "Hauptstraße",
                "house_number" => "12",
                "postal_code" => "73207",
                "town" => "Plochingen",
                "area_m2" => "62,5",
                "rooms" => "3",
                "floor" => "1",
                "has_lift" => "nein",
                "max_occupants" => "4",
                "cold_rent" => "560",
                "service_charges" => "140",
                "heating_costs" => "80",
                "deposit" => "1680",
                "available_from" => "01.02.2027",
                "lease_type" => "unbefristet",
                "status" => "checked",
                _ => "",
            };
            ((*c).to_owned(), v.to_owned())
        })
        .collect();
    template(&columns)
}
