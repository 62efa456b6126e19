"""The shared argument checks: one rule per quantity, TypeError for types, ValueError for values."""

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from rseai import _checks


@pytest.mark.parametrize("value", [3, np.int64(3), np.int8(3), np.uint16(3)])
def test_integer_accepts_numpy_integers(value):
    out = _checks.integer(value, name="count", low=1)
    assert out == 3 and type(out) is int


@pytest.mark.parametrize(
    "value, error, match",
    [
        (True, TypeError, "count must be an int, got bool True"),
        (2.0, TypeError, "count must be an int, got float 2.0"),
        ("2", TypeError, "count must be an int, got str '2'"),
        (None, TypeError, "count must be an int, got NoneType None"),
        (0, ValueError, "count must be an int >= 1, got 0"),
        (np.int64(-5), ValueError, "count must be an int >= 1, got -5"),
    ],
)
def test_integer_refuses(value, error, match):
    with pytest.raises(error, match=match):
        _checks.integer(value, name="count", low=1)


def test_integer_bounds_wording():
    with pytest.raises(ValueError, match=r"k must be an int in \[1, 5\], got 6"):
        _checks.integer(6, name="k", low=1, high=5)
    with pytest.raises(ValueError, match="k must be an int <= 5, got 6"):
        _checks.integer(6, name="k", high=5)


@pytest.mark.parametrize("value", [0.5, np.float32(0.5), np.float64(0.5), Fraction(1, 2), np.int64(0)])
def test_real_accepts_numbers(value):
    assert _checks.real(value, name="x", low=0, high=1) == float(value)


@pytest.mark.parametrize(
    "value, error",
    [
        (math.nan, ValueError),
        (math.inf, ValueError),
        (-math.inf, ValueError),
        (np.float32("nan"), ValueError),
        (10**400, ValueError),
        (-(10**400), ValueError),
        (True, TypeError),
        ("1", TypeError),
        (1j, TypeError),
        (None, TypeError),
        ([1.0], TypeError),
    ],
)
def test_real_refuses(value, error):
    with pytest.raises(error, match="^x must be"):
        _checks.real(value, name="x")


def test_huge_int_message_is_short():
    with pytest.raises(ValueError) as err:
        _checks.real(10**400, name="hours", low=0)
    assert len(str(err.value)) < 120 and "..." in str(err.value)


def test_real_open_bounds():
    with pytest.raises(ValueError, match=r"rate must be a finite number in \[0, 1\), got 1"):
        _checks.real(1, name="rate", low=0, high=1, high_open=True)
    with pytest.raises(ValueError, match="x must be a finite number > 0, got 0"):
        _checks.real(0, name="x", low=0, low_open=True)


def test_the_one_temperature_rule():
    assert _checks.temperature(0) == 0.0 and _checks.temperature(np.float64(5.0)) == 5.0
    for bad in (-0.1, 5.01, math.nan, math.inf):
        with pytest.raises(ValueError, match=r"temperature must be a finite number in \[0, 5\]"):
            _checks.temperature(bad)
    with pytest.raises(ValueError, match="temperature must be > 0 here"):
        _checks.temperature(0.0, allow_zero=False)
    with pytest.raises(TypeError, match="temperature must be a number"):
        _checks.temperature("hot")


def test_seed():
    assert _checks.seed(np.int64(7)) == 7
    assert _checks.seed(None, allow_none=True) is None
    with pytest.raises(ValueError, match="seed must be a non-negative int, got -1"):
        _checks.seed(-1)
    with pytest.raises(TypeError, match="seed must be a non-negative int, got NoneType None"):
        _checks.seed(None)
    with pytest.raises(TypeError, match="seed must be a non-negative int or None, got float 1.0"):
        _checks.seed(1.0, allow_none=True)


