"""Tests for rseai.labels.cleaning on hand-made frames, and the PSI against its formula."""

import numpy as np
import pandas as pd
import pytest

from rseai.labels import data_quality_report as reexported
from rseai.labels.cleaning import data_quality_report, population_stability_index


def _by_check(report):
    return report.set_index("check")


def test_clean_frame_passes():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1], "label": ["a", "b", "a", "b"]})
    report = data_quality_report(df, label="label", valid_ranges={"x": (0, 5)})
    assert reexported is data_quality_report
    assert list(report.columns) == ["dimension", "check", "ok", "value", "finding"]
    assert report["ok"].iloc[:5].tolist() == [True] * 5
    assert report["ok"].iloc[5] is None  # no reference: drift not checked


def test_hand_counted_problems():
    df = pd.DataFrame({
        "x": [1.0, 1.0, 1.0, np.nan, 9.0, -1.0, np.inf],
        "y": [0, 0, 0, 1, 1, 1, 1],
        "label": [0, 0, 1, 1, 1, None, 7],
    })
    r = _by_check(data_quality_report(df, label="label", valid_ranges={"x": (0, 5)}, allowed_labels=[0, 1]))
    assert r.loc["missing values", "value"] == 2 and "x (1)" in r.loc["missing values", "finding"]
    # 9.0 and -1.0 out of range, inf not finite (3), label 7 not allowed (1)
    assert r.loc["invalid values", "value"] == 4
    assert r.loc["duplicate rows", "value"] == 1  # row 1 repeats row 0
    assert r.loc["conflicting duplicates", "value"] == 3  # rows 0, 1, 2: x=1, y=0, labels 0 and 1
    assert "1 group" in r.loc["conflicting duplicates", "finding"]
    assert r.loc["class balance", "value"] == pytest.approx(1 / 3)  # label 7 once, label 1 three times
    assert not r.loc["class balance", "ok"]


def test_wildcard_range_applies_to_every_numeric_column():
    df = pd.DataFrame({"a": [0, 17], "b": [-1, 3], "label": [0, 1]})
    r = _by_check(data_quality_report(df, label="label", valid_ranges={"*": (0, 16)}))
    assert r.loc["invalid values", "value"] == 2


def test_psi_matches_the_formula_by_hand():
    reference = np.array([1, 2, 3, 4])  # bins=2: edge at the median 2.5 -> halves (0.5, 0.5)
    current = np.array([1, 1, 1, 4])  # (0.75, 0.25)
    expected = (0.75 - 0.5) * np.log(0.75 / 0.5) + (0.25 - 0.5) * np.log(0.25 / 0.5)
    assert population_stability_index(reference, current, bins=2) == pytest.approx(expected)
    assert population_stability_index(reference, reference, bins=2) == 0


def test_psi_sees_a_shift_of_a_constant_column():
    assert population_stability_index(np.zeros(100), np.zeros(100)) == 0
    assert population_stability_index(np.zeros(100), np.ones(100)) > 1


def test_drift_report_uses_reference():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500),
                        "label": rng.integers(0, 2, 500)})
    cur = ref.copy()
    cur["b"] = cur["b"] + 1.0
    report = data_quality_report(cur, label="label", reference=ref)
    psi = report.attrs["psi"]
    assert psi["a"] == 0 and psi["b"] > 0.25
    drift = _by_check(report).loc["population stability"]
    assert not drift["ok"] and "1 of 2" in drift["finding"]


def test_bad_input():
    df = pd.DataFrame({"x": [1.0, 2.0], "label": [0, 1]})
    with pytest.raises(ValueError, match="label must name a column of df .*, got 'target'"):
        data_quality_report(df, label="target")
    with pytest.raises(TypeError, match="DataFrame"):
        data_quality_report(df.to_numpy(), label="label")
    with pytest.raises(ValueError, match="df must have at least one row"):
        data_quality_report(df.iloc[:0], label="label")
    with pytest.raises(ValueError, match="min_class_ratio"):
        data_quality_report(df, label="label", min_class_ratio=0)
    with pytest.raises(ValueError, match="reference must share a numeric feature column"):
        data_quality_report(df, label="label", reference=pd.DataFrame({"z": [1.0]}))
    with pytest.raises(ValueError, match="bins must be an int in"):
        population_stability_index([1, 2], [1, 2], bins=1)
    with pytest.raises(ValueError, match="current must hold at least one non-missing value"):
        population_stability_index([1.0, 2.0], [np.nan])
    with pytest.raises(TypeError, match="reference must be a 1-D array of numbers"):
        population_stability_index(["a"], [1.0])
