"""Noisy labels: inject them with a known mask, find them with confident learning, measure the fix.

Covers the talk's data-centric slide ("Steel sheets defect detection: baseline 76.2%,
model-centric +0%, data-centric +16.9%") as an experiment anyone can rerun on real images:

- ``inject_noise`` flips an exact fraction of labels (``uniform`` or look-alike ``pairwise``
  swaps) and returns the mask of what it flipped, so detection can be scored;
- ``out_of_fold_probs`` gives each example predicted probabilities from a model that never saw
  its label (the input confident learning needs);
- ``find_issues`` ranks suspected label errors with cleanlab (Northcutt et al., 2021, "Confident
  learning: estimating uncertainty in dataset labels", JAIR 70);
- ``score_detection`` scores them against the known mask and ``compare_approaches`` builds the
  talk's three-row table (both in ``rseai.label_compare``, re-exported here);
- ``data_quality_report`` audits a frame (in ``rseai.data_quality``).

It leaves out label noise that depends on the features (hard, ambiguous images are mislabelled
more often in real data), multi-label data and relabelling by people; a flagged label is a
suspicion to review, not a verdict.

Example
-------
>>> import numpy as np
>>> noisy, flipped = inject_noise(np.repeat([0, 1, 2], 10), rate=0.2, seed=0)
>>> int(flipped.sum()), bool(np.all((noisy != np.repeat([0, 1, 2], 10)) == flipped))
(6, True)
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

# The talk's table (steel-sheet defect detection, 39 defect classes), as presented in Andrew Ng's
# "A chat with Andrew on MLOps: from model-centric to data-centric AI" (DeepLearning.AI, 2021,
# https://www.youtube.com/watch?v=06-AZXmwHic&t=148s): test accuracy of each approach.
TALK_STEEL_SHEETS = {"Baseline": 0.762, "Model-centric": 0.762, "Data-centric": 0.931}
# Look-alike handwritten digits: each digit is paired with one it is easily mistaken for.
DIGIT_LOOKALIKES = ((0, 6), (1, 7), (2, 5), (3, 8), (4, 9))
NOISE_KINDS = ("uniform", "pairwise")
# cleanlab.filter.find_label_issues(filter_by=...) accepts exactly these.
FILTER_METHODS = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
ISSUE_COLUMNS = ["index", "given_label", "suggested_label", "label_quality"]


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def _as_labels(labels, *, name: str = "labels", min_classes: int = 2) -> np.ndarray:
    """A 1-D int array of class ids 0, 1, ... (ints given as floats like 3.0 are accepted)."""
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"{name} must be a 1-D array of integer class ids, got {labels!r}")
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold integer class ids 0..K-1, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or arr.min() < 0:
        raise ValueError(f"{name} must hold non-negative integer class ids, got values {np.unique(arr)[:10]}")
    arr = arr.astype(int)
    n_classes = len(np.unique(arr))
    if n_classes < min_classes:
        raise ValueError(
            f"{name} has {n_classes} class(es) ({np.unique(arr).tolist()}); at least {min_classes} are needed"
        )
    return arr


def _check_rate(rate) -> float:
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real):
        raise TypeError(f"rate must be a number in [0, 1), got {rate!r}")
    if not 0 <= rate < 1:
        raise ValueError(f"rate must be in [0, 1) (a fraction of labels to flip), got {rate!r}")
    return float(rate)


def inject_noise(labels, *, rate, kind: str = "uniform", seed, pairs=None):
    """Flip exactly ``round(rate * n)`` labels, chosen at random; return them and the flip mask.

    Parameters
    ----------
    labels : array-like of int, shape (n_samples,)
        Clean class ids; at least two classes.
    rate : float in [0, 1)
        Fraction of *all* labels to flip.
    kind : {"uniform", "pairwise"}
        ``uniform``: a flipped label becomes any other class present, equally likely.
        ``pairwise``: a flipped label becomes its look-alike partner from ``pairs``; only
        examples whose class is in a pair can be flipped (class-conditional noise, the kind
        annotators make).
    seed : int
        Seed of the private random generator (global state is untouched).
    pairs : sequence of (int, int), optional
        Disjoint class pairs for ``pairwise``; default ``DIGIT_LOOKALIKES`` (pairs whose classes
        are not both present are skipped).

    Returns
    -------
    noisy_labels : ndarray of int, shape (n_samples,)
    flipped : ndarray of bool, shape (n_samples,)
        True where ``noisy_labels != labels``.
    """
    clean = _as_labels(labels)
    rate = _check_rate(rate)
    rng = np.random.default_rng(_check_seed(seed))
    if kind not in NOISE_KINDS:
        raise ValueError(f"kind must be one of {NOISE_KINDS}, got {kind!r}")
    n_flip = int(round(rate * clean.size))
    classes = np.unique(clean)
    noisy = clean.copy()
    if kind == "uniform":
        chosen = rng.choice(clean.size, size=n_flip, replace=False)
        for i in chosen:  # any other class present, equally likely
            noisy[i] = rng.choice(classes[classes != clean[i]])
    else:
        partner = _partners(DIGIT_LOOKALIKES if pairs is None else pairs, classes)
        eligible = np.flatnonzero(np.isin(clean, list(partner)))
        if n_flip > eligible.size:
            raise ValueError(
                f"rate={rate} asks for {n_flip} pairwise flips but only {eligible.size} labels belong "
                f"to a class in pairs={sorted(partner.items())}; use a rate up to "
                f"{eligible.size / clean.size:.3f}"
            )
        chosen = rng.choice(eligible, size=n_flip, replace=False)
        noisy[chosen] = [partner[c] for c in clean[chosen]]
    return noisy, noisy != clean


def _partners(pairs, classes) -> dict[int, int]:
    if isinstance(pairs, (str, bytes)):
        raise TypeError(f"pairs must be a sequence of (int, int) class pairs, got {pairs!r}")
    try:
        pairs = [tuple(int(c) for c in p) for p in pairs]
    except (TypeError, ValueError):
        raise TypeError(f"pairs must be a sequence of (int, int) class pairs, got {pairs!r}") from None
    if any(len(p) != 2 or p[0] == p[1] for p in pairs):
        raise ValueError(f"pairs must hold pairs of two different classes, got {pairs!r}")
    flat = [c for p in pairs for c in p]
    if len(flat) != len(set(flat)):
        raise ValueError(f"pairs must be disjoint (a class in one pair only), got {pairs!r}")
    present = set(classes.tolist())
    partner = {}
    for a, b in pairs:
        if a in present and b in present:
            partner[a], partner[b] = b, a
    if not partner:
        raise ValueError(f"no pair in {pairs!r} has both classes among the labels' classes {sorted(present)}")
    return partner


def out_of_fold_probs(estimator, X, labels, *, cv: int = 5, seed):
    """Predicted class probabilities for each example from a model trained without it.

    The data are split into ``cv`` stratified folds; each fold is predicted by a clone of
    ``estimator`` fitted on the other folds, so no example's own (possibly wrong) label
    influences its probabilities: what ``cleanlab`` needs.

    Parameters
    ----------
    estimator : scikit-learn classifier with ``predict_proba``
    X : array-like, shape (n_samples, n_features)
    labels : array-like of int, shape (n_samples,)
        Class ids 0..K-1, each class present at least ``cv`` times.
    cv : int, >= 2
    seed : int
        Seeds the fold shuffle.

    Returns
    -------
    pred_probs : ndarray, shape (n_samples, K)
        Rows sum to 1.
    """
    if not (hasattr(estimator, "fit") and hasattr(estimator, "predict_proba")):
        raise TypeError(f"estimator must have fit and predict_proba, got {type(estimator).__name__}")
    labels = _as_labels(labels)
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] != labels.size:
        raise ValueError(f"X has {X.shape[0]} rows but labels has {labels.size}; they must match")
    if isinstance(cv, bool) or not isinstance(cv, numbers.Integral) or cv < 2:
        raise ValueError(f"cv must be an int >= 2 (number of folds), got {cv!r}")
    n_classes = labels.max() + 1
    counts = np.bincount(labels, minlength=n_classes)
    if counts.min() < cv:
        raise ValueError(
            f"labels must hold every class 0..{n_classes - 1} at least cv={cv} times; counts are "
            f"{counts.tolist()}"
        )
    folds = StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=_check_seed(seed))
    pred_probs = np.zeros((labels.size, n_classes))
    for train, held_out in folds.split(X, labels):
        model = clone(estimator).fit(X[train], labels[train])
        pred_probs[np.ix_(held_out, model.classes_)] = model.predict_proba(X[held_out])
    return pred_probs


def _check_probs(labels, pred_probs):
    labels = _as_labels(labels)
    if not isinstance(pred_probs, np.ndarray):
        raise TypeError(f"pred_probs must be a numpy array, got {type(pred_probs).__name__}")
    if pred_probs.ndim != 2 or pred_probs.shape[0] != labels.size or pred_probs.shape[1] < 2:
        raise ValueError(
            f"pred_probs must have shape (n_samples, n_classes) = ({labels.size}, K >= 2), "
            f"got {pred_probs.shape}"
        )
    if labels.max() >= pred_probs.shape[1]:
        raise ValueError(f"labels go up to {labels.max()} but pred_probs has {pred_probs.shape[1]} columns")
    sums = pred_probs.sum(axis=1)
    if not np.all(np.isfinite(pred_probs)) or pred_probs.min() < 0 or not np.allclose(sums, 1, atol=1e-3):
        bad = int(np.argmax(np.abs(sums - 1)))
        raise ValueError(
            f"pred_probs rows must be probabilities summing to 1; row {bad} sums to {sums[bad]:.4f}"
        )
    return labels, pred_probs


def find_issues(labels, pred_probs, *, method: str = "prune_by_noise_rate"):
    """Suspected label errors found by cleanlab, ranked worst first.

    Parameters
    ----------
    labels : array-like of int, shape (n_samples,)
        The given (possibly noisy) labels.
    pred_probs : ndarray, shape (n_samples, n_classes)
        Out-of-fold predicted probabilities (see ``out_of_fold_probs``).
    method : str
        cleanlab's ``filter_by``: one of ``FILTER_METHODS``.

    Returns
    -------
    DataFrame with columns ``index`` (position in the data), ``given_label``,
    ``suggested_label`` (the most probable class) and ``label_quality`` (cleanlab's
    self-confidence, the probability of the given label: low is suspicious), worst first.
    """
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    labels, pred_probs = _check_probs(labels, pred_probs)
    if method not in FILTER_METHODS:
        raise ValueError(f"method must be one of cleanlab's filter_by values {FILTER_METHODS}, "
                         f"got {method!r}")
    mask = find_label_issues(labels, pred_probs, filter_by=method, n_jobs=1)
    quality = get_label_quality_scores(labels, pred_probs, method="self_confidence")
    index = np.flatnonzero(mask)
    index = index[np.argsort(quality[index], kind="stable")]
    return pd.DataFrame(
        {
            "index": index,
            "given_label": labels[index],
            "suggested_label": pred_probs[index].argmax(axis=1),
            "label_quality": quality[index],
        },
        columns=ISSUE_COLUMNS,
    )


from rseai.data_quality import data_quality_report, population_stability_index  # noqa: E402
from rseai.label_compare import (  # noqa: E402
    compare_approaches,
    default_model,
    noise_sweep,
    quick_search_space,
    score_detection,
    search_space,
)

__all__ = [
    "TALK_STEEL_SHEETS", "DIGIT_LOOKALIKES", "NOISE_KINDS", "FILTER_METHODS", "inject_noise",
    "out_of_fold_probs",
    "find_issues", "score_detection", "compare_approaches", "default_model", "search_space",
    "quick_search_space", "noise_sweep",
    "data_quality_report", "population_stability_index",
]
