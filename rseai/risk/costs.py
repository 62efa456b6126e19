"""What an error costs: the cost per case at a threshold, every threshold's cost, the cheapest one.

Binary decisions (positive = the case we must not miss); counts from ``rseai.metrics``. Leaves out
multi-class problems and sample weights.

Example
-------
>>> expected_cost([1, 0, 1], [0.9, 0.4, 0.2], threshold=0.3, cost_fp=1, cost_fn=5)
2.0
>>> round(bayes_threshold(cost_fp=1, cost_fn=5), 3)
0.167
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rseai import _checks, metrics


def _inputs(y_true, scores, probabilities, cost_fp, cost_fn):
    probabilities = _checks.flag(probabilities, name="probabilities")
    y_true = _checks.binary_labels(y_true, name="y_true")
    scores = _checks.scores(scores, probabilities=probabilities)
    _checks.same_length(y_true=y_true, scores=scores)
    return y_true, scores, _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")


def expected_cost(y_true, scores, *, threshold, cost_fp, cost_fn, probabilities: bool = True) -> float:
    """``(cost_fp * fp + cost_fn * fn) / n`` of flagging ``scores >= threshold`` (costs >= 0, any unit;
    scores are probabilities unless ``probabilities=False``)."""
    y_true, scores, cost_fp, cost_fn = _inputs(y_true, scores, probabilities, cost_fp, cost_fn)
    threshold = _checks.real(threshold, name="threshold", **({"low": 0, "high": 1} if probabilities else {}))
    c = metrics.confusion_at(y_true, scores, threshold=threshold)
    return _checks.finite_result(lambda: (cost_fp * c.fp + cost_fn * c.fn) / c.n, name="expected_cost",
                                 inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})


def threshold_sweep(y_true, scores, *, cost_fp, cost_fn, thresholds=None, probabilities: bool = True):
    """``rseai.metrics.rates_at_thresholds`` plus ``total_cost`` and ``expected_cost`` (per case);
    default thresholds: every distinct score plus ``inf``, so the cheapest row is the exact optimum."""
    y_true, scores, cost_fp, cost_fn = _inputs(y_true, scores, probabilities, cost_fp, cost_fn)
    if thresholds is None:
        thresholds = np.append(np.unique(scores), np.inf)
    else:
        thresholds = _checks.scores(thresholds, name="thresholds", probabilities=probabilities)
    sweep = metrics.rates_at_thresholds(y_true, scores, thresholds)
    return reprice(sweep, cost_fp=cost_fp, cost_fn=cost_fn)


def reprice(sweep, *, cost_fp, cost_fn):
    """A ``threshold_sweep`` table at other costs, without recounting.

    >>> s = threshold_sweep([1, 0, 1], [0.9, 0.4, 0.2], cost_fp=1, cost_fn=1)
    >>> reprice(s, cost_fp=1, cost_fn=10)["total_cost"].tolist()
    [1.0, 11.0, 10.0, 20.0]
    """
    _checks.instance(sweep, pd.DataFrame, name="sweep", what="a DataFrame from threshold_sweep")
    if not {"fp", "fn", "n"} <= set(sweep.columns) or sweep.empty:
        raise ValueError("sweep must be a non-empty DataFrame from threshold_sweep (with 'fp', 'fn' "
                         f"and 'n' columns), got columns {_checks.show(list(sweep.columns))} "
                         f"and {len(sweep)} row(s)")
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    fp, fn = sweep["fp"].to_numpy(), sweep["fn"].to_numpy()
    total = _checks.finite_result(lambda: cost_fp * fp + cost_fn * fn, name="total_cost",
                                  inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})
    return sweep.assign(total_cost=total, expected_cost=total / sweep["n"].to_numpy())


def optimal_row(sweep):
    """The cheapest row of a ``threshold_sweep`` table (the lowest threshold among ties)."""
    _checks.instance(sweep, pd.DataFrame, name="sweep", what="a DataFrame from threshold_sweep")
    if "expected_cost" not in sweep or sweep.empty or sweep["expected_cost"].isna().all():
        raise ValueError("sweep must be a non-empty DataFrame from threshold_sweep (with an "
                         f"'expected_cost' column), got columns {_checks.show(list(sweep.columns))} "
                         f"and {len(sweep)} row(s)")
    return sweep.loc[sweep["expected_cost"].idxmin()]


def bayes_threshold(*, cost_fp, cost_fn) -> float:
    """``cost_fp / (cost_fp + cost_fn)``: flag when ``p * cost_fn`` exceeds ``(1 - p) * cost_fp``."""
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    if cost_fp + cost_fn == 0:
        raise ValueError("cost_fp and cost_fn must not both be 0 (every threshold would cost nothing), "
                         "got 0 and 0")
    scale = max(cost_fp, cost_fn)  # divide first: costs near the float limit must not overflow the sum
    return (cost_fp / scale) / (cost_fp / scale + cost_fn / scale)
