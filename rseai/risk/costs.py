"""What an error costs and who pays for it: confusion counts, costs, thresholds, per-group audit.

Covers binary decisions only (positive = the case we must not miss: a malignant tumour, a loan
that defaults). ``confusion`` counts the four outcomes with their statistical names (a false
positive is a Type I error, a false negative a Type II error) and rates; ``expected_cost`` and
``threshold_sweep`` put a price on each error and find the threshold with the lowest cost
(``reprice`` prices a sweep's counts again at other costs, without recounting);
``group_report`` repeats the counts per group (sex, age band) on fairlearn's ``MetricFrame`` and
reports the largest gaps (written in ``rseai.risk.groups``, importable from here). Leaves out
multi-class problems, sample weights, calibration and confidence intervals. The risk register
(likelihood x impact, ALARP) is in ``rseai.risk.register``.

Conventions: ``y_true`` and ``y_pred`` hold 0/1 (or bools); a score is predicted positive when
``score >= threshold`` (scikit-learn's rule). A rate whose denominator is zero (the FNR of a
group with no positives) is ``nan``, never a division by zero; ``Confusion.undefined`` says why.

Example
-------
>>> c = confusion([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
>>> (c.tp, c.fp, c.fn, c.tn, c.type_i, c.type_ii)
(1, 1, 1, 2, 1, 1)
>>> round(c.fnr, 3), round(c.accuracy, 3)
(0.5, 0.6)
>>> expected_cost([1, 0], [0.9, 0.2], threshold=0.5, cost_fp=1.0, cost_fn=5.0)
0.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rseai import _checks

__all__ = ["Confusion", "confusion", "expected_cost", "threshold_sweep", "reprice", "optimal_row",
           "bayes_threshold", "RATE_NAMES", "as_labels", "as_scores"]

RATE_NAMES = ("tpr", "fpr", "fnr", "tnr", "precision", "accuracy", "selection_rate")


# The shared checks under this module's historic names (``rseai.risk.as_labels`` / ``as_scores``).
as_labels = _checks.binary_labels
as_scores = _checks.scores


def _ratio(num, den):
    """num / den elementwise, nan where den == 0 (an undefined rate, not an error)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


