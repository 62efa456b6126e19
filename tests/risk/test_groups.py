"""rseai.risk group audit: group_report equals hand counts and fairlearn's own gap functions;
undefined rates are reported, not divided by zero; per-group thresholds do what they promise."""

import math

import numpy as np
import pytest
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference
from hypothesis import given, settings
from hypothesis import strategies as st

from rseai import risk


def test_group_report_equals_hand_counts():
    #            group a: 3 samples      group b: 4 samples
    y_true = [1, 1, 0, 1, 0, 0, 1]
    y_pred = [1, 0, 1, 1, 1, 0, 0]
    groups = ["a", "a", "a", "b", "b", "b", "b"]
    rep = risk.group_report(y_true, y_pred, groups)
    a, b = rep.by_group.loc["a"], rep.by_group.loc["b"]
    assert (a["tp"], a["fp"], a["fn"], a["tn"]) == (1, 1, 1, 0)
    assert (b["tp"], b["fp"], b["fn"], b["tn"]) == (1, 1, 1, 1)
    assert a["n"] == 3 and b["positives"] == 2
    assert a["selection_rate"] == pytest.approx(2 / 3) and b["selection_rate"] == 0.5
    assert a["fpr"] == 1.0 and b["fpr"] == 0.5 and a["tpr"] == b["tpr"] == 0.5
    assert rep.gaps["demographic_parity_difference"] == pytest.approx(2 / 3 - 1 / 2)
    assert rep.gaps["equalized_odds_difference"] == pytest.approx(0.5)
    assert rep.overall["tp"] == 2 and rep.overall["n"] == 7 and rep.notes == []


@pytest.mark.parametrize("seed", range(5))
def test_gaps_equal_fairlearns_functions(seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    groups = rng.choice(["x", "y", "z"], 400)
    rep = risk.group_report(y_true, y_pred, groups)
    assert rep.gaps["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y_true, y_pred, sensitive_features=groups))
    assert rep.gaps["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y_true, y_pred, sensitive_features=groups))


def test_group_without_positives_says_so():
    rep = risk.group_report([1, 0, 0, 0], [1, 0, 1, 0], ["a", "a", "b", "b"])
    assert math.isnan(rep.by_group.loc["b", "tpr"]) and math.isnan(rep.by_group.loc["b", "fnr"])
    assert rep.notes == ["group 'b': no actual positives: tpr, fnr undefined"]
    assert math.isnan(rep.gaps["tpr_difference"])  # only one group defines it
    assert rep.gaps["equalized_odds_difference"] == pytest.approx(0.5)  # the FPR gap


def test_bad_group_input():
    with pytest.raises(ValueError, match="lengths differ"):
        risk.group_report([0, 1], [0, 1], ["a"])
    with pytest.raises(ValueError, match="missing"):
        risk.group_report([0, 1], [0, 1], ["a", None])
    with pytest.raises(TypeError, match="groups must be a 1-D array"):
        risk.group_report([0, 1], [0, 1], "ab")
    with pytest.raises(ValueError, match="binary"):
        risk.group_report([0, 2], [0, 1], ["a", "b"])
    with pytest.raises(ValueError, match="empty"):
        risk.group_report([], [], [])


def test_group_thresholds_equalise_the_chosen_rate():
    rng = np.random.default_rng(3)
    n = 4000
    groups = rng.choice(["young", "old"], n)
    y_true = rng.integers(0, 2, n)
    shift = np.where(groups == "young", 0.15, 0.0)  # the model flags the young more often
    scores = np.clip(0.25 + 0.3 * y_true + shift + rng.normal(0, 0.15, n), 0, 1)
    single = risk.group_report(y_true, scores >= 0.5, groups)
    th = risk.group_thresholds(y_true, scores, groups, rate="fpr", target=0.1)
    assert th["young"] > th["old"]
    after = risk.group_report(y_true, risk.decide_by_group(scores, groups, th), groups)
    assert single.gaps["fpr_difference"] > 0.2
    assert after.gaps["fpr_difference"] < 0.01
    assert after.by_group["fpr"].to_numpy() == pytest.approx([0.1, 0.1], abs=0.01)


def test_group_thresholds_bad_input():
    y, s, g = [0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8], ["a", "a", "b", "b"]
    with pytest.raises(ValueError, match="rate must be one of"):
        risk.group_thresholds(y, s, g, rate="accuracy", target=0.1)
    with pytest.raises(ValueError, match="target"):
        risk.group_thresholds(y, s, g, target=1.5)
    with pytest.raises(ValueError, match="groups must each hold samples for which fnr is defined"):
        risk.group_thresholds([0, 1, 0, 0], s, g, rate="fnr", target=0.1)
    with pytest.raises(ValueError, match="must have an entry for every value in groups, got no entry for"):
        risk.decide_by_group(s, g, {"a": 0.5})
    with pytest.raises(TypeError, match="dict"):
        risk.decide_by_group(s, g, [0.5, 0.5])


def test_compare_decisions_rows():
    y, g = [1, 0, 1, 0], ["a", "a", "b", "b"]
    table = risk.compare_decisions(y, g, {"all": [1, 1, 1, 1], "none": [0, 0, 0, 0]}, cost_fp=1, cost_fn=5)
    assert table.loc["all", "expected_cost"] == 0.5 and table.loc["none", "expected_cost"] == 2.5
    assert table.loc["all", "accuracy"] == 0.5 and table.loc["none", "fnr"] == 1.0
    with pytest.raises(ValueError, match="decisions must name at least one"):
        risk.compare_decisions(y, g, {}, cost_fp=1, cost_fn=5)
    with pytest.raises(TypeError, match="decisions must be a dict"):
        risk.compare_decisions(y, g, [y], cost_fp=1, cost_fn=5)
    with pytest.raises(ValueError, match="cost_fp"):
        risk.compare_decisions(y, g, {"x": y}, cost_fp=-1, cost_fn=5)


@st.composite
def grouped(draw):
    n = draw(st.integers(1, 60))
    ints = st.lists(st.integers(0, 1), min_size=n, max_size=n)
    groups = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    return np.array(draw(ints)), np.array(draw(ints)), np.array(groups)


@settings(max_examples=60, deadline=None)
@given(grouped())
def test_each_group_row_is_the_confusion_of_that_subset(data):
    y_true, y_pred, groups = data
    rep = risk.group_report(y_true, y_pred, groups)
    assert sorted(rep.by_group.index) == sorted(set(groups))
    for g, row in rep.by_group.iterrows():
        c = risk.confusion(y_true[groups == g], y_pred[groups == g])
        assert (row["tp"], row["fp"], row["fn"], row["tn"], row["n"]) == (c.tp, c.fp, c.fn, c.tn, c.n)
        for rate in ("tpr", "fpr", "precision", "selection_rate"):
            assert (math.isnan(row[rate]) and math.isnan(getattr(c, rate))) or row[rate] == getattr(c, rate)
    counts = ["tp", "fp", "fn", "tn"]
    assert rep.by_group[counts].sum().tolist() == [rep.overall[k] for k in counts]
