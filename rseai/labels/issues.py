"""Label errors made and found: flip an exact fraction of labels with a known mask (uniformly or
between look-alikes), then find them from out-of-fold probabilities with confident learning
(cleanlab; Northcutt et al., 2021, JAIR 70). A flagged label is a suspicion to review, not a
verdict. Leaves out feature-dependent noise and multi-label data.

Example
-------
>>> labels = np.repeat([0, 1, 2], 10)
>>> noisy, flipped = inject_noise(labels, rate=0.2, seed=0)
>>> int(flipped.sum()), bool(np.all((noisy != labels) == flipped))
(6, True)
>>> probs = np.array([[.9, .1], [.9, .1], [.1, .9], [.1, .9], [.1, .9], [.1, .9]])
>>> find_issues(np.array([0, 0, 0, 1, 1, 1]), probs)["index"].tolist()
[2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from rseai import _checks

# The talk's steel-sheet table: Andrew Ng, "A chat with Andrew on MLOps" (DeepLearning.AI, 2021,
# https://www.youtube.com/watch?v=06-AZXmwHic&t=148s), test accuracy of each approach.
TALK_STEEL_SHEETS = {"Baseline": 0.762, "Model-centric": 0.762, "Data-centric": 0.931}
# Look-alike handwritten digits: each digit is paired with one it is easily mistaken for.
DIGIT_LOOKALIKES = ((0, 6), (1, 7), (2, 5), (3, 8), (4, 9))
NOISE_KINDS = ("uniform", "pairwise")

# cleanlab.filter.find_label_issues(filter_by=...) accepts exactly these.
FILTER_METHODS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
                  "predicted_neq_given", "low_normalized_margin", "low_self_confidence")
ISSUE_COLUMNS = ["index", "given_label", "suggested_label", "label_quality"]


def out_of_fold_probs(estimator, X, labels, *, cv: int = 5, seed):
    """Each example's class probabilities, shape (n_samples, K), from a model fitted on the other folds."""
    _checks.has_attrs(estimator, name="estimator", attrs=("fit", "predict", "predict_proba"),
                      what="a scikit-learn classifier")
    cv = _checks.integer(cv, name="cv", low=2)
    labels = _checks.class_ids(labels, compact=True, min_count=cv,
                              because=f" (one per fold, cv={cv})")
    X = _checks.features(X, name="X", n_rows=labels.size)
    seed = _checks.seed(seed)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    try:
        pred_probs = cross_val_predict(estimator, X, labels, cv=folds, method="predict_proba")
    except (ValueError, FloatingPointError) as err:  # e.g. a scaler overflowing on huge values
        raise ValueError(f"the estimator failed on X (largest |value| {np.abs(X).max():.3g}): {err}") from err
    if not np.isfinite(pred_probs).all():
        raise ValueError(f"the estimator returned non-finite probabilities on X (largest |value| "
                         f"{np.abs(X).max():.3g}); rescale X")
    return pred_probs


def find_issues(labels, pred_probs, *, method: str = "prune_by_noise_rate"):
    """Suspected label errors, worst first: ``ISSUE_COLUMNS`` (``label_quality``: p of the given label)."""
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    labels = _checks.class_ids(labels)
    pred_probs = _checks.pred_probs(pred_probs, labels=labels)
    _checks.choice(method, name="method", options=FILTER_METHODS)
    mask = find_label_issues(labels, pred_probs, filter_by=method, n_jobs=1)
    quality = get_label_quality_scores(labels, pred_probs, method="self_confidence")
    index = np.flatnonzero(mask)
    index = index[np.argsort(quality[index], kind="stable")]
    return pd.DataFrame({"index": index, "given_label": labels[index],
                         "suggested_label": pred_probs[index].argmax(axis=1),
                         "label_quality": quality[index]}, columns=ISSUE_COLUMNS)


def inject_noise(labels, *, rate, kind: str = "uniform", seed, pairs=None):
    """``(noisy_labels, flipped)``: exactly ``round(rate * n)`` labels flipped, to any other class
    ("uniform") or to the partner in ``pairs`` ("pairwise", default ``DIGIT_LOOKALIKES``)."""
    clean = _checks.class_ids(labels)
    rate = _checks.real(rate, name="rate", low=0, high=1, high_open=True)
    rng = np.random.default_rng(_checks.seed(seed))
    _checks.choice(kind, name="kind", options=NOISE_KINDS)
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
                f"rate must be at most {eligible.size / clean.size:.3f} here (only {eligible.size} labels "
                f"belong to a class in pairs={sorted(partner.items())}), got {rate} ({n_flip} flips)"
            )
        chosen = rng.choice(eligible, size=n_flip, replace=False)
        noisy[chosen] = [partner[c] for c in clean[chosen]]
    return noisy, noisy != clean


def _partners(pairs, classes) -> dict[int, int]:
    what = "a sequence of (int, int) class pairs"
    if isinstance(pairs, (str, bytes)) or not hasattr(pairs, "__iter__") or any(
            isinstance(p, (str, bytes)) or not hasattr(p, "__iter__") for p in pairs):
        raise TypeError(f"pairs must be {what}, got {_checks.show(pairs)}")
    pairs = [tuple(_checks.integer(c, name="pairs", low=0) for c in p) for p in pairs]
    if any(len(p) != 2 or p[0] == p[1] for p in pairs):
        raise ValueError(f"pairs must hold pairs of two different classes, got {_checks.show(pairs)}")
    flat = [c for p in pairs for c in p]
    if len(flat) != len(set(flat)):
        raise ValueError(f"pairs must be disjoint (a class in one pair only), got {_checks.show(pairs)}")
    present = set(classes.tolist())
    partner = {a: b for p in pairs if set(p) <= present for a, b in (p, p[::-1])}
    if not partner:
        raise ValueError("pairs must hold a pair whose classes both occur in labels "
                         f"{_checks.show(sorted(present))}, got {_checks.show(pairs)}")
    return partner
