"""Permutation importance against a shuffle by hand; SHAP values against the linear formula."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from rseai.explain.attribution import input_of_columns, permutation_table, shap_table
from rseai.privacy.membership import credit_split, encoder


@pytest.fixture(scope="module")
def credit():
    split = credit_split(seed=0)
    model = make_pipeline(encoder(), LogisticRegression(max_iter=1000)).fit(split.X_train, split.y_train)
    return split, model


def test_shap_values_are_coef_times_distance_from_the_mean(credit):
    split, model = credit
    values, base = shap_table(model, split.X_train, split.X_test.iloc[:20])
    Z, Zt = model[0].transform(split.X_train), model[0].transform(split.X_test.iloc[:20])
    per_column = model[-1].coef_[0] * (Zt - Z.mean(axis=0))
    owners = input_of_columns(model[0].get_feature_names_out(), split.X_train.columns)
    for name in split.X_train.columns:
        cols = [i for i, o in enumerate(owners) if o == name]
        assert np.allclose(values[name], per_column[:, cols].sum(axis=1), atol=1e-10), name
    assert base == pytest.approx(model[-1].intercept_[0] + model[-1].coef_[0] @ Z.mean(axis=0))
    assert np.allclose(values.sum(axis=1) + base, model.decision_function(split.X_test.iloc[:20]))


def test_permutation_importance_is_the_mean_drop_in_auroc(credit):
    split, model = credit
    table = permutation_table(model, split.X_test, split.y_test, seed=0, n_repeats=30)
    assert list(table.index)[0] == "checking_account" and table["importance"].is_monotonic_decreasing
    full = roc_auc_score(split.y_test, model.predict_proba(split.X_test)[:, 1])
    rng = np.random.default_rng(1)  # our own shuffles: the same quantity, other draws
    drops = []
    for _ in range(30):
        shuffled = split.X_test.copy()
        shuffled["checking_account"] = rng.permutation(split.X_test["checking_account"].to_numpy())
        drops.append(full - roc_auc_score(split.y_test, model.predict_proba(shuffled)[:, 1]))
    row = table.loc["checking_account"]
    noise = np.hypot(row["sd"], np.std(drops)) / np.sqrt(30)
    assert abs(np.mean(drops) - row["importance"]) < 3 * noise and row["importance"] > 0.1


def test_input_of_columns_takes_the_longest_matching_input():
    names = ["onehotencoder__saving_accounts_rich", "onehotencoder__saving_little", "minmaxscaler__job"]
    found = input_of_columns(names, ["saving", "saving_accounts", "job"])
    assert found == ["saving_accounts", "saving", "job"]
    with pytest.raises(ValueError, match="matches none of the inputs"):
        input_of_columns(["x__age"], ["job"])


def test_bad_inputs_are_refused(credit):
    split, model = credit
    with pytest.raises(TypeError, match="X must be a non-empty pandas DataFrame"):
        permutation_table(model, split.X_test.to_numpy(), split.y_test)
    with pytest.raises(ValueError, match="n_repeats must be an int in"):
        permutation_table(model, split.X_test, split.y_test, n_repeats=0)
    with pytest.raises(ValueError, match="lengths differ"):
        permutation_table(model, split.X_test, split.y_test[:10])
    with pytest.raises(TypeError, match="model must be a fitted Pipeline ending in a binary linear"):
        shap_table(LogisticRegression(), split.X_train, split.X_test)
    with pytest.raises(TypeError, match="X_explain must be a non-empty pandas DataFrame"):
        shap_table(model, split.X_train, pd.DataFrame())
