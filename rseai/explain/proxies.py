"""Proxy variables: can the model's inputs stand in for a protected attribute it never sees?

The out-of-fold AUROC of a logistic regression recognising one group (0.5: the inputs reveal
nothing). Leaves out non-linear proxies (the AUROC is a lower bound).

Example
-------
>>> import pandas as pd
>>> X = pd.DataFrame({"rents": ["yes", "no"] * 20, "noise": [1.0, 3.0, 2.0, 4.0] * 10})
>>> groups = ["young", "old"] * 20
>>> round(proxy_auroc(X, groups, target="young", columns=["rents"]), 2)
1.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rseai import _checks, metrics


def _model(X):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), text),
                                     remainder=StandardScaler())
    return make_pipeline(encode, LogisticRegression(max_iter=1000))


def _inputs(X, groups, target, columns, cv):
    _checks.frame(X, name="X")
    columns = list(X.columns) if columns is None else list(_checks.names(columns, name="columns"))
    unknown = [c for c in columns if c not in X.columns]
    if unknown:
        raise ValueError(f"columns must be columns of X {list(X.columns)}, got {unknown}")
    groups = np.asarray(groups, dtype=object)
    _checks.same_length(X=X, groups=groups)
    is_target = groups == target
    cv = _checks.integer(cv, name="cv", low=2, high=50)
    if min(is_target.sum(), (~is_target).sum()) < cv:
        raise ValueError(f"target must name a group with at least cv={cv} members and non-members, got "
                         f"{_checks.show(target)} with {int(is_target.sum())} of {len(groups)}")
    return columns, is_target.astype(int), cv


def proxy_auroc(X, groups, *, target, columns=None, cv: int = 5, seed: int = 0) -> float:
    """Out-of-fold AUROC of a logistic regression telling ``target`` from the other ``groups``
    (shape (n_samples,)) using ``columns`` (default: all) of ``X`` (DataFrame, shape (n_samples,
    n_inputs)); ``cv`` folds shuffled with ``seed``."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    columns, y, cv = _inputs(X, groups, target, columns, cv)
    folds = StratifiedKFold(cv, shuffle=True, random_state=_checks.seed(seed))
    probs = cross_val_predict(_model(X[columns]), X[columns], y, cv=folds, method="predict_proba")[:, 1]
    return metrics.auroc(y, probs)


def proxy_table(X, groups, *, target, cv: int = 5, seed: int = 0):
    """``proxy_auroc`` of each input alone and of all together, largest first (a pandas Series)."""
    _inputs(X, groups, target, None, cv)
    table = pd.Series({c: proxy_auroc(X, groups, target=target, columns=[c], cv=cv, seed=seed)
                       for c in X.columns})
    table = table.sort_values(ascending=False)
    table["all inputs together"] = proxy_auroc(X, groups, target=target, cv=cv, seed=seed)
    return table.rename(f"AUROC for {target!r}")
