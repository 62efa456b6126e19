"""Tests for rseai.labels: noise injection, out-of-fold probabilities, issue finding, scoring."""

import numpy as np
import pandas as pd
import pytest
from cleanlab.filter import find_label_issues
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from rseai import labels as L

CLEAN = np.repeat(np.arange(10), 20)


@settings(max_examples=40, deadline=None)
@given(rate=st.floats(0, 0.79), seed=st.integers(0, 10_000), kind=st.sampled_from(["uniform", "pairwise"]))
def test_inject_noise_flips_exactly_the_rate(rate, seed, kind):
    noisy, flipped = L.inject_noise(CLEAN, rate=rate, kind=kind, seed=seed)
    assert flipped.sum() == round(rate * CLEAN.size)
    np.testing.assert_array_equal(flipped, noisy != CLEAN)
    assert set(noisy.tolist()) <= set(CLEAN.tolist())


def test_inject_noise_is_reproducible_by_seed_and_leaves_input_alone():
    before = CLEAN.copy()
    a, _ = L.inject_noise(CLEAN, rate=0.3, seed=7)
    b, _ = L.inject_noise(CLEAN, rate=0.3, seed=7)
    c, _ = L.inject_noise(CLEAN, rate=0.3, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(CLEAN, before)
    state = np.random.get_state()[1].copy()
    L.inject_noise(CLEAN, rate=0.3, seed=1)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_uniform_noise_reaches_every_other_class():
    clean = np.repeat(np.arange(4), 500)
    noisy, flipped = L.inject_noise(clean, rate=0.6, seed=0)
    moved = pd.crosstab(clean[flipped], noisy[flipped])
    assert (np.diag(moved.to_numpy()) == 0).all()
    off = moved.to_numpy()[~np.eye(4, dtype=bool)]
    assert off.min() > 0.7 * off.mean()  # 1200 flips over 12 cells: ~100 each


def test_pairwise_noise_only_swaps_the_named_pairs():
    noisy, flipped = L.inject_noise(CLEAN, rate=0.5, kind="pairwise", seed=3)
    partner = {a: b for p in L.DIGIT_LOOKALIKES for a, b in (p, p[::-1])}
    assert all(noisy[i] == partner[CLEAN[i]] for i in np.flatnonzero(flipped))
    noisy, flipped = L.inject_noise(CLEAN, rate=0.1, kind="pairwise", seed=3, pairs=[(1, 7)])
    assert set(CLEAN[flipped]) <= {1, 7} and flipped.sum() == 20
    assert ((CLEAN[flipped] == 1) == (noisy[flipped] == 7)).all()


def test_rate_zero_flips_nothing():
    noisy, flipped = L.inject_noise(CLEAN, rate=0.0, seed=0)
    assert not flipped.any() and np.array_equal(noisy, CLEAN)


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"rate": 1.0}, ValueError, r"rate must be a finite number in \[0, 1\)"),
        ({"rate": -0.1}, ValueError, r"rate must be a finite number in \[0, 1\)"),
        ({"rate": "0.2"}, TypeError, "rate must be a number"),
        ({"rate": 0.1, "kind": "random"}, ValueError, "kind must be one of"),
        ({"rate": 0.1, "seed": None}, TypeError, "seed"),
        ({"rate": 0.9, "kind": "pairwise", "pairs": [(1, 7)]}, ValueError, "rate must be at most 0.200 here"),
        ({"rate": 0.1, "kind": "pairwise", "pairs": [(1, 7), (7, 2)]}, ValueError, "disjoint"),
        ({"rate": 0.1, "kind": "pairwise", "pairs": [(11, 12)]}, ValueError, "pairs must hold a pair whose"),
        ({"rate": 0.1, "kind": "pairwise", "pairs": "17"}, TypeError, "pairs"),
    ],
)
def test_inject_noise_bad_input(kwargs, error, text):
    kwargs.setdefault("seed", 0)
    with pytest.raises(error, match=text):
        L.inject_noise(CLEAN, **kwargs)


