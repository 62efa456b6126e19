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


def _array(value):
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    return arr if arr.ndim == 1 else None


def check_self_confidence(scores, noisy_labels, pred_probs) -> bool:
    """Is ``scores[i]`` the predicted probability of example i's given label?"""
    from cleanlab.rank import get_label_quality_scores

    what = "the self-confidence of each given label"
    if not_attempted(scores):
        return not_done(what)
    labels, probs = np.asarray(noisy_labels), np.asarray(pred_probs)
    expected = get_label_quality_scores(labels, probs, method="self_confidence")
    got = _array(scores)
    hint = "for each i, take pred_probs[i, noisy_labels[i]]"
    if got is not None and close(got, probs.max(axis=1)):
        hint = "that is the probability of the *predicted* class; take the column of the *given* label"
    return feedback(got is not None and close(got, expected), what=what,
                    expected=f"{len(expected)} numbers starting {np.round(expected[:3], 3).tolist()}",
                    got=describe(scores if got is None else np.round(got[:3], 3).tolist()), hint=hint)


def check_confident_thresholds(thresholds, noisy_labels, pred_probs) -> bool:
    """Is ``thresholds[j]`` the mean probability of class j over the examples labelled j?"""
    from cleanlab.count import get_confident_thresholds

    what = "each per-class threshold"
    if not_attempted(thresholds):
        return not_done(what)
    labels, probs = np.asarray(noisy_labels), np.asarray(pred_probs)
    expected = get_confident_thresholds(labels, probs)
    got = _array(thresholds)
    hint = "t[j] = mean of pred_probs[i, j] over the i with noisy_labels[i] == j"
    if got is not None and close(got, probs.mean(axis=0)):
        hint = "you averaged over all examples; average only over those *given* label j"
    return feedback(got is not None and close(got, expected, rtol=1e-6), what=what,
                    expected=np.round(expected, 3).tolist(),
                    got=describe(thresholds if got is None else np.round(got, 3).tolist()), hint=hint)


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
