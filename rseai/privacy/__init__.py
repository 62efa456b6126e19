"""Notebook 07: privacy. Membership inference and differential privacy; memorisation in the LM.

Re-exports what notebook 07 and its exercises call.
"""

from rseai.privacy.membership import (  # noqa: F401
    DEPTHS, EPSILONS, FEATURES, advantage_bound, attack_auroc, completion_test, complexity_sweep,
    credit_split, encoder, epsilon_summary, epsilon_sweep, membership_report, threshold_attack, tpr_bound)
