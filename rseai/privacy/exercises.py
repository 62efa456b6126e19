"""Checks for notebook 07's exercises: attack AUROC and advantage, the ε bound, SHAP log-odds.

Example
-------
>>> check_advantage_bound(0.6487212707001282, epsilon=0.5)
✓ Correct: the bound on the membership advantage is right.
True
"""

from __future__ import annotations

import math

from rseai.feedback import check_number
from rseai.privacy.dp import advantage_bound
from rseai.privacy.membership import attack_auroc, threshold_attack


def check_attack_auroc(value, member_losses, nonmember_losses) -> bool:
    """Is ``value`` the chance that a random member has a lower loss than a random non-member?"""
    expected = attack_auroc(member_losses, nonmember_losses)
    return check_number(value, expected, what="the attack's AUROC",
                        hint="compare every member's loss with every non-member's; count 'member lower', "
                             "ties as half",
                        slips=[(1 - expected, "you counted how often the non-member has the lower loss")])


def check_membership_advantage(value, member_losses, nonmember_losses) -> bool:
    """Is ``value`` the threshold attack's TPR − FPR at the members' mean loss?"""
    result = threshold_attack(member_losses, nonmember_losses)
    return check_number(value, result.advantage, what="the membership advantage",
                        hint="threshold = mean member loss; TPR = share of members at or below it, FPR = "
                             "share of non-members at or below it; advantage = TPR − FPR",
                        slips=[(result.tpr, "that is the TPR alone; subtract the FPR")])


def check_advantage_bound(value, *, epsilon: float) -> bool:
    """Is ``value`` Yeom et al.'s bound ``e**ε - 1`` on any attack's advantage at this ε?"""
    return check_number(value, advantage_bound(epsilon), what="the bound on the membership advantage",
                        hint="the bound is e to the power ε, minus 1 (math.exp(epsilon) - 1), and never "
                             "above 1",
                        slips=[(math.exp(epsilon), "subtract 1")], rtol=1e-4)


def check_log_odds(value, values, base: float, *, person) -> bool:
    """Is ``value`` the person's log-odds: the average plus the sum of their SHAP values?"""
    if person not in values.index:
        raise ValueError(f"person must be a row label of values, got {person!r}")
    total = float(values.loc[person].sum())
    return check_number(value, float(base + total), what="the applicant's log-odds",
                        hint="SHAP values add up: base + the sum of this person's values",
                        slips=[(total, "add the average (base) to the sum")])
