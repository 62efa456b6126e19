"""rseai.metrics against scikit-learn and hand formulas: confusion counts and rates, rates at
thresholds, AUROC and the ROC curve, ECE and the reliability table, the bootstrap."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from rseai.metrics import (
    auroc,
    bootstrap_ci,
    confusion,
    confusion_at,
    expected_calibration_error,
    percentile_interval,
    rates_at_thresholds,
    reliability_table,
    resample_rows,
    roc_points,
)


@st.composite
def label_pairs(draw):
    y_true = draw(st.lists(st.integers(0, 1), min_size=1, max_size=60))
    y_pred = draw(st.lists(st.integers(0, 1), min_size=len(y_true), max_size=len(y_true)))
    return np.array(y_true), np.array(y_pred)


@settings(max_examples=200, deadline=None)
@given(label_pairs())
def test_confusion_equals_sklearn_on_any_input(pair):
    y_true, y_pred = pair
    c = confusion(y_true, y_pred)
    tn, fp, fn, tp = skm.confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    assert (c.tp, c.fp, c.fn, c.tn) == (tp, fp, fn, tn)
    assert (c.type_i, c.type_ii) == (fp, fn)
    nan = np.nan
    expected = {
        "tpr": skm.recall_score(y_true, y_pred, zero_division=nan),
        "precision": skm.precision_score(y_true, y_pred, zero_division=nan),
        "tnr": skm.recall_score(y_true, y_pred, pos_label=0, zero_division=nan),
        "accuracy": skm.accuracy_score(y_true, y_pred),
    }
    for name, value in expected.items():
        got = getattr(c, name)
        assert (math.isnan(got) and math.isnan(value)) or got == pytest.approx(value), name
    if not math.isnan(c.tpr):
        assert c.fnr == pytest.approx(1 - c.tpr)
    if not math.isnan(c.tnr):
        assert c.fpr == pytest.approx(1 - c.tnr)
    assert c.recall == c.tpr or (math.isnan(c.recall) and math.isnan(c.tpr))


def test_confusion_known_answer_and_slide_layout():
    c = confusion([1, 1, 0, 0, 0], [True, False, True, False, False])
    assert (c.tp, c.fp, c.fn, c.tn) == (1, 1, 1, 2)
    assert c.matrix.tolist() == [[1, 1], [1, 2]]  # rows actual P/N, columns predicted P/N
    assert c.as_dict()["fnr"] == 0.5 and c.accuracy == 0.6 and c.selection_rate == 0.4


def test_accuracy_paradox_always_negative_is_99_percent_accurate_and_misses_everything():
    y_true = np.r_[np.ones(100, int), np.zeros(9900, int)]
    c = confusion(y_true, np.zeros_like(y_true))
    assert c.accuracy == 0.99 and c.fnr == 1.0 and c.type_ii == 100 and c.type_i == 0
    assert math.isnan(c.precision) and "no predicted positives" in c.undefined[0]


def test_rates_without_positives_are_nan_with_a_reason():
    c = confusion([0, 0, 0], [0, 1, 0])
    assert math.isnan(c.tpr) and math.isnan(c.fnr)
    assert c.fpr == pytest.approx(1 / 3)
    assert c.undefined == ["no actual positives: tpr, fnr undefined"]


def test_ece_by_hand():
    y = [1, 0, 1, 1, 0, 0]
    conf = [0.95, 0.95, 0.65, 0.62, 0.15, 0.05]
    # bins (0.9,1]: acc 0.5 conf 0.95 -> gap 0.45 (2 items); (0.6,0.7]: acc 1, conf 0.635 -> 0.365
    # (2 items); (0.1,0.2]: acc 0 conf 0.15 -> 0.15; (0,0.1]: acc 0 conf 0.05 -> 0.05
    expected = (2 * 0.45 + 2 * 0.365 + 0.15 + 0.05) / 6
    assert expected_calibration_error(y, conf) == pytest.approx(expected)
    table = reliability_table(y, conf)
    assert table["count"].sum() == 6
    assert table["bin_high"].tolist() == pytest.approx([0.1, 0.2, 0.7, 1.0])


def test_perfect_calibration_has_zero_ece():
    y = np.r_[np.ones(8), np.zeros(2)]
    assert expected_calibration_error(y, np.full(10, 0.8)) == pytest.approx(0.0)
    assert expected_calibration_error([1, 1], [1.0, 1.0]) == 0.0
    assert expected_calibration_error([0], [0.0]) == 0.0  # 0 lands in the first bin


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10)), min_size=2, max_size=60))
def test_auroc_and_roc_match_sklearn(pairs):
    y = np.array([int(a) for a, _ in pairs])
    s = np.array([b / 10 for _, b in pairs])  # coarse scores: many ties
    if y.min() == y.max():
        assert np.isnan(auroc(y, s))
        return
    assert auroc(y, s) == pytest.approx(skm.roc_auc_score(y, s))
    fpr, tpr, _ = roc_points(y, s)
    ref_fpr, ref_tpr, _ = skm.roc_curve(y, s, drop_intermediate=False)
    assert np.allclose(fpr, ref_fpr) and np.allclose(tpr, ref_tpr)


def test_auroc_extremes():
    assert auroc([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]) == 1.0
    assert auroc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == 0.0
    assert auroc([1, 0], [0.5, 0.5]) == 0.5


def test_bad_inputs():
    with pytest.raises(ValueError, match="lengths differ"):
        auroc([1, 0], [0.5])
    with pytest.raises(ValueError, match=r"y_true must be binary \(0/1 only\), got other values \[2\]"):
        auroc([2, 0], [0.5, 0.1])
    with pytest.raises(ValueError, match="scores must be finite numbers"):
        auroc([1, 0], [np.nan, 0.1])
    with pytest.raises(ValueError, match=r"confidence must be probabilities in \[0, 1\]"):
        expected_calibration_error([1, 0], [1.5, 0.1])
    with pytest.raises(ValueError, match="n_bins must be an int in"):
        reliability_table([1, 0], [0.5, 0.1], n_bins=0)
    with pytest.raises(TypeError, match="scores must hold numbers"):
        auroc([1, 0], ["a", "b"])


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, np.clip(0.1 * y + rng.normal(0.45, 0.2, n), 0, 1)


def test_same_seed_same_interval_and_it_covers_the_estimate():
    y, s = _data(40)
    first = bootstrap_ci(y, s, auroc, seed=1, n_boot=500)
    assert first == bootstrap_ci(y, s, auroc, seed=1, n_boot=500)
    assert first != bootstrap_ci(y, s, auroc, seed=2, n_boot=500)
    assert first[0] < auroc(y, s) < first[1]


def test_more_data_narrows_the_interval():
    widths = [np.diff(bootstrap_ci(*_data(n), auroc, seed=0, n_boot=500))[0] for n in (40, 400)]
    assert widths[1] < widths[0] / 2  # ~ 1/sqrt(n): 10x the data, about a third of the width


def test_accuracy_interval_matches_the_normal_approximation():
    y = np.array([1] * 20 + [0] * 20)
    low, high = bootstrap_ci(y, np.zeros(40), lambda y, s: y.mean(), seed=0, n_boot=4000)
    half = 1.96 * (0.25 / 40) ** 0.5  # 0.155
    assert abs((high - low) / 2 - half) < 0.02


def test_ece_statistic_works():
    y, s = _data(60)
    low, high = bootstrap_ci(y, s, lambda yy, ss: expected_calibration_error(yy, ss), seed=0, n_boot=300)
    assert 0 <= low <= expected_calibration_error(y, s) <= high <= 1


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_boot": 10}, ValueError, "n_boot"),
    ({"level": 1.5}, ValueError, "level"),
    ({"seed": "0"}, TypeError, "seed"),
    ({"statistic": 3}, TypeError, "statistic"),
])
def test_bad_input_names_the_argument(kwargs, error, match):
    y, s = _data(20)
    args = {"seed": 0, "statistic": auroc, **kwargs}
    statistic = args.pop("statistic")
    with pytest.raises(error, match=match):
        bootstrap_ci(y, s, statistic, **args)


def test_plain_resamples_are_seeded_rows_with_replacement():
    rows = resample_rows(50, seed=1, n_boot=200)
    assert rows.shape == (200, 50) and rows.min() >= 0 and rows.max() < 50
    assert (rows == resample_rows(50, seed=1, n_boot=200)).all()
    assert not (rows == resample_rows(50, seed=2, n_boot=200)).all()
    assert np.mean([len(set(r)) for r in rows]) == pytest.approx(50 * (1 - (49 / 50) ** 50), rel=0.03)


def test_stratified_rows_stay_in_their_stratum_and_place():
    strata = np.array(["b", "a", "b", "a", "a", "c"])
    assert (strata[resample_rows(6, strata=[np.nan, 1, np.nan, 1, 1, 2], seed=0, n_boot=100)] == strata).all()
    rows = resample_rows(6, strata=strata, seed=0, n_boot=300)
    assert (strata[rows] == strata).all()     # each stratum keeps its size and positions
    assert (rows[:, 5] == 5).all()            # a stratum of one row is that row
    assert set(rows[:, 1]) == {1, 3, 4}       # drawn from the whole stratum


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_rows": 0}, ValueError, "n_rows"),
    ({"n_rows": 2.5}, TypeError, "n_rows"),
    ({"n_boot": 10}, ValueError, "n_boot"),
    ({"seed": None}, TypeError, "seed"),
    ({"strata": [0, 1]}, ValueError, "strata must be a 1-D array of 4 labels"),
    ({"strata": "abcd"}, ValueError, "strata"),
    ({"strata": [[0], [1], [0], [1]]}, ValueError, "strata"),
    ({"strata": [[0], [1, 0], [0], [1]]}, TypeError, "strata must hold hashable labels"),
    ({"n_boot": 10**6}, ValueError, "n_boot"),
    ({"n_rows": 10**6, "n_boot": 1000}, ValueError, "n_rows × n_boot must be at most"),
])
def test_resample_rows_refuses_bad_input(kwargs, error, match):
    args = {"n_rows": 4, "seed": 0, "n_boot": 100, **kwargs}
    with pytest.raises(error, match=match):
        resample_rows(args.pop("n_rows"), **args)


def test_percentile_interval_known_answers():
    assert percentile_interval(np.arange(101.0), level=0.9) == pytest.approx((5.0, 95.0))
    assert percentile_interval([1.0, np.nan, 3.0, np.inf], level=0.5) == (1.5, 2.5)  # finite values only
    columns = np.c_[np.arange(101.0), np.full(101, np.nan), 2 * np.arange(101.0)]
    low, high = percentile_interval(columns, level=0.9)
    np.testing.assert_allclose(low, [5.0, np.nan, 10.0])
    np.testing.assert_allclose(high, [95.0, np.nan, 190.0])


@pytest.mark.parametrize("values, level, error, match", [
    ([1.0, 2.0], 0.0, ValueError, "level"),
    ([1.0, 2.0], "0.9", TypeError, "level"),
    ("12", 0.9, TypeError, "values"),
    ([], 0.9, ValueError, "values must be a non-empty"),
    (np.zeros((2, 2, 2)), 0.9, ValueError, "values"),
    ([[1.0], [1.0, 2.0]], 0.9, ValueError, "values"),
    ({0: 1.0}, 0.9, TypeError, "values must be an array of numbers"),
    (np.array([1 + 1j]), 0.9, TypeError, "values"),
])
def test_percentile_interval_refuses_bad_input(values, level, error, match):
    with pytest.raises(error, match=match):
        percentile_interval(values, level=level)


def test_bootstrap_ci_is_the_plain_resamples_read_off():
    rng = np.random.default_rng(0)
    y, s = rng.integers(0, 2, 30), rng.random(30)
    rows = resample_rows(30, seed=5, n_boot=400)
    expected = percentile_interval([s[r].mean() for r in rows], level=0.8)
    assert bootstrap_ci(y, s, lambda y, s: s.mean(), seed=5, n_boot=400, level=0.8) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 10)), min_size=1, max_size=60),
       st.integers(0, 11))
def test_rates_at_thresholds_equal_sklearn_confusion_matrix_at_each_threshold(pairs, cut):
    y, s = np.array([a for a, _ in pairs]), np.array([b / 10 for _, b in pairs])
    table = rates_at_thresholds(y, s, [cut / 10, np.inf])
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= cut / 10, labels=[0, 1]).ravel()
    assert table.iloc[0][["tp", "fp", "fn", "tn"]].tolist() == [tp, fp, fn, tn]
    assert table.iloc[1][["tp", "fp"]].tolist() == [0, 0]  # inf flags nobody
    assert confusion_at(y, s, threshold=cut / 10) == confusion(y, s >= cut / 10)


def test_auroc_of_resample_rows_equals_sklearn_row_by_row():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(15, int), np.zeros(25, int)]
    rows = rng.integers(0, 6, size=(5, 40)) / 5  # ties
    assert np.allclose(auroc(y, rows), [skm.roc_auc_score(y, r) for r in rows])
    assert np.isnan(auroc(np.ones(40, int), rows)).all()


def test_ece_equals_the_hand_formula_on_random_data():
    rng = np.random.default_rng(3)
    edges = np.linspace(0, 1, 11)
    conf = np.r_[rng.random(300), edges, edges]  # values on the edges belong to the bin below
    y = (rng.random(conf.size) < conf ** 2).astype(int)
    bins = np.array([max(0, next(b for b in range(10) if c <= edges[b + 1])) for c in conf])  # (low, high]
    hand = sum(abs(y[bins == b].mean() - conf[bins == b].mean()) * (bins == b).sum()
               for b in range(10) if (bins == b).any()) / conf.size
    assert expected_calibration_error(y, conf) == pytest.approx(hand)


@pytest.mark.parametrize("call, error, match", [
    (lambda: confusion_at([1, 0], [0.5, 0.1], threshold=float("nan")), TypeError, "threshold"),
    (lambda: confusion_at([1, 0], [0.5, 0.1], threshold=True), TypeError, "threshold"),
    (lambda: rates_at_thresholds([1, 0], [0.5, 0.1], [np.nan]), ValueError, "thresholds"),
    (lambda: rates_at_thresholds([1, 0], [0.5, 0.1], "abc"), TypeError, "thresholds"),
    (lambda: auroc([1, 0], np.zeros((2, 3))), ValueError, r"shape \(n_rows, 2\)"),
])
def test_threshold_and_row_inputs_are_refused_by_name(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_confidence_on_a_bin_edge_belongs_to_the_bin_below():
    table = reliability_table([1, 0, 1], [0.1, 0.5, 1.0])  # bins are (low, high]
    assert table["bin_high"].tolist() == pytest.approx([0.1, 0.5, 1.0])
    assert expected_calibration_error([1, 0], [0.5, 0.6]) == pytest.approx((0.5 + 0.6) / 2)


def test_bootstrap_ci_refuses_a_wrong_level_before_any_resample():
    calls = []

    def statistic(y, s):
        calls.append(1)
        return float(np.mean(s))

    with pytest.raises(ValueError, match="level"):
        bootstrap_ci(*_data(40), statistic, seed=0, n_boot=500, level=95)
    assert calls == []  # a percentage typed for a fraction is named at once, not after 500 statistics
