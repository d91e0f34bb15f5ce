//! Tests of the assignment: optimal against brute force, ties, rectangles and large sparse graphs.

use super::*;
use proptest::prelude::*;

/// Tiny deterministic PRNG for the non-proptest tests.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// Dense weight matrix view: `None` = no arc.
fn dense(g: &SparseGraph) -> Vec<Vec<Option<i64>>> {
    let mut d = vec![vec![None; g.n_cols]; g.n_rows];
    for (r, row) in d.iter_mut().enumerate() {
        for k in g.row_start[r]..g.row_start[r + 1] {
            row[g.cols[k] as usize] = Some(g.weights[k]);
        }
    }
    d
}

fn graph_from_dense(n_rows: usize, n_cols: usize, cells: &[Option<i64>]) -> SparseGraph {
    let mut arcs: Vec<(u32, u32, i64)> = cells
        .iter()
        .enumerate()
        .filter_map(|(k, w)| w.map(|w| ((k / n_cols) as u32, (k % n_cols) as u32, w)))
        .collect();
    SparseGraph::from_arcs(n_rows, n_cols, &mut arcs).expect("valid arcs")
}

/// Enumerates every matching (each row: unmatched or any unused column).
fn brute_force(g: &SparseGraph) -> i64 {
    fn rec(d: &[Vec<Option<i64>>], r: usize, used: u32) -> i64 {
        if r == d.len() {
            return 0;
        }
        let mut best = rec(d, r + 1, used);
        for (c, w) in d[r].iter().enumerate() {
            if let Some(w) = w
                && used & (1 << c) == 0
            {
                best = best.max(w + rec(d, r + 1, used | (1 << c)));
            }
        }
        best
    }
    rec(&dense(g), 0, 0)
}

/// Textbook O(n^3) Hungarian method (potentials + shortest augmenting
/// path on a dense square matrix), minimising cost. Returns, for each
/// row, its column.
fn hungarian_min(cost: &[Vec<i64>]) -> Vec<usize> {
    let n = cost.len();
    let inf = i64::MAX / 4;
    // 1-based arrays; index 0 is the virtual start column.
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; n + 1];
    let mut p = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![inf; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut row_col = vec![0usize; n];
    for j in 1..=n {
        if p[j] > 0 {
            row_col[p[j] - 1] = j - 1;
        }
    }
    row_col
}

/// Maximum-weight matching via the dense Hungarian method: pad to a square
/// matrix with weight 0 for missing arcs, maximise, then drop the pairs
/// that are not arcs (they contribute 0 anyway).
fn hungarian_max_weight(g: &SparseGraph) -> i64 {
    let n = g.n_rows.max(g.n_cols);
    if n == 0 {
        return 0;
    }
    let d = dense(g);
    let weight = |r: usize, c: usize| -> Option<i64> {
        if r < g.n_rows && c < g.n_cols {
            d[r][c]
        } else {
            None
        }
    };
    let cost: Vec<Vec<i64>> = (0..n)
        .map(|r| {
            (0..n)
                .map(|c| MAX_WEIGHT - weight(r, c).unwrap_or(0))
                .collect()
        })
        .collect();
    hungarian_min(&cost)
        .iter()
        .enumerate()
        .filter_map(|(r, &c)| weight(r, c))
        .sum()
}

/// Checks that `m` is a matching of `g` using only its arcs and that the
/// reported total is the sum of the matched arcs' weights.
fn check_matching(g: &SparseGraph, m: &Matching) {
    assert_eq!(m.row_to_col.len(), g.n_rows);
    assert_eq!(m.col_to_row.len(), g.n_cols);
    let mut total = 0;
    let mut matched_rows = 0;
    for (r, c) in m.row_to_col.iter().enumerate() {
        if let Some(c) = *c {
            matched_rows += 1;
            assert_eq!(
                m.col_to_row[c as usize],
                Some(r as u32),
                "inconsistent pair"
            );
            let row = &g.cols[g.row_start[r]..g.row_start[r + 1]];
            let k = row
                .binary_search(&c)
                .unwrap_or_else(|_| panic!("matched non-arc ({r}, {c})"));
            total += g.weights[g.row_start[r] + k];
        }
    }
    let matched_cols = m.col_to_row.iter().filter(|x| x.is_some()).count();
    assert_eq!(matched_rows, matched_cols, "a column is used twice");
    for (c, r) in m.col_to_row.iter().enumerate() {
        if let Some(r) = *r {
            assert_eq!(m.row_to_col[r as usize], Some(c as u32));
        }
    }
    assert_eq!(total, m.total_weight);
}

