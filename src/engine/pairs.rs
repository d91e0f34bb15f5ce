//! Which pairs to look at, and their scores: the sparse graph of eligible pairs.
//!
//! A household never looks at every unit. Units are bucketed by municipality and sorted by
//! the rent that counts against the cap, so in each municipality a household may move to
//! it takes only the units up to its cap there. Which municipalities: its Wohnsitzauflage
//! area when it has one; with only a distance limit, those whose units can lie within
//! reach (an R-tree of municipality centres, widened by each municipality's own extent);
//! otherwise all. Only these candidates are checked against every hard rule and scored.
//!
//! Households are processed in parallel (rayon) in fixed chunks and collected in order,
//! so the graph is the same for any number of threads.

use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::assign::SparseGraph;
use super::model::Prepared;
use super::rules::is_eligible;
use super::scoring::score_micro;
use super::spatial::squared_chord;

/// Eligible pairs with their scores: households are rows, units are columns.
#[derive(Debug, Clone)]
pub struct PairGraph {
    /// Row `h` holds household `h`'s eligible units (increasing) and scores in millionths.
    pub graph: SparseGraph,
    /// How many candidate pairs were checked against the hard rules.
    pub pairs_checked: u64,
}

impl PairGraph {
    /// Number of eligible pairs.
    pub fn len(&self) -> usize {
        self.graph.cols.len()
    }

    /// Whether no pair is eligible.
    pub fn is_empty(&self) -> bool {
        self.graph.cols.is_empty()
    }

    /// Household `h`'s (unit, score) pairs.
    pub fn row(&self, h: usize) -> impl Iterator<Item = (u32, i64)> + '_ {
        let range = self.graph.row_start[h]..self.graph.row_start[h + 1];
        self.graph.cols[range.clone()]
            .iter()
            .copied()
            .zip(self.graph.weights[range].iter().copied())
    }

    /// Number of households (rows).
    pub fn households(&self) -> usize {
        self.graph.n_rows
    }
}

/// Households per parallel task.
const CHUNK: usize = 1024;

/// What the candidate search needs besides the scenario.
struct Index {
    /// Active units of each municipality, sorted by the rent that counts against the cap.
    by_muni: Vec<Vec<u32>>,
    /// Municipality centres on the unit sphere.
    centres: RTree<GeomWithData<[f64; 3], u32>>,
    /// How far each municipality's farthest unit lies from its centre, in km.
    extent_km: Vec<f64>,
    max_extent_km: f64,
}

impl Index {
    fn new(p: &Prepared) -> Self {
        let mut by_muni = vec![Vec::new(); p.munis.len()];
        let mut extent_km = vec![0.0_f64; p.munis.len()];
        for (i, u) in p.units.iter().enumerate() {
            if u.active {
                by_muni[u.muni as usize].push(i as u32);
                let reach = p.munis[u.muni as usize].center.distance_km(u.loc);
                extent_km[u.muni as usize] = extent_km[u.muni as usize].max(reach);
            }
        }
        for bucket in &mut by_muni {
            bucket.sort_by_key(|u| (p.units[*u as usize].net, *u));
        }
        let centres = RTree::bulk_load(
            p.munis
                .iter()
                .enumerate()
                .map(|(i, m)| GeomWithData::new(m.center.unit_vector(), i as u32))
                .collect(),
        );
        let max_extent_km = extent_km.iter().copied().fold(0.0, f64::max);
        Self {
            by_muni,
            centres,
            extent_km,
            max_extent_km,
        }
    }

    /// Units of municipality `m` whose rent is within the cap for `persons` there.
    fn affordable(&self, p: &Prepared, m: usize, persons: u32) -> &[u32] {
        let cap = p.munis[m].caps.cap_for(persons);
        let bucket = &self.by_muni[m];
        let end = bucket.partition_point(|u| p.units[*u as usize].net <= cap);
        &bucket[..end]
    }

    /// Municipalities that can have a unit within `km` of municipality `from`'s centre
    /// (by the triangle inequality: centre distance ≤ km + that municipality's extent).
    fn reachable(&self, p: &Prepared, from: usize, km: f64, out: &mut Vec<u32>) {
        let centre = p.munis[from].center;
        let query = centre.unit_vector();
        for entry in self
            .centres
            .locate_within_distance(query, squared_chord(km + self.max_extent_km))
        {
            let m = entry.data as usize;
            if centre.distance_km(p.munis[m].center) <= km + self.extent_km[m] + 1e-6 {
                out.push(entry.data);
            }
        }
        out.sort_unstable();
    }
}

/// The candidate units of household `hi` (a superset of its eligible units).
fn candidates(p: &Prepared, index: &Index, hi: usize, munis: &mut Vec<u32>, out: &mut Vec<u32>) {
    let h = &p.households[hi];
    out.clear();
    if !h.active || !h.consent {
        return;
    }
    munis.clear();
    match (&h.allowed, h.max_distance_km) {
        (Some(allowed), _) => munis.extend_from_slice(allowed),
        (None, Some(km)) => index.reachable(p, h.muni as usize, km, munis),
        (None, None) => munis.extend(0..p.munis.len() as u32),
    }
    for m in munis.iter() {
        out.extend_from_slice(index.affordable(p, *m as usize, h.persons));
    }
}

struct Chunk {
    lens: Vec<usize>,
    units: Vec<u32>,
    scores: Vec<i64>,
    checked: u64,
}

/// Builds the graph of eligible pairs with scores.
pub fn build(p: &Prepared) -> PairGraph {
    let index = Index::new(p);
    let households = p.households.len();
    let chunks: Vec<Chunk> = (0..households.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut chunk = Chunk {
                lens: Vec::new(),
                units: Vec::new(),
                scores: Vec::new(),
                checked: 0,
            };
            let (mut munis, mut found, mut row) = (Vec::new(), Vec::new(), Vec::new());
            for hi in c * CHUNK..((c + 1) * CHUNK).min(households) {
                candidates(p, &index, hi, &mut munis, &mut found);
                chunk.checked += found.len() as u64;
                row.clear();
                row.extend(
                    found
                        .iter()
                        .copied()
                        .filter(|u| is_eligible(p, hi, *u as usize)),
                );
                row.sort_unstable();
                chunk.lens.push(row.len());
                for u in &row {
                    chunk.units.push(*u);
                    chunk.scores.push(score_micro(p, hi, *u as usize));
                }
            }
            chunk
        })
        .collect();

    let total: usize = chunks.iter().map(|c| c.units.len()).sum();
    let mut graph = SparseGraph {
        n_rows: households,
        n_cols: p.units.len(),
        row_start: Vec::with_capacity(households + 1),
        cols: Vec::with_capacity(total),
        weights: Vec::with_capacity(total),
    };
    let mut pairs_checked = 0;
    graph.row_start.push(0);
    // Chunks are appended and freed one by one, so the pairs are not held twice.
    for chunk in chunks {
        pairs_checked += chunk.checked;
        for len in chunk.lens {
            graph
                .row_start
                .push(graph.row_start[graph.row_start.len() - 1] + len);
        }
        graph.cols.extend_from_slice(&chunk.units);
        graph.weights.extend_from_slice(&chunk.scores);
    }
    PairGraph {
        graph,
        pairs_checked,
    }
}
