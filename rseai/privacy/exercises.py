"""Checks for notebook 07's exercises: attack AUROC and advantage, the ε bound, SHAP log-odds.

Example
-------
>>> check_advantage_bound(0.24491866240370913, epsilon=0.5)
✓ Correct: the bound on the membership advantage is right.
True
"""

from __future__ import annotations

import math

from rseai import _checks
from rseai.feedback import check_number
from rseai.privacy.membership import advantage_bound, attack_auroc, threshold_attack


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
    """Is ``value`` the tight bound (e**ε - 1)/(e**ε + 1) on any attack's advantage at this ε?"""
    epsilon = _checks.epsilon(epsilon)
    grow = math.exp(min(epsilon, 700.0))
    slips = [(grow - 1, "that is Yeom et al.'s looser bound e^ε − 1; the tight one divides it by e^ε + 1"),
             (grow, "that is e^ε alone: subtract 1, then divide by e^ε + 1")]
    return check_number(value, advantage_bound(epsilon), what="the bound on the membership advantage",
                        hint="(e^ε − 1) / (e^ε + 1): (math.exp(epsilon) - 1) / (math.exp(epsilon) + 1)",
                        slips=slips, rtol=1e-4)


def check_log_odds(value, values, base: float, *, person) -> bool:
    """Is ``value`` the person's log-odds: the average plus the sum of their SHAP values?"""
    if person not in values.index:
        raise ValueError(f"person must be a row label of values, got {person!r}")
    total = float(values.loc[person].sum())
    return check_number(value, float(base + total), what="the applicant's log-odds",
                        hint="SHAP values add up: base + the sum of this person's values",
                        slips=[(total, "add the average (base) to the sum")])
