"""Checks for notebook 02's exercises: agreement, a spot-check's wrong answers, calibration error.

Example
-------
>>> check_calibration_error(0.4, [1, 0, 1, 1], [0.9, 0.9, 0.6, 0.6])
✓ Correct: the expected calibration error is right.
True
"""

from __future__ import annotations

import math

from rseai import metrics
from rseai.feedback import check_number, close, describe, feedback, not_attempted, not_done
from rseai.hallucination.asking import group_answers

_AGREEMENT_CASES = [
    (["Paris", "paris.", "Lyon"], "What is the capital of France?"),
    (["The capital of Australia is Sydney.", "Canberra", "Sydney", "Sydney!"],
     "What is the capital of Australia?"),
    (["John Williams", "Al Gore", "No one has walked on Mars.", "Neil Armstrong"],
     "Who was the first person to walk on Mars?"),
]


def check_agreement(func) -> bool:
    """Does ``func(answers, question)`` return the share of the largest group of matching answers?"""
    what = "your agreement function"
    if not_attempted(func):
        return not_done(what)
    if not callable(func):
        return feedback(False, what=what, expected="a function", got=describe(func))
    for answers, question in _AGREEMENT_CASES:
        groups = group_answers(answers, question=question)
        expected = max(len(g) for g in groups) / len(answers)
        try:
            got = func(list(answers), question)
        except Exception as err:  # a student's bug is feedback, not a crash
            return feedback(False, what=what, expected=f"{expected:.2f} for {answers}",
                            got=f"an error: {type(err).__name__}: {err}")
        if not_attempted(got):  # the student version's body is `return None`
            return not_done(what)
        if not close(got, expected):
            hint = ("count the members of the largest group, divide by the number of answers"
                    if not close(got, len(groups)) else "that is the number of groups, not the largest share")
            return feedback(False, what=what, expected=f"{expected:.2f} for {answers}",
                            got=describe(got), hint=hint)
    return feedback(True, what=what)


def check_wrong_answers_found(n_found, table, *, k: int = 10) -> bool:
    """Is ``n_found`` the number of wrong answers among the ``k`` lowest by (agreement, confidence)?"""
    what = f"the number of wrong answers in your spot-check of {k}"
    if not_attempted(n_found):
        return not_done(what)
    chosen = table.sort_values(["agreement", "confidence"], kind="mergesort").head(k)
    expected = int((~chosen["correct"].astype(bool)).sum())
    try:
        got = float(n_found)
    except (TypeError, ValueError):
        got = math.nan
    hint = ("sort by ['agreement', 'confidence'], take .head(k), count the rows whose 'correct' is False"
            if got != k - expected else "you counted the right answers; count the wrong ones")
    return feedback(got == expected, what=what, expected=str(expected), got=describe(n_found), hint=hint)


def check_calibration_error(value, y_true, confidence, *, n_bins: int = 10) -> bool:
    """Is ``value`` the expected calibration error of ``confidence`` (equal-width bins)?"""
    expected = metrics.expected_calibration_error(y_true, confidence, n_bins=n_bins)
    return check_number(value, expected, what="the expected calibration error",
                        hint="per bin |accuracy - mean confidence|, weighted by the share of answers in "
                             "the bin")
