"""Finding label errors: out-of-fold probabilities, then confident learning with cleanlab
(Northcutt et al., 2021, JAIR 70). A flagged label is a suspicion to review, not a verdict.

Example
-------
>>> import numpy as np
>>> labels = np.array([0, 0, 0, 1, 1, 1])
>>> probs = np.array([[.9, .1], [.9, .1], [.1, .9], [.1, .9], [.1, .9], [.1, .9]])
>>> find_issues(labels, probs)["index"].tolist()
[2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from rseai import _checks

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