@pytest.mark.parametrize(
    "labels, error, text",
    [([3, 3, 3], ValueError, "must hold at least 2 classes, got 1"), ([0.5, 1, 2], ValueError, "integer"),
     ([], ValueError, "non-empty"), (["a", "b"], TypeError, "integer"), ([True, False], TypeError, "integer"),
     ([-1, 0, 1], ValueError, "non-neg")],
)
def test_labels_are_validated(labels, error, text):
    with pytest.raises(error, match=text):
        L.inject_noise(labels, rate=0.1, seed=0)


class Memoriser(ClassifierMixin, BaseEstimator):
    """Predicts the stored label for a row it was trained on, uniform probabilities otherwise."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.memory_ = {row.tobytes(): label for row, label in zip(np.asarray(X), y)}
        return self

    def predict_proba(self, X):
        probs = np.full((len(X), self.classes_.size), 1 / self.classes_.size)
        for i, row in enumerate(np.asarray(X)):
            if row.tobytes() in self.memory_:
                probs[i] = self.classes_ == self.memory_[row.tobytes()]
        return probs

    def predict(self, X):  # scikit-learn's cross-validation asks every classifier for it
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _blobs(n_per_class=30, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0], [6, 0], [0, 6]])
    X = np.vstack([c + rng.normal(size=(n_per_class, 2)) for c in centres])
    return X, np.repeat(np.arange(3), n_per_class)


def test_out_of_fold_probs_never_see_their_own_label():
    X, y = _blobs()
    X = X + np.arange(len(X))[:, None] * 1e-3  # every row distinct
    assert (Memoriser().fit(X, y).predict_proba(X).max(axis=1) == 1).all()  # it does memorise
    probs = L.out_of_fold_probs(Memoriser(), X, y, cv=5, seed=0)
    np.testing.assert_allclose(probs, 1 / 3)  # ... but out of fold it never saw a row's label


def test_out_of_fold_probs_match_sklearn_cross_val_predict():
    X, y = _blobs()
    model = LogisticRegression()
    ours = L.out_of_fold_probs(model, X, y, cv=4, seed=2)
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=2)
    theirs = cross_val_predict(model, X, y, cv=folds, method="predict_proba")
    np.testing.assert_allclose(ours, theirs)
    np.testing.assert_allclose(ours.sum(axis=1), 1)


def test_out_of_fold_probs_bad_input():
    X, y = _blobs()
    with pytest.raises(ValueError, match=r"X must have one row per label \(89\), got 90 rows"):
        L.out_of_fold_probs(LogisticRegression(), X, y[:-1], seed=0)
    with pytest.raises(ValueError, match="labels must hold every class at least 5 times"):
        L.out_of_fold_probs(LogisticRegression(), X[:33], y[:33], seed=0)
    with pytest.raises(TypeError, match="predict_proba"):
        L.out_of_fold_probs(object(), X, y, seed=0)
    with pytest.raises(ValueError, match="cv must be an int >= 2, got 1"):
        L.out_of_fold_probs(LogisticRegression(), X, y, cv=1, seed=0)
    with pytest.raises(ValueError, match="2-D"):
        L.out_of_fold_probs(LogisticRegression(), X[:, 0], y, seed=0)


def test_find_issues_finds_a_planted_error():
    X, y = _blobs()
    noisy = y.copy()
    noisy[5] = 2  # a point in the middle of class 0's blob, labelled 2
    probs = L.out_of_fold_probs(LogisticRegression(), X, noisy, seed=0)
    issues = L.find_issues(noisy, probs)
    assert list(issues.columns) == ["index", "given_label", "suggested_label", "label_quality"]
    assert issues.iloc[0].tolist()[:3] == [5, 2, 0]
    assert issues["label_quality"].is_monotonic_increasing
    np.testing.assert_allclose(issues["label_quality"], probs[issues["index"], noisy[issues["index"]]])


@pytest.mark.parametrize("method", L.FILTER_METHODS)
def test_find_issues_flags_what_cleanlab_flags(method):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4), 25)
    probs = rng.dirichlet(np.ones(4) * 0.5, size=100)
    probs[np.arange(100), labels] += 1.5
    probs /= probs.sum(axis=1, keepdims=True)
    noisy, _ = L.inject_noise(labels, rate=0.2, seed=0)
    expected = np.flatnonzero(find_label_issues(noisy, probs, filter_by=method))
    assert sorted(L.find_issues(noisy, probs, method=method)["index"]) == expected.tolist()


def test_find_issues_bad_input():
    labels = np.array([0, 1, 0, 1])
    good = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    with pytest.raises(ValueError, match="rows must be probabilities summing to 1, got row 1 summing to 0.9"):
        L.find_issues(labels, np.array([[0.9, 0.1], [0.1, 0.8], [0.6, 0.4], [0.3, 0.7]]))
    with pytest.raises(ValueError, match=r"shape \(len\(labels\), n_classes\) = \(4"):
        L.find_issues(labels, good[:3])
    with pytest.raises(ValueError, match="must have a column per class, got 2 columns but labels go up to"):
        L.find_issues(np.array([0, 1, 2, 1]), good)
    with pytest.raises(TypeError, match="numpy array"):
        L.find_issues(labels, good.tolist())
    with pytest.raises(ValueError, match="method must be one of"):
        L.find_issues(labels, good, method="magic")


def test_score_detection_hand_counts():
    flipped = np.array([True, True, False, False, True])
    s = L.score_detection(np.array([0, 2]), flipped)
    assert (s["n_found"], s["n_flipped"], s["n_correct"]) == (2, 3, 1)
    assert s["precision"] == 0.5 and s["recall"] == pytest.approx(1 / 3) and s["f1"] == pytest.approx(0.4)
    frame = pd.DataFrame({"index": [0, 2]})
    assert L.score_detection(frame, flipped) == s
    assert L.score_detection(np.array([True, False, True, False, False]), flipped) == s
    assert L.score_detection(np.array([], dtype=int), flipped)["precision"] == 1.0
    with pytest.raises(ValueError, match="positions in 0..4"):
        L.score_detection(np.array([7]), flipped)
    with pytest.raises(TypeError, match="boolean mask"):
        L.score_detection(np.array([0]), np.array([1, 0]))


# Regressions from issue #13 item 6: checked before any fit, in our words.

def test_out_of_fold_probs_refuses_nan_features_in_its_own_words():
    X, y = _blobs()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="^X must hold finite numbers, got 1 NaN"):  # not sklearn's message
        L.out_of_fold_probs(LogisticRegression(), X, y, seed=0)


def test_out_of_fold_probs_refuses_sparse_class_ids_at_once():
    import time

    X, _ = _blobs()
    y = np.repeat([0, 10**8], 45)
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"labels must hold class ids 0..K-1 with every id present, got 2 "
                                         r"classes \[0, 100000000\]"):
        L.out_of_fold_probs(LogisticRegression(), X, y, seed=0)
    assert time.perf_counter() - start < 0.5  # was 8.4 s and a list of 10**8 counts


@pytest.mark.parametrize("call", [
    lambda: L.inject_noise(CLEAN, rate=0.1, seed=-1),
    lambda: L.out_of_fold_probs(LogisticRegression(), *_blobs(), seed=-3),
])
def test_negative_seeds_are_refused(call):
    with pytest.raises(ValueError, match="seed must be a non-negative int, got -"):
        call()


def test_numpy_scalars_are_accepted():
    noisy, flipped = L.inject_noise(CLEAN, rate=np.float32(0.2), seed=np.int64(0))
    ref, ref_flipped = L.inject_noise(CLEAN, rate=0.2, seed=0)
    assert np.array_equal(noisy, ref) and np.array_equal(flipped, ref_flipped)
