"""Which inputs drive a tabular model: permutation importance (scikit-learn) and SHAP values.

``permutation_table`` (global): the loss with one raw input shuffled; ``shap_table`` (local): each
input's push on *this* person's log-odds. Leaves out interactions, other explainers, causal claims.

Example
-------
>>> import numpy as np, pandas as pd
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> X = pd.DataFrame({"a": [0., 1, 2, 3, 4, 5], "b": [1., 0, 1, 0, 1, 0]})
>>> model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, [0, 0, 0, 1, 1, 1])
>>> values, base = shap_table(model, X, X)
>>> bool(np.allclose(values.sum(axis=1) + base, model.decision_function(X)))
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rseai import _checks


def _frame(X, name: str):
    return _checks.frame(X, name=name, what="a non-empty pandas DataFrame of the model's input columns")


def permutation_table(model, X, y, *, seed: int = 0, n_repeats: int = 10, scoring: str = "roc_auc"):
    """The drop in ``scoring`` of a fitted ``model`` when each column of ``X`` (DataFrame, shape
    (n_samples, n_inputs), best held out) is shuffled: ``importance`` (mean) and ``sd``, largest first."""
    from sklearn.inspection import permutation_importance

    X = _frame(X, "X")
    _checks.has_attrs(model, name="model", attrs=("predict",), what="a fitted scikit-learn estimator")
    seed = _checks.seed(seed)
    n_repeats = _checks.integer(n_repeats, name="n_repeats", low=1, high=1000)
    _checks.same_length(X=X, y=y)
    result = permutation_importance(model, X, np.asarray(y), n_repeats=n_repeats, random_state=seed,
                                    scoring=scoring)
    table = pd.DataFrame({"importance": result.importances_mean, "sd": result.importances_std},
                         index=X.columns)
    return table.rename_axis("input").sort_values("importance", ascending=False)


def input_of_columns(encoded_names, inputs) -> list[str]:
    """The raw input behind each encoded column name (``"onehotencoder__housing_own"`` -> ``"housing"``)."""
    inputs = sorted(_checks.names(list(inputs), name="inputs"), key=len, reverse=True)  # longest match first
    found = []
    for full in encoded_names:
        name = str(full).split("__", 1)[-1]
        match = next((i for i in inputs if name == i or name.startswith(i + "_")), None)
        if match is None:
            raise ValueError(f"encoded column {full!r} matches none of the inputs {sorted(inputs)}")
        found.append(match)
    return found


def shap_table(model, X_background, X_explain):
    """``(values, base)``: SHAP values (log-odds), shape (n_people, n_inputs), of ``X_explain`` for a
    Pipeline ending in a binary linear classifier; ``values.sum(axis=1) + base``: each log-odds."""
    import shap

    X_background, X_explain = _frame(X_background, "X_background"), _frame(X_explain, "X_explain")
    steps = getattr(model, "steps", None)
    if not steps or not hasattr(steps[-1][1], "coef_") or np.ndim(steps[-1][1].coef_) != 2 or len(
            steps[-1][1].coef_) != 1:
        raise TypeError(f"model must be a fitted Pipeline ending in a binary linear classifier, got "
                        f"{_checks.show(model)}")
    encode, linear = model[:-1], steps[-1][1]
    background = np.asarray(encode.transform(X_background), dtype=np.float64)
    explain = np.asarray(encode.transform(X_explain), dtype=np.float64)
    masker = shap.maskers.Independent(background, max_samples=len(background))  # every row: exact means
    explanation = shap.LinearExplainer(linear, masker)(explain)
    columns = input_of_columns(encode.get_feature_names_out(), X_explain.columns)
    per_column = pd.DataFrame(explanation.values, columns=columns, index=X_explain.index)
    values = per_column.T.groupby(level=0, sort=False).sum().T
    values = values.reindex(columns=X_explain.columns, fill_value=0.0)  # an input the encoder drops: 0
    return values, float(np.ravel(explanation.base_values)[0])
