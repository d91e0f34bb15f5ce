//! Exact maximum-weight bipartite matching on large sparse graphs.
//!
//! # Problem
//!
//! Given a bipartite graph between `n_rows` rows and `n_cols` columns with
//! integer arc weights `0 <= w <= 10^9`, find a matching (every row and every
//! column used at most once, not necessarily perfect) of maximal total
//! weight. Only arcs present in the graph are ever matched.
//!
//! # Reduction
//!
//! Internally the smaller side is called "rows" and the larger "columns"
//! (the graph is transposed if needed), so `n <= m`, and the search always
//! starts from the side that has to be fully decided. Every row `r` gets a
//! private *dummy* column `d(r)` of weight 0 that only `r` can use; matching
//! `r` to `d(r)` means "leave `r` unmatched". A maximum-weight matching of
//! the original graph is then the same thing as a maximum-weight
//! *row-perfect* matching of the extended graph (equivalently a minimum-cost
//! one with cost `M - w` on real arcs and `M` on dummies). The dummies are
//! never stored: the solver just knows that each row owns one free column of
//! weight 0.
//!
//! # Algorithm
//!
//! A sparse successive-shortest-augmenting-path method (Hungarian /
//! Jonker–Volgenant family) that works on the linear-programming dual
//!
//! ```text
//! minimise  sum_r pi_r + sum_j p_j
//! s.t.      pi_r + p_j >= w_rj   for every arc,
//!           pi_r >= 0, p_j >= 0  (pi_r >= 0 is the dummy arc's constraint)
//! ```
//!
//! with a column *price* `p_j` and a row *profit* `pi_r`. Only prices are
//! stored; the profit of a matched row is implied by its arc,
//! `pi_r = w_{r,mate(r)} - p_{mate(r)}`. Three invariants hold at all times:
//!
//! 1. dual feasibility: `pi_r + p_j >= w_rj` on every arc of every matched row;
//! 2. complementary slackness: `pi_r + p_j = w_rj` on matched arcs (by the
//!    definition of `pi_r` above);
//! 3. prices are `>= 0`, and every *unmatched* column has price exactly 0.
//!
//! Invariant 3 is what makes the method exact on rectangular problems; it is
//! why the usual JV column-reduction start (which gives free columns
//! non-zero prices) is not used.
//!
//! Phase 1, **augmenting row reduction** (an auction with `epsilon = 0`, as
//! in Jonker–Volgenant): a free row finds its best and second-best profit
//! `b1 >= b2` (the dummy offers profit 0), takes the best column and raises
//! its price by `b1 - b2`, evicting the previous owner, who is queued again.
//! The bidder's profit stays maximal (1, 2), and prices only rise on columns
//! that become matched and stay matched (3). Rows facing an exact tie between
//! two taken columns would bid nothing and could swap forever; they, and
//! everything left once a work budget proportional to the number of arcs is
//! spent, are deferred to phase 2. The budget rules out long price wars.
//!
//! Phase 2, **shortest augmenting paths**: for each deferred row, Dijkstra's
//! algorithm over the reduced costs `pi_r + p_j - w_rj >= 0` of alternating
//! paths (row -> column by an arc, column -> its owner at cost 0) finds the
//! cheapest path to *any* free column, real or dummy. Free columns never
//! enter the heap: the cheapest one seen is kept as the current sink, the
//! search stops as soon as the heap minimum is not below it (early exit),
//! and arcs that cannot beat it are not pushed. Every row reached offers its
//! own free dummy, so a search is bounded by the cost of simply leaving a
//! row unmatched. Afterwards the price of each settled column rises by
//! `L - d_j` (`L` the sink's distance, `d_j` the column's), which keeps 1 and
//! makes the path tight; the path is flipped, and only the touched entries
//! of the scratch arrays are reset. A row that ends on its own dummy can
//! never be reached again (only it can reach its dummy), so "unmatched" is
//! final.
//!
//! Both phases scan a row looking for arcs that beat a bound, and since
//! prices are never negative, an arc lighter than the bound can be skipped
//! without reading its price. The internal copy therefore keeps each row's
//! 64 heaviest arcs sorted by weight at the front (cheap to build with a
//! selection), and sorts the rest of a row only the first time a scan gets
//! that far, so every scan stops at the first arc that is too light.
//!
//! # Why the result is exact
//!
//! At the end every row is matched (to a real column or to its dummy), and
//! the prices and implied profits satisfy 1–3: a feasible dual solution in
//! complementary slackness with the matching (a dummy match forces
//! `pi_r = 0`, unmatched columns have price 0). By linear-programming duality
//! the matching is optimal, whatever the phase-1 budget. All arithmetic is on
//! `i64` integers without rounding; distances and prices stay below
//! `2 * 10^9`.
//!
//! # Complexity, memory and determinism
//!
//! With `n <= m` the side sizes and `E` the number of arcs: building the
//! internal copy is `O(E)` plus the sorting, phase 1 is bounded by its budget
//! (`16 E + 16 n` arc scans), and phase 2 is `O(E log m)` per deferred row in
//! the worst case, so `O(n E log m)` overall. In practice phase 1 matches
//! almost every row and each search only explores the region where rows
//! actually compete, so the total is a small multiple of `E`. Memory is
//! 8 bytes per arc for the internal copy (32-bit column and weight, packed)
//! plus `O(n + m)` words, on top of the caller's graph.
//! Everything is sequential and every tie is broken by index, so the same
//! input always yields the same matching.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

