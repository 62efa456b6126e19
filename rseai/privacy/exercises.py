"""Checks for notebook 07's exercises: the attack's AUROC by counting, Yeom et al.'s advantage,
the privacy bound for an ε, and a person's log-odds from their SHAP values.

Each check recomputes the answer from the same data the participant used, prints a verdict with
a hint, and returns True/False; a wrong answer never raises, a placeholder is "not done yet".

Example
-------
>>> check_advantage_bound(0.6487212707001282, epsilon=0.5)
✓ Correct: the bound on the membership advantage is right.
True
"""

from __future__ import annotations

import math

import numpy as np

from rseai.feedback import as_number, close, describe, feedback, not_attempted, not_done
from rseai.privacy.dp import advantage_bound
from rseai.privacy.membership import attack_auroc, threshold_attack

__all__ = ["check_attack_auroc", "check_membership_advantage", "check_advantage_bound", "check_log_odds"]


def check_attack_auroc(value, member_losses, nonmember_losses) -> bool:
    """Is ``value`` the chance that a random member has a lower loss than a random non-member?"""
    what = "the attack's AUROC"
    expected = attack_auroc(member_losses, nonmember_losses)
    if not_attempted(value):
        return not_done(what)
    got = as_number(value)
    hint = "compare every member's loss with every non-member's; count 'member lower', ties as half"
    if got is not None and close(got, 1 - expected):
        hint = "you counted how often the non-member has the lower loss"
    return feedback(got is not None and close(got, expected), what=what, expected=f"{expected:.4f}",
                    got=describe(value), hint=hint)


def check_membership_advantage(value, member_losses, nonmember_losses) -> bool:
    """Is ``value`` the threshold attack's TPR − FPR at the members' mean loss?"""
    what = "the membership advantage"
    result = threshold_attack(member_losses, nonmember_losses)
    if not_attempted(value):
        return not_done(what)
    got = as_number(value)
    hint = ("threshold = mean member loss; TPR = share of members at or below it, FPR = share of "
            "non-members at or below it; advantage = TPR − FPR")
    if got is not None and close(got, result.tpr):
        hint = "that is the TPR alone; subtract the FPR"
    return feedback(got is not None and close(got, result.advantage), what=what,
                    expected=f"{result.advantage:.4f}", got=describe(value), hint=hint)


def check_advantage_bound(value, *, epsilon: float) -> bool:
    """Is ``value`` Yeom et al.'s bound ``e**ε - 1`` on any attack's advantage at this ε?"""
    what = "the bound on the membership advantage"
    expected = advantage_bound(epsilon)
    if not_attempted(value):
        return not_done(what)
    got = as_number(value)
    hint = "the bound is e to the power ε, minus 1 (math.exp(epsilon) - 1), and never above 1"
    if got is not None and close(got, math.exp(epsilon)):
        hint = "subtract 1"
    return feedback(got is not None and close(got, expected, rtol=1e-4), what=what,
                    expected=f"{expected:.4f}", got=describe(value), hint=hint)


def check_log_odds(value, values, base: float, *, person) -> bool:
    """Is ``value`` the person's log-odds: the average plus the sum of their SHAP values?"""
    what = "the applicant's log-odds"
    if person not in values.index:
        raise ValueError(f"person must be a row label of values, got {person!r}")
    expected = float(base + values.loc[person].sum())
    if not_attempted(value):
        return not_done(what)
    got = as_number(value)
    hint = "SHAP values add up: base + the sum of this person's values"
    if got is not None and close(got, float(values.loc[person].sum())):
        hint = "add the average (base) to the sum"
    ok = got is not None and bool(np.isclose(got, expected, rtol=1e-6, atol=1e-9))
    return feedback(ok, what=what, expected=f"{expected:.4f}", got=describe(value), hint=hint)
