"""AUROC, the threshold that catches a share of machine texts, and the false-accusation rate,
against scikit-learn and hand counts."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score, roc_curve

from rseai.detection.rates import (
    auroc_table,
    detection_report,
    detector_scores,
    false_accusation_rate,
    threshold_for_catch,
    type_token_ratio,
)

RNG = np.random.default_rng(0)
Y = np.r_[np.zeros(50, int), np.ones(50, int)]
TABLE = pd.DataFrame({"a": np.r_[RNG.normal(0, 1, 50), RNG.normal(1, 1, 50)],
                      "b": np.r_[RNG.normal(0, 1, 50), RNG.normal(0, 1, 50)]})


def test_auroc_matches_sklearn():
    got = auroc_table(Y, TABLE, scores=("a", "b"))
    assert got["a"] == pytest.approx(roc_auc_score(Y, TABLE["a"]))
    assert got["b"] == pytest.approx(roc_auc_score(Y, TABLE["b"]))


def test_threshold_catches_at_least_the_share_and_is_the_highest_that_does():
    machine = TABLE["a"][Y == 1].to_numpy()
    for catch in (0.5, 0.9, 0.99, 1.0):
        t = threshold_for_catch(machine, catch=catch)
        assert np.mean(machine >= t) >= catch
        higher = machine[machine > t]
        assert higher.size == 0 or np.mean(machine >= higher.min()) < catch


def test_false_accusation_rate_is_the_roc_curves_fpr():
    human, machine = TABLE["a"][Y == 0].to_numpy(), TABLE["a"][Y == 1].to_numpy()
    t = threshold_for_catch(machine, catch=0.9)
    fpr, tpr, thresholds = roc_curve(Y, TABLE["a"], drop_intermediate=False)
    at = np.flatnonzero(thresholds == t)[0]
    assert false_accusation_rate(human, t) == pytest.approx(fpr[at])
    assert np.mean(machine >= t) == pytest.approx(tpr[at])


def test_report_by_kind_counts_by_hand():
    kinds = np.where(np.arange(100) % 2 == 0, "plain", "varied")
    report = detection_report(Y, TABLE, kinds=kinds, scores=("a",), catch=0.9)
    t = report.loc["a", "threshold"]
    human = (Y == 0)
    assert report.loc["a", "far_plain"] == pytest.approx(np.mean(TABLE["a"][human & (kinds == "plain")] >= t))
    assert report.loc["a", "false_accusation_rate"] == pytest.approx(np.mean(TABLE["a"][human] >= t))
    assert report.loc["a", "caught"] >= 0.9


def test_a_score_at_the_threshold_is_flagged():
    assert false_accusation_rate([0.5, 0.4], 0.5) == 0.5
    assert threshold_for_catch([0.5, 0.5, 0.1], catch=0.5) == 0.5


def test_nan_never_flags():
    assert false_accusation_rate([np.nan, 1.0], 0.5) == 0.5
    assert detector_scores([np.nan])[0] == -np.inf
    table = pd.DataFrame({"a": [np.nan, 0.1, 0.9, 0.8]})
    assert auroc_table([0, 0, 1, 1], table, scores=("a",))["a"] == 1.0


def test_type_token_ratio():
    assert type_token_ratio("the cat and the dog", n_words=5) == 0.8
    assert np.isnan(type_token_ratio("too short", n_words=5))


@pytest.mark.parametrize("call, error", [
    (lambda: threshold_for_catch([1, 2], catch=0), ValueError),
    (lambda: threshold_for_catch([1, 2], catch=1.5), ValueError),
    (lambda: threshold_for_catch([], catch=0.9), ValueError),
    (lambda: threshold_for_catch("abc"), TypeError),
    (lambda: false_accusation_rate([1, 2], np.nan), TypeError),
    (lambda: false_accusation_rate([1, 2], "high"), TypeError),
    (lambda: detector_scores([np.inf]), ValueError),
    (lambda: auroc_table([0, 1], TABLE, scores=("a",)), ValueError),
    (lambda: type_token_ratio("x", n_words=0), ValueError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call()
