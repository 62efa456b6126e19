"""Argument checks shared by every public function: one rule per quantity, one wording.

Each check returns the value in its canonical type (a numpy scalar becomes the Python number;
a list becomes an array) or raises ``TypeError``/``ValueError`` "<name> must be <allowed>, got
<value>"; checks that only one module needs stay in that module.

Example
-------
>>> seed(-1)
Traceback (most recent call last):
...
ValueError: seed must be a non-negative int, got -1
>>> integer(np.int64(4), name="count", low=1)
4
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path

import numpy as np

TEMPERATURE_MAX = 5.0  # beyond this every token is near-equally likely: nothing left to teach


def show(value, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages (a 400-digit int stays readable)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _typed(value) -> str:
    return f"{type(value).__name__} {show(value)}"


def integer(value, *, name: str, low: int | None = None, high: int | None = None) -> int:
    """An int (numpy integers too; bool and floats are refused) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_typed(value)}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be an int{_bounds(low, high, False, False)}, got {show(value)}")
    return value


def real(value, *, name: str, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number within the given bounds, as float (bool is refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {_typed(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        number = math.inf if value > 0 else -math.inf
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if not math.isfinite(number) or too_low or too_high:
        allowed = _bounds(low, high, low_open, high_open)
        raise ValueError(f"{name} must be a finite number{allowed}, got {show(value)}")
    return number


def _bounds(low, high, low_open, high_open) -> str:
    low, high = (f"{v:g}" if isinstance(v, float) else v for v in (low, high))
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low}"
    return "" if high is None else f" {'<' if high_open else '<='} {high}"


def cost(value, *, name: str) -> float:
    """The cost of one error (``cost_fp``, ``cost_fn``): a finite number >= 0."""
    return real(value, name=name, low=0)


def seed(value, *, name: str = "seed", allow_none: bool = False) -> int | None:
    """A seed for ``numpy.random.default_rng``: an int >= 0 (bool is refused; None where allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative int{' or None' if allow_none else ''}, "
                        f"got {_typed(value)}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {show(value)}")
    return int(value)


def flag(value, *, name: str) -> bool:
    """True or False (numpy bools too); 0, 1 and strings are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_typed(value)}")
    return bool(value)


def choice(value, *, name: str, options) -> object:
    """One of ``options`` (same type and ==), or a ValueError listing them."""
    options = tuple(options)
    try:
        ok = any(type(value) is type(o) and value == o for o in options)
    except (TypeError, ValueError):  # an array compared elementwise
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {options}, got {show(value)}")
    return value


def text(value, *, name: str, max_chars: int | None = None, allow_empty: bool = True) -> str:
    """A str of valid Unicode (no lone surrogate such as "\\ud800"), at most ``max_chars`` long,
    non-blank unless ``allow_empty``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_typed(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"{name} must be valid Unicode text, got a lone surrogate "
                         f"{value[err.start]!r} at character {err.start} of {show(value)}") from None
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must contain some text, got {show(value)}")
    if max_chars is not None and len(value) > max_chars:
        raise ValueError(f"{name} must have at most {max_chars:,} characters, got {len(value):,}")
    return value


def names(value, *, name: str) -> tuple[str, ...]:
    """One name (a str is one name, never its letters) or a non-empty sequence of names."""
    if isinstance(value, str):
        value = (value,)
    if isinstance(value, np.ndarray) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a name or a list of names, got {_typed(value)}")
    items = list(value)
    if not items:
        raise ValueError(f"{name} must hold at least one name, got an empty {type(value).__name__}")
    bad = [v for v in items if not isinstance(v, str)]
    if bad:
        raise TypeError(f"{name} must hold only strings, got {_typed(bad[0])} in it")
    return tuple(items)


def epsilon(value, *, name: str = "epsilon") -> float:
    """The one privacy-budget rule (differential privacy): a finite number > 0."""
    return real(value, name=name, low=0, low_open=True)


def temperature(value, *, name: str = "temperature", allow_zero: bool = True) -> float:
    """The one temperature rule: a finite number in [0, 5]; 0 means greedy (where allowed)."""
    value = real(value, name=name, low=0, high=TEMPERATURE_MAX)
    if not allow_zero and value == 0:
        raise ValueError(f"{name} must be > 0 here (0 is greedy: every sample would be the same), got 0")
    return value


def asarray(values, *, name: str, what: str, holds: str | None = None) -> np.ndarray:
    """``np.asarray(values)``, refusing str, dict, set, None, scalars, ragged nesting and, given what it
    ``holds``, anything but numbers."""
    if isinstance(values, (str, bytes, dict, set)) or values is None or isinstance(values, numbers.Number):
        raise TypeError(f"{name} must be {what}, got {_typed(values)}")
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError):  # ragged nesting
        raise ValueError(f"{name} must be {what}, got a ragged sequence") from None
    if arr.ndim == 0:
        raise TypeError(f"{name} must be {what}, got {_typed(values)}")
    if holds is not None and arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold {holds}, got dtype {arr.dtype}")
    return arr


def ndim(values) -> int:
    """``np.ndim(values)``, or -1 for a ragged sequence (numpy itself raises on those)."""
    try:
        return int(np.ndim(values))
    except (ValueError, TypeError):
        return -1


def _array(values, *, name: str, what: str) -> np.ndarray:
    """A non-empty 1-D array of numbers (bools kept as bools)."""
    arr = asarray(values, name=name, what=f"a 1-D array of {what}", holds=what)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of {what}, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of {what}, got an empty array")
    return arr


def _finite(arr, *, name: str, what: str) -> np.ndarray:
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must {what}, got {int((~np.isfinite(arr)).sum())} NaN or infinite value(s)")
    return arr


def binary_labels(values, *, name: str = "y_true") -> np.ndarray:
    """A 1-D int array of 0/1 (bools and 0.0/1.0 accepted); nothing else."""
    arr = _array(values, name=name, what="0/1 labels")
    if arr.dtype != bool:
        bad = ~np.isin(arr, (0, 1))
        if bad.any():
            found = sorted({v.item() for v in np.unique(arr[bad])[:5]}, key=str)
            raise ValueError(f"{name} must be binary (0/1 only), got other values {found}")
    return arr.astype(np.int64)


def scores(values, *, name: str = "scores", probabilities: bool = True) -> np.ndarray:
    """A finite 1-D float array (within [0, 1] when ``probabilities``)."""
    arr = _finite(_array(values, name=name, what="numbers"), name=name, what="be finite numbers")
    if probabilities and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"{name} must be probabilities in [0, 1], got min {arr.min():.4g}, max "
                         f"{arr.max():.4g} (pass probabilities=False for other scores)")
    return arr


def class_ids(labels, *, name: str = "labels", min_classes: int = 2, compact: bool = False,
              min_count: int = 1, because: str = "") -> np.ndarray:
    """A 1-D int array of class ids (3.0 accepted). ``compact``: exactly 0..K-1, each present (checked
    before any count: a stray 10**8 costs nothing); ``min_count``: each class at least this often."""
    arr = _array(labels, name=name, what="integer class ids")
    if arr.dtype == bool:
        raise TypeError(f"{name} must hold integer class ids 0..K-1, got dtype bool")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or arr.min() < 0:
        raise ValueError(f"{name} must hold non-negative integer class ids, got values "
                         f"{show(np.unique(arr)[:10].tolist())}")
    if arr.max() > np.iinfo(np.int64).max / 2:
        raise ValueError(f"{name} must hold class ids 0..K-1, got {show(arr.max().item())}")
    arr = arr.astype(np.int64)
    present, counts = np.unique(arr, return_counts=True)
    if present.size < min_classes:
        raise ValueError(f"{name} must hold at least {min_classes} classes, got {present.size} "
                         f"({show(present.tolist())})")
    if compact and present[-1] != present.size - 1:
        raise ValueError(f"{name} must hold class ids 0..K-1 with every id present, got "
                         f"{present.size} classes {show(present.tolist())}")
    if counts.min() < min_count:
        raise ValueError(f"{name} must hold every class at least {min_count} times{because}, got "
                         f"counts {show(counts.tolist())}")
    return arr


def features(X, *, name: str = "X", n_rows: int | None = None, n_columns: int | None = None) -> np.ndarray:
    """A finite 2-D float array (n_samples, n_features), with the given number of rows/columns."""
    arr = asarray(X, name=name, what="a 2-D array (n_samples, n_features)", holds="numbers")
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (n_samples, n_features), got shape "
                         f"{arr.shape}")
    arr = _finite(arr, name=name, what="hold finite numbers")
    if n_rows is not None and arr.shape[0] != n_rows:
        raise ValueError(f"{name} must have one row per label ({n_rows}), got {arr.shape[0]} rows")
    if n_columns is not None and arr.shape[1] != n_columns:
        raise ValueError(f"{name} must have {n_columns} features (as in training), got {arr.shape[1]}")
    return arr


def pred_probs(value, *, labels: np.ndarray, name: str = "pred_probs") -> np.ndarray:
    """A (n_samples, K >= 2) array of finite probabilities whose rows sum to 1, one row per label."""
    if instance(value, np.ndarray, name=name, what="a numpy array").dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got dtype {value.dtype}")
    if value.ndim != 2 or value.shape[0] != labels.size or value.shape[1] < 2:
        raise ValueError(f"{name} must have shape (len(labels), n_classes) = ({labels.size}, K >= 2), "
                         f"got {value.shape}")
    if labels.max() >= value.shape[1]:
        raise ValueError(f"{name} must have a column per class, got {value.shape[1]} columns but labels go "
                         f"up to {labels.max()}")
    value = value.astype(np.float64)
    sums = value.sum(axis=1)
    if not np.isfinite(value).all() or value.min() < 0 or not np.allclose(sums, 1, atol=1e-3):
        bad = int(np.argmax(~np.isfinite(sums) | (np.abs(sums - 1) > 1e-3) | (value < 0).any(axis=1)))
        raise ValueError(f"{name} rows must be probabilities summing to 1, got row {bad} summing to "
                         f"{sums[bad]:.4f}")
    return value


def frame(value, *, name: str, columns=(), what: str = "a non-empty pandas DataFrame"):
    """``value`` if it is a non-empty DataFrame with ``columns``, else a TypeError saying ``what``."""
    if not hasattr(value, "columns") or len(value) == 0 or any(c not in value.columns for c in columns):
        needs = f" (columns {tuple(columns)})" if columns else ""
        raise TypeError(f"{name} must be {what}{needs}, got {show(value)}")
    return value


def same_length(**arrays) -> None:
    """Every array has one entry per sample: the same length."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"lengths differ: {lengths}; every array needs one entry per sample")


def instance(value, types, *, name: str, what: str):
    """``value`` if it is an instance of ``types``, else a TypeError saying ``what`` is needed."""
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {what}, got {_typed(value)}")
    return value


def has_attrs(value, *, name: str, attrs, what: str):
    """``value`` if it has every attribute in ``attrs`` (duck typing), else a TypeError."""
    missing = [a for a in attrs if not hasattr(value, a)]
    if missing:
        raise TypeError(f"{name} must be {what} (with {', '.join(attrs)}), got {_typed(value)}")
    return value


def folder(value, *, name: str) -> Path:
    """A path (str or os.PathLike) that is a folder or can become one (no file in the way)."""
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a folder path (str or Path), got {_typed(value)}")
    path = Path(value)
    if not str(value).strip() or "\x00" in str(value):
        raise ValueError(f"{name} must be a folder path, got {show(value)}")
    try:
        part = next((p for p in (path, *path.parents) if p.exists()), None)  # the nearest that exists
        if part is not None and not part.is_dir():
            raise ValueError(f"{name} must be a folder, got {show(str(path), 300)}, where "
                             f"{show(str(part), 300)} is a file")
    except OSError as err:  # a name too long for the file system, a permission denied
        raise ValueError(f"{name} must be a folder path this system accepts, got {show(str(path))}: "
                         f"{err.strerror}") from None
    return path


def finite_result(compute, *, name: str, inputs: dict):
    """``compute()`` (number or array) if finite, else a ValueError naming the ``inputs`` ("inf kWh" is
    not an answer)."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            value = np.asarray(compute(), dtype=np.float64)
    except OverflowError:
        value = np.asarray(math.inf)
    if not np.isfinite(value).all():
        given = ", ".join(f"{k}={show(v, 30)}" for k, v in inputs.items())
        worst = value[~np.isfinite(value)].flat[0] if value.ndim else value
        raise ValueError(f"{', '.join(inputs)} must be small enough for a finite {name}, got {given} "
                         f"({name} = {float(worst)})")
    return float(value) if value.ndim == 0 else value
