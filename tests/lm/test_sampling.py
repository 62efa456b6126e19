"""rseai.lm.decode's filters: temperature, top-k, top-p and entropy on hand-made logits."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rseai.lm import decode

logit_arrays = arrays(np.float64, st.integers(2, 40),
                      elements=st.floats(-30, 30, allow_nan=False, allow_infinity=False))


def test_docstring_example_values():
    probs = decode.filtered_probs(np.array([2.0, 1.0, 0.0]))
    expected = np.exp([2.0, 1.0, 0.0]) / np.exp([2.0, 1.0, 0.0]).sum()
    np.testing.assert_allclose(probs, expected)


@given(logit_arrays, st.floats(0.05, 5))
def test_probabilities_sum_to_one(logits, temperature):
    assert decode.filtered_probs(logits, temperature=temperature).sum() == pytest.approx(1.0)


@given(logit_arrays, st.floats(0.05, 5), st.floats(0.05, 5))
def test_lower_temperature_never_raises_entropy(logits, t1, t2):
    low, high = sorted((t1, t2))
    h_low = decode.entropy_bits(decode.softmax(logits, temperature=low))
    h_high = decode.entropy_bits(decode.softmax(logits, temperature=high))
    assert h_low <= h_high + 1e-9


@given(logit_arrays, st.integers(1, 50))
def test_top_k_leaves_exactly_k_nonzero(logits, k):
    probs = decode.filtered_probs(logits, top_k=k)
    assert np.count_nonzero(probs) == min(k, logits.size)
    kept = np.flatnonzero(probs)
    dropped = np.setdiff1d(np.arange(logits.size), kept)
    if dropped.size:
        assert logits[kept].min() >= logits[dropped].max()


@settings(max_examples=200)
@given(logit_arrays, st.floats(0.01, 1.0))
def test_top_p_keeps_the_smallest_set_reaching_p(logits, p):
    full = decode.softmax(logits)
    kept = decode.filtered_probs(logits, top_p=p) > 0
    assert full[kept].sum() >= p - 1e-12 or kept.all()
    # Dropping the least likely kept token would fall short of p: the set is the smallest.
    if kept.sum() > 1:
        assert full[kept].sum() - full[kept].min() < p + 1e-12


def test_top_p_always_keeps_at_least_one_token():
    probs = decode.filtered_probs(np.array([5.0, 1.0, 0.0]), top_p=1e-9)
    assert probs.tolist() == [1.0, 0.0, 0.0]


def test_greedy_is_one_hot_on_the_arg_max():
    logits = np.array([0.1, 3.0, 2.9, -1.0])
    assert decode.filtered_probs(logits, temperature=0).tolist() == [0, 1, 0, 0]


def test_softmax_is_stable_at_extreme_temperatures_and_logits():
    logits = np.array([1000.0, 999.0, -1000.0])
    for t in (1e-6, 1e-3, 1.0, 5.0):
        probs = decode.softmax(logits, temperature=t)
        assert np.isfinite(probs).all() and probs.sum() == pytest.approx(1.0)
    assert decode.softmax(logits, temperature=1e-6)[0] == 1.0
    np.testing.assert_allclose(decode.softmax(logits, temperature=5.0)[:2],
                               np.exp([0.2, 0.0]) / np.exp([0.2, 0.0]).sum())


def test_minus_infinity_rules_a_token_out():
    probs = decode.filtered_probs(np.array([1.0, -np.inf, 1.0]))
    assert probs.tolist() == [0.5, 0.0, 0.5]
    assert decode.filtered_probs(np.array([-np.inf, 2.0]), temperature=0).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("logits, message", [
    ([np.nan] * 3, "logits must be finite numbers .* got NaN"),
    ([1.0, np.nan, 0.0], "got NaN"),
    ([1.0, np.inf, 0.0], r"got \+inf"),
    ([-np.inf, -np.inf], "at least one finite entry"),
])
@pytest.mark.parametrize("temperature", [0, 1.0])
def test_nan_and_inf_logits_are_refused(logits, message, temperature):
    with pytest.raises(ValueError, match=message):
        decode.filtered_probs(np.array(logits), temperature=temperature)
    with pytest.raises(ValueError, match=message):
        decode.softmax(np.array([logits, logits]), temperature=temperature)


@pytest.mark.parametrize("probs", [[np.nan] * 3, [0.5, np.nan, 0.5], [0.5, np.inf, 0.5], [0.0, 0.0],
                                   [0.5, -0.1, 0.6], []])
def test_draw_refuses_probabilities_that_are_not_a_distribution(probs):
    with pytest.raises(ValueError, match="probs must be non-negative finite numbers with a positive sum"):
        decode.draw(np.array(probs, dtype=float), np.random.default_rng(0))


def test_entropy_of_uniform_and_certain():
    assert decode.entropy_bits(np.full(8, 1 / 8)) == pytest.approx(3.0)
    assert decode.entropy_bits(np.array([1.0, 0.0])) == 0.0


def test_draw_follows_the_distribution_and_never_picks_zero_mass():
    rng = np.random.default_rng(0)
    probs = np.array([0.0, 0.25, 0.0, 0.75])
    draws = np.array([decode.draw(probs, rng) for _ in range(4000)])
    assert set(draws) <= {1, 3}
    assert (draws == 3).mean() == pytest.approx(0.75, abs=0.03)


@pytest.mark.parametrize("options, message", [
    ({"temperature": -0.1}, r"temperature must be a finite number in \[0, 5\], got -0.1"),
    ({"temperature": 5.5}, r"temperature must be a finite number in \[0, 5\], got 5.5"),
    ({"temperature": float("nan")}, "temperature"),
    ({"temperature": "hot"}, "temperature must be a number"),
    ({"top_k": 0}, "top_k must be an int >= 1, got 0"),
    ({"top_k": 2.5}, "top_k must be an int"),
    ({"top_p": 0.0}, r"top_p must be a finite number in \(0, 1\], got 0.0"),
    ({"top_p": 1.5}, "top_p"),
])
def test_bad_options_name_the_argument_value_and_range(options, message):
    with pytest.raises((ValueError, TypeError), match=message):
        decode.filtered_probs(np.array([1.0, 2.0]), **options)


def test_bad_logits_shape():
    with pytest.raises(ValueError, match="logits must be a non-empty 1-D array"):
        decode.filtered_probs(np.zeros((2, 2)))