fn solve_checked(g: &SparseGraph) -> Matching {
    let m = max_weight_matching(g);
    check_matching(g, &m);
    m
}

fn random_graph(
    rng: &mut SplitMix64,
    n_rows: usize,
    n_cols: usize,
    density_pct: u64,
    weight_levels: u64,
) -> SparseGraph {
    let cells: Vec<Option<i64>> = (0..n_rows * n_cols)
        .map(|_| {
            (rng.below(100) < density_pct).then(|| {
                let level = rng.below(weight_levels) as i64;
                level * (1000 / weight_levels as i64)
            })
        })
        .collect();
    graph_from_dense(n_rows, n_cols, &cells)
}

fn small_graph() -> impl Strategy<Value = SparseGraph> {
    (0usize..=7, 0usize..=7, 0.0f64..=1.0).prop_flat_map(|(r, c, density)| {
        let weight = prop_oneof![0i64..1000, (0i64..3).prop_map(|x| x * 500)];
        proptest::collection::vec(proptest::option::weighted(density, weight), r * c)
            .prop_map(move |cells| graph_from_dense(r, c, &cells))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn matches_brute_force(g in small_graph()) {
        let best = brute_force(&g);
        prop_assert_eq!(solve_checked(&g).total_weight, best);
        // Each phase on its own must be exact too.
        for budget in [0, usize::MAX] {
            let m = solve(&g, budget);
            check_matching(&g, &m);
            prop_assert_eq!(m.total_weight, best);
        }
    }

    #[test]
    fn deterministic(g in small_graph()) {
        prop_assert_eq!(max_weight_matching(&g), max_weight_matching(&g));
    }

    #[test]
    fn zero_arc_never_changes_total(g in small_graph(), pick in any::<u64>()) {
        let d = dense(&g);
        let free: Vec<(usize, usize)> = (0..g.n_rows)
            .flat_map(|r| (0..g.n_cols).map(move |c| (r, c)))
            .filter(|&(r, c)| d[r][c].is_none())
            .collect();
        if free.is_empty() {
            return Ok(()); // complete (or empty) graph: nothing to add
        }
        let (r0, c0) = free[(pick % free.len() as u64) as usize];
        let mut cells: Vec<Option<i64>> = d.concat();
        cells[r0 * g.n_cols + c0] = Some(0);
        let g2 = graph_from_dense(g.n_rows, g.n_cols, &cells);
        let before = max_weight_matching(&g).total_weight;
        prop_assert_eq!(solve_checked(&g2).total_weight, before);
    }

    #[test]
    fn removing_arc_never_increases_total(g in small_graph(), pick in any::<u64>()) {
        if g.n_arcs() == 0 {
            return Ok(());
        }
        let k = (pick % g.n_arcs() as u64) as usize;
        let r = g.row_start.partition_point(|&s| s <= k) - 1;
        let c = g.cols[k] as usize;
        let mut cells: Vec<Option<i64>> = dense(&g).concat();
        cells[r * g.n_cols + c] = None;
        let g2 = graph_from_dense(g.n_rows, g.n_cols, &cells);
        let before = max_weight_matching(&g).total_weight;
        prop_assert!(solve_checked(&g2).total_weight <= before);
    }
}

#[test]
fn hungarian_agrees_with_brute_force() {
    let mut rng = SplitMix64(7);
    for case in 0..300 {
        let g = random_graph(&mut rng, 1 + case % 7, 1 + (case / 7) % 7, 60, 10);
        assert_eq!(hungarian_max_weight(&g), brute_force(&g), "case {case}");
    }
}

#[test]
fn agrees_with_dense_hungarian_on_medium_graphs() {
    let mut rng = SplitMix64(42);
    for &(n_rows, n_cols) in &[(60, 150), (150, 60), (100, 100), (1, 150), (150, 1)] {
        for &density in &[5, 10, 25, 50, 100] {
            for &levels in &[1000, 7, 1] {
                let g = random_graph(&mut rng, n_rows, n_cols, density, levels);
                let expected = hungarian_max_weight(&g);
                let what = format!("{n_rows}x{n_cols}, density {density}%, {levels} levels");
                assert_eq!(solve_checked(&g).total_weight, expected, "{what}");
                for budget in [0, usize::MAX] {
                    let m = solve(&g, budget);
                    check_matching(&g, &m);
                    assert_eq!(m.total_weight, expected, "{what}, budget {budget}");
                }
            }
        }
    }
}

/// Weights dominated by a per-column score that every row sees alike:
/// all rows compete for the same columns, the hard case for both phases.
fn correlated_graph(
    rng: &mut SplitMix64,
    n_rows: usize,
    n_cols: usize,
    density_pct: u64,
) -> SparseGraph {
    let score: Vec<i64> = (0..n_cols).map(|_| rng.below(900_000) as i64).collect();
    let cells: Vec<Option<i64>> = (0..n_rows * n_cols)
        .map(|k| {
            (rng.below(100) < density_pct).then(|| score[k % n_cols] + rng.below(100_000) as i64)
        })
        .collect();
    graph_from_dense(n_rows, n_cols, &cells)
}

#[test]
fn agrees_with_dense_hungarian_on_competitive_graphs() {
    let mut rng = SplitMix64(5);
    for &(n_rows, n_cols) in &[(300, 120), (120, 300), (250, 250)] {
        for &density in &[3, 30, 100] {
            // Columns of the internal (smaller) side compete when the score
            // sits on the larger side; build both orientations.
            let g = correlated_graph(&mut rng, n_rows, n_cols, density);
            let expected = hungarian_max_weight(&g);
            assert_eq!(
                solve_checked(&g).total_weight,
                expected,
                "{n_rows}x{n_cols} {density}%"
            );
            assert_eq!(
                solve(&g, 0).total_weight,
                expected,
                "{n_rows}x{n_cols} {density}% SSP only"
            );
        }
    }
}

#[test]
fn phases_agree_on_larger_graphs() {
    // Too big for the O(n^3) reference, but pure shortest paths, a full
    // auction phase and the default mix must find the same optimum.
    let mut rng = SplitMix64(17);
    for &(n_rows, n_cols, density) in &[(1500, 400, 10), (400, 1500, 10), (800, 800, 40)] {
        let g = correlated_graph(&mut rng, n_rows, n_cols, density);
        let best = solve_checked(&g).total_weight;
        for budget in [0, usize::MAX] {
            let m = solve(&g, budget);
            check_matching(&g, &m);
            assert_eq!(m.total_weight, best, "{n_rows}x{n_cols}, budget {budget}");
        }
    }
}

#[test]
fn deterministic_on_larger_graphs() {
    let mut rng = SplitMix64(11);
    for _ in 0..3 {
        let g = correlated_graph(&mut rng, 400, 150, 20);
        assert_eq!(max_weight_matching(&g), max_weight_matching(&g));
        let g = random_graph(&mut rng, 150, 400, 20, 5);
        assert_eq!(max_weight_matching(&g), max_weight_matching(&g));
    }
}

#[test]
fn high_weight_competition_agrees_with_hungarian() {
    // Many rows fighting over few columns with nearly equal, large
    // weights: long price wars for the auction phase.
    let mut rng = SplitMix64(3);
    for &(n_rows, n_cols) in &[(200, 12), (12, 200), (120, 120)] {
        let cells: Vec<Option<i64>> = (0..n_rows * n_cols)
            .map(|_| Some(MAX_WEIGHT - rng.below(3) as i64))
            .collect();
        let g = graph_from_dense(n_rows, n_cols, &cells);
        assert_eq!(solve_checked(&g).total_weight, hungarian_max_weight(&g));
    }
}

#[test]
fn transposed_graph_has_same_total() {
    let mut rng = SplitMix64(99);
    for _ in 0..20 {
        let g = random_graph(&mut rng, 40, 90, 15, 50);
        let d = dense(&g);
        let mut cells = Vec::new();
        for c in 0..g.n_cols {
            for row in &d {
                cells.push(row[c]);
            }
        }
        let t = graph_from_dense(g.n_cols, g.n_rows, &cells);
        assert_eq!(
            solve_checked(&g).total_weight,
            solve_checked(&t).total_weight
        );
    }
}

#[test]
fn edge_cases() {
    let empty = |r, c| SparseGraph::from_arcs(r, c, &mut []).expect("valid");
    for (r, c) in [(0, 0), (0, 5), (5, 0), (3, 4), (4, 3)] {
        let m = solve_checked(&empty(r, c));
        assert_eq!(m.total_weight, 0);
        assert!(m.row_to_col.iter().all(Option::is_none));
        assert!(m.col_to_row.iter().all(Option::is_none));
    }

    let single = SparseGraph::from_arcs(3, 2, &mut [(2, 1, 17)]).expect("valid");
    let m = solve_checked(&single);
    assert_eq!(m.total_weight, 17);
    assert_eq!(m.row_to_col, vec![None, None, Some(1)]);

    let zero = SparseGraph::from_arcs(1, 1, &mut [(0, 0, 0)]).expect("valid");
    assert_eq!(solve_checked(&zero).total_weight, 0);

    let top = SparseGraph::from_arcs(1, 1, &mut [(0, 0, MAX_WEIGHT)]).expect("valid");
    assert_eq!(solve_checked(&top).total_weight, MAX_WEIGHT);

    // All weights equal: the answer is the maximum cardinality times w.
    for (r, c) in [(5, 9), (9, 5), (6, 6)] {
        let cells = vec![Some(250); r * c];
        let g = graph_from_dense(r, c, &cells);
        assert_eq!(solve_checked(&g).total_weight, 250 * r.min(c) as i64);
    }

    // Rows > cols and cols > rows with a forced structure.
    // Row 2 must give up its best arc so that row 1 can be matched.
    let mut arcs = vec![(0, 0, 5), (1, 0, 6), (2, 0, 7), (2, 1, 3)];
    let g = SparseGraph::from_arcs(3, 2, &mut arcs).expect("valid");
    let m = solve_checked(&g);
    assert_eq!(m.total_weight, 6 + 3);
    assert_eq!(m.row_to_col, vec![None, Some(0), Some(1)]);
    let mut arcs = vec![(0, 0, 5), (0, 1, 6), (0, 2, 7), (1, 2, 3)];
    let g = SparseGraph::from_arcs(2, 3, &mut arcs).expect("valid");
    assert_eq!(solve_checked(&g).total_weight, 6 + 3);
}

#[test]
fn validation_rejects_bad_input() {
    assert!(SparseGraph::from_arcs(2, 2, &mut [(0, 1, 1), (0, 1, 2)]).is_err());
    assert!(SparseGraph::from_arcs(2, 2, &mut [(2, 0, 1)]).is_err());
    assert!(SparseGraph::from_arcs(2, 2, &mut [(0, 2, 1)]).is_err());
    assert!(SparseGraph::from_arcs(2, 2, &mut [(0, 0, -1)]).is_err());
    assert!(SparseGraph::from_arcs(2, 2, &mut [(0, 0, MAX_WEIGHT + 1)]).is_err());

    let good = SparseGraph::from_arcs(2, 3, &mut [(0, 2, 1), (0, 0, 4), (1, 1, 2)]).expect("valid");
    assert_eq!(good.validate(), Ok(()));
    assert_eq!(good.row_start, vec![0, 2, 3]);
    assert_eq!(good.cols, vec![0, 2, 1]);

    let mut unsorted = good.clone();
    unsorted.cols.swap(0, 1);
    unsorted.weights.swap(0, 1);
    assert!(unsorted.validate().is_err());
    let mut bad_len = good.clone();
    bad_len.weights.pop();
    assert!(bad_len.validate().is_err());
    let mut bad_start = good.clone();
    bad_start.row_start[2] = 2;
    assert!(bad_start.validate().is_err());
    let mut bad_col = good.clone();
    bad_col.cols[2] = 3;
    assert!(bad_col.validate().is_err());
    let mut bad_rows = good;
    bad_rows.row_start = vec![0, 3];
    assert!(bad_rows.validate().is_err());
}

#[test]
#[should_panic(expected = "invalid graph")]
fn solver_panics_on_invalid_graph() {
    let g = SparseGraph {
        n_rows: 1,
        n_cols: 1,
        row_start: vec![0, 1],
        cols: vec![5],
        weights: vec![1],
    };
    max_weight_matching(&g);
}
