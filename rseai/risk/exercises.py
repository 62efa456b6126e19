"""Checks for notebook 03's exercises: expected cost, thresholds, a rate's gap between groups.

Example
-------
>>> check_bayes_threshold(1 / 6, cost_fp=1, cost_fn=5)
✓ Correct: the cost-balancing threshold is right.
True
"""

from __future__ import annotations

import math

from rseai.feedback import as_number, check_number, describe, feedback, not_attempted, not_done
from rseai.risk import costs


def check_expected_cost(value, y_true, scores, *, threshold, cost_fp, cost_fn) -> bool:
    """Is ``value`` the cost per case of flagging ``scores >= threshold``?"""
    expected = costs.expected_cost(y_true, scores, threshold=threshold, cost_fp=cost_fp, cost_fn=cost_fn)
    return check_number(value, expected, what="the expected cost per case",
                        hint="(cost_fp * FP + cost_fn * FN) / number of cases",
                        slips=[(expected * len(y_true), "that is the total cost; divide by the number of "
                                                        "cases")])


def check_bayes_threshold(value, *, cost_fp, cost_fn) -> bool:
    """Is ``value`` the probability at which flagging and passing cost the same?"""
    expected = costs.bayes_threshold(cost_fp=cost_fp, cost_fn=cost_fn)
    swapped = costs.bayes_threshold(cost_fp=cost_fn, cost_fn=cost_fp)
    return check_number(value, expected, what="the cost-balancing threshold",
                        hint="flag when p * cost_fn > (1 - p) * cost_fp; solve for p",
                        slips=[(swapped, "you swapped the costs: a dearer miss should make the threshold "
                                         "lower")])


def check_optimal_threshold(value, y_true, scores, *, cost_fp, cost_fn) -> bool:
    """Does ``value`` reach the lowest cost per case on these scores (any tied threshold counts)?"""
    what = "the cheapest threshold"
    if not_attempted(value):
        return not_done(what)
    got = as_number(value)
    best = costs.optimal_row(costs.threshold_sweep(y_true, scores, cost_fp=cost_fp, cost_fn=cost_fn))
    if got is None or not 0 <= got <= 1:
        return feedback(False, what=what, expected=f"a threshold in [0, 1] near {best['threshold']:.3f}",
                        got=describe(value))
    cost = costs.expected_cost(y_true, scores, threshold=got, cost_fp=cost_fp, cost_fn=cost_fn)
    return feedback(math.isclose(cost, best["expected_cost"], rel_tol=1e-9, abs_tol=1e-12), what=what,
                    expected=f"a cost of {best['expected_cost']:.4f} per case (e.g. at "
                             f"{best['threshold']:.3f})",
                    got=f"{describe(value)}, which costs {cost:.4f} per case",
                    hint="take the row of threshold_sweep with the smallest expected_cost")


def check_group_gap(value, y_true, y_pred, groups, *, rate="fnr") -> bool:
    """Is ``value`` the largest minus the smallest ``rate`` over the groups?"""
    by_group = costs.group_report(y_true, y_pred, groups).by_group
    if rate not in by_group:
        raise ValueError(f"rate must be one of {list(by_group.columns)}, got {rate!r}")
    values = by_group[rate].dropna()
    expected = float(values.max() - values.min())
    return check_number(value, expected, what=f"the largest {rate} gap between groups",
                        hint=f"group_report(...).by_group['{rate}'], then max minus min",
                        slips=[(-expected, "the gap is reported as a positive number: max minus min")])
