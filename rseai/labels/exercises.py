"""Checks for notebook 04's exercises: confident learning by hand (answers from cleanlab).

Example
-------
>>> import numpy as np
>>> probs = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]])
>>> check_self_confidence([0.9, 0.7, 0.4], [0, 1, 1], probs)
✓ Correct: the self-confidence of each given label is right.
True
"""

from __future__ import annotations

import numpy as np

from rseai.feedback import close, describe, feedback, not_attempted, not_done


def _check_numbers(value, expected, *, what: str, hint: str, slip, slip_hint: str, head=None) -> bool:
    """The verdict on one number per item; ``slip``: a typical wrong answer; ``head``: how many to show."""
    if not_attempted(value):
        return not_done(what)
    try:
        got = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        got = np.zeros((0, 0))
    shown = np.round(expected[:head], 3).tolist()
    return feedback(got.ndim == 1 and close(got, expected), what=what,
                    expected=f"{len(expected)} numbers starting {shown}" if head else shown,
                    got=describe(np.round(got[:head], 3).tolist() if got.ndim == 1 else value),
                    hint=slip_hint if close(got, slip) else hint)


def check_self_confidence(scores, noisy_labels, pred_probs) -> bool:
    """Is ``scores[i]`` the predicted probability of example i's given label?"""
    from cleanlab.rank import get_label_quality_scores

    labels, probs = np.asarray(noisy_labels), np.asarray(pred_probs)
    return _check_numbers(scores, get_label_quality_scores(labels, probs, method="self_confidence"),
                          what="the self-confidence of each given label", head=3,
                          hint="for each i, take pred_probs[i, noisy_labels[i]]", slip=probs.max(axis=1),
                          slip_hint="that is the probability of the *predicted* class; take the column of "
                                    "the *given* label")


def check_confident_thresholds(thresholds, noisy_labels, pred_probs) -> bool:
    """Is ``thresholds[j]`` the mean probability of class j over the examples labelled j?"""
    from cleanlab.count import get_confident_thresholds

    labels, probs = np.asarray(noisy_labels), np.asarray(pred_probs)
    return _check_numbers(thresholds, get_confident_thresholds(labels, probs),
                          what="each per-class threshold",
                          hint="t[j] = mean of pred_probs[i, j] over the i with noisy_labels[i] == j",
                          slip=probs.mean(axis=0),
                          slip_hint="you averaged over all examples; average only over those *given* label j")


def check_confident_learning(flagged, noisy_labels, pred_probs) -> bool:
    """Are ``flagged`` (positions or a boolean mask) the off-diagonal examples of confident learning?"""
    from cleanlab.filter import find_label_issues

    what = "the set of flagged examples"
    if not_attempted(flagged):
        return not_done(what)
    labels, probs = np.asarray(noisy_labels), np.asarray(pred_probs)
    expected = set(np.flatnonzero(find_label_issues(labels, probs, filter_by="confident_learning")).tolist())
    arr = np.asarray(flagged)
    if arr.dtype == bool:
        if arr.shape != labels.shape:
            return feedback(False, what=what, expected=f"a mask of {labels.size} booleans or positions",
                            got=f"a mask of shape {arr.shape}")
        arr = np.flatnonzero(arr)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        return feedback(False, what=what, expected="positions (ints) or a boolean mask",
                        got=describe(flagged))
    got = set(arr.tolist())
    missed, extra = sorted(expected - got), sorted(got - expected)
    hint = ("an example counts when a class j != its given label has pred_probs[i, j] >= t[j]; if several "
            "classes pass their thresholds, take the most probable one")
    if missed and not extra:
        hint = f"you missed {len(missed)}, e.g. {missed[:5]}; " + hint
    elif extra:
        hint = f"{len(extra)} extra, e.g. {extra[:5]}; " + hint
    # a tie exactly at a threshold may fall either way: allow a difference of two examples
    return feedback(len(missed) + len(extra) <= 2, what=what, expected=f"{len(expected)} examples",
                    got=f"{len(got)} examples ({len(missed)} missed, {len(extra)} extra)", hint=hint)
