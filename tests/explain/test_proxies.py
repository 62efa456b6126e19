"""Proxy AUROC: an input that is the group gives 1, noise gives about 0.5, the credit data's
housing carries age as notebook 03 measured."""

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from rseai.explain.attribution import proxy_auroc, proxy_table
from rseai.privacy.membership import credit_split


def test_a_perfect_proxy_and_pure_noise():
    rng = np.random.default_rng(0)
    groups = rng.choice(["young", "old"], 400)
    X = pd.DataFrame({"copy": np.where(groups == "young", "a", "b"), "noise": rng.normal(size=400)})
    assert proxy_auroc(X, groups, target="young", columns=["copy"]) == 1.0
    assert abs(proxy_auroc(X, groups, target="young", columns=["noise"]) - 0.5) < 0.08


def test_matches_a_direct_out_of_fold_computation():
    split = credit_split(seed=0)
    young = (split.groups_train == "under 25").astype(int)
    model = make_pipeline(make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["housing"])),
                          LogisticRegression(max_iter=1000))
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    p = cross_val_predict(model, split.X_train[["housing"]], young, cv=folds, method="predict_proba")[:, 1]
    got = proxy_auroc(split.X_train, split.groups_train, target="under 25", columns=["housing"])
    assert got == pytest.approx(roc_auc_score(young, p))
    assert got > 0.6   # young applicants rent more often (notebook 03)


def test_table_has_each_input_and_all_together():
    split = credit_split(seed=0)
    table = proxy_table(split.X_train[["housing", "purpose"]], split.groups_train, target="under 25")
    assert list(table.index[:-1]) == sorted(["housing", "purpose"], key=lambda c: -table[c])
    assert table.index[-1] == "all inputs together" and table.name == "AUROC for 'under 25'"


def test_bad_inputs_are_refused():
    X = pd.DataFrame({"a": [1.0, 2.0] * 10})
    with pytest.raises(TypeError, match="X must be a non-empty pandas DataFrame"):
        proxy_auroc(X.to_numpy(), ["x", "y"] * 10, target="x")
    with pytest.raises(ValueError, match="columns must be columns of X"):
        proxy_auroc(X, ["x", "y"] * 10, target="x", columns=["age"])
    with pytest.raises(ValueError, match="target must name a group with at least cv=5"):
        proxy_auroc(X, ["x", "y"] * 10, target="z")
    with pytest.raises(ValueError, match="lengths differ"):
        proxy_auroc(X, ["x", "y"], target="x")
