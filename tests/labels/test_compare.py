"""rseai.labels.cleaning's comparison (via rseai.labels): the three-row table and the noise sweep."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier

from rseai import labels as L
from rseai.data import load_digits


@pytest.fixture(scope="module")
def digits_split():
    df = load_digits()
    X, y = df.drop(columns="label").to_numpy(), df["label"].to_numpy()
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


def test_load_digits_shape_and_pixels():
    df = load_digits()
    assert df.shape == (1797, 65) and df["label"].nunique() == 10
    assert df.filter(like="pixel").to_numpy().min() == 0 and df.filter(like="pixel").to_numpy().max() == 16


def test_compare_approaches_table(digits_split):
    X_tr, X_te, y_tr, y_te = digits_split
    noisy, flipped = L.inject_noise(y_tr, rate=0.2, seed=0)
    knn = {"5-nearest neighbours": KNeighborsClassifier(5)}
    table = L.compare_approaches(X_tr, noisy, X_te, y_te, seed=0, search=knn)
    assert list(table.index) == ["Baseline", "Model-centric", "Data-centric"]
    assert {"accuracy", "change"} <= set(table.columns)
    np.testing.assert_allclose(table["change"], table["accuracy"] - table.loc["Baseline", "accuracy"])
    by_hand = clone(L.default_model()).fit(X_tr, noisy).score(X_te, y_te)
    assert table.loc["Baseline", "accuracy"] == pytest.approx(by_hand)
    # the search picks the best noisy-CV score among the fixed model and the kNN
    scores = table.attrs["search_cv_scores"]
    assert table.attrs["model_centric_choice"] == max(scores, key=scores.get) and len(scores) == 2
    # data-centric = the fixed model refitted without the issues, found on out-of-fold probs
    probs = L.out_of_fold_probs(L.default_model(), X_tr, noisy, seed=0)
    issues = L.find_issues(noisy, probs)
    assert table.attrs["issues"]["index"].tolist() == issues["index"].tolist()
    keep = np.setdiff1d(np.arange(noisy.size), issues["index"])
    refit = clone(L.default_model()).fit(X_tr[keep], noisy[keep]).score(X_te, y_te)
    assert table.loc["Data-centric", "accuracy"] == pytest.approx(refit)
    assert table.loc["Data-centric", "accuracy"] > table.loc["Baseline", "accuracy"]
    assert L.score_detection(issues, flipped)["precision"] > 0.8


def test_empty_search_keeps_the_fixed_model_and_relabel_works(digits_split):
    X_tr, X_te, y_tr, y_te = digits_split
    noisy, _ = L.inject_noise(y_tr, rate=0.1, kind="pairwise", seed=1)
    probs = L.out_of_fold_probs(L.default_model(), X_tr, noisy, seed=1)
    table = L.compare_approaches(X_tr, noisy, X_te, y_te, seed=1, search={}, fix="relabel", pred_probs=probs)
    assert table.loc["Model-centric", "change"] == 0
    assert table.loc["Data-centric", "n_fits"] == 1  # the probabilities were given
    issues = table.attrs["issues"]
    relabelled = noisy.copy()
    relabelled[issues["index"]] = issues["suggested_label"]
    refit = clone(L.default_model()).fit(X_tr, relabelled).score(X_te, y_te)
    assert table.loc["Data-centric", "accuracy"] == pytest.approx(refit)


def test_compare_approaches_bad_input(digits_split):
    X_tr, X_te, y_tr, y_te = digits_split
    with pytest.raises(ValueError, match=r"X_train must have one row per label \(1256\), got 1257 rows"):
        L.compare_approaches(X_tr, y_tr[:-1], X_te, y_te, seed=0)
    with pytest.raises(ValueError, match=r"X_test must have 64 features \(as in training\), got 63"):
        L.compare_approaches(X_tr, y_tr, X_te[:, 1:], y_te, seed=0)
    with pytest.raises(ValueError, match="fix must be one of"):
        L.compare_approaches(X_tr, y_tr, X_te, y_te, seed=0, fix="burn")
    with pytest.raises(ValueError, match="noisy_labels must hold at least 2 classes, got 1"):
        L.compare_approaches(X_tr, np.zeros_like(y_tr), X_te, y_te, seed=0)
    with pytest.raises(TypeError, match="search must be a dict"):
        L.compare_approaches(X_tr, y_tr, X_te, y_te, seed=0, search=[KNeighborsClassifier()])


def test_noise_sweep_rows(digits_split):
    X_tr, X_te, y_tr, y_te = digits_split
    sweep = L.noise_sweep(X_tr, y_tr, X_te, y_te, rates=[0.0, 0.3], kinds="pairwise", seed=0, search={})
    assert len(sweep) == 6 and set(sweep["approach"]) == {"Baseline", "Model-centric", "Data-centric"}
    base = sweep[sweep["approach"] == "Baseline"].set_index("rate")["accuracy"]
    assert base[0.3] < base[0.0]
    with pytest.raises(ValueError, match="rates"):
        L.noise_sweep(X_tr, y_tr, X_te, y_te, rates=[], seed=0)


def test_a_typo_fails_before_any_fit(digits_split):
    import time

    X_tr, X_te, y_tr, y_te = digits_split
    for kwargs, match in [({"method": "typo"}, "method must be one of"),
                          ({"fix": "burn"}, "fix must be one of"), ({"cv": 1}, "cv must be an int >= 2"),
                          ({"seed": -1}, "seed must be a non-negative"),
                          ({"search": {"x": None}}, r"search\['x'\] must be a scikit-learn classifier"),
                          ({"pred_probs": np.ones((3, 10))}, "pred_probs must have shape")]:
        start = time.perf_counter()
        with pytest.raises((ValueError, TypeError), match=match):
            L.compare_approaches(X_tr, y_tr, X_te, y_te, **({"seed": 0} | kwargs))
        assert time.perf_counter() - start < 1.0, kwargs  # was found only after ~56 model fits


def test_noise_sweep_checks_every_rate_and_kind_first(digits_split):
    import time

    X_tr, X_te, y_tr, y_te = digits_split
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"rates must be a finite number in \[0, 1\), got 1.5"):
        L.noise_sweep(X_tr, y_tr, X_te, y_te, rates=[0.1, 1.5], seed=0, search={})
    with pytest.raises(ValueError, match="kinds must be one of"):
        L.noise_sweep(X_tr, y_tr, X_te, y_te, rates=[0.1], kinds=["uniform", "bogus"], seed=0, search={})
    with pytest.raises(ValueError, match="method must be one of"):
        L.noise_sweep(X_tr, y_tr, X_te, y_te, rates=[0.1], method="typo", seed=0, search={})
    assert time.perf_counter() - start < 1.0