@dataclass(frozen=True)
class Confusion:
    """The four counts of a binary confusion matrix and the rates built from them."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def type_i(self) -> int:
        """False positives: a healthy person flagged, a good applicant refused."""
        return self.fp

    @property
    def type_ii(self) -> int:
        """False negatives: a malignancy missed, a bad loan approved."""
        return self.fn

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def _rate(self, num, den) -> float:
        return float(_ratio(num, den))

    tpr = property(lambda self: self._rate(self.tp, self.tp + self.fn), doc="recall, sensitivity")
    recall = tpr
    fnr = property(lambda self: self._rate(self.fn, self.tp + self.fn), doc="miss rate = 1 - tpr")
    fpr = property(lambda self: self._rate(self.fp, self.fp + self.tn), doc="false-alarm rate")
    tnr = property(lambda self: self._rate(self.tn, self.fp + self.tn), doc="specificity")
    precision = property(lambda self: self._rate(self.tp, self.tp + self.fp), doc="PPV")
    accuracy = property(lambda self: self._rate(self.tp + self.tn, self.n))
    selection_rate = property(lambda self: self._rate(self.tp + self.fp, self.n), doc="share flagged")
    prevalence = property(lambda self: self._rate(self.tp + self.fn, self.n), doc="share positive")

    @property
    def matrix(self) -> np.ndarray:
        """Counts laid out as on the slide: rows actual (P, N), columns predicted (P, N)."""
        return np.array([[self.tp, self.fn], [self.fp, self.tn]])

    @property
    def undefined(self) -> list[str]:
        """Why any rate is ``nan`` (an empty denominator), in words; empty when all are defined."""
        notes = []
        if self.tp + self.fn == 0:
            notes.append("no actual positives: tpr, fnr undefined")
        if self.fp + self.tn == 0:
            notes.append("no actual negatives: fpr, tnr undefined")
        if self.tp + self.fp == 0:
            notes.append("no predicted positives: precision undefined")
        return notes

    def as_dict(self) -> dict:
        counts = {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}
        return counts | {name: getattr(self, name) for name in RATE_NAMES}


def confusion(y_true, y_pred) -> Confusion:
    """Count true/false positives/negatives.

    Parameters
    ----------
    y_true, y_pred : array-like of 0/1 or bool, shape (n_samples,)

    Returns
    -------
    Confusion
        ``tp, fp, fn, tn``, ``type_i`` (= fp), ``type_ii`` (= fn) and rates ``tpr`` (= ``recall``),
        ``fpr``, ``fnr``, ``tnr``, ``precision``, ``accuracy``; a rate with a zero denominator is nan.
    """
    y_true, y_pred = as_labels(y_true, name="y_true"), as_labels(y_pred, name="y_pred")
    _checks.same_length(y_true=y_true, y_pred=y_pred)
    tp = int(np.sum(y_true & y_pred))
    fp = int(np.sum(y_pred)) - tp
    fn = int(np.sum(y_true)) - tp
    return Confusion(tp=tp, fp=fp, fn=fn, tn=len(y_true) - tp - fp - fn)


def expected_cost(y_true, scores, *, threshold, cost_fp, cost_fn, probabilities: bool = True) -> float:
    """Average cost per case of deciding ``score >= threshold`` (same units as the costs).

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n_samples,)
    scores : array-like of float, shape (n_samples,)
        Predicted probability of the positive class (any finite score if ``probabilities=False``).
    threshold : float
        In [0, 1] for probabilities.
    cost_fp, cost_fn : float >= 0
        Cost of one false positive (Type I) and of one false negative (Type II).

    Returns
    -------
    float
        ``(cost_fp * fp + cost_fn * fn) / n_samples``.
    """
    probabilities = _checks.flag(probabilities, name="probabilities")
    y_true = as_labels(y_true, name="y_true")
    scores = as_scores(scores, probabilities=probabilities)
    _checks.same_length(y_true=y_true, scores=scores)
    threshold = (_checks.real(threshold, name="threshold", low=0, high=1) if probabilities
                 else _checks.real(threshold, name="threshold"))
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    c = confusion(y_true, (scores >= threshold).astype(np.int64))
    return _checks.finite_result(lambda: (cost_fp * c.fp + cost_fn * c.fn) / c.n, name="expected_cost",
                                 inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})


def threshold_sweep(y_true, scores, *, cost_fp, cost_fn, thresholds=None, probabilities: bool = True):
    """Counts, rates and cost at every threshold, computed with one sort and cumulative sums.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n_samples,)
    scores : array-like of float, shape (n_samples,)
    cost_fp, cost_fn : float >= 0
    thresholds : array-like of float, shape (n_thresholds,), optional
        Where to evaluate. Default: every distinct score (each gives a different decision) plus
        ``inf`` (flag nobody), so the minimum over rows is the exact optimum.
    probabilities : bool, default True
        Require scores (and given thresholds) in [0, 1].

    Returns
    -------
    pandas.DataFrame, shape (n_thresholds, 15)
        Columns ``threshold, tp, fp, fn, tn, tpr, fpr, fnr, tnr, precision, accuracy,
        selection_rate, total_cost, expected_cost`` (expected = per case) and ``n``; thresholds
        ascending. ``optimal_row`` picks the cheapest row.
    """
    import pandas as pd

    probabilities = _checks.flag(probabilities, name="probabilities")
    y_true = as_labels(y_true, name="y_true")
    scores = as_scores(scores, probabilities=probabilities)
    _checks.same_length(y_true=y_true, scores=scores)
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    order = np.argsort(scores, kind="stable")
    sorted_scores = scores[order]
    if thresholds is None:
        grid = np.append(np.unique(sorted_scores), np.inf)
    else:
        grid = as_scores(thresholds, name="thresholds", probabilities=probabilities)
        grid = np.unique(grid)
    # positives among the i lowest scores; everything from index i upwards is flagged.
    pos_below = np.concatenate(([0], np.cumsum(y_true[order])))
    first_flagged = np.searchsorted(sorted_scores, grid, side="left")
    n, n_pos = len(scores), int(pos_below[-1])
    flagged = n - first_flagged
    tp = n_pos - pos_below[first_flagged]
    fp = flagged - tp
    fn = n_pos - tp
    tn = (n - n_pos) - fp
    total, expected = _priced(fp, fn, n, cost_fp, cost_fn)
    return pd.DataFrame({
        "threshold": grid, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "tpr": _ratio(tp, n_pos), "fpr": _ratio(fp, n - n_pos), "fnr": _ratio(fn, n_pos),
        "tnr": _ratio(tn, n - n_pos), "precision": _ratio(tp, flagged),
        "accuracy": (tp + tn) / n, "selection_rate": flagged / n,
        "total_cost": total, "expected_cost": expected, "n": n,
    })


def _priced(fp, fn, n, cost_fp: float, cost_fn: float):
    """Total and per-case cost of the error counts ``fp``, ``fn`` (arrays) among ``n`` cases."""
    total = _checks.finite_result(lambda: cost_fp * fp + cost_fn * fn, name="total_cost",
                                  inputs={"cost_fp": cost_fp, "cost_fn": cost_fn})
    return total, total / n


def reprice(sweep, *, cost_fp, cost_fn):
    """The same ``threshold_sweep`` table at other costs: the counts are reused, not recounted.

    The counts at each threshold do not depend on the costs; only ``total_cost`` and
    ``expected_cost`` do. A widget whose costs change calls this (a vector operation) instead of
    sweeping again. Returns a new DataFrame; ``sweep`` is left unchanged.

    >>> s = threshold_sweep([1, 0, 1], [0.9, 0.4, 0.2], cost_fp=1, cost_fn=1)
    >>> reprice(s, cost_fp=1, cost_fn=10)["total_cost"].tolist()
    [1.0, 11.0, 10.0, 20.0]
    """
    import pandas as pd

    _checks.instance(sweep, pd.DataFrame, name="sweep", what="a DataFrame from threshold_sweep")
    if not {"fp", "fn", "n"} <= set(sweep.columns) or sweep.empty:
        raise ValueError("sweep must be a non-empty DataFrame from threshold_sweep (with 'fp', 'fn' "
                         f"and 'n' columns), got columns {_checks.show(list(sweep.columns))} "
                         f"and {len(sweep)} row(s)")
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    total, expected = _priced(sweep["fp"].to_numpy(), sweep["fn"].to_numpy(), sweep["n"].to_numpy(),
                              cost_fp, cost_fn)
    return sweep.assign(total_cost=total, expected_cost=expected)


def optimal_row(sweep):
    """The cheapest row of a ``threshold_sweep`` table (the lowest threshold among ties)."""
    import pandas as pd

    _checks.instance(sweep, pd.DataFrame, name="sweep", what="a DataFrame from threshold_sweep")
    if "expected_cost" not in sweep or sweep.empty or sweep["expected_cost"].isna().all():
        raise ValueError("sweep must be a non-empty DataFrame from threshold_sweep (with an "
                         f"'expected_cost' column), got columns {_checks.show(list(sweep.columns))} "
                         f"and {len(sweep)} row(s)")
    return sweep.loc[sweep["expected_cost"].idxmin()]


def bayes_threshold(*, cost_fp, cost_fn) -> float:
    """The cost-optimal threshold for calibrated probabilities: cost_fp / (cost_fp + cost_fn).

    Flag a case when its expected cost of doing nothing, ``p * cost_fn``, exceeds the expected
    cost of flagging it, ``(1 - p) * cost_fp``.
    """
    cost_fp, cost_fn = _checks.cost(cost_fp, name="cost_fp"), _checks.cost(cost_fn, name="cost_fn")
    if cost_fp + cost_fn == 0:
        raise ValueError("cost_fp and cost_fn must not both be 0 (every threshold would cost nothing), "
                         "got 0 and 0")
    scale = max(cost_fp, cost_fn)  # divide first: costs near the float limit must not overflow the sum
    return (cost_fp / scale) / (cost_fp / scale + cost_fn / scale)

