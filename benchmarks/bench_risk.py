"""threshold_sweep over 100,000 scores: one sort + cumulative counts vs a naive per-threshold loop.

Prints medians of repeated runs and ratios against two references: a naive loop that recounts
the confusion matrix at each threshold (numpy, O(n) per threshold), and scikit-learn's
``roc_curve`` (which also sorts once). The target (issue 5) is < 0.5 s for 100,000 scores.
Run: ``python benchmarks/bench_risk.py`` (``BENCH_QUICK=1``: fewer repeats).
"""

from __future__ import annotations

import sys

import numpy as np
from _goals import Goals, quick_or_full
from _timing import median_seconds
from sklearn.metrics import roc_curve

from rseai import risk
from rseai.risk.costs import CREDIT_COSTS

N = 100_000
COSTS = CREDIT_COSTS  # notebook 03's lending costs
REPEAT = quick_or_full(3, 5)


def naive_sweep(y_true, scores, thresholds):
    rows = []
    for t in thresholds:
        flagged = scores >= t
        tp = int(np.sum(flagged & (y_true == 1)))
        fp = int(np.sum(flagged & (y_true == 0)))
        fn = int(np.sum(~flagged & (y_true == 1)))
        tn = len(y_true) - tp - fp - fn
        rows.append((t, tp, fp, fn, tn, COSTS["cost_fp"] * fp + COSTS["cost_fn"] * fn))
    return rows


def main() -> int:
    goals = Goals("bench_risk")
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, N)
    scores = np.clip(0.3 * y_true + rng.normal(0.35, 0.2, N), 0, 1)
    grid = np.linspace(0, 1, 101)
    n_unique = len(np.unique(scores)) + 1

    full = median_seconds(lambda: risk.threshold_sweep(y_true, scores, **COSTS), repeat=REPEAT, warmup=0)
    on_grid = median_seconds(lambda: risk.threshold_sweep(y_true, scores, thresholds=grid, **COSTS),
                             repeat=REPEAT, warmup=0)
    naive_grid = median_seconds(lambda: naive_sweep(y_true, scores, grid), repeat=3, warmup=0)
    sk = median_seconds(lambda: roc_curve(y_true, scores, drop_intermediate=False), repeat=REPEAT, warmup=0)
    per_threshold = naive_grid / len(grid)

    # the two methods agree on the grid
    fast = risk.threshold_sweep(y_true, scores, thresholds=grid, **COSTS)
    slow = naive_sweep(y_true, scores, grid)
    assert fast["total_cost"].tolist() == [row[5] for row in slow]

    print(f"threshold_sweep, {N:,} scores, every distinct threshold ({n_unique:,}): "
          f"median {full * 1000:.1f} ms  (target < 500 ms: {'met' if full < 0.5 else 'NOT met'})")
    print(f"sklearn roc_curve (reference, same sort + cumsum):      median {sk * 1000:.1f} ms  "
          f"ratio ours/sklearn {full / sk:.2f}")
    print(f"101-threshold grid: vectorised {on_grid * 1000:.1f} ms, naive loop {naive_grid * 1000:.1f} ms  "
          f"speed-up x{naive_grid / on_grid:.1f}")
    # measured, not extrapolated: every distinct threshold of 10,000 scores, both ways
    y_small, s_small = y_true[:10_000], scores[:10_000]
    small_thresholds = np.append(np.unique(s_small), np.inf)
    fast_small = median_seconds(lambda: risk.threshold_sweep(y_small, s_small, **COSTS), repeat=REPEAT,
                                warmup=0)
    naive_small = median_seconds(lambda: naive_sweep(y_small, s_small, small_thresholds), repeat=1, warmup=0)
    print(f"10,000 scores, all {len(small_thresholds):,} thresholds, measured: vectorised "
          f"{fast_small * 1000:.1f} ms, naive loop {naive_small:.2f} s  "
          f"speed-up x{naive_small / fast_small:.0f}")
    naive_full = per_threshold * n_unique
    print(f"naive loop at every distinct threshold (extrapolated from {per_threshold * 1000:.2f} ms "
          f"per threshold): {naive_full:.0f} s  speed-up x{naive_full / full:.0f}")
    goals.check_seconds("sweep_s", full, goal_s=0.5, what="`threshold_sweep` over 100,000 scores",
                shown=f"{full * 1000:.0f} ms (sklearn `roc_curve`, same sort + cumsum: {sk * 1000:.0f} ms)")
    goals.check("sweep_vs_naive_speedup", naive_small / fast_small, goal=10, higher_is_better=True,
                what="speed-up over a naive per-threshold loop (10,000 scores, every threshold, measured)",
                shown=f"x{naive_small / fast_small:.0f} ({fast_small * 1000:.0f} ms vs {naive_small:.1f} s)")
    return goals.finish()


if __name__ == "__main__":
    sys.exit(main())
