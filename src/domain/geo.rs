//! Points on the earth and great-circle distances.

use geo::{Distance, HaversineMeasure, Point};
use serde::{Deserialize, Serialize};

/// Mean earth radius (IUGG), the radius the scenario format's distances use.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A WGS84 position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// A point; `None` when the coordinates are not on the earth.
    pub fn new(lat: f64, lon: f64) -> Option<Self> {
        (lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon))
        .then_some(Self { lat, lon })
    }

    /// Great-circle distance in kilometres (the geo crate's haversine on a sphere of
    /// [`EARTH_RADIUS_KM`]).
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        const SPHERE: HaversineMeasure = HaversineMeasure::new(EARTH_RADIUS_KM * 1000.0);
        SPHERE.distance(
            Point::new(self.lon, self.lat),
            Point::new(other.lon, other.lat),
        ) / 1000.0
    }

    /// The point on the unit sphere, for fast exact great-circle distances (see
    /// [`chord_km`]).
    pub fn unit_vector(self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    }
}

/// Great-circle distance in kilometres between two points given as unit vectors: the
/// chord length `c` gives the central angle `2·asin(c/2)`. The same distance as
/// [`GeoPoint::distance_km`], with no trigonometry per pair but one `asin`.
pub fn chord_km(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    let chord = (dx * dx + dy * dy + dz * dz).sqrt();
    2.0 * EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn chord_and_haversine_agree_to_a_millimetre(
            a in (-89.0f64..89.0, -179.0f64..179.0),
            b in (-89.0f64..89.0, -179.0f64..179.0),
        ) {
            let (p, q) = (GeoPoint { lat: a.0, lon: a.1 }, GeoPoint { lat: b.0, lon: b.1 });
            let d1 = p.distance_km(q);
            let d2 = chord_km(&p.unit_vector(), &q.unit_vector());
            prop_assert!((d1 - d2).abs() < 1e-6, "{} vs {}", d1, d2);
        }
    }

    #[test]
    fn plochingen_to_esslingen_is_about_nine_km() {
        let plochingen = GeoPoint::new(48.71067, 9.41949).expect("valid");
        let esslingen = GeoPoint::new(48.73961, 9.30473).expect("valid");
        let d = plochingen.distance_km(esslingen);
        assert!((8.5..9.5).contains(&d), "{d}");
        assert_eq!(plochingen.distance_km(plochingen), 0.0);
    }

    #[test]
    fn coordinates_off_the_earth_are_refused() {
        assert!(GeoPoint::new(91.0, 0.0).is_none());
        assert!(GeoPoint::new(0.0, f64::NAN).is_none());
    }
}
