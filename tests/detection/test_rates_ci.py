"""detection_ci: bootstrap intervals on each detector's AUROC and false-accusation rate, checked
against detection_report run on every resample, scikit-learn's AUROC, and the errors it promises."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from rseai.detection.rates import auroc_table, detection_ci, detection_report
from rseai.metrics import percentile_interval, resample_rows


def _data(n_human=60, n_machine=20, seed=0):
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n_human, int), np.ones(n_machine, int)]
    table = pd.DataFrame({"good": np.r_[rng.normal(0, 1, n_human), rng.normal(2.5, 1, n_machine)],
                          "also_good": np.r_[rng.normal(0, 1, n_human), rng.normal(2.4, 1, n_machine)],
                          "coin": rng.normal(0, 1, n_human + n_machine)})
    table.loc[3, "coin"] = np.nan  # a score that could not be computed never flags a text
    return y, table


SCORES = ("good", "also_good", "coin")


def test_values_are_detection_reports_and_each_interval_holds_its_value():
    y, table = _data()
    ci = detection_ci(y, table, scores=SCORES, catch=0.9, seed=0, n_boot=300, versus="good")
    report = detection_report(y, table, scores=SCORES, catch=0.9)
    for s in SCORES:
        assert ci.loc[("auroc", s), "value"] == report.loc[s, "auroc"]
        assert ci.loc[("false_accusation_rate", s), "value"] == report.loc[s, "false_accusation_rate"]
        difference = report.loc[s, "auroc"] - report.loc["good", "auroc"]
        assert ci.loc[("auroc - good", s), "value"] == pytest.approx(difference)
    assert (ci["low"] <= ci["value"]).all() and (ci["value"] <= ci["high"]).all()
    assert ci.loc[("auroc - good", "good")].tolist() == [0, 0, 0]   # a score against itself: no noise


def test_intervals_are_detection_report_on_every_stratified_resample():
    # the slow way with the public pieces: resample within each class, re-find the threshold
    y, table = _data(n_human=30, n_machine=10, seed=1)
    ci = detection_ci(y, table, scores=SCORES, catch=0.9, seed=4, n_boot=100)
    reports = [detection_report(y[r], table.iloc[r].reset_index(drop=True), scores=SCORES, catch=0.9)
               for r in resample_rows(y.size, strata=y, seed=4, n_boot=100)]
    for measure in ("auroc", "false_accusation_rate"):
        low, high = percentile_interval(np.array([[r.loc[s, measure] for s in SCORES] for r in reports]))
        np.testing.assert_allclose(ci.xs(measure)["low"], low, atol=1e-12)
        np.testing.assert_allclose(ci.xs(measure)["high"], high, atol=1e-12)


def test_auroc_is_sklearns_with_ties_and_unscored_texts():
    rng = np.random.default_rng(2)
    values = rng.integers(0, 5, size=30).astype(float)   # many ties
    values[:3] = np.nan                                   # not judged: ranked last, never flagged
    positive = (np.arange(30) % 3 == 0).astype(int)
    got = auroc_table(positive, pd.DataFrame({"s": values}), scores=("s",))["s"]
    assert got == pytest.approx(roc_auc_score(positive, np.where(np.isnan(values), -1, values)))


def test_noise_tells_a_real_difference_from_a_tie():
    y, table = _data(n_human=120, n_machine=40)
    ci = detection_ci(y, table, scores=SCORES, seed=0, n_boot=500, versus="good")
    tie, real = ci.loc[("auroc - good", "also_good")], ci.loc[("auroc - good", "coin")]
    assert tie["low"] < 0 < tie["high"]
    assert real["high"] < 0


def test_seeded_and_narrower_with_more_texts():
    small = detection_ci(*_data(40, 40), scores=SCORES, seed=3, n_boot=200)
    assert small.equals(detection_ci(*_data(40, 40), scores=SCORES, seed=3, n_boot=200))
    assert not small.equals(detection_ci(*_data(40, 40), scores=SCORES, seed=4, n_boot=200))
    big = detection_ci(*_data(640, 640), scores=SCORES, seed=3, n_boot=200)
    width = lambda t: (t["high"] - t["low"]).loc[("false_accusation_rate", "coin")]  # noqa: E731
    assert width(big) < width(small) / 2


@pytest.mark.parametrize("change, error, match", [
    ({"y_true": np.zeros(80, int)}, ValueError, "y_true must hold both"),
    ({"y_true": np.full(80, 2)}, ValueError, "y_true"),
    ({"table": np.zeros((80, 3))}, TypeError, "table must be a DataFrame"),
    ({"table": pd.DataFrame({"good": np.zeros(80)})}, ValueError, "table must have a column"),
    ({"table": pd.DataFrame({s: np.zeros(5) for s in SCORES})}, ValueError, "lengths differ"),
    ({"versus": "best"}, ValueError, "versus must be one of"),
    ({"catch": 0}, ValueError, "catch"),
    ({"seed": "0"}, TypeError, "seed"),
    ({"n_boot": 10}, ValueError, "n_boot"),
    ({"level": 1.0}, ValueError, "level"),
    ({"scores": 3}, TypeError, "scores"),
])
def test_bad_input_names_the_argument(change, error, match):
    y, table = _data()
    args = {"y_true": y, "table": table, "scores": SCORES, "seed": 0, "n_boot": 100, **change}
    with pytest.raises(error, match=match):
        detection_ci(args.pop("y_true"), args.pop("table"), **args)
