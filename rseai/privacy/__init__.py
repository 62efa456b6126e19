"""Notebook 07: privacy. Membership inference and differential privacy; memorisation in the LM.

Re-exports what notebook 07 and its exercises call.
"""

from rseai.privacy.dp import (  # noqa: F401
    EPSILONS, advantage_bound, epsilon_summary, epsilon_sweep, tpr_bound)
from rseai.privacy.membership import (  # noqa: F401
    DEPTHS, FEATURES, attack_auroc, completion_test, complexity_sweep, credit_split, encoder,
    membership_report, threshold_attack)
