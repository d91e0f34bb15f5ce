//! The solver's state and its two phases (see the module above for the method and why it is
//! exact): the auction of augmenting row reduction, then shortest augmenting paths.

use super::*;

/// Cheapest free column found so far by the current search.
#[derive(Clone, Copy)]
pub(super) struct Sink {
    dist: i64,
    /// Arc index reaching the sink (a real column), or the row whose dummy
    /// is the sink.
    arc_or_row: usize,
    /// Whether the sink is the dummy of row `arc_or_row`.
    dummy: bool,
}

/// Best and second-best profit seen by a row scan of the auction phase.
pub(super) struct Top2 {
    b1: i64,
    j1: u32,
    w1: i64,
    b2: i64,
    j2: u32,
}

/// Solver state: the graph, prices, the matching, and reusable Dijkstra
/// scratch space.
pub(super) struct Solver {
    pub(super) g: Internal,
    /// Whether row `r`'s tail has been sorted too (done on first need).
    pub(super) sorted: Vec<bool>,
    pub(super) price: Vec<i64>,
    pub(super) owner: Vec<u32>,
    pub(super) mate: Vec<u32>,
    pub(super) mate_w: Vec<i64>,
    pub(super) dist: Vec<i64>,
    pub(super) pred_arc: Vec<usize>,
    pub(super) touched: Vec<u32>,
    pub(super) settled: Vec<u32>,
    pub(super) heap: BinaryHeap<Reverse<u64>>,
}

