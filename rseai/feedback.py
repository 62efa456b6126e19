"""Exercise feedback shared by every topic's ``exercises`` module.

A check prints its verdict and returns ``True``/``False``; a placeholder (``None``, ``...``) is
"not done yet"; only a senseless call raises. Checks are named ``check_<what the answer is>``.

Example
-------
>>> from rseai.feedback import feedback, not_done
>>> feedback(False, what="the entropy", expected="1.00 bits", got="0.50 bits",
...          hint="use log base 2")
✗ Not yet: the entropy should be 1.00 bits, but got 0.50 bits.
  Hint: use log base 2
False
>>> not_done("the entropy")
… Not done yet: the entropy. Replace the None in the exercise cell with your answer, then run this cell again.
False
"""

from __future__ import annotations

import math
import re

import numpy as np

from rseai import _checks


def feedback(ok: bool, *, what: str, expected="", got="", hint: str = "") -> bool:
    """Print a one-line verdict (and a hint when wrong); return ``ok``."""
    if ok:
        print(f"✓ Correct: {what} is right.")
        return True
    print(f"✗ Not yet: {what}" + (f" should be {expected}" if expected != "" else "")
          + (f", but got {got}" if got != "" else "") + ".")
    if hint:
        print(f"  Hint: {hint}")
    return False


def check_number(value, expected: float, *, what: str, hint: str, slips=(), rtol: float = 1e-6) -> bool:
    """The verdict on a numeric answer: "not done yet" for the placeholder, else right when close
    to ``expected``; ``slips`` pairs a typical wrong value with the hint it deserves.

    >>> check_number(0.8, 0.2, what="the rate", hint="count them", slips=[(0.8, "that is 1 - rate")])
    ✗ Not yet: the rate should be 0.2000, but got 0.8.
      Hint: that is 1 - rate
    False
    """
    if not_attempted(value):
        return not_done(what)
    got = as_number(value)
    hint = next((h for wrong, h in slips if got is not None and close(got, wrong)), hint)
    return feedback(got is not None and close(got, expected, rtol=rtol), what=what,
                    expected=f"{expected:.4f}", got=describe(value), hint=hint)


def not_attempted(value) -> bool:
    """True when an exercise variable still holds the stub's ``None``/``...`` placeholder."""
    return value is None or value is Ellipsis


def not_done(what: str) -> bool:
    """Print the friendly line for an exercise still holding its placeholder; return ``False``."""
    print(f"… Not done yet: {what}. Replace the None in the exercise cell with your answer, "
          "then run this cell again.")
    return False


_TEXT_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][+-]?\d+)?")


def as_number(value):
    """A finite float, or None: text may carry spaces, thousands commas and a trailing %; a
    decimal comma ("0,5") and True/False are not numbers.

    >>> [as_number(v) for v in (12, "1,000", " 62.5 % ", "0,5", True, "inf")]
    [12.0, 1000.0, 62.5, None, None, None]
    """
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
        if not _TEXT_NUMBER.fullmatch(value):
            return None
        value = value.replace(",", "")
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def close(got, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Numerical equality for numbers or arrays, False (not an error) on a shape mismatch."""
    try:
        got_arr, exp_arr = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return False
    return got_arr.shape == exp_arr.shape and bool(np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol))


def describe(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) and math.isfinite(value) else _checks.show(value, 80)