def test_flag_choice_text_names():
    assert _checks.flag(np.True_, name="cache") is True
    with pytest.raises(TypeError, match="cache must be True or False, got int 1"):
        _checks.flag(1, name="cache")
    assert _checks.choice("a", name="kind", options=("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"kind must be one of \('a', 'b'\), got 'c'"):
        _checks.choice("c", name="kind", options=("a", "b"))
    with pytest.raises(ValueError, match="kind must be one of"):
        _checks.choice(np.array(["a", "b"]), name="kind", options=("a", "b"))
    assert _checks.text("", name="t") == ""
    with pytest.raises(ValueError, match="t must contain some text"):
        _checks.text(" \n", name="t", allow_empty=False)
    with pytest.raises(TypeError, match="t must be a string, got bytes"):
        _checks.text(b"x", name="t")
    with pytest.raises(ValueError, match="t must have at most 3 characters, got 4"):
        _checks.text("abcd", name="t", max_chars=3)
    assert _checks.names("France", name="countries") == ("France",)  # one name, never its letters
    assert _checks.names(["France", "India"], name="countries") == ("France", "India")
    with pytest.raises(ValueError, match="countries must hold at least one name"):
        _checks.names([], name="countries")
    with pytest.raises(TypeError, match="countries must hold only strings"):
        _checks.names(["France", 3], name="countries")


def test_binary_labels_and_scores():
    assert _checks.binary_labels([True, False]).tolist() == [1, 0]
    assert _checks.binary_labels(np.array([0.0, 1.0])).dtype == np.int64
    for bad, error, match in [
        ([0, 2], ValueError, r"binary \(0/1 only\), got other values \[2\]"),
        ([0, np.nan], ValueError, "binary"),
        ([], ValueError, "non-empty"),
        ([[0, 1]], ValueError, "shape"),
        (["a"], TypeError, "dtype"),
        ("01", TypeError, "1-D array"),
        (None, TypeError, "1-D array"),
        ([[0], [1, 0]], ValueError, "ragged"),
    ]:
        with pytest.raises(error, match=f"y_true must .*{match}"):
            _checks.binary_labels(bad)
    assert _checks.scores([0, 0.5, 1]).tolist() == [0, 0.5, 1]
    assert _checks.scores([-3, 9], probabilities=False).tolist() == [-3, 9]
    with pytest.raises(ValueError, match="scores must be finite numbers, got 1 NaN"):
        _checks.scores([0.1, math.inf])
    with pytest.raises(ValueError, match=r"scores must be probabilities in \[0, 1\], got min"):
        _checks.scores([0.1, 1.5])


def test_class_ids_compact_is_fast_and_clear():
    import time

    start = time.perf_counter()
    with pytest.raises(
        ValueError,
        match=r"labels must hold class ids 0..K-1 with every id present, got 2 "
        r"classes \[0, 100000000\]",
    ):
        _checks.class_ids(np.array([0, 10**8] * 50), compact=True)
    assert time.perf_counter() - start < 0.5
    assert _checks.class_ids([0, 1, 1, 2.0], compact=True).tolist() == [0, 1, 1, 2]
    with pytest.raises(ValueError, match="labels must hold every class at least 3 times, got counts"):
        _checks.class_ids([0, 0, 0, 1, 1], min_count=3)
    with pytest.raises(ValueError, match="labels must hold at least 2 classes, got 1"):
        _checks.class_ids([4, 4])
    with pytest.raises(TypeError, match="labels must hold integer class ids 0..K-1, got dtype bool"):
        _checks.class_ids([True, False])
    with pytest.raises(ValueError, match="labels must hold class ids 0..K-1"):
        _checks.class_ids(np.array([0, 2**63 + 5, 1], dtype=np.uint64))


def test_features():
    assert _checks.features([[1, 2], [3, 4]], n_rows=2).dtype == np.float64
    with pytest.raises(ValueError, match="X must hold finite numbers, got 1 NaN"):
        _checks.features([[1, np.nan]])
    with pytest.raises(ValueError, match=r"X must be a non-empty 2-D array .* got shape \(2,\)"):
        _checks.features([1, 2])
    with pytest.raises(ValueError, match=r"X must have one row per label \(3\), got 2 rows"):
        _checks.features([[1], [2]], n_rows=3)
    with pytest.raises(TypeError, match="X must hold numbers, got dtype <U1"):
        _checks.features([["a"]])


def test_pred_probs():
    labels = np.array([0, 1])
    assert _checks.pred_probs(np.array([[0.9, 0.1], [0.2, 0.8]]), labels=labels).shape == (2, 2)
    with pytest.raises(ValueError, match="pred_probs rows must be probabilities summing to 1, got row 0"):
        _checks.pred_probs(np.array([[np.nan, 0.1], [0.2, 0.8]]), labels=labels)
    with pytest.raises(TypeError, match="pred_probs must be a numpy array, got list"):
        _checks.pred_probs([[1, 0], [0, 1]], labels=labels)


def test_objects_folders_and_results(tmp_path):
    assert _checks.has_attrs(Path(), name="p", attrs=("exists",), what="a path") == Path()
    with pytest.raises(TypeError, match=r"model must be a language model \(with chat_prompt\), got NoneType"):
        _checks.has_attrs(None, name="model", attrs=("chat_prompt",), what="a language model")
    with pytest.raises(TypeError, match="sweep must be a DataFrame, got int 3"):
        _checks.instance(3, dict, name="sweep", what="a DataFrame")
    assert _checks.folder(tmp_path / "new" / "deeper", name="cache_dir") == tmp_path / "new" / "deeper"
    (tmp_path / "file").write_text("x")
    for bad in (tmp_path / "file", tmp_path / "file" / "below"):
        with pytest.raises(ValueError, match="cache_dir must be a folder, got .* is a file"):
            _checks.folder(bad, name="cache_dir")
    with pytest.raises(TypeError, match="cache_dir must be a folder path"):
        _checks.folder(3, name="cache_dir")
    assert _checks.finite_result(lambda: 2.0 * 3, name="e", inputs={"a": 2}) == 6.0
    with pytest.raises(
        ValueError,
        match=r"a, b must be small enough for a finite e, got a=1e\+200, b=1e\+200 "
        r"\(e = inf\)",
    ):
        _checks.finite_result(lambda: 1e200 * 1e200, name="e", inputs={"a": 1e200, "b": 1e200})
    with pytest.raises(ValueError, match="n must be small enough for a finite e"):
        _checks.finite_result(lambda: 1.5 * 10**400, name="e", inputs={"n": 10**400})
    with pytest.raises(ValueError, match="c must be small enough for a finite total"):
        _checks.finite_result(lambda: np.array([1.0, 1e308]) * 10, name="total", inputs={"c": 10})
