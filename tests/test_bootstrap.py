"""rseai.bootstrap: the resampling every interval is drawn from, and the interval read off it."""

import numpy as np
import pytest

from rseai.bootstrap import bootstrap_ci, percentile_interval, resample_rows


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
