"""group_rate_ci: per-group rates and the gap with seeded bootstrap intervals."""

import numpy as np
import pytest

from rseai.risk.costs import group_rate_ci, group_report


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    pred = (rng.random(n) < np.where(y == 1, 0.7, 0.3)).astype(int)
    return y, pred, rng.choice(["young", "old"], n)


@pytest.mark.parametrize("rate", ["fpr", "fnr", "selection_rate"])
def test_values_agree_with_group_report(rate):
    y, pred, g = _data()
    ci = group_rate_ci(y, pred, g, rate=rate, seed=0, n_boot=200)
    report = group_report(y, pred, g).by_group[rate]
    for name in ("young", "old"):
        assert ci.loc[name, "value"] == pytest.approx(report[name])
        assert ci.loc[name, "low"] <= ci.loc[name, "value"] <= ci.loc[name, "high"]
    assert ci.loc["gap (max - min)", "value"] == pytest.approx(report.max() - report.min())


def test_seeded_and_narrower_with_more_data():
    small = group_rate_ci(*_data(100), seed=3, n_boot=300)
    assert small.equals(group_rate_ci(*_data(100), seed=3, n_boot=300))
    big = group_rate_ci(*_data(2000), seed=3, n_boot=300)
    width = lambda t: (t["high"] - t["low"]).loc["young"]  # noqa: E731
    assert width(big) < width(small) / 2


def test_bad_rate_is_a_clear_error():
    with pytest.raises(ValueError, match="rate must be one of"):
        group_rate_ci(*_data(), rate="accuracy", seed=0)