mod solver;
use solver::*;

/// Largest arc weight accepted by [`SparseGraph::validate`].
pub const MAX_WEIGHT: i64 = 1_000_000_000;

/// Largest number of rows or columns; two `u32` values are reserved as
/// sentinels internally.
pub const MAX_SIDE: usize = (u32::MAX - 2) as usize;

/// Sentinel: row or column not matched (yet).
const NONE: u32 = u32::MAX;
/// Sentinel: row matched to its private dummy column (i.e. left unmatched).
const DUMMY: u32 = u32::MAX - 1;
/// Distance of a column not reached by the current search.
const UNREACHED: i64 = i64::MAX;

/// Sparse bipartite graph in CSR form: row `r`'s arcs are
/// `cols[row_start[r]..row_start[r + 1]]` with `weights[..]` aligned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparseGraph {
    /// Number of rows.
    pub n_rows: usize,
    /// Number of columns.
    pub n_cols: usize,
    /// Offsets into `cols` / `weights`; length `n_rows + 1`, starts at 0,
    /// non-decreasing, ends at the number of arcs.
    pub row_start: Vec<usize>,
    /// Column index of each arc; within a row, columns are strictly
    /// increasing (no duplicates).
    pub cols: Vec<u32>,
    /// Weight of each arc, `0 <= w <= MAX_WEIGHT`.
    pub weights: Vec<i64>,
}

/// Result of [`max_weight_matching`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matching {
    /// Column matched to each row, if any; length `n_rows`.
    pub row_to_col: Vec<Option<u32>>,
    /// Row matched to each column, if any; length `n_cols`.
    pub col_to_row: Vec<Option<u32>>,
    /// Sum of the weights of the matched arcs.
    pub total_weight: i64,
}

impl SparseGraph {
    /// Number of arcs.
    pub fn n_arcs(&self) -> usize {
        self.cols.len()
    }

