"""rseai.risk.costs: costs equal the formula, the sweep's optimum
equals brute force and sklearn's TunedThresholdClassifierCV, and bad input is refused clearly."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics

from rseai import risk


@st.composite
def labels_and_scores(draw):
    y_true = np.array(draw(st.lists(st.integers(0, 1), min_size=1, max_size=80)))
    # a coarse grid forces many ties, the hard case for a cumulative-count sweep
    scores = np.array(draw(st.lists(st.integers(0, 20), min_size=len(y_true), max_size=len(y_true)))) / 20
    return y_true, scores


def test_confusion_known_answer_and_slide_layout():
    c = risk.confusion([1, 1, 0, 0, 0], [True, False, True, False, False])
    assert (c.tp, c.fp, c.fn, c.tn) == (1, 1, 1, 2)
    assert c.matrix.tolist() == [[1, 1], [1, 2]]  # rows actual P/N, columns predicted P/N
    assert c.as_dict()["fnr"] == 0.5 and c.accuracy == 0.6 and c.selection_rate == 0.4


def test_accuracy_paradox_always_negative_is_99_percent_accurate_and_misses_everything():
    y_true = np.r_[np.ones(100, int), np.zeros(9900, int)]
    c = risk.confusion(y_true, np.zeros_like(y_true))
    assert c.accuracy == 0.99 and c.fnr == 1.0 and c.type_ii == 100 and c.type_i == 0
    assert math.isnan(c.precision) and "no predicted positives" in c.undefined[0]


def test_rates_without_positives_are_nan_with_a_reason():
    c = risk.confusion([0, 0, 0], [0, 1, 0])
    assert math.isnan(c.tpr) and math.isnan(c.fnr)
    assert c.fpr == pytest.approx(1 / 3)
    assert c.undefined == ["no actual positives: tpr, fnr undefined"]


@settings(max_examples=150, deadline=None)
@given(labels_and_scores(), st.floats(0, 20), st.floats(0, 20))
def test_sweep_matches_brute_force_at_every_threshold(data, cost_fp, cost_fn):
    y_true, scores = data
    sweep = risk.threshold_sweep(y_true, scores, cost_fp=cost_fp, cost_fn=cost_fn)
    assert list(sweep["threshold"][:-1]) == sorted(set(scores)) and np.isinf(sweep["threshold"].iloc[-1])
    for row in sweep.itertuples():
        c = risk.confusion(y_true, scores >= row.threshold)
        assert (row.tp, row.fp, row.fn, row.tn) == (c.tp, c.fp, c.fn, c.tn)
        assert row.expected_cost == pytest.approx((cost_fp * c.fp + cost_fn * c.fn) / c.n)
    # brute force over every threshold that can make a difference, and a fine grid
    brute = min(risk.expected_cost(y_true, scores, threshold=t, cost_fp=cost_fp, cost_fn=cost_fn)
                for t in np.r_[np.linspace(0, 1, 201), scores])
    never = cost_fn * y_true.sum() / len(y_true)  # the inf row: flag nobody
    assert risk.optimal_row(sweep)["expected_cost"] == pytest.approx(min(brute, never))


def test_sweep_rates_match_sklearn_roc_curve():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 500)
    scores = rng.random(500)
    sweep = risk.threshold_sweep(y_true, scores, cost_fp=1, cost_fn=1)
    fpr, tpr, thr = metrics.roc_curve(y_true, scores, drop_intermediate=False)
    ours = sweep.set_index("threshold")
    finite = np.isfinite(thr)
    assert np.allclose(ours.loc[thr[finite], "tpr"], tpr[finite])
    assert np.allclose(ours.loc[thr[finite], "fpr"], fpr[finite])


def test_given_thresholds_grid():
    sweep = risk.threshold_sweep([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1], cost_fp=1, cost_fn=2,
                                 thresholds=[0.5, 0.0, 1.0])
    assert sweep["threshold"].tolist() == [0.0, 0.5, 1.0]
    assert sweep["tp"].tolist() == [2, 1, 0] and sweep["fp"].tolist() == [2, 1, 0]
    assert sweep["total_cost"].tolist() == [2.0, 3.0, 4.0]


def test_optimum_equals_tuned_threshold_classifier_cv_prefit():
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import TunedThresholdClassifierCV

    X, y = make_classification(n_samples=600, weights=[0.8], random_state=0)
    model = LogisticRegression().fit(X[:300], y[:300])
    X_val, y_val = X[300:], y[300:]
    scores = model.predict_proba(X_val)[:, 1]
    cost_fp, cost_fn = 1.0, 7.0

    def neg_cost(y_t, y_p):
        c = risk.confusion(y_t, y_p)
        return -(cost_fp * c.fp + cost_fn * c.fn) / c.n

    sweep = risk.threshold_sweep(y_val, scores, cost_fp=cost_fp, cost_fn=cost_fn)
    tuned = TunedThresholdClassifierCV(model, scoring=metrics.make_scorer(neg_cost), cv="prefit",
                                       refit=False, thresholds=np.unique(scores)).fit(X_val, y_val)
    best = risk.optimal_row(sweep)
    assert -tuned.best_score_ == pytest.approx(best["expected_cost"])
    assert risk.expected_cost(y_val, scores, threshold=tuned.best_threshold_, cost_fp=cost_fp,
                              cost_fn=cost_fn) == pytest.approx(best["expected_cost"])


def test_bayes_threshold_is_near_the_optimum_for_calibrated_probabilities():
    rng = np.random.default_rng(0)
    probs = rng.random(200_000)
    y_true = (rng.random(200_000) < probs).astype(int)  # perfectly calibrated by construction
    best = risk.optimal_row(risk.threshold_sweep(y_true, probs, cost_fp=1, cost_fn=4))
    assert risk.bayes_threshold(cost_fp=1, cost_fn=4) == 0.2
    assert best["threshold"] == pytest.approx(0.2, abs=0.02)


def test_expected_cost_formula_and_threshold_rule_is_greater_or_equal():
    y_true, scores = [1, 0, 1, 0], [0.5, 0.5, 0.2, 0.7]
    # at 0.5: flagged 0.5, 0.5, 0.7 -> tp 1, fp 2, fn 1
    assert risk.expected_cost(y_true, scores, threshold=0.5, cost_fp=1, cost_fn=10) == (2 + 10) / 4


@pytest.mark.parametrize("y_true, match", [
    ([0, 1, 2], "binary"),
    ([0.5, 1.0], "binary"),
    ([0, np.nan], "binary"),
    ([], "empty"),
    ([[0, 1]], "1-D"),
    (["a", "b"], "dtype"),
    ("01", "1-D array"),
])
def test_bad_labels(y_true, match):
    with pytest.raises((ValueError, TypeError), match=match):
        risk.confusion(y_true, np.zeros(len(y_true) if not isinstance(y_true, str) else 2, int))


def test_bad_inputs_to_costs_and_sweep():
    y, s = [0, 1, 1], [0.1, 0.8, 0.4]
    with pytest.raises(ValueError, match="lengths differ"):
        risk.confusion([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="lengths differ"):
        risk.threshold_sweep(y, s[:2], cost_fp=1, cost_fn=1)
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match="NaN or infinite"):
            risk.expected_cost(y, [0.1, bad, 0.3], threshold=0.5, cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError, match=r"threshold must be a finite number in \[0, 1\], got"):
        risk.expected_cost(y, s, threshold=1.5, cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError, match=r"threshold must be a finite number in \[0, 1\], got"):
        risk.expected_cost(y, s, threshold=-0.1, cost_fp=1, cost_fn=1)
    assert risk.expected_cost(y, [-2.0, 3.0, 0.5], threshold=1.5, cost_fp=1, cost_fn=1,
                              probabilities=False) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="probabilities in"):
        risk.threshold_sweep(y, [0.1, 1.2, 0.3], cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError, match="cost_fp must be a finite number >= 0, got -1"):
        risk.expected_cost(y, s, threshold=0.5, cost_fp=-1, cost_fn=1)
    with pytest.raises(ValueError, match="cost_fn"):
        risk.threshold_sweep(y, s, cost_fp=1, cost_fn=-0.5)
    with pytest.raises(TypeError, match="cost_fn must be a number"):
        risk.threshold_sweep(y, s, cost_fp=1, cost_fn="5")
    with pytest.raises(TypeError, match="threshold must be a number"):
        risk.expected_cost(y, s, threshold=None, cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError, match="empty"):
        risk.threshold_sweep([], [], cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError, match="must not both be 0"):
        risk.bayes_threshold(cost_fp=0, cost_fn=0)
    with pytest.raises(TypeError, match="sweep must be a DataFrame"):
        risk.optimal_row(None)
    with pytest.raises(ValueError, match="thresholds"):
        risk.threshold_sweep(y, s, cost_fp=1, cost_fn=1, thresholds=[0.2, 2.0])


def test_all_one_class_is_documented_not_an_error():
    sweep = risk.threshold_sweep([0, 0, 0], [0.2, 0.4, 0.9], cost_fp=1, cost_fn=5)
    assert sweep["tpr"].isna().all() and sweep["fnr"].isna().all()
    assert risk.optimal_row(sweep)["expected_cost"] == 0  # flag nobody: no cost


# Regressions from issue #18: an overflow is an error, never an "inf" cost or a silent 0.

def test_costs_near_the_float_limit():
    y, s = [0, 1, 1], [0.1, 0.8, 0.4]
    with pytest.raises(ValueError, match="cost_fp, cost_fn must be small enough for a finite total_cost"):
        risk.threshold_sweep(y, s, cost_fp=1e308, cost_fn=1e308)  # was a column of inf
    with pytest.raises(ValueError, match="cost_fp, cost_fn must be small enough for a finite expected_cost"):
        risk.expected_cost([0, 0, 1], [0.9, 0.9, 0.1], threshold=0.5, cost_fp=1e308, cost_fn=1e308)
    assert risk.bayes_threshold(cost_fp=1e308, cost_fn=1e308) == 0.5  # the sum overflows; was 0.0
    assert risk.bayes_threshold(cost_fp=1e308, cost_fn=0) == 1.0


def test_numpy_scalars_give_the_same_answer():
    y, s = [0, 1, 1, 0], [0.1, 0.8, 0.4, 0.7]
    ref = risk.expected_cost(y, s, threshold=0.5, cost_fp=1, cost_fn=5)
    assert risk.expected_cost(np.array(y, dtype=np.int8), np.array(s, dtype=np.float32),
                              threshold=np.float32(0.5), cost_fp=np.int64(1), cost_fn=np.float64(5)) == ref
    with pytest.raises(TypeError, match="probabilities must be True or False, got str"):
        risk.expected_cost(y, s, threshold=0.5, cost_fp=1, cost_fn=5, probabilities="no")


def test_a_sweep_whose_total_cost_overflows_is_refused():
    rng = np.random.default_rng(3)
    y, s = rng.integers(0, 2, 200), rng.random(200)
    with pytest.raises(ValueError, match="total_cost"):
        risk.threshold_sweep(y, s, cost_fp=1e308, cost_fn=1e308)
