"""Seeded percentile bootstrap: how far a number measured on a few dozen rows could move.

Every interval in the notebooks is drawn here. ``resample_rows`` draws the rows of each
resample with replacement; with ``strata`` each row is redrawn from its own stratum, so every
stratum keeps its size and its positions. ``percentile_interval`` reads the interval off the
resampled values, and ``bootstrap_ci`` does both for any statistic of ``(y_true, scores)``.
Used by notebook 02 (AUROC, ECE, accuracy), 03 (``rseai.risk.groups.group_rate_ci``: per-group
rates and their gap) and 06 (``rseai.detection.rates.detection_ci``: each detector's AUROC and
false-accusation rate). Left out: BCa and studentized intervals, and rows that are not drawn
independently (clusters, time series).

Example
-------
>>> resample_rows(4, seed=0, n_boot=100).shape
(100, 4)
>>> rows = resample_rows(5, strata=["a", "a", "a", "b", "b"], seed=0, n_boot=100)
>>> bool((rows[:, :3] < 3).all() and (rows[:, 3:] >= 3).all())   # each row stays in its stratum
True
>>> percentile_interval([1.0, 2.0, 3.0, 4.0, 5.0], level=0.5)
(2.0, 4.0)
"""

from __future__ import annotations

import numpy as np

from rseai import _checks

__all__ = ["resample_rows", "percentile_interval", "bootstrap_ci", "MAX_BOOT", "MAX_DRAWS"]

MAX_BOOT = 100_000  # resamples: far more than a 95% interval needs
MAX_DRAWS = 100_000_000  # rows drawn in all (n_rows × n_boot): 800 MB of row indices


def resample_rows(n_rows: int, *, strata=None, seed, n_boot: int = 2000) -> np.ndarray:
    """Row indices of ``n_boot`` resamples of ``n_rows`` rows, drawn with replacement.

    Parameters
    ----------
    n_rows : int >= 1
    strata : array-like, shape (n_rows,), optional
        A label per row (class, group). Row ``i`` of every resample is then drawn from the rows
        with the label of row ``i``: each stratum keeps its size and place.
    seed : int
        The same seed gives the same resamples.
    n_boot : int >= 100

    Returns
    -------
    ndarray of int, shape (n_boot, n_rows)
    """
    n_rows = _checks.integer(n_rows, name="n_rows", low=1)
    n_boot = _checks.integer(n_boot, name="n_boot", low=100, high=MAX_BOOT)
    if n_rows * n_boot > MAX_DRAWS:
        raise ValueError(f"n_rows × n_boot must be at most {MAX_DRAWS:,} draws, got {n_rows:,} × {n_boot:,}")
    rng = np.random.default_rng(_checks.seed(seed))
    if strata is None:
        return rng.integers(0, n_rows, size=(n_boot, n_rows))
    import pandas as pd

    labels = None if isinstance(strata, (str, bytes, dict, set)) else np.asarray(strata, dtype=object)
    if labels is None or labels.ndim != 1 or labels.size != n_rows:
        raise ValueError(f"strata must be a 1-D array of {n_rows} labels (one per row), got "
                         f"{_checks.show(strata)}")
    try:
        codes, names = pd.factorize(labels, use_na_sentinel=False)  # in order of first appearance
    except TypeError:
        raise TypeError("strata must hold hashable labels (str, int, ...), got "
                        f"{_checks.show(strata)}") from None
    members = [np.flatnonzero(codes == j) for j in range(len(names))]
    rows = np.empty((n_boot, n_rows), dtype=np.int64)
    for b in range(n_boot):
        for idx in members:
            rows[b, idx] = idx[rng.integers(0, idx.size, idx.size)]
    return rows


def percentile_interval(values, *, level: float = 0.95):
    """The central ``level`` interval of resampled ``values``, NaN left out.

    ``values`` of shape (n_boot,) gives ``(low, high)`` floats; shape (n_boot, k) gives two arrays
    of k (one interval per column; NaN for a column without a finite value).
    """
    level = _checks.real(level, name="level", low=0, high=1, low_open=True, high_open=True)
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged
        raise ValueError(f"values must be an array of shape (n_boot,) or (n_boot, k), got "
                         f"{_checks.show(values)}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"values must be an array of numbers, got {_checks.show(values)}")
    arr = arr.astype(float)
    if arr.ndim not in (1, 2) or arr.shape[0] == 0:
        raise ValueError(f"values must be a non-empty array of shape (n_boot,) or (n_boot, k), got "
                         f"shape {arr.shape}")
    tail = (1 - level) / 2 * 100
    if arr.ndim == 2:
        finite = np.isfinite(arr)
        empty = ~finite.any(axis=0)  # a column with nothing to read gives NaN, without a warning
        kept = np.where(finite, arr, np.where(empty, 0.0, np.nan))
        low, high = np.nanpercentile(kept, [tail, 100 - tail], axis=0)
        return np.where(empty, np.nan, low), np.where(empty, np.nan, high)
    finite = arr[np.isfinite(arr)]
    if not finite.size:
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_ci(y_true, scores, statistic, *, seed, n_boot: int = 2000, level: float = 0.95):
    """Percentile bootstrap interval of ``statistic(y_true, scores)``, resampling rows with replacement.

    Parameters
    ----------
    y_true : array-like of 0/1, shape (n_samples,)
    scores : array-like of float, shape (n_samples,)
    statistic : callable (y_true, scores) -> float, e.g. ``rseai.hallucination.calibration.auroc``
        or ``lambda y, s: y.mean()``; resamples where it is NaN (AUROC of one class) are left out.
    seed : int
        Seeds the resampling: the same seed gives the same interval.
    n_boot : int
        Number of resamples.
    level : float in (0, 1)
        Coverage of the interval.

    Returns
    -------
    (low, high) : tuple of float

    Example
    -------
    >>> y, s = [1, 0, 1, 0, 1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3, 0.4, 0.6, 0.7, 0.2]
    >>> low, high = bootstrap_ci(y, s, lambda y, s: y.mean(), seed=0, n_boot=500)
    >>> low < 0.5 < high <= 1.0
    True
    """
    y = _checks.binary_labels(y_true, name="y_true")
    s = _checks.scores(scores, name="scores", probabilities=False)
    _checks.same_length(y_true=y, scores=s)
    if not callable(statistic):
        raise TypeError(f"statistic must be a function (y_true, scores) -> float, got {statistic!r:.60}")
    level = _checks.real(level, name="level", low=0, high=1, low_open=True, high_open=True)
    rows = resample_rows(y.size, seed=seed, n_boot=n_boot)
    values = np.array([statistic(y[r], s[r]) for r in rows], dtype=float)
    if np.isfinite(values).sum() < len(rows) / 2:
        raise ValueError(f"statistic is undefined on most resamples ({np.isfinite(values).sum()} of "
                         f"{len(rows)} finite)")
    return percentile_interval(values, level=level)
