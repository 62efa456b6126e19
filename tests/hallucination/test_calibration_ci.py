"""bootstrap_ci: seeded, covers the estimate, narrows with more data, refuses bad input."""

import numpy as np
import pytest

from rseai.hallucination.calibration import auroc, bootstrap_ci, expected_calibration_error


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