    /// Checks every structural promise the solver relies on: array lengths,
    /// offsets, column bounds, strictly increasing columns within each row,
    /// weights in `0..=MAX_WEIGHT` and side sizes up to [`MAX_SIDE`].
    pub fn validate(&self) -> Result<(), String> {
        if self.n_rows > MAX_SIDE || self.n_cols > MAX_SIDE {
            return Err(format!(
                "too many rows or columns ({} x {}), at most {MAX_SIDE} each",
                self.n_rows, self.n_cols
            ));
        }
        if self.row_start.len() != self.n_rows + 1 {
            return Err(format!(
                "row_start has length {}, expected n_rows + 1 = {}",
                self.row_start.len(),
                self.n_rows + 1
            ));
        }
        if self.cols.len() != self.weights.len() {
            return Err(format!(
                "cols has length {} but weights has length {}",
                self.cols.len(),
                self.weights.len()
            ));
        }
        if self.row_start[0] != 0 {
            return Err(format!("row_start[0] is {}, expected 0", self.row_start[0]));
        }
        if self.row_start[self.n_rows] != self.cols.len() {
            return Err(format!(
                "row_start[n_rows] is {}, expected the number of arcs {}",
                self.row_start[self.n_rows],
                self.cols.len()
            ));
        }
        for r in 0..self.n_rows {
            let (lo, hi) = (self.row_start[r], self.row_start[r + 1]);
            if lo > hi {
                return Err(format!("row_start decreases at row {r}"));
            }
            let mut prev: Option<u32> = None;
            for k in lo..hi {
                let c = self.cols[k];
                if c as usize >= self.n_cols {
                    return Err(format!(
                        "arc {k} (row {r}) has column {c}, but n_cols is {}",
                        self.n_cols
                    ));
                }
                if prev.is_some_and(|p| p >= c) {
                    return Err(format!(
                        "row {r}: columns not strictly increasing at arc {k} (column {c})"
                    ));
                }
                prev = Some(c);
                let w = self.weights[k];
                if !(0..=MAX_WEIGHT).contains(&w) {
                    return Err(format!(
                        "arc {k} (row {r}, column {c}) has weight {w}, outside 0..={MAX_WEIGHT}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Builds a graph from `(row, col, weight)` triples, in any order. The
    /// slice is sorted in place. Duplicate `(row, col)` pairs, out-of-range
    /// indices and out-of-range weights are rejected.
    pub fn from_arcs(
        n_rows: usize,
        n_cols: usize,
        arcs: &mut [(u32, u32, i64)],
    ) -> Result<SparseGraph, String> {
        if n_rows > MAX_SIDE || n_cols > MAX_SIDE {
            return Err(format!(
                "too many rows or columns ({n_rows} x {n_cols}), at most {MAX_SIDE} each"
            ));
        }
        arcs.sort_unstable();
        let mut row_start = vec![0usize; n_rows + 1];
        let mut cols = Vec::with_capacity(arcs.len());
        let mut weights = Vec::with_capacity(arcs.len());
        for (k, &(r, c, w)) in arcs.iter().enumerate() {
            if r as usize >= n_rows || c as usize >= n_cols {
                return Err(format!(
                    "arc ({r}, {c}) out of range for a {n_rows} x {n_cols} graph"
                ));
            }
            if !(0..=MAX_WEIGHT).contains(&w) {
                return Err(format!(
                    "arc ({r}, {c}) has weight {w}, outside 0..={MAX_WEIGHT}"
                ));
            }
            if k > 0 && arcs[k - 1].0 == r && arcs[k - 1].1 == c {
                return Err(format!("duplicate arc ({r}, {c})"));
            }
            row_start[r as usize + 1] += 1;
            cols.push(c);
            weights.push(w);
        }
        for r in 0..n_rows {
            row_start[r + 1] += row_start[r];
        }
        Ok(SparseGraph {
            n_rows,
            n_cols,
            row_start,
            cols,
            weights,
        })
    }
}

/// Packs an arc so that sorting packed values orders a row by weight
/// descending, then column ascending: `(u32::MAX - w) << 32 | col`.
fn pack(col: u32, w: i64) -> u64 {
    // Validated weights are at most 10^9, so they fit in u32.
    (u64::from(u32::MAX - w as u32) << 32) | u64::from(col)
}

fn unpack_w(arc: u64) -> i64 {
    i64::from(u32::MAX - (arc >> 32) as u32)
}

fn unpack_col(arc: u64) -> u32 {
    arc as u32
}

/// The graph as the solver sees it: the smaller side first, each row's
/// heaviest arcs sorted at the front (see [`order_row`]; the solver sorts the
/// rest of a row when a scan first needs it). Prices are never negative, so a
/// scan can stop at the first arc whose weight alone cannot beat its bound.
struct Internal {
    n: usize,
    m: usize,
    start: Vec<usize>,
    arcs: Vec<u64>,
    wmax: i64,
}

impl Internal {
    /// Copies `g` (transposed if `transpose`) into packed 8-byte arcs, each
    /// row ordered by [`order_row`].
    fn build(g: &SparseGraph, transpose: bool) -> Internal {
        let wmax = g.weights.iter().copied().max().unwrap_or(0);
        if transpose {
            let (start, arcs) = transpose_ordered(g);
            return Internal {
                n: g.n_cols,
                m: g.n_rows,
                start,
                arcs,
                wmax,
            };
        }
        let mut arcs = Vec::with_capacity(g.n_arcs());
        for r in 0..g.n_rows {
            let (lo, hi) = (g.row_start[r], g.row_start[r + 1]);
            arcs.extend(
                g.cols[lo..hi]
                    .iter()
                    .zip(&g.weights[lo..hi])
                    .map(|(&c, &w)| pack(c, w)),
            );
            // Ordering right away, while the row is still in cache.
            order_row(&mut arcs[lo..hi]);
        }
        Internal {
            n: g.n_rows,
            m: g.n_cols,
            start: g.row_start.clone(),
            arcs,
            wmax,
        }
    }

    /// Row owning arc index `k`.
    fn row_of_arc(&self, k: usize) -> usize {
        self.start.partition_point(|&s| s <= k) - 1
    }
}

/// Number of heaviest arcs kept sorted at the front of each row. Scans
/// rarely need more (their bound is reached early); the rest of the row only
/// has to be lighter than all of them, which is much cheaper than sorting.
const HEAD: usize = 64;

/// Orders a row of packed arcs: the `HEAD` heaviest first, sorted by weight
/// descending (then column), followed by the others, all no heavier than the
/// last head arc. Their order does not matter: the solver sorts them before
/// any scan reads them.
fn order_row(row: &mut [u64]) {
    if row.len() > HEAD {
        row.select_nth_unstable(HEAD - 1);
        row[..HEAD].sort_unstable();
    } else {
        row.sort_unstable();
    }
}

/// Column-major copy of `g` as packed arcs, each new row ordered by
/// [`order_row`]: a counting sort by column. (A two-pass scatter through
/// coarse column buckets, meant to be kinder to caches, measured no faster
/// here, so the plain one is kept.)
fn transpose_ordered(g: &SparseGraph) -> (Vec<usize>, Vec<u64>) {
    let n_cols = g.n_cols;
    let mut start = vec![0usize; n_cols + 1];
    for &c in &g.cols {
        start[c as usize + 1] += 1;
    }
    for c in 0..n_cols {
        start[c + 1] += start[c];
    }
    let mut arcs = vec![0u64; g.n_arcs()];
    let mut fill = start[..n_cols].to_vec();
    for r in 0..g.n_rows {
        for k in g.row_start[r]..g.row_start[r + 1] {
            let c = g.cols[k] as usize;
            arcs[fill[c]] = pack(r as u32, g.weights[k]);
            fill[c] += 1;
        }
    }
    for c in 0..n_cols {
        order_row(&mut arcs[start[c]..start[c + 1]]);
    }
    (start, arcs)
}

/// Maximum total weight matching; every row and column is matched at most
/// once; leaving a row or column unmatched is allowed (weight 0).
///
/// The result is exactly optimal and depends only on the input. See the
/// module documentation for the method.
///
/// # Panics
///
/// Panics with the message of [`SparseGraph::validate`] if the graph is not
/// well formed.
pub fn max_weight_matching(g: &SparseGraph) -> Matching {
    // Generous, since auction scans stop early, yet it bounds a slow price
    // war (tiny bid increments), which the exact search settles better.
    let budget = AUCTION_BUDGET_PER_ARC
        .saturating_mul(g.n_arcs())
        .saturating_add(AUCTION_BUDGET_PER_ROW.saturating_mul(g.n_rows.min(g.n_cols)));
    solve(g, budget)
}

/// Auction-phase work limit, in arcs scanned per arc of the graph...
const AUCTION_BUDGET_PER_ARC: usize = 16;
/// ...plus this many per row of the augmenting side.
const AUCTION_BUDGET_PER_ROW: usize = 16;

/// [`max_weight_matching`] with an explicit auction-phase budget (0 = pure
/// shortest augmenting paths); the result is optimal for any budget.
fn solve(g: &SparseGraph, auction_budget: usize) -> Matching {
    if let Err(e) = g.validate() {
        panic!("max_weight_matching: invalid graph: {e}");
    }
    let transpose = g.n_rows > g.n_cols;
    let mut solver = Solver::new(Internal::build(g, transpose));
    for root in solver.row_reduction(auction_budget) {
        solver.augment(root);
    }

    let mut row_to_col = vec![None; g.n_rows];
    let mut col_to_row = vec![None; g.n_cols];
    let mut total_weight = 0i64;
    for (r, (&j, &w)) in solver.mate.iter().zip(&solver.mate_w).enumerate() {
        debug_assert!(j != NONE, "row left free");
        if j == NONE || j == DUMMY {
            continue;
        }
        total_weight += w;
        let r = r as u32;
        let (orig_r, orig_c) = if transpose { (j, r) } else { (r, j) };
        row_to_col[orig_r as usize] = Some(orig_c);
        col_to_row[orig_c as usize] = Some(orig_r);
    }
    Matching {
        row_to_col,
        col_to_row,
        total_weight,
    }
}

#[cfg(test)]
mod tests;
