"""Checks for notebook 06's exercises: perplexity by hand, the false-accusation rate, AUROC as a
probability, and how many flagged texts are innocent at a given base rate.

Each check recomputes the answer from the same data the student used, prints a verdict with a
hint, and returns True/False; a wrong answer never raises.

Example
-------
>>> check_innocent_share(0.9 * 0.2 / (0.9 * 0.2 + 0.1 * 0.9), far=0.2, caught=0.9, base_rate=0.1)
✓ Correct: the share of flagged texts written by a human is right.
True
"""

from __future__ import annotations

import numpy as np

from rseai.detection.rates import as_scores, false_accusation_rate, threshold_for_catch
from rseai.detection.scores import TokenStats
from rseai.feedback import as_number, close, describe, feedback, not_attempted, not_done

__all__ = ["check_perplexity", "check_false_accusation_rate", "check_auroc", "check_innocent_share"]


def check_perplexity(value, stats: TokenStats) -> bool:
    """Is ``value`` the perplexity of the text: ``exp(-mean log-probability)``?"""
    what = "the perplexity"
    if not isinstance(stats, TokenStats):
        raise TypeError("stats must be one TokenStats (token_stats(lm, [text])[0]), "
                        f"got {type(stats).__name__}")
    if not_attempted(value):
        return not_done(what)
    expected = float(np.exp(-stats.log_prob.mean()))
    got = as_number(value)
    hint = "perplexity = exp(-mean of the log-probabilities)"
    if got is not None and close(got, float(np.exp(stats.log_prob.mean()))):
        hint = "mind the sign: a perplexity is at least 1"
    elif got is not None and close(got, float(-stats.log_prob.mean())):
        hint = "that is the log-perplexity; take exp() of it"
    return feedback(got is not None and close(got, expected, rtol=1e-4), what=what,
                    expected=f"{expected:.3f}", got=describe(value), hint=hint)


def check_false_accusation_rate(value, human_scores, machine_scores, *, catch: float = 0.9) -> bool:
    """Is ``value`` the share of human texts flagged by the threshold catching ``catch`` of machine texts?"""
    what = "the false-accusation rate"
    t = threshold_for_catch(machine_scores, catch=catch)
    if not_attempted(value):
        return not_done(what)
    expected = false_accusation_rate(human_scores, t)
    got = as_number(value)
    hint = (f"threshold = the score that {catch:.0%} of machine texts reach (sort them, highest first); "
            "then the share of human texts at or above it")
    if got is not None and close(got, 1 - expected):
        hint = "that is the share of human texts NOT flagged"
    return feedback(got is not None and close(got, expected), what=what, expected=f"{expected:.4f}",
                    got=describe(value), hint=hint)


def check_auroc(value, y_true, scores) -> bool:
    """Is ``value`` the AUROC: the chance a random machine text outscores a random human one (ties half)?"""
    what = "the AUROC"
    y = np.asarray(y_true)
    s = as_scores(scores)
    if not_attempted(value):
        return not_done(what)
    m, h = s[y == 1][:, None], s[y == 0][None, :]
    expected = float(np.mean((m > h) + 0.5 * (m == h)))
    got = as_number(value)
    hint = "compare every machine text with every human text; count wins, and ties as half"
    if got is not None and close(got, 1 - expected):
        hint = "you counted how often the human text scores higher"
    return feedback(got is not None and close(got, expected), what=what, expected=f"{expected:.4f}",
                    got=describe(value), hint=hint)


def check_innocent_share(value, *, far: float, caught: float, base_rate: float) -> bool:
    """Is ``value`` the share of flagged texts that a human wrote, given the rates and the base rate?"""
    what = "the share of flagged texts written by a human"
    for name, v in (("far", far), ("caught", caught), ("base_rate", base_rate)):
        if as_number(v) is None or not 0 <= v <= 1:
            raise ValueError(f"{name} must be a number in [0, 1], got {v!r}")
    if not_attempted(value):
        return not_done(what)
    innocent, guilty = far * (1 - base_rate), caught * base_rate
    expected = innocent / (innocent + guilty) if innocent + guilty > 0 else 0.0
    got = as_number(value)
    hint = "flagged humans = far × (1 − base rate); flagged machines = caught × base rate"
    if got is not None and close(got, far):
        hint = "that is the false-accusation rate among human texts, not among flagged ones"
    return feedback(got is not None and close(got, expected, rtol=1e-4), what=what,
                    expected=f"{expected:.4f}", got=describe(value), hint=hint)