impl Solver {
    pub(super) fn new(g: Internal) -> Self {
        let (n, m) = (g.n, g.m);
        Solver {
            g,
            sorted: vec![false; n],
            price: vec![0; m],
            owner: vec![NONE; m],
            mate: vec![NONE; n],
            mate_w: vec![0; n],
            dist: vec![UNREACHED; m],
            pred_arc: vec![0; m],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    pub(super) fn assign(&mut self, r: u32, j: u32, w: i64) {
        self.mate[r as usize] = j;
        self.mate_w[r as usize] = w;
        if j != DUMMY {
            self.owner[j as usize] = r;
        }
    }

    /// Arc index range of row `r`, split where its unsorted tail begins.
    /// A scan that gets that far sorts the tail first (once per row), so
    /// every scan may stop at the first arc that is too light.
    pub(super) fn row_ranges(&self, r: usize) -> (usize, usize, usize) {
        let (lo, hi) = (self.g.start[r], self.g.start[r + 1]);
        (lo, (lo + HEAD).min(hi), hi)
    }

    pub(super) fn sort_tail(&mut self, r: usize, mid: usize, hi: usize) {
        if !self.sorted[r] {
            self.g.arcs[mid..hi].sort_unstable();
            self.sorted[r] = true;
        }
    }

    /// Auction-phase scan of arcs `from..to` (sorted); returns whether it
    /// stopped early, i.e. no later arc of the row can matter.
    pub(super) fn offer_arcs(&self, from: usize, to: usize, top: &mut Top2) -> bool {
        for &arc in &self.g.arcs[from..to] {
            let w = unpack_w(arc);
            // A profit is w - price <= w; only profits above the second best
            // and above the dummy's 0 matter, and later arcs are lighter.
            if w <= top.b2.max(0) {
                return true;
            }
            let j = unpack_col(arc);
            let b = w - self.price[j as usize];
            if b > top.b1 {
                (top.b2, top.j2) = (top.b1, top.j1);
                (top.b1, top.j1, top.w1) = (b, j, w);
            } else if b > top.b2 {
                (top.b2, top.j2) = (b, j);
            }
        }
        false
    }

    /// Augmenting row reduction (auction with epsilon = 0), stopping once
    /// about `budget` arcs have been scanned. Returns the rows that are still
    /// free, in the (deterministic) order they were deferred.
    pub(super) fn row_reduction(&mut self, budget: usize) -> Vec<u32> {
        let mut queue: VecDeque<u32> = (0..self.g.n as u32).collect();
        let mut deferred = Vec::new();
        let mut spent = 0usize;
        while let Some(i) = queue.pop_front() {
            if spent > budget {
                deferred.push(i);
                deferred.extend(queue.drain(..));
                break;
            }
            let r = i as usize;
            let (lo, mid, hi) = self.row_ranges(r);
            let mut top = Top2 {
                b1: i64::MIN,
                j1: NONE,
                w1: 0,
                b2: i64::MIN,
                j2: NONE,
            };
            spent += 1 + mid - lo;
            if !self.offer_arcs(lo, mid, &mut top) && mid < hi {
                self.sort_tail(r, mid, hi);
                spent += hi - mid;
                self.offer_arcs(mid, hi, &mut top);
            }
            if top.b1 <= 0 {
                // The dummy (profit 0) is at least as good: leave the row
                // unmatched for good.
                self.assign(i, DUMMY, 0);
                continue;
            }
            // The dummy is always available as a second choice of profit 0.
            let second = top.b2.max(0);
            if top.b1 > second {
                let j = top.j1 as usize;
                self.price[j] += top.b1 - second;
                let prev = self.owner[j];
                if prev != NONE {
                    self.mate[prev as usize] = NONE;
                    queue.push_back(prev);
                }
                self.assign(i, top.j1, top.w1);
            } else if self.owner[top.j1 as usize] == NONE {
                self.assign(i, top.j1, top.w1);
            } else if top.b2 == top.b1 && self.owner[top.j2 as usize] == NONE {
                let w2 = top.b2 + self.price[top.j2 as usize];
                self.assign(i, top.j2, w2);
            } else {
                // A zero price rise would allow endless swapping; let the
                // exact search handle this row.
                deferred.push(i);
            }
        }
        deferred
    }

    /// Relaxes arcs `from..to` (sorted) of a row reached at distance `dr`,
    /// with `base` = `dr` plus its profit; returns whether it stopped early.
    pub(super) fn relax_arcs(
        &mut self,
        from: usize,
        to: usize,
        dr: i64,
        base: i64,
        sink: &mut Sink,
    ) -> bool {
        for k in from..to {
            let arc = self.g.arcs[k];
            let reach = base - unpack_w(arc);
            // Prices are >= 0, so this arc and every later (lighter) one
            // ends at or beyond the current sink.
            if reach >= sink.dist {
                return true;
            }
            let j = unpack_col(arc) as usize;
            let nd = reach + self.price[j];
            debug_assert!(nd >= dr, "negative reduced cost on arc {k}");
            if nd >= sink.dist {
                continue;
            }
            if self.owner[j] == NONE {
                *sink = Sink {
                    dist: nd,
                    arc_or_row: k,
                    dummy: false,
                };
                continue;
            }
            if nd < self.dist[j] {
                if self.dist[j] == UNREACHED {
                    self.touched.push(j as u32);
                }
                self.dist[j] = nd;
                self.pred_arc[j] = k;
                // 0 <= nd < sink.dist <= wmax <= 10^9, so it fits in 32 bits;
                // ties pop in column order, which keeps runs deterministic.
                self.heap.push(Reverse(((nd as u64) << 32) | j as u64));
            }
        }
        false
    }

    /// Scans row `r`, reached at distance `dr` with profit `pi`.
    pub(super) fn scan_row(&mut self, r: usize, dr: i64, pi: i64, sink: &mut Sink) {
        let base = dr + pi;
        // The row's own dummy: reduced cost pi - 0 - 0.
        if base < sink.dist {
            *sink = Sink {
                dist: base,
                arc_or_row: r,
                dummy: true,
            };
        }
        let (lo, mid, hi) = self.row_ranges(r);
        if !self.relax_arcs(lo, mid, dr, base, sink) && mid < hi {
            self.sort_tail(r, mid, hi);
            self.relax_arcs(mid, hi, dr, base, sink);
        }
    }

    /// Finds a shortest augmenting path from the free row `root` and flips it.
    pub(super) fn augment(&mut self, root: u32) {
        // Any profit bound >= max(0, max_j w - p_j) works for the root; wmax
        // is one because prices are non-negative.
        let mut sink = Sink {
            dist: i64::MAX,
            arc_or_row: root as usize,
            dummy: true,
        };
        self.scan_row(root as usize, 0, self.g.wmax, &mut sink);
        while let Some(&Reverse(key)) = self.heap.peek() {
            let d = (key >> 32) as i64;
            if d >= sink.dist {
                break;
            }
            self.heap.pop();
            let j = (key & 0xffff_ffff) as usize;
            if d != self.dist[j] {
                continue; // stale entry
            }
            self.settled.push(j as u32);
            let r = self.owner[j] as usize;
            let pi = self.mate_w[r] - self.price[j];
            self.scan_row(r, d, pi, &mut sink);
        }
        self.heap.clear();

        // Dual update: keeps every reduced cost >= 0 and makes the path tight.
        let l = sink.dist;
        for &j in &self.settled {
            let j = j as usize;
            self.price[j] += l - self.dist[j];
        }
        self.settled.clear();
        for &j in &self.touched {
            self.dist[j as usize] = UNREACHED;
        }
        self.touched.clear();

        // Flip the path, walking back from the sink to the root.
        let (mut r, mut j, mut w) = if sink.dummy {
            (sink.arc_or_row, DUMMY, 0)
        } else {
            let k = sink.arc_or_row;
            let arc = self.g.arcs[k];
            (self.g.row_of_arc(k), unpack_col(arc), unpack_w(arc))
        };
        loop {
            let prev = self.mate[r];
            self.assign(r as u32, j, w);
            if r == root as usize {
                break;
            }
            // `r` was reached through `prev`, the column it owned so far;
            // `prev` now goes to the row whose arc reached it.
            let k = self.pred_arc[prev as usize];
            let arc = self.g.arcs[k];
            (r, j, w) = (self.g.row_of_arc(k), prev, unpack_w(arc));
        }
    }
}
