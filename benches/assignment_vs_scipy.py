#!/usr/bin/env python3
"""Solve a BLBG graph's maximum-weight bipartite matching with scipy.

Reads a graph written by `bleibe bench --scipy` (format BLBG v1, little-endian:
magic b"BLBG", u32 version = 1, u32 n_rows, u32 n_cols, u64 n_arcs, then
n_arcs u32 row indices, n_arcs u32 column indices, n_arcs i64 weights) and
solves the same maximum-weight (not necessarily perfect) matching problem as
Bleibe's `engine::assign::max_weight_matching` with

1. scipy.sparse.csgraph.min_weight_full_bipartite_matching on the sparse
   graph made full-matchable by a private dummy column per row: cost M - w for
   real arcs, M for the row's dummy, M = max weight + 1 (all costs > 0, so
   explicit zeros never arise);
2. scipy.optimize.linear_sum_assignment on the same problem as a dense matrix
   (only when rows * (cols + rows) <= 3e7), with the finite cost 2 * M for
   missing arcs and other rows' dummies. Such a pair is never optimal: the
   row could take its own dummy (cost M) instead, and if another row sits on
   that dummy at cost 2 * M the two can swap for a strictly lower cost. The
   script also checks that none was chosen.

For each it prints the solve time (median of --runs, excluding file reading
and matrix construction) and the total weight in the max-weight formulation
(sum of w over the real arcs chosen). Exits with status 1 if a total differs
from --expect, or if the two scipy totals differ from each other.
"""

import argparse
import statistics
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

DENSE_LIMIT = 3e7


def read_blbg(path):
    """Returns (n_rows, n_cols, rows, cols, weights) from a BLBG v1 file."""
    with open(path, "rb") as f:
        header = f.read(24)
        if len(header) != 24 or header[:4] != b"BLBG":
            raise ValueError(f"{path}: not a BLBG file")
        version, n_rows, n_cols = (int(x) for x in np.frombuffer(header, "<u4", 3, 4))
        if version != 1:
            raise ValueError(f"{path}: unsupported BLBG version {version}")
        n_arcs = int(np.frombuffer(header, "<u8", 1, 16)[0])
        rows = np.fromfile(f, "<u4", n_arcs)
        cols = np.fromfile(f, "<u4", n_arcs)
        weights = np.fromfile(f, "<i8", n_arcs)
        if len(weights) != n_arcs or f.read(1):
            raise ValueError(f"{path}: size does not match n_arcs = {n_arcs}")
    if n_arcs and (rows.max() >= n_rows or cols.max() >= n_cols):
        raise ValueError(f"{path}: arc index out of range")
    if n_arcs and (weights.min() < 0 or weights.max() > 10**9):
        raise ValueError(f"{path}: weight outside 0..=10^9")
    return n_rows, n_cols, rows.astype(np.int64), cols.astype(np.int64), weights


def timed(fn, runs):
    """Runs fn() `runs` times; returns (median seconds, last result)."""
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def solve_sparse(n_rows, n_cols, rows, cols, weights, big_m, runs):
    dummy = np.arange(n_rows, dtype=np.int64)
    data = np.concatenate([big_m - weights, np.full(n_rows, big_m, dtype=np.int64)])
    matrix = csr_matrix(
        (data.astype(np.float64), (np.concatenate([rows, dummy]), np.concatenate([cols, n_cols + dummy]))),
        shape=(n_rows, n_cols + n_rows),
    )
    if matrix.nnz != len(data):
        raise ValueError("duplicate arcs in the input")
    seconds, (r, c) = timed(lambda: min_weight_full_bipartite_matching(matrix), runs)
    if len(r) != n_rows:
        raise RuntimeError("scipy did not match every row")
    real = c < n_cols
    chosen = np.asarray(matrix[r[real], c[real]]).ravel().astype(np.int64)
    total = int((big_m - chosen).sum())
    return seconds, total, int(real.sum())


def solve_dense(n_rows, n_cols, rows, cols, weights, big_m, runs):
    forbidden = 2 * big_m
    cost = np.full((n_rows, n_cols + n_rows), forbidden, dtype=np.float64)
    cost[rows, cols] = big_m - weights
    cost[np.arange(n_rows), n_cols + np.arange(n_rows)] = big_m
    seconds, (r, c) = timed(lambda: linear_sum_assignment(cost), runs)
    picked = cost[r, c]
    if (picked >= forbidden).any():
        raise RuntimeError("linear_sum_assignment chose a forbidden pair")
    real = c < n_cols
    total = int(big_m * int(real.sum()) - int(picked[real].astype(np.int64).sum()))
    return seconds, total, int(real.sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("graph", help="BLBG file written by `bleibe bench --scipy`")
    parser.add_argument("--expect", type=int, help="total weight the Rust solver found")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per method, median reported (default 3)")
    parser.add_argument(
        "--orient",
        choices=["as-is", "smaller-rows"],
        default="as-is",
        help="as-is: dummies on the file's rows; smaller-rows: transpose first if rows > cols",
    )
    parser.add_argument("--skip-dense", action="store_true", help="do not run linear_sum_assignment")
    parser.add_argument("--skip-sparse", action="store_true", help="do not run the sparse solver")
    parser.add_argument("--json", action="store_true", help="also print one JSON line with the figures")
    args = parser.parse_args()

    n_rows, n_cols, rows, cols, weights = read_blbg(args.graph)
    if args.orient == "smaller-rows" and n_rows > n_cols:
        n_rows, n_cols, rows, cols = n_cols, n_rows, cols, rows
    big_m = int(weights.max()) + 1 if len(weights) else 1
    print(f"{args.graph}: {n_rows} rows x {n_cols} cols, {len(weights)} arcs (orient {args.orient})")

    totals = {}
    seconds = {}
    if not args.skip_sparse:
        s, total, matched = solve_sparse(n_rows, n_cols, rows, cols, weights, big_m, args.runs)
        totals["sparse"] = total
        seconds["sparse"] = s
        print(f"  min_weight_full_bipartite_matching: {s:.4f} s  matched {matched}  total {total}")
    if args.skip_dense:
        print("  linear_sum_assignment: skipped (--skip-dense)")
    elif n_rows * (n_cols + n_rows) > DENSE_LIMIT:
        print("  linear_sum_assignment: skipped (too large for dense)")
    else:
        s, total, matched = solve_dense(n_rows, n_cols, rows, cols, weights, big_m, args.runs)
        totals["dense"] = total
        seconds["dense"] = s
        print(f"  linear_sum_assignment:              {s:.4f} s  matched {matched}  total {total}")

    ok = True
    if len(set(totals.values())) > 1:
        print(f"MISMATCH between scipy methods: {totals}")
        ok = False
    if args.expect is not None:
        for name, total in totals.items():
            if total != args.expect:
                print(f"MISMATCH: {name} total {total} != expected {args.expect}")
                ok = False
        if ok:
            print(f"  OK: totals equal the expected {args.expect}")
    if args.json:
        import json

        print(json.dumps({"seconds": seconds, "totals": totals, "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
