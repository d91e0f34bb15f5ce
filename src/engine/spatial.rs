//! Spatial index of units: an R-tree (rstar) over points on the unit sphere, where the
//! straight-line (chord) distance grows with the great-circle distance, so a radius query
//! in kilometres is exact up to a safety margin the hard rule then settles.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::domain::geo::{EARTH_RADIUS_KM, GeoPoint};

type Entry = GeomWithData<[f64; 3], u32>;

/// Units by position.
#[derive(Debug)]
pub struct UnitIndex {
    tree: RTree<Entry>,
}

/// A point on the unit sphere.
pub fn unit_vector(p: GeoPoint) -> [f64; 3] {
    p.unit_vector()
}

/// The squared chord length on the unit sphere for a great-circle distance, slightly
/// enlarged so rounding never drops a unit that is exactly at the limit.
pub fn squared_chord(km: f64) -> f64 {
    let half_angle = (km + 1e-6) / (2.0 * EARTH_RADIUS_KM);
    if half_angle >= std::f64::consts::FRAC_PI_2 {
        return 4.0 + 1e-9;
    }
    let chord = 2.0 * half_angle.sin();
    chord * chord * (1.0 + 1e-12) + 1e-15
}

impl UnitIndex {
    /// Indexes the given positions; `i` is the unit index of `points[i]`.
    pub fn new(points: impl Iterator<Item = GeoPoint>) -> Self {
        let entries: Vec<Entry> = points
            .enumerate()
            .map(|(i, p)| GeomWithData::new(unit_vector(p), i as u32))
            .collect();
        Self {
            tree: RTree::bulk_load(entries),
        }
    }

    /// Units within `km` of `center` (possibly a few beyond, never one fewer), unordered.
    pub fn within(&self, center: GeoPoint, km: f64, out: &mut Vec<u32>) {
        let query = unit_vector(center);
        out.extend(
            self.tree
                .locate_within_distance(query, squared_chord(km))
                .map(|e| e.data),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_index_finds_every_unit_within_the_radius(
            points in prop::collection::vec((47.5f64..49.8, 7.5f64..10.5), 1..80),
            center in (47.5f64..49.8, 7.5f64..10.5),
            km in 0.0f64..120.0,
        ) {
            let geo: Vec<GeoPoint> = points.iter().map(|(lat, lon)| GeoPoint { lat: *lat, lon: *lon }).collect();
            let index = UnitIndex::new(geo.iter().copied());
            let c = GeoPoint { lat: center.0, lon: center.1 };
            let mut found = Vec::new();
            index.within(c, km, &mut found);
            for (i, p) in geo.iter().enumerate() {
                if c.distance_km(*p) <= km {
                    prop_assert!(found.contains(&(i as u32)), "missed unit {} at {} km", i, c.distance_km(*p));
                }
            }
            for i in &found {
                prop_assert!(c.distance_km(geo[*i as usize]) <= km + 0.001);
            }
        }
    }
}
