//! Points on the earth and great-circle distances.

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

    /// Great-circle (haversine) distance in kilometres on a sphere of [`EARTH_RADIUS_KM`].
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
