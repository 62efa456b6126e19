"""Checks for notebook 01's exercises: a temperature softmax by hand, its limits, entropy.

Example
-------
>>> import numpy as np
>>> def my_softmax(logits, temperature):
...     z = np.exp((logits - logits.max()) / temperature)
...     return z / z.sum()
>>> check_softmax(my_softmax)
✓ Correct: your temperature softmax is right.
True
"""

from __future__ import annotations

import numpy as np

from rseai.feedback import close, describe, feedback, not_attempted, not_done
from rseai.lm import decode

_CASES = [(np.array([2.0, 1.0, 0.0]), 1.0), (np.array([2.0, 1.0, 0.0]), 0.5),
          (np.array([10.0, 9.5, -3.0, 0.0]), 2.0),
          (np.array([800.0, 799.0, 0.0]), 1.0)]  # the last needs the max-subtraction trick


def check_softmax(student_softmax) -> bool:
    """``student_softmax(logits, temperature)`` must match ``rseai.lm.decode.softmax``."""
    if not_attempted(student_softmax):
        return not_done("your temperature softmax")
    if not callable(student_softmax):
        return feedback(False, what="your answer", expected="a function softmax(logits, temperature)",
                        got=describe(student_softmax))
    for logits, temperature in _CASES:
        expected = decode.softmax(logits, temperature=temperature)
        try:
            with np.errstate(all="ignore"):
                got = student_softmax(logits.copy(), temperature)
                if not_attempted(got):  # the student version's body is `return None`
                    return not_done("your temperature softmax")
                got = np.asarray(got, dtype=float)
        except Exception as err:  # a student's bug should read as feedback, not a traceback
            return feedback(False, what=f"softmax({logits.tolist()}, {temperature})",
                            expected=np.round(expected, 4).tolist(), got=f"an error: {err!r}")
        if not close(got, expected, rtol=1e-6):
            hint = ("divide the logits by the temperature before exp, and subtract the largest "
                    "logit first so exp() cannot overflow")
            return feedback(False, what=f"softmax({logits.tolist()}, temperature={temperature})",
                            expected=np.round(expected, 4).tolist(), got=describe(got), hint=hint)
    return feedback(True, what="your temperature softmax")


def check_temperature_limits(probs_cold, probs_hot, logits) -> bool:
    """Near T→0 all mass sits on the arg-max; as T→∞ the distribution becomes uniform."""
    if not_attempted(probs_cold) or not_attempted(probs_hot):
        return not_done("the two distributions")
    logits = np.asarray(logits, dtype=float)
    one_hot = np.eye(logits.size)[logits.argmax()]
    uniform = np.full(logits.size, 1 / logits.size)
    if not close(probs_cold, one_hot, atol=1e-3):
        return feedback(False, what="the distribution at a temperature near 0",
                        expected=f"almost all mass on token {int(logits.argmax())}",
                        got=describe(np.round(np.asarray(probs_cold, dtype=float), 3)),
                        hint="try temperature=0.01: the largest logit wins everything (greedy)")
    if not close(probs_hot, uniform, atol=1e-2):
        return feedback(False, what="the distribution at a very high temperature",
                        expected="nearly equal probabilities", got=describe(np.round(probs_hot, 3)),
                        hint="try temperature=1000: dividing by a huge T makes all logits ~0")
    return feedback(True, what="both limits (greedy when cold, uniform when hot)")


def check_entropy(entropy_bits_value, dist) -> bool:
    """The entropy in bits of ``dist.probs``: -sum p log2 p over the tokens with p > 0."""
    if not_attempted(entropy_bits_value):
        return not_done("the entropy")
    expected = decode.entropy_bits(dist.probs)
    return feedback(close(entropy_bits_value, expected, rtol=1e-6), what="the entropy",
                    expected=f"{expected:.4f} bits", got=describe(entropy_bits_value),
                    hint="use np.log2, and skip tokens whose probability is 0 (0·log 0 counts as 0)")
