"""Checks for notebook 06's exercises: perplexity, false accusations, a detector's AUROC by hand.

Example
-------
>>> check_false_accusations(0.5, [0.1, 0.7], [0.6, 0.9], catch=1.0)
✓ Correct: the share of human texts flagged is right.
True
"""

from __future__ import annotations

import numpy as np

from rseai import _checks, metrics
from rseai.detection.rates import detector_scores, false_accusation_rate, threshold_for_catch
from rseai.detection.scores import TokenStats
from rseai.feedback import check_number


def check_perplexity(value, stats: TokenStats) -> bool:
    """Is ``value`` the perplexity of the text: ``exp(-mean log-probability)``?"""
    if not isinstance(stats, TokenStats):
        raise TypeError("stats must be one TokenStats (token_stats(lm, [text])[0]), "
                        f"got {type(stats).__name__}")
    mean = float(stats.log_prob.mean())
    return check_number(value, float(np.exp(-mean)), what="the perplexity", rtol=1e-4,
                        hint="perplexity = exp(-mean of the log-probabilities)",
                        slips=[(np.exp(mean), "mind the sign: a perplexity is at least 1"),
                               (-mean, "that is the log-perplexity; take exp() of it")])


def check_false_accusations(value, human_scores, machine_scores, *, catch: float = 0.9,
                            base_rate: float | None = None) -> bool:
    """At the threshold catching ``catch`` of the machine texts: is ``value`` the share of human texts
    flagged or, given ``base_rate`` (the share of all texts machine-written), the share of flagged
    texts a human wrote?"""
    t = threshold_for_catch(machine_scores, catch=catch)
    far = false_accusation_rate(human_scores, t)
    if base_rate is None:
        return check_number(value, far, what="the share of human texts flagged",
                            hint=f"threshold = the score that {catch:.0%} of machine texts reach (sort them, "
                                 "highest first); then the share of human texts at or above it",
                            slips=[(1 - far, "that is the share of human texts NOT flagged")])
    base_rate = _checks.real(base_rate, name="base_rate", low=0, high=1)
    caught = float(np.mean(detector_scores(machine_scores, name="machine_scores") >= t))
    innocent, guilty = far * (1 - base_rate), caught * base_rate
    return check_number(value, innocent / (innocent + guilty or 1), rtol=1e-4,
                        what="the share of flagged texts written by a human",
                        hint="flagged humans = far × (1 − base rate); flagged machines = caught × base rate",
                        slips=[(far, "that is the false-accusation rate among human texts, not among flagged "
                                     "ones")])


def check_detector_auroc(value, y_true, scores) -> bool:
    """Is ``value`` the AUROC: the chance a random machine text outscores a random human one (ties half)?"""
    expected = metrics.auroc(y_true, np.maximum(detector_scores(scores), np.finfo(float).min))
    return check_number(value, expected, what="the AUROC",
                        hint="compare every machine text with every human text; count wins, and ties as half",
                        slips=[(1 - expected, "you counted how often the human text scores higher")])
