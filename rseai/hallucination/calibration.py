"""How far to trust a confidence score: calibration error, reliability bins and ROC/AUROC.

Two questions about a score that should flag wrong answers:

- *Calibration*: among answers given with confidence ~0.8, are ~80% right? ``reliability_table``
  bins the confidences; ``expected_calibration_error`` (ECE, Naeini et al., 2015; Guo et al.,
  2017) is the bin-size-weighted mean gap |accuracy - mean confidence| over equal-width bins.
- *Discrimination*: does a low score pick out the wrong answers? ``auroc`` is the probability
  that a randomly chosen wrong answer gets a higher "suspicion" score than a randomly chosen
  right one (ties count one half): 0.5 is guessing, 1.0 perfect. ``roc_points`` gives the curve.

How sure is a number measured on 40 questions? ``bootstrap_ci`` (from ``rseai.bootstrap``, kept
importable here) gives a seeded percentile bootstrap interval for any of them (resampling the
questions). Pure NumPy; cross-checked against ``sklearn.metrics`` in the tests. Left out:
adaptive bins, class-wise calibration.

Example
-------
>>> round(expected_calibration_error([1, 0, 1, 1], [0.9, 0.9, 0.6, 0.6], n_bins=10), 3)
0.4
>>> auroc([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.4])
1.0
"""

from __future__ import annotations

import numpy as np

from rseai import _checks
from rseai.bootstrap import bootstrap_ci

__all__ = ["reliability_table", "expected_calibration_error", "auroc", "roc_points", "bootstrap_ci"]


def _binary_and_scores(y_true, scores, *, score_name: str, probabilities: bool = False):
    y = _checks.binary_labels(y_true, name="y_true")
    s = _checks.scores(scores, name=score_name, probabilities=probabilities)
    _checks.same_length(y_true=y, **{score_name: s})
    return y, s


def reliability_table(y_true, confidence, *, n_bins: int = 10):
    """Accuracy and mean confidence per equal-width confidence bin.

    Parameters
    ----------
    y_true : array-like, shape (n_answers,), 1 = the answer was right
    confidence : array-like, shape (n_answers,), in [0, 1]
    n_bins : int >= 1

    Returns
    -------
    DataFrame, one row per non-empty bin: ``bin_low``, ``bin_high``, ``count``,
    ``mean_confidence``, ``accuracy``, ``gap`` (accuracy - mean confidence)
    """
    import pandas as pd

    y, conf = _binary_and_scores(y_true, confidence, score_name="confidence", probabilities=True)
    n_bins = _checks.integer(n_bins, name="n_bins", low=1, high=10_000)
    edges = np.linspace(0, 1, n_bins + 1)
    # Bins are (low, high]; a confidence of exactly 0 goes into the first bin.
    which = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        inside = which == b
        if inside.any():
            rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "count": int(inside.sum()),
                         "mean_confidence": float(conf[inside].mean()),
                         "accuracy": float(y[inside].mean())})
    table = pd.DataFrame(rows)
    table["gap"] = table["accuracy"] - table["mean_confidence"]
    return table


def expected_calibration_error(y_true, confidence, *, n_bins: int = 10) -> float:
    """ECE: sum over bins of (bin size / n) * |accuracy - mean confidence|, in [0, 1]."""
    table = reliability_table(y_true, confidence, n_bins=n_bins)
    return float((table["count"] * table["gap"].abs()).sum() / table["count"].sum())


def auroc(y_true, scores) -> float:
    """Area under the ROC curve of ``scores`` for finding the positives (``y_true == 1``).

    Rank formula (Mann-Whitney U / (n_pos * n_neg)) with average ranks for ties; NaN when
    ``y_true`` holds only one class.
    """
    y, s = _binary_and_scores(y_true, scores, score_name="scores")
    n_pos, n_neg = int(y.sum()), int((1 - y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(s.size)
    sorted_s = s[order]
    # Average rank for each run of tied scores.
    starts = np.flatnonzero(np.r_[True, sorted_s[1:] != sorted_s[:-1]])
    ends = np.r_[starts[1:], s.size]
    for a, b in zip(starts, ends):
        ranks[order[a:b]] = (a + b + 1) / 2
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def roc_points(y_true, scores):
    """The ROC curve: ``(fpr, tpr, thresholds)`` arrays, flagging ``scores >= threshold``.

    Starts at (0, 0) with threshold +inf, one point per distinct score, highest first.
    """
    y, s = _binary_and_scores(y_true, scores, score_name="scores")
    thresholds = np.unique(s)[::-1]
    n_pos, n_neg = max(int(y.sum()), 1), max(int((1 - y).sum()), 1)
    tpr = np.array([0.0] + [((s >= t) & (y == 1)).sum() / n_pos for t in thresholds])
    fpr = np.array([0.0] + [((s >= t) & (y == 0)).sum() / n_neg for t in thresholds])
    return fpr, tpr, np.r_[np.inf, thresholds]
