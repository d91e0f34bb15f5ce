//! Offline geodata shipped with Bleibe (see `assets/SOURCES.md`): German postal codes with
//! place and centroid, the municipalities of Baden-Württemberg with their postal codes,
//! and the state's outline for the map.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::domain::geo::GeoPoint;

const POSTAL_CSV: &str = include_str!("../assets/geo/postal_codes_de.csv");
const MUNICIPALITIES_CSV: &str = include_str!("../assets/geo/bw_municipalities.csv");

/// The outline of Baden-Württemberg as GeoJSON (a backdrop for maps without tiles).
pub const BW_OUTLINE: &str = include_str!("../assets/geo/DE-BW.geojson");

/// A postal code's place and centre.
#[derive(Debug, Clone, PartialEq)]
pub struct PostalEntry {
    pub code: String,
    pub place: String,
    pub state: String,
    pub centre: GeoPoint,
}

struct Tables {
    postal: HashMap<String, PostalEntry>,
    /// Postal code → official keys (AGS) of the BW municipalities it reaches into.
    municipalities: HashMap<String, Vec<String>>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let postal = POSTAL_CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut f = line.split(',');
                let code = f.next()?.to_owned();
                let place = f.next()?.to_owned();
                let state = f.next()?.to_owned();
                let centre = GeoPoint::new(f.next()?.parse().ok()?, f.next()?.parse().ok()?)?;
                Some((
                    code.clone(),
                    PostalEntry {
                        code,
                        place,
                        state,
                        centre,
                    },
                ))
            })
            .collect();
        let mut municipalities: HashMap<String, Vec<String>> = HashMap::new();
        for line in MUNICIPALITIES_CSV.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            if let (Some(ags), Some(codes)) = (fields.first(), fields.get(6)) {
                for code in codes.split_whitespace() {
                    municipalities
                        .entry(code.to_owned())
                        .or_default()
                        .push((*ags).to_owned());
                }
            }
        }
        Tables {
            postal,
            municipalities,
        }
    })
}

/// The place and centre of a German postal code.
pub fn postal(code: &str) -> Option<&'static PostalEntry> {
    tables().postal.get(code.trim())
}

/// The official keys of the Baden-Württemberg municipalities a postal code reaches into.
pub fn municipalities_of_postal(code: &str) -> &'static [String] {
    tables()
        .municipalities
        .get(code.trim())
        .map_or(&[], Vec::as_slice)
}

/// The municipalities of Baden-Württemberg (name, population) and their districts (named
/// at the population-weighted centre of their municipalities) as GeoJSON points: the place
/// names a map without a tile server shows.
pub fn places_geojson() -> &'static str {
    static PLACES: OnceLock<String> = OnceLock::new();
    PLACES.get_or_init(|| {
        let mut features = Vec::new();
        // District → (weighted lat, weighted lon, population).
        let mut districts: std::collections::BTreeMap<String, (f64, f64, f64)> =
            std::collections::BTreeMap::new();
        for line in MUNICIPALITIES_CSV.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (Some(name), Some(district), Some(lat), Some(lon)) = (
                f.get(1),
                f.get(2),
                f.get(3).and_then(|v| v.parse::<f64>().ok()),
                f.get(4).and_then(|v| v.parse::<f64>().ok()),
            ) else {
                continue;
            };
            // Some small municipalities have no population in the table: shown as villages.
            let population = f.get(5).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"name": name, "kind": "town", "population": population},
            }));
            if !district.starts_with("Stadtkreis") {
                let weight = population.max(1.0);
                let d = districts.entry((*district).to_owned()).or_default();
                d.0 += lat * weight;
                d.1 += lon * weight;
                d.2 += weight;
            }
        }
        for (name, (lat, lon, population)) in districts {
            if population > 0.0 {
                features.push(serde_json::json!({
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon / population, lat / population]},
                    "properties": {"name": name, "kind": "district", "population": population},
                }));
            }
        }
        serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_names_hold_every_municipality_and_district() {
        let places: serde_json::Value = serde_json::from_str(places_geojson()).expect("JSON");
        let features = places["features"].as_array().expect("features");
        let named = |kind: &str, name: &str| {
            features
                .iter()
                .any(|f| f["properties"]["kind"] == kind && f["properties"]["name"] == name)
        };
        assert!(features.len() > 1100, "{}", features.len());
        assert!(named("town", "Esslingen am Neckar") && named("town", "Plochingen"));
        assert!(named("district", "Landkreis Esslingen"));
        assert!(
            !named("district", "Stadtkreis Stuttgart"),
            "a city district is its town"
        );
        let esslingen = features
            .iter()
            .find(|f| f["properties"]["name"] == "Landkreis Esslingen")
            .expect("district");
        let lat = esslingen["geometry"]["coordinates"][1]
            .as_f64()
            .expect("lat");
        assert!((48.5..48.8).contains(&lat), "{lat}");
    }

    #[test]
    fn postal_codes_resolve_to_places_and_municipalities() {
        let plochingen = postal("73207").expect("73207");
        assert_eq!(plochingen.place, "Plochingen");
        assert!((plochingen.centre.lat - 48.71).abs() < 0.05);
        assert_eq!(municipalities_of_postal("73207"), ["08116056"]);
        assert!(municipalities_of_postal("73728").contains(&"08116019".to_owned()));
        assert_eq!(postal("10115").map(|p| p.state.as_str()), Some("Berlin"));
        assert!(postal("00000").is_none());
        assert!(municipalities_of_postal("10115").is_empty());
        assert!(BW_OUTLINE.starts_with('{'));
    }
}
