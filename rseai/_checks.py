"""Argument checks shared by every public function: one rule per quantity, one wording.

Each check takes the value and the argument's name, and returns the value in its canonical type
or raises: ``TypeError`` for a wrong type, ``ValueError`` for a wrong value, naming the argument,
what it got and what it accepts. Checks never coerce silently beyond the canonical type.

Example
-------
>>> seed(3)
3
>>> seed(-1)
Traceback (most recent call last):
...
ValueError: seed must be a non-negative int, got -1
"""

from __future__ import annotations

import numbers

import numpy as np

TEMPERATURE_MAX = 5.0  # beyond this every token is near-equally likely: nothing left to teach


def integer(value, *, name: str, low: int | None = None, high: int | None = None) -> int:
    """An int (numpy integers too; bool and floats are refused) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        allowed = f"in [{low}, {high}]" if low is not None and high is not None else (
            f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{name} must be an int {allowed}, got {value!r}")
    return value


def choice(value, *, name: str, options) -> object:
    """One of ``options`` (compared with ==), or a ValueError listing them."""
    options = tuple(options)
    if not any(value == o and type(value) is type(o) for o in options):
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def temperature(value, *, name: str = "temperature", allow_zero: bool = True) -> float:
    """The one temperature rule: a finite number in [0, 5]; 0 means greedy (where allowed)."""
    if not allow_zero and not isinstance(value, bool) and isinstance(value, numbers.Real) and value == 0:
        raise ValueError(f"{name} must be > 0 here (0 is greedy: every sample would be the same), got 0")
    return real(value, name=name, low=0, high=TEMPERATURE_MAX)


def top_k(value, *, name: str = "top_k") -> int | None:
    """None (off) or an int >= 1."""
    return None if value is None else integer(value, name=name, low=1)


def top_p(value, *, name: str = "top_p") -> float | None:
    """None (off) or a number in (0, 1]."""
    return None if value is None else real(value, name=name, low=0, high=1, low_open=True)


def seed(value, *, name: str = "seed") -> int:
    """A seed for ``numpy.random.default_rng``: an int >= 0 (bool is refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative int, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return int(value)


def class_ids(labels, *, name: str = "labels", min_classes: int = 2) -> np.ndarray:
    """A 1-D int array of class ids 0, 1, ... (ints given as floats like 3.0 are accepted)."""
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"{name} must be a 1-D array of integer class ids, got {labels!r}")
    arr = np.asarray(labels)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold integer class ids 0..K-1, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or arr.min() < 0:
        raise ValueError(f"{name} must hold non-negative integer class ids, got values {np.unique(arr)[:10]}")
    arr = arr.astype(int)
    n_classes = len(np.unique(arr))
    if n_classes < min_classes:
        raise ValueError(
            f"{name} has {n_classes} class(es) ({np.unique(arr).tolist()}); at least {min_classes} are needed"
        )
    return arr


def real(value, *, name: str, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number within the given bounds, as float (bool is refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if not np.isfinite(value) or too_low or too_high:
        allowed = _bounds(low, high, low_open, high_open)
        raise ValueError(f"{name} must be a finite number{allowed}, got {value!r}")
    return value


def cost(value, *, name: str) -> float:
    """The cost of one error (``cost_fp``, ``cost_fn``): a finite number >= 0."""
    return real(value, name=name, low=0)


def _bounds(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def same_length(**arrays) -> None:
    """Every array has one entry per sample: the same length."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"lengths differ: {lengths}; every array needs one entry per sample")


def text(value, *, name: str, allow_blank: bool = True) -> str:
    """A str that is valid Unicode (no lone surrogates such as "\\ud800"), not blank unless allowed."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r:.60}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError(f"{name} must be valid Unicode text, got a lone surrogate "
                         f"{value[err.start]!r} at character {err.start} of {value!r:.60}") from None
    if not allow_blank and not value.strip():
        raise ValueError(f"{name} must contain some text, got {value!r:.60}")
    return value
