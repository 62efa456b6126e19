"""Binary-decision metrics, each written once: confusion counts, rates at thresholds, AUROC, the
ROC curve, calibration (reliability table, ECE) and seeded percentile bootstrap intervals.

``y_true`` holds 0/1 (1 = the case to find); flagged means ``score >= threshold``; a rate with an
empty denominator is ``nan``. Leaves out multi-class problems, sample weights and BCa intervals.

Example
-------
>>> c = confusion([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
>>> (c.tp, c.fp, c.fn, c.tn), round(c.fnr, 3), round(c.accuracy, 3)
((1, 1, 1, 2), 0.5, 0.6)
>>> auroc([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.4])
1.0
>>> round(expected_calibration_error([1, 0, 1, 1], [0.9, 0.9, 0.6, 0.6]), 3)
0.4
>>> percentile_interval([1.0, 2.0, 3.0, 4.0, 5.0], level=0.5)
(2.0, 4.0)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from rseai import _checks

RATE_NAMES = ("tpr", "fpr", "fnr", "tnr", "precision", "accuracy", "selection_rate")
MAX_BOOT = 100_000  # resamples: far more than a 95% interval needs
MAX_DRAWS = 100_000_000  # rows drawn in all (n_rows × n_boot): 800 MB of row indices


def _ratio(num, den):  # nan where den == 0: an undefined rate, not an error
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(np.broadcast(num, den).shape, np.nan), where=den != 0)


def rates_from_counts(tp, fp, fn, tn) -> dict:
    """Every rate in ``RATE_NAMES`` from the four counts (scalars or arrays of one shape).

    >>> rates_from_counts(1, 1, 1, 2)["fnr"]
    array(0.5)
    """
    pos, neg, flagged, n = tp + fn, fp + tn, tp + fp, tp + fp + fn + tn
    return {"tpr": _ratio(tp, pos), "fpr": _ratio(fp, neg), "fnr": _ratio(fn, pos), "tnr": _ratio(tn, neg),
            "precision": _ratio(tp, flagged), "accuracy": _ratio(tp + tn, n),
            "selection_rate": _ratio(flagged, n)}


def _labels_and_scores(y_true, scores, *, name: str = "scores", probabilities: bool = False):
    y = _checks.binary_labels(y_true, name="y_true")
    s = _checks.scores(scores, name=name, probabilities=probabilities)
    _checks.same_length(y_true=y, **{name: s})
    return y, s


@dataclass(frozen=True)
class Confusion:
    """The four counts, ``type_i`` (= fp), ``type_ii`` (= fn), ``n``, the ``RATE_NAMES`` rates
    (``selection_rate``: share flagged), ``recall`` (= tpr) and ``prevalence`` (share positive)."""

    tp: int
    fp: int
    fn: int
    tn: int

    def _rate(name):  # noqa: N805 (a property factory, used in the class body only)
        return property(lambda self: float(rates_from_counts(self.tp, self.fp, self.fn, self.tn)[name]))

    tpr, fpr, fnr, tnr = _rate("tpr"), _rate("fpr"), _rate("fnr"), _rate("tnr")
    precision, accuracy, selection_rate = _rate("precision"), _rate("accuracy"), _rate("selection_rate")
    recall = tpr
    del _rate
    type_i, type_ii = property(lambda self: self.fp), property(lambda self: self.fn)
    n = property(lambda self: self.tp + self.fp + self.fn + self.tn)
    prevalence = property(lambda self: float(_ratio(self.tp + self.fn, self.n)))

    @property
    def matrix(self) -> np.ndarray:
        """Counts laid out as on the slide: rows actual (P, N), columns predicted (P, N)."""
        return np.array([[self.tp, self.fn], [self.fp, self.tn]])

    @property
    def undefined(self) -> list[str]:
        """Why any rate is ``nan`` (an empty denominator), in words; empty when all are defined."""
        return [note for empty, note in (
            (self.tp + self.fn == 0, "no actual positives: tpr, fnr undefined"),
            (self.fp + self.tn == 0, "no actual negatives: fpr, tnr undefined"),
            (self.tp + self.fp == 0, "no predicted positives: precision undefined")) if empty]

    def as_dict(self) -> dict:
        return asdict(self) | {name: getattr(self, name) for name in RATE_NAMES}


def confusion(y_true, y_pred) -> Confusion:
    """Count true/false positives/negatives of ``y_pred`` against ``y_true`` (both 0/1, shape (n,))."""
    y_true = _checks.binary_labels(y_true, name="y_true")
    y_pred = _checks.binary_labels(y_pred, name="y_pred")
    _checks.same_length(y_true=y_true, y_pred=y_pred)
    tp = int(np.sum(y_true & y_pred))
    fp, fn = int(np.sum(y_pred)) - tp, int(np.sum(y_true)) - tp
    return Confusion(tp=tp, fp=fp, fn=fn, tn=len(y_true) - tp - fp - fn)


def confusion_at(y_true, scores, *, threshold: float) -> Confusion:
    """``confusion`` of flagging ``scores >= threshold``.

    >>> confusion_at([1, 0, 1], [0.9, 0.4, 0.2], threshold=0.3).fpr
    1.0
    """
    y, s = _labels_and_scores(y_true, scores)
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or math.isnan(threshold):
        raise TypeError(f"threshold must be a number (inf allowed), got {_checks.show(threshold)}")
    return confusion(y, s >= float(threshold))


def rates_at_thresholds(y_true, scores, thresholds):
    """Per threshold (ascending): ``threshold, tp, fp, fn, tn``, ``RATE_NAMES`` and ``n``, one sort.

    >>> rates_at_thresholds([1, 0, 1], [0.9, 0.4, 0.2], [0.3, 0.5])["tpr"].tolist()
    [0.5, 0.5]
    """
    y, s = _labels_and_scores(y_true, scores)
    what = "a non-empty 1-D array of numbers (no NaN)"
    grid = _checks.asarray(thresholds, name="thresholds", what=what, holds="numbers").astype(float)
    if grid.ndim != 1 or grid.size == 0 or np.isnan(grid).any():
        raise ValueError(f"thresholds must be {what}, got {_checks.show(thresholds)}")
    grid = np.unique(grid)
    order = np.argsort(s, kind="stable")
    pos_below = np.concatenate(([0], np.cumsum(y[order])))  # positives among the i lowest scores
    first_flagged = np.searchsorted(s[order], grid, side="left")
    n, n_pos = len(s), int(pos_below[-1])
    tp = n_pos - pos_below[first_flagged]
    fp = (n - first_flagged) - tp
    fn, tn = n_pos - tp, (n - n_pos) - fp
    return pd.DataFrame({"threshold": grid, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
                         **rates_from_counts(tp, fp, fn, tn), "n": n})


def auroc(y_true, scores):
    """The chance a random positive outscores a random negative, ties half (rank formula, as
    ``roc_auc_score``); nan for one class. ``scores`` of shape (n_rows, n) gives one AUROC per row."""
    from scipy.stats import rankdata

    y = _checks.binary_labels(y_true, name="y_true")
    if np.ndim(scores) == 2:
        s = np.asarray(scores, dtype=float)
        if s.shape[1] != y.size or not np.isfinite(s).all():
            raise ValueError(f"scores must be finite, shape (n_rows, {y.size}), got shape {s.shape}")
    else:
        y, s = _labels_and_scores(y, scores)
    n_pos, n_neg = int(y.sum()), int(y.size - y.sum())
    if n_pos == 0 or n_neg == 0:
        return np.full(s.shape[:-1], np.nan) if s.ndim == 2 else float("nan")
    ranks = rankdata(s, axis=-1)
    area = (ranks[..., y == 1].sum(axis=-1) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return area if s.ndim == 2 else float(area)


def roc_points(y_true, scores):
    """The ROC curve ``(fpr, tpr, thresholds)``: from (0, 0) at threshold ``inf``, one point per
    distinct score, highest first (``sklearn.metrics.roc_curve(..., drop_intermediate=False)``)."""
    y, s = _labels_and_scores(y_true, scores)
    table = rates_at_thresholds(y, s, np.r_[np.unique(s), np.inf]).iloc[::-1]
    fpr, tpr = (np.nan_to_num(table[rate].to_numpy()) for rate in ("fpr", "tpr"))  # one class: 0
    return fpr, tpr, table["threshold"].to_numpy()


def reliability_table(y_true, confidence, *, n_bins: int = 10):
    """Per non-empty equal-width bin (low, high] of ``confidence`` (0 goes to the first): ``bin_low,
    bin_high, count, mean_confidence, accuracy, gap`` (accuracy - mean confidence)."""
    y, conf = _labels_and_scores(y_true, confidence, name="confidence", probabilities=True)
    n_bins = _checks.integer(n_bins, name="n_bins", low=1, high=10_000)
    edges = np.linspace(0, 1, n_bins + 1)
    which = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    table = pd.DataFrame({"bin": which, "confidence": conf, "y": y}).groupby("bin").agg(
        count=("y", "size"), mean_confidence=("confidence", "mean"), accuracy=("y", "mean"))
    table.insert(0, "bin_high", edges[table.index + 1])
    table.insert(0, "bin_low", edges[table.index])
    return table.assign(gap=table["accuracy"] - table["mean_confidence"]).reset_index(drop=True)


def expected_calibration_error(y_true, confidence, *, n_bins: int = 10) -> float:
    """ECE (Naeini et al., 2015): the sum over bins of (bin size / n) * |accuracy - mean confidence|."""
    table = reliability_table(y_true, confidence, n_bins=n_bins)
    return float((table["count"] * table["gap"].abs()).sum() / table["count"].sum())


def resample_rows(n_rows: int, *, strata=None, seed, n_boot: int = 2000) -> np.ndarray:
    """Row indices (n_boot, n_rows) drawn with replacement, within each row's ``strata`` label if given.

    >>> rows = resample_rows(5, strata=["a", "a", "a", "b", "b"], seed=0, n_boot=100)
    >>> rows.shape, bool((rows[:, :3] < 3).all() and (rows[:, 3:] >= 3).all())
    ((100, 5), True)
    """
    n_rows = _checks.integer(n_rows, name="n_rows", low=1)
    n_boot = _checks.integer(n_boot, name="n_boot", low=100, high=MAX_BOOT)
    if n_rows * n_boot > MAX_DRAWS:
        raise ValueError(f"n_rows × n_boot must be at most {MAX_DRAWS:,} draws, got {n_rows:,} × {n_boot:,}")
    rng = np.random.default_rng(_checks.seed(seed))
    if strata is None:
        return rng.integers(0, n_rows, size=(n_boot, n_rows))
    labels = None if isinstance(strata, (str, bytes, dict, set)) else np.asarray(strata, dtype=object)
    if labels is None or labels.ndim != 1 or labels.size != n_rows:
        raise ValueError(f"strata must be a 1-D array of {n_rows} labels (one per row), got "
                         f"{_checks.show(strata)}")
    try:
        codes, names = pd.factorize(labels, use_na_sentinel=False)  # in order of first appearance
    except TypeError:
        raise TypeError(f"strata must hold hashable labels (str, int), got {_checks.show(strata)}") from None
    members = [np.flatnonzero(codes == j) for j in range(len(names))]
    rows = np.empty((n_boot, n_rows), dtype=np.int64)
    for b in range(n_boot):
        for idx in members:
            rows[b, idx] = idx[rng.integers(0, idx.size, idx.size)]
    return rows


def percentile_interval(values, *, level: float = 0.95):
    """The central ``level`` interval of resampled ``values`` without NaN: shape (n_boot,) gives
    ``(low, high)``; shape (n_boot, k) two arrays of k (NaN for a column with no finite value)."""
    level = _checks.real(level, name="level", low=0, high=1, low_open=True, high_open=True)
    what = "an array of numbers, shape (n_boot,) or (n_boot, k)"
    arr = _checks.asarray(values, name="values", what=what, holds="numbers").astype(float)
    if arr.ndim > 2 or arr.shape[0] == 0:
        raise ValueError(f"values must be a non-empty array of shape (n_boot,) or (n_boot, k), got "
                         f"shape {arr.shape}")
    tail = (1 - level) / 2 * 100
    columns = arr.reshape(arr.shape[0], -1)  # 1-D: one column
    finite = np.isfinite(columns)
    empty = ~finite.any(axis=0)  # a column with nothing to read gives NaN, without a warning
    kept = np.where(finite, columns, np.where(empty, 0.0, np.nan))
    low, high = np.where(empty, np.nan, np.nanpercentile(kept, [tail, 100 - tail], axis=0))
    return (low, high) if arr.ndim == 2 else (float(low[0]), float(high[0]))


def bootstrap_ci(y_true, scores, statistic, *, seed, n_boot: int = 2000, level: float = 0.95):
    """Percentile interval of ``statistic(y_true, scores)`` over resampled rows (NaN ones left out).

    >>> y, s = [1, 0, 1, 0, 1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3, 0.4, 0.6, 0.7, 0.2]
    >>> low, high = bootstrap_ci(y, s, lambda y, s: y.mean(), seed=0, n_boot=500)
    >>> low < 0.5 < high <= 1.0
    True
    """
    y, s = _labels_and_scores(y_true, scores)
    if not callable(statistic):
        raise TypeError(f"statistic must be a function (y_true, scores) -> float, got {statistic!r:.60}")
    level = _checks.real(level, name="level", low=0, high=1, low_open=True, high_open=True)  # before the work
    rows = resample_rows(y.size, seed=seed, n_boot=n_boot)
    values = np.array([statistic(y[r], s[r]) for r in rows], dtype=float)
    if np.isfinite(values).sum() < len(rows) / 2:
        raise ValueError(f"statistic is undefined on most resamples ({np.isfinite(values).sum()} of "
                         f"{len(rows)} finite)")
    return percentile_interval(values, level=level)
